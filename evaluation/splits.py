"""The split of the shared train set (eval/SPLITS.md): a function of the file name only.

An article's number n is the digits right after the leading `t` of its file name (or article id):
`t03_some_title.txt` is 3. Sealed when n % 3 == 0 (t03, t06, ... t48; a future t51 too), studied
otherwise (t49 is studied). A name without that number belongs to neither split.

Sealed articles are read by nobody: `evaluate --split sealed` prints totals only.
"""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import PipelineError

SPLITS = ("studied", "sealed")
NUMBER = re.compile(r"t(\d{2,})(?!\d)")


def article_number(name: str) -> int | None:
    """n of a train file name or article id ('t07_x.txt', 't07_x', 'dir/t07.meta.json' -> 7)."""
    m = NUMBER.match(Path(name).name)
    return int(m.group(1)) if m else None


def split_of(name: str) -> str | None:
    """'sealed', 'studied', or None for a name outside the train numbering."""
    n = article_number(name)
    if n is None:
        return None
    return "sealed" if n % 3 == 0 else "studied"


def check_split(split: str) -> str:
    if split not in SPLITS:
        raise PipelineError("E042", "--split", f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    return split


def gold_in_split(gold: list[dict], split: str) -> list[dict]:
    """The gold records of one split (by article_id)."""
    check_split(split)
    return [g for g in gold if split_of(g["article_id"]) == split]


def link_split(source: Path, split: str, dest: Path) -> int:
    """Fill dest with symlinks to the files of source (a folder, read recursively) whose names are
    in split (articles and their sidecars); nothing is copied. Returns the number of files linked;
    none is error E042."""
    check_split(split)
    source = Path(source)
    if not source.is_dir():
        raise PipelineError("E042", str(source), "--split needs a folder of articles named t01_..., t02_... "
                            "(eval/SPLITS.md); pass the train corpus folder")
    n = 0
    for path in sorted(source.rglob("*")):
        if path.is_file() and split_of(path.name) == split:
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
            n += 1
    if not n:
        raise PipelineError("E042", str(source), f"no file of the {split} split (names t01_..., rule in "
                            "eval/SPLITS.md); pass the train corpus folder")
    return n
