"""Review loop: analysts' decisions survive every re-run (pipeline.write.review, pipeline.write.output)."""
from __future__ import annotations

import shutil
from argparse import Namespace
from pathlib import Path

import pytest

from pipeline.write import output, review
from pipeline.errors import PipelineError
from pipeline.schemas import TABLES, SchemaError
from pipeline.write import csvio

DATA = Path(__file__).parent / "data" / "review"
TABLE_NAMES = ["agreements", "actors", "dates", "motives"]
# a value an analyst may correct in each table (must stay valid under the schema)
EDITS = {"agreements": ("status", "in_force"), "actors": ("role", "Minister of Defence"),
         "dates": ("value", "2020-01-02"), "motives": ("cue", "in order to")}


def _fresh(table: str, n: int = 3, article: str = "a1") -> list[dict]:
    """n pipeline rows of one table, as tables.rows_for would give them."""
    schema = TABLES[table]
    rows = []
    for i in range(n):
        row = {c: "" for c in schema.columns}
        row.update({schema.key: f"{table[:2]}-{i:04d}", "article_id": article, "name": f"N{i}",
                    "text": f"text {i}", "review_status": "pending",
                    "source_link": f"report/{article}.html#s{i}"})
        if table == "actors":
            row["type"] = "state"
        if table == "agreements":
            row["status"] = "signed"
        rows.append(row)
    return rows


# ---------------------------------------------------------------- merge rules (pure)
@pytest.mark.parametrize("table", TABLE_NAMES)
def test_review_merge_keeps_every_decision(table):
    col, value = EDITS[table]
    fresh = _fresh(table)
    previous = [dict(r) for r in fresh]
    owned = {"agreements": "name", "actors": "name", "dates": "text", "motives": "text"}[table]
    previous[0].update(review_status="accepted", reviewer="kim", review_note="checked", **{owned: "stale"})
    previous[1].update(review_status="Edited ", reviewer="lee", **{col: value})
    previous[2].update(review_status="rejected", reviewer="kim")
    rows, orphans = review.merge(table, fresh, previous)
    by_id = {r[TABLES[table].key]: r for r in rows}
    first, second, third = (by_id[f[TABLES[table].key]] for f in fresh)
    assert (first["review_status"], first["reviewer"], first["review_note"]) == ("accepted", "kim", "checked")
    assert first[owned] == fresh[0][owned]            # pipeline-owned column refreshed
    assert (second["review_status"], second[col]) == ("edited", value)
    assert third["review_status"] == "rejected"
    assert orphans == []


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_review_merge_added_row_gets_stable_id(table):
    fresh = _fresh(table, 1)
    typed = {c: "" for c in TABLES[table].columns}
    typed.update(article_id="a1", name="Typed by hand", text="typed span", type="person",
                 status="proposed", review_status="added", reviewer="kim")
    rows, _ = review.merge(table, fresh, [dict(fresh[0]), typed])
    rows_again, _ = review.merge(table, fresh, [dict(fresh[0]), dict(typed)])
    added = [r for r in rows if r["review_status"] == "added"]
    assert len(added) == 1
    assert added[0][TABLES[table].key].startswith(review.PREFIX[table] + "-added-")
    assert added[0][TABLES[table].key] == [r for r in rows_again if r["review_status"] == "added"][0][
        TABLES[table].key]
    assert added[0]["source_link"].startswith("report/a1.html")


@pytest.mark.parametrize("status,note,expected", [
    ("accepted", "", ["no longer extracted"]),
    ("pending", "look again", ["no longer extracted"]),
    ("pending", "", []),
])
def test_review_merge_orphans_only_reviewed_rows(status, note, expected):
    fresh = _fresh("agreements", 1)
    gone = _fresh("agreements", 2)[1]
    gone.update(review_status=status, review_note=note)
    rows, orphans = review.merge("agreements", fresh, [dict(fresh[0]), gone],
                                 current_articles={"a1": "x"}, previous_articles={"a1": "x"})
    assert [o["reason"] for o in orphans] == expected
    assert [r["agreement_id"] for r in rows] == [fresh[0]["agreement_id"]]


@pytest.mark.parametrize("current,before,reason", [
    ({}, {"a1": "x"}, "article removed"),
    ({"a1": "y"}, {"a1": "x"}, "text changed"),
    ({"a1": "x"}, {"a1": "x"}, "no longer extracted"),
])
def test_review_merge_orphan_reason(current, before, reason):
    old = _fresh("dates", 1)[0]
    old["review_status"] = "rejected"
    _, orphans = review.merge("dates", [], [old], current_articles=current, previous_articles=before)
    assert [o["reason"] for o in orphans] == [reason]
    assert orphans[0]["row_id"] == old["date_id"] and '"rejected"' in orphans[0]["row_json"]


