"""Evaluate output tables against gold JSONL (shared/spec/GOLD.md), and the floors gate.

Matching follows the guidelines: one-to-one greedy matching by descending similarity per
article; agreements by name/acronym (parties break ties), actors by canonical name, dates by
expression text (then value), motives by clause overlap. Figures: precision, recall, F1 per
field, status accuracy on matched agreements, publication-date accuracy: the same figures as the
shared scorer (shared/tools/score.py; tests/test_evaluate.py compares them). Also the calibration
of the agreements' confidence (reliability bins, ECE). --split scores one part of the train set
(eval/SPLITS.md); the sealed part prints totals only.
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
from evaluation.gold import read_jsonl_gold
from pipeline.errors import PipelineError
from pipeline.write.csvio import read_csv

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
HEADS = frozenset("agreement agreements treaty pact deal accord accords arrangement convention protocol "
                  "memorandum understanding declaration framework partnership".split())
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
    jaccard = len(a & b) / len(a | b) if a | b else 0.0
    if pp and pp == gp and _descriptive(a, pp) & _descriptive(b, pp):
        return max(jaccard, 0.6) + bonus
    return jaccard + bonus


def _descriptive(words: set[str], parties: set[str]) -> set[str]:
    """An unnamed instrument may be named two ways ('Mutual Fisheries Treaty' for Chile and Peru,
    'Chile-Peru Fisheries Treaty'): with the same parties, one shared word that is neither a party's
    nor an instrument head ('fisheries') pairs them (as the shared scorer does)."""
    party_words = {w for x in parties for w in x.split()} | {w for x in parties for w in tokens(x)}
    return {w for w in words if w not in party_words and w not in HEADS and norm(w) not in parties}


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


def agreements_right(preds: list[dict], golds: list[dict]) -> list[bool]:
    """For each predicted agreement row of one article: does it match a gold agreement under the
    scorer's matching? (What the calibrated confidence is the probability of.)"""
    matched = {i for i, _j in match(preds, golds, sim_agreement, 0.5)}
    return [i in matched for i in range(len(preds))]


def _confidence(row: dict) -> float | None:
    try:
        value = float(row.get("confidence") or "")
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def _count_article(g: dict, art: dict | None, preds: list[dict], actors: list[dict], dates: list[dict],
                   motives: list[dict], confidences: list[tuple[float, bool]]) -> Counter:
    """The counts of one gold article; appends (confidence, right) of its agreement rows."""
    c: Counter = Counter()
    if g.get("published"):
        c["pub_n"] += 1
        c["pub_ok"] += ((art or {}).get("published") or "") == g["published"]
    golds = g.get("agreements", [])
    pairs = match(preds, golds, sim_agreement, 0.5)
    c.update(agreements_tp=len(pairs), agreements_fp=len(preds) - len(pairs), agreements_fn=len(golds) - len(pairs))
    for i, j in pairs:
        pp = {norm(x) for x in cell_list(preds[i].get("parties"))}
        gp = {norm(x) for x in golds[j].get("parties", [])}
        c.update(parties_tp=len(pp & gp), parties_fp=len(pp - gp), parties_fn=len(gp - pp))
        c["st_n"] += 1
        c["st_ok"] += (preds[i].get("status") or "") == golds[j].get("status")
    matched = {i for i, _j in pairs}
    for i, row in enumerate(preds):
        conf = _confidence(row)
        if conf is not None:
            confidences.append((conf, i in matched))
    for field, only_states, threshold in (("actors", False, 0.8), ("states", True, 1.0)):
        pn = [r.get("name", "") for r in actors if not only_states or r.get("type") == "state"]
        gn = [a["name"] for a in g.get("actors", []) if not only_states or a.get("type") == "state"]
        pairs = match(pn, gn, sim_actor, threshold)
        c.update({f"{field}_tp": len(pairs), f"{field}_fp": len(pn) - len(pairs), f"{field}_fn": len(gn) - len(pairs)})
    pd = list({(norm(r.get("text")), r.get("value") or ""): r for r in dates}.values())
    gd = list({(norm(d["text"]), d["value"]): d for d in g.get("dates", [])}.values())
    pairs = match([r.get("text", "") for r in pd], [d["text"] for d in gd], sim_date_text, 0.5)
    ok = sum(1 for i, j in pairs if (pd[i].get("value") or "") == gd[j]["value"])
    c.update(dates_span_tp=len(pairs), dates_span_fp=len(pd) - len(pairs), dates_span_fn=len(gd) - len(pairs),
             dates_value_tp=ok, dates_value_fp=len(pd) - ok, dates_value_fn=len(gd) - ok)
    pm = list({norm(r.get("text")): r.get("text", "") for r in motives}.values())
    gm = list({norm(x["text"]): x["text"] for x in g.get("motives", [])}.values())
    pairs = match(pm, gm, sim_motive, 0.5)
    c.update(motives_tp=len(pairs), motives_fp=len(pm) - len(pairs), motives_fn=len(gm) - len(pairs))
    return c


