"""Coded error messages: the codes and their fixes in one catalogue (resources/errors.jsonl),
formatted here.

Every message names the file (and line) and says what to do. Format:
    [E012] corpus/x.html: no text after cleaning (0 chars); check the file or remove it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

# The catalogue, pipeline/resources/errors.jsonl: one row per code, {"id": code, "title": short
# title, "fix": what the user should do}. The message given at raise time says what happened; the
# fix is appended when the message does not already carry one. CODES: code -> (title, fix).
CATALOGUE = Path(__file__).resolve().parent / "resources" / "errors.jsonl"


def _catalogue(path: Path = CATALOGUE) -> dict[str, tuple[str, str]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["id"]: (row["title"], row["fix"]) for row in rows}


CODES: dict[str, tuple[str, str]] = _catalogue()


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
