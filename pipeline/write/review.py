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
from typing import Iterable, Iterator

from pipeline.errors import PipelineError
from pipeline.schemas import ID_PREFIX as PREFIX, REVIEW_STATUSES, REVIEW_TABLES, SUMMARY_COLUMNS, TABLES, SchemaError, validate
from pipeline.write.tables import stable_id
from pipeline.write import csvio
from pipeline.write.bounded import ids_among

ANALYST_COLUMNS = ("review_status", "reviewer", "review_note")
PIPELINE_ONLY = ("source_link", "why", "status_cue")             # refreshed even for edited rows
VETTED = ("accepted", "edited", "added")     # what outputs/reviewed/ holds
ORPHAN_COLUMNS = ["table", "row_id", "article_id", "reason", "orphaned_run", "review_status",
                  "reviewer", "review_note", "summary", "source_link", "row_json"]
REASON_REMOVED = "article removed"
REASON_CHANGED = "text changed"
REASON_GONE = "no longer extracted"


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


def _where(table: str, line: int | str) -> str:
    """Where an analyst row came from: 'agreements.csv line 7', 'review/pending-agreements.csv
    line 3' (lines from the focused file are kept as 'p<line>'), or review/orphans.csv."""
    if isinstance(line, str) and line.startswith("p"):
        return f"review/pending-{table}.csv line {line[1:]}"
    if isinstance(line, str) and line.startswith("o"):
        return f"review/orphans.csv line {line[1:]} ({table} row)"
    return f"{table}.csv line {line}" if line else f"{table} row from review/orphans.csv"


def summary(table: str, row: dict) -> str:
    return " | ".join(str(row.get(c, "")) for c in SUMMARY_COLUMNS[table] if row.get(c, ""))


# ---------------------------------------------------------------- the merge
# What a row found, without the article text: carries a decision across a text change (the
# row IDs hash the article text, so a one-line edit of an article changes all of them).
# (Each table's schema says which columns: Schema.finding_columns.)
PATTERN_WORDS = {
    "status_date": "a date written YYYY-MM-DD, YYYY-MM or YYYY (X for an unknown digit, e.g. 2024-05-XX)",
    "value": "a date written YYYY-MM-DD, YYYY-MM or YYYY (X for an unknown digit), or YYYY-Wnn, "
             "YYYY-Qn, YYYY-H1/H2, YYYY-SP/SU/FA/WI",
}
REQUIRED_HINT = {"article_id": "copy the article's ID from articles.csv",
                 "name": "type the name", "text": "type the text as it appears in the article"}


def decision(row: dict) -> tuple[str, str, str]:
    """What an analyst decided on a row: (status, reviewer, note), normalised."""
    return (norm_status(row.get("review_status")), (row.get("reviewer") or "").strip(),
            (row.get("review_note") or "").strip())


def _values(table: str, row: dict) -> dict:
    """The pipeline-made cells of a row (no ID, no analyst columns, no source_link)."""
    schema = TABLES[table]
    return {c: (row.get(c) or "").strip() for c in schema.columns
            if c != schema.key and c not in ANALYST_COLUMNS and c not in PIPELINE_ONLY and c in row}


def _prepare(table: str, previous: list[dict], lines: list | None,
             problems: list[str]) -> list[dict]:
    """Normalise the analyst rows: status words, IDs for added rows, duplicate IDs.

    Rows typed in without an ID become `added`; a row marked accepted/rejected/edited whose ID
    cell is empty keeps its decision and is matched to this run's rows by its cells in merge
    (`_noid`). A later row repeating an ID is dropped when it is an exact copy, replaces the
    first when only it holds a decision on the same values, becomes an added row when it holds
    no decision, and is refused (E031) when both hold different decisions or it holds a
    decision on other values (an ID pasted over another row's)."""
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
            first = seen[rid]
            if {k: v for k, v in row.items() if k != "_line"} == \
                    {k: v for k, v in first.items() if k != "_line"}:
                continue
            mine, theirs = decision(row), decision(first)
            same_values = _values(table, row) == _values(table, first)
            if not is_reviewed(row):
                rid = ""
                if status == "pending":
                    status = "added"
            elif status == "added":
                rid = ""
            elif same_values and not is_reviewed(first):
                row[key], row["review_status"] = rid, status
                out[out.index(first)] = row
                seen[rid] = row
                continue
            elif same_values and mine == theirs:
                continue
            else:
                what = (f"holds decision {mine[0]!r} where line {first['_line']} holds {theirs[0]!r}"
                        if mine != theirs else "holds other values than line "
                        f"{first['_line']} under the same ID")
                problems.append(f"{_where(table, line)}: {key} {rid} appears twice and this row {what}; "
                                f"keep one of the two rows, or clear the ID cell of a row you typed in "
                                f"and mark it 'added'")
                continue
        if not rid:
            if status == "pending":
                if not any((row.get(c) or "").strip() for c in row if c not in ("_line", key)):
                    continue                # an empty line with only separators
                status = "added"
            if status == "added":
                rid = added_id(table, row)
            else:
                row["_noid"] = True         # a decision whose ID cell was deleted: matched in merge
        row[key] = rid
        row["review_status"] = status
        if rid and rid in seen:             # two identical added rows typed twice
            continue
        if rid:
            seen[rid] = row
        out.append(row)
    return out


