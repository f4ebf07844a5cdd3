"""An expression as the classification rules read it: cleaned once (clean_expr), with the
forms the rules match (bare, core) and the anchor, tense and reference it is read against."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.extract.dates import values as v
from pipeline.extract.dates.vocabulary import FUZZY, LEAD, MON, WEEKDAY, Vocabulary

if TYPE_CHECKING:
    from pipeline.extract.dates.classify import Classifier

Answer = tuple[str, str]
Rule = Callable[["Expr"], "Answer | None"]   # see classify.py

# ---------------------------------------------------------------- cleaning

_TENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
         "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SPELLED_YEAR = re.compile(r"\b(?:(nineteen)[\s-]+(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                           r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(one|two|three|four|five|six|seven|eight|nine))?"
                           r"|two thousand(?:[\s-]+(?:and[\s-]+)?(one|two|three|four|five|six|seven|eight|nine|ten))?)\b")


def _spelled_year(m: re.Match) -> str:
    """'nineteen ninety-six' -> '1996', 'two thousand and one' -> '2001'."""
    if m.group(1):
        return str(1900 + _TENS[m.group(2)] + _ONES.get(m.group(3) or "", 0))
    return str(2000 + {**_ONES, "ten": 10}.get(m.group(4) or "", 0))


SPACES = re.compile(r"\s+")
_END_PUNCT_OR_POSSESSIVE = re.compile(r"'s$|[,;:.!?]+$")
_END_PUNCT = re.compile(r"[,;:!?]+$")
_ENDS_WITH_MONTH = re.compile(MON + r"$")
_POSSESSIVE_DET = re.compile(r"^(?:its|their|his|her|our|your|my)\s+")
_YEARS_END = re.compile(r"\byear's (end|start)\b")
_EARLIER_LATER_DAY = re.compile(r"^(?:earlier|later)\s+(?=(?:yesterday|today|tomorrow|tonight|that day|this (?:morning|afternoon|evening))\b)")
_YEAR_POSSESSIVE = re.compile(r"^((?:last|this|next|that|the same|the) year|(?:19|20)\d\d)'s (.+)$")
_FUZZY_CORE = re.compile(rf"^(?:the\s+)?{FUZZY}\b[\s-]*(?:the\s+)?")
_EARLIER_LATER_WEEKDAY = re.compile(rf"^(?:earlier|later)\s+(?=(?:on\s+)?{WEEKDAY}$)")
_THIS_PAST_COMING = re.compile(r"^this (past|coming)\s+")


def sub_groups(pattern: re.Pattern, template: str, s: str) -> str:
    """pattern.sub(template, s) for a template with group references, which re parses on every
    call, at ten times the cost of the search that mostly finds nothing."""
    return pattern.sub(template, s) if pattern.search(s) else s


@lru_cache(maxsize=8192)
def clean_expr(expr: str) -> str:
    """The expression as classify reads it (cached: most expressions recur from article to
    article, where classify's own cache misses them for the other anchor)."""
    e = SPACES.sub(" ", expr.strip().lower()).replace("\u2019", "'")
    e = _END_PUNCT_OR_POSSESSIVE.sub("", e) if not _ENDS_WITH_MONTH.search(e) else _END_PUNCT.sub("", e)
    e = LEAD.sub("", e)
    e = _POSSESSIVE_DET.sub("the ", e)
    e = sub_groups(_YEARS_END, r"year-\1", e)
    e = _EARLIER_LATER_DAY.sub("", e)
    e = _SPELLED_YEAR.sub(_spelled_year, e)
    e = sub_groups(_YEAR_POSSESSIVE, r"\2 of \1", e)
    return e.strip()


@lru_cache(maxsize=8192)
def core_of(bare: str) -> str:
    """bare without a fuzzy lead ("early", "the end of"), with "this past" written "this_past"."""
    core = _FUZZY_CORE.sub("", bare).strip() or bare
    core = _EARLIER_LATER_WEEKDAY.sub("", core)
    return sub_groups(_THIS_PAST_COMING, r"this_\1 ", core)


class Expr:
    """One expression as the rules read it, with its anchor, tense and reference value.

    expr: as written; e: cleaned (clean_expr); bare: e without a leading "the"; core: bare
    without a fuzzy lead and with "this past" written "this_past" (core_of); a / ay: the anchor
    day / year (None when unknown); ref: the last calendar value the text mentioned before (for
    "that year", "a year earlier"). Plain slots, set once: the rules read them many times."""

    __slots__ = ("expr", "e", "bare", "core", "anchor", "tense", "ref", "a", "ay", "classifier", "vocabulary")

    def __init__(self, expr: str, e: str, anchor: str, tense: str, ref: str, classifier: Classifier) -> None:
        self.expr, self.e, self.anchor, self.tense, self.ref = expr, e, anchor, tense, ref
        self.classifier: Classifier = classifier
        self.vocabulary: Vocabulary = classifier.vocabulary
        self.bare = e.removeprefix("the ")
        self.core = core_of(self.bare)
        self.a: dt.date | None = v.anchor_date(anchor)
        self.ay: int | None = self.a.year if self.a else (int(anchor[:4]) if anchor[:4].isdigit() else None)

    def again(self, expr: str) -> Answer:
        """Classify another expression with the same anchor, tense and reference."""
        return self.classifier.classify(expr, self.anchor, self.tense, self.ref)
