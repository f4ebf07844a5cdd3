"""Evaluate output tables against gold JSONL (shared/spec/GOLD.md), and the floors gate.

Matching follows the guidelines: one-to-one greedy matching by descending similarity per
article; agreements by name/acronym (parties break ties), actors by canonical name, dates by
expression text (then value), motives by clause overlap. Figures: precision, recall, F1 per
field, status accuracy on matched agreements, publication-date accuracy.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from evaluation.floors import gate
from pipeline.schemas import ACTORS, AGREEMENTS, ARTICLES, DATES, MOTIVES, TABLES
from pipeline.errors import format_error
from pipeline.write.csvio import read_csv
from evaluation.gold import read_jsonl_gold

STOP = frozenset("the of and on for a an between in to".split())
STATE_ALIASES = {
    "us": "united states", "u s": "united states", "usa": "united states", "america": "united states",
    "united states of america": "united states", "washington": "united states",
    "rok": "south korea", "republic of korea": "south korea", "korea south": "south korea", "seoul": "south korea",
    "dprk": "north korea", "democratic people s republic of korea": "north korea", "pyongyang": "north korea",
    "uk": "united kingdom", "u k": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "prc": "china", "people s republic of china": "china", "beijing": "china",
    "russian federation": "russia", "moscow": "russia", "tokyo": "japan", "manila": "philippines",
    "the philippines": "philippines", "republic of the philippines": "philippines",
}
FIELDS = ["agreements", "parties", "actors", "states", "dates_span", "dates_value", "motives"]


def norm(s: str | None) -> str:
    s = (s or "").lower().replace("’", "'").replace("'s", "")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    return STATE_ALIASES.get(s, s)


def tokens(s: str | None) -> set[str]:
    return {t for t in norm(s).split() if t not in STOP}


def cell_list(cell: str | None) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


def match(preds: list, golds: list, sim, threshold: float) -> list[tuple[int, int]]:
    scored = sorted(((sim(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)), reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for s, i, j in scored:
        if s >= threshold and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def sim_agreement(p: dict, g: dict) -> float:
    pp, gp = {norm(x) for x in cell_list(p.get("parties"))}, {norm(x) for x in g.get("parties", [])}
    bonus = 0.1 * len(pp & gp) / len(pp | gp) if pp | gp else 0.0
    pa, ga = (p.get("acronym") or "").strip().lower(), (g.get("acronym") or "").strip().lower()
    if (pa and pa == ga) or norm(p.get("name")) == norm(g.get("name")):
        return 1.0 + bonus
    if pa and pa in {t.lower() for t in (g.get("name") or "").split()}:
        return 0.9 + bonus
    a, b = tokens(p.get("name")), tokens(g.get("name"))
    return (len(a & b) / len(a | b) if a | b else 0.0) + bonus


def sim_actor(p: str, g: str) -> float:
    a, b = norm(p), norm(g)
    if a == b:
        return 1.0
    ta, tb = set(a.split()), set(b.split())
    small, big = sorted((ta, tb), key=len)
    return 0.8 if small and small <= big and (len(small) >= 2 or len(big) <= 3) else 0.0


def sim_date_text(p: str, g: str) -> float:
    a, b = norm(p), norm(g)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.8
    ta, tb = set(a.split()), set(b.split())
    return 0.6 * len(ta & tb) / len(tb) if tb else 0.0


def sim_motive(p: str, g: str) -> float:
    a, b = norm(p), norm(g)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    ta, tb = set(a.split()) - STOP, set(b.split()) - STOP
    return len(ta & tb) / len(tb) if tb else 0.0


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score(outputs: Path, gold: list[dict]) -> dict:
    """Scores of the tables in outputs against gold records (only gold articles count)."""
    ids = {g["article_id"] for g in gold}

    def grouped(table: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {i: [] for i in ids}
        for row in read_csv(outputs / TABLES[table].file):
            if row.get("article_id") in out:
                out[row["article_id"]].append(row)
        return out

    arts = {r["article_id"]: r for r in read_csv(outputs / ARTICLES.file)}
    ag, ac, da, mo = (grouped(t.name) for t in (AGREEMENTS, ACTORS, DATES, MOTIVES))
    c: Counter = Counter()
    for g in gold:
        aid = g["article_id"]
        if g.get("published"):
            c["pub_n"] += 1
            c["pub_ok"] += (arts.get(aid, {}).get("published") or "") == g["published"]
        preds, golds = ag[aid], g.get("agreements", [])
        pairs = match(preds, golds, sim_agreement, 0.5)
        c.update(agreements_tp=len(pairs), agreements_fp=len(preds) - len(pairs), agreements_fn=len(golds) - len(pairs))
        for i, j in pairs:
            pp = {norm(x) for x in cell_list(preds[i].get("parties"))}
            gp = {norm(x) for x in golds[j].get("parties", [])}
            c.update(parties_tp=len(pp & gp), parties_fp=len(pp - gp), parties_fn=len(gp - pp))
            c["st_n"] += 1
            c["st_ok"] += (preds[i].get("status") or "") == golds[j].get("status")
        for field, only_states, threshold in (("actors", False, 0.8), ("states", True, 1.0)):
            pn = [r.get("name", "") for r in ac[aid] if not only_states or r.get("type") == "state"]
            gn = [a["name"] for a in g.get("actors", []) if not only_states or a.get("type") == "state"]
            pairs = match(pn, gn, sim_actor, threshold)
            c.update({f"{field}_tp": len(pairs), f"{field}_fp": len(pn) - len(pairs), f"{field}_fn": len(gn) - len(pairs)})
        pd = list({(norm(r.get("text")), r.get("value") or ""): r for r in da[aid]}.values())
        gd = list({(norm(d["text"]), d["value"]): d for d in g.get("dates", [])}.values())
        pairs = match([r.get("text", "") for r in pd], [d["text"] for d in gd], sim_date_text, 0.5)
        ok = sum(1 for i, j in pairs if (pd[i].get("value") or "") == gd[j]["value"])
        c.update(dates_span_tp=len(pairs), dates_span_fp=len(pd) - len(pairs), dates_span_fn=len(gd) - len(pairs),
                 dates_value_tp=ok, dates_value_fp=len(pd) - ok, dates_value_fn=len(gd) - ok)
        pm = list({norm(r.get("text")): r.get("text", "") for r in mo[aid]}.values())
        gm = list({norm(x["text"]): x["text"] for x in g.get("motives", [])}.values())
        pairs = match(pm, gm, sim_motive, 0.5)
        c.update(motives_tp=len(pairs), motives_fp=len(pm) - len(pairs), motives_fn=len(gm) - len(pairs))
    res: dict = {"articles": len(gold), "articles_missing": len(ids - set(arts))}
    for f in FIELDS:
        res[f] = _prf(c[f"{f}_tp"], c[f"{f}_fp"], c[f"{f}_fn"])
    res["status_acc"] = round(c["st_ok"] / c["st_n"], 3) if c["st_n"] else None
    res["published_acc"] = round(c["pub_ok"] / c["pub_n"], 3) if c["pub_n"] else None
    macro = ["agreements", "parties", "actors", "dates_value", "motives"]
    res["macro_f1"] = round(sum(res[k]["f1"] for k in macro) / len(macro), 3)
    return res


def flat(res: dict) -> dict[str, float]:
    """Scores as flat keys for floors: agreements_f1, status_acc, ..."""
    out = {f"{f}_{k}": res[f][k] for f in FIELDS for k in ("p", "r", "f1")}
    for k in ("status_acc", "published_acc", "macro_f1"):
        if res.get(k) is not None:
            out[k] = res[k]
    return out


def report(res: dict) -> str:
    lines = [f"articles scored: {res['articles']} (missing from outputs: {res['articles_missing']})"]
    for f in FIELDS:
        v = res[f]
        lines.append(f"  {f:12} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f1']:.3f}   (tp {v['tp']} fp {v['fp']} fn {v['fn']})")
    lines.append(f"  status accuracy on matched agreements: {res['status_acc']}")
    lines.append(f"  published accuracy: {res['published_acc']}")
    lines.append(f"macro F1 (agreements, parties, actors, dates_value, motives): {res['macro_f1']}")
    return "\n".join(lines)


def main(args) -> int:
    gold = read_jsonl_gold(args.gold)
    if args.run:
        from pipeline.config import load_settings
        from pipeline.run import run
        tmp = tempfile.TemporaryDirectory(prefix="pipeline-eval-")
        outputs = Path(tmp.name)
        summary = run(Path(args.run), outputs, load_settings(args.config))
        print(summary.line(), file=sys.stderr)
    else:
        outputs = Path(args.outputs)
    res = score(outputs, gold)
    if gold and res["articles_missing"] == res["articles"]:
        # nothing to score: all zeros would read as a (very) bad result rather than a wrong folder
        print(format_error("E065", str(outputs), f"none of the {len(gold)} gold articles of {args.gold} is "
                           "in these outputs (articles.csv); score the outputs of a run over the gold's "
                           "articles, or use --run INPUT"), file=sys.stderr)
        return 1
    print(json.dumps(res) if args.json else report(res))
    return gate(flat(res), args.floors, args.section)
