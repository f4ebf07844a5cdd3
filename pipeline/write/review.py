"""Review merge: analysts' decisions in the review tables survive every re-run.

Rules (per review table, keyed by the stable row ID):
- pipeline-owned columns of a row still extracted are refreshed from this run;
- the analyst columns (review_status, reviewer, review_note, and any column the analyst added)
  are never overwritten;
- `edited` and `added` rows keep the analyst's values (only the ID and source_link stay ours);
- `added` rows are kept, and get a stable content ID when they have none;
- a reviewed row (status not pending, or a reviewer/note written) whose ID no longer comes out
  goes to review/orphans.csv with the reason; nothing reviewed is ever dropped.
Pure functions over rows; output.py does the reading and writing.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.schemas import REVIEW_STATUSES, REVIEW_TABLES, TABLES, SchemaError, validate
from pipeline.write.tables import stable_id
from pipeline.write import csvio

ANALYST_COLUMNS = ("review_status", "reviewer", "review_note")
PIPELINE_ONLY = ("source_link",)             # refreshed even for edited rows
VETTED = ("accepted", "edited", "added")     # what outputs/reviewed/ holds
ORPHAN_COLUMNS = ["table", "row_id", "article_id", "reason", "orphaned_run", "review_status",
                  "reviewer", "review_note", "summary", "source_link", "row_json"]
REASON_REMOVED = "article removed"
REASON_CHANGED = "text changed"
REASON_GONE = "no longer extracted"
SUMMARY_COLUMNS = {"agreements": ("name", "acronym", "status"), "actors": ("name", "type"),
                   "dates": ("text", "value"), "motives": ("text",)}
PREFIX = {"agreements": "ag", "actors": "ac", "dates": "dt", "motives": "mo"}


# ---------------------------------------------------------------- small pieces
def norm_status(value: str | None) -> str:
    """'Accepted ' -> 'accepted'; empty -> 'pending'. Unknown words are returned as written."""
    s = (value or "").strip().lower()
    return s or "pending"


def is_reviewed(row: dict) -> bool:
    """Holds analyst work: a decision, a reviewer or a note."""
    return _holds_work(row.get("review_status"), row.get("reviewer"), row.get("review_note"))


def _holds_work(status: str | None, reviewer: str | None, note: str | None) -> bool:
    return norm_status(status) != "pending" or bool((reviewer or "").strip()) or bool((note or "").strip())


def keeper(table: str | None, header: list[str]):
    """A test on the raw cells of a CSV row under `header`: is it worth reading? With a table:
    does it carry anything a merge needs (analyst work, no ID yet because it was typed in, or a
    value in a column the analyst added); untouched pending rows are rebuilt from the run.
    Without: does it hold analyst work (is_reviewed). Looks only at the cells it needs."""
    at = {h: i for i, h in enumerate(header) if h}
    status_at, reviewer_at, note_at = (at.get(c) for c in ANALYST_COLUMNS)
    schema = TABLES[table] if table else None
    key_at = at.get(schema.key) if schema else None
    extra = [i for h, i in at.items() if h not in schema.columns] if schema else []

    def cell(cells: list[str], i: int | None) -> str:
        return cells[i] if i is not None and i < len(cells) else ""

    def keep(cells: list[str]) -> bool:
        status, reviewer, note = cell(cells, status_at), cell(cells, reviewer_at), cell(cells, note_at)
        # most rows are untouched: "pending" as written, no reviewer, no note
        if (status != "pending" or reviewer or note) and _holds_work(status, reviewer, note):
            return True
        if schema is None:
            return False
        return not cell(cells, key_at).strip() or any(cell(cells, i).strip() for i in extra)
    return keep


def added_id(table: str, row: dict) -> str:
    """Stable ID for a row an analyst typed in: from its content, never from its position."""
    schema = TABLES[table]
    parts = [row.get(c, "") for c in schema.columns if c != schema.key and c not in ANALYST_COLUMNS
             and c not in PIPELINE_ONLY]
    return stable_id(f"{PREFIX[table]}-added", *parts)


def link_from(row: dict) -> str:
    """A source link for an added row: its (first) sentence if given, else the article page."""
    aid = (row.get("article_id") or "").strip()
    if not aid:
        return ""
    sid = (row.get("sentence_id") or row.get("sentence_ids") or "").split(";")[0].strip()
    n = sid.rsplit(":", 1)[-1] if ":" in sid else ""
    from urllib.parse import quote

    from pipeline.write.report import page_name
    return f"report/{quote(page_name(aid))}" + (f"#s{n}" if n.isdigit() else "")


def _where(table: str, line: int) -> str:
    return f"{table}.csv line {line}" if line else f"{table} row from review/pending-{table}.csv or orphans.csv"


def summary(table: str, row: dict) -> str:
    return " | ".join(str(row.get(c, "")) for c in SUMMARY_COLUMNS[table] if row.get(c, ""))


# ---------------------------------------------------------------- the merge
def _prepare(table: str, previous: list[dict], lines: list[int] | None,
             problems: list[str]) -> list[dict]:
    """Normalise the analyst rows: status words, IDs for added rows, duplicate IDs.

    Rows typed in without an ID become `added`; a later row repeating an ID is dropped when it is
    an exact copy and otherwise treated as an added row with its own content ID."""
    key = TABLES[table].key
    out: list[dict] = []
    seen: dict[str, dict] = {}
    for i, row in enumerate(previous):
        line = lines[i] if lines else i + 2
        row = dict(row)
        row["_line"] = line
        status = norm_status(row.get("review_status"))
        rid = (row.get(key) or "").strip()
        if status not in REVIEW_STATUSES:
            problems.append(f"{_where(table, line)}: review_status {row.get('review_status')!r} is not "
                            f"one of {', '.join(REVIEW_STATUSES)}")
        if rid and rid in seen:
            if {k: v for k, v in row.items() if k != "_line"} == \
                    {k: v for k, v in seen[rid].items() if k != "_line"}:
                continue
            rid = ""
            if status == "pending":
                status = "added"
        if not rid:
            if status == "pending":
                if not any((row.get(c) or "").strip() for c in row if c not in ("_line", key)):
                    continue                # an empty line with only separators
                status = "added"
            rid = added_id(table, row)
        row[key] = rid
        row["review_status"] = status
        if rid in seen:                     # two identical added rows typed twice
            continue
        seen[rid] = row
        out.append(row)
    return out


def _combine(table: str, fresh: dict, old: dict) -> dict:
    """One row still extracted: pipeline columns from fresh, analyst columns from old; for
    edited/added rows every value the analyst has wins (ID and source_link stay ours)."""
    schema = TABLES[table]
    status = old["review_status"]
    row = dict(fresh)
    if status in ("edited", "added"):
        for c, v in old.items():
            if c not in (schema.key, "_line", *PIPELINE_ONLY):
                row[c] = v
    else:
        for c, v in old.items():
            if c == "_line":
                continue
            if c in ANALYST_COLUMNS or c not in schema.columns:
                row[c] = v
    row["review_status"] = status
    row["_line"] = old["_line"]
    return row


def _orphan_reason(row: dict, current: dict[str, str] | None, before: dict[str, str] | None) -> str:
    aid = row.get("article_id", "")
    if current is not None and aid not in current:
        return REASON_REMOVED
    if current is not None and before and aid in before and before[aid] != current[aid]:
        return REASON_CHANGED
    return REASON_GONE


def orphan_row(table: str, row: dict, reason: str, run_id: str = "") -> dict:
    import json
    clean = {k: v for k, v in row.items() if not k.startswith("_")}
    return {"table": table, "row_id": clean.get(TABLES[table].key, ""),
            "article_id": clean.get("article_id", ""), "reason": reason, "orphaned_run": run_id,
            "review_status": clean.get("review_status", ""), "reviewer": clean.get("reviewer", ""),
            "review_note": clean.get("review_note", ""), "summary": summary(table, clean),
            "source_link": relink(clean.get("source_link", "")),
            "row_json": json.dumps(clean, ensure_ascii=False, sort_keys=True)}


def relink(link: str) -> str:
    """source_link for a file one folder below the outputs (review/, reviewed/)."""
    return f"../{link}" if link.startswith("report/") else link


def check_rows(table: str, rows: list[dict], problems: list[str]) -> None:
    """Schema checks on the rows the analyst's values went into, with their CSV line numbers."""
    schema = TABLES[table]
    for row in rows:
        if "_line" not in row or row.get("review_status") not in ("edited", "added"):
            continue
        try:
            validate(schema, [{c: row.get(c, "") for c in schema.columns}])
        except SchemaError as e:
            detail = str(e).split("row 0: ", 1)[-1]
            problems.append(f"{_where(table, row['_line'])}: {detail}")


