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
import os
import pickle
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Iterable

from pipeline.write import report, review
from pipeline.config import modules_digest
from pipeline.errors import PipelineError
from pipeline.schemas import REVIEW_TABLES, TABLES
from pipeline.write.bounded import ids_among, validate_table
from pipeline.write import csvio
from pipeline.write import files
from pipeline.write import spool

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
    dialects: dict[Path, csvio.Dialect] = field(default_factory=dict)   # as the analyst saved them
    ids: dict[str, set[str]] = field(default_factory=dict)     # every row ID on disk, per table
    focused_lines: dict[str, list] = field(default_factory=dict)
    orphan_lines: list[int] = field(default_factory=list)


REQUIRED = ("review_status",)       # besides the ID: without it no decision can be read


def read_previous(out_dir: Path) -> Previous:
    """Read every analyst-facing file; E031 (nothing overwritten yet) when one is unreadable."""
    prev = Previous()
    for name in REVIEW_TABLES:
        path = out_dir / TABLES[name].file
        key = TABLES[name].key
        prev.stamps[path] = files.file_stamp(path)
        info: dict = {"id_column": key}
        prev.headers[name], prev.records[name] = csvio.read_csv_table(
            path, required=(key, *REQUIRED), keep=lambda header, t=name: review.keeper(t, header), info=info)
        if "dialect" in info:
            prev.dialects[path] = info["dialect"]
            prev.ids[name] = info.get("ids", set())
        focused = review.pending_path(out_dir, name)
        if focused.exists():
            prev.stamps[focused] = files.file_stamp(focused)
            finfo: dict = {}
            _, recs = csvio.read_csv_table(focused, required=(key, *REQUIRED),
                                           keep=lambda header: review.keeper(None, header), info=finfo)
            prev.focused[name] = recs
            prev.focused_lines[name] = [f"p{n}" for n, _ in recs]
            if "dialect" in finfo:
                prev.dialects[focused] = finfo["dialect"]
    prev.stamps[out_dir / ORPHANS] = files.file_stamp(out_dir / ORPHANS)
    orecs = csvio.read_csv_records(out_dir / ORPHANS)
    prev.orphans = [r for _, r in orecs]
    prev.orphan_lines = [n for n, _ in orecs]
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
        rows, lines = [r for _, r in recs], [n for n, _ in recs]
        if name in prev.focused:
            rows = review.apply_pending_file(name, rows, [r for _, r in prev.focused[name]], problems,
                                             lines, prev.focused_lines[name], lines)
        review.merge(name, [], rows, lines=lines, problems=problems, precheck=True)
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


def _restorable(prev: Previous, name: str, fresh: Iterable[dict], current: dict[str, str]) -> list[dict]:
    """Orphans of this table that come back this run (same ID extracted again, or an added row
    whose article is back): their saved rows rejoin the analyst rows (with "_oline"). Of the
    fresh rows' IDs, only the orphans' are collected."""
    mine = [(o, line) for o, line in zip(prev.orphans, prev.orphan_lines or [0] * len(prev.orphans))
            if o.get("table") == name]
    if not mine:
        return []
    key = TABLES[name].key
    fresh_ids = ids_among(fresh, key, {o.get("row_id") for o, _ in mine})
    on_disk = {(r.get(key) or "").strip() for _, r in prev.records.get(name, [])}
    back = []
    for o, line in mine:
        if o.get("row_id") in on_disk:
            continue
        if o.get("row_id") in fresh_ids or (
                review.norm_status(o.get("review_status")) == "added" and o.get("article_id") in current):
            try:
                back.append(json.loads(o.get("row_json") or "{}"))
            except json.JSONDecodeError:
                continue
            if isinstance(back[-1], dict):
                back[-1]["_orphan"] = (name, o.get("row_id"))
                back[-1]["_oline"] = f"o{line}"
    return [b for b in back if isinstance(b, dict)]


@dataclass
class Merged:
    """What the merge gives finalise: every orphan to write, and the figures of the summary."""

    orphans: list[dict]
    warnings: list[str]
    stats: Counter