def _combine(table: str, fresh: dict, old: dict, warnings: list[str] | None = None) -> dict:
    """One row still extracted: pipeline columns from fresh, analyst columns from old; for
    edited/added rows every value the analyst has wins (ID and source_link stay ours). A value
    changed on a row not marked edited is replaced by this run's, with a warning."""
    schema = TABLES[table]
    status = old["review_status"]
    row = dict(fresh)
    if status in ("edited", "added"):
        for c, v in old.items():
            if c not in (schema.key, "_line", "_noid", *PIPELINE_ONLY):
                row[c] = v
    else:
        changed = []
        for c, v in old.items():
            if c.startswith("_"):
                continue
            if c in ANALYST_COLUMNS or c not in schema.columns:
                row[c] = v
            elif (warnings is not None and c not in (schema.key, *PIPELINE_ONLY)
                  and (v or "").strip() != csvio.cap(str(fresh.get(c, ""))).strip()):
                changed.append(f"{c} {v!r} -> {fresh.get(c, '')!r}")
        if changed and warnings is not None and is_reviewed(old):
            warnings.append(f"{_where(table, old['_line'])}: row marked {status!r} (not 'edited') has "
                            f"value(s) that differ from this run's, which are kept: {', '.join(changed)}; "
                            "mark the row 'edited' and type your value again to keep it (the file as "
                            "you saved it is in history/)")
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


def row_problems(table: str, row: dict) -> list[str]:
    """What is wrong with the values of an edited or added row, in words."""
    schema = TABLES[table]
    out: list[str] = []
    for col in schema.required:
        if col != schema.key and not (row.get(col) or "").strip():
            hint = REQUIRED_HINT.get(col) or (f"one of {', '.join(schema.enums[col])}" if col in schema.enums
                                              else "fill it in")
            out.append(f"{col} is empty ({hint})")
    for col, allowed in schema.enums.items():
        v = row.get(col, "")
        if col in schema.required and not (v or "").strip():
            continue
        if v not in allowed:
            shown = [a for a in allowed if a]
            what = "is empty" if not (v or "").strip() else f"{v!r} is not one of the words allowed"
            need = f"an {row.get('review_status')} {table[:-1]} row needs {col}" if not (v or "").strip() else col
            out.append(f"{col} {what}; {need}: one of {', '.join(shown)}" if not (v or "").strip()
                       else f"{col} {what}: {', '.join(shown)}")
    for col, pat in schema.patterns.items():
        v = row.get(col, "")
        if v not in ("", None) and not pat.match(str(v)):
            out.append(f"{col} {v!r} is not {PATTERN_WORDS.get(col, 'in the expected format')}; "
                       "a spreadsheet may have reformatted the cell: type it as text")
    for col in schema.list_columns:
        v = row.get(col, "") or ""
        if "," in v and ";" not in v:
            items = [x.strip() for x in v.split(",") if x.strip()]
            out.append(f"{col} {v!r} looks like a list separated by commas; separate the items with "
                       f"'; ' as in {'; '.join(sorted(items))!r}")
    return out


