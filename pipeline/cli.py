"""Command line: thin wrappers over run, evaluate, review and bench. Every command has --help.

    python -m pipeline run --input DIR_OR_FILE --output DIR [--config FILE]
    python -m pipeline evaluate --outputs DIR --gold FILE [--floors FILE]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.schemas import REVIEW_TABLES


def _settings(args):
    from pipeline.config import load_settings
    return load_settings(args.config)


def cmd_run(args) -> int:
    from pipeline.run import run
    settings = _settings(args)
    input_path = Path(args.input or settings["run"]["input"])
    out_dir = Path(args.output or settings["run"]["output"])
    summary = run(input_path, out_dir, settings, workers=args.workers, force=args.force)
    for err in summary.errors:
        print(err["message"], file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    return summary.exit_code


def cmd_evaluate(args) -> int:
    return _evaluation("evaluate").main(args)


def _evaluation(module: str):
    """A module of evaluation/, which lives beside the package in a source checkout and is not
    installed with the product."""
    import importlib
    try:
        return importlib.import_module(f"evaluation.{module}")
    except ModuleNotFoundError as e:
        if e.name not in ("evaluation", f"evaluation.{module}"):
            raise
        raise PipelineError("E024", "evaluation/", "the evaluation and benchmark code is not installed with the "
                            "product; run this command from a source checkout (the folder holding Makefile)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=(
        "Extract agreements, actors, dates and stated motives from news articles into "
        "source-linked CSV tables."))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="process articles into the output tables",
                       description="Read articles (.txt, .html, .htm, .jsonl; folders recursively) and "
                                   "write articles, sentences, agreements, actors, dates, motives and errors CSVs.")
    r.add_argument("--input", help="folder or file of articles (default: [run] input = corpus)")
    r.add_argument("--output", help="folder for the tables (default: [run] output = outputs)")
    r.add_argument("--config", help="TOML file overlaying pipeline/settings.toml (only the keys it sets)")
    r.add_argument("--workers", type=int, help="worker processes (default: [run] workers; 0 = all cores)")
    r.add_argument("--force", action="store_true", help="ignore the per-article cache and process everything")
    r.set_defaults(func=cmd_run)

    e = sub.add_parser("evaluate", help="score output tables against a gold file",
                       description="Score an outputs folder against gold JSONL (shared/spec/GOLD.md): "
                                   "per-field precision, recall and F1, status and publication-date accuracy. "
                                   "With --run DIR, run the pipeline over DIR first; with --floors, fail (exit 1) "
                                   "if any figure is below its pinned floor.")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--outputs", help="folder holding the tables to score")
    src.add_argument("--run", metavar="INPUT", help="run the pipeline over INPUT into a temporary folder, then score")
    e.add_argument("--gold", required=True, help="gold JSONL file")
    e.add_argument("--floors", help="TOML file of pinned floors")
    e.add_argument("--section", default="dev", help="section of the floors file to check (default: dev)")
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.add_argument("--config", help="settings overlay used with --run")
    e.set_defaults(func=cmd_evaluate)

    rv = sub.add_parser("review", help="review progress and focused review files",
                        description="Analysts' review of the agreements, actors, dates and motives tables.")
    rv_sub = rv.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    st = rv_sub.add_parser("status", help="counts by review status and the share reviewed, per table",
                           description="Print, per review table, the rows by review_status and the share reviewed.")
    st.add_argument("--output", default="outputs", help="folder holding the tables (default: outputs)")
    st.set_defaults(func=cmd_review)
    pe = rv_sub.add_parser("pending", help="write only the pending rows of one table",
                           description="Write the pending rows of one table to <output>/review/pending-<table>.csv.")
    pe.add_argument("--table", required=True, choices=REVIEW_TABLES)
    pe.add_argument("--output", default="outputs", help="folder holding the tables (default: outputs)")
    pe.set_defaults(func=cmd_review)

    b = sub.add_parser("bench", help="benchmarks: dates (TempEval-3), motives (Causal News Corpus), html (article bodies), scale",
                       description="Measure one stage on a public benchmark, or the whole pipeline's throughput.")
    b.add_argument("what", choices=["dates", "motives", "html", "scale"], help="which benchmark")
    b.add_argument("--data", help="benchmark data file (dates, motives, html)")
    b.add_argument("--n", type=int, default=2000, help="synthetic corpus size (scale)")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.add_argument("--baseline", action="store_true", help="dates: also score plain spaCy DATE/TIME entities "
                   "valued by dateparser (slower)")
    b.add_argument("--folds", type=int, default=0, help="dates: also choose the parts of TimeML mode on K-1 "
                   "document folds and score the held-out one, K times (mean held-out figures)")
    b.add_argument("--floors", help="TOML file of pinned floors; fail if a figure is below")
    b.set_defaults(func=cmd_bench)
    return p


def cmd_review(args) -> int:
    from pipeline.write import review
    return review.cli(args)


def cmd_bench(args) -> int:
    return _evaluation(f"bench_{args.what}").main(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as e:
        print(str(e), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
