"""Rows that say why they exist: the `why` and `status_cue` columns, `explain ROW_ID` and
`review rules` (README, "why")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.extract.agreements.lexicon import status_cue_ids, status_cues
from pipeline.extract.agreements.mentions import _Hit, hit_rule
from pipeline.extract.agreements.status import status_cue_read
from pipeline.extract.dates.classify import Classifier
from pipeline.extract.dates.vocabulary import Vocabulary
from pipeline.schemas import REVIEW_TABLES, TABLES
from pipeline.write import csvio, review
from pipeline.write.why import (
    RULE_NAMES,
    dates_rule_names,
    known_ids,
    resource_ids,
    split_why,
)

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
README = PACKAGE.parent / "README.md"


# ---------------------------------------------------------------- the vocabulary
def test_why_rule_names_written_in_code_are_documented():
    """Every 'area:name' literal the extractors write into `why` is a known rule name, in README."""
    literals = set()
    for path in (PACKAGE / "extract").rglob("*.py"):
        literals |= set(re.findall(r'"((?:actors|agreements|dates|learned):[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert literals, "the extractors name their rules"
    readme = README.read_text(encoding="utf-8")
    missing = sorted(n for n in literals | set(RULE_NAMES) if n not in known_ids() or f"`{n}`" not in readme)
    assert missing == []


@pytest.mark.parametrize("source", ["named", "generic", "anaphor", "indefinite"])
def test_why_agreement_mentions_from_code_have_a_rule_name(source):
    assert hit_rule(_Hit(0, 5, "k", "n", source=source)) in RULE_NAMES
    assert hit_rule(_Hit(0, 5, "described:x", "x", source="generic")) == "agreements:described"
    assert hit_rule(_Hit(0, 5, "AG001", "n", rule="AG001")) == "AG001"


def test_why_date_rule_is_named_after_its_function():
    def on_the_ides(x):
        return ("DATE", "XXXX-03-15") if "ides" in x.core else None

    c = Classifier(Vocabulary.packaged(), rules=[on_the_ides])
    assert c.classify("the ides") == ("DATE", "XXXX-03-15")
    assert c.rule_of("the ides") == "dates:on_the_ides"
    assert c.rule_of("a fortnight of rain") == ""
    assert set(dates_rule_names()) <= known_ids()


def test_why_status_cue_read_names_the_cue_row():
    text = "Ruritania and Freedonia signed the Harbour Accord on a grey morning."
    at = text.index("the Harbour")
    status, cs, ce, cue_id = status_cue_read(text, 0, len(text), at, at + len("the Harbour Accord"))
    assert status == "signed" and cue_id
    rows = dict(zip(status_cue_ids(), status_cues()))
    typ, row_status, pattern, _near = rows[cue_id]
    assert (typ, row_status) == ("cue", "signed")
    assert pattern.search(text[cs:ce])


def test_why_analyst_edit_of_why_is_no_review_change():
    fresh = [{c: "" for c in TABLES["dates"].columns}]
    fresh[0].update(date_id="dt-0001", article_id="a1", text="in May", value="2020-05", review_status="pending",
                    source_link="report/a1.html#s0", why="dates:month_of_year")
    old = dict(fresh[0], review_status="accepted", reviewer="kim", why="something the analyst typed")
    warnings: list[str] = []
    rows, orphans = review.merge("dates", fresh, [old], warnings=warnings)
    assert rows[0]["why"] == "dates:month_of_year" and rows[0]["review_status"] == "accepted"
    assert warnings == [] and orphans == []
    edited = dict(old, review_status="edited")
    rows, _ = review.merge("dates", fresh, [edited])
    assert rows[0]["why"] == "dates:month_of_year"


# ---------------------------------------------------------------- review rules
def _reviewed_fixture(out: Path) -> dict[str, list[dict]]:
    """A reviewed output folder: rows of two tables with `why` ids and analyst decisions."""
    plan = {
        "agreements": [("AG001; SC010", "accepted"), ("AG001; SC012", "rejected"), ("agreements:named; SC010", "rejected"),
                       ("AG001; agreements:anaphor; SC010", "edited"), ("AG001", "pending")],
        "dates": [("dates:rel_weekday", "rejected"), ("dates:rel_weekday", "rejected"), ("dates:full_date", "accepted")],
    }
    tables = {}
    for table, rows in plan.items():
        schema = TABLES[table]
        made = []
        for i, (why, status) in enumerate(rows):
            row = {c: "" for c in schema.columns}
            row.update({schema.key: f"{schema.id_prefix}-{i:016x}", "article_id": "a1", "why": why,
                        "review_status": status})
            made.append(row)
        csvio.write_csv_atomic(out / schema.file, schema.columns, made)
        tables[table] = made
    return tables


def test_review_rules_counts_match_the_tables(tmp_path, capsys):
    tables = _reviewed_fixture(tmp_path)
    assert main(["review", "rules", "--output", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    got = {}
    for line in printed[1:]:
        rid, rows, acc, rej, edi, pen = line.split()[:6]
        got[rid] = (int(rows), int(acc), int(rej), int(edi), int(pen))
    # counted again here, straight from the fixture tables
    expected: dict[str, list[int]] = {}
    for rows in tables.values():
        for row in rows:
            for rid in split_why(row["why"]):
                c = expected.setdefault(rid, [0, 0, 0, 0, 0])
                c[0] += 1
                c[1 + ["accepted", "rejected", "edited", "pending"].index(row["review_status"])] += 1
    assert got == {k: tuple(v) for k, v in expected.items()}
    order = [line.split()[0] for line in printed[1:]]
    assert order[0] == "dates:rel_weekday"                  # the most rejected first (2)
    assert order[1:3] == ["SC012", "agreements:named"]      # then 1 rejected of 1 row, before 1 of 3 (SC010)
    assert got["AG001"] == (4, 1, 1, 1, 1)


def test_review_rules_and_explain_need_tables(tmp_path, capsys):
    assert main(["review", "rules", "--output", str(tmp_path)]) == 2
    assert "[E096]" in capsys.readouterr().err
    _reviewed_fixture(tmp_path)
    assert main(["explain", "--output", str(tmp_path), "ag-nope"]) == 2
    assert "[E095]" in capsys.readouterr().err


# ---------------------------------------------------------------- on dev
@pytest.fixture(scope="module")
def dev_out(shared_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("why") / "out"
    assert main(["run", "--input", str(shared_dir / "corpus" / "dev"), "--output", str(out)]) == 0
    return out


@pytest.mark.model
@pytest.mark.parametrize("table", REVIEW_TABLES)
def test_why_every_dev_row_says_why_with_known_ids(dev_out, table):
    rows = csvio.read_csv(dev_out / TABLES[table].file)
    assert rows
    known = known_ids()
    empty = [r[TABLES[table].key] for r in rows if not split_why(r["why"])]
    unknown = sorted({w for r in rows for w in split_why(r["why"]) if w not in known})
    assert (empty, unknown) == ([], [])
    if table == "agreements":
        for r in rows:
            cue = r["status_cue"].split(":")[0]
            assert not r["status_cue"] or r["status_cue"] in RULE_NAMES or (cue in resource_ids() and cue in r["why"])


@pytest.mark.model
def test_explain_dev_agreement_names_catalogue_entry_and_status_cue(dev_out, capsys):
    rows = csvio.read_csv(dev_out / "agreements.csv")
    row = next(r for r in rows if re.match(r"AG\d+", r["why"]) and r["status_cue"].startswith("SC"))
    ag_id, cue_id = row["why"].split("; ")[0], row["status_cue"].split(":")[0]
    assert main(["explain", "--output", str(dev_out), row["agreement_id"]]) == 0
    out = capsys.readouterr().out
    catalogue_name = resource_ids()[ag_id][1]["name"]
    step1 = next(line for line in out.splitlines() if "candidate" in line)
    step4 = next(line for line in out.splitlines() if line.strip().startswith("4. status"))
    assert ag_id in step1 and catalogue_name in step1
    assert cue_id in step4 and row["status"] in step4 and "status_cues.jsonl" in step4
    cue_words = row["status_cue"].split('"')[1]
    assert f"[[{cue_words}]]" in out
