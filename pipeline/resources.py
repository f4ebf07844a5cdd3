"""Load the data files under pipeline/resources/ (JSONL rows with ids), once per process, and turn
word lists into regex alternations; and the case folding that lets patterns written in lowercase
scan lowered text without IGNORECASE (lowered, written_in_lowercase, may_contain), shared by the
date rules, the publication-date forms and the agreement patterns."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError


@lru_cache(maxsize=None)
def load_jsonl(name: str, folder: Path = RESOURCES_DIR) -> tuple[dict, ...]:
    """Rows of <folder>/<name> (pipeline/resources/ unless told); every row must have a unique 'id'."""
    path = folder / name
    rows, ids = [], set()
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise PipelineError("E050", str(path), f"line {i} is not valid JSON ({e.msg})")
            if not isinstance(row, dict) or not row.get("id"):
                raise PipelineError("E050", str(path), f"line {i} has no 'id'")
            if row["id"] in ids:
                raise PipelineError("E050", str(path), f"line {i} repeats id {row['id']}")
            ids.add(row["id"])
            rows.append(row)
    return tuple(rows)


def pattern_text(name: str, pattern_id: str, folder: Path = RESOURCES_DIR) -> str:
    """The regex text of row pattern_id of a pattern resource (<folder>/<name>, rows {"id",
    "pattern", "used_in": the module compiling it, with its engine and flags}); E050 when there is
    no such row."""
    for row in load_jsonl(name, folder):
        if row["id"] == pattern_id:
            return row["pattern"]
    raise PipelineError("E050", str(folder / name), f"no pattern with id {pattern_id!r}")


def word_list(name: str, list_id: str, folder: Path = RESOURCES_DIR) -> frozenset[str]:
    """The words of row list_id of a word-list resource (<folder>/<name>, rows {"id", "words",
    optional "with": ids of rows whose words it takes too, "used_in": the module reading it});
    E050 when there is no such row."""
    rows = {row["id"]: row for row in load_jsonl(name, folder)}
    if list_id not in rows:
        raise PipelineError("E050", str(folder / name), f"no word list with id {list_id!r}")
    row = rows[list_id]
    return frozenset(row.get("words", ())).union(*(word_list(name, other, folder) for other in row.get("with", ())))


@lru_cache(maxsize=None)
def compiled_patterns(name: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(id, compiled full-line regex) for a resource of {'id', 'pattern'} rows."""
    out = []
    for row in load_jsonl(name):
        try:
            out.append((row["id"], re.compile(row["pattern"], re.I)))
        except re.error as e:
            raise PipelineError("E050", str(RESOURCES_DIR / name), f"{row['id']}: bad pattern ({e})")
    return tuple(out)


def alternation(forms, unit=re.escape) -> str:
    """A regex matching any of forms, written as a character trie so that the engine tries one
    branch per character instead of every form at every position (a plain "a|b|c" over hundreds
    of names is the slowest part of a text scan). Where one form extends another, the longer is
    tried first, as in a longest-first alternation. unit(char) gives the regex of one character
    (re.escape by default; the catalogue also lets a hyphen or space vary)."""
    return _trie(frozenset(forms), unit)


@lru_cache(maxsize=256)
def _trie(forms: frozenset[str], unit) -> str:
    words = sorted(forms)       # the forms under one trie node are a run of it
    units: dict[str, str] = {}

    def build(lo: int, hi: int, k: int) -> tuple[str, int]:
        """(regex of the node whose forms are words[lo:hi], sharing their first k characters;
        length of the longest rest). Branches go longest first, ties in character order."""
        end = len(words[lo]) == k               # a form ends here (it sorts first)
        branches = []
        i = lo + end
        while i < hi:
            ch, j = words[i][k], i + 1
            while j < hi and words[j][k] == ch:
                j += 1
            body, depth = build(i, j, k + 1)
            if ch not in units:
                units[ch] = unit(ch)
            branches.append((-depth, ch, units[ch] + body))
            i = j
        if not branches:
            return "", 0
        branches.sort()
        body = branches[0][2] if len(branches) == 1 else "(?:" + "|".join(b[2] for b in branches) + ")"
        return (f"(?:{body})?" if end else body), 1 - branches[0][0]

    return build(0, len(words), 0)[0] if words else "(?!)"


