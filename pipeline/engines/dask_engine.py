"""The Dask engine: parsing chunks run on a Dask cluster (a LocalCluster on this machine, or the
cluster of a scheduler address), the driver doing everything else.

The driver (the `run` process) reads the inputs, consults the cache, submits only the chunks that
need NLP and writes every cache entry and table itself; workers get the articles with the task
(no shared filesystem needed) and send back the cache-entry bytes of their extractions, exactly
what the local engine makes, so the outputs are byte-identical. Each worker process loads the
spaCy model once (pipeline.scheduler.process_chunk keeps it per process).

Faults: a worker that dies mid-task has its chunk re-run on another worker by the Dask scheduler
(the nanny of a LocalCluster worker starts a new worker process). A chunk given up by the
scheduler (KilledWorker: it was on ALLOWED_FAILURES + 1 workers that died) may only have stood
beside the article at fault, since every task a dying worker holds is charged, so its articles
are run again one at a time, each alone on an idle cluster: an article that then kills a worker
twice on its own is the one at fault, reported as E081, and the run goes on. Nothing waits
forever: a LocalCluster keeps every nanny however often its worker dies (Dask would otherwise
close a nanny whose worker is still down `lost-worker-timeout`, 15 s, after it died, and a cluster
left with no worker would hang the run), and work that has found no worker for NO_WORKERS_TIMEOUT
fails the run with E130.
"""
from __future__ import annotations

import logging
import threading
from collections import deque

from pipeline import scheduler as sched
from pipeline.errors import PipelineError

ALLOWED_FAILURES = 1        # a task that kills this many workers + 1 is given up (KilledWorker)
NO_WORKERS_TIMEOUT = 120    # seconds work may wait with no worker to run it (then E130)
NEVER = "36500 days"        # lost-worker-timeout of our LocalCluster: its nannies are never closed
LOW_LEVEL_LOG = 16          # messages each batched stream keeps for debugging (Dask: 1,000; see __init__)
KEEP_MALLOC_DEFAULTS = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}   # None: unset
QUIET_MONITORS = {"distributed.admin.system-monitor.interval": "5s",
                  "distributed.admin.system-monitor.gil.enabled": False,
                  # every process's event-loop health check (Dask: every 20 ms; it warns of a loop
                  # blocked for tick.limit, 3 s, which a check a second still sees)
                  "distributed.admin.tick.interval": "1s",
                  # a worker's and a nanny's memory check (Dask: every 100 ms): the workers hold
                  # no data between chunks, and a nanny still ends a worker past its memory limit
                  "distributed.worker.memory.monitor-interval": "1s",
                  "distributed.nanny.memory.monitor-interval": "1s",
                  # the scheduler's work stealing (every 100 ms) has nothing to move: at most one
                  # chunk per worker thread is on the cluster (DaskDispatcher), none queued on a worker
                  "distributed.scheduler.work-stealing": False}


def _import_distributed():
    try:
        import dask
        import distributed
    except ImportError:
        raise PipelineError("E080", "--engine dask", "Dask is not installed; install the extra with "
                            "`pip install .[dask]` (make setup does) or use --engine local")
    return dask, distributed


