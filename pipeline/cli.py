"""Command line: thin wrappers over run, evaluate, review and bench. Every command has --help.

    python -m pipeline run --input DIR_OR_FILE --output DIR [--config FILE]
    python -m pipeline evaluate --outputs DIR --gold FILE [--floors FILE] [--split studied|sealed]
    python -m pipeline train [--shared DIR]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.errors import PipelineError, format_error
from pipeline.schemas import REVIEW_TABLES

CONSOLE_SCRIPT = "agreement-pipeline"        # [project.scripts] in pyproject.toml
MODULE_PROG = "python -m pipeline"
SIGPIPE_EXIT = 141                           # 128 + SIGPIPE: what a shell tool cut off by `head` exits with


def _settings(args):
    from pipeline.config import load_settings
    return load_settings(args.config)


def cmd_run(args) -> int:
    """Read articles (.txt, .html, .htm, .jsonl; folders recursively) and write articles, sentences,
    agreements, actors, dates, motives and errors CSVs."""
    from pipeline.run import run
    settings = _settings(args)
    input_path = Path(args.input or settings["run"]["input"])
    out_dir = Path(args.output or settings["run"]["output"])
    others = "keep" if args.keep_others else "drop" if args.drop_others else None
    formats = _formats(args, settings)
    if args.engine:
        settings["run"]["engine"] = args.engine
    if args.scheduler:
        settings["run"]["engine"], settings["run"]["scheduler"] = "dask", args.scheduler
    summary = run(input_path, out_dir, settings, workers=args.workers, force=args.force, others=others,
                  formats=formats)
    return _finish(summary)


def _finish(summary, line: str | None = None) -> int:
    """Print a run's (or a stage's) errors, warnings and summary line; its exit code."""
    for err in summary.errors:
        print(err["message"], file=sys.stderr)
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(line or summary.line(), file=sys.stderr)
    return summary.exit_code


def cmd_clean(args) -> int:
    """Read and clean the articles of --input (no model): OUTPUT/clean/<id>.txt (the cleaned text
    every offset indexes), index.json (metadata and errors) and articles.csv. With FILE --stdout,
    print one file's cleaned text and each line it dropped with the id of the rule that dropped it."""
    from pipeline import stages
    settings = _settings(args)
    if args.stdout:
        if not args.file:
            raise PipelineError("E093", "clean --stdout", "no FILE given")
        return stages.explain_file(Path(args.file), settings)
    if args.file or not args.output:
        raise PipelineError("E093", "clean", "no --output folder given (a FILE is read only with --stdout)")
    summary = stages.clean_stage(Path(args.input or settings["run"]["input"]), Path(args.output), settings)
    return _finish(summary, stages.stage_line(stages.CLEAN_DIR, summary, Path(args.output) / stages.CLEAN_DIR))


def cmd_extract(args) -> int:
    """Parse and extract the cleaned articles of OUTPUT/clean/ (cached per article, in worker
    processes as `run`): OUTPUT/extract/<id>.json, one article's findings (versioned), and
    index.json."""
    from pipeline import stages
    settings = _settings(args)
    out_dir = Path(args.output or settings["run"]["output"])
    summary = stages.extract_stage(out_dir, settings, workers=args.workers, force=args.force)
    return _finish(summary, stages.stage_line(stages.EXTRACT_DIR, summary, out_dir / stages.EXTRACT_DIR))


def cmd_tables(args) -> int:
    """Write the tables, merge the analysts' reviews (reviewed/, history/), build the register and
    the report and the copies, from OUTPUT/extract/ alone (no model)."""
    from pipeline import stages
    settings = _settings(args)
    out_dir = Path(args.output or settings["run"]["output"])
    others = "keep" if args.keep_others else "drop" if args.drop_others else None
    return _finish(stages.tables_stage(out_dir, others, _formats(args, settings), settings))


def _formats(args, settings: dict) -> list[str] | None:
    if not args.format:
        return None
    return list(dict.fromkeys([*settings["output"]["formats"], *args.format]))


