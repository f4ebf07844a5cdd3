"""The write stage, called once per run with the complete tables.

1. read what is on disk: the review tables as analysts left them (any spreadsheet dialect, or
   E031 before anything is written), focused files from `review pending`, earlier orphans;
2. merge the analysts' decisions into this run's rows (review.py), collect new orphans;
3. validate every table whose file must be written again, build those files' text;
4. if anything would change, copy the previous files to history/<run-id>/ first;
5. write each file atomically (unchanged files are not touched), then the report index.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from pipeline.write import report, review
from pipeline.config import modules_digest
from pipeline.errors import PipelineError
from pipeline.schemas import REVIEW_TABLES, TABLES, validate
from pipeline.write import csvio
from pipeline.write import files

ORPHANS = Path("review") / "orphans.csv"
HISTORY = "history"


@dataclass
class Previous:
    """What a run finds on disk before writing."""

    records: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    focused: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    orphans: list[dict] = field(default_factory=list)
    articles: dict[str, str] = field(default_factory=dict)      # article_id -> text_sha256
    stamps: dict[Path, tuple[int, int] | None] = field(default_factory=dict)


def read_previous(out_dir: Path) -> Previous:
    """Read every analyst-facing file; E031 (nothing overwritten yet) when one is unreadable."""
    prev = Previous()
    for name in REVIEW_TABLES:
        path = out_dir / TABLES[name].file
        prev.stamps[path] = files.file_stamp(path)
        prev.headers[name], prev.records[name] = csvio.read_csv_table(
            path, required=(TABLES[name].key,), keep=lambda header, t=name: review.keeper(t, header))
        focused = review.pending_path(out_dir, name)
        if focused.exists():
            prev.stamps[focused] = files.file_stamp(focused)
            prev.focused[name] = csvio.read_csv_records(focused, required=(TABLES[name].key,),
                                                      keep=lambda header: review.keeper(None, header))
    prev.stamps[out_dir / ORPHANS] = files.file_stamp(out_dir / ORPHANS)
    prev.orphans = csvio.read_csv(out_dir / ORPHANS)
    try:
        prev.articles = {r.get("article_id", ""): r.get("text_sha256", "")
                         for r in csvio.read_csv(out_dir / TABLES["articles"].file)}
    except PipelineError:
        prev.articles = {}  # pipeline-owned: only used to word the orphan reason
    return prev


def check_reviews(out_dir: Path) -> Previous:
    """Fail fast (E031) on analyst tables a run could not merge; call before the NLP stage.
    Returns what it read, for finalise (which reads again only what was saved since)."""
    prev = read_previous(Path(out_dir))
    problems: list[str] = []
    for name, recs in prev.records.items():
        review.merge(name, [], [r for _, r in recs], lines=[n for n, _ in recs], problems=problems)
    if problems:
        raise review.analyst_error(str(out_dir), problems)
    return prev


def _still_current(prev: Previous | None) -> bool:
    return prev is not None and all(files.file_stamp(p) == stamp for p, stamp in prev.stamps.items())


def make_run_id(tables: dict[str, list[dict]], now: datetime | None = None) -> str:
    """UTC timestamp + a short hash of what this run extracted: sortable and recognisable."""
    now = now or datetime.now(timezone.utc)
    h = hashlib.sha256()
    for r in tables.get("articles", []):
        h.update(f"{r.get('article_id')}\x1f{r.get('text_sha256')}\n".encode())
    for name in REVIEW_TABLES:
        h.update(f"{name}:{len(tables.get(name, []))}\n".encode())
    return f"{now:%Y%m%dT%H%M%SZ}-{h.hexdigest()[:8]}"


def _restorable(prev: Previous, name: str, fresh_ids: set[str], current: dict[str, str]) -> list[dict]:
    """Orphans of this table that come back this run (same ID extracted again, or an added row
    whose article is back): their saved rows rejoin the analyst rows."""
    on_disk = {(r.get(TABLES[name].key) or "").strip() for _, r in prev.records.get(name, [])}
    back = []
    for o in prev.orphans:
        if o.get("table") != name or o.get("row_id") in on_disk:
            continue
        if o.get("row_id") in fresh_ids or (
                review.norm_status(o.get("review_status")) == "added" and o.get("article_id") in current):
            try:
                back.append(json.loads(o.get("row_json") or "{}"))
            except json.JSONDecodeError:
                continue
            back[-1]["_orphan"] = (name, o.get("row_id"))
    return [b for b in back if isinstance(b, dict)]


def merge_reviews(out_dir: Path, tables: dict[str, list[dict]], prev: Previous | None = None,
                  run_id: str = "") -> list[dict]:
    """Merge the analysts' rows on disk into the fresh review tables (in place); returns every
    orphaned reviewed row (earlier ones that did not come back, then this run's)."""
    prev = prev or read_previous(out_dir)
    current = {r["article_id"]: r["text_sha256"] for r in tables.get("articles", [])}
    problems: list[str] = []
    orphans: list[dict] = []
    restored: set[tuple[str, str]] = set()
    for name in REVIEW_TABLES:
        key = TABLES[name].key
        recs = prev.records.get(name, [])
        rows, lines = [r for _, r in recs], [n for n, _ in recs]
        if name in prev.focused:
            focused = [r for _, r in prev.focused[name]]
            rows = review.apply_pending_file(name, rows, focused)
            lines += [0] * (len(rows) - len(lines))
        back = _restorable(prev, name, {r[key] for r in tables[name]}, current)
        restored |= {b.pop("_orphan") for b in back}
        rows += back
        lines += [0] * len(back)
        tables[name], lost = review.merge(name, tables[name], rows, current_articles=current,
                                          previous_articles=prev.articles, lines=lines,
                                          run_id=run_id, problems=problems)
        orphans.extend(lost)
    if problems:
        raise review.analyst_error(str(out_dir), problems)
    new_ids = {(o["table"], o["row_id"]) for o in orphans}
    earlier = [o for o in prev.orphans if (o.get("table"), o.get("row_id")) not in restored | new_ids]
    return earlier + orphans


def file_specs(out_dir: Path, tables: dict[str, list[dict]], orphans: list[dict],
               prev: Previous) -> dict[Path, tuple[str | None, list[str], Iterable[dict]]]:
    """(table it is made from, columns, rows) of every file this run writes, keyed by path."""
    files: dict[Path, tuple[str | None, list[str], Iterable[dict]]] = {}
    for name, rows in tables.items():
        cols = review.columns_for(name, prev.headers.get(name, [])) if name in REVIEW_TABLES \
            else TABLES[name].columns
        files[out_dir / TABLES[name].file] = (name, cols, rows)
        if name in REVIEW_TABLES:
            files[out_dir / "reviewed" / TABLES[name].file] = (name, cols, review.vetted(rows))
            if name in prev.focused:
                files[review.pending_path(out_dir, name)] = (name, cols, review.pending(rows))
    files[out_dir / ORPHANS] = (None, review.ORPHAN_COLUMNS, orphans)
    return files


def _snapshot_existing(out_dir: Path, existing: list[Path], run_id: str) -> Path | None:
    """Copy existing files to history/<run_id>/ (None when there is nothing to keep)."""
    if not existing:
        return None
    dest = out_dir / HISTORY / run_id
    for p in existing:
        files.copy_file(p, dest / p.relative_to(out_dir))
    return dest


def _check_unchanged(prev: Previous) -> None:
    for path, stamp in prev.stamps.items():
        if files.file_stamp(path) != stamp:
            raise PipelineError("E031", str(path), "the file was saved while the run was going; "
                                "close it in the spreadsheet and run again; nothing was overwritten")


WRITTEN_MEMO = Path(".cache") / "written.json"     # beside the article cache: safe to delete


def _fingerprint(columns: list[str], rows: list[dict]) -> str:
    """What a file's bytes are made from: its columns, rows and the code that checks and writes
    them (pickled a block of rows at a time, so no whole copy of a table is ever held)."""
    h = hashlib.sha256(modules_digest("write/csvio", "write/files", "schemas").encode())
    h.update(pickle.dumps(columns, protocol=5))
    for i in range(0, len(rows), 2000):
        h.update(pickle.dumps(rows[i:i + 2000], protocol=5))
    return h.hexdigest()


def _read_memo(out_dir: Path) -> dict:
    """relative path -> {"rows": fingerprint, "sha256": of the bytes written} of the last write."""
    try:
        memo = json.loads((out_dir / WRITTEN_MEMO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) and all(isinstance(v, dict) for v in memo.values()) else {}


def _write_memo(out_dir: Path, memo: dict) -> None:
    try:
        files.write_text_atomic(out_dir / WRITTEN_MEMO, json.dumps(memo, sort_keys=True), durable=False)
    except OSError:
        pass    # only a shortcut: without it every file is formatted next time


def finalise(out_dir: Path, tables: dict[str, list[dict]], *, run_id: str | None = None,
             prev: Previous | None = None) -> dict:
    """Merge reviews, snapshot, write every table, the reviewed tables, orphans and the index.
    prev: what check_reviews read, used when no file has changed since.
    Returns {"run_id", "history" (folder or None), "orphans", "new_orphans", "written"}."""
    out_dir = Path(out_dir)
    if not _still_current(prev):
        prev = read_previous(out_dir)
    run_id = run_id or make_run_id(tables)
    orphans = merge_reviews(out_dir, tables, prev, run_id)
    specs = file_specs(out_dir, tables, orphans, prev)
    _check_unchanged(prev)
    # A file whose rows are those of the last write (which validated them), still on disk as
    # written, is neither validated again nor formatted. Every other file's table is validated
    # before any file is written; each file is then streamed row by row into a temp file beside
    # it, and "unchanged" compares hashes streamed from disk, so neither the old nor the new
    # text is ever held whole in memory.
    memo = _read_memo(out_dir)
    todo: list[tuple[Path, list[str], list[dict], str, str | None]] = []
    checked: set[str] = set()
    for p, (name, cols, rows) in specs.items():
        rows = list(rows)
        rel = p.relative_to(out_dir).as_posix()
        fingerprint = _fingerprint(cols, rows)
        on_disk = files.file_sha256(p)
        if memo.get(rel, {}).get("rows") == fingerprint and on_disk == memo[rel].get("sha256"):
            continue
        if name is not None and name not in checked:
            validate(TABLES[name], tables[name])
            checked.add(name)
        todo.append((p, cols, rows, fingerprint, on_disk))
    staged: dict[Path, str] = {}
    try:
        changed: list[Path] = []
        for p, cols, rows, fingerprint, on_disk in todo:
            tmp, digest = csvio.csv_to_temp(p, cols, rows)
            staged[p] = tmp
            memo[p.relative_to(out_dir).as_posix()] = {"rows": fingerprint, "sha256": digest}
            if on_disk != digest:
                changed.append(p)
        existing = [p for p in specs if p.exists()]
        history = _snapshot_existing(out_dir, existing if any(p.exists() for p in changed) else [], run_id)
        for p in changed:
            files.commit_temp(staged.pop(p), p)
    finally:
        for tmp in staged.values():
            files.discard_temp(tmp)
    written = changed
    _write_memo(out_dir, memo)
    report.write_index(out_dir, tables.get("articles", []), tables)
    return {"run_id": run_id, "history": history, "orphans": len(orphans),
            "new_orphans": sum(o.get("orphaned_run") == run_id for o in orphans),
            "written": [str(p.relative_to(out_dir)) for p in written]}