@pytest.mark.parametrize("cell", ["done", "approved"])
def test_review_merge_refuses_unknown_status(cell):
    fresh = _fresh("actors", 1)
    old = dict(fresh[0], review_status=cell)
    with pytest.raises(PipelineError) as e:
        review.merge("actors", fresh, [old])
    assert e.value.code == "E031" and cell in str(e.value)


@pytest.mark.parametrize("bad", ["01/05/2024"])
def test_review_merge_refuses_edited_value_outside_contract(bad):
    fresh = _fresh("dates", 1)
    old = dict(fresh[0], review_status="edited", value=bad)
    with pytest.raises(PipelineError) as e:
        review.merge("dates", fresh, [old], lines=[7])
    assert "line 7" in str(e.value) and bad in str(e.value)


@pytest.mark.parametrize("table", ["motives"])
def test_review_merge_duplicate_row_copies(table):
    fresh = _fresh(table, 1)
    same = dict(fresh[0])
    changed = dict(fresh[0], text="a second motive the analyst split off")
    rows, _ = review.merge(table, fresh, [dict(fresh[0]), same, changed])
    assert len(rows) == 2
    assert rows[1]["review_status"] == "added" and rows[1]["text"].startswith("a second")


@pytest.mark.parametrize("extra", ["my_flag"])
def test_review_merge_keeps_analyst_columns(extra):
    fresh = _fresh("actors", 1)
    rows, _ = review.merge("actors", fresh, [dict(fresh[0], **{extra: "check spelling"})])
    assert rows[0][extra] == "check spelling"
    assert review.columns_for("actors", ["actor_id", extra])[-1] == extra


@pytest.mark.parametrize("table", ["agreements"])
def test_review_apply_pending_file_folds_decisions(table):
    main = _fresh(table, 2)
    focused = [dict(main[0], review_status="accepted", reviewer="kim"), dict(main[1])]
    merged = review.apply_pending_file(table, main, focused)
    assert [r["review_status"] for r in merged] == ["accepted", "pending"]


def test_review_status_lines_share():
    from collections import Counter
    lines = review.status_lines({"agreements": Counter(pending=3, accepted=1)}, 0)
    assert "25.0%" in lines[1]


# ---------------------------------------------------------------- the real pipeline, twice
def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    return corpus


def _run(corpus: Path, out: Path, settings: dict):
    from pipeline.run import run
    s = run(corpus, out, settings)
    assert s.errors == [], s.errors
    return s


def _read(out: Path, table: str) -> list[dict]:
    return csvio.read_csv(out / f"{table}.csv")


def _write(out: Path, table: str, rows: list[dict], header: list[str] | None = None) -> None:
    csvio.write_csv_atomic(out / f"{table}.csv", header or list(rows[0]), rows)


def _review_all(out: Path) -> dict[str, dict[str, dict]]:
    """Mark rows in every table the way an analyst would; returns the expected rows by ID."""
    expected: dict[str, dict[str, dict]] = {}
    for table in TABLE_NAMES:
        key = TABLES[table].key
        rows = _read(out, table)
        assert len(rows) >= 2, f"{table}: test corpus must give at least 2 rows"
        col, value = EDITS[table]
        rows[0].update(review_status="accepted", reviewer="ana", review_note="ok")
        rows[1].update(review_status="edited", reviewer="ben", review_note="fixed", **{col: value})
        if len(rows) > 2:
            rows[2].update(review_status="rejected", reviewer="ana", review_note="not an agreement")
        typed = {c: "" for c in rows[0]}
        typed.update(article_id=rows[0]["article_id"], review_status="added", reviewer="ana",
                     review_note="missed by the pipeline")
        typed.update({"agreements": {"name": "Hand-typed Maritime Accord", "status": "proposed"},
                      "actors": {"name": "Hand Typed Coast Guard", "type": "organization"},
                      "dates": {"text": "next spring", "value": "2025-SP"},
                      "motives": {"text": "to protect fishing grounds"}}[table])
        rows.append(typed)
        _write(out, table, rows)
        expected[table] = {r[key]: r for r in rows[:3]}
        expected[table]["added"] = typed
    return expected