def other_articles(prev: Previous, current: dict[str, str]) -> dict[str, int]:
    """article_id -> reviewed rows on disk, for articles this run did not read."""
    out: Counter = Counter()
    for name in REVIEW_TABLES:
        recs = list(prev.records.get(name, [])) + list(prev.focused.get(name, []))
        for _, r in recs:
            aid = (r.get("article_id") or "").strip()
            if aid and aid not in current and review.is_reviewed(r) and \
                    (aid in prev.articles or review.norm_status(r.get("review_status")) != "added"):
                out[aid] += 1
    return dict(out)


def keep_other_articles(out_dir: Path, tables: dict[str, list[dict]], kept: set[str]) -> None:
    """--keep-others: every row of the kept articles is read back from disk and joins this run's
    tables as it is (articles, sentences and the four review tables)."""
    for name in ("articles", "sentences", *REVIEW_TABLES):
        cols = TABLES[name].columns
        for r in csvio.read_csv(out_dir / TABLES[name].file):
            if (r.get("article_id") or "").strip() in kept and (r.get(TABLES[name].key) or "").strip():
                row = {c: r.get(c, "") for c in cols}
                if name in REVIEW_TABLES:
                    row["review_status"] = "pending"      # the analyst row on disk brings the decision
                    row["reviewer"] = row["review_note"] = ""
                tables[name].append(row)


def merge_reviews(out_dir: Path, tables: dict[str, list[dict]], prev: Previous | None = None,
                  run_id: str = "", others: str | None = None) -> Merged:
    """Merge the analysts' rows on disk into the fresh review tables (in place); returns every
    orphaned reviewed row (earlier ones that did not come back, then this run's), warnings and
    counts. others: None (refuse, E033, when reviewed rows of articles not read this run are on
    disk), "keep" (keep those articles' rows as they are) or "drop" (move them to orphans)."""
    prev = prev or read_previous(out_dir)
    current = {r["article_id"]: r["text_sha256"] for r in tables.get("articles", [])}
    strangers = other_articles(prev, current)
    if strangers and others is None:
        names = ", ".join(sorted(strangers)[:5]) + (" ..." if len(strangers) > 5 else "")
        raise PipelineError("E033", str(out_dir), f"the folder holds {sum(strangers.values())} reviewed row(s) of "
                            f"{len(strangers)} article(s) this run did not read ({names}); run again with "
                            "--keep-others to keep their rows as they are, or --drop-others to move them to "
                            "review/orphans.csv, or choose another --output folder; nothing was overwritten")
    if strangers and others == "keep":
        keep_other_articles(out_dir, tables, set(strangers))
        current = {r["article_id"]: r["text_sha256"] for r in tables.get("articles", [])}
    problems: list[str] = []
    warnings: list[str] = []
    stats: Counter = Counter()
    orphans: list[dict] = []
    restored: set[tuple[str, str]] = set()
    for name in REVIEW_TABLES:
        key = TABLES[name].key
        recs = prev.records.get(name, [])
        rows, lines = [r for _, r in recs], [n for n, _ in recs]
        if name in prev.focused:
            focused = [r for _, r in prev.focused[name]]
            rows = review.apply_pending_file(name, rows, focused, problems, lines,
                                             prev.focused_lines.get(name), lines)
        back = _restorable(prev, name, tables[name], current)
        restored |= {b.pop("_orphan") for b in back}
        rows += back
        lines += [b.pop("_oline") for b in back]
        fresh = tables[name]
        tables[name], lost = review.merge(name, fresh, rows, current_articles=current,
                                          previous_articles=prev.articles, lines=lines,
                                          run_id=run_id, problems=problems, warnings=warnings, stats=stats,
                                          out=spool.like(fresh))
        if isinstance(fresh, spool.Spool) and tables[name] is not fresh:
            fresh.close()                   # merged into a spool of its own
        orphans.extend(lost)
        had = prev.ids.get(name, set())
        stats["new_pending"] += sum(1 for r in tables[name] if r[key] not in had
                                    and review.norm_status(r.get("review_status")) == "pending")
    if problems:
        raise review.analyst_error(str(out_dir), problems)
    new_ids = {(o["table"], o["row_id"]) for o in orphans}
    earlier = [o for o in prev.orphans if (o.get("table"), o.get("row_id")) not in restored | new_ids]
    stats["restored"] += len(restored)
    return Merged(earlier + orphans, warnings, stats)