def check_rows(table: str, rows: list[dict], problems: list[str]) -> None:
    """Checks on the rows the analyst's values went into, with their CSV line numbers."""
    schema = TABLES[table]
    for row in rows:
        if "_line" not in row or row.get("review_status") not in ("edited", "added"):
            continue
        found = row_problems(table, row)
        if not found:
            try:
                validate(schema, [{c: row.get(c, "") for c in schema.columns}])
            except SchemaError as e:
                found = [str(e).split("row 0: ", 1)[-1]]
        problems.extend(f"{_where(table, row['_line'])}: {p}" for p in found)


def _match_blank_ids(table: str, old: list[dict], fresh: list[dict], claimed: set[str],
                     problems: list[str]) -> None:
    """Give a row whose ID cell was emptied the ID of the one fresh row it matches: every
    pipeline cell it has equal, else the same finding, else (edited rows) the one row that
    differs in at most two cells; refuse when none or many."""
    key = TABLES[table].key
    for o in old:
        if not o.get("_noid"):
            continue
        mine = _values(table, o)
        pool = [f for f in fresh if f[key] not in claimed and f.get("article_id") == o.get("article_id")]
        exact = [f for f in pool if all(str(f.get(c, "")).strip() == v for c, v in mine.items())]
        found = [f for f in pool if _finding(table, f) == _finding(table, o)]
        pick = exact if len(exact) == 1 else found
        if len(pick) != 1 and pool:            # an edited row: the one row nearest in its cells
            score = {id(f): sum(str(f.get(c, "")).strip() == v for c, v in mine.items()) for f in pool}
            best = max(score.values())
            pick = [f for f in pool if score[id(f)] == best] if best >= len(mine) - 2 else []
        if len(pick) == 1:
            o[key] = pick[0][key]
            claimed.add(o[key])
            del o["_noid"]
            continue
        problems.append(f"{_where(table, o['_line'])}: the {key} cell is empty on a row marked "
                        f"{o['review_status']!r} and no single row of this run has its values; paste the "
                        "ID back (the file as it was is in history/), or mark the row 'added' if you "
                        "typed it in")


def _finding(table: str, row: dict) -> tuple:
    columns = TABLES[table].finding_columns or ("article_id", "text")
    return tuple((str(row.get(c, "")) or "").strip() for c in columns)


def _carry_across_text_change(table: str, old: list[dict], fresh: list[dict], claimed: set[str],
                              current: dict[str, str] | None, fresh_ids: set[str]) -> int:
    """Reviewed rows whose ID is gone but whose article is still read take the ID of the fresh
    row that found the same thing (same finding key, same article), paired in order when the
    key repeats the same number of times on both sides. Returns how many were carried."""
    key = TABLES[table].key
    lost: dict[tuple, list[dict]] = {}
    for o in old:
        if (o[key] and o[key] not in fresh_ids and o["review_status"] != "added" and is_reviewed(o)
                and current is not None and o.get("article_id") in current):
            lost.setdefault(_finding(table, o), []).append(o)
    if not lost:
        return 0
    found: dict[tuple, list[dict]] = {}
    for f in fresh:
        k = _finding(table, f)
        if k in lost and f[key] not in claimed:
            found.setdefault(k, []).append(f)
    n = 0
    left: list[dict] = []
    for k, olds in lost.items():
        news = found.get(k, [])
        if news and len(news) == len(olds):
            for o, f in zip(olds, news):
                o[key] = f[key]
                claimed.add(f[key])
                n += 1
        else:
            left.extend(olds)
    for o in left:                  # an edited row's finding holds its own values: nearest row
        mine = _values(table, o)
        pool = [f for f in fresh if f[key] not in claimed and f.get("article_id") == o.get("article_id")]
        if not pool:
            continue
        score = {id(f): sum(str(f.get(c, "")).strip() == v for c, v in mine.items()) for f in pool}
        best = max(score.values())
        pick = [f for f in pool if score[id(f)] == best]
        if len(pick) == 1 and best >= len(mine) - 2:
            o[key] = pick[0][key]
            claimed.add(o[key])
            n += 1
    return n