def _figures(c: Counter) -> dict:
    res: dict = {f: _prf(c[f"{f}_tp"], c[f"{f}_fp"], c[f"{f}_fn"]) for f in FIELDS}
    res["status_acc"] = round(c["st_ok"] / c["st_n"], 3) if c["st_n"] else None
    res["published_acc"] = round(c["pub_ok"] / c["pub_n"], 3) if c["pub_n"] else None
    macro = ["agreements", "parties", "actors", "dates_value", "motives"]
    res["macro_f1"] = round(sum(res[k]["f1"] for k in macro) / len(macro), 3)
    return res


def score(outputs: Path, gold: list[dict], per_article: bool = False) -> dict:
    """Scores of the tables in outputs against gold records (only gold articles count), the same
    figures as the shared scorer (shared/tools/score.py), plus the calibration of the agreements'
    confidence. per_article adds each article's figures under "per_article" (never for sealed
    articles: see main)."""
    ids = {g["article_id"] for g in gold}

    def grouped(table: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {i: [] for i in ids}
        for row in read_csv(outputs / TABLES[table].file):
            if row.get("article_id") in out:
                out[row["article_id"]].append(row)
        return out

    arts = {r["article_id"]: r for r in read_csv(outputs / ARTICLES.file)}
    ag, ac, da, mo = (grouped(t.name) for t in (AGREEMENTS, ACTORS, DATES, MOTIVES))
    total: Counter = Counter()
    confidences: list[tuple[float, bool]] = []
    rows: dict[str, dict] = {}
    for g in gold:
        aid = g["article_id"]
        c = _count_article(g, arts.get(aid), ag[aid], ac[aid], da[aid], mo[aid], confidences)
        total.update(c)
        if per_article:
            rows[aid] = _figures(c)
    res: dict = {"articles": len(gold), "articles_missing": len(ids - set(arts))}
    res.update(_figures(total))
    res["calibration"] = calibration_table(confidences)
    if per_article:
        res["per_article"] = rows
    return res


BINS = 10
HIGH = 0.8      # the check: among rows with confidence >= 0.8, the share right


def calibration_table(pairs: list[tuple[float, bool]], bins: int = BINS) -> dict:
    """Reliability table of (confidence, right) pairs: equal-width bins with their count, mean
    confidence and share right; the expected calibration error (ECE: the count-weighted mean gap
    between mean confidence and share right); the share right among rows at or above HIGH."""
    table, ece = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, ok) for p, ok in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if not inside:
            continue
        mean = sum(p for p, _ in inside) / len(inside)
        right = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(mean - right)
        table.append({"lo": round(lo, 2), "hi": round(hi, 2), "n": len(inside),
                      "confidence": round(mean, 3), "right": round(right, 3)})
    high = [ok for p, ok in pairs if p >= HIGH - 1e-9]
    return {"n": len(pairs), "right": round(sum(ok for _, ok in pairs) / len(pairs), 3) if pairs else None,
            "bins": table, "ece": round(ece, 3) if pairs else None,
            "high_threshold": HIGH, "high_n": len(high),
            "high_right": round(sum(high) / len(high), 3) if high else None}


def flat(res: dict) -> dict[str, float]:
    """Scores as flat keys for floors: agreements_f1, status_acc, ..., confidence_high_right (the
    share right among agreement rows with confidence >= 0.8)."""
    out = {f"{f}_{k}": res[f][k] for f in FIELDS for k in ("p", "r", "f1")}
    for k in ("status_acc", "published_acc", "macro_f1"):
        if res.get(k) is not None:
            out[k] = res[k]
    cal = res.get("calibration") or {}
    if cal.get("high_right") is not None:
        out["confidence_high_right"] = cal["high_right"]
    return out


