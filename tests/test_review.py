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


def _run(corpus: Path, out: Path, settings: dict, **kw):
    from pipeline.run import run
    s = run(corpus, out, settings, **kw)
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
    _run(corpus, out, settings, others="drop")     # without it the run refuses (E033): see the issue-16 tests
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
    # the date itself is edited out (a finding extracted again from a changed text keeps its
    # decision since issue 16: the issue-16 tests below, item 5)
    text = path.read_text(encoding="utf-8").replace(rows[0]["text"], "at an unknown time")
    path.write_text(text + "\nA further paragraph was added later today.\n", encoding="utf-8")
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
    # written back in the dialect it was saved in (issue 16 item 10; this assertion used to
    # require plain UTF-8): a BOM whenever the file was not plain UTF-8, the same line ends
    data = (out / "agreements.csv").read_bytes()
    assert data[:3] == b"\xef\xbb\xbf" and b"\r\n" in data and data.decode("utf-8-sig").startswith(
        "agreement_id" + delimiter)


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
    real = output.validate_table
    monkeypatch.setattr(output, "validate_table", lambda schema, rows: (checked.append(schema.name), real(schema, rows)))
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


# ---------------------------------------------------------------- issue 16: no decision lost silently
# Each test starts from a reviewed output folder (the pipeline run once, every table reviewed by
# _review_all), makes one mistake an analyst makes, runs again, and asserts the decision is kept
# or the run stops with the coded error and every output file byte-identical to before.

