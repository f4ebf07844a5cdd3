"""Copies of the finished tables for other tools, written at the end of a run after the CSVs
(which stay the review surface): read back from disk through pipeline.frames, so each copy
holds exactly what the CSVs hold, analysts' decisions and columns included.

- `sqlite`: outputs/extractions.db (sqlite-utils), one table per CSV with its primary key,
  foreign keys to articles / sentences / agreements, list cells as JSON arrays, empty cells as
  NULL, full-text search on sentences, agreement evidence and motives; and
  outputs/extractions.metadata.json for Datasette (`make browse`): titles, descriptions, facets.
- `parquet`: outputs/parquet/<table>.parquet (pyarrow), the dtypes of load_tables.

Each file is written atomically (temp file + rename). A copy whose CSVs have not changed since
it was written is left alone (a small memo under .cache/ records what it was made from).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.config import modules_digest
from pipeline.errors import PipelineError
from pipeline.schemas import TABLES, column_type
from pipeline.write import files

FORMATS = ("sqlite", "parquet")
DB_FILE = "extractions.db"
METADATA_FILE = "extractions.metadata.json"
PARQUET_DIR = "parquet"
MEMO = Path(".cache") / "exports.json"

SQL_TYPES = {"str": str, "int": int, "float": float, "list": str}
FTS_COLUMNS = {"sentences": ["text"], "agreements": ["name", "evidence"], "motives": ["text"]}
FACETS = ("status", "kind", "type", "review_status", "code", "published_source", "language")
ARRAY_FACETS = ("parties",)
LABELS = {"articles": "title", "sentences": "text", "agreements": "name", "actors": "name",
          "dates": "text", "motives": "text"}
DESCRIPTIONS = {
    "articles": "One row per article read: metadata, publication date and where it came from.",
    "sentences": "Every sentence of the cleaned text; char_start:char_end index the article text. "
                 "Full-text search on text.",
    "agreements": "One row per distinct agreement per article: name, kind, parties, status, the "
                  "evidence sentence and the analyst's review. Full-text search on name and evidence.",
    "actors": "One row per distinct actor (state, organisation, person) per article.",
    "dates": "Temporal expressions with their TIMEX value and the date they were resolved against.",
    "motives": "Stated motives (reason, trigger, purpose, threat, benefit), with their cue and agreement. "
               "Full-text search on text.",
    "errors": "Inputs that could not be read or processed, with the coded message.",
}


def check_formats(formats, source: str = "[output] formats") -> list[str]:
    """The export formats asked for, known and without repeats (E067 otherwise)."""
    if isinstance(formats, str) or not all(isinstance(f, str) for f in formats):
        raise PipelineError("E067", source, f"formats must be a list of names from {list(FORMATS)}, "
                            f'e.g. formats = ["sqlite"]')
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise PipelineError("E067", source, f"unknown output format(s) {unknown}; known: {list(FORMATS)} "
                            "(the CSVs are always written)")
    return list(dict.fromkeys(formats))


def _require(module: str, extra: str, what: str):
    """Import module, or E068 naming what to install (extra: the pyproject extra, "" for core)."""
    import importlib
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        target = f"'.[{extra}]'" if extra else "."
        raise PipelineError("E068", what, f"needs the Python package {module}, which is not installed; "
                            f"run `.venv/bin/python -m pip install -e {target}` (or `make setup`), or drop "
                            f"{what!r} from [output] formats / --format")


def _sqlite_utils():
    """sqlite_utils, imported without pandas: at import it takes pandas (and numpy) when they are
    installed, only to map their types to SQL ones, which the copy never asks it to do (the
    columns are typed here and the values bound as plain Python values). pandas (installed for
    other extras) cost about 0.4 s CPU a run, more than writing the database of 150 articles.
    A process that has imported pandas already keeps it; the file is the same either way."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return _require("sqlite_utils", "", "sqlite")
    sys.modules["pandas"] = None            # import pandas raises ImportError: sqlite_utils goes on
    try:
        return _require("sqlite_utils", "", "sqlite")
    finally:
        if sys.modules.get("pandas", 0) is None:
            del sys.modules["pandas"]


