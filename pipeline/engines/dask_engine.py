"""The Dask engine: parsing chunks run on a Dask cluster (a LocalCluster on this machine, or the
cluster of a scheduler address), the driver doing everything else.

The driver (the `run` process) reads the inputs, consults the cache, submits only the chunks that
need NLP and writes every cache entry and table itself; workers get the articles with the task
(no shared filesystem needed) and send back the cache-entry bytes of their extractions, exactly
what the local engine makes, so the outputs are byte-identical. Each worker process loads the
spaCy model once (pipeline.scheduler.process_chunk keeps it per process).

Faults: a worker that dies mid-task has its chunk re-run on another worker by the Dask scheduler.
A chunk that kills workers twice (the scheduler's allowed-failures, set to 1 for a LocalCluster)
is split into single articles; an article that kills a worker twice on its own is reported
(E081) and the run goes on.
"""
from __future__ import annotations

import logging
import threading

from pipeline import scheduler as sched
from pipeline.errors import PipelineError

ALLOWED_FAILURES = 1        # a task that kills this many workers + 1 is given up (KilledWorker)


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
    Dask cluster. With no address, a LocalCluster of `workers` single-threaded processes."""

    engine = "dask"

    def __init__(self, settings: dict, workers: int, address: str = ""):
        dask, distributed = _import_distributed()
        self.settings = settings
        self.cluster = None
        self._killed = distributed.KilledWorker
        # one task per worker at a time: a worker that dies takes only the task it was running
        dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                         "distributed.scheduler.worker-saturation": 1.0})
        try:
            if address:
                self.client = distributed.Client(address, timeout="20s")
            else:
                self.cluster = distributed.LocalCluster(
                    n_workers=max(1, workers), threads_per_worker=1, processes=True,
                    dashboard_address=":0" if _has_bokeh() else None, silence_logs=logging.ERROR)
                self.client = distributed.Client(self.cluster)
        except OSError as e:
            raise PipelineError("E082", address or "LocalCluster", f"could not reach the Dask scheduler ({e}); "
                                "check the address and that dask-scheduler is running")
        self.used_workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.capacity = self.used_workers
        self.dashboard = _dashboard(self.client)

    def submit(self, chunk) -> None:
        chunk.future = _Fetched(self.client.submit(sched.process_chunk, chunk.items, self.settings, pure=False))

    def resolve(self, chunk) -> list:
        try:
            return chunk.future.result()
        except self._killed:
            return self._one_by_one(chunk.items)

    def _one_by_one(self, items: list) -> list:
        """A chunk that killed workers: each article alone, one after the other, so only the one
        at fault fails (and no other task is on a worker when it takes the worker down)."""
        if len(items) == 1:
            return [(None, sched.WORKER_CRASH)]
        out = []
        for item in items:
            try:
                out.extend(_Fetched(self.client.submit(sched.process_chunk, [item], self.settings,
                                                       pure=False)).result())
            except self._killed:
                out.append((None, sched.WORKER_CRASH))
        return out

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


class _Fetched:
    """A chunk's result, fetched into the driver as soon as it is ready and then released on the
    cluster: a finished result left on a worker would be lost (and its task run again, counted
    as a failure) if that worker died later."""

    def __init__(self, future):
        self._ready = threading.Event()
        self._value = self._error = None
        future.add_done_callback(self._fetch)

    def _fetch(self, future) -> None:
        try:
            self._value = future.result()
        except BaseException as e:  # KilledWorker, a cancelled future: raised to resolve()
            self._error = e
        finally:
            future.release()
            self._ready.set()

    def done(self) -> bool:
        return self._ready.is_set()

    def result(self):
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._value


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