def merge(table: str, fresh: list[dict], previous: list[dict], *,
          current_articles: dict[str, str] | None = None,
          previous_articles: dict[str, str] | None = None,
          lines: list[int] | None = None, run_id: str = "",
          problems: list[str] | None = None) -> tuple[list[dict], list[dict]]:
    """(rows to write, orphans) for one review table.

    fresh: this run's rows; previous: the rows on disk (as an analyst left them); lines: their
    CSV line numbers; current_articles / previous_articles: article_id -> text_sha256 now and
    before (for the orphan reason). Analyst rows that cannot be kept as they are (unknown status,
    a value outside the contract) are listed in `problems` when given, else raise E031."""
    own_problems: list[str] = [] if problems is None else problems
    key = TABLES[table].key
    old = _prepare(table, previous, lines, own_problems)
    by_id = {r[key]: r for r in old}
    fresh_ids = {r[key] for r in fresh}
    rows: list[dict] = []
    for f in fresh:
        o = by_id.get(f[key])
        rows.append(_combine(table, f, o) if o else f)
    orphans: list[dict] = []
    kept_added: list[dict] = []
    for o in old:
        if o[key] in fresh_ids:
            continue
        if o["review_status"] == "added" and (current_articles is None
                                              or o.get("article_id", "") in current_articles):
            row = {c: o.get(c, "") for c in TABLES[table].columns}
            row.update({c: v for c, v in o.items()})
            row["source_link"] = row.get("source_link") or link_from(row)
            kept_added.append(row)
        elif is_reviewed(o):
            orphans.append(orphan_row(table, o, _orphan_reason(o, current_articles, previous_articles),
                                      run_id))
    rows = _place(rows, kept_added)
    check_rows(table, rows, own_problems)
    if problems is None and own_problems:
        raise analyst_error(table, own_problems)
    return [_strip(r) for r in rows], orphans


