"""The held-out gold (eval/heldout, articles written for this project) is self-consistent:
every quoted span is in its article, every party and motive holder is a listed actor."""
import json

import pytest

from pipeline.config import PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "eval" / "heldout"
GOLD = [json.loads(line) for line in open(HELDOUT / "gold.jsonl", encoding="utf-8") if line.strip()]


@pytest.mark.parametrize("gold", GOLD, ids=[g["article_id"] for g in GOLD])
def test_heldout_gold_spans_are_in_the_article(gold):
    text = (HELDOUT / "articles" / f"{gold['article_id']}.txt").read_text(encoding="utf-8")
    spans = [e for a in gold["agreements"] for e in a["evidence"]]
    spans += [m["text"] for m in gold["motives"]] + [d["text"] for d in gold["dates"]]
    assert [s for s in spans if s not in text] == []
    names = {a["name"] for a in gold["actors"]}
    holders = [p for a in gold["agreements"] for p in a["parties"]] + [m["actor"] for m in gold["motives"] if m["actor"]]
    assert [h for h in holders if h not in names] == []