def cmd_evaluate(args) -> int:
    """Score an outputs folder against gold JSONL (shared/spec/GOLD.md): per-field precision, recall
    and F1, status and publication-date accuracy. With --run DIR, run the pipeline over DIR first;
    with --floors, fail (exit 1) if any figure is below its pinned floor."""
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


def worker_count(text: str) -> int:
    """--workers: 0 (all cores) or a positive number; anything else is a usage error (exit 2)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(format_error(
            "E063", "--workers", f"{text!r} is not a number of processes; give 0 (all cores) or a positive number"))
    return n


# Options several commands share, defined once (as sqlite-utils' shared click options): name ->
# (flags, keywords). A command adds them with _options(parser, name, ...); `help` overrides.
OUTPUTS = "folder holding the tables (default: outputs)"
STAGES_OUTPUT = "folder of the stages and tables (default: [run] output = outputs)"
OPTIONS: dict[str, tuple[tuple[str, ...], dict]] = {
    "input": (("--input",), {"help": "folder or file of articles (default: [run] input = corpus)"}),
    "output": (("--output",), {"help": STAGES_OUTPUT}),
    "outputs": (("--output",), {"default": "outputs", "help": OUTPUTS}),
    "config": (("--config",), {"help": "TOML file overlaying pipeline/settings.toml (only the keys it sets)"}),
    "workers": (("--workers",), {"type": worker_count, "help": "worker processes (default: [run] workers; 0 = all cores)"}),
    "force": (("--force",), {"action": "store_true", "help": "ignore the per-article cache and process everything"}),
    "json": (("--json",), {"action": "store_true", "help": "print the figures as JSON"}),
    "floors": (("--floors",), {"help": "TOML file of pinned floors"}),
    "folds": (("--folds",), {"type": int, "default": 5, "help": "folds (default 5)"}),
}


def _options(parser, *names: str, **helps: str) -> None:
    """Add the shared options `names` to parser; helps: another help text for some of them."""
    for name in names:
        flags, kwargs = OPTIONS[name]
        parser.add_argument(*flags, **{**kwargs, "help": helps.get(name, kwargs["help"])})


def _command(sub, func, name: str, **kwargs) -> argparse.ArgumentParser:
    """A command (or subcommand) parser of sub, run by func; its description is func's docstring
    unless given (as click takes a command's help from its function)."""
    parser = sub.add_parser(name, **{"description": func.__doc__, **kwargs})
    parser.set_defaults(func=func)
    return parser


def build_parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=(
        "Extract agreements, actors, dates and stated motives from news articles into "
        "source-linked CSV tables."))
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for add in (_add_run, _add_stages, _add_evaluate, _add_train, _add_review, _add_explain, _add_bench):
        add(sub)
    return p


def _add_run(sub) -> None:
    """The run command."""
    r = _command(sub, cmd_run, "run", help="process articles into the output tables")
    _options(r, "input", "output", "config", "workers", output="folder for the tables (default: [run] output = outputs)")
    _add_format_and_others(r)
    _options(r, "force")
    r.add_argument("--engine", choices=["local", "dask"], help="where parsing runs (default: [run] engine = local); "
                   "dask: a LocalCluster of --workers processes, or the cluster of --scheduler")
    r.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
                   "(implies --engine dask)")


def _add_format_and_others(r) -> None:
    """--format, --keep-others and --drop-others (run and tables)."""
    r.add_argument("--format", action="append", choices=["sqlite", "parquet"], metavar="{sqlite,parquet}",
                   help="also write this copy of the tables (repeatable; added to [output] formats, "
                        "default sqlite): parquet = outputs/parquet/<table>.parquet")
    others = r.add_mutually_exclusive_group()
    others.add_argument("--keep-others", action="store_true",
                        help="the output folder holds reviewed rows of articles not in the input: keep them as they are")
    others.add_argument("--drop-others", action="store_true",
                        help="the output folder holds reviewed rows of articles not in the input: move them to "
                             "review/orphans.csv")


