"""`python -m pipeline bench scale --n N [--data DIR] [--json] [--floors FILE]`: throughput,
parallel speedup, cache and memory of the whole pipeline on a synthetic corpus (evaluation/synth.py)
or, with --data, on real articles: the article files of DIR/dev and DIR/train (DIR is the shared
corpus folder, e.g. ../shared/corpus; a folder without those two is read itself), copied under new
names and repeated to N (write_real_corpus). Only timings and totals are printed, never an
article's output (the sealed train articles are timed, never shown).

Every measurement runs in a fresh child process (python -m evaluation.bench_scale child-...),
so model loading, caches and peak RSS figures never leak from one measurement into the next.
With T = min(N, max(500, N // 10)) (500 for N = 2,000 or 5,000):
  1. raw nlp.pipe of the model over the cleaned texts of the first T articles, one process, and
     beside it (at the same time, on the other core) the whole pipeline over those T articles,
     1 worker, --force; twice, cores swapped: pipeline / raw is the mean of the two pairs' ratios
     (on a shared VM whose speed drifts by a quarter within minutes, runs made one after the
     other compare different machines)
  2. the pipeline over the T articles, 1 worker, alone, and twice with 2 workers (the faster of
     the two): the 2-worker speedup; also the peak RSS at T articles
  3. the whole pipeline over all N articles, 2 workers, empty cache (peak RSS at N)
  4. the same again: every article is cached (cached re-run time over N, process wall time
     included; the faster of two re-runs). The target is over CACHED_N (2,000) articles: for a
     larger N, the first CACHED_N articles are run once more into a folder of their own with
     that cache (hard links: entries are never rewritten in place), then re-run twice, and the
     faster re-run is the figure; for N <= CACHED_N it is the one over N
  5. 10 new articles added: only they are parsed
Every run also times the register step (write/register.build, from the final tables): its time in
the first run over N, its share of that run (target < 5%) and its time in the cached re-run.
The size of the tables in memory is taken in one more cached run over N (it holds the same
tables), never in a run whose peak RSS is a figure: the sizing itself takes tens of MB.
Both sides of the pipeline / raw ratio count the same start-up: importing spaCy and loading the
model (the pipeline's run time includes them; the raw child times them and adds them), so the
ratio weighs our own stages (reading, cleaning, extraction, writing, rule compiling) against the
model. The raw figure without its start-up is printed too (pipeline_vs_raw_steady, the definition
used up to the stop of 2026-12-01).
Peak RSS of a run = the main process's peak + each worker's peak (ru_maxrss of the children).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from pipeline.errors import PipelineError

# figure -> "min" (the floor is a minimum) or "max" (a ceiling)
FLOOR_DIRECTIONS = {
    "pipeline_vs_raw": "min",
    "pipeline_vs_raw_steady": "min",
    "speedup_2_workers": "min",
    "cached_rerun_s": "max",
    "rss_budget_used": "max",
    "register_share": "max",
}
TARGETS = {"pipeline_vs_raw": 0.8, "speedup_2_workers": 1.6, "cached_rerun_s": 5.0, "rss_budget_used": 1.0,
           "register_share": 0.05}
ADDED = 10
REAL_SUFFIXES = (".txt", ".html", ".htm")
REAL_PARTS = ("dev", "train")   # the real mode reads these folders of --data (when it has them)
SMALL = 500                 # the smaller corpus: throughput, speedup and the first RSS figure
CACHED_N = 2000             # the cached re-run target is over this many unchanged articles


# ---------------------------------------------------------------- children
def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0   # KiB on Linux


def _vm(field: str) -> float:
    """A /proc/self/status memory figure in MB (0 where /proc is absent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def deep_size_mb(tables: dict[str, list[dict]]) -> float:
    """Memory held by the tables: the lists, the row dicts and their values (shared once)."""
    seen: set[int] = set()
    total = 0
    for rows in tables.values():
        total += sys.getsizeof(rows)
        for row in rows:
            total += sys.getsizeof(row)
            for value in row.values():
                if id(value) not in seen:
                    seen.add(id(value))
                    total += sys.getsizeof(value)
    return total / 1e6


# (label, module under pipeline/, function); "language" (the English check) is timed inside "clean"
STAGES = (("clean", "read.clean", "clean"), ("language", "read.language", "detect_language"),
          ("actors", "extract.actors", "extract"),
          ("dates", "extract.dates", "extract"), ("agreements", "extract.agreements", "extract"),
          ("motives", "extract.motives", "extract"), ("serialise", "cache", "dumps"),
          ("rows", "scheduler", "add_packed"), ("report pages", "write.report", "write_article"),
          ("parse+analyse", "scheduler", "process_chunk"))


def _time_stages(totals: dict[str, float]) -> None:
    """Wrap the stage functions of this process with timers (a 1-worker run does every stage
    here). Each module attribute is looked up at call time, so the wrappers are used."""
    import importlib

    for label, module, name in STAGES:
        mod = importlib.import_module(f"pipeline.{module}")
        func = getattr(mod, name)

        def timed(*a, _f=func, _label=label, **kw):
            t = time.perf_counter()
            try:
                return _f(*a, **kw)
            finally:
                totals[_label] = totals.get(_label, 0.0) + time.perf_counter() - t
        setattr(mod, name, timed)


def stage_ms(totals: dict[str, float], articles: int) -> dict[str, float]:
    """Milliseconds per article by stage; 'model' is what parse+analyse spent outside the
    extractors and serialisation, i.e. nlp.pipe."""
    per = {k: 1000.0 * v / max(1, articles) for k, v in totals.items()}
    inner = sum(per.get(k, 0.0) for k in ("actors", "dates", "agreements", "motives", "serialise"))
    per["model"] = per.pop("parse+analyse", 0.0) - inner
    return per


def child_run(input_dir: str, output_dir: str, workers: int, force: bool, stages: bool = False,
              sizing: bool = False) -> dict:
    """One pipeline run. stages: time each stage; sizing: measure the tables in memory before
    the write (deep_size_mb holds a set of every value's id, tens of MB at 5,000 articles, so it
    is done in a run of its own, never in one whose peak RSS is a figure)."""
    t_start = time.perf_counter()       # our own imports count too
    from pipeline.write import output
    from pipeline.config import load_settings
    from pipeline.run import run
    seen: dict = {}
    totals: dict[str, float] = {}
    if stages:
        _time_stages(totals)
    finalise = output.finalise

    def measured_finalise(out_dir, tables, *a, **kw):
        seen["rss_before_finalise_mb"] = _vm("VmRSS")
        if sizing:
            t = time.perf_counter()
            seen["tables_mem_mb"] = deep_size_mb(tables)
            seen["sizing_s"] = time.perf_counter() - t
        t = time.perf_counter()
        try:
            return finalise(out_dir, tables, *a, **kw)
        finally:
            totals["write tables"] = time.perf_counter() - t
    output.finalise = measured_finalise
    from pipeline.write import register
    build = register.build

    def measured_register(*a, **kw):        # timed in every run: the register step's share of a run
        t = time.perf_counter()
        try:
            return build(*a, **kw)
        finally:
            totals["register"] = seen["register_s"] = time.perf_counter() - t
    register.build = measured_register
    summary = run(Path(input_dir), Path(output_dir), load_settings(), workers=workers, force=force)
    seconds = time.perf_counter() - t_start - seen.get("sizing_s", 0.0)
    tables = sum(p.stat().st_size for p in Path(output_dir).glob("*.csv"))
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_main_s": me.ru_utime + me.ru_stime, "cpu_children_s": kids.ru_utime + kids.ru_stime,
            "seconds": seconds, "read": summary.read, "failed": summary.failed,
            "errors": len(summary.errors), "cached": summary.cached, "parsed": summary.parsed,
            "workers": summary.workers, "rows": summary.rows, "line": summary.line(),
            "tables_mb": tables / 1e6, "rss_main_mb": _maxrss_mb(resource.RUSAGE_SELF),
            "rss_worker_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
            "rss_before_finalise_mb": seen.get("rss_before_finalise_mb", 0.0),
            "tables_mem_mb": seen.get("tables_mem_mb", 0.0), "register_s": seen.get("register_s", 0.0),
            "stage_ms": stage_ms(totals, summary.read) if stages else {}}