def _place(rows: list[dict], added: list[dict]) -> list[dict]:
    """Added rows go after the last row of their article (at the end when it has none)."""
    if not added:
        return rows
    last = {r.get("article_id", ""): i for i, r in enumerate(rows)}
    after: dict[int, list[dict]] = {}
    tail: list[dict] = []
    for a in added:
        i = last.get(a.get("article_id", ""))
        (after.setdefault(i, []) if i is not None else tail).append(a)
    out: list[dict] = []
    for i, r in enumerate(rows):
        out.append(r)
        out.extend(after.get(i, []))
    return out + tail


def _strip(row: dict) -> dict:
    if "_line" not in row:
        return row
    return {k: v for k, v in row.items() if not k.startswith("_")}


def analyst_error(where: str, problems: list[str]) -> PipelineError:
    shown = "; ".join(problems[:10])
    more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
    return PipelineError("E031", where, f"{len(problems)} reviewed cell(s) cannot be kept: {shown}{more}; "
                         "fix them in the spreadsheet and run again; nothing was overwritten")


def apply_pending_file(table: str, main: list[dict], focused: list[dict]) -> list[dict]:
    """Fold the decisions taken in review/pending-<table>.csv into the main table's rows: a
    focused row wins where the main row is still untouched; rows added there are appended."""
    key = TABLES[table].key
    index = {(r.get(key) or "").strip(): i for i, r in enumerate(main)}
    out = list(main)
    for row in focused:
        if not is_reviewed(row):
            continue
        rid = (row.get(key) or "").strip()
        row = {k: v for k, v in row.items() if k != "source_link"}
        if rid in index:
            i = index[rid]
            if not is_reviewed(out[i]):
                out[i] = {**out[i], **row}
        else:
            out.append(row)
    return out