def _check_intact(out: Path, expected: dict[str, dict[str, dict]]) -> None:
    for table, want in expected.items():
        key = TABLES[table].key
        rows = _read(out, table)
        by_id = {r[key]: r for r in rows}
        for rid, w in want.items():
            if rid == "added":
                got = [r for r in rows if r["review_status"] == "added"]
                assert len(got) == 1, f"{table}: added row lost or duplicated"
                assert got[0][key].startswith(review.PREFIX[table] + "-added-")
                assert all(got[0][c] == w[c] for c in w if c not in (key, "source_link")), table
                assert got[0]["source_link"].startswith(f"report/{w['article_id']}.html")
                continue
            r = by_id[rid]
            for c in ("review_status", "reviewer", "review_note"):
                assert r[c] == w[c], (table, rid, c)
            if w["review_status"] == "edited":
                col, value = EDITS[table]
                assert r[col] == value, (table, col)
        reviewed = csvio.read_csv(out / "reviewed" / f"{table}.csv")
        assert {r["review_status"] for r in reviewed} == {"accepted", "edited", "added"}
        assert len(reviewed) == sum(r["review_status"] in ("accepted", "edited", "added") for r in rows)


@pytest.mark.model
def test_review_decisions_survive_rerun(tmp_path, settings):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    assert not (out / "history").exists()
    expected = _review_all(out)
    _run(corpus, out, settings)
    _check_intact(out, expected)
    snapshots = list((out / "history").iterdir())
    assert len(snapshots) == 1 and (snapshots[0] / "agreements.csv").exists()
    assert "ana" in (snapshots[0] / "agreements.csv").read_text(encoding="utf-8")
    _run(corpus, out, settings)                              # nothing changed: no new history
    _check_intact(out, expected)
    assert len(list((out / "history").iterdir())) == 1


@pytest.mark.model
@pytest.mark.parametrize("damage", ["edit", "delete"])
def test_review_rerun_rewrites_a_table_changed_behind_its_back(tmp_path, settings, damage):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    written = {t: (out / f"{t}.csv").read_bytes() for t in ("sentences", "articles")}   # pipeline-owned
    _run(corpus, out, settings)                  # unchanged rows: the files are not formatted again
    assert {t: (out / f"{t}.csv").read_bytes() for t in written} == written
    for t in written:
        if damage == "delete":
            (out / f"{t}.csv").unlink()
        else:
            (out / f"{t}.csv").write_bytes(written[t].replace(b",", b";", 3))
    _run(corpus, out, settings)
    assert {t: (out / f"{t}.csv").read_bytes() for t in written} == written


@pytest.mark.model
def test_review_removed_article_rows_go_to_orphans(tmp_path, settings):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    expected = _review_all(out)
    victim = _read(out, "agreements")[0]["article_id"]
    reviewed_ids = {(t, rid) for t, rows in expected.items() for rid, r in rows.items()
                    if rid != "added" and r["article_id"] == victim}
    (corpus / f"{victim}.txt").unlink()
    _run(corpus, out, settings)
    orphans = csvio.read_csv(out / "review" / "orphans.csv")
    got = {(o["table"], o["row_id"]) for o in orphans}
    assert reviewed_ids and reviewed_ids <= got
    assert {o["reason"] for o in orphans} == {"article removed"}
    assert all(r["article_id"] != victim for t in TABLE_NAMES for r in _read(out, t))
    _run(corpus, out, settings)                              # orphans persist across runs
    assert {(o["table"], o["row_id"]) for o in csvio.read_csv(out / "review" / "orphans.csv")} == got
    shutil.copy(DATA / f"{victim}.txt", corpus / f"{victim}.txt")
    _run(corpus, out, settings)                              # the article is back: so are the decisions
    assert csvio.read_csv(out / "review" / "orphans.csv") == []
    _check_intact(out, expected)


@pytest.mark.model
def test_review_changed_text_reason(tmp_path, settings):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    rows = _read(out, "dates")
    rows[0].update(review_status="accepted", reviewer="ana")
    _write(out, "dates", rows)
    path = corpus / f"{rows[0]['article_id']}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nA further paragraph was added later today.\n",
                    encoding="utf-8")
    _run(corpus, out, settings)
    orphans = csvio.read_csv(out / "review" / "orphans.csv")
    assert [(o["row_id"], o["reason"]) for o in orphans] == [(rows[0]["date_id"], "text changed")]


@pytest.mark.model
@pytest.mark.parametrize("encoding,delimiter,newline", [
    ("utf-8-sig", ";", "\r\n"),
    ("cp1252", ";", "\r\n"),
    ("utf-16", "\t", "\r\n"),
])
def test_review_spreadsheet_resave_is_merged(tmp_path, settings, encoding, delimiter, newline):
    import csv
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    expected = _review_all(out)
    for table in TABLE_NAMES:                                # re-save as a spreadsheet would
        rows = _read(out, table)
        path = out / f"{table}.csv"
        expected[table]["added"]["review_note"] = "missed by the pipeline – café"
        rows[-1]["review_note"] = "missed by the pipeline – café"
        with open(path, "w", encoding=encoding, newline="") as f:
            w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
            w.writerow(list(rows[0]))
            w.writerows([[csvio.neutralise(v) for v in r.values()] for r in rows])
    _run(corpus, out, settings)
    _check_intact(out, expected)
    assert (out / "agreements.csv").read_bytes()[:3] != b"\xef\xbb\xbf"   # written back as plain UTF-8


