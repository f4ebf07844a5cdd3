"""Coded error messages, kept in one place.

Every message names the file (and line) and says what to do. Format:
    [E012] corpus/x.html: no text after cleaning (0 chars); check the file or remove it.
"""
from __future__ import annotations

from dataclasses import dataclass

# code -> (short title, what the user should do). The message given at raise time says what
# happened; the advice here is appended when the message does not already carry one.
CODES: dict[str, tuple[str, str]] = {
    "E001": ("input not found", "check the --input path"),
    "E002": ("cannot read file", "check the file's permissions"),
    "E003": ("empty file", "remove it or add the article text"),
    "E004": ("binary file", "only .txt, .html, .htm and .jsonl articles are read; remove it"),
    "E005": ("undecodable text", "save the file as UTF-8"),
    "E006": ("unsupported file type", "use .txt, .html, .htm or .jsonl, or move it out of the input folder"),
    "E007": ("file too large", "split it into one article per file, or raise ingest.max_bytes"),
    "E008": ("no text after cleaning", "check the file or remove it"),
    "E009": ("not English", "the pipeline reads English articles only; translate it or remove it"),
    "E010": ("malformed HTML", "save the page again or give its text as .txt"),
    "E011": ("duplicate article id", "rename one of the files or change the JSONL id"),
    "E012": ("broken JSONL line", "fix the JSON on that line"),
    "E013": ("JSONL record lacks fields", "give each line an 'id' and a 'text' or 'html'"),
    "E014": ("broken sidecar", "fix the JSON in the .meta.json file or delete it; the article was read without it"),
    "E015": ("article failed in processing", "report it with the file attached; the other articles were written"),
    "E016": ("HTML cleaning setting invalid", "set [clean] html_favour to precision, balanced or recall and "
                                              "html_line_rules to all, patterns, furniture or none"),
    "E017": ("language identifier not installed", "run `make setup` (py3langid is a core dependency)"),
    "E020": ("config file not found", "check the --config path"),
    "E021": ("config file invalid", "fix the TOML syntax"),
    "E022": ("unknown setting", "check the key against pipeline/settings.toml"),
    "E023": ("model not installed", "run `make setup`, or set [model] name to an installed spaCy pipeline"),
    "E024": ("evaluation code not installed", "run the command from a source checkout (the folder holding Makefile)"),
    "E030": ("output folder not writable", "choose another --output folder"),
    "E031": ("analyst table unreadable", "save it as CSV (UTF-8, comma or semicolon) and run again; nothing was overwritten"),
    "E032": ("output file cannot be replaced", "make the file and its folder writable, or close the program that holds it, and run again"),
    "E033": ("output folder holds reviews of other articles", "run again with --keep-others or --drop-others, or choose another --output folder"),
    "E034": ("output folder in use by another run", "wait for that run to end, or stop it, and run again"),
    "E035": ("review value changed on a row not marked edited (warning)", "mark the row 'edited' and type the value again"),
    "E036": ("input field ignored", "fix the field; the article was read without it"),
    "E037": ("article too long for the model", "split it into several articles of under 1,000,000 characters"),
    "E040": ("gold file unreadable", "check the --gold path"),
    "E041": ("quality floor crossed", "fix the regression, or lower the floor in eval/floors.toml and say why in the commit"),
    "E042": ("no article in that split", "pass the train corpus and its gold (names t01_..., rule in eval/SPLITS.md)"),
    "E043": ("per-article figures of sealed articles refused", "drop --per-article; sealed articles give totals only"),
    "E044": ("calibration file invalid", "run `make train` to write pipeline/resources/calibration.json again"),
    "E045": ("training needs scikit-learn", "install the train extra: pip install -e '.[train]'"),
    "E046": ("training set missing", "pass --shared pointing at the shared folder (corpus/ and gold/)"),
    "E080": ("Dask not installed", "install the extra with `pip install .[dask]` (make setup does) or use --engine local"),
    "E081": ("article crashed its worker", "the article killed a Dask worker twice; check its size and content, or run it with --engine local to see the error"),
    "E082": ("Dask scheduler unreachable", "check the --scheduler address and that dask-scheduler is running"),
    "E083": ("unknown engine", "use --engine local or --engine dask"),
    "E130": ("Dask cluster has no worker", "start workers for that scheduler (dask-worker ADDRESS), or read the workers' logs: they fail to start or to import the pipeline"),
    "E090": ("stage not run yet", "run the previous stage first: clean, then extract, then tables (or `run`)"),
    "E091": ("stage index unreadable", "run the stage that writes it again"),
    "E092": ("stage artifact missing or damaged", "run the stage that writes it again"),
    "E093": ("clean needs an output", "give --output DIR, or FILE --stdout to print one file's cleaning"),
    "E095": ("row not found", "copy the row's ID from agreements.csv, actors.csv, dates.csv or motives.csv of that --output"),
    "E096": ("no review tables", "run `python -m pipeline run --output DIR` first, or point --output at the folder holding the tables"),
    "E050": ("resource file invalid", "fix the data file under pipeline/resources/"),
    "E051": ("benchmark extra not installed", "install it with `pip install -e \".[bench]\"` (make setup does)"),
    "E056": ("unknown dates mode", "set [dates] mode to \"calendar\" or \"timeml\" in pipeline/settings.toml"),
    "E057": ("bad fold count", "give bench dates --folds a number from 2 to the number of documents"),
    "E060": ("no tables to load", "give load_tables the folder a run wrote, e.g. outputs"),
    "E061": ("table breaks its schema", "fix the cells in the spreadsheet, or run the pipeline again"),
    "E062": ("join key missing", "run the pipeline again to write the table with its current columns"),
    "E063": ("invalid worker count", "give --workers 0 (all cores) or a positive number"),
    "E064": ("no input files", "put articles (.txt, .html, .htm, .jsonl) in the input folder or give another --input"),
    "E065": ("no gold article in the outputs", "score the outputs of a run over the gold's articles (or use --run)"),
    "E066": ("benchmark data missing", "put the shared folder beside the project (../shared) or pass --data"),
    "E067": ("unknown output format", "use formats from sqlite, parquet in [output] formats or --format"),
    "E068": ("optional package missing", "install the extra named in the message (`make setup` installs them all)"),
    "E070": ("register review value invalid", "fix the cell in register.csv and run again; nothing was overwritten"),
    "E071": ("register merge target not found", "set merge_into to a register_id of register.csv; the decision is kept "
             "in review/register-decisions.csv and applied once its target exists"),
    "E072": ("register decisions file invalid", "fix or delete the line in review/register-decisions.csv"),
    "E073": ("no tables to build the register from", "run `python -m pipeline run --output DIR` first"),
    "E110": ("no real articles to benchmark", "give bench scale --data the shared corpus folder (../shared/corpus, "
             "holding dev/ and train/) or a folder of .txt/.html articles"),
}


def format_error(code: str, path: str, message: str, line: int | None = None) -> str:
    where = f"{path}:{line}" if line else path
    text = message.rstrip(".")
    if ";" not in text and code in CODES:
        text = f"{text}; {CODES[code][1]}"
    return f"[{code}] {where}: {text}."


@dataclass
class PipelineError(Exception):
    """A failure that stops one input (or, for config/usage errors, the run)."""

    code: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:  # pragma: no cover - trivial
        return format_error(self.code, self.path, self.message, self.line)

    def row(self) -> dict[str, str]:
        return {"path": self.path, "line": str(self.line or ""), "code": self.code, "message": str(self)}