def _files(out: Path) -> dict[str, bytes]:
    """Every output file but the cache (which a refused run may still fill)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


@pytest.fixture(scope="module")
def reviewed_once(tmp_path_factory, settings):
    base = tmp_path_factory.mktemp("reviewed")
    corpus, out = _corpus(base), base / "out"
    _run(corpus, out, settings)
    expected = _review_all(out)
    _run(corpus, out, settings)          # the analyst's save merged once: the tables as we write them
    return corpus, out, expected


@pytest.fixture
def reviewed(reviewed_once, tmp_path):
    corpus, out, expected = reviewed_once
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(out, tmp_path / "out")
    import copy
    return tmp_path / "corpus", tmp_path / "out", copy.deepcopy(expected)


def _refused(corpus: Path, out: Path, settings: dict, code: str, *needles: str, **kw) -> str:
    from pipeline.run import run
    before = _files(out)
    with pytest.raises(PipelineError) as e:
        run(corpus, out, settings, **kw)
    assert e.value.code == code, str(e.value)
    for n in needles:
        assert n in str(e.value), (n, str(e.value))
    assert _files(out) == before
    assert not [p for p in out.rglob("*.tmp")]
    return str(e.value)


def _decided(out: Path, table: str) -> dict[str, tuple[str, str, str]]:
    key = TABLES[table].key
    return {r[key]: (r["review_status"], r["reviewer"], r["review_note"]) for r in _read(out, table)
            if r["review_status"] != "pending"}


@pytest.mark.model
@pytest.mark.parametrize("change", ["rename", "delete"])
def test_issue16_1_review_status_column_renamed_or_deleted(reviewed, settings, change):
    corpus, out, _ = reviewed
    rows = _read(out, "agreements")
    if change == "rename":
        header = ["Review Status" if c == "review_status" else c for c in rows[0]]
        rows = [{("Review Status" if k == "review_status" else k): v for k, v in r.items()} for r in rows]
    else:
        header = [c for c in rows[0] if c != "review_status"]
    _write(out, "agreements", rows, header)
    msg = _refused(corpus, out, settings, "E031", "agreements.csv:1", "'review_status'")
    if change == "rename":
        assert "'Review Status'" in msg and "rename" in msg


@pytest.mark.model
@pytest.mark.parametrize("table", ["agreements", "dates"])
@pytest.mark.parametrize("which", [0, 1])          # the accepted row, the edited row
def test_issue16_2_deleted_id_cell_keeps_the_decision(reviewed, settings, table, which):
    corpus, out, expected = reviewed
    before = _decided(out, table)
    rows = _read(out, table)
    rows[which][TABLES[table].key] = ""
    _write(out, table, rows)
    _run(corpus, out, settings)
    assert _decided(out, table) == before
    assert csvio.read_csv(out / "review" / "orphans.csv") == []
    _check_intact(out, expected)


@pytest.mark.model
def test_issue16_2_deleted_id_cell_without_a_match_is_refused(reviewed, settings):
    corpus, out, _ = reviewed
    rows = _read(out, "agreements")
    rows[0].update(agreement_id="", name="A name no row has", acronym="ZZZ", parties="Atlantis; Lemuria",
                   evidence="No sentence says this.", sentence_ids="x:99")
    _write(out, "agreements", rows)
    _refused(corpus, out, settings, "E031", "agreements.csv line 2", "agreement_id cell is empty")


@pytest.mark.model
@pytest.mark.parametrize("how", ["duplicate", "pasted_id", "pending_file"])
def test_issue16_3_conflicting_decisions_are_refused(reviewed, settings, how):
    corpus, out, _ = reviewed
    rows = _read(out, "agreements")
    if how == "duplicate":
        rows.append(dict(rows[0], review_status="rejected", reviewer="ben"))
        _write(out, "agreements", rows)
        _refused(corpus, out, settings, "E031", "appears twice", "'rejected'", "line 2")
    elif how == "pasted_id":                     # another row's ID pasted over a reviewed row's
        rows[2]["agreement_id"] = rows[0]["agreement_id"]
        _write(out, "agreements", rows)
        _refused(corpus, out, settings, "E031", "appears twice", rows[0]["agreement_id"])
    else:
        focused = [dict(rows[0], review_status="rejected", reviewer="ben")]
        csvio.write_csv_atomic(review.pending_path(out, "agreements"), list(focused[0]), focused)
        _refused(corpus, out, settings, "E031", "review/pending-agreements.csv line 2", "'accepted'")


@pytest.mark.model
def test_issue16_4_new_batch_refused_kept_or_dropped(reviewed, settings, capsys):
    corpus, out, expected = reviewed
    victim = _read(out, "agreements")[0]["article_id"]
    theirs = {t: {k: v for k, v in _decided(out, t).items()
                  if any(r["article_id"] == victim for r in _read(out, t) if r[TABLES[t].key] == k)}
              for t in TABLE_NAMES}
    n_theirs = sum(len(v) for v in theirs.values())
    (corpus / f"{victim}.txt").unlink()           # a new batch without that article
    _refused(corpus, out, settings, "E033", victim, "--keep-others", "--drop-others")
    def by_id(t):
        return sorted(_read(out, t), key=lambda r: r[TABLES[t].key])
    before = {t: by_id(t) for t in TABLE_NAMES}
    s = _run(corpus, out, settings, others="keep")
    assert {t: by_id(t) for t in TABLE_NAMES} == before
    assert (out / "report" / f"{victim}.html").exists()
    assert f"decisions kept {sum(len(_decided(out, t)) for t in TABLE_NAMES)}" in s.line()
    assert "moved to orphans 0" in s.line()
    _check_intact(out, expected)
    from pipeline.cli import main
    assert main(["run", "--input", str(corpus), "--output", str(out), "--drop-others"]) == 0
    line = capsys.readouterr().err.strip().splitlines()[-1]
    orphans = csvio.read_csv(out / "review" / "orphans.csv")
    assert len(orphans) == n_theirs and {o["reason"] for o in orphans} == {"article removed"}
    assert not (out / "report" / f"{victim}.html").exists()
    assert f"moved to orphans {n_theirs}" in line and "history " + str(out / "history") in line


@pytest.mark.model
def test_issue16_5_one_line_added_to_an_article_keeps_its_decisions(reviewed, settings):
    corpus, out, expected = reviewed
    aid = _read(out, "agreements")[0]["article_id"]
    before = {t: _decided(out, t) for t in TABLE_NAMES}
    path = corpus / f"{aid}.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nAdditional reporting by Jane Roe.\n", encoding="utf-8")
    s = _run(corpus, out, settings)
    assert csvio.read_csv(out / "review" / "orphans.csv") == []
    for t in TABLE_NAMES:
        mine = [v for k, v in before[t].items()]
        assert sorted(_decided(out, t).values()) == sorted(mine), t
    assert "carried across a text change" in s.line()


@pytest.mark.model
def test_issue16_6_value_changed_on_accepted_row_is_reverted_with_a_warning(reviewed, settings):
    corpus, out, _ = reviewed
    rows = _read(out, "agreements")
    old = rows[0]["name"]
    rows[0]["name"] = "My Better Name"
    _write(out, "agreements", rows)
    s = _run(corpus, out, settings)
    assert _read(out, "agreements")[0]["name"] == old
    assert _read(out, "agreements")[0]["review_status"] == "accepted"
    assert any("agreements.csv line 2" in w and "'My Better Name'" in w and "edited" in w for w in s.warnings)
    assert "E035" in s.warnings[0]


@pytest.mark.model
def test_issue16_7_added_row_with_mistyped_article_id_is_refused(reviewed, settings):
    corpus, out, _ = reviewed
    rows = _read(out, "actors")
    rows.append(dict(rows[-1], actor_id="", article_id="alpah_port_pact", name="Another Typed Actor",
                     review_status="added"))
    _write(out, "actors", rows)
    _refused(corpus, out, settings, "E031", f"actors.csv line {len(rows) + 1}", "'alpah_port_pact'",
             "articles.csv")


def test_issue16_8_make_clean_keeps_reviewed_work(tmp_path):
    import subprocess
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "out"
    for rel in ["agreements.csv", "sentences.csv", "reviewed/agreements.csv", "history/r1/agreements.csv",
                "review/orphans.csv", "report/a.html", ".cache/x.pkl", "README.md"]:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text("x\n", encoding="utf-8")
    done = subprocess.run(["make", "-s", "-C", str(root), "clean", f"OUTPUT={out}"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    left = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert left == {"agreements.csv", "reviewed/agreements.csv", "history/r1/agreements.csv",
                    "review/orphans.csv", "README.md"}
    assert "kept" in done.stdout
    done = subprocess.run(["make", "-s", "-C", str(root), "clean-all", f"OUTPUT={out}"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.rglob("*")} == {"README.md"}


@pytest.mark.model
@pytest.mark.parametrize("target", ["reviewed/agreements.csv", "agreements.csv"])
def test_issue16_9_unwritable_table_is_a_coded_error(reviewed, settings, capsys, target):
    import os
    from pipeline.cli import main
    corpus, out, _ = reviewed
    rows = _read(out, "agreements")
    rows[3].update(review_status="rejected", reviewer="ana")     # reviewed/ and the table change
    rows.append(dict(rows[0], agreement_id="", name="Typed Pact Name", review_status="added"))
    _write(out, "agreements", rows)
    os.chmod(out / target, 0o444)
    before = _files(out)
    code = main(["run", "--input", str(corpus), "--output", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "[E032]" in err and target in err and "Traceback" not in err
    assert _files(out) == before
    assert not [p for p in out.rglob("*.tmp")]


@pytest.mark.model
def test_issue16_10_bom_and_crlf_are_kept(reviewed, settings):
    import csv
    corpus, out, _ = reviewed
    rows = _read(out, "actors")
    rows[0]["review_note"] = "Peña Nieto checked"
    with open(out / "actors.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(list(rows[0]))
        w.writerows([[csvio.neutralise(v) for v in r.values()] for r in rows])
    rows[1]["review_status"] = "rejected"                  # something for the run to write back
    _run(corpus, out, settings)
    data = (out / "actors.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") >= len(rows) + 1
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert "Peña Nieto checked" in data.decode("utf-8-sig")
    assert (out / "reviewed" / "actors.csv").read_bytes()[:3] != b"\xef\xbb\xbf"   # ours: plain


@pytest.mark.model
@pytest.mark.parametrize("table,change,needles", [
    ("dates", {"review_status": "edited", "value": "05/01/2024"}, ["YYYY-MM-DD", "'05/01/2024'"]),
    ("agreements", {"review_status": "edited", "parties": "Japan, United Kingdom"},
     ["'; '", "'Japan; United Kingdom'"]),
    ("agreements", {"agreement_id": "", "article_id": "", "review_status": "added", "name": "Typed Pact"},
     ["article_id is empty", "articles.csv"]),
    ("agreements", {"agreement_id": "", "review_status": "added", "status": "", "name": "Typed Pact"},
     ["status is empty", "needs status", "signed"]),
])
def test_issue16_11_messages_say_what_was_expected(reviewed, settings, table, change, needles):
    corpus, out, _ = reviewed
    rows = _read(out, table)
    rows[3].update(change)
    _write(out, table, rows)
    msg = _refused(corpus, out, settings, "E031", f"{table}.csv line 5", *needles)
    assert "^(" not in msg and "row 0" not in msg and "does not match" not in msg


@pytest.mark.parametrize("typed", ["javascript:alert(1)", "https://example.invalid/x"])
def test_issue16_added_row_source_link_is_ours(typed):
    fresh = _fresh("actors", 1)
    added = dict(fresh[0], actor_id="", name="Typed Actor", review_status="added", source_link=typed)
    rows, _ = review.merge("actors", fresh, [dict(fresh[0]), added], current_articles={"a1": "x"})
    got = [r for r in rows if r["review_status"] == "added"]
    assert got and got[0]["source_link"].startswith("report/a1.html")
    assert all(r["source_link"] != typed for r in review.vetted(rows))


def test_issue16_missing_input_makes_no_output_folder(tmp_path, settings):
    from pipeline.run import run
    with pytest.raises(PipelineError) as e:
        run(tmp_path / "no-such-input", tmp_path / "out", settings)
    assert e.value.code == "E001" and not (tmp_path / "out").exists()


def test_issue16_broken_pending_file_names_its_line(tmp_path):
    (tmp_path / "agreements.csv").write_bytes(b"agreement_id,name,review_status\nag-1,x,accepted\n")
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "pending-agreements.csv").write_bytes(
        b"agreement_id,name,review_status\nag-2,y,accepted\nag-3,z,looks fine\n")
    with pytest.raises(PipelineError) as e:
        output.check_reviews(tmp_path)
    assert "review/pending-agreements.csv line 3" in str(e.value) and "orphans.csv" not in str(e.value)


# ---------------------------------------------------------------- issue 16: property test
# Random sequences of analyst edits (accept, reject, edit a cell, add a row, delete a row,
# reorder columns, re-save in another dialect) interleaved with re-runs (output.finalise over
# simulated extractions: no model) and article additions, removals and text changes. Every
# decision made (a unique reviewer token) must stay in the tables or in review/orphans.csv with
# its reason, and each run's summary figures must count what it kept and orphaned.
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st  # noqa: E402

from pipeline.write.tables import stable_id  # noqa: E402

ARTS = ["a1", "a2", "a3"]
EDIT_TO = {"agreements": ("status", "in_force"), "actors": ("role", "Envoy"),
           "dates": ("value", "2023-XX"), "motives": ("cue", "in order to")}


def _sim_tables(state: dict[str, int]) -> dict[str, list[dict]]:
    """What a run would extract from articles at these text versions (two rows per table)."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for aid, v in sorted(state.items()):
        sha = f"{aid}-v{v}"
        tables["articles"].append({**{c: "" for c in TABLES["articles"].columns}, "article_id": aid,
                                   "source_path": f"{aid}.txt", "text_sha256": sha})
        for i in range(2):
            rv = {"review_status": "pending", "reviewer": "", "review_note": "",
                  "source_link": f"report/{aid}.html#s{i}"}
            sid = f"{aid}:{i}"
            tables["agreements"].append({"agreement_id": stable_id("ag", aid, sha, i), "article_id": aid,
                                         "name": f"Pact {aid} {i}", "acronym": "", "kind": "defense",
                                         "parties": "Chile; Japan", "status": "signed", "status_date": "",
                                         "sentence_ids": sid, "evidence": f"Evidence {i}.", "confidence": "0.9",
                                         **rv, "why": "AG001; SC010", "status_cue": f'SC010: "signed" (sentence {i})'})
            tables["actors"].append({"actor_id": stable_id("ac", aid, sha, i), "article_id": aid,
                                     "name": f"Actor {aid} {i}", "type": "state", "country": "", "role": "",
                                     "aliases": "", "n_mentions": "1", "sentence_ids": sid, **rv, "why": "ST001"})
            tables["dates"].append({"date_id": stable_id("dt", aid, sha, i), "article_id": aid,
                                    "sentence_id": sid, "char_start": str(10 * i), "char_end": str(10 * i + 5),
                                    "text": f"May {i + 1}", "value": f"2024-05-0{i + 1}", "anchor": "", **rv,
                                    "why": "dates:month_day"})
            tables["motives"].append({"motive_id": stable_id("mo", aid, sha, i), "article_id": aid,
                                      "sentence_id": sid, "char_start": "0", "char_end": "9",
                                      "text": f"to deter {aid} {i}", "cue": "to", "agreement": "",
                                      "actor": "", **rv, "agreement_id": "", "why": "MC002"})
    return tables