@pytest.mark.model
@pytest.mark.parametrize("damage", [
    b"",                                                     # truncated by a crash
    b"agreement_id,name\n\x81\x8d\x90 broken bytes\n",       # not UTF-8, not cp1252
    b'agreement_id,name,review_status\nag-1,"unclosed,accepted\n',
    b"agreement_id,name\nag-1,x,accepted,extra,cells\n",
])
def test_review_unreadable_table_refused_before_writing(tmp_path, settings, damage):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    (out / "agreements.csv").write_bytes(damage)
    before = {p: p.read_bytes() for p in out.rglob("*.csv")}
    from pipeline.run import run
    with pytest.raises(PipelineError) as e:
        run(corpus, out, settings)
    assert e.value.code == "E031" and "agreements.csv" in e.value.path
    assert {p: p.read_bytes() for p in out.rglob("*.csv")} == before
    assert not (out / "history").exists()


@pytest.mark.model
@pytest.mark.parametrize("table", ["agreements"])
def test_review_cli_status_and_pending(tmp_path, settings, capsys, table):
    corpus, out = _corpus(tmp_path), tmp_path / "out"
    _run(corpus, out, settings)
    rows = _read(out, table)
    rows[0]["review_status"] = "accepted"
    _write(out, table, rows)
    assert review.cli(Namespace(review_command="status", output=str(out), table=None)) == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.startswith(table))
    assert f"{100 / len(rows):.1f}%" in line
    assert review.cli(Namespace(review_command="pending", output=str(out), table=table)) == 0
    focused = csvio.read_csv(out / "review" / f"pending-{table}.csv")
    assert len(focused) == len(rows) - 1 and {r["review_status"] for r in focused} == {"pending"}
    focused[0].update(review_status="rejected", reviewer="kim")      # a focused pass
    csvio.write_csv_atomic(out / "review" / f"pending-{table}.csv", list(focused[0]), focused)
    _run(corpus, out, settings)
    by_id = {r["agreement_id"]: r for r in _read(out, table)}
    assert by_id[focused[0]["agreement_id"]]["review_status"] == "rejected"
    assert by_id[rows[0]["agreement_id"]]["review_status"] == "accepted"
    assert len(csvio.read_csv(out / "review" / f"pending-{table}.csv")) == len(rows) - 2


@pytest.mark.parametrize("folder", ["empty"])
def test_review_cli_without_tables(tmp_path, folder, capsys):
    assert review.cli(Namespace(review_command="status", output=str(tmp_path / folder), table=None)) == 2
    assert "run" in capsys.readouterr().err


@pytest.mark.parametrize("tables", [{"articles": [{"article_id": "a", "text_sha256": "1"}]}])
def test_review_run_id_shape(tables):
    from datetime import datetime, timezone
    rid = output.make_run_id(tables, datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    assert rid.startswith("20260102T030405Z-") and rid == output.make_run_id(
        tables, datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))


@pytest.mark.parametrize("content,ok", [
    (b"agreement_id,name,review_status\nag-1,x,accepted\n", True),
    (b"agreement_id,name,review_status\nag-1,x,looks fine\n", False),
    (b"name,review_status\nx,accepted\n", False),
])
def test_review_check_reviews_fails_fast(tmp_path, content, ok):
    (tmp_path / "agreements.csv").write_bytes(content)
    if ok:
        output.check_reviews(tmp_path)
        return
    with pytest.raises(PipelineError) as e:
        output.check_reviews(tmp_path)
    assert e.value.code == "E031"


def _tables() -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    tables.update({name: _fresh(name) for name in TABLE_NAMES})
    return tables


@pytest.mark.parametrize("changed", TABLE_NAMES)
def test_review_finalise_validates_only_the_tables_it_writes_again(tmp_path, monkeypatch, changed):
    """Rows equal to the last write's (validated then), still on disk as written, are not checked
    again; a changed table is checked before any file is written."""
    output.finalise(tmp_path, _tables())
    checked: list[str] = []
    real = output.validate
    monkeypatch.setattr(output, "validate", lambda schema, rows: (checked.append(schema.name), real(schema, rows)))
    output.finalise(tmp_path, _tables())
    assert checked == []
    tables = _tables()
    tables[changed][0][TABLES[changed].key] = f"{changed[:2]}-new"
    output.finalise(tmp_path, tables)
    assert checked == [changed]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.csv")}
    tables = _tables()
    tables[changed][0]["review_status"] = "looks fine"
    with pytest.raises(SchemaError):
        output.finalise(tmp_path, tables)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.csv")} == before