def vetted(rows: list[dict]) -> list[dict]:
    """Rows for outputs/reviewed/: accepted, edited and added only."""
    return [{**r, "source_link": relink(r.get("source_link", ""))} for r in rows
            if norm_status(r.get("review_status")) in VETTED]


def pending(rows: list[dict]) -> list[dict]:
    return [{**r, "source_link": relink(r.get("source_link", ""))} for r in rows
            if norm_status(r.get("review_status")) == "pending"]


# ---------------------------------------------------------------- status / pending commands
def status_counts(rows: list[dict]) -> Counter:
    return Counter(norm_status(r.get("review_status")) for r in rows)


def status_lines(counts: dict[str, Counter], orphans: int | None = None) -> list[str]:
    """The `review status` table: rows by status and the share reviewed, per table."""
    head = f"{'table':<12}{'rows':>7}" + "".join(f"{s:>10}" for s in REVIEW_STATUSES) + f"{'reviewed':>10}"
    lines = [head]
    total: Counter = Counter()
    for table, c in counts.items():
        n = sum(c.values())
        total.update(c)
        done = n - c.get("pending", 0)
        share = f"{100 * done / n:.1f}%" if n else "-"
        lines.append(f"{table:<12}{n:>7}" + "".join(f"{c.get(s, 0):>10}" for s in REVIEW_STATUSES)
                     + f"{share:>10}")
    n = sum(total.values())
    share = f"{100 * (n - total.get('pending', 0)) / n:.1f}%" if n else "-"
    lines.append(f"{'all':<12}{n:>7}" + "".join(f"{total.get(s, 0):>10}" for s in REVIEW_STATUSES)
                 + f"{share:>10}")
    if orphans is not None:
        lines.append(f"orphaned reviewed rows (review/orphans.csv): {orphans}")
    return lines


def cli(args) -> int:
    """`python -m pipeline review status|pending`."""
    out_dir = Path(args.output)
    present = [t for t in REVIEW_TABLES if (out_dir / TABLES[t].file).exists()]
    if not present:
        print(f"no review tables in {out_dir}; run `python -m pipeline run --output {out_dir}` first",
              file=sys.stderr)
        return 2
    if args.review_command == "status":
        counts = {t: status_counts(csvio.read_csv(out_dir / TABLES[t].file)) for t in present}
        orphans = len(csvio.read_csv(out_dir / "review" / "orphans.csv"))
        print("\n".join(status_lines(counts, orphans)))
        return 0
    if args.review_command == "pending":
        table = args.table
        path = out_dir / TABLES[table].file
        rows = csvio.read_csv(path, required=(TABLES[table].key,))
        todo = pending(rows)
        dest = pending_path(out_dir, table)
        csvio.write_csv_atomic(dest, columns_for(table, csvio.read_header(path)), todo)
        print(f"wrote {len(todo)} pending of {len(rows)} {table} rows to {dest}; set review_status there "
              f"or in {path.name}: the next run folds both into {path.name}")
        return 0
    print(f"unknown review command {args.review_command!r}", file=sys.stderr)
    return 2


def pending_path(out_dir: Path, table: str) -> Path:
    return out_dir / "review" / f"pending-{table}.csv"


def columns_for(table: str, header: list[str]) -> list[str]:
    """The contract columns, then any column the analyst added (kept in its order)."""
    cols = list(TABLES[table].columns)
    return cols + [h for h in header if h and h not in cols]
