"""Where agreement recall is lost: each gold agreement the shared scorer misses, and each row it does
not pair, put in one class, per studied set.

usage: python -m evaluation.recall_breakdown [--set NAME=ARTICLES_DIR:GOLD.jsonl ...] [--details FILE]

Only studied sets are read (default: evaluation.gold.STUDIED_SETS without dev). Each article goes
through the pipeline's read, parse, actors and dates stages; the agreement stage runs once with every
gated row kept and its trace read, so the rows the shipped gate keeps, the rows it drops, the
instances before consolidation and the mentions are all seen. A gold agreement's sentences are the
article's sentences that hold its `evidence`.

Missed gold agreements (first class that applies):
  d_name     a row the scorer leaves unpaired is there (agreement_sim >= 0.2 with it, or in its
             sentences with a shared or no gold party): the row's name does not pair with the gold one
  c_cons     a row paired with another gold agreement holds its sentences, and a separate instance there
             was folded into it by consolidation
  c_place    the same, the mention joined the other row when it was placed (no separate instance)
  b_gate     a row the gate dropped is in its sentences (or pairs with it)
  b_rule     an instance or a naming mention in its sentences made no row (rules: no parties, _keep)
  b_ref_only only references ('the agreement', 'an agreement') in its sentences
  a_none     no mention in its sentences at all
  a_noevid   its evidence is found in no sentence
Rows the scorer leaves unpaired: name_of_missed (agreement_sim >= 0.2 with a missed gold one),
dup_of_matched (shares a sentence with a paired row), in_gold_sentence (in a sentence of some gold
agreement), no_gold_there; and each is counted as src_gated or src_rules.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict

from evaluation.gold import STUDIED_SETS, parsed, training_set

MISS_CLASSES = ("d_name", "c_cons", "c_place", "b_gate", "b_rule", "b_ref_only", "a_none", "a_noevid")
ROW_CLASSES = ("name_of_missed", "dup_of_matched", "in_gold_sentence", "no_gold_there")
NEAR_NAME = 0.2         # agreement_sim at which an unpaired row counts as the missed agreement, misnamed


def _words(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def evidence_sentences(sentences: list[tuple[int, str]], evidence: list[str]) -> set[int]:
    """The numbers of the sentences that hold an evidence string (or that it holds); failing that, the
    one sentence holding at least 70% of its words."""
    out: set[int] = set()
    norm = [(n, _words(t)) for n, t in sentences]
    for e in evidence:
        we = _words(e)
        if not we:
            continue
        hit = {n for n, ws in norm if we in ws or (len(ws) > 20 and ws in we)}
        if not hit and norm:
            te = set(we.split())
            n, ws = max(norm, key=lambda x: len(te & set(x[1].split())))
            if len(te & set(ws.split())) >= 0.7 * len(te):
                hit = {n}
        out |= hit
    return out


def classify(golds: list[dict], kept: list[dict], dropped: list[dict], folded: list[set[int]],
             unplaced: list[set[int]], mentions: dict[int, set[str]], evidence: list[set[int]], score) -> tuple[Counter, Counter, list]:
    """Classes of one article. kept / dropped: rows the gate keeps / drops, each {name, acronym, parties
    (';'-joined), sentence_ns}; folded: the sentence sets of instances consolidation folded into
    another; unplaced: those of instances that made no row; mentions: sentence -> sources of the
    mentions in it; evidence: each gold agreement's sentences. Returns (missed-gold classes, unpaired
    row classes, details)."""
    pairs = score.greedy(kept, golds, score.agreement_sim, 0.5)
    by_row = dict(pairs)
    by_gold = {j: i for i, j in pairs}
    miss, rows, details = Counter(tp=len(pairs)), Counter(), []
    norm = lambda ps: {score.norm(p) for p in ps}  # noqa: E731
    unpaired = [r for i, r in enumerate(kept) if i not in by_row]
    for j, g in enumerate(golds):
        if j in by_gold:
            continue
        ev, gp = evidence[j], norm(g.get("parties", []))
        if any(score.agreement_sim(r, g) >= NEAR_NAME or (set(r["sentence_ns"]) & ev and
               (norm(score.split_list(r["parties"])) & gp or not gp)) for r in unpaired):
            cls = "d_name"
        elif any(i in by_row and set(r["sentence_ns"]) & ev for i, r in enumerate(kept)):
            cls = "c_cons" if any(f & ev for f in folded) else "c_place"
        elif any(set(r["sentence_ns"]) & ev or score.agreement_sim(r, g) >= 0.5 for r in dropped):
            cls = "b_gate"
        elif not ev:
            cls = "a_noevid"
        elif any(u & ev for u in unplaced):
            cls = "b_rule"
        else:
            sources = set().union(*(mentions.get(n, set()) for n in ev))
            cls = "a_none" if not sources else "b_ref_only" if sources <= {"anaphor", "indefinite"} else "b_rule"
        miss[cls] += 1
        details.append({"kind": "missed", "class": cls, "gold": g.get("name")})
    gold_sents = set().union(*evidence) if evidence else set()
    paired_sents = set().union(*(set(kept[i]["sentence_ns"]) for i in by_row)) if by_row else set()
    for i, r in enumerate(kept):
        if i in by_row:
            continue
        if any(j not in by_gold and score.agreement_sim(r, g) >= NEAR_NAME for j, g in enumerate(golds)):
            cls = "name_of_missed"
        elif set(r["sentence_ns"]) & paired_sents:
            cls = "dup_of_matched"
        elif set(r["sentence_ns"]) & gold_sents:
            cls = "in_gold_sentence"
        else:
            cls = "no_gold_there"
        rows[cls] += 1
        rows["src_gated" if r.get("gated") else "src_rules"] += 1
        details.append({"kind": "unpaired", "class": cls, "row": r["name"], "gated": bool(r.get("gated"))})
    return miss, rows, details


def read_set(spec: str, settings: dict, model, score) -> tuple[Counter, Counter, list]:
    """The classes summed over the articles of one studied set."""
    import pipeline.extract.agreements as ag  # noqa: PLC0415
    from pipeline.extract.agreements.gate import KEEP_ALL  # noqa: PLC0415
    from pipeline.extract.agreements.gate import load as load_gate  # noqa: PLC0415
    gate = load_gate()
    name, articles, gold = training_set(spec, settings)
    miss, rows, details = Counter(), Counter(), []
    real_consolidate, real_descriptive = ag.consolidate, ag.with_descriptive
    for art, doc, sents, ex in parsed(articles, model, settings, ("actors", "dates")):
        seen: dict = {}

        def consolidate(insts, *a, seen=seen, **k):
            seen["pre"] = list(insts)
            seen["post"] = real_consolidate(insts, *a, **k)
            return seen["post"]

        def with_descriptive(hits, d, seen=seen):
            seen["hits"] = real_descriptive(hits, d)
            return seen["hits"]

        trace: list = []
        ag.consolidate, ag.with_descriptive = consolidate, with_descriptive
        try:
            ag.extract(doc, sents, ex.actors, ex.dates, {"agreements": settings.get("agreements", {})},
                       gate=KEEP_ALL, trace=trace)
        finally:
            ag.consolidate, ag.with_descriptive = real_consolidate, real_descriptive
        as_row = lambda f, x: {"name": f.name, "acronym": f.acronym, "parties": "; ".join(f.parties),  # noqa: E731
                               "sentence_ns": list(f.sentence_ns), "gated": x is not None}
        kept = [as_row(f, x) for x, f, r, _s in trace if x is None or gate.keep(x, r)]
        dropped = [as_row(f, x) for x, f, r, _s in trace if not (x is None or gate.keep(x, r))]
        post = seen.get("post", [])
        final_sents = [set(r["sentence_ns"]) for r in kept + dropped]
        gone = [{n for _h, n in p.hits} for p in seen.get("pre", []) if not any(p is q for q in post)]
        unmade = [{n for _h, n in p.hits} for p in post if not any({n for _h, n in p.hits} <= s for s in final_sents)]
        mentions: dict[int, set[str]] = defaultdict(set)
        for h in seen.get("hits", []):
            s = next((x.n for x in sents if x.start <= h.start < x.end), None)
            if s is not None:
                mentions[s].add(h.source)
        golds = gold[art.article_id].get("agreements", [])
        numbered = [(x.n, x.text) for x in sents]
        evidence = [evidence_sentences(numbered, g.get("evidence") or []) for g in golds]
        m, r, d = classify(golds, kept, dropped, gone, unmade, mentions, evidence, score)
        miss.update(m)
        rows.update(r)
        details += [{"set": name, "article": art.article_id, **x} for x in d]
    return miss, rows, details


def main(argv: list[str] | None = None) -> int:
    from evaluation.train_motives import scorer_settings_model  # noqa: PLC0415
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", dest="sets", help="NAME=ARTICLES_DIR:GOLD.jsonl (studied sets only)")
    ap.add_argument("--details", help="write every missed gold agreement and unpaired row here (JSON)")
    args = ap.parse_args(argv)
    score, settings, model = scorer_settings_model()
    specs = args.sets or [s for s in STUDIED_SETS if not s.startswith("dev=")]
    all_details = []
    total_m, total_r = Counter(), Counter()
    for spec in specs:
        miss, rows, details = read_set(spec, settings, model, score)
        all_details += details
        total_m.update(miss)
        total_r.update(rows)
        _print(spec.partition("=")[0], miss, rows)
    _print("all", total_m, total_r)
    if args.details:
        from pathlib import Path  # noqa: PLC0415

        from pipeline.write.files import write_text_atomic  # noqa: PLC0415
        write_text_atomic(Path(args.details), json.dumps(all_details, indent=1, ensure_ascii=False) + "\n")
    return 0


def _print(name: str, miss: Counter, rows: Counter) -> None:
    fn = sum(miss[c] for c in MISS_CLASSES)
    fp = sum(rows[c] for c in ROW_CLASSES)
    print(f"{name}: tp {miss['tp']} missed {fn} (" + ", ".join(f"{c} {miss[c]}" for c in MISS_CLASSES if miss[c])
          + f"); unpaired rows {fp} (" + ", ".join(f"{c} {rows[c]}" for c in ROW_CLASSES if rows[c])
          + f"; gated {rows['src_gated']}, rules {rows['src_rules']})")


if __name__ == "__main__":
    raise SystemExit(main())
