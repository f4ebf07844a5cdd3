"""Command line: thin wrappers over run, evaluate, review and bench. Every command has --help.

    python -m pipeline run --input DIR_OR_FILE --output DIR [--config FILE]
    python -m pipeline evaluate --outputs DIR --gold FILE [--floors FILE] [--split studied|sealed]
    python -m pipeline train [--shared DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import PipelineError


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
    e.add_argument("--split", choices=["studied", "sealed"], help="score one part of the train set "
                   "(eval/SPLITS.md): only its gold records and, with --run, only its articles; sealed prints totals only")
    e.add_argument("--per-article", action="store_true", help="also print each article's figures "
                   "(refused for sealed articles)")
    e.set_defaults(func=cmd_evaluate)

    t = sub.add_parser("train", help="re-fit the calibrated confidence of agreements from the studied gold",
                       description="Run the pipeline (raw scores) over the studied gold sets (shared dev, the "
                                   "studied train split, eval/heldout, eval/heldout2), label each agreement row "
                                   "right when it matches gold, fit a logistic model (scikit-learn, the 'train' "
                                   "extra) with a fixed seed, print its cross-validation by whole articles and "
                                   "write pipeline/resources/calibration.json.")
    t.add_argument("--shared", default="../shared", help="the shared folder (corpus/, gold/; default ../shared)")
    t.add_argument("--output", help="calibration file to write (default: pipeline/resources/calibration.json)")
    t.add_argument("--work", help="folder for the runs' outputs and cache (default: a temporary folder)")
    t.add_argument("--seed", type=int, default=0, help="seed of the cross-validation folds (default 0)")
    t.add_argument("--folds", type=int, default=5, help="cross-validation folds, by whole articles (default 5)")
    t.add_argument("--check", action="store_true", help="fit and print, but do not write the file")
    t.add_argument("--json", action="store_true", help="print the cross-validation figures as JSON")
    t.set_defaults(func=cmd_train)

    rv = sub.add_parser("review", help="review progress and focused review files",
                        description="Analysts' review of the agreements, actors, dates and motives tables.")
    rv_sub = rv.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    st = rv_sub.add_parser("status", help="counts by review status and the share reviewed, per table",
                           description="Print, per review table, the rows by review_status and the share reviewed.")
    st.add_argument("--output", default="outputs", help="folder holding the tables (default: outputs)")
    st.set_defaults(func=cmd_review)
    pe = rv_sub.add_parser("pending", help="write only the pending rows of one table",
                           description="Write the pending rows of one table to <output>/review/pending-<table>.csv.")
    pe.add_argument("--table", required=True, choices=["agreements", "actors", "dates", "motives"])
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
    b.add_argument("--floors", help="TOML file of pinned floors; fail if a figure is below")
    b.set_defaults(func=cmd_bench)
    return p


def cmd_review(args) -> int:
    from pipeline.write import review
    return review.cli(args)


def cmd_train(args) -> int:
    return _evaluation("calibrate").main(args)


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
