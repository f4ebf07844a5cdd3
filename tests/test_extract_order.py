"""Adding an extractor: a Stage of its own, its table's Schema and one more item in the stage order,
and nothing else. A toy extractor (harbour words), defined here and never in the product, goes
through the public entry points: build_stages and analyse, rows_for, the run's write side, the
review CLI; and, with the model, a whole run. Articles are written in our own sentences."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import spacy

from pipeline import extract, run, schemas, stages
from pipeline.cli import main
from pipeline.extract import analyse, build_stages
from pipeline.records import Article, SpanFinding
from pipeline.schemas import REVIEW_COLUMNS, Schema
from pipeline.write import output
from pipeline.write.tables import pack, rows_for

TEXT = ("The ferry left the old quay at dawn. Nobody spoke on deck.\n"
        "By noon it reached a harbour in the north, where a pier had been rebuilt.\n")


@dataclass
class HarbourFinding(SpanFinding):
    kind: str = ""
    why: list[str] = None


class HarbourStage:
    """The toy extractor: every harbour word of a sentence."""

    name = "harbours"
    WORDS = re.compile(r"\b(quay|harbour|pier)\b")

    def __init__(self, config: dict) -> None:
        self.config = config

    def __call__(self, doc, sents, upstream) -> list[HarbourFinding]:
        return [HarbourFinding(s.n, s.start + m.start(), s.start + m.end(), m.group(), m.group(),
                               why=["harbours:word"])
                for s in sents for m in self.WORDS.finditer(s.text)]


HARBOURS = Schema("harbours", [
    "harbour_id", "article_id", "sentence_id", "char_start", "char_end", "text", "kind", *REVIEW_COLUMNS, "why",
], key="harbour_id", required=("harbour_id", "article_id", "text"), reviewable=True, id_prefix="hb",
    summary_columns=("text", "kind"), display_name="harbours", finding_columns=("article_id", "text", "kind"))


@pytest.fixture
def harbours_table():
    schemas.register(HARBOURS)
    yield HARBOURS
    schemas.unregister(HARBOURS.name)


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def test_extract_order_a_new_extractor_needs_a_stage_a_schema_and_a_place_in_the_order(harbours_table, tmp_path):
    stages = build_stages({}, order=(HarbourStage,))
    assert [type(s) for s in stages] == [HarbourStage]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    article = Article("ferry", "ferry.txt", TEXT, title="The ferry")
    ex = analyse(article, nlp(TEXT), {}, stages)
    assert [(f.sentence_n, f.text) for f in ex.findings("harbours")] == [(0, "quay"), (2, "harbour"), (2, "pier")]
    rows = rows_for(ex)["harbours"]
    assert [TEXT[r["char_start"]:r["char_end"]] for r in rows] == ["quay", "harbour", "pier"]
    assert {r["harbour_id"][:3] for r in rows} == {"hb-"} and len({r["harbour_id"] for r in rows}) == 3

    out = tmp_path / "out"
    tables = run.new_tables(out)
    try:
        run.add_entries(out, tables, [SimpleNamespace(key="toy", rows=pack(rows_for(ex)), extraction=ex)])
        summary = run.write_tables(out, tables, run.RunSummary(), output.check_reviews(out), None, ["sqlite"], 0.0)
    finally:
        run.spool.close_all(tables)
    assert summary.rows["harbours"] == 3
    header, written = _read(out / "harbours.csv")
    assert header == HARBOURS.columns
    assert [(r["text"], r["kind"], r["sentence_id"], r["review_status"], r["why"]) for r in written] == [
        ("quay", "quay", "ferry:0", "pending", "harbours:word"), ("harbour", "harbour", "ferry:2", "pending",
                                                                   "harbours:word"),
        ("pier", "pier", "ferry:2", "pending", "harbours:word")]
    # the review side takes the table from its schema: a CLI choice, a pending file
    assert main(["review", "pending", "--table", "harbours", "--output", str(out)]) == 0
    assert len(_read(out / "review" / "pending-harbours.csv")[1]) == 3


def test_extract_order_a_registered_table_leaves_with_its_schema():
    schemas.register(HARBOURS)
    assert "harbours" in schemas.TABLES and "harbours" in schemas.REVIEW_TABLES
    schemas.unregister("harbours")
    assert "harbours" not in schemas.TABLES and "harbours" not in schemas.REVIEW_TABLES
    assert "harbours" not in schemas.ID_PREFIX


@pytest.mark.model
def test_extract_order_a_run_with_one_more_stage_writes_its_table(harbours_table, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(extract, "STAGE_ORDER", (*extract.STAGE_ORDER, HarbourStage))
    src = tmp_path / "in"
    src.mkdir()
    (src / "ferry.txt").write_text(TEXT, encoding="utf-8")
    summary = run.run(src, tmp_path / "out", settings, workers=1, formats=[])
    assert summary.exit_code == 0
    header, written = _read(tmp_path / "out" / "harbours.csv")
    assert header == HARBOURS.columns
    assert [r["text"] for r in written] == ["quay", "harbour", "pier"]


def test_extract_order_the_tables_stage_writes_the_new_table_from_the_extract_artifacts(harbours_table, tmp_path,
                                                                                        settings):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ex = analyse(Article("ferry", "ferry.txt", TEXT), nlp(TEXT), {}, build_stages({}, order=(HarbourStage,)))
    out = tmp_path / "out"
    folder = out / stages.EXTRACT_DIR
    folder.mkdir(parents=True)
    item = stages.write_extraction(folder, "toy", ex)
    stages.write_index(folder, stages.EXTRACT_DIR, [item], run.RunSummary())
    assert stages.tables_stage(out, formats=[], settings=settings).exit_code == 0
    header, written = _read(out / "harbours.csv")
    assert header == HARBOURS.columns
    assert [(r["text"], r["char_start"], r["why"]) for r in written] == [
        ("quay", str(TEXT.index("quay")), "harbours:word"), ("harbour", str(TEXT.index("harbour")), "harbours:word"),
        ("pier", str(TEXT.index("pier")), "harbours:word")]
    assert [r["harbour_id"] for r in written] == [r["harbour_id"] for r in rows_for(ex)["harbours"]]
