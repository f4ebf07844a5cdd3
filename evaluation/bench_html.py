"""Article-body benchmark of the HTML cleaning: `python -m pipeline bench html --data GOLD`.

The pages beside the gold file (pages/<id>.html, shared/bench/boilerplate) are read and cleaned
exactly as articles are (ingest + clean: trafilatura, then the line rules); the cleaned text is
scored with the benchmark's own metric (score.py beside the data, imported by path) against the
gold body, and so is trafilatura alone with its defaults (comments off) on the same pages.

The pipeline reads English articles only: a page it refuses as not English (E009) or empty is
left out of the comparison and counted. Prints F1, precision and recall of both, the
difference, and pages per second. With --floors FILE, a [boilerplate] section (f1,
vs_trafilatura) is checked and the exit code is 1 when a figure is below its floor.
"""
from __future__ import annotations

import time
from pathlib import Path

from pipeline.read import clean
from evaluation.bench_dates import load_scorer
from pipeline.config import load_settings
from pipeline.errors import PipelineError
from evaluation.floors import report, require_data
from pipeline.read.ingest import read_inputs


def run_bench(gold_path: Path, settings: dict) -> dict:
    scorer = load_scorer(gold_path)
    gold = {g["id"]: g for g in scorer.load_jsonl(gold_path)}
    import trafilatura

    ours, alone, refused = {}, {}, []
    t0 = time.perf_counter()
    for item in read_inputs(gold_path.parent / "pages", settings):
        if isinstance(item, PipelineError):
            refused.append(item.code)
            continue
        page = Path(item.source_path).stem
        try:
            ours[page] = clean.clean(item, settings).text
        except PipelineError as e:
            refused.append(e.code)
            continue
        alone[page] = trafilatura.extract(item.content, include_comments=False) or ""
    seconds = time.perf_counter() - t0
    read = [gold[p] for p in sorted(ours) if p in gold]
    mine, theirs = scorer.score(read, ours), scorer.score(read, alone)
    return {"pages": len(gold), "read": len(read), "refused": len(refused),
            "refused_codes": sorted(set(refused)), "seconds": round(seconds, 2),
            "pages_per_second": round((len(read) + len(refused)) / seconds, 1) if seconds else 0.0,
            "f1": round(mine["f1"], 4), "precision": round(mine["precision"], 4), "recall": round(mine["recall"], 4),
            "trafilatura_f1": round(theirs["f1"], 4), "trafilatura_precision": round(theirs["precision"], 4),
            "trafilatura_recall": round(theirs["recall"], 4),
            "vs_trafilatura": round(mine["f1"] - theirs["f1"], 4)}


def format_text(res: dict) -> str:
    return "\n".join([
        f"Article-body benchmark ({res['pages']} pages; {res['read']} read, {res['refused']} refused "
        f"{'/'.join(res['refused_codes']) or '-'}; {res['seconds']:.1f} s, {res['pages_per_second']:.1f} pages/s)",
        f"  pipeline cleaning:  F1 {res['f1']:.3f}  P {res['precision']:.3f}  R {res['recall']:.3f}",
        f"  trafilatura alone:  F1 {res['trafilatura_f1']:.3f}  P {res['trafilatura_precision']:.3f}  "
        f"R {res['trafilatura_recall']:.3f}   (same pages; difference {res['vs_trafilatura']:+.3f})",
    ])


def main(args) -> int:
    path = Path(require_data(args, "../shared/bench/boilerplate/gold.jsonl"))
    if not (path.parent / "pages").is_dir():
        raise PipelineError("E040", str(path), "no pages/ folder beside the gold file; "
                                               "give --data the gold.jsonl of shared/bench/boilerplate")
    return report(run_bench(path, load_settings(getattr(args, "config", None))), args, "boilerplate", format_text)