def _add_stages(sub) -> None:
    """The clean, extract and tables commands: `run` in three stages, one at a time."""
    c = _command(sub, cmd_clean, "clean", help="stage 1: read and clean the articles into OUTPUT/clean/")
    c.add_argument("file", nargs="?", metavar="FILE", help="with --stdout: the file to clean and print")
    c.add_argument("--stdout", action="store_true", help="print FILE's cleaning instead of writing a folder")
    _options(c, "input", "output", "config", output="folder of the stages and tables (OUTPUT/clean/ is written)")
    e = _command(sub, cmd_extract, "extract", help="stage 2: extract from OUTPUT/clean/ into OUTPUT/extract/")
    _options(e, "output", "config", "workers", "force", force="ignore the per-article cache and parse everything")
    t = _command(sub, cmd_tables, "tables", help="stage 3: the tables, reviews, register and report from OUTPUT/extract/")
    _options(t, "output", "config")
    _add_format_and_others(t)


def _add_evaluate(sub) -> None:
    """The evaluate command."""
    e = _command(sub, cmd_evaluate, "evaluate", help="score output tables against a gold file")
    src = e.add_mutually_exclusive_group(required=True)
    src.add_argument("--outputs", help="folder holding the tables to score")
    src.add_argument("--run", metavar="INPUT", help="run the pipeline over INPUT into a temporary folder, then score")
    e.add_argument("--gold", required=True, help="gold JSONL file")
    _options(e, "floors")
    e.add_argument("--section", default="dev", help="section of the floors file to check (default: dev)")
    _options(e, "json", "config", json="print the scores as JSON", config="settings overlay used with --run")
    e.add_argument("--split", choices=["studied", "sealed"], help="score one part of the train set "
                   "(eval/SPLITS.md): only its gold records and, with --run, only its articles; sealed prints totals only")
    e.add_argument("--per-article", action="store_true", help="also print each article's figures "
                   "(refused for sealed articles)")


def _add_train(sub) -> None:
    """The train command."""
    t = _command(sub, cmd_train, "train", help="re-fit the calibrated confidence of agreements from the studied gold")
    t.add_argument("--shared", default="../shared", help="the shared folder (corpus/, gold/; default ../shared)")
    t.add_argument("--output", help="calibration file to write (default: pipeline/resources/calibration.json)")
    t.add_argument("--work", help="folder for the runs' outputs and cache (default: a temporary folder)")
    t.add_argument("--seed", type=int, default=0, help="seed of the cross-validation folds (default 0)")
    _options(t, "folds", folds="cross-validation folds, by whole articles (default 5)")
    t.add_argument("--check", action="store_true", help="fit and print, but do not write the file")
    _options(t, "json", json="print the cross-validation figures as JSON")


def _add_review(sub) -> None:
    """The review commands and the register command."""
    rv = sub.add_parser("review", help="review progress and focused review files",
                        description="Analysts' review of the agreements, actors, dates and motives tables.")
    rv_sub = rv.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    st = _command(rv_sub, cmd_review, "status", help="counts by review status and the share reviewed, per table",
                  description="Print, per review table, the rows by review_status and the share reviewed.")
    _options(st, "outputs")
    pe = _command(rv_sub, cmd_review, "pending", help="write only the pending rows of one table",
                  description="Write the pending rows of one table to <output>/review/pending-<table>.csv.")
    pe.add_argument("--table", required=True, choices=REVIEW_TABLES)
    _options(pe, "outputs")
    ru = _command(rv_sub, cmd_review_rules, "rules", help="per rule id in `why`: rows produced, accepted, rejected, edited")
    _options(ru, "outputs")

    rg = _command(sub, cmd_register, "register", help="rebuild the agreement register from the tables")
    _options(rg, "outputs")


def _add_explain(sub) -> None:
    """The explain command."""
    ex = _command(sub, cmd_explain, "explain", help="why a row exists: its sentence and the chain of decisions")
    ex.add_argument("row_id", metavar="ROW_ID", help="agreement_id, actor_id, date_id or motive_id")
    _options(ex, "outputs")


