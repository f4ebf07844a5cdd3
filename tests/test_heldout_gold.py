"""The held-out gold (eval/heldout*, articles written for this project) is self-consistent:
every quoted span is in its article, every party and motive holder is a listed actor."""
import html
import json
import re

import pytest

from pipeline.config import PROJECT_ROOT

SETS = sorted(p for p in (PROJECT_ROOT / "eval").glob("heldout*") if (p / "gold.jsonl").exists())
GOLD = [(folder, json.loads(line)) for folder in SETS
        for line in open(folder / "gold.jsonl", encoding="utf-8") if line.strip()]


def article_text(folder, article_id: str) -> str:
    """The article's words as written: a .txt file, the visible text of an .html page, or the
    text of a .jsonl record."""
    articles = folder / "articles"
    if (articles / f"{article_id}.txt").exists():
        return (articles / f"{article_id}.txt").read_text(encoding="utf-8")
    if (articles / f"{article_id}.html").exists():
        page = (articles / f"{article_id}.html").read_text(encoding="utf-8")
        page = re.sub(r"(?is)<(head|script|style)\b.*?</\1>", "", page)
        return html.unescape(re.sub(r"<[^>]+>", "", page))
    for path in articles.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line) if line.strip() else {}
            if record.get("id") == article_id:
                return record["text"]
    raise AssertionError(f"{folder.name}: no article file for {article_id}")


def test_heldout_gold_sets_are_found():
    assert {p.name for p in SETS} >= {"heldout", "heldout2", "heldout3"}


@pytest.mark.parametrize("folder, gold", GOLD, ids=[f"{f.name}-{g['article_id']}" for f, g in GOLD])
def test_heldout_gold_spans_are_in_the_article(folder, gold):
    text = article_text(folder, gold["article_id"])
    spans = [e for a in gold["agreements"] for e in a["evidence"]]
    spans += [m["text"] for m in gold["motives"]] + [d["text"] for d in gold["dates"]]
    assert [s for s in spans if s not in text] == []
    names = {a["name"] for a in gold["actors"]}
    holders = [p for a in gold["agreements"] for p in a["parties"]] + [m["actor"] for m in gold["motives"] if m["actor"]]
    assert [h for h in holders if h not in names] == []