def file_specs(out_dir: Path, tables: dict[str, list[dict]], orphans: list[dict],
               prev: Previous) -> dict[Path, tuple[str | None, list[str], Iterable[dict]]]:
    """(table it is made from, columns, rows) of every file this run writes, keyed by path."""
    files: dict[Path, tuple[str | None, list[str], Iterable[dict]]] = {}
    for name, rows in tables.items():
        cols = review.columns_for(name, prev.headers.get(name, [])) if name in REVIEW_TABLES \
            else TABLES[name].columns
        files[out_dir / TABLES[name].file] = (name, cols, rows)
        if name in REVIEW_TABLES:      # views: made again from the table at each pass
            files[out_dir / "reviewed" / TABLES[name].file] = (
                name, cols, spool.View(lambda rows=rows: review.vetted(rows, lazy=True), (rows, "vetted")))
            if name in prev.focused:
                files[review.pending_path(out_dir, name)] = (
                    name, cols, spool.View(lambda rows=rows: review.pending(rows, lazy=True), (rows, "pending")))
    files[out_dir / ORPHANS] = (None, review.ORPHAN_COLUMNS, orphans)
    return files


def _snapshot_existing(out_dir: Path, existing: list[Path], run_id: str) -> Path | None:
    """Copy existing files to history/<run_id>/ (None when there is nothing to keep)."""
    if not existing:
        return None
    dest = out_dir / HISTORY / run_id
    n = 1
    while dest.exists():                                   # two runs within one second
        n += 1
        dest = out_dir / HISTORY / f"{run_id}-{n}"
    part = out_dir / HISTORY / f".{run_id}.partial"       # renamed once complete: a kill leaves
    if part.exists():                                      # no half snapshot under a run-id name
        shutil.rmtree(part, ignore_errors=True)
    try:
        for p in existing:
            files.copy_file(p, part / p.relative_to(out_dir))
        os.replace(part, dest)
    except OSError as e:
        shutil.rmtree(part, ignore_errors=True)
        raise PipelineError("E032", str(dest), f"cannot write the history snapshot ({e.strerror or e}); "
                            "make the folder writable and run again; nothing was overwritten") from None
    return dest


def _subfolders(folder: Path) -> list:
    try:
        return [e for e in os.scandir(folder) if e.is_dir()]
    except OSError:
        return []


def remove_leftovers(out_dir: Path) -> int:
    """Temp files and half snapshots a killed run left behind (call while holding the lock)."""
    n = 0
    history = [e.path for e in _subfolders(out_dir / HISTORY)]       # the register's snapshot copies
    for folder in (out_dir, out_dir / "review", out_dir / "reviewed", out_dir / report.REPORT_DIR,
                   out_dir / report.REPORT_DIR / "register", out_dir / ".cache", *history):
        try:
            names = [e for e in os.scandir(folder) if e.name.startswith(".") and e.name.endswith(".tmp")]
        except OSError:
            continue
        for e in names:
            files.discard_temp(e.path)
            n += 1
    try:
        parts = [e for e in os.scandir(out_dir / HISTORY) if e.name.endswith(".partial")]
    except OSError:
        parts = []
    for e in parts:
        shutil.rmtree(e.path, ignore_errors=True)
        n += 1
    return n


def _check_unchanged(prev: Previous) -> None:
    for path, stamp in prev.stamps.items():
        if files.file_stamp(path) != stamp:
            raise PipelineError("E031", str(path), "the file was saved while the run was going; "
                                "close it in the spreadsheet and run again; nothing was overwritten")


WRITTEN_MEMO = Path(".cache") / "written.json"     # beside the article cache: safe to delete


class _HashFile:
    """File-like for pickle: hashes what is written."""

    def __init__(self, h) -> None:
        self.write = h.update


