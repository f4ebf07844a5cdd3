"""`python -m pipeline bench dask --n N [--rss-n 5000] [--rounds 2] [--json] [--floors FILE]`: the
Dask engine beside the local one on a synthetic corpus (evaluation/synth.py).

Every measurement runs in a fresh child process (python -m evaluation.bench_dask child ...), so
model loading, caches and peak RSS never leak from one measurement into the next.
  1. throughput over N articles: `--engine dask` on a LocalCluster of 2 workers and `--workers 2`
     local, empty cache, alternated (dask, local, dask, local... `--rounds` pairs): on a shared
     VM whose speed drifts within minutes, runs one after the other compare different machines,
     so every run is reported and the figure is the faster run of each engine (as `bench scale`)
     with the mean of the pairs' ratios beside it
  2. the driver's peak RSS (the `run` process: with a LocalCluster it also holds the scheduler and
     the nannies; the workers are its children) with the Dask engine at SMALL (500) and at
     `--rss-n` (5,000) articles
  3. for the figures on paper (README "Scaling out"): the per-worker rate, articles per second
     of a worker, wall time (N / run time / workers) and CPU time (articles per CPU second of
     the worker processes); and the driver's own cost per article, its CPU time (user + system,
     every thread: reading, cleaning, the cache, the tables, the report, the scheduler and the
     client) between the runs at SMALL and at `--rss-n` articles divided by the articles
     between them, so that start-up is not counted. Expected throughput on W workers:
     min(W x rate, 1 / driver cost per article).
  4. where the parsing processes' CPU goes in each throughput run (evaluation.bench_probe: start-up,
     model, parsing per article, other threads, the run's other children), and the Dask workers'
     parsing CPU an article over the local workers' on the same chunks (dask_vs_local_parse_cpu)
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from evaluation import bench_scale
from pipeline.errors import PipelineError

SMALL = 500                 # the corpus of the first RSS figure
WORKERS = 2
PROJECTED = (10, 100)       # cluster sizes of the figures on paper
# figure -> "min" (the floor is a minimum) or "max" (a ceiling)
FLOOR_DIRECTIONS = {"dask_vs_local": "min", "dask_vs_local_pairs_mean": "min", "driver_rss_ratio": "max",
                    "driver_rss_ratio_same_components": "max"}
SPLIT_PARTS = ("startup_s", "model_s", "parse_s", "parse_ms_per_article", "other_threads_s", "rest_s")
TARGETS = {"dask_vs_local": 0.9, "driver_rss_ratio": 1.2, "driver_rss_ratio_same_components": 1.2}


# ---------------------------------------------------------------- children
def child_run(input_dir: str, output_dir: str, engine: str, workers: int, preload_language: bool = False,
              probe: str = "") -> dict:
    """One pipeline run with an empty cache (--force): time, the driver's peak RSS and CPU time,
    and the CPU time of its children (the worker processes, once they have ended); whether the
    driver loaded the language identifier (read/language.py, about 75 MB: since stop 19 the texts the
    English shortcut does not settle are judged by the workers, so a Dask driver should not).
    preload_language loads it before the run. probe: a folder for evaluation.bench_probe's records,
    whose split of the parsing processes' CPU is returned as "probe"."""
    t_start = time.perf_counter()       # our own imports count too
    if probe:
        from evaluation import bench_probe
        bench_probe.install(Path(probe))
    from pipeline.config import load_settings
    from pipeline.read import language
    from pipeline.run import run
    if preload_language:
        language._identifier()
    settings = load_settings()
    settings["run"]["engine"] = engine
    summary = run(Path(input_dir), Path(output_dir), settings, workers=workers, force=True)
    seconds = time.perf_counter() - t_start
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"engine": engine, "seconds": seconds, "read": summary.read, "parsed": summary.parsed,
            "errors": len(summary.errors), "workers": summary.workers, "line": summary.line(),
            "rss_driver_mb": me.ru_maxrss / 1024.0, "rss_worker_mb": kids.ru_maxrss / 1024.0,
            "cpu_driver_s": me.ru_utime + me.ru_stime, "cpu_workers_s": kids.ru_utime + kids.ru_stime,
            "language_identifier": language._identifier.cache_info().currsize > 0,
            "probe": _probe_split(probe, kids.ru_utime + kids.ru_stime)}