def child_raw(input_dir: str, stop_file: str | None = None) -> dict:
    """Raw nlp.pipe over the cleaned texts (the first pass is timed). stop_file: keep parsing the
    texts again until that file exists, so that a run measured beside this one is measured beside
    a busy core all along, as this one was."""
    from pipeline.read import clean
    from pipeline.config import load_settings
    from pipeline.errors import PipelineError as PE
    from pipeline.read.ingest import read_inputs
    settings = load_settings()
    texts = []
    for item in read_inputs(Path(input_dir), settings):
        if isinstance(item, PE):
            continue
        try:
            texts.append(clean.clean(item, settings).text)
        except PE:
            continue
    t_start = time.perf_counter()
    from pipeline.extract import nlp
    model = nlp.load_model(settings["model"]["name"])
    t0 = time.perf_counter()
    for _doc in model.pipe(texts, batch_size=settings["model"]["batch_size"]):
        pass
    seconds = time.perf_counter() - t0
    while stop_file and texts and not os.path.exists(stop_file):
        for _doc in model.pipe(texts, batch_size=settings["model"]["batch_size"]):
            if os.path.exists(stop_file):
                break
    return {"seconds": seconds, "startup_s": t0 - t_start, "articles": len(texts),
            "words": sum(len(t.split()) for t in texts), "rss_main_mb": _maxrss_mb(resource.RUSAGE_SELF)}