def _fingerprint(columns: list[str], rows: Iterable[dict]) -> str:
    """What a file's bytes are made from: its columns, rows and the code that checks and writes
    them (pickled a block of rows at a time, so no whole copy of a table is ever held; without
    pickle's memo, so equal rows give equal bytes whether or not their strings are shared). A
    spool's rows by the digest of its pickled blocks, and a view of a spool (the reviewed rows)
    by that digest and the code of the view: no pass over the rows, no unpickling."""
    h = hashlib.sha256(modules_digest("write/csvio", "write/files", "schemas").encode())
    h.update(pickle.dumps(columns, protocol=5))
    basis = getattr(rows, "basis", None)
    if basis is not None and isinstance(basis[0], spool.Spool):
        rows, how = basis
        h.update(f"view {how} {modules_digest('write/review')}\n".encode())
    if isinstance(rows, spool.Spool):
        h.update(f"spool {rows.digest()}".encode())
        return h.hexdigest()
    p = pickle.Pickler(_HashFile(h), protocol=5)
    p.fast = True           # no memo: a row is hashed by its values alone
    it = iter(rows)
    while block := list(islice(it, 2000)):
        p.dump(block)
    return h.hexdigest()


def _read_memo(out_dir: Path) -> dict:
    """relative path -> {"rows": fingerprint, "sha256": of the bytes written} of the last write."""
    memo = files.read_memo(out_dir / WRITTEN_MEMO)
    return memo if all(isinstance(v, dict) for v in memo.values()) else {}


def _dialect(prev: Previous, p: Path) -> csvio.Dialect | None:
    d = prev.dialects.get(p)
    return None if d is None or d.plain else d


def finalise(out_dir: Path, tables: dict[str, list[dict]], *, run_id: str | None = None,
             prev: Previous | None = None, others: str | None = None) -> dict:
    """Merge reviews, snapshot, write every table, the reviewed tables, orphans and the index.
    prev: what check_reviews read, used when no file has changed since. others: see merge_reviews.
    Returns {"run_id", "history" (folder or None), "orphans", "new_orphans", "written", "kept",
    "new_pending", "carried", "warnings"}."""
    out_dir = Path(out_dir)
    if not _still_current(prev):
        prev = read_previous(out_dir)
    run_id = run_id or make_run_id(tables)
    merged = merge_reviews(out_dir, tables, prev, run_id, others)
    orphans = merged.orphans
    specs = file_specs(out_dir, tables, orphans, prev)
    _check_unchanged(prev)
    # A file whose rows are those of the last write (which validated them), still on disk as
    # written, is neither validated again nor formatted. Every other file's table is validated
    # before any file is written; each file is then streamed row by row into a temp file beside
    # it, and "unchanged" compares hashes streamed from disk, so neither the old nor the new
    # text is ever held whole in memory. Review tables and focused files are written in the
    # dialect the analyst saved them in (BOM, CRLF, delimiter).
    memo = _read_memo(out_dir)
    todo: list[tuple[Path, list[str], list[dict], str, str | None, csvio.Dialect | None]] = []
    checked: set[str] = set()
    for p, (name, cols, rows) in specs.items():
        rel = p.relative_to(out_dir).as_posix()
        dialect = _dialect(prev, p)
        fingerprint = _fingerprint(cols if dialect is None else [*cols, repr(dialect)], rows)
        on_disk = files.file_sha256(p)
        if memo.get(rel, {}).get("rows") == fingerprint and on_disk == memo[rel].get("sha256"):
            continue
        if name is not None and name not in checked:
            validate_table(TABLES[name], tables[name])
            checked.add(name)
        todo.append((p, cols, rows, fingerprint, on_disk, dialect))
    for p, *_ in todo:
        files.check_replaceable(p)
    staged: dict[Path, str] = {}
    history = None
    try:
        changed: list[Path] = []
        for p, cols, rows, fingerprint, on_disk, dialect in todo:
            tmp, digest = csvio.csv_to_temp(p, cols, rows, dialect)
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
    files.write_memo(out_dir / WRITTEN_MEMO, memo)     # without it every file is formatted next time
    report.write_index(out_dir, tables.get("articles", []), tables)
    report.prune_pages(out_dir, [r.get("article_id", "") for r in tables.get("articles", [])])
    return {"run_id": run_id, "history": history, "orphans": len(orphans),
            "new_orphans": sum(o.get("orphaned_run") == run_id for o in orphans),
            "written": [str(p.relative_to(out_dir)) for p in written],
            "kept": merged.stats["kept"], "new_pending": merged.stats["new_pending"],
            "carried": merged.stats["carried"], "warnings": merged.warnings}
