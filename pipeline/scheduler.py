"""Parsing at scale: chunks of articles through nlp.pipe, inline or in worker processes, results
taken back in input order; the GC settings of parsing processes; and the packing of table rows.

The run streams: each article is looked up in the per-article cache; the misses are parsed in
chunks of up to [model] batch_size articles (with nlp.pipe), in this process or in a pool of
worker processes that each load the model once. Near the end of the input (when the number of
inputs is known) the chunks get smaller, so that the workers finish together instead of one
parsing a last full chunk alone (see chunk_target). Results are taken back in input order, so
memory holds the growing tables and a bounded window of articles, never the corpus. Chunks are
formed the same way whatever the number of workers, so the output is identical, byte for byte,
for any --workers.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from sys import intern
from typing import Iterable, Iterator

from pipeline import cache as cache_mod, extract
from pipeline.errors import PipelineError
from pipeline.read import language as _language
from pipeline.read.clean import Unjudged
from pipeline.records import Article
from pipeline.schemas import TABLES
from pipeline.write import report
from pipeline.write.tables import rows_for


def resolve_workers(workers: int | None) -> int:
    """0 (or None) = every core this process may use; otherwise at least 1."""
    if not workers or workers < 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)
    return workers



# ---------------------------------------------------------------- parsing (any process)
WORKER_CRASH = "it crashed a Dask worker twice (killed, out of memory or a native crash)"
CHUNK_SPAN_BATCHES = 4      # see extract_stream
TAIL_PARTS = 4              # a chunk is at most 1/TAIL_PARTS of the inputs left (see chunk_target)
TAIL_MIN = 4                # ... and at least this many articles (each chunk costs a task's overhead)
# (cache entry bytes, E015 message[, the article's report page]): the page is rendered where the
# article was analysed, so the run's process only writes it (it would otherwise unpickle the
# extraction and render it: most of its own work per parsed article); None when rendering failed
# there (the run's process then renders it, and meets the same error as before)
_Result = tuple


def _analyse_entry(key: str, article: Article, doc, settings: dict, stages=None) -> _Result:
    try:
        ex = extract.analyse(article, doc, settings, stages)
        ex.key = key
        rows = rows_for(ex)
        data = cache_mod.dumps(key, ex, rows)
    except Exception as e:  # one bad article must not stop the batch
        return None, f"{type(e).__name__}: {e}"
    try:
        page = report.article_html(ex, rows)
    except Exception:  # noqa: BLE001  rendered (and failing) again where the page is written
        page = None
    return data, None, page


GC_FIRST_THRESHOLD = 50_000     # allocations between young collections (Python's default: 700)
_gc_settled = False


def _settle_gc() -> None:
    """Once per parsing process, after the model is loaded (process_chunk raises the young
    threshold before it imports spaCy). The extractors, like spaCy's import, make many
    short-lived acyclic objects that reference counting frees, so a young collection every
    700 allocations was wasted work; and the model lives as long as the process, so
    gc.freeze() keeps its objects out of every later collection. (GC took 1.4% of a 1-worker
    run, 0.4% with these settings.)"""
    global _gc_settled
    if not _gc_settled:
        _gc_settled = True
        gc.freeze()


def warm_up(settings: dict):
    """This process's model, loaded once (lru_cache) with the GC settled after it: what a parsing
    process does before its first chunk. The Dask engine runs it on each worker as soon as the
    cluster is up, while the driver reads the first articles."""
    if not _gc_settled:
        gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])
    from pipeline.extract import nlp  # imported here: a run served from the cache never imports spaCy
    model = nlp.parsing_model(settings["model"]["name"])  # once per process (lru_cache)
    _settle_gc()
    return model


@dataclass(frozen=True)
class Verdict:
    """The result of an Unjudged input (read/clean.py) that is not to be parsed: the language
    the identifier gave it (not English, or any language when cleaning left no text), or the
    error row of an identifier that could not be loaded (E017). The run turns it into the
    E009 / E008 / E017 row that cleaning would have raised, in the place of the read errors."""

    language: str = ""
    error: dict | None = None


def _judge(items: list[tuple[str, Article | Unjudged]], settings: dict) -> dict[int, Verdict]:
    """The Unjudged items of a chunk judged here (the identifier is loaded in this process, once):
    {index: Verdict} for those that are not to be parsed; the others are English articles."""
    out: dict[int, Verdict] = {}
    for i, (_key, a) in enumerate(items):
        if not isinstance(a, Unjudged):
            continue
        try:
            language = _language.detect_language(a.text, settings)
        except PipelineError as e:
            out[i] = Verdict(error=e.row())
            continue
        if language != "en" or a.article is None:
            out[i] = Verdict(language)
    return out


def process_chunk(items: list[tuple[str, Article | Unjudged]], settings: dict) -> list[_Result]:
    """Parse a chunk of articles with nlp.pipe and analyse each; runs in a worker or inline.

    Returns, per article in order, the cache entry bytes of its Extraction or an error
    message. If the model fails on the chunk, each article is parsed alone so that only the
    article at fault fails. An Unjudged input is judged first (_judge): English, it is parsed
    as its article; otherwise its result is a Verdict, and a chunk of such inputs only never
    loads the model."""
    if not any(isinstance(a, Unjudged) for _, a in items):
        return _parse_chunk(items, settings)
    verdicts = _judge(items, settings)
    rest = [(k, a.article if isinstance(a, Unjudged) else a) for i, (k, a) in enumerate(items)
            if i not in verdicts]
    parsed = iter(_parse_chunk(rest, settings) if rest else ())
    return [(None, verdicts[i]) if i in verdicts else next(parsed) for i in range(len(items))]


def _parse_chunk(items: list[tuple[str, Article]], settings: dict) -> list[_Result]:
    model = warm_up(settings)
    batch_size = settings["model"]["batch_size"]
    try:
        stages = extract.build_stages(settings)     # once per chunk, not per article
    except Exception:
        stages = None                               # each article then fails with the cause
    try:
        docs = list(model.pipe((a.text for _, a in items), batch_size=batch_size))
    except Exception:
        docs = None
    if docs is not None:
        return [_analyse_entry(key, a, doc, settings, stages) for (key, a), doc in zip(items, docs)]
    out: list[_Result] = []
    for key, a in items:
        try:
            doc = model(a.text)
        except Exception as e:
            out.append((None, f"{type(e).__name__}: {e}"))
            continue
        out.append(_analyse_entry(key, a, doc, settings, stages))
    return out


process_chunk.warm_up = warm_up     # what prepares a process for it (the Dask engine runs it early)


# ---------------------------------------------------------------- dispatch (main process)
@dataclass
class Prepared:
    """An article ready for extract_stream: its cache key, and its cache Entry when the raw
    input was found in the cache (then it was neither cleaned nor parsed, and article is None).
    article may be an Unjudged (its language is judged where it is parsed; key "" when it has
    no article: it is only judged)."""

    article: Article | Unjudged | None
    key: str
    entry: cache_mod.Entry | None = None


@dataclass
class _Chunk:
    items: list[tuple[str, Article]]
    future: Future | None = None


@dataclass
class _Item:
    article: Article | None
    key: str
    entry: cache_mod.Entry | None = None     # from the cache
    chunk: _Chunk | None = None      # else the chunk parsing it
    index: int = 0


class _Dispatcher:
    """Runs chunks inline, or in a process pool once the chunks read show the work is worth
    starting workers for: more than a full chunk ([model] batch_size articles) to parse (a run
    with a handful of new articles never pays for a pool, even when they come in the small
    chunks of the end of the input)."""

    engine = "local"
    dashboard = ""

    def __init__(self, settings: dict, workers: int):
        self.settings = settings
        self.workers = workers
        self.capacity = workers     # processes that may parse at once (sizes the read-ahead window)
        self.pool: ProcessPoolExecutor | None = None
        self.held: list[_Chunk] = []
        self.full = max(1, int(settings["model"]["batch_size"]))
        self.used_workers = 1

    def submit(self, chunk: _Chunk) -> None:
        if self.workers <= 1:
            self._inline(chunk)
        elif self.pool is not None:
            self._to_pool(chunk)
        else:
            self.held.append(chunk)
            if len(self.held) > 1 and sum(len(c.items) for c in self.held) > self.full:
                self._start_pool()
                held, self.held = self.held, []
                for c in held:
                    self._to_pool(c)

    def resolve(self, chunk: _Chunk) -> list[_Result]:
        """The results of chunk, running it inline if it is still held or its pool broke."""
        if chunk.future is None:
            self.held = [c for c in self.held if c is not chunk]
            self._inline(chunk)
        try:
            return chunk.future.result()
        except BrokenProcessPool:  # a worker died (e.g. out of memory): carry on in this process
            self.workers, self.pool = 1, None
            self._inline(chunk)
            return chunk.future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _inline(self, chunk: _Chunk) -> None:
        chunk.future = Future()
        chunk.future.set_result(process_chunk(chunk.items, self.settings))

    def _to_pool(self, chunk: _Chunk) -> None:
        try:
            chunk.future = self.pool.submit(process_chunk, chunk.items, self.settings)
        except BrokenProcessPool:
            self.workers, self.pool = 1, None
            self._inline(chunk)

    def _start_pool(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        if "fork" in methods:
            _prepare_for_fork(self.settings)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                        initializer=_worker_init, initargs=(os.getpid(),))
        self.used_workers = self.workers


def _prepare_for_fork(settings: dict) -> None:
    """What every worker would do first, done once here before the pool forks: the model loaded
    and the stages built (their regexes compiled), shared with the workers copy-on-write (gc.freeze
    in warm_up keeps the collector from touching, and so copying, their pages)."""
    threshold = gc.get_threshold()
    try:
        warm_up(settings)
        extract.build_stages(settings)
    except Exception:       # noqa: BLE001  each worker then meets the error on its own chunk
        pass
    gc.set_threshold(*threshold)    # the run's process keeps its own GC settings; workers: _worker_init


def _worker_init(parent: int) -> None:
    """A pool worker's start: it dies with the run's process, and parses with the young-GC threshold
    of warm_up (a worker forked after _prepare_for_fork finds the model loaded and the GC frozen)."""
    _die_with_parent(parent)
    if _gc_settled:
        gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])


def _die_with_parent(parent: int) -> None:
    """A worker is killed when the run's process dies (kill -9, SIGTERM): Linux's
    PR_SET_PDEATHSIG; elsewhere nothing (the pool ends its workers on a normal exit)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))    # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        return
    if os.getppid() != parent:          # the parent died before prctl took effect
        os._exit(1)