class DaskDispatcher:
    """The dispatcher interface of pipeline.scheduler (submit, resolve, close, used_workers) on a
    Dask cluster. With no address, a LocalCluster of `workers` single-threaded processes.

    At most one chunk per worker thread is on the cluster at a time; the others wait here, in
    order, and go as chunks finish. So a worker that dies holds only the chunk it was running
    (the scheduler charges a death to every task a worker holds, queued ones too), and a chunk
    that failed on a worker that died is rarely one that merely stood beside the article at
    fault."""

    engine = "dask"

    def __init__(self, settings: dict, workers: int, address: str = ""):
        dask, distributed = _import_distributed()
        from distributed.scheduler import NoValidWorkerError, NoWorkerError
        self.settings = settings
        self.cluster = None
        self.client = None
        self._distributed = distributed
        self._where = address or "LocalCluster"
        self._killed = distributed.KilledWorker
        self._no_worker = (NoWorkerError, NoValidWorkerError)
        self._lock = threading.Lock()
        self._waiting: deque[_Fetched] = deque()     # chunks not yet on the cluster, in order
        self._running = 0                           # chunks on the cluster
        self._in_flight: set[_Fetched] = set()      # submitted here and not yet finished
        self._warm: list = []                       # the model-loading task of each first worker
        self._ready = False                         # the client is up: chunks may go
        self._starter: threading.Thread | None = None
        self._start_error: BaseException | None = None
        # Set for this dispatcher's life and restored by close(): the scheduler and the cluster
        # read some of these keys when a worker dies, not only when they start.
        self._config = dask.config.set({
            "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
            "distributed.scheduler.worker-saturation": 1.0,
            "distributed.scheduler.no-workers-timeout": f"{NO_WORKERS_TIMEOUT}s",
            "distributed.deploy.lost-worker-timeout": NEVER,
            # a worker's statistical profiler samples every thread's stack every 10 ms: CPU taken
            # from parsing (the dashboard's profile page is then empty); applies to the workers
            # of a LocalCluster, and to any started with DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False
            "distributed.worker.profile.enabled": False,
            # every batched stream (client -> scheduler, scheduler -> worker) keeps its last
            # low-level-log-length messages under 1 MB for debugging: 1,000 by default, so each
            # chunk's task, its articles included (about 200 KB), stayed in the driver twice,
            # the client's update-graph and the scheduler's compute-task (+29 MB over 4,000
            # articles, measured); a short log keeps the driver's memory flat
            "distributed.admin.low-level-log-length": LOW_LEVEL_LOG,
            # the system monitor of the scheduler, each nanny and each worker (psutil every 0.5 s)
            # feeds the dashboard's system page only: every 5 s is enough for it
            **QUIET_MONITORS,
            # a nanny starts its worker with MALLOC_TRIM_THRESHOLD_=65536 (Dask's default), so glibc
            # hands freed memory back to the system at once and no longer raises its mmap threshold:
            # parsing then page-faults 7.5 times as often, with 3 times the system CPU, about 11% more
            # CPU an article than the same parsing without it (README "Scaling out"); the local
            # engine's workers never had it
            **KEEP_MALLOC_DEFAULTS})
        if address:
            try:
                self._connect(address, workers)
            except BaseException:
                self._config.__exit__(None, None, None)
                raise
        else:
            # A LocalCluster takes seconds to start (worker processes, their imports): it starts
            # beside the driver, which meanwhile reads, cleans and looks up the first articles;
            # their chunks wait here until it is up. Its size is known now.
            self.used_workers = self.capacity = self._slots = max(1, workers)
            self.dashboard = ""
            self._starter = threading.Thread(target=self._start_local, args=(workers,), name="dask-start",
                                             daemon=True)
            self._starter.start()

    def _connect(self, address: str, workers: int) -> None:
        distributed = self._distributed
        try:
            if address:
                self.client = distributed.Client(address, timeout="20s")
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True,
                    dashboard_address=":0" if _has_bokeh() else None, silence_logs=logging.ERROR)
                self.client = distributed.Client(self.cluster)
        except OSError as e:
            self._close_client()
            raise PipelineError("E082", self._where, f"could not reach the Dask scheduler ({e}); "
                                "check the address and that dask-scheduler is running") from e
        try:
            # our own scheduler fails work left without a worker (no-workers-timeout); one at an
            # address was configured by whoever started it, so wait for a first worker here
            self.client.wait_for_workers(1, timeout=NO_WORKERS_TIMEOUT)
        except TimeoutError as e:
            self._close_client()
            raise self._no_workers_error() from e
        info = self.client.scheduler_info().get("workers", {})
        self.used_workers = max(1, len(info) or workers)
        self.capacity = self.used_workers
        self._slots = max(self.used_workers, sum(w.get("nthreads", 1) for w in info.values()))
        self.dashboard = _dashboard(self.client)
        # each worker there now loads the model at once, while the driver reads the first chunk
        # (a worker started later, or restarted, loads it with its first chunk); a stand-in chunk
        # function without a warm_up (the tests') has nothing to load
        warm = getattr(sched.process_chunk, "warm_up", None)
        self._warm = [self.client.submit(_warm_up, warm, self.settings, workers=[w], allow_other_workers=False,
                                         pure=False) for w in info] if warm is not None else []
        with self._lock:
            self._ready = True
        self._start_waiting()

    def _start_local(self, workers: int) -> None:
        try:
            self._connect("", workers)
        except BaseException as e:  # noqa: BLE001  raised in the driver's thread (_started)
            self._start_error = e
            with self._lock:
                waiting, self._waiting = list(self._waiting), deque()
            for fetched in waiting:
                fetched.fail(e)

    def _started(self) -> None:
        """Wait for the LocalCluster (when it is starting); its failure is raised here."""
        if self._starter is not None:
            self._starter.join()
        if self._start_error is not None:
            raise self._start_error

    def submit(self, chunk) -> None:
        if self._start_error is not None:
            raise self._start_error
        chunk.future = self._submit(chunk.items)

    def resolve(self, chunk) -> list:
        """The chunk's results (asked once per article of the chunk: the retry runs once)."""
        if not chunk.future.done():
            self._started()
        try:
            return chunk.future.result()
        except self._killed:
            chunk.future.settle(self._one_by_one(chunk.items))
            return chunk.future.result()
        except self._no_worker as e:
            raise self._no_workers_error() from e

    def _submit(self, items: list) -> _Fetched:
        fetched = _Fetched(items, self._finished)
        with self._lock:
            self._in_flight = {f for f in self._in_flight if not f.done()}
            self._in_flight.add(fetched)
            self._waiting.append(fetched)
        self._start_waiting()
        return fetched

    def _start_waiting(self) -> None:
        """Put waiting chunks on the cluster while a worker thread is free (driver thread, or
        the client's callback thread when a chunk finishes)."""
        while True:
            with self._lock:
                if not self._ready or not self._waiting or self._running >= self._slots:
                    return
                fetched = self._waiting.popleft()
                self._running += 1
            try:
                future = self.client.submit(sched.process_chunk, fetched.items, self.settings, pure=False)
            except Exception as e:  # noqa: BLE001  the client is closing: the chunk fails, nothing waits
                with self._lock:
                    self._running -= 1
                fetched.fail(e)
                continue
            fetched.start(future)

    def _finished(self) -> None:
        with self._lock:
            self._running -= 1
        self._start_waiting()

    def _one_by_one(self, items: list) -> list:
        """A chunk the scheduler gave up: each article alone, one after the other, once every
        other chunk in flight has finished, so that a worker that dies is running that article
        and nothing else. An article given up then (it killed two workers) is at fault."""
        with self._lock:
            others = list(self._in_flight)
        for other in others:
            other.wait()
        out = []
        for item in items:
            try:
                out.extend(self._submit([item]).result())
            except self._killed:
                out.append((None, sched.WORKER_CRASH))
            except self._no_worker as e:
                raise self._no_workers_error() from e
        return out

    def _no_workers_error(self) -> PipelineError:
        return PipelineError("E130", self._where, f"no Dask worker ran the parsing for {NO_WORKERS_TIMEOUT} s; "
                             "start workers for this scheduler, or read their logs (they fail to start or "
                             "to import the pipeline)")

    def close(self) -> None:
        try:
            if self._starter is not None:
                self._starter.join()
            for f in self._warm:
                f.release()
            self._warm = []
            self._close_client()
        finally:
            self._config.__exit__(None, None, None)

    def _close_client(self) -> None:
        try:
            if self.client is not None:
                self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
            _end_idle_threads(self._distributed)


