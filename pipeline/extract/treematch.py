"""Dependency patterns (spaCy's DependencyMatcher format) matched by walking the parse.

Our cue lexicons use a small part of that format: REL_OP ">" (the right node is a child of
the left one) and RIGHT_ATTRS on LOWER, LEMMA, ORTH, TAG, DEP, POS (a value, {"IN": [...]} or
{"NOT_IN": [...]}), LENGTH ({"==" | ">=" | "<=" | ">" | "<": n}) and IS_UPPER, IS_TITLE,
IS_ALPHA, IS_DIGIT, IS_PUNCT (true/false). compile() refuses anything else with ValueError, so a
lexicon row never silently matches less than spaCy would.

spaCy's DependencyMatcher finds every node's candidates with a token Matcher over the whole doc
and walks each candidate's ancestors; for child-only patterns, starting from the tokens that fit
the first node and looking only at children finds the same matches (every combination, in
pattern node order) at a fraction of the cost. A pattern is skipped outright in a sentence that
lacks a word one of its nodes asks for.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass

from spacy.attrs import DEP, HEAD, IS_ALPHA, IS_DIGIT, IS_PUNCT, IS_TITLE, IS_UPPER, LEMMA, LENGTH, LOWER, ORTH, POS, TAG
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc

# Columns of the token array every pattern reads (see arrays()).
COLUMNS = (LOWER, LEMMA, ORTH, TAG, DEP, POS, LENGTH, IS_UPPER, IS_TITLE, IS_ALPHA, IS_DIGIT, IS_PUNCT, HEAD)
WORD_COLUMNS = {"LOWER": 0, "LEMMA": 1, "ORTH": 2, "TAG": 3, "DEP": 4}
POS_COLUMN, LENGTH_COLUMN, HEAD_COLUMN = 5, 6, 12
FLAG_COLUMNS = {"IS_UPPER": 7, "IS_TITLE": 8, "IS_ALPHA": 9, "IS_DIGIT": 10, "IS_PUNCT": 11}
COMPARE = {"==": operator.eq, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
# Word attributes a sentence must hold for a pattern to match it (see word_needs()).
NEED_ATTRS = ("LOWER", "LEMMA", "ORTH")

Test = tuple[str, int, object]   # ("in" | "not_in" | "cmp" | "flag", column, argument)


@dataclass(frozen=True)
class TreePattern:
    key: str
    parents: tuple[int, ...]             # per node: the index of its parent node (-1 for the first)
    tests: tuple[tuple[Test, ...], ...]  # per node: what its token must satisfy
    needs: tuple[tuple[int, frozenset[int]], ...]   # (column, word hashes) a sentence must hold


@dataclass(frozen=True)
class DocArrays:
    """What matching reads from a doc, extracted once: a row of COLUMNS per token, and children."""

    rows: list[list[int]]
    children: list[list[int]]


def arrays(doc: Doc) -> DocArrays:
    rows = doc.to_array(list(COLUMNS)).astype("int64").tolist()
    children: list[list[int]] = [[] for _ in rows]
    for i, row in enumerate(rows):
        if row[HEAD_COLUMN]:
            children[i + row[HEAD_COLUMN]].append(i)
    return DocArrays(rows, children)


def _value_id(attr: str, value: object) -> int:
    if attr == "POS":
        if value not in POS_IDS:
            raise ValueError(f"unknown POS '{value}'")
        return POS_IDS[value]
    return get_string_id(str(value))


def _as_int(value: int) -> int:
    """A string hash as to_array(...).astype('int64') gives it."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _tests(attrs: dict) -> tuple[Test, ...]:
    out: list[Test] = []
    for attr, value in attrs.items():
        if attr in WORD_COLUMNS or attr == "POS":
            col = POS_COLUMN if attr == "POS" else WORD_COLUMNS[attr]
            if isinstance(value, str):
                value = {"IN": [value]}
            if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN"):
                raise ValueError(f"{attr}: only a value, IN or NOT_IN is supported (got {value!r})")
            op, words = next(iter(value.items()))
            out.append(("in" if op == "IN" else "not_in", col,
                        frozenset(_as_int(_value_id(attr, w)) for w in words)))
        elif attr == "LENGTH":
            if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in COMPARE:
                raise ValueError(f"LENGTH: only one of {sorted(COMPARE)} is supported (got {value!r})")
            op, n = next(iter(value.items()))
            out.append(("cmp", LENGTH_COLUMN, (COMPARE[op], int(n))))
        elif attr in FLAG_COLUMNS:
            if not isinstance(value, bool):
                raise ValueError(f"{attr}: true or false expected (got {value!r})")
            out.append(("flag", FLAG_COLUMNS[attr], value))
        else:
            raise ValueError(f"attribute {attr} is not supported in dependency patterns")
    return tuple(out)