class NotAfter:
    """The regex (?<![chars])core, e.g. (?<![\\w.])(Japan|...): a gazetteer name not glued to the
    word before it. Run as core alone, then the character before each match is tested: the same
    matches, about twice as fast, because a regex that opens with a lookbehind is tried at every
    position while one that opens with a big alternation skips to the characters a name can start
    with (for a case-sensitive core: under IGNORECASE re finds no such characters, and the
    lookbehind is the faster form). not_after is a character class; core must not match the
    empty string."""

    def __init__(self, not_after: str, core: str):
        self.not_after = re.compile(not_after)
        self.core = re.compile(core)

    def finditer(self, text: str) -> Iterator[re.Match]:
        pos = 0
        while m := self.core.search(text, pos):
            if m.start() and self.not_after.match(text, m.start() - 1):
                pos = m.start() + 1             # the lookbehind fails here: try the next position
            else:
                yield m
                pos = m.end()

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)


# Characters that a pattern written in lowercase could take otherwise in text.lower() than
# IGNORECASE does in text, or the regex module otherwise than re: 'İ' (lowered to two characters),
# 'ı' (re takes it for i under IGNORECASE) and 'ſ' (taken for s); the controls that re takes for
# spaces (\x1c-\x1f); the supplementary planes, where the regex module knows digits re does not.
_SCANNED_APART = re.compile("[\u0130\u0131\u017f\x1c-\x1f\U00010000-\U0010ffff]")


def lowered(text: str) -> str | None:
    """text.lower() for patterns written in lowercase to scan without IGNORECASE, which is faster,
    under re or the regex module: they find there just what they find in text with IGNORECASE
    under either (at the same offsets); None for a text with a character scanned apart."""
    return None if _SCANNED_APART.search(text) else text.lower()


def may_contain(low: str | None, words) -> bool:
    """Could a case-insensitive pattern that needs one of these lowercase ASCII words match in the
    text that lowered() gave low for? A substring test is far cheaper than a scan; where lowered
    refused the text (low is None), yes."""
    return low is None or any(map(low.__contains__, words))


_ESCAPE = re.compile(r"\\[^xuUNpP0-9]", re.S)    # not those that can spell a character or a class of them
_NAMED_GROUP = re.compile(r"\(\?P(?:<\w+>|=\w+\))")
_FLAG_GROUP = re.compile(r"\(\?(?![:=!(]|<[=!])")


def written_in_lowercase(pattern: str) -> bool:
    """Can pattern, compiled without IGNORECASE, scan lowered text (see lowered) as it scans the
    text itself with IGNORECASE? Yes when, escapes aside (\\S, \\W, \\B keep their meaning),
    its letters are lowercase ASCII (literals and class ranges: what tests/test_resources.py checks
    over every code point), and it has no inline flag group and no escape that names a character
    by its code or a property (\\x41, \\N{...}, \\p{Lu})."""
    bare = _NAMED_GROUP.sub("(", _ESCAPE.sub("", pattern))
    return "\\" not in bare and not _FLAG_GROUP.search(bare) and \
        all(not c.isalpha() or "a" <= c <= "z" for c in bare)


def read_json(path: Path, code: str, fix: str) -> object:
    """A JSON data file (a learned model's weights), or the coded error naming it and the fix."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:      # ValueError: not UTF-8, or not JSON
        raise PipelineError(code, str(path), f"cannot read it ({type(e).__name__}: {e}); {fix}") from None


def parse_weights(data: object, parse, where: str, what: str):
    """parse(data): a learned model read from its JSON weights, or E050 naming the file when they are
    malformed (a key missing, a value of the wrong type)."""
    try:
        return parse(data)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise PipelineError("E050", where, f"{what} weights malformed ({e}); "
                                           "rebuild them with `make train` (evaluation/train_agreements.py)") from None


def load_weights(name: str, parse, absent, what: str):
    """The learned model shipped as resources/<name> (see parse_weights); `absent` (the rules alone)
    when the file is not there."""
    path = RESOURCES_DIR / name
    if not path.exists():
        return absent
    return parse_weights(read_json(path, "E050", f"rebuild the {what} with `make train`"), parse, str(path), what)
