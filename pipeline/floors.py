"""Pinned quality floors (eval/floors.toml): one section per benchmark, read and checked here
for `evaluate` and every `bench` command."""
from __future__ import annotations

import sys
import tomllib

from .errors import PipelineError


def read_floors(path: str, section: str) -> dict[str, float]:
    """The [section] table of a floors file; a missing or broken file is error E021."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f).get(section, {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise PipelineError("E021", path, f"cannot read floors ({e})")


def check_floors(scores: dict[str, float], floors: dict[str, float]) -> list[str]:
    """Messages for every figure below its floor (and for floors naming unknown figures)."""
    problems = []
    for key, floor in sorted(floors.items()):
        if key not in scores:
            problems.append(f"{key}: no such figure (known: {', '.join(sorted(scores))})")
        elif scores[key] + 1e-9 < floor:
            problems.append(f"{key} = {scores[key]:.3f} is below its floor {floor:.3f}")
    return problems


def gate(scores: dict[str, float], path: str | None, section: str) -> int:
    """Check scores against [section] of the floors file at path (if any): print one coded
    line per problem on stderr and return the exit code (0 met, 1 a floor crossed)."""
    if not path:
        return 0
    problems = check_floors(scores, read_floors(path, section))
    for p in problems:
        print(f"[E041] {path}: {p}; fix the regression, or lower the floor and say why in the commit.",
              file=sys.stderr)
    if not problems:
        print(f"floors: all met ({path} [{section}])", file=sys.stderr)
    return 1 if problems else 0