def report(res: dict) -> str:
    lines = [f"articles scored: {res['articles']} (missing from outputs: {res['articles_missing']})"]
    for f in FIELDS:
        v = res[f]
        lines.append(f"  {f:12} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f1']:.3f}   (tp {v['tp']} fp {v['fp']} fn {v['fn']})")
    lines.append(f"  status accuracy on matched agreements: {res['status_acc']}")
    lines.append(f"  published accuracy: {res['published_acc']}")
    lines.append(f"macro F1 (agreements, parties, actors, dates_value, motives): {res['macro_f1']}")
    lines += calibration_report(res.get("calibration"))
    return "\n".join(lines)


def calibration_report(cal: dict | None) -> list[str]:
    if not cal or not cal["n"]:
        return ["calibration of agreements.confidence: no rows"]
    title = (f"calibration of agreements.confidence ({cal['n']} rows, right = matches a gold agreement; "
             f"share right {cal['right']}):")
    lines = [title, "  bin        rows  mean confidence  share right"]
    for b in cal["bins"]:
        lines.append(f"  {b['lo']:.1f}-{b['hi']:.1f}  {b['n']:6d}  {b['confidence']:15.3f}  {b['right']:11.3f}")
    lines.append(f"  expected calibration error (ECE): {cal['ece']:.3f}")
    lines.append(f"  rows with confidence >= {cal['high_threshold']}: {cal['high_n']}, share right {cal['high_right']}")
    return lines


def per_article_report(res: dict) -> str:
    head = f"{'article':40} {'agreements':>11} {'parties':>9} {'actors':>9} {'dates_val':>9} {'motives':>9} {'status':>6}"
    lines = ["per article (F1; status accuracy):", head]
    for aid, r in res["per_article"].items():
        status = "-" if r["status_acc"] is None else f"{r['status_acc']:.2f}"
        lines.append(f"{aid[:40]:40} {r['agreements']['f1']:11.3f} {r['parties']['f1']:9.3f} {r['actors']['f1']:9.3f} "
                     f"{r['dates_value']['f1']:9.3f} {r['motives']['f1']:9.3f} {status:>6}")
    return "\n".join(lines)


def _sealed_in(gold: list[dict]) -> list[str]:
    from evaluation.splits import split_of
    return [g["article_id"] for g in gold if split_of(g["article_id"]) == "sealed"]


def main(args) -> int:
    from evaluation.splits import check_split, gold_in_split, link_split
    gold = read_jsonl_gold(args.gold)
    split = getattr(args, "split", None)
    per_article = getattr(args, "per_article", False)
    if split:
        check_split(split)
        gold = gold_in_split(gold, split)
        if not gold:
            raise PipelineError("E042", str(args.gold), f"no gold record of the {split} split (article ids "
                                "t01_..., rule in eval/SPLITS.md); pass the train gold")
    if per_article and (split == "sealed" or _sealed_in(gold)):
        # eval/SPLITS.md: nobody reads a sealed article's figures; only totals are printed
        raise PipelineError("E043", "--per-article", "per-article figures are never printed for sealed "
                            "articles (eval/SPLITS.md); drop --per-article, or score the studied split")
    with tempfile.TemporaryDirectory(prefix="pipeline-eval-") as tmp:
        if args.run:
            from pipeline.config import load_settings
            from pipeline.run import run
            source = Path(args.run)
            if split:
                source = Path(tmp) / "input"
                link_split(Path(args.run), split, source)
            summary = run(source, Path(tmp) / "outputs", load_settings(args.config))
            print(summary.line(), file=sys.stderr)
            outputs = Path(tmp) / "outputs"
        else:
            outputs = Path(args.outputs)
        res = score(outputs, gold, per_article=per_article)
    if gold and res["articles_missing"] == res["articles"]:
        # nothing to score: all zeros would read as a (very) bad result rather than a wrong folder
        print(format_error("E065", str(outputs), f"none of the {len(gold)} gold articles of {args.gold} is "
                           "in these outputs (articles.csv); score the outputs of a run over the gold's "
                           "articles, or use --run INPUT"), file=sys.stderr)
        return 1
    if split:
        res["split"] = split
    if args.json:
        print(json.dumps(res))
    else:
        if split:
            print(f"split: {split} (eval/SPLITS.md)" + ("; totals only" if split == "sealed" else ""))
        print(report(res))
        if per_article:
            print(per_article_report(res))
    return gate(flat(res), args.floors, args.section)