def _end_idle_threads(distributed) -> bool:
    """End the threads Dask keeps after its clients and clusters are closed (its offload pool,
    made at import, and the futures' callback pool, made at a first callback), when they are the
    only other threads left in this process (no client, scheduler or worker of anyone still runs
    here).

    Dask never ends them, so after a run on Dask the process still had two idle threads; the
    register's drawing processes are forked only when no other thread runs
    (register_report._can_fork), so a Dask run drew every timeline in its own process, one after
    the other, while a local run drew them in two processes beside the pages (at 200 synthetic
    articles about a fifth of the Dask driver's CPU, on the run's critical path). The offload pool
    is swapped for a new one of the same kind and the callback pool dropped: Dask makes each
    thread again when it next needs it, so a later Dask run in this process works as before.
    Returns whether they were ended."""
    utils = getattr(distributed, "utils", None)
    future_cls = getattr(getattr(distributed, "client", None), "Future", None)
    offload = getattr(utils, "_offload_executor", None)
    callbacks = getattr(future_cls, "_cb_executor", None)
    pools = [p for p in (offload, callbacks) if p is not None]
    if not all(hasattr(p, "shutdown") and isinstance(getattr(p, "_threads", None), set) for p in pools):
        return False        # not the pools this was written for (Dask 2026.8): leave them
    theirs = set().union(*(p._threads for p in pools))
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and t not in theirs]
    if others or threading.current_thread() is not threading.main_thread():
        return False
    if offload is not None:
        utils._offload_executor = type(offload)(max_workers=1, thread_name_prefix="Dask-Offload")
        offload.shutdown(wait=True)
    if callbacks is not None:
        future_cls._cb_executor = None      # Future.add_done_callback makes a new one when needed
        callbacks.shutdown(wait=True)
    return True


class _Fetched:
    """A chunk (its items) and its result, fetched into the driver as soon as it is ready and
    then released on the cluster: a finished result left on a worker would be lost (and its task
    run again) if that worker died later. on_done is called once the chunk has left the cluster."""

    def __init__(self, items: list, on_done):
        self.items = items
        self._on_done = on_done
        self._ready = threading.Event()
        self._value = self._error = None

    def start(self, future) -> None:
        future.add_done_callback(self._fetch)

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def settle(self, value: list) -> None:
        """The results obtained otherwise (article by article) after this chunk failed."""
        self._value, self._error = value, None

    def _fetch(self, future) -> None:
        # The next chunk goes first: its worker then parses it while this result travels to the
        # driver (a worker would otherwise idle for the whole fetch, a round trip and the chunk's
        # bytes). The finished result stays on its worker meanwhile; should that worker die, the
        # scheduler runs its task again, uncharged (only tasks running on a dying worker are).
        try:
            self._on_done()
        finally:
            try:
                self._value = future.result()
            except BaseException as e:  # noqa: BLE001  KilledWorker, NoWorkerError, a cancelled future (a
                self._error = e         # BaseException, as in asyncio): each is raised to resolve()
            finally:
                future.release()
                self._ready.set()

    def done(self) -> bool:
        return self._ready.is_set()

    def wait(self) -> None:
        self._ready.wait()

    def result(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._value


def _warm_up(warm, settings: dict) -> None:
    """On a worker: load the model (nothing is sent back)."""
    warm(settings)


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401  (Dask's dashboard needs it)
        return True
    except ImportError:
        return False


def _dashboard(client) -> str:
    """The dashboard's address, or "" when the scheduler serves none (bokeh not installed)."""
    if "dashboard" not in client.scheduler_info().get("services", {}):
        return ""
    return client.dashboard_link or ""