def make_dispatcher(settings: dict, workers: int):
    """The engine of [run] engine: "local" (this process or a local pool) or "dask" (a Dask
    cluster: a LocalCluster of `workers` processes, or the one at [run] scheduler)."""
    engine = settings["run"].get("engine", "local")
    if engine == "dask":
        from pipeline.engines.dask_engine import DaskDispatcher
        return DaskDispatcher(settings, workers, settings["run"].get("scheduler", ""))
    if engine != "local":
        raise PipelineError("E083", "[run] engine", f"unknown engine {engine!r}; use \"local\" or \"dask\"")
    return _Dispatcher(settings, workers)


def _looked_up(entry: Article | Prepared, env: str, store: cache_mod.Cache | None,
               force: bool) -> tuple[Article, str, cache_mod.Entry | None]:
    """(article, cache key, cached Entry or None) of one input: a Prepared brings its own."""
    if isinstance(entry, Prepared):
        article, key, hit = entry.article, entry.key, entry.entry
    else:
        article, key, hit = entry, cache_mod.article_key(entry, env), None
    if hit is None and store is not None and not force and key:
        hit = store.get(key)
    return article, key, hit


def chunk_target(size: int, left: int | None) -> int:
    """The number of articles of a chunk opened with `left` inputs still to read (this one
    included; None when unknown): [model] batch_size, but never more than a TAIL_PARTS-th of what
    is left (nor fewer than TAIL_MIN). With 2 workers and 141 articles, chunks of 32 leave a last
    one of 13 to one worker (77 articles against 64); chunks of 32, 28, 21, 15, 12, 9, 6, 5, 4, ...
    end within a few articles of each other. It depends on the input only, never on the number of
    workers: the same articles go to the model together whatever --workers is."""
    if left is None:
        return size
    return max(1, min(size, max(TAIL_MIN, -(-left // TAIL_PARTS))))


def extract_stream(articles: Iterable[Article | Prepared], settings: dict, errors: list[dict],
                   store: cache_mod.Cache | None = None, workers: int = 1, force: bool = False,
                   stats=None, expected: int | None = None,
                   judged: list | None = None) -> Iterator[cache_mod.Entry]:
    """Results of articles (cache Entries: rows and Extraction), in input order, streamed.
    Cached ones come from store (or arrive as a Prepared with their Entry; never with force);
    the others are parsed in chunks of up to [model] batch_size (smaller near the end when
    `expected`, the number of inputs, is given: chunk_target), by `workers` processes, and
    stored. A failure in one article appends an E015 row to errors and skips it; an Unjudged
    input its verdict refuses, (its slot, its row) to judged (place_judged)."""
    env = store.env if store is not None else cache_mod.environment_hash(settings)
    size = max(1, int(settings["model"]["batch_size"]))
    # A chunk is closed when full, or once SPAN articles have been read since its first one;
    # both rules depend only on the input and the cache, never on the number of workers.
    span = CHUNK_SPAN_BATCHES * size
    dispatcher = make_dispatcher(settings, workers)
    window_limit = size * max(CHUNK_SPAN_BATCHES, 2 * dispatcher.capacity)  # articles between read and write
    window: deque[_Item] = deque()
    chunk = _Chunk([])
    chunk_opened = 0            # articles read when the open chunk got its first item
    target = size               # the open chunk's size (chunk_target)
    seen = 0

    def ready(item: _Item) -> bool:
        if item.chunk is None:
            return True
        if item.chunk is chunk:  # still collecting: never wait on it
            return False
        future = item.chunk.future
        return len(window) > window_limit or (future is not None and future.done())

    def emit(item: _Item) -> cache_mod.Entry | None:
        if item.entry is not None:
            return item.entry
        data, message, *page = dispatcher.resolve(item.chunk)[item.index]
        entry = cache_mod.loads(item.key, data) if data is not None else None
        if entry is not None and page:
            entry.page = page[0]
        if entry is None:
            _report_failure(item, message, errors, judged)
            return None
        if stats is not None:
            stats.parsed += 1
        if store is not None:
            store.put_bytes(item.key, data)
        return entry

    try:
        for entry in articles:
            seen += 1
            article, key, hit = _looked_up(entry, env, store, force)
            item = _Item(article, key, hit)
            if hit is None:
                if not chunk.items:
                    chunk_opened = seen
                    target = chunk_target(size, None if expected is None else max(1, expected - seen + 1))
                item.chunk, item.index = chunk, len(chunk.items)
                chunk.items.append((key, article))
            elif stats is not None:
                stats.cached += 1
            if chunk.items and (len(chunk.items) >= target or seen - chunk_opened >= span):
                dispatcher.submit(chunk)
                chunk = _Chunk([])
            window.append(item)
            while window and ready(window[0]):
                result = emit(window.popleft())
                if result is not None:
                    yield result
        if chunk.items:
            dispatcher.submit(chunk)
            chunk = _Chunk([])
        while window:
            result = emit(window.popleft())
            if result is not None:
                yield result
    finally:
        dispatcher.close()
        if stats is not None:
            stats.workers = dispatcher.used_workers
            stats.engine, stats.dashboard = dispatcher.engine, dispatcher.dashboard


def _report_failure(item: _Item, message, errors: list[dict], judged: list | None) -> None:
    """The row of an input that gave no entry: its verdict's (E009/E008/E017, to judged with its
    slot among the read errors; to errors when there is no judged list), or E081 / E015."""
    if isinstance(message, Verdict):
        row = message.error or item.article.error(message.language).row()
        if judged is None:
            errors.append(row)
        else:
            judged.append((item.article.slot, row))
        return
    code = "E081" if message == WORKER_CRASH else "E015"
    errors.append(PipelineError(code, item.article.source_path, message or "result could not be read back").row())


def place_judged(read_errors: list[dict], judged: list[tuple[int, dict]]) -> None:
    """The rows of extract_stream's judged inputs put among read_errors at their slots (the
    number of read errors before each when it was read), in input order: where cleaning would
    have put them had it judged the language itself."""
    for _seq, (slot, row) in sorted(enumerate(judged), key=lambda t: (t[1][0], t[0]), reverse=True):
        read_errors.insert(slot, row)


def add_packed(tables: dict[str, list[dict]], packed: dict[str, list[tuple]],
               _intern=intern, _str=str, _len=len) -> dict[str, list[dict]]:
    """Append an article's packed rows (cache.Entry.rows) to the tables as row dicts; returns
    the article's rows by table. A spool of the table's columns (run.new_tables) takes the tuples
    as they are instead (spool.Spool.extend_packed; read back as the same dicts), and they are
    not returned: a cached re-run adds every row of the corpus, and made no dict of them at all.

    Each row dict, in column order, shares its key table with the other rows of its table
    (CPython keeps instance __dict__s "split"), about a third smaller than a dict literal: the
    tables are the one thing a run holds for every article. It is filled key by key, since
    dict.update would copy a key table of its own; short strings are interned. (A cached re-run
    does this for every row of the corpus: the builtins are bound as locals, 15% less.)"""
    made: dict[str, list[dict]] = {}
    limit = INTERN_MAX
    for name, values in packed.items():
        if getattr(tables[name], "columns", None) is not None:
            tables[name].extend_packed(values)
            continue
        cls = _ROW_CLASSES.get(name)
        if cls is None:
            cls = _ROW_CLASSES[name] = type(f"_{name}_row", (), {})
        columns = TABLES[name].columns
        rows = made[name] = []
        append = rows.append
        for row in values:
            out = cls().__dict__
            for key, value in zip(columns, row):
                if value.__class__ is _str and _len(value) <= limit:
                    value = _intern(value)
                out[key] = value
            append(out)
        tables[name].extend(rows)
    return made


def unpack(packed: dict[str, list[tuple]]) -> dict[str, list[dict]]:
    """An article's packed rows as row dicts by table (what add_packed returns for lists)."""
    return add_packed({name: [] for name in packed}, packed)


_ROW_CLASSES: dict[str, type] = {}
INTERN_MAX = 64     # short values (ids, names, offsets, statuses) recur across rows: one copy each