def _probe_split(probe: str, children_s: float) -> dict | None:
    if not probe:
        return None
    from evaluation import bench_probe
    split = bench_probe.split(Path(probe))
    split["rest_s"] = children_s - split["at_last_chunk_s"]
    return split


def _child(argv: list[str]) -> dict:
    """Run one measurement in a fresh interpreter; returns its JSON result and wall time."""
    cmd = [sys.executable, "-m", "evaluation.bench_dask", *argv]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=str(Path(__file__).resolve().parent.parent))
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"benchmark child {' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = time.perf_counter() - t0
    res["load_average"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else []
    return res


def _split_line(split: dict | None) -> str:
    """The parsing processes' CPU split of one run (evaluation.bench_probe)."""
    if not split:
        return "workers' CPU split: not measured"
    return (f"workers' CPU: start-up {split['startup_s']:.1f} s, model {split['model_s']:.1f} s, parsing "
            f"{split['parse_s']:.1f} s ({split['parse_ms_per_article']:.1f} ms an article), other threads "
            f"{split['other_threads_s']:.1f} s; other children {split['rest_s']:.1f} s")


def _line(r: dict) -> str:
    return (f"{r['engine']} over {r['parsed']}, {r['workers']} workers: {r['seconds']:.1f} s, driver peak RSS "
            f"{r['rss_driver_mb']:.0f} MB, driver CPU {r['cpu_driver_s']:.1f} s, workers CPU {r['cpu_workers_s']:.1f} s "
            f"(load {r['load_average'][0]:.1f})")


def _run(corpus: Path, out: Path, engine: str, workers: int = WORKERS, preload_language: bool = False,
         probe: bool = False) -> dict:
    """probe: the parsing processes' CPU split too (evaluation.bench_probe; the throughput runs)."""
    probe_dir = out.parent / "probe"
    for d in (out, probe_dir):
        shutil.rmtree(d, ignore_errors=True)
    try:
        return _child(["child", str(corpus), str(out), engine, str(workers)]
                      + (["--preload-language"] if preload_language else [])
                      + (["--probe", str(probe_dir)] if probe else []))
    finally:
        for d in (out, probe_dir):
            shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- figures
def figures(n: int, runs: list[dict], small: dict, large: dict, rss_n: int, small_same: dict | None = None) -> dict:
    """small_same: the run at SMALL again with the language identifier loaded first, when the run
    at rss_n loaded it and the one at SMALL did not (else None: the two runs hold the same parts)."""
    dask = [r for r in runs if r["engine"] == "dask"]
    local = [r for r in runs if r["engine"] == "local"]
    pairs = [n / d["seconds"] / (n / lo["seconds"]) for d, lo in zip(dask, local)]
    best_dask, best_local = min(r["seconds"] for r in dask), min(r["seconds"] for r in local)
    fastest = min(dask, key=lambda r: r["seconds"])
    per_worker_wall = n / fastest["seconds"] / fastest["workers"]
    per_worker_cpu = n / fastest["cpu_workers_s"] if fastest["cpu_workers_s"] else 0.0
    extra = max(1, large["parsed"] - small["parsed"])
    driver_s = max(0.0, large["cpu_driver_s"] - small["cpu_driver_s"]) / extra
    driver_cap = 1.0 / driver_s if driver_s else float("inf")
    f = {
        "n": n, "workers": WORKERS,
        "runs": [{k: r[k] for k in ("engine", "seconds", "parsed", "errors", "workers", "rss_driver_mb",
                                    "cpu_driver_s", "cpu_workers_s", "load_average")}
                 | {"probe": r.get("probe")} for r in runs],
        "dask_articles_per_s": n / best_dask, "local_articles_per_s": n / best_local,
        "dask_vs_local": best_local / best_dask,
        "dask_vs_local_pairs": pairs, "dask_vs_local_pairs_mean": sum(pairs) / len(pairs),
        "rss_small_n": small["parsed"], "rss_large_n": large["parsed"], "rss_n": rss_n,
        "driver_rss_small_mb": small["rss_driver_mb"], "driver_rss_large_mb": large["rss_driver_mb"],
        "driver_rss_ratio": large["rss_driver_mb"] / small["rss_driver_mb"],
        # the same ratio between runs that hold the same parts: a corpus that makes the driver
        # load the language identifier (a fixed ~75 MB, whatever N) only at its 822nd article
        # (the synthetic one) shows it as growth in the ratio above; here both runs hold it
        "language_identifier": [bool(small.get("language_identifier")), bool(large.get("language_identifier"))],
        "driver_rss_small_same_mb": (small_same or small)["rss_driver_mb"],
        "driver_rss_ratio_same_components": large["rss_driver_mb"] / (small_same or small)["rss_driver_mb"],
        "worker_rss_mb": large["rss_worker_mb"],
        "rss_runs_s": [small["seconds"], large["seconds"]],
        "per_worker_articles_per_s_wall": per_worker_wall,
        "per_worker_articles_per_cpu_s": per_worker_cpu,
        "driver_ms_per_article": 1000.0 * driver_s,
        "driver_cpu_small_s": small["cpu_driver_s"], "driver_cpu_large_s": large["cpu_driver_s"],
        "driver_limit_articles_per_s": driver_cap,
        "driver_bottleneck_workers": driver_cap / per_worker_cpu if per_worker_cpu else 0.0,
        "projected": {str(w): min(w * per_worker_cpu, driver_cap) for w in PROJECTED},
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }
    f.update(_split_figures(dask, local))
    return f


def _split_figures(dask: list[dict], local: list[dict]) -> dict:
    """Each engine's parsing processes' CPU split (evaluation.bench_probe), the mean over its runs,
    and the Dask workers' parsing CPU an article over the local workers' (the same chunks)."""
    means = {}
    for engine, runs in (("dask", dask), ("local", local)):
        splits = [r["probe"] for r in runs if r.get("probe")]
        if not splits:
            return {}
        means[engine] = {k: sum(s[k] for s in splits) / len(splits) for k in SPLIT_PARTS}
    local_parse = means["local"]["parse_ms_per_article"]
    return {"workers_cpu_split": means,
            "dask_vs_local_parse_cpu": means["dask"]["parse_ms_per_article"] / local_parse if local_parse else 0.0}


def render(f: dict) -> str:
    ok = lambda k: "ok" if check_floors(f, {k: TARGETS[k]}) == [] else "BELOW TARGET"
    lines = [f"Dask engine beside the local one ({f['cores']} cores; synthetic articles; every run, in order):"]
    for r in f["runs"]:
        load = ", ".join(f"{x:.1f}" for x in r["load_average"][:1])
        lines.append(f"  {r['engine']:<5} {f['n']:>5} articles, {r['workers']} workers  {r['seconds']:7.1f} s  "
                     f"{f['n'] / r['seconds']:6.2f} articles/s  (driver CPU {r['cpu_driver_s']:.1f} s, "
                     f"workers CPU {r['cpu_workers_s']:.1f} s, load {load})")
        if r.get("probe"):
            lines.append(f"        {_split_line(r['probe'])}")
    pairs = ", ".join(f"{p:.2f}" for p in f["dask_vs_local_pairs"])
    lines += [
        (f"  dask / local, faster runs     {f['dask_vs_local']:8.2f}  (target >= {TARGETS['dask_vs_local']}: "
        f"{ok('dask_vs_local')}); pairs {pairs}, mean {f['dask_vs_local_pairs_mean']:.2f}"),
        f"  driver peak RSS at {f['rss_small_n']:>5}     {f['driver_rss_small_mb']:8.0f} MB",
        (f"  driver peak RSS at {f['rss_large_n']:>5}     {f['driver_rss_large_mb']:8.0f} MB  ratio "
        f"{f['driver_rss_ratio']:.2f} (target <= {TARGETS['driver_rss_ratio']}: {ok('driver_rss_ratio')}); "
        f"a worker {f['worker_rss_mb']:.0f} MB"),
        (f"  language identifier loaded    {'yes' if f['language_identifier'][0] else 'no'} at {f['rss_small_n']}, "
        f"{'yes' if f['language_identifier'][1] else 'no'} at {f['rss_large_n']} (a fixed cost of the first text "
        f"the English shortcut does not settle)"),
        (f"  same parts: peak RSS at {f['rss_small_n']:>5} {f['driver_rss_small_same_mb']:8.0f} MB  ratio "
        f"{f['driver_rss_ratio_same_components']:.2f} (target <= {TARGETS['driver_rss_ratio_same_components']}: "
        f"{ok('driver_rss_ratio_same_components')})"),
        (f"  per worker                    {f['per_worker_articles_per_s_wall']:8.2f} articles/s (wall), "
        f"{f['per_worker_articles_per_cpu_s']:.2f} per CPU second"),
        (f"  driver per article            {f['driver_ms_per_article']:8.2f} ms CPU (between the runs at "
        f"{f['rss_small_n']} and {f['rss_large_n']}): at most {f['driver_limit_articles_per_s']:.0f} articles/s, "
        f"reached at about {f['driver_bottleneck_workers']:.0f} workers"),
    ]
    for w, v in f["projected"].items():
        lines.append(f"  expected on {w:>3} workers        {v:8.1f} articles/s")
    if f.get("workers_cpu_split"):
        lines.append(f"  workers' parsing CPU an article, dask / local (the same chunks) {f['dask_vs_local_parse_cpu']:.3f}")
        for engine, split in f["workers_cpu_split"].items():
            lines.append(f"  {engine:<5} (mean of its runs)  {_split_line(split)}")
    return "\n".join(lines)


def check_floors(f: dict, floors: dict) -> list[str]:
    return bench_scale.check_floors(f, floors, FLOOR_DIRECTIONS)


def read_floors(path: str) -> dict:
    return bench_scale.read_floors(path, "dask", FLOOR_DIRECTIONS)


# ---------------------------------------------------------------- main
def measure(n: int, rss_n: int, rounds: int, work: Path, log=print) -> dict:
    from evaluation import synth
    corpus, small_dir, large_dir = work / "corpus", work / "corpus_small", work / "corpus_large"
    synth.write_corpus(corpus, n)
    if n != min(SMALL, rss_n):
        synth.write_corpus(small_dir, min(SMALL, rss_n))
    synth.write_corpus(large_dir, rss_n)
    log(f"corpus: {n} synthetic articles (throughput), {min(SMALL, rss_n)} and {rss_n} (driver RSS)")
    runs = []
    for k in range(rounds):
        for engine in ("dask", "local"):
            runs.append(_run(corpus, work / "out", engine, probe=True))
            r = runs[-1]
            log(f"round {k + 1}: {_line(r)}")
            log(f"  {_split_line(r['probe'])}")
    # the driver at SMALL articles: a dask run over the same corpus is already there when N = SMALL
    small = runs[-2] if n == min(SMALL, rss_n) else _run(small_dir, work / "out", "dask")
    log(f"driver RSS: {_line(small)}")
    large = _run(large_dir, work / "out", "dask")
    log(f"driver RSS: {_line(large)}")
    small_same = None
    if large.get("language_identifier") and not small.get("language_identifier"):
        small_same = _run(small_dir if n != min(SMALL, rss_n) else corpus, work / "out", "dask", preload_language=True)
        log(f"driver RSS, language identifier loaded first: {_line(small_same)}")
    return figures(n, runs, small, large, rss_n, small_same)


def main(args) -> int:
    n, rss_n, rounds = int(args.n), int(getattr(args, "rss_n", 5000)), int(getattr(args, "rounds", 2))
    if n < 1 or rss_n < 1 or rounds < 1:
        raise PipelineError("E022", "--n", "the corpus sizes and --rounds must be at least 1")
    floors = read_floors(args.floors) if getattr(args, "floors", None) else {}
    return bench_scale.measure_and_report(
        "bench-dask-", lambda work, log: measure(n, rss_n, rounds, work, log=log), render, args, floors,
        FLOOR_DIRECTIONS)


def _child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m evaluation.bench_dask")
    p.add_argument("mode", choices=["child"])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("engine", choices=["local", "dask"])
    p.add_argument("workers", type=int)
    p.add_argument("--preload-language", action="store_true")
    p.add_argument("--probe", default="")
    a = p.parse_args(argv)
    print(json.dumps(child_run(a.input, a.output, a.engine, a.workers, a.preload_language, a.probe)))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the benchmark
    sys.exit(_child_main(sys.argv[1:]))
