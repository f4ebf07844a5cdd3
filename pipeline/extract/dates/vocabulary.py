"""The calendar vocabulary of the dates stage: the regex fragments every rule is written with,
the number, unit and season words, and the lexicons kept as data (resources/date_words.jsonl:
fixed words such as "today" or "annually"; resources/date_holidays.jsonl: named days and the rule
that dates them).

A `Vocabulary` holds the two lexicons and the matcher built from them. `Vocabulary.packaged()`
is the one built from pipeline/resources/ (built once per process); a test builds one from its
own rows to show a stage reads what it is given.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cached_property, lru_cache

import regex

from pipeline.read.pubdate import MONTH_NAMES
from pipeline.resources import load_jsonl

CALENDAR_KINDS = ("DATE", "TIME")       # CLOCK (a time of day alone) and the others are not calendar time
MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
MONTH_FULL = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
MONTH_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\."
MONTH_STEMS = tuple(m[:3] for m in MONTH_NAMES)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
PART_OF_DAY = r"(?:morning|afternoon|evening|night|overnight|noon|midday|midnight)"
NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUM_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                  "ninety": 90, "hundred": 100, "a": 1, "an": 1, "one-and-a-half": 1.5,
                  "a couple of": 2, "couple of": 2, "a dozen": 12, "dozen": 12})
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "last": 4, "final": 4}
UNIT_CODE = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "E", "century": "C",
             "quarter": "Q", "hour": "H", "minute": "MIN", "second": "S", "weekend": "WE"}
SEASON = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
PART_CODE = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "overnight": "TNI"}
LEAD = re.compile(r"^(?:(?:on|in|at(?! least)|by|since|from|until|till|to|before|after|during|of|around|about|as of|through|"
                  r"throughout|circa|for|within|over|into|between|starting|beginning|ending|as early as|as late as|"
                  r"no later than|as recently as|sometime|some time|roughly|approximately|nearly|almost|just)\s+)+", re.I)
FUZZY = r"(?:early|late|mid|middle|the end of|the beginning of|the start of|the middle of|the rest of|the remainder of|the turn of|end of|end-|start of|beginning of|the close of|the latter part of|the first part of)"


class Vocabulary:
    """The date lexicons and the holiday matcher built from them.

    words: rows of date_words.jsonl ({'text', 'kind', 'value'} or a DAY row with 'offset' and
    optional 'part'); holidays: rows of date_holidays.jsonl ({'names', 'rule', ...})."""

    def __init__(self, words: tuple[dict, ...], holidays: tuple[dict, ...]) -> None:
        self.words: dict[str, dict] = {row["text"]: row for row in words if row["kind"] != "GENERIC"}
        # nouns that make "today's" mean the present in general ("today's youth"), not the day
        self.generic: frozenset[str] = frozenset(row["text"] for row in words if row["kind"] == "GENERIC")
        self.holidays: dict[str, dict] = {name: row for row in holidays for name in row["names"]}

    @classmethod
    def packaged(cls) -> Vocabulary:
        """The vocabulary of pipeline/resources/ (built once per process)."""
        return _packaged()

    @cached_property
    def holiday_pattern(self) -> tuple[regex.Pattern, tuple[str, ...]]:
        """The pattern of the holiday names (not those starting "the "), and the words one of which
        the text must hold for it to match: each name up to its first apostrophe, leaving out those
        that hold a shorter one ("christmas day" holds "christmas")."""
        names = sorted((n for n in self.holidays if not n.startswith("the ")), key=len, reverse=True)
        alt = "|".join(re.escape(n).replace("'", "['\u2019]?") for n in names)
        stems = {n.split("'")[0].lower() for n in names}
        words = tuple(sorted(w for w in stems if not any(v != w and v in w for v in stems)))
        return regex.compile(rf"\b(?:{alt})(?:,?\s+{YEAR})?\b", regex.I), words


@lru_cache(maxsize=1)
def _packaged() -> Vocabulary:
    return Vocabulary(load_jsonl("date_words.jsonl"), load_jsonl("date_holidays.jsonl"))


def easter(y: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return dt.date(y, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def holiday_date(rule: dict, y: int) -> dt.date:
    """The day a holiday row falls on in year y: a fixed day, an offset from Easter, or the n-th
    (n < 0: last) weekday of a month."""
    if rule["rule"] == "fixed":
        return dt.date(y, rule["month"], rule["day"])
    if rule["rule"] == "easter":
        return easter(y) + dt.timedelta(days=rule.get("offset", 0))
    if rule["n"] > 0:
        first = dt.date(y, rule["month"], 1)
        return first + dt.timedelta(days=(rule["weekday"] - first.weekday()) % 7 + 7 * (rule["n"] - 1))
    nxt = dt.date(y + (rule["month"] == 12), rule["month"] % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - rule["weekday"]) % 7)