def word_needs(specs: list[dict]) -> tuple[tuple[int, frozenset[int]], ...]:
    """What a sentence must contain for a pattern of these token specs (token-Matcher patterns
    or dependency nodes' RIGHT_ATTRS) to match: for each spec that is not optional (no OP, or
    "+", "{n,m}" with n >= 1) and asks for a word by LOWER, LEMMA or ORTH (a value or an IN list),
    the column and the words it accepts. Empty when the pattern can match anywhere."""
    out = []
    for spec in specs:
        op = str(spec.get("OP", ""))
        if op in ("?", "*", "!") or re.fullmatch(r"\{0?,\d*\}|\{0\}", op):
            continue
        for attr in NEED_ATTRS:
            value = spec.get(attr)
            if isinstance(value, str):
                value = {"IN": [value]}
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                out.append((WORD_COLUMNS[attr], frozenset(_as_int(get_string_id(str(w))) for w in value["IN"])))
    return tuple(out)


def words_in(arr: DocArrays, lo: int, hi: int) -> list[set[int]]:
    """The words of tokens [lo, hi) per column, for possible()."""
    rows = arr.rows[lo:hi]
    return [{row[col] for row in rows} for col in range(len(NEED_ATTRS))]


def possible(needs: tuple[tuple[int, frozenset[int]], ...], words: list[set[int]]) -> bool:
    """Can a pattern with these needs match where these words are?"""
    return all(not accepted.isdisjoint(words[col]) for col, accepted in needs)


# Words too common to pick a pattern's key word from (see NeedIndex).
COMMON = frozenset(_as_int(get_string_id(w)) for w in (
    "to", "the", "a", "an", "of", "for", "in", "on", "at", "by", "as", "with", "and", "or", "that", "it", "is",
    "be", "will", "would", "can", "could", "may", "might", "must", "should", "'ll", "this", "which", "what"))


class NeedIndex:
    """Which of many patterns can match in a sentence, without testing each: every pattern is
    filed under the words of one of its needs (the rarest-looking), so a sentence only tests
    the patterns filed under its own words (and those that need no word at all)."""

    def __init__(self, needs: list[tuple[tuple[int, frozenset[int]], ...]]):
        self.needs = needs
        self.always = [i for i, n in enumerate(needs) if not n]
        self.filed: list[dict[int, list[int]]] = [{} for _ in NEED_ATTRS]
        for i, pattern_needs in enumerate(needs):
            if pattern_needs:
                col, words = min(pattern_needs, key=lambda n: (n[1] <= COMMON, len(n[1])))
                for w in words:
                    self.filed[col].setdefault(w, []).append(i)
        self.keys = [frozenset(f) for f in self.filed]

    def candidates(self, words: list[set[int]]) -> list[int]:
        """Indexes of the patterns whose needs the words meet, in order."""
        found = set(self.always)
        for col, filed in enumerate(self.filed):
            for w in self.keys[col].intersection(words[col]):
                found.update(filed[w])
        return sorted(i for i in found if possible(self.needs[i], words))


def compile(key: str, pattern: list[dict]) -> TreePattern:
    """A DependencyMatcher pattern (list of node dicts) as a TreePattern; ValueError if unsupported."""
    ids: dict[str, int] = {}
    parents, tests = [], []
    for i, node in enumerate(pattern):
        right = node.get("RIGHT_ID")
        if not right or right in ids:
            raise ValueError(f"node {i}: RIGHT_ID missing or used twice")
        if i == 0:
            if "LEFT_ID" in node or "REL_OP" in node:
                raise ValueError("the first node takes no LEFT_ID or REL_OP")
            parents.append(-1)
        else:
            if node.get("REL_OP") != ">":
                raise ValueError(f"node {right}: only REL_OP '>' is supported (got {node.get('REL_OP')!r})")
            if node.get("LEFT_ID") not in ids:
                raise ValueError(f"node {right}: LEFT_ID must name an earlier node")
            parents.append(ids[node["LEFT_ID"]])
        ids[right] = i
        tests.append(_tests(node.get("RIGHT_ATTRS", {})))
    return TreePattern(key, tuple(parents), tuple(tests), word_needs([n.get("RIGHT_ATTRS", {}) for n in pattern]))


def _fits(row: list[int], tests: tuple[Test, ...]) -> bool:
    for kind, col, arg in tests:
        value = row[col]
        if kind == "in":
            if value not in arg:
                return False
        elif kind == "not_in":
            if value in arg:
                return False
        elif kind == "cmp":
            if not arg[0](value, arg[1]):
                return False
        elif bool(value) is not arg:
            return False
    return True


def match(pattern: TreePattern, arr: DocArrays, lo: int, hi: int) -> list[list[int]]:
    """Every assignment of tokens in [lo, hi) to the pattern's nodes, in node order."""
    rows, children = arr.rows, arr.children
    out: list[list[int]] = []
    n = len(pattern.parents)
    assigned = [0] * n

    def extend(k: int) -> None:
        if k == n:
            out.append(list(assigned))
            return
        for c in children[assigned[pattern.parents[k]]]:
            if lo <= c < hi and _fits(rows[c], pattern.tests[k]):
                assigned[k] = c
                extend(k + 1)

    first = pattern.tests[0]
    # the first node's tokens: those holding a value its first "in" test accepts (a comprehension
    # is far cheaper than calling _fits on every token), then the whole test
    col, accepted = next(((c, arg) for kind, c, arg in first if kind == "in"), (-1, None))
    for i in range(lo, hi) if accepted is None else [i for i in range(lo, hi) if rows[i][col] in accepted]:
        if _fits(rows[i], first):
            assigned[0] = i
            extend(1)
    return out
