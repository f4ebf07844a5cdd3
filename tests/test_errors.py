"""errors: the catalogue of codes (pipeline/resources/errors.jsonl) and the message format."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import CATALOGUE, CODES, PipelineError, format_error
from pipeline.resources import load_jsonl

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"""["'](E\d{3})["']""")


def _codes_in_source() -> dict[str, str]:
    """Every code written as a string literal in the product and the evaluation code -> a file using it."""
    out = {}
    for path in sorted([*(ROOT / "pipeline").rglob("*.py"), *(ROOT / "evaluation").rglob("*.py")]):
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            out.setdefault(code, str(path.relative_to(ROOT)))
    return out


def test_errors_every_code_used_is_in_the_catalogue():
    used = _codes_in_source()
    assert len(used) > 40
    assert {code: where for code, where in used.items() if code not in CODES} == {}


def test_errors_catalogue_rows_have_a_code_a_title_and_a_fix():
    rows = load_jsonl(CATALOGUE.name, CATALOGUE.parent)
    assert [r["id"] for r in rows] == list(CODES)
    assert [r["id"] for r in rows if not re.fullmatch(r"E\d{3}", r["id"])] == []
    assert [r["id"] for r in rows if not (r.get("title", "").strip() and r.get("fix", "").strip())] == []


@pytest.mark.parametrize("message, expected", [
    ("no text after cleaning (0 chars)", f"[E008] notes/a.txt: no text after cleaning (0 chars); {CODES['E008'][1]}."),
    ("empty; write some text first.", "[E008] notes/a.txt: empty; write some text first."),
])
def test_errors_message_takes_the_catalogue_fix_unless_it_gives_one(message, expected):
    assert format_error("E008", "notes/a.txt", message) == expected
    assert str(PipelineError("E008", "notes/a.txt", message, line=3)) == expected.replace("a.txt:", "a.txt:3:")
