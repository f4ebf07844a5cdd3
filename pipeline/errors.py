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
    "E020": ("config file not found", "check the --config path"),
    "E021": ("config file invalid", "fix the TOML syntax"),
    "E022": ("unknown setting", "check the key against pipeline/settings.toml"),
    "E023": ("model not installed", "run `make setup`, or set [model] name to an installed spaCy pipeline"),
    "E024": ("evaluation code not installed", "run the command from a source checkout (the folder holding Makefile)"),
    "E030": ("output folder not writable", "choose another --output folder"),
    "E031": ("analyst table unreadable", "save it as CSV (UTF-8, comma or semicolon) and run again; nothing was overwritten"),
    "E040": ("gold file unreadable", "check the --gold path"),
    "E041": ("quality floor crossed", "fix the regression, or lower the floor in eval/floors.toml and say why in the commit"),
    "E050": ("resource file invalid", "fix the data file under pipeline/resources/"),
    "E051": ("benchmark extra not installed", "install it with `pip install -e \".[bench]\"` (make setup does)"),
    "E056": ("unknown dates mode", "set [dates] mode to \"calendar\" or \"timeml\" in pipeline/settings.toml"),
    "E057": ("bad fold count", "give bench dates --folds a number from 2 to the number of documents"),
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
