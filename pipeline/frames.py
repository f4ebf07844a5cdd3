"""The tables as pandas DataFrames, typed and checked: the analyst's way in from Python.

    from pipeline import load_tables
    t = load_tables("outputs")
    t.agreements.groupby("status").size()

Every CSV of the output folder is read with the same codec as the review merge (formula-safety
apostrophes undone, spreadsheet dialects accepted), then typed by column (schemas.column_type,
the one source of the contract): text columns as `string` (empty cells stay "", never NaN or
float), counts and offsets as `Int64`, `confidence` as `Float64`, `; `-joined cells as Python
lists. Dates stay text (TIMEX values like `XXXX-05` are not timestamps): to_timestamp() turns
the full dates into timestamps. Each table is validated with a pandera schema generated from
pipeline/schemas.py (pandera_schema), all failures collected before raising E061.

This module imports pandas (and pandera when validating), never spaCy.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from pipeline.schemas import LIST_SEPARATOR, TABLES, Schema, column_type

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PANDAS_DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "list": "object"}


def split_list(cell: str) -> list[str]:
    """A `; `-joined cell as a list ([] for an empty cell)."""
    return [v.strip() for v in (cell or "").split(LIST_SEPARATOR.strip()) if v.strip()]


def kind_of(schema: Schema, column: str) -> str:
    """The type of a table's column: by schemas.column_type for the contract's columns; a column
    an analyst added is text."""
    return column_type(column) if column in schema.columns else "str"


def typed_columns(schema: Schema, header: list[str], records: list[tuple[int, dict]],
                  display: str) -> dict[str, tuple[str, list]]:
    """column -> (kind, Python values) of one table's CSV records ((line, row) pairs from
    csvio.read_csv_table): the contract columns in order, then any column the analyst added.
    Text stays str ("" when empty), numbers are int/float or None, list cells are lists. A cell
    that is not a number where one is due is E061 (naming the file, line and column)."""
    columns = list(schema.columns) + [h for h in header if h and h not in schema.columns]
    problems: list[str] = []
    out: dict[str, tuple[str, list]] = {}
    for c in columns:
        kind = kind_of(schema, c)
        values = [r.get(c) or "" for _, r in records]
        if kind == "list":
            values = [split_list(v) for v in values]
        elif kind in ("int", "float"):
            parse, typed = (int if kind == "int" else float), []
            for v, (line, _) in zip(values, records):
                v = v.strip()
                try:
                    typed.append(parse(v) if v else None)
                except ValueError:
                    problems.append(f"line {line}: {c}={v!r} is not {'an integer' if kind == 'int' else 'a number'}")
                    typed.append(None)
            values = typed
        out[c] = (kind, values)
    if problems:
        raise PipelineError("E061", display, f"{len(problems)} cells have the wrong type: "
                            + "; ".join(problems[:10]) + "; fix them in the spreadsheet, or run the pipeline again")
    return out


def frame(schema: Schema, header: list[str], records: list[tuple[int, dict]], display: str) -> "pd.DataFrame":
    """A typed DataFrame of one table's CSV records (see typed_columns)."""
    import pandas as pd

    data = {}
    for c, (kind, values) in typed_columns(schema, header, records, display).items():
        if kind == "list":
            data[c] = pd.Series(values, dtype="object").array
        elif kind == "str":
            data[c] = pd.array(values, dtype="string")
        else:
            data[c] = pd.array([pd.NA if v is None else v for v in values], dtype=PANDAS_DTYPES[kind])
    return pd.DataFrame(data, columns=list(data))


def empty_frame(schema: Schema) -> "pd.DataFrame":
    return frame(schema, list(schema.columns), [], schema.file)


# ---------------------------------------------------------------- pandera, from schemas.py
def pandera_schema(schema: Schema):
    """The pandera DataFrameSchema of a table, generated from its Schema in pipeline/schemas.py:
    dtype per column (column_type), enums and patterns (empty allowed where the contract allows
    it), required columns non-empty, the key unique. Columns an analyst added are allowed."""
    import pandera.pandas as pa

    from pipeline.schemas import REVIEW_STATUSES

    def checks_for(column: str) -> list:
        checks = []
        if column in schema.required:
            checks.append(pa.Check.str_length(min_value=1, error=f"{column} must not be empty"))
        if column in schema.enums:
            checks.append(pa.Check.isin(list(schema.enums[column])))
        if column == "review_status":
            checks.append(pa.Check.isin(list(REVIEW_STATUSES)))
        if column in schema.patterns:
            checks.append(pa.Check.str_matches(f"^$|{schema.patterns[column].pattern}"))
        return checks

    columns = {}
    for c in schema.columns:
        kind = column_type(c)
        if kind == "list":
            columns[c] = pa.Column(object, pa.Check(lambda x: isinstance(x, list), element_wise=True,
                                                    error="a list"), nullable=False)
        elif kind == "str":
            columns[c] = pa.Column("string", checks_for(c), nullable=False, unique=c == schema.key)
        else:
            columns[c] = pa.Column(PANDAS_DTYPES[kind], nullable=True)
    return pa.DataFrameSchema(columns, name=schema.name, strict=False, ordered=False)


