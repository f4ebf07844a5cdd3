"""The story of a run: read -> extract (cached) -> tables -> write.

Articles are read and cleaned one at a time (pipeline.read); each is looked up in the cache or
parsed and extracted (pipeline.scheduler runs pipeline.extract.analyse, inline or in workers);
its rows are added to the tables and its report page written at once; at the end the tables are
merged with the analysts' reviews and written (pipeline.write), then copied from the CSVs into
SQLite / Parquet ([output] formats, write/exports). No extraction logic lives here.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline import cache as cache_mod
from pipeline.read import clean
from pipeline.write import exports, output, register, report
from pipeline.errors import PipelineError
from pipeline.read.ingest import SIDECAR_SUFFIX, discover, listing, read_inputs
from pipeline.records import Article
from pipeline import scheduler
from pipeline.scheduler import Prepared
from pipeline.schemas import TABLES
from pipeline.write import files, spool


@dataclass
class RunSummary:
    read: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)
    cached: int = 0             # articles whose extraction came from the cache
    parsed: int = 0             # articles that went through the model
    workers: int = 1            # worker processes used for parsing (1 = this process)
    review: dict = field(default_factory=dict)      # finalise's figures (kept, new_pending, ...)
    warnings: list[str] = field(default_factory=list)
    engine: str = "local"       # where parsing ran ([run] engine)
    dashboard: str = ""         # the Dask dashboard's address, when there is one

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    @property
    def ok(self) -> int:
        """Articles that made it into articles.csv."""
        return self.rows.get("articles", 0)

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.rows.items() if k not in ("articles", "errors"))
        r = self.review
        review = ""
        if r:
            carried = f" ({r.get('carried', 0)} carried across a text change)" if r.get("carried") else ""
            review = (f"; review: decisions kept {r.get('kept', 0)}{carried}, new pending rows "
                      f"{r.get('new_pending', 0)}, moved to orphans {r.get('new_orphans', 0)}, "
                      f"history {r.get('history') or 'none (nothing changed)'}")
        return (f"articles {self.ok + self.failed} (ok {self.ok}, failed {self.failed}); rows: {counts}; "
                f"errors {len(self.errors)}{review}; {self.seconds:.1f} s{self.engine_note()}")

    def engine_note(self) -> str:
        """"; engine dask, 2 workers, dashboard http://..." when parsing ran on Dask."""
        if self.engine == "local":
            return ""
        board = f", dashboard {self.dashboard}" if self.dashboard else ", no dashboard (install bokeh for one)"
        return f"; engine {self.engine}, {self.workers} workers{board}"


def _progress(total: int | None, settings: dict):
    """A progress bar on a terminal, for runs of at least [run] progress_min_articles files
    (total: _expected_articles)."""
    if not sys.stderr.isatty():
        return None
    if total is None or total >= settings["run"]["progress_min_articles"]:
        from tqdm import tqdm
        return tqdm(total=total, unit="article", file=sys.stderr)
    return None


def _expected_articles(input_path: Path, found: list[Path] | None = None) -> int | None:
    """Number of article files under input_path (None when a JSONL file may hold many);
    found: its discover() list, when the caller has it."""
    try:
        files = discover(input_path) if found is None else found
    except PipelineError:
        return None
    names = [p.name.lower() for p in files if not p.name.lower().endswith(SIDECAR_SUFFIX)]
    if any(n.endswith(".jsonl") for n in names):
        return None
    return sum(1 for n in names if n.endswith((".txt", ".html", ".htm")))


# ---------------------------------------------------------------- the run
def read_articles(input_path: Path, settings: dict, summary: RunSummary,
                  store: cache_mod.Cache | None = None, force: bool = False,
                  found=None, defer_language: bool = False) -> Iterator[Article | Prepared]:
    """Cleaned articles, one at a time; read and clean errors go to summary. With a store,
    an unchanged raw input comes back as a Prepared carrying its cache Entry. found: the
    input's ingest.listing, when the caller has it. defer_language (for extract_entries): a
    text the cheap language checks do not settle comes as a Prepared holding a clean.Unjudged,
    judged where it is parsed; its error, if any, is placed among summary's errors by
    extract_entries (scheduler.place_judged)."""
    for item in read_inputs(input_path, settings, found):
        if isinstance(item, PipelineError):
            summary.errors.append(item.row())
            if item.code not in ("E014", "E036"):  # the article is still read without the field
                summary.failed += 1
            continue
        summary.read += 1
        rkey = cache_mod.raw_key(item, store.raw_env) if store is not None else ""
        hit = store.get_raw(rkey, item.article_id) if store is not None and not force else None
        if hit is not None:
            yield Prepared(None, hit[0], hit[1])
            continue
        try:
            article = clean.clean(item, settings, defer_language=defer_language)
        except PipelineError as e:
            summary.errors.append(e.row())
            summary.failed += 1
            continue
        if isinstance(article, clean.Unjudged):
            article.slot = len(summary.errors)
            env = store.env if store is not None else cache_mod.environment_hash(settings)
            key = cache_mod.article_key(article.article, env) if article.article is not None else ""
            if store is not None and key:
                store.put_raw(rkey, key)    # followed only once the entry exists (judged English)
            yield Prepared(article, key)
            continue
        if store is None:
            yield article
            continue
        key = cache_mod.article_key(article, store.env)
        store.put_raw(rkey, key)
        yield Prepared(article, key)


def open_cache(out_dir: Path, settings: dict) -> cache_mod.Cache:
    root = cache_mod.cache_root(out_dir, settings)
    env = cache_mod.environment_hash(settings)
    try:
        root.mkdir(parents=True, exist_ok=True)
        enabled = os.access(root, os.W_OK)
    except OSError:
        enabled = False
    return cache_mod.Cache(root, env, enabled=enabled)


def check_input(input_path: Path, paths: list[Path] | None = None) -> None:
    """E064 when input_path holds no file at all to read (an empty folder, or sidecars only):
    before anything is written, so an emptied corpus never empties the tables. paths: its
    discover() list, when the caller has it."""
    found = [p for p in (discover(input_path) if paths is None else paths)
             if not p.name.lower().endswith(SIDECAR_SUFFIX)]
    if not found:
        raise PipelineError("E064", str(input_path), "no input files here (.txt, .html, .htm, .jsonl); "
                            "put articles in the folder or give another --input; nothing was written")


def check_workers(workers, source: str) -> int:
    """A worker count of 0 (all cores) or more; E063 otherwise."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise PipelineError("E063", source, f"workers = {workers!r} is not a number of processes; "
                            "give 0 (all cores) or a positive number")
    return workers


