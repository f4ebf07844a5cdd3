"""Pinned quality floors (eval/floors.toml): one section per benchmark, read and checked here
for `evaluate` and every `bench` command."""
from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

from pipeline.errors import PipelineError


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


def require_data(args, hint: str) -> str:
    """The --data path of a benchmark command: E040 when none is given, E066 when it is not there
    (the data, not its scorer, is what is missing: typically ../shared is absent)."""
    if not getattr(args, "data", None):
        raise PipelineError("E040", "--data", f"no benchmark data given; pass --data {hint}")
    if not Path(args.data).is_file():
        raise PipelineError("E066", str(args.data), f"benchmark data not found ({hint} is part of the "
                            "shared folder, expected beside the project as ../shared); put it there, or "
                            "pass --data (make: SHARED=path)")
    return args.data


def report(res: dict, args, section: str, text) -> int:
    """Print a benchmark's figures (JSON with --json, else text(res)) and gate them on [section]."""
    print(json.dumps(res) if getattr(args, "json", False) else text(res))
    return gate(res, getattr(args, "floors", None), section)
