"""README documents every make target and every CLI command; every command has help."""
import re

import pytest

from pipeline.cli import build_parser
from pipeline.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
TARGETS = re.findall(r"^([a-z][\w-]*):.*?## ", MAKEFILE, flags=re.M)


def _commands(parser, prefix=()):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield prefix + (name,), sub
                yield from _commands(sub, prefix + (name,))


COMMANDS = list(_commands(build_parser()))


def test_docs_readme_starts_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("target", TARGETS)
def test_docs_readme_documents_make_target(target):
    assert f"make {target}" in README or (target == "help" and "`make`" in README)


@pytest.mark.parametrize("words,parser", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_docs_every_command_has_help_and_is_documented(words, parser):
    assert parser.description or parser.format_help().strip()
    assert (parser.description or "").strip(), f"{' '.join(words)} has no description"
    assert f"python -m pipeline {' '.join(words)}" in README


@pytest.mark.parametrize("words,parser", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_docs_help_exits_cleanly(words, parser, capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args([*words, "--help"])
    assert e.value.code == 0
    assert "usage:" in capsys.readouterr().out
