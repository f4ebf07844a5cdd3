"""Spooled tables (write/spool): a run keeps its table rows on disk as they arrive, and the files
written from them are those written from lists of the same rows, the analysts' decisions included."""
from __future__ import annotations

import shutil

import pytest

from pipeline import run, scheduler
from pipeline.schemas import TABLES
from pipeline.write import csvio, output, spool
from pipeline.write.tables import pack, rows_for
from tables_fixture import extractions


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(spool, "BLOCK_ROWS", 2)     # several blocks out of a few rows


@pytest.mark.parametrize("pieces", [[7], [1, 1, 1, 1, 1, 1, 1], [3, 4], [0, 2, 5]])
def test_spool_extend_stores_the_blocks_append_stores(tmp_path, monkeypatch, pieces):
    """extend() in pieces of any size gives the rows, the length and the digest (the blocks as
    stored) that one append() a row gives."""
    monkeypatch.setattr(spool, "BLOCK_ROWS", 3)
    rows = [{"id": f"r{i}", "n": i} for i in range(sum(pieces))]
    one, many = spool.Spool(tmp_path), spool.Spool(tmp_path)
    for r in rows:
        one.append(r)
    start = 0
    for size in pieces:
        many.extend(iter(rows[start:start + size]))
        start += size
    assert list(many) == rows and len(many) == len(rows) and many.digest() == one.digest()


def test_spool_gives_its_rows_back_in_order_at_every_pass(tmp_path, small_blocks):
    s = spool.Spool(tmp_path)
    rows = [{"id": f"r{i}", "n": i, "text": "=x" * i} for i in range(7)]
    s.extend(rows[:5])
    assert list(s) == rows[:5]
    s.append(rows[5])
    s.append(rows[6])
    assert list(s) == rows and list(s) == rows and len(s) == 7
    assert [p.name for p in tmp_path.iterdir()] == []       # an unnamed file: nothing to leave behind
    s.close()
    assert list(s) == [] and len(s) == 0


def test_spool_beside_a_list_is_a_list_and_beside_a_spool_a_spool(tmp_path):
    assert spool.like([]) == []
    assert isinstance(spool.like(spool.Spool(tmp_path)), spool.Spool)


def _tables(spooled: bool, folder, packed: bool = False) -> dict:
    """The fixture's tables: lists, spools of dicts, or (packed) spools of the columns' tuples
    filled as a run fills them (run.new_tables, scheduler.add_packed)."""
    if packed:
        tables = run.new_tables(folder)
        for ex in extractions():
            scheduler.add_packed(tables, pack(rows_for(ex)))
        return tables
    tables = {name: spool.Spool(folder) if spooled and name != "errors" else [] for name in TABLES}
    for ex in extractions():
        for name, rows in rows_for(ex).items():
            tables[name].extend(rows)
    return tables


def test_spool_of_packed_rows_reads_them_back_as_their_dicts(tmp_path, small_blocks):
    """Tuples in the columns' order come back as the dicts of those columns, among rows appended
    as dicts, in order, at every pass."""
    s = spool.Spool(tmp_path, ["id", "n"])
    s.extend_packed([("r0", 0), ("r1", 1), ("r2", 2)])
    s.append({"id": "r3", "n": 3, "note": "an analyst's column"})
    s.extend_packed([("r4", 4)])
    want = [{"id": "r0", "n": 0}, {"id": "r1", "n": 1}, {"id": "r2", "n": 2},
            {"id": "r3", "n": 3, "note": "an analyst's column"}, {"id": "r4", "n": 4}]
    assert list(s) == want and list(s) == want and len(s) == 5
    assert [list(r) for r in s][0] == ["id", "n"]
    assert spool.like(s).columns is None        # merged rows may carry an analyst's columns


def _analyst_edits(out) -> None:
    """An analyst accepts one agreement, rejects an actor, types a date row in and empties the
    ID cell of a decided motive row."""
    for name, change in (("agreements", 0), ("actors", 1), ("dates", None), ("motives", 0)):
        path = out / TABLES[name].file
        header = csvio.read_header(path)
        rows = csvio.read_csv(path)
        if name == "dates":
            rows.append({**{h: "" for h in header}, "article_id": rows[0]["article_id"], "text": "in May",
                         "value": "2021-05", "review_status": "added", "reviewer": "kim"})
        else:
            rows[change].update(review_status="rejected" if name == "actors" else "accepted", reviewer="kim",
                                review_note="checked")
            if name == "motives":
                rows[change]["motive_id"] = ""
        csvio.write_csv_atomic(path, header, rows)


def _files(out) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and "history" not in p.parts}


@pytest.mark.parametrize("packed", [False, True])
def test_finalise_writes_the_same_files_from_spooled_tables_as_from_lists(tmp_path, small_blocks, packed):
    lists, spooled = tmp_path / "lists", tmp_path / "spooled"
    output.finalise(lists, _tables(False, None), run_id="20260101T000000Z-first")
    _analyst_edits(lists)
    shutil.copytree(lists, spooled)
    done_lists = output.finalise(lists, _tables(False, None), run_id="20260101T000001Z-second")
    tables = _tables(True, spooled, packed)
    done_spooled = output.finalise(spooled, tables, run_id="20260101T000001Z-second")
    spool.close_all(tables)
    assert done_spooled == {**done_lists, "history": done_spooled["history"]}
    assert done_lists["kept"] == 4
    assert _files(spooled) == _files(lists)
    assert not [p for p in spooled.rglob("*.tmp")]


@pytest.mark.parametrize("packed", [False, True])
def test_spool_digest_is_that_of_its_rows_and_a_rerun_formats_no_file_again(tmp_path, small_blocks, monkeypatch,
                                                                             packed):
    def filled(rows):
        s = spool.Spool(tmp_path)
        s.extend(dict(r) for r in rows)
        return s
    rows = [{"k": f"r{i}", "v": "same"} for i in range(5)]
    a, b = filled(rows), filled(rows)
    other = filled(rows[:4] + [{"k": "r4", "v": "changed"}])
    assert a.digest() == b.digest() != other.digest()
    b.append({"k": "r5", "v": "same"})
    assert a.digest() != b.digest()
    for s in (a, b, other):
        s.close()
    # a second finalise over equal spooled tables finds every file as its memo left it: none is
    # formatted again (the memo's fingerprint of a spool and of its reviewed view needs no pass)
    out = tmp_path / "out"
    tables = _tables(True, out, packed)
    first = output.finalise(out, tables, run_id="20260101T000000Z-first")
    spool.close_all(tables)
    formatted = []
    real = csvio.csv_to_temp
    monkeypatch.setattr(csvio, "csv_to_temp", lambda path, *a, **kw: formatted.append(path) or real(path, *a, **kw))
    tables = _tables(True, out, packed)
    again = output.finalise(out, tables, run_id="20260101T000001Z-second")
    spool.close_all(tables)
    assert first["written"] and again["written"] == [] and formatted == []
