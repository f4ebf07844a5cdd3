"""load_tables: every table as a typed DataFrame, quotes undone, lists split, pandera schemas
generated from pipeline/schemas.py, the joins; and the README's pandas snippet."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import load_tables, to_timestamp
from pipeline.config import PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.frames import pandera_schema
from pipeline.schemas import TABLES, column_type
from pipeline.write import csvio
from tables_fixture import write_outputs

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXPECTED = {"str": pd.StringDtype(), "int": pd.Int64Dtype(), "float": pd.Float64Dtype(), "list": object}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    return write_outputs(tmp_path_factory.mktemp("frames") / "outputs")


@pytest.mark.parametrize("name", list(TABLES))
def test_frames_every_table_has_its_contract_dtypes(outputs, name):
    t = load_tables(outputs)
    df = t[name]
    assert list(df.columns[:len(TABLES[name].columns)]) == TABLES[name].columns
    for c in TABLES[name].columns:
        assert df[c].dtype == EXPECTED[column_type(c)], (name, c, df[c].dtype)
    assert not any(df[c].dtype == "float64" for c in df.columns)


@pytest.mark.parametrize("column", ["reviewer", "review_note"])
def test_frames_empty_text_column_takes_a_string(outputs, column):
    ag = load_tables(outputs).agreements
    assert (ag[column] == "").all()
    ag.loc[0, column] = "alice"                # raised on float64 columns (pandas 3)
    assert ag.loc[0, column] == "alice"


@pytest.mark.parametrize("n", [1, 2])
def test_frames_formula_quotes_are_undone(outputs, n):
    raw = (outputs / "sentences.csv").read_text(encoding="utf-8")
    assert "'-" in raw and "'=" in raw           # the CSV keeps the spreadsheet-safe apostrophe
    s = load_tables(outputs).sentences
    row = s[s.sentence_id == f"fjord_patrol:{n}"].iloc[0]
    assert row.text[0] in "-=" and len(row.text) == row.char_end - row.char_start
    assert ((s.char_end - s.char_start) == s.text.str.len()).all()


@pytest.mark.parametrize("table,column,expected", [
    ("agreements", "parties", ["Iceland", "Norway"]),
    ("agreements", "sentence_ids", ["fjord_patrol:0", "fjord_patrol:1"]),
    ("actors", "aliases", ["Norway"]),
])
def test_frames_list_cells_are_lists(outputs, table, column, expected):
    df = load_tables(outputs)[table]
    assert df[column].iloc[0] == expected
    assert all(isinstance(v, list) for v in df[column])


def test_frames_join_agreements_motives(outputs):
    j = load_tables(outputs).agreement_motives()
    assert len(j) == 1
    assert j.loc[0, "name"] == "Fjord Patrol Accord" and j.loc[0, "text"] == "to deter smugglers"
    assert j.loc[0, "review_status_motive"] == "pending"


@pytest.mark.parametrize("missing", ["agreement_id"])
def test_frames_join_without_agreement_id_names_the_column(tmp_path, missing):
    out = write_outputs(tmp_path / "outputs", with_agreement_id=False)
    if missing in csvio.read_header(out / "motives.csv"):
        pytest.skip("this writer already writes motives.agreement_id")
    with pytest.raises(PipelineError) as e:
        load_tables(out).agreement_motives()
    assert e.value.code == "E062" and missing in str(e.value) and "motives.csv" in str(e.value)


@pytest.mark.parametrize("table,rows", [("dates", 2), ("agreements", 3)])
def test_frames_rows_join_their_sentences(outputs, table, rows):
    j = load_tables(outputs).with_sentences(table)
    assert len(j) == rows and j.sentence_text.notna().all()
    assert (j.sentence_start <= j.get("char_start", j.sentence_start)).all()


@pytest.mark.parametrize("values,partial,expected", [
    (["2021-06-02", "2021-05", "XXXX-05", "2021-W12", ""], False, ["2021-06-02", None, None, None, None]),
    (["2021-05", "2021", "2021-SU"], True, ["2021-05-01", "2021-01-01", None]),
])
def test_frames_to_timestamp_converts_full_dates_only(values, partial, expected):
    got = to_timestamp(pd.Series(values, dtype="string"), partial=partial)
    assert [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in got] == expected


@pytest.mark.parametrize("cell,code", [("maybe", "E061")])
def test_frames_schema_violation_is_reported_with_every_failure(tmp_path, cell, code):
    out = write_outputs(tmp_path / "outputs")
    rows = csvio.read_csv(out / "agreements.csv")
    for r in rows:
        r["status"] = cell
    csvio.write_csv_atomic(out / "agreements.csv", csvio.read_header(out / "agreements.csv"), rows)
    with pytest.raises(PipelineError) as e:
        load_tables(out)
    assert e.value.code == code and "agreements.csv" in str(e.value) and "status" in str(e.value)
    assert str(e.value).count("maybe") == len(rows)          # lazy: every failing row listed
    assert len(load_tables(out, validate=False).agreements) == len(rows)


@pytest.mark.parametrize("name", ["agreements", "articles"])
def test_frames_pandera_schema_follows_schemas_py(name):
    schema = pandera_schema(TABLES[name])
    assert list(schema.columns)[:len(TABLES[name].columns)] == TABLES[name].columns
    assert schema.columns[TABLES[name].key].unique


@pytest.mark.parametrize("folder", ["nothing-here"])
def test_frames_folder_without_tables_is_a_coded_error(tmp_path, folder):
    with pytest.raises(PipelineError) as e:
        load_tables(tmp_path / folder)
    assert e.value.code == "E060" and folder in str(e.value)


def test_frames_import_does_not_load_spacy():
    code = "import sys; from pipeline import load_tables; assert 'spacy' not in sys.modules, 'spacy imported'"
    r = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_frames_readme_snippet_runs(outputs, tmp_path, monkeypatch):
    section = README.split("## Tables in pandas", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    assert len([line for line in snippet.splitlines() if line.strip() and not line.startswith("#")]) == 3
    (tmp_path / "outputs").symlink_to(outputs, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert set(TABLES) <= set(scope["t"])


@pytest.mark.parametrize("column,cell", [("char_start", "twelve")])
def test_frames_wrong_number_cell_names_line_and_column(tmp_path, column, cell):
    out = write_outputs(tmp_path / "outputs")
    rows = csvio.read_csv(out / "dates.csv")
    rows[1][column] = cell
    csvio.write_csv_atomic(out / "dates.csv", csvio.read_header(out / "dates.csv"), rows)
    with pytest.raises(PipelineError) as e:
        load_tables(out, validate=False)
    assert e.value.code == "E061" and f"line 3: {column}='{cell}'" in str(e.value)


@pytest.mark.parametrize("extra", ["n_checked"])
def test_frames_analyst_column_is_kept_as_text(tmp_path, extra):
    out = write_outputs(tmp_path / "outputs")
    rows = [dict(r, **{extra: "2"}) for r in csvio.read_csv(out / "actors.csv")]
    csvio.write_csv_atomic(out / "actors.csv", csvio.read_header(out / "actors.csv") + [extra], rows)
    df = load_tables(out).actors
    assert df.columns[-1] == extra and df[extra].dtype == pd.StringDtype() and (df[extra] == "2").all()