def merge(table: str, fresh: list[dict], previous: list[dict], *,
          current_articles: dict[str, str] | None = None,
          previous_articles: dict[str, str] | None = None,
          lines: list | None = None, run_id: str = "",
          problems: list[str] | None = None, warnings: list[str] | None = None,
          stats: Counter | None = None, precheck: bool = False, out=None) -> tuple[list[dict], list[dict]]:
    """(rows to write, orphans) for one review table.

    fresh: this run's rows; previous: the rows on disk (as an analyst left them); lines: their
    CSV line numbers; current_articles / previous_articles: article_id -> text_sha256 now and
    before (for the orphan reason). Analyst rows that cannot be kept as they are (unknown status,
    a value outside the contract, conflicting duplicates, an emptied ID that matches no row, an
    added row for an article never read) are listed in `problems` when given, else raise E031.
    precheck: only the checks that need no fresh rows (before the NLP stage).
    warnings: values reverted on rows not marked edited. stats: counts for the run summary.
    fresh may be any re-iterable (a spooled table, read a few times); out: the container the rows
    to write are appended to and returned as (default a new list), filled in one pass so that no
    whole copy of the table is held; fresh itself when no analyst row goes into the rows."""
    own_problems: list[str] = [] if problems is None else problems
    key = TABLES[table].key
    old = _prepare(table, previous, lines, own_problems)
    if precheck:
        old = [o for o in old if not o.get("_noid")]
        fresh = []
    fresh_ids = ids_among(fresh, key, {o[key] for o in old})    # only those looked up, and claimed
    claimed = {o[key] for o in old if o[key] in fresh_ids}
    _match_blank_ids(table, old, fresh, claimed, own_problems)
    carried = _carry_across_text_change(table, old, fresh, claimed, current_articles, fresh_ids | claimed)
    fresh_ids |= claimed
    by_id = {r[key]: r for r in old if r[key]}
    orphans: list[dict] = []
    kept_added: list[dict] = []
    known = set(current_articles or ()) | set(previous_articles or ())
    for o in old:
        if o[key] in fresh_ids or o.get("_noid"):
            continue
        aid = (o.get("article_id") or "").strip()
        typed = o["review_status"] == "added" or (o["review_status"] in ("accepted", "edited")
                                                   and o[key].startswith(f"{PREFIX[table]}-added-"))
        if typed and (current_articles is None or aid in current_articles):
            row = {c: o.get(c, "") for c in TABLES[table].columns}
            row.update({c: v for c, v in o.items()})
            row["source_link"] = link_from(row)          # ours, never the analyst's
            kept_added.append(row)
        elif typed and aid and aid not in known:
            own_problems.append(f"{_where(table, o['_line'])}: added row's article_id {aid!r} is not an "
                                "article of this run or the last; copy the article's ID from articles.csv")
        elif is_reviewed(o):
            orphans.append(orphan_row(table, o, _orphan_reason(o, current_articles, previous_articles),
                                      run_id))
    # this run's rows (with the analysts' columns where a decision exists) and the added rows
    # in their place, checked, counted and stripped in one pass into out
    warned: list[str] | None = [] if warnings is not None else None

    def combined(w):
        return (_combine(table, f, by_id[f[key]], w) if f[key] in by_id else f for f in fresh)
    kept = 0
    if not kept_added and not any(k in fresh_ids for k in by_id):
        out = fresh         # no analyst row goes into this run's rows: written as they are
    else:
        out = [] if out is None else out
        for r in _place(combined(warned), kept_added, lambda: combined(None)):
            check_rows(table, (r,), own_problems)
            if "_line" in r and is_reviewed(r):
                kept += 1
            out.append(_strip(r))
    if warned:
        warnings.extend(warned)
    if problems is None and own_problems:
        raise analyst_error(table, own_problems)
    if stats is not None:
        stats["kept"] += kept
        stats["carried"] += carried
        stats["orphaned"] += len(orphans)
    return out, orphans


def _place(rows, added: list[dict], again) -> Iterator[dict]:
    """Added rows go after the last row of their article (at the end when it has none); again()
    gives the same rows once more (to find each article's last row first)."""
    if not added:
        yield from rows
        return
    last = {r.get("article_id", ""): i for i, r in enumerate(again())}
    after: dict[int, list[dict]] = {}
    tail: list[dict] = []
    for a in added:
        i = last.get(a.get("article_id", ""))
        (after.setdefault(i, []) if i is not None else tail).append(a)
    for i, r in enumerate(rows):
        yield r
        yield from after.get(i, [])
    yield from tail