# ---------------------------------------------------------------- what a copy is made from
def _made_from(out_dir: Path, fmt: str) -> str:
    h = hashlib.sha256(modules_digest("write/exports", "frames", "schemas").encode() + fmt.encode())
    for name, schema in TABLES.items():
        h.update(f"{name}:{files.file_sha256(out_dir / schema.file)}\n".encode())
    return h.hexdigest()


def _targets(out_dir: Path, fmt: str) -> list[Path]:
    if fmt == "sqlite":
        return [out_dir / DB_FILE, out_dir / METADATA_FILE]
    return [out_dir / PARQUET_DIR / f"{name}.parquet" for name in TABLES]


def write_exports(out_dir: Path, formats) -> list[str]:
    """Write each format asked for whose CSVs changed since its last write (or whose files are
    gone); returns the formats written. A copy a run wrote earlier but this run does not write
    is removed (its files only), so no copy ever disagrees with the CSVs beside it."""
    out_dir = Path(out_dir)
    formats = check_formats(formats)
    memo = files.read_memo(out_dir / MEMO)
    done = []
    for fmt in [f for f in FORMATS if f not in formats and f in memo]:
        for p in _targets(out_dir, fmt):
            p.unlink(missing_ok=True)
        if fmt == "parquet" and (out_dir / PARQUET_DIR).is_dir() and not any((out_dir / PARQUET_DIR).iterdir()):
            (out_dir / PARQUET_DIR).rmdir()
        del memo[fmt]
        done.append(f"-{fmt}")
    for fmt in formats:
        made_from = _made_from(out_dir, fmt)
        if memo.get(fmt) == made_from and all(p.exists() for p in _targets(out_dir, fmt)):
            continue
        (write_sqlite if fmt == "sqlite" else write_parquet)(out_dir)
        memo[fmt] = made_from
        done.append(fmt)
    if done:
        files.write_memo(out_dir / MEMO, memo)     # without it the copies are written again next time
    return [f for f in done if not f.startswith("-")]


# ---------------------------------------------------------------- beside other work
class Background:
    """write_exports(out_dir, formats) in a process of its own, so that a run with cores to spare
    writes the copies while it builds the register (they read the seven tables' CSVs, which are
    written by then, and write files the register never touches). A fresh interpreter, not a
    fork: it holds none of the run's memory. finish() waits and returns what write_exports
    returned, or raises its PipelineError."""

    def __init__(self, out_dir: Path, formats: list[str]):
        package_root = str(Path(__file__).resolve().parents[2])    # the folder holding pipeline/
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from pipeline.write.exports import _child; sys.exit(_child(sys.argv[1:]))",
             str(out_dir), *check_formats(formats)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def finish(self) -> list[str]:
        out, err = self.proc.communicate()
        last = (out.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        try:
            reply = json.loads(last)
        except ValueError:
            reply = None
        if self.proc.returncode == 0 and isinstance(reply, dict) and "written" in reply:
            return reply["written"]
        if isinstance(reply, dict) and "code" in reply:
            raise PipelineError(reply["code"], reply["path"], reply["message"], reply.get("line"))
        raise RuntimeError(f"writing the copies failed (exit {self.proc.returncode}): "
                           f"{err.decode('utf-8', 'replace')[-2000:]}")


def _child(argv: list[str]) -> int:
    """The Background process: write_exports(argv[0], argv[1:]), its answer as one JSON line."""
    try:
        written = write_exports(Path(argv[0]), argv[1:])
    except PipelineError as e:
        print(json.dumps({"code": e.code, "path": e.path, "message": e.message, "line": e.line}))
        return 2
    print(json.dumps({"written": written}))
    return 0


# ---------------------------------------------------------------- SQLite
def _sql_column(kind: str, values: list) -> list:
    """A typed column (frames.typed_columns) as SQLite stores it: "" as NULL, lists as JSON arrays."""
    if kind == "list":
        return [json.dumps(v, ensure_ascii=False) if v else None for v in values]
    if kind == "str":
        return [v or None for v in values]
    return values


def _unique_key(columns: dict[str, tuple[str, list]], key: str | None) -> bool:
    if not key or key not in columns:
        return False
    values = columns[key][1]
    return all(values) and len(set(values)) == len(values)


def write_sqlite(out_dir: Path) -> Path:
    """outputs/extractions.db and its Datasette metadata, from the CSVs on disk."""
    sqlite_utils = _sqlite_utils()
    from pipeline.frames import typed_columns
    from pipeline.write import csvio

    out_dir = Path(out_dir)
    dest = out_dir / DB_FILE
    columns: dict[str, list[str]] = {}
    keyed: dict[str, str] = {}
    with files.atomic_path(dest) as tmp:
        db = sqlite_utils.Database(tmp)
        # a temp file, fsynced once when renamed into place: no journal syncs while it is built
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        try:
            for name, schema in TABLES.items():     # one table in memory at a time
                header, records = csvio.read_csv_table(out_dir / schema.file)
                typed = typed_columns(schema, header, records, str(out_dir / schema.file))
                del records
                cols = list(typed)
                columns[name] = cols
                if _unique_key(typed, schema.key):
                    keyed[name] = schema.key
                fks = [(col, other, col) for col, other in (("article_id", "articles"), ("sentence_id", "sentences"),
                                                            ("agreement_id", "agreements"))
                       if col in typed and other != name and keyed.get(other) == col]
                table = db[name]
                table.create({c: SQL_TYPES[kind] for c, (kind, _) in typed.items()}, pk=keyed.get(name),
                             foreign_keys=fks or None)
                values = zip(*(_sql_column(kind, v) for kind, v in typed.values()))
                with db.conn:       # one transaction per table, the values bound as they are
                    db.conn.executemany(f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in cols)}) "
                                        f"VALUES ({', '.join('?' * len(cols))})", values)
                for col, _, _ in fks:
                    table.create_index([col], if_not_exists=True)
                if name in FTS_COLUMNS and table.count:
                    table.enable_fts(FTS_COLUMNS[name], create_triggers=False)
                del typed, values
        finally:
            db.close()
    files.write_text_atomic(out_dir / METADATA_FILE,
                            json.dumps(datasette_metadata(columns), indent=2, ensure_ascii=False) + "\n")
    return dest