def validate_frame(schema: Schema, df: "pd.DataFrame", display: str, lines: list[int] | None = None
                   ) -> "pd.DataFrame":
    """pandera validate(lazy=True): every failing cell collected, then one E061 naming them (by
    file line when lines, the line of each row, is given)."""
    import pandera.errors as pe

    try:
        return pandera_schema(schema).validate(df, lazy=True)
    except pe.SchemaErrors as e:
        cases = e.failure_cases
        lines = lines or []

        def where(i) -> str:
            return f"line {lines[i]}" if isinstance(i, int) and 0 <= i < len(lines) else f"row {i}"

        shown = [f"{where(r.index)}: {r.column} {r.check}, value {r.failure_case!r}"
                 for r in cases.head(10).itertuples()]
        more = f" (+{len(cases) - 10} more)" if len(cases) > 10 else ""
        raise PipelineError("E061", display, f"{len(cases)} values break the contract: " + "; ".join(shown)
                            + more + "; fix them in the spreadsheet (see README, Tables), or run the pipeline again")


# ---------------------------------------------------------------- the tables
class Tables(dict):
    """name -> DataFrame for every table (t["agreements"] or t.agreements), and the joins an
    analyst needs."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def agreement_motives(self) -> "pd.DataFrame":
        """agreements ⋈ motives on agreement_id: one row per motive linked to an agreement, the
        agreement's columns first, the motive's after (clashing names get `_motive`)."""
        motives = self["motives"]
        if "agreement_id" not in motives.columns:
            where = Path(getattr(self, "folder", ".")) / TABLES["motives"].file
            raise PipelineError("E062", str(where), "the table has no agreement_id column (the join key "
                                "to agreements.csv); run the pipeline again with a version that writes it")
        linked = motives[motives["agreement_id"] != ""]
        return self["agreements"].merge(linked, on="agreement_id", how="inner", suffixes=("", "_motive"),
                                        validate="one_to_many")

    def with_sentences(self, table: str) -> "pd.DataFrame":
        """A table's rows ⋈ sentences: each row with the sentence it comes from (columns
        `sentence_n`, `sentence_start`, `sentence_end`, `sentence_text`). Tables that list their
        sentences (agreements, actors: `sentence_ids`) give one row per row and sentence."""
        rows = self[table]
        if "sentence_id" not in rows.columns:
            if "sentence_ids" not in rows.columns:
                raise PipelineError("E062", TABLES[table].file, "the table has neither sentence_id nor "
                                    "sentence_ids; only rows that point at sentences join them")
            rows = rows.explode("sentence_ids").rename(columns={"sentence_ids": "sentence_id"})
            rows = rows[rows["sentence_id"].notna()].astype({"sentence_id": "string"})
        sents = self["sentences"].drop(columns=["article_id"]).rename(columns={
            "n": "sentence_n", "char_start": "sentence_start", "char_end": "sentence_end", "text": "sentence_text"})
        return rows.merge(sents, on="sentence_id", how="left", validate="many_to_one").reset_index(drop=True)


def load_tables(path: str | Path = "outputs", validate: bool = True, source: str = "csv") -> Tables:
    """Every table of an output folder as a typed DataFrame (see the module docstring).
    A table whose file is absent comes back empty with its columns; a folder without
    articles.csv is E060. validate=False skips the pandera checks (a half-reviewed file).
    source="parquet" reads <path>/parquet/*.parquet (written with --format parquet) instead."""
    folder = Path(path)
    if source not in ("csv", "parquet"):
        raise PipelineError("E060", str(folder), f"source={source!r}; give \"csv\" or \"parquet\"")
    first = folder / (TABLES["articles"].file if source == "csv" else "parquet/articles.parquet")
    if not first.is_file():
        raise PipelineError("E060", str(first), "no such file; give the folder a run wrote "
                            "(`python -m pipeline run --output DIR`" + (" --format parquet" if source == "parquet"
                                                                       else "") + "), e.g. load_tables(\"outputs\")")
    out = Tables()
    out.folder = folder
    for name in TABLES:
        out[name] = load_table(folder, name, validate, source)
    return out


def load_table(folder: str | Path, name: str, validate: bool = True, source: str = "csv") -> "pd.DataFrame":
    """One table of an output folder (load_tables reads them all), empty when its file is absent."""
    from pipeline.write import csvio

    schema = TABLES[name]
    folder = Path(folder)
    file = folder / schema.file if source == "csv" else folder / "parquet" / f"{name}.parquet"
    if not file.is_file():
        return empty_frame(schema)
    lines = None
    if source == "csv":
        header, records = csvio.read_csv_table(file)
        df = frame(schema, header, records, str(file))
        lines = [n for n, _ in records]
    else:
        df = _from_parquet(file)
    return validate_frame(schema, df, str(file), lines) if validate and len(df) else df


def _from_parquet(file: Path) -> "pd.DataFrame":
    import pandas as pd

    df = pd.read_parquet(file)
    for c in df.columns:
        kind = column_type(c)       # (an analyst's column named like a contract one is typed like it)
        if kind == "list":
            df[c] = pd.Series([list(v) for v in df[c]], index=df.index, dtype="object")
        else:
            df[c] = df[c].astype(PANDAS_DTYPES[kind])
    return df


def to_timestamp(values, partial: bool = False) -> "pd.Series":
    """TIMEX/ISO date strings (dates.value, articles.published, agreements.status_date) as
    timestamps: full dates `YYYY-MM-DD` convert, anything else (`2024-05`, `XXXX-05`, `2024-W12`,
    empty) is NaT. partial=True also turns `YYYY-MM` and `YYYY` into their first day."""
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values)

    def day(v) -> str | None:
        v = "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v).strip()
        if FULL_DATE.match(v):
            return v
        if partial and PARTIAL_DATE.match(v):
            return (v + "-01-01")[:10]
        return None

    return pd.to_datetime(s.map(day).astype("object"), format="%Y-%m-%d", errors="coerce")


FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2})?$")
