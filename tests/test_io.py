"""io: atomic writes, formula neutralising, reading back what spreadsheets save."""
from __future__ import annotations

import csv
import io as stdio
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.write import csvio
from pipeline.write import files

ROWS = [{"id": "r1", "text": "Défense pact – signed", "note": "a; b"},
        {"id": "r2", "text": "line one\nline two", "note": '"quoted"'}]


@pytest.mark.parametrize("value", ["=1+1", "+49 30", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''-y",
                                   "'plain", "plain", "", "=HYPERLINK(\"http://x.invalid\",\"go\")"])
def test_io_neutralise_round_trip(value):
    written = csvio.neutralise(value)
    assert not written.startswith(csvio.FORMULA_START)
    assert csvio.restore(written) == value


@pytest.mark.parametrize("encoding,delimiter,newline", [
    ("utf-8", ",", "\n"), ("utf-8-sig", ",", "\r\n"), ("utf-8-sig", ";", "\r\n"),
    ("cp1252", ";", "\r\n"), ("utf-16", "\t", "\r\n"), ("utf-8", "\t", "\n"),
])
def test_io_read_csv_spreadsheet_dialects(tmp_path, encoding, delimiter, newline):
    path = tmp_path / "t.csv"
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        w.writerow(list(ROWS[0]))
        w.writerows([list(r.values()) for r in ROWS])
    assert csvio.read_csv(path) == ROWS


@pytest.mark.parametrize("data,needle", [
    (b"", "empty"),
    (b"id,text\n\x81\x8d bad\n", "neither UTF-8"),
    (b"id,text\nr1,a,b,c\n", "cells"),
    (b"id,id\nr1,r2\n", "twice"),
    (b"text\nx\n", "lacks"),
    (b'id,text\nr1,"open quote\n', "well-formed"),
])
def test_io_read_csv_refuses_with_e031(tmp_path, data, needle):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    with pytest.raises(PipelineError) as e:
        csvio.read_csv(path, required=("id",))
    assert e.value.code == "E031" and needle in str(e.value)


@pytest.mark.parametrize("tail", [b"r1,a,,\n", b"\n\n", b";;\n"])
def test_io_read_csv_tolerates_blank_trailing_cells(tmp_path, tail):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,text\n" + tail)
    rows = csvio.read_csv(path)
    assert all(set(r) == {"id", "text"} for r in rows)


@pytest.mark.parametrize("name", ["absent.csv"])
def test_io_read_csv_missing_file_is_empty(tmp_path, name):
    assert csvio.read_csv(tmp_path / name) == []


@pytest.mark.parametrize("text", ["a,b\n1,2\n"])
def test_io_write_text_if_changed(tmp_path, text):
    path = tmp_path / "x.csv"
    assert files.write_text_if_changed(path, text) is True
    assert files.write_text_if_changed(path, text) is False
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]          # no temp file left


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


@pytest.mark.model
@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.invalid/x","Open the full agreement text")'])
def test_io_article_formula_never_reaches_a_spreadsheet(tmp_path, settings, formula):
    """An article whose lines start with formulas: no CSV cell may start with =, +, -, @, tab or
    CR (on disk, byte level), and reading back gives the article's text unchanged."""
    from pipeline.run import run
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (f"{formula} Estonia and Finland signed a Maritime Security Agreement on 3 March 2021.\n"
            "-Estonia said the accord was needed to counter threats to undersea cables.\n"
            f"@Finland officials said it would enter into force in 2022. {formula}\n")
    (corpus / "=cmd_article.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run(corpus, out, settings)
    files = sorted(out.rglob("*.csv"))
    assert files
    for path in files:
        for cell in _cells(path):
            assert not cell.startswith(csvio.FORMULA_START), f"{path.name}: {cell[:40]!r}"
    sentences = csvio.read_csv(out / "sentences.csv")
    assert any(s["text"].startswith(formula) for s in sentences)
    assert csvio.read_csv(out / "articles.csv")[0]["article_id"] == "=cmd_article"
    raw = stdio.StringIO((out / "sentences.csv").read_text(encoding="utf-8"))
    assert any(c.startswith("'=HYPERLINK") for row in csv.reader(raw) for c in row)


# ---------------------------------------------------------------- issue 16
@pytest.mark.parametrize("size", [200_000])
def test_io_long_and_nul_cells_are_written_so_they_read_back(tmp_path, size):
    path = tmp_path / "t.csv"
    tmp, _ = csvio.csv_to_temp(path, ["id", "text"], [{"id": "r\x001", "text": "x" * size}])
    files.commit_temp(tmp, path)
    (row,) = csvio.read_csv(path)
    assert row["id"] == "r1" and len(row["text"]) == csvio.MAX_CELL and row["text"].endswith(csvio.CUT_MARK)


@pytest.mark.parametrize("encoding,delimiter,newline,bom", [
    ("utf-8-sig", ";", "\r\n", True), ("utf-8", ",", "\n", False), ("cp1252", ",", "\r\n", True),
    ("utf-16", "\t", "\r\n", True),
])
def test_io_dialect_read_is_written_back(tmp_path, encoding, delimiter, newline, bom):
    path = tmp_path / "t.csv"
    rows = [{"id": "r1", "text": "Peña Nieto"}]
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator=newline).writerows([["id", "text"], ["r1", "Peña Nieto"]])
    info: dict = {}
    csvio.read_csv_table(path, info=info)
    assert info["dialect"] == csvio.Dialect(bom, newline, delimiter)
    tmp, _ = csvio.csv_to_temp(path, ["id", "text"], rows, info["dialect"])
    files.commit_temp(tmp, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom and (b"\r\n" in data) == (newline == "\r\n")
    assert csvio.read_csv(path) == rows


def test_io_written_files_keep_their_mode(tmp_path):
    import os
    shared = tmp_path / "shared.csv"
    shared.write_text("a\n")
    os.chmod(shared, 0o664)
    files.write_text_atomic(shared, "b\n")
    assert shared.stat().st_mode & 0o777 == 0o664
    new = tmp_path / "new.csv"
    files.write_text_atomic(new, "c\n")
    mask = os.umask(0)
    os.umask(mask)
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask


def test_io_read_only_file_is_a_coded_error_and_leaves_no_temp(tmp_path):
    import os
    path = tmp_path / "t.csv"
    path.write_text("a\n")
    os.chmod(path, 0o444)
    with pytest.raises(PipelineError) as e:
        files.check_replaceable(path)
    assert e.value.code == "E032" and "read-only" in str(e.value)
    with pytest.raises(PipelineError) as e:        # a rename refused by the system
        tmp = files.temp_beside(tmp_path / "u.csv")
        files.replace(tmp, tmp_path / "missing-folder" / "u.csv")
    assert e.value.code == "E032"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_io_output_lock_refuses_a_live_holder_and_takes_over_a_dead_one(tmp_path):
    import os
    import subprocess
    import sys
    lock, note = files.acquire_lock(tmp_path)
    assert note is None and lock.read_text().split()[0] == str(os.getpid())
    with pytest.raises(PipelineError) as e:
        files.acquire_lock(tmp_path)
    assert e.value.code == "E034" and f"PID {os.getpid()}" in str(e.value)
    files.release_lock(lock)
    assert not lock.exists()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()                                   # reaped: its PID is no process now
    lock.write_text(f"{child.pid}\n")
    lock2, note = files.acquire_lock(tmp_path)
    assert lock2 == lock and f"PID {child.pid}" in note and "stale" in note
    files.release_lock(lock2)
    assert [p.name for p in tmp_path.iterdir()] == []