def datasette_metadata(columns: dict[str, list[str]]) -> dict:
    """Datasette metadata (`datasette serve extractions.db -m extractions.metadata.json`) for
    tables with these columns: title, descriptions, facets on status / kind / parties / review."""
    db_name = Path(DB_FILE).stem
    out: dict = {}
    for name, cols in columns.items():
        facets: list = [c for c in FACETS if c in cols]
        facets += [{"array": c} for c in ARRAY_FACETS if c in cols]
        meta: dict = {"title": f"{name}.csv",
                      "description": DESCRIPTIONS.get(name, f"The rows of {name}.csv.")
                      + f" Columns as in {name}.csv (README, Tables); list cells are JSON arrays."}
        if facets:
            meta["facets"] = facets
        if name in LABELS and LABELS[name] in cols:
            meta["label_column"] = LABELS[name]
        if name in FTS_COLUMNS:
            meta["fts_table"] = f"{name}_fts"
        out[name] = meta
    return {
        "title": "Agreement pipeline: extracted tables",
        "description": "The tables of one run (the CSVs in this folder are the review surface; this "
                       "database is rebuilt from them at the end of every run).",
        "databases": {db_name: {"tables": out}},
    }


# ---------------------------------------------------------------- Parquet
def arrow_schema(name: str, columns: list[str]):
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "list": pa.list_(pa.string())}
    return pa.schema([(c, types[column_type(c) if c in TABLES[name].columns else "str"]) for c in columns])


def write_parquet(out_dir: Path) -> Path:
    """outputs/parquet/<table>.parquet for every table, from the CSVs on disk."""
    pa = _require("pyarrow", "parquet", "parquet")
    import pyarrow.parquet as pq

    from pipeline.frames import load_table

    out_dir = Path(out_dir)
    folder = out_dir / PARQUET_DIR
    for name in TABLES:                     # one table in memory at a time
        df = load_table(out_dir, name, validate=False)
        table = pa.Table.from_pandas(df, schema=arrow_schema(name, list(df.columns)), preserve_index=False)
        with files.atomic_path(folder / f"{name}.parquet") as tmp:
            pq.write_table(table, tmp)
        del df, table
    return folder