def _strip(row: dict) -> dict:
    if "_line" not in row:
        return row
    return {k: v for k, v in row.items() if not k.startswith("_")}


def analyst_error(where: str, problems: list[str]) -> PipelineError:
    shown = "; ".join(problems[:10])
    more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
    return PipelineError("E031", where, f"{len(problems)} reviewed cell(s) cannot be kept: {shown}{more}; "
                         "fix them in the spreadsheet and run again; nothing was overwritten")


def apply_pending_file(table: str, main: list[dict], focused: list[dict],
                       problems: list[str] | None = None, main_lines: list | None = None,
                       focused_lines: list | None = None, lines_out: list | None = None) -> list[dict]:
    """Fold the decisions taken in review/pending-<table>.csv into the main table's rows: a
    focused row wins where the main row is still untouched; rows added there are appended.
    The same row decided differently in both files is a problem (E031), never a silent pick."""
    key = TABLES[table].key
    index = {(r.get(key) or "").strip(): i for i, r in enumerate(main)}
    out = list(main)
    for j, row in enumerate(focused):
        if not is_reviewed(row):
            continue
        rid = (row.get(key) or "").strip()
        row = {k: v for k, v in row.items() if k not in PIPELINE_ONLY}
        if rid and rid in index:
            i = index[rid]
            if not is_reviewed(out[i]):
                out[i] = {**out[i], **row}
            elif decision(out[i]) != decision(row) and problems is not None:
                at = main_lines[i] if main_lines else i + 2
                fl = focused_lines[j] if focused_lines else j + 2
                problems.append(f"{_where(table, fl)}: {key} {rid} has decision {decision(row)[0]!r} "
                                f"(reviewer {decision(row)[1]!r}) but {table}.csv line {at} has "
                                f"{decision(out[i])[0]!r} (reviewer {decision(out[i])[1]!r}); make the two "
                                f"agree or delete review/pending-{table}.csv")
        else:
            out.append(row)
            if lines_out is not None:
                lines_out.append(focused_lines[j] if focused_lines else 0)
    return out


def vetted(rows: Iterable[dict], lazy: bool = False) -> list[dict] | Iterator[dict]:
    """Rows for outputs/reviewed/: accepted, edited and added only (lazy: one at a time)."""
    made = ({**r, "source_link": relink(r.get("source_link", ""))} for r in rows
            if norm_status(r.get("review_status")) in VETTED)
    return made if lazy else list(made)


def pending(rows: Iterable[dict], lazy: bool = False) -> list[dict] | Iterator[dict]:
    made = ({**r, "source_link": relink(r.get("source_link", ""))} for r in rows
            if norm_status(r.get("review_status")) == "pending")
    return made if lazy else list(made)


# ---------------------------------------------------------------- status / pending commands
def _status_line(name: str, c: Counter) -> str:
    n = sum(c.values())
    share = f"{100 * (n - c.get('pending', 0)) / n:.1f}%" if n else "-"
    return f"{name:<12}{n:>7}" + "".join(f"{c.get(s, 0):>10}" for s in REVIEW_STATUSES) + f"{share:>10}"


def status_lines(counts: dict[str, Counter], orphans: int | None = None) -> list[str]:
    """The `review status` table: rows by status and the share reviewed, per table."""
    lines = [f"{'table':<12}{'rows':>7}" + "".join(f"{s:>10}" for s in REVIEW_STATUSES) + f"{'reviewed':>10}"]
    total: Counter = Counter()
    for table, c in counts.items():
        total.update(c)
        lines.append(_status_line(table, c))
    lines.append(_status_line("all", total))
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
        counts = {t: Counter(norm_status(r.get("review_status")) for r in csvio.read_csv(out_dir / TABLES[t].file))
                  for t in present}
        orphans = len(csvio.read_csv(out_dir / "review" / "orphans.csv"))
        from pipeline.write import register
        reg_counts, reg_lines = register.review_status(out_dir)
        if reg_counts is not None:
            counts["register"] = reg_counts
        print("\n".join(status_lines(counts, orphans) + reg_lines))
        return 0
    if args.review_command == "pending":
        table, spec = args.table, TABLES[args.table]
        path, dest = out_dir / spec.file, pending_path(out_dir, table)
        rows = csvio.read_csv(path, required=(spec.key,))
        todo = pending(rows)
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