def _start(argv: list[str], cpu: int | None = None) -> tuple:
    """Start one measurement in a fresh interpreter (pinned to one core when cpu is given)."""
    cmd = [sys.executable, "-m", "evaluation.bench_scale", *argv]
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, preexec_fn=pin,
                            cwd=str(Path(__file__).resolve().parent.parent))
    return proc, out, err, t0, argv


def _finish(handle: tuple) -> dict:
    """Wait for a measurement; returns its JSON result and wall time."""
    proc, out, err, t0, argv = handle
    code = proc.wait()
    wall = time.perf_counter() - t0
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read(), err.read()
    out.close()
    err.close()
    if code != 0 or not stdout.strip():
        raise RuntimeError(f"benchmark child {' '.join(argv)} failed ({code}):\n{stderr[-2000:]}")
    res = json.loads(stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    return res


def _child(argv: list[str]) -> dict:
    """Run one measurement in a fresh interpreter; returns its JSON result and wall time."""
    return _finish(_start(argv))


def _cores() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def side_by_side(small_dir: Path, out_dir: Path, flags: str, k: int) -> tuple[dict, dict]:
    """(raw, pipeline) measured at the same time, each on its own core (swapped when k is odd),
    the raw child parsing on until the pipeline is done: on a shared VM whose speed drifts by a
    quarter from one minute to the next, runs one after the other compare different machines.
    With one core they run one after the other."""
    cores = _cores()
    if len(cores) < 2:
        return _child(["child-raw", str(small_dir)]), _child(["child-run", str(small_dir), str(out_dir), "1", flags])
    raw_cpu, run_cpu = (cores[0], cores[1]) if k % 2 == 0 else (cores[1], cores[0])
    stop = out_dir.with_name(out_dir.name + ".stop")
    raw = _start(["child-raw", str(small_dir), str(stop)], raw_cpu)
    try:
        one = _finish(_start(["child-run", str(small_dir), str(out_dir), "1", flags], run_cpu))
    finally:
        stop.touch()
    return _finish(raw), one


# ---------------------------------------------------------------- figures
def rss_total(r: dict) -> float:
    workers = r["workers"] if r["workers"] > 1 else 0
    return r["rss_main_mb"] + workers * r["rss_worker_mb"]


def pair_ratios(raw: dict, one: dict, t: int) -> tuple[float, float]:
    """(pipeline / raw with the raw start-up, without it) for one pair of runs."""
    one_aps = t / one["seconds"]
    return (one_aps / (raw["articles"] / (raw["seconds"] + raw["startup_s"])),
            one_aps / (raw["articles"] / raw["seconds"]))


def figures(raw: dict, one: dict, two: dict, small: dict, large: dict, cached: dict, added: dict,
            n: int, t: int, words_t: int, pairs: list[tuple[dict, dict]] | None = None,
            cached_full: dict | None = None) -> dict:
    """pairs: the (raw, pipeline) runs made side by side; the ratios are then their means (else
    those of raw and one). cached: the re-run over min(n, CACHED_N) articles; cached_full: the
    one over all n (when that is more)."""
    cached_full = cached_full or cached
    pairs = pairs or [(raw, one)]
    ratios = [pair_ratios(r, o, t) for r, o in pairs]
    raw_aps = raw["articles"] / raw["seconds"]
    raw_startup_aps = raw["articles"] / (raw["seconds"] + raw["startup_s"])
    one_aps, two_aps = t / one["seconds"], t / two["seconds"]
    rss_small, rss_large = rss_total(small), rss_total(large)
    budget = 1.2 * rss_small + large["tables_mb"]
    return {
        "n": n, "t": t, "words_t": words_t,
        "raw_articles_per_s": raw_aps, "raw_words_per_s": raw["words"] / raw["seconds"],
        "pipeline_articles_per_s": one_aps, "pipeline_words_per_s": words_t / one["seconds"],
        "raw_startup_s": raw["startup_s"], "raw_articles_per_s_with_startup": raw_startup_aps,
        "pipeline_vs_raw": sum(r[0] for r in ratios) / len(ratios),
        "pipeline_vs_raw_steady": sum(r[1] for r in ratios) / len(ratios),
        "pipeline_vs_raw_pairs": [r[0] for r in ratios],
        "pipeline_beside_articles_per_s": max(t / o["seconds"] for _r, o in pairs),
        "pipeline_2w_articles_per_s": two_aps, "pipeline_2w_words_per_s": words_t / two["seconds"],
        "speedup_2_workers": two_aps / one_aps,
        # CPU time (user + system) of the runs: a figure that load distorts less than wall time.
        # The 1-worker run's process does everything; the 2-worker run's is split between the run's
        # process and its children (the workers, and the copies written beside the register)
        "cpu_1_worker_s": one.get("cpu_main_s", 0.0) + one.get("cpu_children_s", 0.0),
        "cpu_2_workers_main_s": two.get("cpu_main_s", 0.0),
        "cpu_2_workers_children_s": two.get("cpu_children_s", 0.0),
        "first_run_s": large["seconds"], "first_run_workers": large["workers"],
        "cached_rerun_s": cached["wall_s"], "cached_rerun_run_s": cached["seconds"],
        "cached_rerun_parsed": cached["parsed"], "cached_rerun_cached": cached["cached"],
        "cached_rerun_n": cached["cached"] + cached["parsed"],
        "cached_rerun_full_s": cached_full["wall_s"], "cached_rerun_full_run_s": cached_full["seconds"],
        "added_run_s": added["wall_s"], "added_parsed": added["parsed"],
        "rss_small_n": t, "rss_small_mb": rss_small, "rss_small_main_mb": small["rss_main_mb"],
        "rss_large_n": n, "rss_large_mb": rss_large, "rss_large_main_mb": large["rss_main_mb"],
        "rss_worker_mb": large["rss_worker_mb"], "tables_mb": large["tables_mb"],
        "rss_budget_mb": budget, "rss_budget_used": rss_large / budget,
        "tables_mem_mb": large.get("tables_mem_mb", 0.0),
        "rss_small_main_before_finalise_mb": small.get("rss_before_finalise_mb", 0.0),
        "rss_large_main_before_finalise_mb": large.get("rss_before_finalise_mb", 0.0),
        "rss_1_worker_small_mb": one["rss_main_mb"],
        "stage_ms_per_article": one.get("stage_ms", {}),
        "register_s": large.get("register_s", 0.0),
        "register_share": large.get("register_s", 0.0) / large["seconds"] if large["seconds"] else 0.0,
        "register_cached_s": cached.get("register_s", 0.0),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else [],
    }


def render(f: dict) -> str:
    ok = lambda k: "ok" if check_floors(f, {k: TARGETS[k]}) == [] else "BELOW TARGET"  # noqa: E731
    return "\n".join([
        f"{f.get('corpus', 'synthetic corpus')}: {f['n']} articles; throughput measured on the first {f['t']} "
        f"({f['words_t']} words); {f['cores']} cores, load average {', '.join(f'{x:.2f}' for x in f['load_average'])}",
        f"  raw nlp.pipe (1 process)      {f['raw_articles_per_s']:8.1f} articles/s {f['raw_words_per_s']:9.0f} words/s; "
        f"{f['raw_articles_per_s_with_startup']:.1f} articles/s with its start-up ({f['raw_startup_s']:.1f} s: "
        f"spaCy import, model load); the pipeline beside it: {f['pipeline_beside_articles_per_s']:.1f} articles/s",
        f"  whole pipeline, 1 worker      {f['pipeline_articles_per_s']:8.1f} articles/s {f['pipeline_words_per_s']:9.0f} words/s "
        "(alone; start-up included)",
        f"  pipeline / raw nlp.pipe       {f['pipeline_vs_raw']:8.2f}  both with start-up "
        f"(target >= {TARGETS['pipeline_vs_raw']}: {ok('pipeline_vs_raw')}); "
        f"{f['pipeline_vs_raw_steady']:.2f} against raw without its start-up; mean of the side-by-side pairs "
        + ", ".join(f"{x:.2f}" for x in f.get("pipeline_vs_raw_pairs", [])),
        f"  whole pipeline, 2 workers     {f['pipeline_2w_articles_per_s']:8.1f} articles/s {f['pipeline_2w_words_per_s']:9.0f} words/s",
        f"  2-worker speedup              {f['speedup_2_workers']:8.2f}x (target >= {TARGETS['speedup_2_workers']}: {ok('speedup_2_workers')})",
        f"  CPU (user + system)           {f.get('cpu_1_worker_s', 0.0):8.1f} s with 1 worker; with 2: the run's process "
        f"{f.get('cpu_2_workers_main_s', 0.0):.1f} s + workers and copies {f.get('cpu_2_workers_children_s', 0.0):.1f} s",
        f"  first run over {f['n']} articles  {f['first_run_s']:8.1f} s ({f['first_run_workers']} workers)",
        f"  cached re-run over {f['cached_rerun_n']:<5}    {f['cached_rerun_s']:8.2f} s process wall time, "
        f"{f['cached_rerun_run_s']:.2f} s in run(); {f['cached_rerun_parsed']} parsed, "
        f"{f['cached_rerun_cached']} cached (target <= {TARGETS['cached_rerun_s']} s: {ok('cached_rerun_s')})"
        + (f"; over all {f['n']}: {f['cached_rerun_full_s']:.2f} s ({f['cached_rerun_full_run_s']:.2f} s in run())"
           if f["n"] > f["cached_rerun_n"] else ""),
        f"  {ADDED} articles added            {f['added_run_s']:8.2f} s; {f['added_parsed']} parsed",
        f"  peak RSS at {f['rss_small_n']:>5} articles    {f['rss_small_mb']:8.0f} MB (main {f['rss_small_main_mb']:.0f} MB + workers)",
        f"  peak RSS at {f['rss_large_n']:>5} articles    {f['rss_large_mb']:8.0f} MB (main {f['rss_large_main_mb']:.0f} MB + workers, "
        f"{f['rss_worker_mb']:.0f} MB each)",
        f"  budget 1.2 x small + tables   {f['rss_budget_mb']:8.0f} MB (tables {f['tables_mb']:.1f} MB as CSV); "
        f"used {f['rss_budget_used']:.2f} ({ok('rss_budget_used')})",
        f"  main process before the write {f['rss_small_main_before_finalise_mb']:8.0f} MB at {f['rss_small_n']}, "
        f"{f['rss_large_main_before_finalise_mb']:.0f} MB at {f['rss_large_n']} "
        f"(tables in memory {f['tables_mem_mb']:.1f} MB); 1-worker run at {f['rss_small_n']}: "
        f"{f['rss_1_worker_small_mb']:.0f} MB",
        f"  register step over {f['n']:<5}     {f['register_s']:8.2f} s in the first run: {f['register_share']:.1%} of it "
        f"(target < {TARGETS['register_share']:.0%}: {ok('register_share')}); {f['register_cached_s']:.2f} s in the cached re-run",
        "  stages, 1 worker (ms/article)  " + ", ".join(
            f"{k} {v:.1f}" for k, v in sorted(f["stage_ms_per_article"].items(), key=lambda kv: -kv[1])),
    ])


def check_floors(f: dict, floors: dict, directions: dict | None = None) -> list[str]:
    """The figures of f past their floor (min) or ceiling (max); directions: figure -> 'min' or
    'max' (this bench's FLOOR_DIRECTIONS unless given)."""
    directions = FLOOR_DIRECTIONS if directions is None else directions
    problems = []
    for key, limit in sorted(floors.items()):
        direction = directions.get(key)
        if direction is None:
            problems.append(f"unknown figure '{key}' (known: {', '.join(directions)})")
        elif direction == "min" and f[key] < limit:
            problems.append(f"{key} {f[key]:.2f} is below its floor {limit}")
        elif direction == "max" and f[key] > limit:
            problems.append(f"{key} {f[key]:.2f} is above its ceiling {limit}")
    return problems


def read_floors(path: str, section: str = "scale", known: dict | None = None) -> dict:
    """The [section] of a floors file (only the figures in known, when given)."""
    try:
        with open(path, "rb") as fh:
            floors = tomllib.load(fh).get(section, {})
            return floors if known is None else {k: v for k, v in floors.items() if k in known}
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise PipelineError("E021", path, f"cannot read floors ({e})")


# ---------------------------------------------------------------- real articles
def real_sources(data: Path) -> list[Path]:
    """The article files of the real mode: those of data/dev and data/train (sorted, in that
    order), or of data itself when it has neither; sidecars and other files are left out.
    E110 when there is none."""
    parts = [data / part for part in REAL_PARTS if (data / part).is_dir()] or [data]
    found = [p for part in parts if part.is_dir() for p in sorted(part.iterdir())
             if p.is_file() and p.suffix.lower() in REAL_SUFFIXES and not p.name.startswith(".")]
    if not found:
        raise PipelineError("E110", str(data), "no article files (.txt, .html, .htm) in it, nor in its "
                            f"{' and '.join(REAL_PARTS)} folders")
    return found


def write_real_corpus(out_dir: Path, n: int, sources: list[Path], start: int = 0) -> int:
    """Articles start..start+n-1 of the real corpus into out_dir: article i is a copy of
    sources[i % len(sources)] named real_<i>_<its name> (so every copy is an article of its own,
    and a corpus of N is the first N of a larger one, as with synth.write_corpus). Returns the
    number of words written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(start, start + n):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        (out_dir / f"real_{i:06d}_{src.name}").write_bytes(data)
        words += len(data.split())
    return words


def corpus_writer(data: Path | None):
    """(write(out_dir, n, start=0), description): the synthetic corpus, or the real one of data."""
    if data is None:
        from evaluation import synth
        return synth.write_corpus, "synthetic corpus"
    sources = real_sources(data)
    return ((lambda out_dir, n, start=0: write_real_corpus(out_dir, n, sources, start)),
            f"real articles ({len(sources)} files of {data}, repeated)")


# ---------------------------------------------------------------- main
def measure(n: int, work: Path, log=print, data: Path | None = None) -> dict:
    write_corpus, corpus = corpus_writer(data)
    t = min(n, max(SMALL, n // 10))
    small_dir, full_dir = work / "corpus_small", work / "corpus_full"
    write_corpus(small_dir, t)
    write_corpus(full_dir, n)
    log(f"corpus: {n} articles ({corpus}) in {full_dir} (first {t} also in {small_dir})")
    # raw nlp.pipe and the 1-worker pipeline run side by side, twice (cores swapped); the ratio
    # is the mean of the two pairs' (each throughput run writes into an empty folder: a page
    # already there would be skipped)
    raws, ones = [], []
    for k, flags in enumerate(("force,stages", "force")):
        raw_k, one_k = side_by_side(small_dir, work / f"out_1w_{k}", flags, k)
        raws.append(raw_k)
        ones.append(one_k)
        log(f"side by side over {t}: raw nlp.pipe {raw_k['seconds']:.1f} s + {raw_k['startup_s']:.1f} s start-up, "
            f"pipeline 1 worker {one_k['seconds']:.1f} s")
    raw = min(raws, key=lambda r: r["seconds"] + r["startup_s"])
    one = dict(_child(["child-run", str(small_dir), str(work / "out_1w_alone"), "1", "force"]),
               stage_ms=ones[0]["stage_ms"])
    log(f"pipeline over {t}, 1 worker, alone: {one['seconds']:.1f} s")
    twos = []
    for k in range(2):      # the faster of two, as for the 1-worker runs
        twos.append(_child(["child-run", str(small_dir), str(work / f"out_2w_{k}"), "2", "force"]))
        log(f"pipeline over {t}, 2 workers: {twos[-1]['seconds']:.1f} s")
    two = min(twos, key=lambda r: r["seconds"])
    large = _child(["child-run", str(full_dir), str(work / "out_full"), "2", "force"])
    log(f"pipeline over {n}, 2 workers: {large['seconds']:.1f} s")
    cached = cached_full = _rerun(full_dir, work / "out_full")
    log(f"cached re-run over {n}: {cached_full['wall_s']:.1f} s")
    sized = _child(["child-run", str(full_dir), str(work / "out_full"), "0", "sizing"])   # the same tables
    large = dict(large, tables_mem_mb=sized["tables_mem_mb"])
    if n > CACHED_N:
        part_dir, part_out = work / "corpus_cached", work / "out_cached"
        write_corpus(part_dir, CACHED_N)
        shutil.copytree(work / "out_full" / ".cache", part_out / ".cache", copy_function=os.link,
                        ignore=shutil.ignore_patterns("report_stamps", "written.json"))
        first = _child(["child-run", str(part_dir), str(part_out), "0", ""])
        cached = _rerun(part_dir, part_out)
        log(f"the first {CACHED_N} in a folder of their own: {first['wall_s']:.1f} s, "
            f"{first['parsed']} parsed; cached re-run: {cached['wall_s']:.1f} s")
    write_corpus(full_dir, ADDED, start=n)
    added = _child(["child-run", str(full_dir), str(work / "out_full"), "0", ""])
    log(f"re-run with {ADDED} added: {added['wall_s']:.1f} s, parsed {added['parsed']}")
    return dict(figures(raw, one, two, two, large, cached, added, n, t, raw["words"], pairs=list(zip(raws, ones)),
                        cached_full=cached_full), corpus=corpus)


def _rerun(corpus: Path, out: Path) -> dict:
    """The faster of two cached re-runs (as for the throughput runs), default workers."""
    return min((_child(["child-run", str(corpus), str(out), "0", ""]) for _ in range(2)),
               key=lambda r: r["wall_s"])


def main(args) -> int:
    n = int(args.n)
    if n < 1:
        raise PipelineError("E022", "--n", "the corpus size must be at least 1")
    floors = read_floors(args.floors) if getattr(args, "floors", None) else {}
    data = Path(args.data) if getattr(args, "data", None) else None
    if data is not None:
        real_sources(data)                  # E110 before any work
    return measure_and_report(
        "bench-scale-", lambda work, log: measure(n, work, log=log, data=data), render, args, floors)


def measure_and_report(prefix: str, measure_in, render_figures, args, floors: dict,
                       directions: dict | None = None) -> int:
    """measure_in(work folder, log) in a temporary folder (removed after), the figures printed
    (rendered, or JSON with --json) and checked against floors (see check_floors): the exit code."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        f = measure_in(work, lambda msg: print(msg, file=sys.stderr, flush=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(f, indent=2) if getattr(args, "json", False) else render_figures(f))
    problems = check_floors(f, floors, directions)
    for p in problems:
        print(f"[E041] {args.floors}: {p}; fix the regression, or change the floor and say why in the commit.",
              file=sys.stderr)
    if floors and not problems:
        print(f"floors: all {len(floors)} met ({args.floors})", file=sys.stderr)
    return 1 if problems else 0


def _child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m evaluation.bench_scale")
    p.add_argument("mode", choices=["child-run", "child-raw"])
    p.add_argument("input")
    p.add_argument("output", nargs="?", help="child-run: the output folder; child-raw: a stop file (see child_raw)")
    p.add_argument("workers", nargs="?", type=int, default=1)
    p.add_argument("flags", nargs="?", default="", help="comma-separated: force, stages, sizing")
    a = p.parse_args(argv)
    flags = set(a.flags.split(","))
    res = child_raw(a.input, a.output) if a.mode == "child-raw" else \
        child_run(a.input, a.output, a.workers, "force" in flags, "stages" in flags, "sizing" in flags)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the benchmark
    sys.exit(_child_main(sys.argv[1:]))