def run(input_path: Path, out_dir: Path, settings: dict, workers: int | None = None,
        force: bool = False, others: str | None = None,
        formats: list[str] | None = None) -> RunSummary:
    """Process input_path into out_dir. workers: processes for parsing (None = [run] workers,
    0 = all cores). force: ignore the cache (fresh results are still stored). others: what to do
    with reviewed rows of articles not in the input: None refuses (E033), "keep" or "drop".
    The output folder is locked for the run (E034 when another live run holds it). formats:
    copies written after the CSVs (None = [output] formats; see write/exports)."""
    t0 = time.perf_counter()
    summary = RunSummary()
    if not Path(input_path).exists():          # before the output folder is made
        raise PipelineError("E001", str(input_path), "input path does not exist")
    workers = check_workers(settings["run"]["workers"] if workers is None else workers,
                            "[run] workers" if workers is None else "--workers")
    formats = exports.check_formats(settings["output"]["formats"] if formats is None else formats)
    found = listing(Path(input_path))         # walked once: checked, counted and read
    check_input(Path(input_path), found[0])
    with locked_output(out_dir, summary):
        return _run_locked(input_path, out_dir, settings, workers, force, others, formats, summary, t0, found)


@contextmanager
def locked_output(out_dir: Path, summary: RunSummary) -> Iterator[None]:
    """Hold out_dir's lock (E034 when another live run holds it) with its leftovers removed."""
    files.ensure_writable(out_dir)
    lock, note = files.acquire_lock(out_dir)
    try:
        if note:
            summary.warnings.append(note)
        output.remove_leftovers(Path(out_dir))
        yield
    finally:
        files.release_lock(lock)


