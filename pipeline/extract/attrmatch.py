"""The model's attribute_ruler matched with array operations instead of spaCy's Matcher.

spaCy's AttributeRuler (the tag map and exceptions of the en_core_web_* pipelines: POS, MORPH and
some lemmas set from TAG, LOWER, DEP) runs its Matcher over every token for each of its ~180 rules:
about 27 microseconds a token, 15% of the model's time on our articles, more than the tagger and
parser together. Its rules are fixed-length patterns of plain attribute tests, so here each rule is
tested at every position at once on the doc's attribute array (Doc.to_array), and the matches are
given, sorted as AttributeRuler.match sorts them, to the ruler's own set_annotations: the tokens
get the very same attributes (tests/test_attrmatch.py compares both on every pipe's output).

A ruler with any pattern this does not read exactly (an operator, an extension attribute, a
predicate other than IN / NOT_IN / REGEX) keeps spaCy's Matcher.
"""
from __future__ import annotations

import re

import numpy as np
from spacy.attrs import IDS
from spacy.strings import get_string_id

# attributes read with the value spaCy's Matcher compares (Token.get_struct_attr, as Doc.to_array)
ATTRS = ("ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "SHAPE", "IS_SPACE", "IS_PUNCT",
         "IS_ALPHA", "IS_DIGIT", "IS_TITLE", "IS_UPPER", "IS_LOWER", "LIKE_NUM")


class _Unsupported(Exception):
    pass


def _test(attr: str, value):
    """(attribute name, kind, operand) of one token test; _Unsupported when not read here."""
    name = attr.upper() if isinstance(attr, str) else None
    name = "ORTH" if name == "TEXT" else name
    if name not in ATTRS:
        raise _Unsupported(attr)
    if isinstance(value, bool):
        return [(name, "eq", int(value))]
    if isinstance(value, str):
        return [(name, "eq", get_string_id(value))]
    if isinstance(value, int):
        return [(name, "eq", value)]
    if not isinstance(value, dict) or not value:
        raise _Unsupported(value)
    out = []
    for op, operand in value.items():
        op = op.upper()
        if op in ("IN", "NOT_IN") and isinstance(operand, list) and all(isinstance(v, (str, int)) for v in operand):
            out.append((name, op, np.array(sorted({get_string_id(v) for v in operand}), dtype=np.uint64)))
        elif op == "REGEX" and isinstance(operand, str) and not name.startswith(("IS_", "LIKE_")):
            out.append((name, op, re.compile(operand)))
        else:
            raise _Unsupported(op)
    return out


class FastAttributeMatch:
    """AttributeRuler.match of one ruler, by array operations (see the module docstring)."""

    def __init__(self, ruler):
        self.ruler = ruler
        self.n_rules = len(ruler.attrs)
        if len(ruler.matcher) != self.n_rules:
            raise _Unsupported("rules")
        self.rules = []         # (rule number, match id, [pattern: [[tests of a token], ...]])
        columns: list[str] = []
        for i in range(self.n_rules):
            key = ruler.vocab.strings.add(str(i))    # AttributeRuler.add names rule i "i"
            if key not in ruler.matcher:
                raise _Unsupported(i)
            _on_match, patterns = ruler.matcher.get(key)
            parsed = []
            for pattern in patterns:
                if not pattern:
                    raise _Unsupported(pattern)
                tokens = []
                for spec in pattern:
                    tests = [t for attr, value in spec.items() for t in _test(attr, value)]
                    for name, _op, _operand in tests:
                        if name not in columns:
                            columns.append(name)
                    tokens.append([(columns.index(name), op, operand) for name, op, operand in tests])
                needed = [(col, operand) for tests in tokens for col, op, operand in tests if op == "eq"]
                parsed.append((tokens, needed))     # needed: values a doc must hold to match
            self.rules.append((i, key, parsed))
        self.columns = [IDS[name] for name in columns]
        self.strings = ruler.vocab.strings

    def __call__(self, doc) -> list[tuple[int, int, int, int]]:
        if len(self.ruler.matcher) != self.n_rules:     # rules added since: spaCy's own matching
            return type(self.ruler).match(self.ruler, doc)
        n = len(doc)
        if not n or not self.columns:
            return []
        array = doc.to_array(self.columns).reshape(n, len(self.columns))
        regex_hits: dict = {}
        present = [set(array[:, c].tolist()) for c in range(len(self.columns))]    # values in this doc
        matches = []
        for i, key, patterns in self.rules:
            for tokens, needed in patterns:
                width = len(tokens)
                if width > n or any(value not in present[col] for col, value in needed):
                    continue
                keep = np.ones(n - width + 1, dtype=bool)
                for k, tests in enumerate(tokens):
                    for col, op, operand in tests:
                        if keep.any():
                            keep &= self._test(array, regex_hits, k, n - width + 1 + k, col, op, operand)
                for start in np.flatnonzero(keep).tolist():
                    matches.append((i, key, start, start + width))
        matches.sort()
        return matches

    def _test(self, array, regex_hits: dict, lo: int, hi: int, col: int, op: str, operand):
        values = array[lo:hi, col]
        if op == "eq":
            return values == np.uint64(operand)
        if op == "IN":
            return np.isin(values, operand)
        if op == "NOT_IN":
            return ~np.isin(values, operand)
        hits = regex_hits.get((col, operand.pattern))      # REGEX on the attribute's string
        if hits is None:
            hits = regex_hits[(col, operand.pattern)] = np.array(
                [v for v in np.unique(array[:, col]).tolist() if operand.search(self.strings[v])], dtype=np.uint64)
        return np.isin(values, hits)


def speed_up(nlp) -> list[str]:
    """Give each attribute_ruler of nlp the array matching (FastAttributeMatch) when it reads all
    its rules; returns the names of the pipes that got it."""
    done = []
    for name, pipe in nlp.pipeline:
        if type(pipe).__name__ != "AttributeRuler" or not hasattr(pipe, "matcher"):
            continue
        if isinstance(pipe.__dict__.get("match"), FastAttributeMatch):     # set already
            done.append(name)
            continue
        try:
            pipe.match = FastAttributeMatch(pipe)
        except _Unsupported:
            continue
        done.append(name)
    return done
