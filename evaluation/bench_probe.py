"""Where the parsing processes' CPU goes, for `bench dask` (issue 19: the Dask workers were measured
spending 16% more CPU than the local engine's for the same articles).

install(DIR) replaces pipeline.scheduler.process_chunk in the run's process by `probed`, which both
engines send to their parsing processes by reference (a Dask worker imports this module, a forked
local worker has it already); each parsing process appends a line per chunk to DIR/probe-<pid>.jsonl.
The results are those of process_chunk, untouched. split(DIR) sums the lines into the parts of the
workers' CPU:

- start-up: the process's CPU before its first chunk or model load (a spawned Dask worker imports
  Python, distributed and the pipeline; a forked local worker inherits them);
- model: loading the spaCy model (process_chunk.warm_up; the Dask engine runs it as a task of its own
  before the first chunk, a local worker inside its first chunk: both are counted here);
- parsing: the CPU of the thread that ran each chunk (nlp.pipe and the analysis), per article: the
  same chunks go to the model whatever the engine, so this compares like with like;
- other threads while parsing: the process's CPU during the chunks and between them beyond that
  thread (a Dask worker's event loop: heartbeats, receiving chunks, sending results);
- the rest of the run's children (bench_dask: cpu_workers_s minus the above): the register's
  drawing processes, the copies' process, the workers' shutdown.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from pipeline import scheduler as sched

ENV = "AGREEMENT_BENCH_PROBE_DIR"
_ORIGINAL = sched.process_chunk      # captured at import, before install() replaces it
_state = {"end": None}


def install(directory: Path) -> None:
    """Probe the parsing of this process's runs (and of the processes they start)."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    os.environ[ENV] = str(directory)
    sched.process_chunk = probed


def _record(line: dict) -> None:
    directory = os.environ.get(ENV)
    if not directory:
        return
    with open(Path(directory) / f"probe-{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def _model(settings: dict) -> float:
    """Load the model when this process has not yet (process CPU of the load; 0 when loaded)."""
    start = time.process_time()
    _ORIGINAL.warm_up(settings)
    return time.process_time() - start


def warm(settings: dict):
    """process_chunk.warm_up, probed (the Dask engine runs it on each worker first)."""
    before = time.process_time()
    seconds = _model(settings)
    _record({"kind": "model", "before": before, "model": seconds})


def probed(items: list, settings: dict) -> list:
    """process_chunk, with its CPU recorded (the model loaded first when a chunk would load it)."""
    before = time.process_time()
    model = _model(settings)
    start, thread = time.process_time(), time.thread_time()
    out = _ORIGINAL(items, settings)
    end, thread = time.process_time(), time.thread_time() - thread
    gap = 0.0 if _state["end"] is None else max(0.0, before - _state["end"])
    _state["end"] = end
    _record({"kind": "chunk", "n": len(items), "before": before, "model": model, "thread": thread,
             "process": end - start, "gap": gap, "end": end})
    return out


probed.warm_up = warm


def split(directory: Path) -> dict:
    """The parts of the parsing processes' CPU (seconds; parse_ms_per_article per article)."""
    lines = []
    for path in sorted(Path(directory).glob("probe-*.jsonl")):
        pid = path.stem.split("-", 1)[1]
        lines += [dict(json.loads(line), pid=pid) for line in path.read_text(encoding="utf-8").splitlines() if line]
    chunks = [r for r in lines if r["kind"] == "chunk"]
    pids = sorted({r["pid"] for r in lines})
    first = {pid: min(r["before"] for r in lines if r["pid"] == pid) for pid in pids}
    last = {pid: max((r["end"] for r in chunks if r["pid"] == pid), default=0.0) for pid in pids}
    articles = sum(r["n"] for r in chunks)
    parsing = sum(r["thread"] for r in chunks)
    return {"processes": len(pids), "articles": articles, "chunks": len(chunks),
            "startup_s": sum(first.values()),
            "model_s": sum(r["model"] for r in lines),
            "parse_s": parsing,
            "parse_ms_per_article": 1000.0 * parsing / articles if articles else 0.0,
            "other_threads_s": sum(r["process"] - r["thread"] + r["gap"] for r in chunks),
            "at_last_chunk_s": sum(last.values())}
