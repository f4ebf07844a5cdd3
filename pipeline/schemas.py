"""One schema per output table: the column contract of shared/spec/TABLES.md, and checks.

`validate(table, rows)` collects every failing row (lazy, like pandera's validate(lazy=True))
and raises one error listing them, so a broken extractor never writes a broken CSV.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

REVIEW_COLUMNS = ["review_status", "reviewer", "review_note", "source_link"]
# Why a finding exists (README, "why"): `; `-joined ids of the resource rows and rule names that made
# it, and for agreements what set the status; the pipeline's own, refreshed on every run.
WHY_COLUMNS = ("why", "status_cue")
REVIEW_STATUSES = ("pending", "accepted", "rejected", "edited", "added")
AGREEMENT_STATUSES = ("proposed", "under_negotiation", "signed", "ratified", "in_force",
                      "suspended", "terminated", "existing", "unspecified")
ACTOR_TYPES = ("state", "organization", "person")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
TIMEX_VALUE = re.compile(r"^[\dX]{4}(-([\dX]{2}(-[\dX]{2})?|W[\dX]{2}|SP|SU|FA|WI|Q[1-4]|H[12]))?$")


@dataclass(frozen=True)
class Schema:
    name: str
    columns: list[str]
    key: str | None = None                       # stable id column
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, re.Pattern] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    reviewable: bool = False
    id_prefix: str = ""                          # of the stable ids: 'ag-<digest>' (tables.stable_id)
    summary_columns: tuple[str, ...] = ()        # a row in one line, for review files and orphans
    display_name: str = ""                       # how the CLI and the report name the table
    finding_columns: tuple[str, ...] = ()        # what a row found, without the article text: carries
                                                 # an analyst's decision across a text change (review)
    id_fields: tuple[str, ...] = ("start", "end")    # the finding's attributes its stable id hashes
                                                 # (with the article), for tables made by tables.finding_rows

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def list_columns(self) -> tuple[str, ...]:
        """The `; `-joined columns an analyst may edit (the why column is the pipeline's own)."""
        return tuple(c for c in self.columns if c in LIST_COLUMNS and c != "why")


ARTICLES = Schema("articles", [
    "article_id", "source_path", "title", "url", "site", "author", "published",
    "published_source", "language", "n_sentences", "text_sha256",
], key="article_id", required=("article_id", "source_path", "text_sha256"),
    enums={"published_source": ("", "sidecar", "html", "text")},
    patterns={"published": re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")})

SENTENCES = Schema("sentences", ["sentence_id", "article_id", "n", "char_start", "char_end", "text"],
                   key="sentence_id", required=("sentence_id", "article_id", "text"))

AGREEMENTS = Schema("agreements", [
    "agreement_id", "article_id", "name", "acronym", "kind", "parties", "status", "status_date",
    "sentence_ids", "evidence", "confidence", *REVIEW_COLUMNS, "why", "status_cue",
], key="agreement_id", required=("agreement_id", "article_id", "name"), reviewable=True,
    id_prefix="ag", summary_columns=("name", "acronym", "status"), display_name="agreements",
    finding_columns=("article_id", "name", "acronym", "kind", "parties"),
    enums={"status": AGREEMENT_STATUSES},
    patterns={"status_date": re.compile(r"^([\dX]{4}(-[\dX]{2}(-[\dX]{2})?)?)?$")})

ACTORS = Schema("actors", [
    "actor_id", "article_id", "name", "type", "country", "role", "aliases", "n_mentions",
    "sentence_ids", *REVIEW_COLUMNS, "why",
], key="actor_id", required=("actor_id", "article_id", "name", "type"), reviewable=True,
    id_prefix="ac", summary_columns=("name", "type"), display_name="actors",
    finding_columns=("article_id", "name", "type"),
    enums={"type": ACTOR_TYPES})

DATES = Schema("dates", [
    "date_id", "article_id", "sentence_id", "char_start", "char_end", "text", "value", "anchor",
    *REVIEW_COLUMNS, "why",
], key="date_id", required=("date_id", "article_id", "text"), reviewable=True,
    id_prefix="dt", summary_columns=("text", "value"), display_name="dates",
    finding_columns=("article_id", "text", "value"),
    patterns={"value": TIMEX_VALUE})

MOTIVES = Schema("motives", [
    "motive_id", "article_id", "sentence_id", "char_start", "char_end", "text", "cue",
    "agreement", "actor", *REVIEW_COLUMNS, "agreement_id", "why",
], key="motive_id", required=("motive_id", "article_id", "text"), reviewable=True,
    id_prefix="mo", summary_columns=("text",), display_name="motives",
    finding_columns=("article_id", "text", "cue", "agreement", "actor"))

ERRORS = Schema("errors", ["path", "line", "code", "message"], required=("path", "code", "message"))

# The per-article tables. An extractor's table is one more Schema here, named as its stage (the
# Extraction field or Extraction.extra key its findings go to): tables.rows_for makes its rows
# (tables.finding_rows unless it needs its own), and the review, report index, exports, CLI choices
# and `explain` take it from here. register() adds one at run time (a plug-in, a test).
TABLES: dict[str, Schema] = {s.name: s for s in (ARTICLES, SENTENCES, AGREEMENTS, ACTORS, DATES, MOTIVES, ERRORS)}
REVIEW_TABLES = [name for name, s in TABLES.items() if s.reviewable]
ID_PREFIX = {name: TABLES[name].id_prefix for name in REVIEW_TABLES}               # 'agreements' -> 'ag'
SUMMARY_COLUMNS = {name: TABLES[name].summary_columns for name in REVIEW_TABLES}


def register(schema: Schema) -> Schema:
    """Add a per-article table (after the others); the views above follow, in place."""
    TABLES[schema.name] = schema
    if schema.reviewable and schema.name not in REVIEW_TABLES:
        REVIEW_TABLES.append(schema.name)
        ID_PREFIX[schema.name] = schema.id_prefix
        SUMMARY_COLUMNS[schema.name] = schema.summary_columns
    return schema


def unregister(name: str) -> None:
    """Remove a table register() added."""
    TABLES.pop(name, None)
    if name in REVIEW_TABLES:
        REVIEW_TABLES.remove(name)
    ID_PREFIX.pop(name, None)
    SUMMARY_COLUMNS.pop(name, None)

# The register (write/register.py): corpus-level tables built from the per-article ones above, once
# per run, never per article; kept out of TABLES, whose tables are made article by article.
REGISTER_REVIEW_COLUMNS = ["review_status", "reviewer", "review_note", "merge_into", "split", "source_link"]
REGISTER_REVIEW_STATUSES = ("pending", "accepted", "rejected", "edited")
LOOSE_DATE = re.compile(r"^([\dX]{4}(-[\dX]{2}(-[\dX]{2})?)?)?$")

REGISTER = Schema("register", [
    "register_id", "name", "acronym", "kind", "parties", "status", "status_date", "first_reported",
    "last_reported", "n_articles", "agreement_ids", "conflict", *REGISTER_REVIEW_COLUMNS,
], key="register_id", required=("register_id", "name"), reviewable=True,
    enums={"status": AGREEMENT_STATUSES, "review_status": REGISTER_REVIEW_STATUSES},
    patterns={"status_date": LOOSE_DATE, "first_reported": LOOSE_DATE, "last_reported": LOOSE_DATE,
              "merge_into": re.compile(r"^(reg-[0-9a-f]{16})?$")})

STATUS_EVENTS = Schema("status_events", [
    "register_id", "status", "event_date", "published", "article_id", "agreement_id", "sentence_id",
    "evidence",
], required=("register_id", "article_id", "agreement_id"), enums={"status": AGREEMENT_STATUSES},
    patterns={"event_date": LOOSE_DATE, "published": LOOSE_DATE})

CORPUS_TABLES: dict[str, Schema] = {s.name: s for s in (REGISTER, STATUS_EVENTS)}


class SchemaError(ValueError):
    pass


def validate(schema: Schema, rows: list[dict]) -> None:
    """Check every row; raise one SchemaError listing all failures (at most 20 shown)."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        missing = [c for c in schema.columns if c not in row]
        if missing:
            problems.append(f"row {i}: missing columns {missing}")
            continue
        problems.extend(cell_problems(schema, i, row))
        if schema.key:
            k = row[schema.key]
            if k in seen:
                problems.append(f"row {i}: duplicate {schema.key} {k}")
            seen.add(k)
    if problems:
        shown = "; ".join(problems[:20])
        more = f" (+{len(problems) - 20} more)" if len(problems) > 20 else ""
        raise SchemaError(f"{schema.file}: {len(problems)} invalid rows: {shown}{more}")


def cell_problems(schema: Schema, i: int, row: dict) -> list[str]:
    """validate's checks of the cells of row i, which has every column (a repeated key is not
    one of them: validate finds it over the rows)."""
    problems: list[str] = []
    for col in schema.required:
        if row[col] in ("", None):
            problems.append(f"row {i}: empty {col}")
    for col, allowed in schema.enums.items():
        if row[col] not in allowed:
            problems.append(f"row {i}: {col}={row[col]!r} not in {allowed}")
    for col, pat in schema.patterns.items():
        value = row[col]
        if value not in ("", None) and not pat.match(str(value)):
            problems.append(f"row {i}: {col}={value!r} does not match {pat.pattern}")
    if "review_status" in row and row["review_status"] not in REVIEW_STATUSES:
        problems.append(f"row {i}: review_status={row['review_status']!r} not in {REVIEW_STATUSES}")
    return problems


# ---------------------------------------------------------------- column types
# The CSVs are text; typed readers (pipeline.frames for pandas and pandera, write/database for
# SQLite, write/parquet) give these columns their type, by column name in every table. Any other
# column (an analyst's own column too) is text. Dates stay text: TIMEX values such as `XXXX-05`
# or `2024-W12` are not timestamps (pipeline.frames.to_timestamp converts the full dates).
INTEGER_COLUMNS = frozenset({"n", "char_start", "char_end", "n_sentences", "n_mentions", "line", "n_articles"})
FLOAT_COLUMNS = frozenset({"confidence"})
LIST_COLUMNS = frozenset({"parties", "sentence_ids", "aliases", "agreement_ids", "why"})   # `; `-joined cells
LIST_SEPARATOR = "; "


def column_type(column: str) -> str:
    """'int', 'float', 'list' or 'str': the type a typed reader gives a column of any table."""
    if column in INTEGER_COLUMNS:
        return "int"
    if column in FLOAT_COLUMNS:
        return "float"
    if column in LIST_COLUMNS:
        return "list"
    return "str"
