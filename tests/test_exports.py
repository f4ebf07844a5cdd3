"""The copies written after the CSVs: outputs/extractions.db (SQLite: keys, foreign keys, full-text
search, Datasette metadata) and outputs/parquet/ (the dtypes of load_tables)."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from pipeline import load_tables
from pipeline.config import PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.schemas import TABLES
from pipeline.write import exports
from tables_fixture import write_outputs


@pytest.fixture
def outputs(tmp_path) -> Path:
    return write_outputs(tmp_path / "outputs")


def _db(out: Path):
    import sqlite_utils
    return sqlite_utils.Database(out / exports.DB_FILE)


@pytest.mark.parametrize("formats", [["sqlite"]])
def test_exports_sqlite_has_a_table_per_csv_with_keys(outputs, formats):
    assert exports.write_exports(outputs, formats) == ["sqlite"]
    db = _db(outputs)
    t = load_tables(outputs)
    for name, schema in TABLES.items():
        assert db[name].count == len(t[name]), name
        if schema.key:
            assert db[name].pks == [schema.key], name
    fks = {(fk.column, fk.other_table) for fk in db["dates"].foreign_keys}
    assert fks == {("article_id", "articles"), ("sentence_id", "sentences")}
    assert ("agreement_id", "agreements") in {(fk.column, fk.other_table) for fk in db["motives"].foreign_keys}
    assert not list(outputs.glob(".*.tmp"))                           # written atomically, nothing left over


@pytest.mark.parametrize("query,table,expected", [
    ("smugglers", "sentences", ["fjord_patrol:0"]),
    ("freight", "agreements", ["Port Logistics Agreement"]),
])
def test_exports_sqlite_full_text_search(outputs, query, table, expected):
    exports.write_exports(outputs, ["sqlite"])
    col = "sentence_id" if table == "sentences" else "name"
    assert [r[col] for r in _db(outputs)[table].search(query)] == expected


def test_exports_sqlite_types_lists_and_nulls(outputs):
    exports.write_exports(outputs, ["sqlite"])
    db = _db(outputs)
    row = next(db.query("select * from agreements where acronym = 'FPA'"))
    assert json.loads(row["parties"]) == ["Iceland", "Norway"] and row["reviewer"] is None
    assert isinstance(row["confidence"], float)
    s = next(db.query("select * from sentences where sentence_id = 'fjord_patrol:1'"))
    assert s["text"].startswith("- ") and s["char_end"] - s["char_start"] == len(s["text"])
    # list cells as JSON arrays join with json_each
    n = next(db.query("select count(*) c from agreements, json_each(agreements.parties) p where p.value = 'Chile'"))
    assert n["c"] == 1


def test_exports_datasette_metadata_facets(outputs):
    exports.write_exports(outputs, ["sqlite"])
    meta = json.loads((outputs / exports.METADATA_FILE).read_text(encoding="utf-8"))
    ag = meta["databases"]["extractions"]["tables"]["agreements"]
    assert {"status", "kind", "review_status"} <= set(f for f in ag["facets"] if isinstance(f, str))
    assert {"array": "parties"} in ag["facets"] and ag["description"] and ag["title"]


def test_exports_unchanged_csvs_leave_the_copy_alone(outputs):
    assert exports.write_exports(outputs, ["sqlite"]) == ["sqlite"]
    stamp = (outputs / exports.DB_FILE).stat().st_mtime_ns
    assert exports.write_exports(outputs, ["sqlite"]) == []
    assert (outputs / exports.DB_FILE).stat().st_mtime_ns == stamp
    rows = (outputs / "errors.csv").read_text(encoding="utf-8")
    (outputs / "errors.csv").write_text(rows + "x.txt,,E003,[E003] x.txt: empty file.\n", encoding="utf-8")
    assert exports.write_exports(outputs, ["sqlite"]) == ["sqlite"]
    assert _db(outputs)["errors"].count == 1


@pytest.mark.parametrize("name", list(TABLES))
def test_exports_parquet_keeps_the_dtypes(outputs, name):
    pytest.importorskip("pyarrow", reason="pyarrow is the `parquet` extra (make setup installs it)")
    import pandas as pd
    exports.write_exports(outputs, ["parquet"])
    from_csv = load_tables(outputs)[name]
    raw = pd.read_parquet(outputs / "parquet" / f"{name}.parquet")
    assert list(raw.columns) == list(from_csv.columns)
    for c in from_csv.columns:
        if from_csv[c].dtype != object:
            assert raw[c].dtype == from_csv[c].dtype, (name, c)
    back = load_tables(outputs, source="parquet")[name]
    pd.testing.assert_frame_equal(back, from_csv)


@pytest.mark.parametrize("formats,code", [(["xlsx"], "E067"), ("sqlite", "E067")])
def test_exports_unknown_format_is_refused(outputs, formats, code):
    with pytest.raises(PipelineError) as e:
        exports.write_exports(outputs, formats)
    assert e.value.code == code


@pytest.mark.parametrize("module,fmt", [("pyarrow", "parquet"), ("sqlite_utils", "sqlite")])
def test_exports_missing_package_names_the_extra(outputs, monkeypatch, module, fmt):
    monkeypatch.setitem(sys.modules, module, None)         # import fails as if not installed
    with pytest.raises(PipelineError) as e:
        exports.write_exports(outputs, [fmt])
    assert e.value.code == "E068" and module in str(e.value) and "pip install" in str(e.value)


def test_exports_make_browse_serves_these_files():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^browse:.*?\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    assert "-m datasette serve" in recipe
    assert f"$(OUTPUT)/{exports.DB_FILE}" in recipe and f"$(OUTPUT)/{exports.METADATA_FILE}" in recipe
    assert "--format sqlite" in recipe          # a fresh clone gets its database first


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["parquet"])
def test_exports_run_writes_the_copies_after_the_csvs(tmp_path, fmt):
    """A real run (the review test articles) with --format: the database and the Parquet files
    are there and hold what the CSVs hold, read back through load_tables."""
    pytest.importorskip("pyarrow", reason="pyarrow is the `parquet` extra (make setup installs it)")
    from pipeline.cli import main
    out = tmp_path / "out"
    assert main(["run", "--input", str(Path(__file__).parent / "data" / "review"), "--output", str(out),
                 "--format", fmt]) == 0
    t = load_tables(out)
    assert len(t.articles) > 0 and len(t.agreements) > 0
    assert _db(out)["agreements"].count == len(t.agreements)
    for name in TABLES:
        assert len(load_tables(out, source="parquet")[name]) == len(t[name])
    s = t.sentences
    assert ((s.char_end - s.char_start) == s.text.str.len()).all()
    assert len(t.with_sentences("motives")) == len(t.motives)


@pytest.mark.parametrize("first,then,gone", [(["sqlite", "parquet"], ["sqlite"], "parquet")])
def test_exports_copy_no_longer_asked_for_is_removed(outputs, first, then, gone):
    if "parquet" in first:
        pytest.importorskip("pyarrow", reason="pyarrow is the `parquet` extra (make setup installs it)")
    exports.write_exports(outputs, first)
    assert (outputs / exports.PARQUET_DIR / "articles.parquet").exists()
    (outputs / exports.PARQUET_DIR / "notes.txt").write_text("mine", encoding="utf-8")   # not ours: kept
    assert exports.write_exports(outputs, then) == []
    assert not (outputs / exports.PARQUET_DIR / "articles.parquet").exists()
    assert (outputs / exports.PARQUET_DIR / "notes.txt").exists() and (outputs / exports.DB_FILE).exists()


def test_exports_in_a_process_of_their_own_write_the_same_files(outputs, tmp_path):
    """exports.Background (a run with a core to spare writes the copies while it builds the
    register): the same database as write_exports in this process, and the same answer."""
    import shutil
    twin = tmp_path / "twin"
    shutil.copytree(outputs, twin)
    assert exports.write_exports(twin, ["sqlite"]) == ["sqlite"]
    assert exports.Background(outputs, ["sqlite"]).finish() == ["sqlite"]
    assert (outputs / exports.METADATA_FILE).read_bytes() == (twin / exports.METADATA_FILE).read_bytes()
    for name in TABLES:
        assert list(_db(outputs)[name].rows) == list(_db(twin)[name].rows)
    assert exports.Background(outputs, ["sqlite"]).finish() == []      # unchanged CSVs: left alone


def test_exports_in_a_process_of_their_own_raise_its_coded_error(outputs):
    path = outputs / "sentences.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = header.rstrip("\n").split(",").index("char_start")
    cells = first.rstrip("\n").split(",")
    cells[start] = "soon"                       # not a number: the table breaks its schema
    path.write_text(header + ",".join(cells) + "\n" + "".join(rest), encoding="utf-8")
    with pytest.raises(PipelineError) as e:
        exports.write_exports(outputs, ["sqlite"])
    with pytest.raises(PipelineError) as e2:
        exports.Background(outputs, ["sqlite"]).finish()
    assert (e2.value.code, str(e2.value)) == (e.value.code, str(e.value))


def test_exports_sqlite_copy_does_not_import_pandas_and_writes_the_same_file(outputs, tmp_path):
    """sqlite_utils is imported without pandas (write_sqlite never hands it a pandas type): a
    process that writes the copy never loads pandas, and the database is the same, byte for byte,
    as one written in a process that had pandas loaded first."""
    import shutil
    import subprocess
    pytest.importorskip("pandas", reason="pandas absent: nothing to keep out")
    twin = tmp_path / "twin"
    shutil.copytree(outputs, twin)
    code = ("import sys; {pre}from pipeline.write import exports; from pathlib import Path; "
            "exports.write_sqlite(Path(sys.argv[1])); print('pandas' in sys.modules)")
    loaded = []
    for out, pre in ((outputs, ""), (twin, "import pandas; ")):
        done = subprocess.run([sys.executable, "-c", code.format(pre=pre), str(out)], capture_output=True,
                              text=True, cwd=str(PROJECT_ROOT), check=True)
        loaded.append(done.stdout.strip())
    assert loaded == ["False", "True"]
    assert (outputs / exports.DB_FILE).read_bytes() == (twin / exports.DB_FILE).read_bytes()