def _add_bench(sub) -> None:
    """The bench command."""
    b = _command(sub, cmd_bench, "bench", help="benchmarks: dates (TempEval-3), motives (Causal News Corpus), html (article bodies), "
                 "language (the English check), scale, dask (the Dask engine beside the local one)")
    b.add_argument("what", choices=["dates", "motives", "html", "language", "scale", "dask"], help="which benchmark")
    b.add_argument("--data", help="benchmark data file (dates, motives, html, language); scale: a folder of real "
                   "articles instead of the synthetic corpus (../shared/corpus: its dev/ and train/, repeated to --n)")
    _options(b, "folds", folds="html: choose the HTML settings on K-1 of K folds of "
             "pages and score the held-out fold; dates: choose the parts of TimeML mode on K-1 document "
             "folds and score the held-out one, K times (default 5; 0 skips)")
    b.add_argument("--n", type=int, default=2000, help="corpus size (scale; dask: of the throughput runs)")
    b.add_argument("--rss-n", type=int, default=5000, help="dask: corpus size of the driver's second peak RSS "
                   "(the first is at 500)")
    b.add_argument("--rounds", type=int, default=2, help="dask: pairs of throughput runs, dask and local alternated")
    _options(b, "json")
    b.add_argument("--baseline", action="store_true", help="dates: also score plain spaCy DATE/TIME entities "
                   "valued by dateparser (slower); language: also measure lingua-language-detector")
    _options(b, "floors", floors="TOML file of pinned floors; fail if a figure is below")


def cmd_review(args) -> int:
    """review status and review pending (their descriptions are given with their parsers)."""
    from pipeline.write import review
    return review.cli(args)


def cmd_review_rules(args) -> int:
    """Count, per id in the why column of the review tables, the rows it produced and the analysts'
    decisions on them; the most rejected first."""
    from pipeline.write import why
    return why.cli_rules(args)


def cmd_explain(args) -> int:
    """Print a row of agreements, actors, dates or motives, its sentence with the span marked, and
    the rules, catalogue entries and cues (the why column) that produced it and set its status, in
    words."""
    from pipeline.write import why
    return why.cli_explain(args)


def cmd_train(args) -> int:
    """Run the pipeline (raw scores) over the studied gold sets (shared dev, the studied train
    split, eval/heldout, heldout2, heldout5) and the blind sets that set the level (eval/heldout4,
    heldout6), label each agreement row right when it matches gold, fit a logistic model
    (scikit-learn, the 'train' extra) with a fixed seed, print its cross-validation by whole
    articles and write pipeline/resources/calibration.json."""
    return _evaluation("calibrate").main(args)


def cmd_register(args) -> int:
    """Rebuild register.csv (one row per real agreement across the articles), status_events.csv and
    the register pages under report/register/ from agreements.csv and articles.csv of --output,
    keeping the analysts' decisions. No NLP; `run` does this at its end."""
    from pipeline.write import register
    return register.cli(args)


def cmd_bench(args) -> int:
    """Measure one stage on a public benchmark, or the whole pipeline's throughput."""
    return _evaluation(f"bench_{args.what}").main(args)


def main(argv: list[str] | None = None, prog: str = CONSOLE_SCRIPT) -> int:
    """The console script `agreement-pipeline` (and `python -m pipeline`, which passes its prog)."""
    try:
        args = build_parser(prog).parse_args(argv)
        try:
            code = args.func(args)
        except PipelineError as e:
            print(str(e), file=sys.stderr)
            code = 2
        sys.stdout.flush()          # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _pipe_closed()
    except SystemExit:              # --help, --version, usage errors: argparse printed them
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _pipe_closed()
        raise


def _pipe_closed() -> int:
    """The reader of our stdout went away (`... | head`): stop quietly, as a shell tool does.
    stdout is pointed at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return SIGPIPE_EXIT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