def extract_entries(articles, out_dir: Path, settings: dict, workers: int | None, force: bool,
                    summary: RunSummary, expected: int | None = None) -> Iterator[cache_mod.Entry]:
    """The cache Entries of articles(store) (an iterable of Article or Prepared made with the
    run's cache), in input order, parsed by `workers` processes where the cache misses. E015
    rows follow the errors already in summary; the cache is pruned at the end. expected: the
    number of inputs when known (the last chunks are then smaller: scheduler.chunk_target)."""
    n_workers = scheduler.resolve_workers(workers)
    store = open_cache(out_dir, settings)
    failures: list[dict] = []           # E015 rows, kept after the read errors (stable order)
    judged: list[tuple[int, dict]] = []  # E009/E008 of texts judged where parsed, among the read errors
    yield from scheduler.extract_stream(articles(store), settings, failures, store, n_workers, force,
                                        stats=summary, expected=expected, judged=judged)
    summary.failed += len(failures) + len(judged)
    scheduler.place_judged(summary.errors, judged)
    summary.errors.extend(failures)
    default_root = not str(settings["run"].get("cache_dir") or "").strip()
    store.prune(drop_unused=default_root)


def add_entries(out_dir: Path, tables: dict[str, list[dict]], entries, bar=None) -> None:
    """Each entry's rows added to tables and its report page written (entries: objects with
    key, rows (packed) and extraction, as a cache Entry)."""
    for entry in entries:
        scheduler.add_packed(tables, entry.rows)
        page = getattr(entry, "page", None)         # rendered by the parsing process
        report.write_article(out_dir, entry.rows["articles"][0][0], entry.key,   # (its article_id)
                             (lambda: page) if page else
                             (lambda: report.article_html(entry.extraction, scheduler.unpack(entry.rows))))
        if bar:
            bar.update(1)
    if bar:
        bar.close()


def new_tables(out_dir: Path | None = None) -> dict[str, list[dict]]:
    """Empty tables; with out_dir, spools kept on disk there (write/spool), so the run holds a
    block of rows per table whatever the number of articles; they store the entries' packed rows
    as they are (scheduler.add_packed)."""
    if out_dir is None:
        return {name: [] for name in TABLES}
    return {name: [] if name == "errors" else spool.Spool(out_dir, TABLES[name].columns) for name in TABLES}


def _run_locked(input_path: Path, out_dir: Path, settings: dict, workers: int | None, force: bool,
                others: str | None, formats: list[str], summary: RunSummary, t0: float,
                found=None) -> RunSummary:
    previous = output.check_reviews(out_dir)   # E031 on an unmergeable analyst table: before NLP and writes
    register.check(out_dir)                    # E070/E072 on the register's review: likewise
    tables = new_tables(out_dir)
    try:
        expected = _expected_articles(input_path, None if found is None else found[0])
        bar = _progress(expected, settings)
        entries = extract_entries(lambda store: read_articles(input_path, settings, summary, store, force, found,
                                                              defer_language=True),
                                  out_dir, settings, workers, force, summary, expected)
        add_entries(out_dir, tables, entries, bar)
        return write_tables(out_dir, tables, summary, previous, others, formats, t0, settings)
    finally:
        spool.close_all(tables)


def write_tables(out_dir: Path, tables: dict[str, list[dict]], summary: RunSummary, previous, others: str | None,
                 formats: list[str], t0: float, settings: dict | None = None) -> RunSummary:
    """The end of a run: the tables merged with the reviews (previous: output.check_reviews)
    and written, the register built, the copies exported; summary completed."""
    tables["errors"] = summary.errors
    done = output.finalise(out_dir, tables, prev=previous, others=others)
    summary.review = done
    summary.warnings.extend(f"[E035] {w}" for w in done.get("warnings", []))
    # The copies (sqlite, parquet) are made from the CSVs just written; with a core to spare
    # (a run of more than one worker) they are written in a process of their own while this one
    # builds the register: the two touch different files, and the end of the run is the longer
    # of the two instead of their sum.
    beside = exports.Background(out_dir, formats) if formats and summary.workers > 1 and _cores() > 1 else None
    try:
        summary.warnings.extend(register.build(out_dir, tables, run_id=done["run_id"], settings=settings).warnings)
    except BaseException:
        if beside is not None:
            beside.proc.kill()
            beside.proc.wait()
        raise
    summary.rows = {name: len(rows) for name, rows in tables.items()}
    spool.close_all(tables)
    tables.clear()                              # the copies read the CSVs back, a table at a time
    if beside is not None:
        beside.finish()
    else:
        exports.write_exports(out_dir, formats)     # after the CSVs, from them (sqlite, parquet)
    summary.seconds = time.perf_counter() - t0
    return summary


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not Linux
        return os.cpu_count() or 1