_table = st.sampled_from(TABLE_NAMES)
OPS = st.one_of(
    st.tuples(st.sampled_from(["accept", "reject", "edit", "delete"]), _table, st.integers(0, 20)),
    st.tuples(st.just("add"), _table, st.sampled_from(ARTS)),
    st.tuples(st.just("reorder"), _table, st.randoms(use_true_random=False)),
    st.tuples(st.just("resave"), _table, st.sampled_from([("utf-8-sig", ";", "\r\n"), ("cp1252", ",", "\r\n"),
                                                           ("utf-16", "\t", "\r\n"), ("utf-8", ",", "\n")])),
    st.tuples(st.just("run"), st.sampled_from([None, "keep", "drop"]), st.just(0)),
    st.tuples(st.sampled_from(["new_article", "remove_article", "change_text"]), st.sampled_from(ARTS),
              st.just(0)),
)


class _Analyst:
    def __init__(self, out: Path):
        self.out, self.state, self.ledger, self.n = out, {"a1": 0, "a2": 0}, {}, 0

    def rows(self, table):
        return csvio.read_csv(self.out / f"{table}.csv")

    def save(self, table, rows, header=None, dialect=("utf-8", ",", "\n")):
        import csv
        header = header or list(csvio.read_header(self.out / f"{table}.csv"))
        encoding, delimiter, newline = dialect
        with open(self.out / f"{table}.csv", "w", encoding=encoding, newline="") as f:
            w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
            w.writerow(header)
            w.writerows([[csvio.neutralise(r.get(h, "")) for h in header] for r in rows])

    def decide(self, table, rows, i, decision, **cells):
        old = rows[i].get("reviewer", "")
        self.ledger.pop(old, None)
        self.n += 1
        token = f"tok{self.n}"
        rows[i].update(cells)
        rows[i].update(review_status=decision, reviewer=token)
        self.ledger[token] = (table, decision)

    def where(self, token):
        for table in TABLE_NAMES:
            for r in self.rows(table):
                if r.get("reviewer") == token:
                    return "table", review.norm_status(r["review_status"])
        for o in csvio.read_csv(self.out / "review" / "orphans.csv"):
            if o.get("reviewer") == token and o.get("reason"):
                return "orphans", review.norm_status(o["review_status"])
        return None, None

    def check(self):
        for token, (table, status) in self.ledger.items():
            assert self.where(token) == ("table", status) or self.where(token)[0] == "orphans", (token, status)

    def step(self, op):
        kind, a, b = op
        if kind == "run":
            return self.run(a)
        if kind in ("new_article", "remove_article", "change_text"):
            if kind == "new_article":
                self.state.setdefault(a, 0)
            elif kind == "remove_article" and len(self.state) > 1:
                self.state.pop(a, None)
            elif kind == "change_text" and a in self.state:
                self.state[a] += 1
            return
        if not (self.out / f"{a}.csv").exists():
            return
        rows, table = self.rows(a), a
        header = list(csvio.read_header(self.out / f"{table}.csv"))
        key = TABLES[table].key
        with_id = [j for j, r in enumerate(rows) if r[key]]    # a row typed in stays 'added' until run
        if kind in ("accept", "reject", "edit", "delete") and with_id:
            i = with_id[b % len(with_id)]
            if kind == "delete":
                self.ledger.pop(rows[i].get("reviewer", ""), None)
                del rows[i]
            elif kind == "edit":
                col, value = EDIT_TO[table]
                self.decide(table, rows, i, "edited", **{col: value})
            else:
                self.decide(table, rows, i, "accepted" if kind == "accept" else "rejected")
        elif kind == "add":
            known = {r["article_id"] for r in csvio.read_csv(self.out / "articles.csv")}
            if b not in known:
                return
            typed = {h: "" for h in header}
            self.n += 1
            typed.update(article_id=b, name=f"Typed {self.n}", text=f"typed text {self.n}", type="person",
                         status="proposed")
            rows.append(typed)
            self.decide(table, rows, len(rows) - 1, "added")
        elif kind == "reorder":
            b.shuffle(header)
        elif kind == "resave":
            self.save(table, rows, header, b)
            return
        self.save(table, rows, header)

    def run(self, others):
        before = {p: p.read_bytes() for p in self.out.rglob("*.csv")}
        try:
            done = output.finalise(self.out, _sim_tables(self.state), others=others)
        except PipelineError as e:
            assert e.code == "E033" and others is None, str(e)
            assert {p: p.read_bytes() for p in self.out.rglob("*.csv")} == before
            return
        reviewed = sum(review.is_reviewed(r) for t in TABLE_NAMES for r in self.rows(t))
        assert done["kept"] == reviewed
        orphans = csvio.read_csv(self.out / "review" / "orphans.csv")
        assert done["new_orphans"] == sum(o["orphaned_run"] == done["run_id"] for o in orphans)


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=14))
def test_issue16_property_no_decision_is_ever_lost(ops):
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        analyst = _Analyst(Path(d))
        analyst.run(None)
        for op in ops:
            analyst.step(op)
            analyst.check()
        analyst.run("drop")
        analyst.check()


def test_issue16_second_run_into_a_held_folder_is_refused(tmp_path, settings):
    import os

    from pipeline.run import run
    from pipeline.write import files
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Chile and Peru signed a port logistics agreement on Monday.\n")
    out = tmp_path / "out"
    lock, _ = files.acquire_lock(out)          # a run holding the folder (this process)
    try:
        with pytest.raises(PipelineError) as e:
            run(tmp_path / "in", out, settings)
        assert e.value.code == "E034" and f"PID {os.getpid()}" in str(e.value)
        assert [p.name for p in out.iterdir()] == [files.LOCK]
    finally:
        files.release_lock(lock)
