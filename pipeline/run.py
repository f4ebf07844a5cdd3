"""The story of a run: read -> extract (cached) -> tables -> write.

Articles are read and cleaned one at a time (pipeline.read); each is looked up in the cache or
parsed and extracted (pipeline.scheduler runs pipeline.extract.analyse, inline or in workers);
its rows are added to the tables and its report page written at once; at the end the tables are
merged with the analysts' reviews and written (pipeline.write). No extraction logic lives here.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pipeline import cache as cache_mod
from pipeline.read import clean
from pipeline.write import output, register, report
from pipeline.errors import PipelineError
from pipeline.read.ingest import SIDECAR_SUFFIX, discover, read_inputs
from pipeline.records import Article
from pipeline import scheduler
from pipeline.scheduler import Prepared
from pipeline.schemas import TABLES
from pipeline.write import files


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
    warnings: list[str] = field(default_factory=list)   # not failures: e.g. E071, a merge waiting for its target

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.rows.items() if k not in ("articles", "errors"))
        return (f"articles read {self.read}, failed {self.failed}; rows: {counts}; "
                f"errors {len(self.errors)}; {self.seconds:.1f} s")


def _progress(input_path: Path, settings: dict):
    """A progress bar on a terminal, for runs of at least [run] progress_min_articles files."""
    if not sys.stderr.isatty():
        return None
    total = _expected_articles(input_path)
    if total is None or total >= settings["run"]["progress_min_articles"]:
        from tqdm import tqdm
        return tqdm(total=total, unit="article", file=sys.stderr)
    return None


def _expected_articles(input_path: Path) -> int | None:
    """Number of article files under input_path (None when a JSONL file may hold many)."""
    try:
        files = discover(input_path)
    except PipelineError:
        return None
    names = [p.name.lower() for p in files if not p.name.lower().endswith(SIDECAR_SUFFIX)]
    if any(n.endswith(".jsonl") for n in names):
        return None
    return sum(1 for n in names if n.endswith((".txt", ".html", ".htm")))


# ---------------------------------------------------------------- the run
def read_articles(input_path: Path, settings: dict, summary: RunSummary,
                  store: cache_mod.Cache | None = None, force: bool = False) -> Iterator[Article | Prepared]:
    """Cleaned articles, one at a time; read and clean errors go to summary. With a store,
    an unchanged raw input comes back as a Prepared carrying its cache Entry."""
    for item in read_inputs(input_path, settings):
        if isinstance(item, PipelineError):
            summary.errors.append(item.row())
            if item.code != "E014":  # a broken sidecar still lets its article be read
                summary.failed += 1
            continue
        summary.read += 1
        rkey = cache_mod.raw_key(item, store.raw_env) if store is not None else ""
        hit = store.get_raw(rkey) if store is not None and not force else None
        if hit is not None:
            yield Prepared(None, hit[0], hit[1])
            continue
        try:
            article = clean.clean(item, settings)
        except PipelineError as e:
            summary.errors.append(e.row())
            summary.failed += 1
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


def run(input_path: Path, out_dir: Path, settings: dict, workers: int | None = None,
        force: bool = False) -> RunSummary:
    """Process input_path into out_dir. workers: processes for parsing (None = [run] workers,
    0 = all cores). force: ignore the cache (fresh results are still stored)."""
    t0 = time.perf_counter()
    summary = RunSummary()
    files.ensure_writable(out_dir)
    previous = output.check_reviews(out_dir)   # E031 on an unmergeable analyst table: before NLP and writes
    register.check(out_dir)                    # E070/E072 on the register's review: likewise
    n_workers = scheduler.resolve_workers(settings["run"]["workers"] if workers is None else workers)
    store = open_cache(out_dir, settings)
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    failures: list[dict] = []           # E015 rows, kept after the read errors (stable order)
    bar = _progress(input_path, settings)
    stream = scheduler.extract_stream(read_articles(input_path, settings, summary, store, force), settings,
                            failures, store, n_workers, force, stats=summary)
    for entry in stream:
        rows = scheduler.add_packed(tables, entry.rows)
        report.write_article(out_dir, rows["articles"][0]["article_id"], entry.key,
                             lambda: report.article_html(entry.extraction, rows))
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    summary.failed += len(failures)
    summary.errors.extend(failures)
    tables["errors"] = summary.errors
    default_root = not str(settings["run"].get("cache_dir") or "").strip()
    store.prune(drop_unused=default_root)
    written = output.finalise(out_dir, tables, prev=previous)
    summary.warnings.extend(register.build(out_dir, tables, run_id=written["run_id"]).warnings)
    summary.rows = {name: len(rows) for name, rows in tables.items()}
    summary.seconds = time.perf_counter() - t0
    return summary
