"""Dates: temporal expressions that point to calendar time, normalised to TIMEX3-style values.

Candidates are spaCy DATE entities (and TIME entities that name a day), widened to the whole
expression when rule matches or a neighbouring entity continue it, plus rule matches for forms
the model misses (2015.4.13, Apr.13,2015, the 11th of last month, mid-2024, seasons, quarters,
fiscal years, "now"). Every candidate is classified (find):

    DATE/TIME  calendar time -> dates.csv        DURATION  "nine years"  -> P9Y
    SET        "every week"  -> P1W              REF       "now"         -> PRESENT_REF

and extract keeps the calendar ones. Values keep the granularity written (Apr. 12 ->
2015-04-12, this May -> 2015-05, last week -> 2015-W15) and resolve relative expressions against
the anchor (the publication date), choosing past or future from the tense of the verb that
governs the expression. What cannot be known is written with X (late May -> XXXX-05). Without
an anchor, a bare weekday takes the date the text itself pairs with that weekday, if exactly one.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import regex
from spacy.tokens import Doc

from pipeline.extract.nlp import sentence_at, text_of
from pipeline.read.pubdate import MONTH_NAMES, full_dates, month_number
from pipeline.records import DateFinding, Sentence
from pipeline.resources import load_jsonl, lowered, may_contain
from pipeline.schemas import TIMEX_VALUE

CALENDAR_KINDS = ("DATE", "TIME")       # CLOCK (a time of day alone) and the others are not calendar time
MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
MONTH_FULL = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
MONTH_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\."
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
LEAD = re.compile(r"^(?:(?:on|in|at(?! least)|by|since|from|until|till|to|before|after|during|of|around|about|as of|through|"
                  r"throughout|circa|for|within|over|into|between|starting|beginning|ending|as early as|as late as|"
                  r"no later than|as recently as|sometime|some time|roughly|approximately|nearly|almost|just)\s+)+", re.I)
FUZZY = r"(?:early|late|mid|middle|the end of|the beginning of|the start of|the middle of|the rest of|the remainder of|the turn of|end of|end-|start of|beginning of|the close of|the latter part of|the first part of)"


@dataclass(frozen=True)
class Timex:
    """One temporal expression found in a text (any kind); extract keeps the calendar ones."""

    sentence_n: int
    start: int
    end: int
    text: str
    value: str
    kind: str                   # DATE | TIME | DURATION | SET | REF
    anchor: str = ""


# ---------------------------------------------------------------- normalisation helpers

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD_GAP = re.compile(r"[\s-]+")


def _num(word: str) -> float | None:
    w = word.lower().strip()
    if _NUMBER.fullmatch(w):
        return float(w) if "." in w else int(w)
    if w in NUM_WORDS:
        return NUM_WORDS[w]
    parts = _WORD_GAP.split(w)
    if len(parts) == 2 and parts[0] in NUM_WORDS and parts[1] in NUM_WORDS and NUM_WORDS[parts[0]] >= 20:
        return NUM_WORDS[parts[0]] + NUM_WORDS[parts[1]]
    return None


def _unit(word: str) -> str:
    w = word.lower()
    for u in ("century", "centuries"):
        if w == u:
            return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in UNIT_CODE else w


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _anchor_date(anchor: str) -> dt.date | None:
    if _ISO_DAY.fullmatch(anchor or ""):
        try:
            return dt.date.fromisoformat(anchor)
        except ValueError:
            return None
    return None


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _month_shift(d: dt.date, n: int) -> str:
    m0 = d.year * 12 + d.month - 1 + n
    return f"{m0 // 12:04d}-{m0 % 12 + 1:02d}"


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _year_for(month: int, day: int | None, a: dt.date | None, tense: str) -> int | None:
    """Year of a month (and day) written without one: the anchor's year, moved one back when a
    past-tense sentence names a later date, one forward when a future one names an earlier date."""
    if a is None:
        return None
    here = (month, day or (1 if tense == "past" else 31))
    if tense == "past" and here > (a.month, a.day) and month > a.month:
        return a.year - 1
    if tense == "future" and (month, day or 31) < (a.month, a.day):
        return a.year + 1
    if tense not in ("past", "future"):       # unknown: the nearest such month to the anchor
        gap = (month - a.month) % 12
        if gap > 6 and month > a.month:
            return a.year - 1
        if 0 < gap < 6 and month < a.month:
            return a.year + 1
    return a.year


def _weekday(target: int, a: dt.date, tense: str, rel: str) -> dt.date:
    if rel == "next" or (rel in ("", "this coming", "coming") and tense == "future"):
        ahead = (target - a.weekday()) % 7
        if rel == "next":
            ahead = ahead or 7
        return a + dt.timedelta(days=ahead)
    back = (a.weekday() - target) % 7
    if rel in ("last", "this past", "past"):
        back = back or 7
    return a - dt.timedelta(days=back)


@lru_cache(maxsize=None)
def _words() -> dict[str, dict]:
    return {row["text"]: row for row in load_jsonl("date_words.jsonl")}


@lru_cache(maxsize=None)
def _holidays() -> dict[str, dict]:
    return {name: row for row in load_jsonl("date_holidays.jsonl") for name in row["names"]}


@lru_cache(maxsize=None)
def _holiday_pattern() -> tuple[regex.Pattern, tuple[str, ...]]:
    """The pattern of the holiday names (not those starting "the "), and the words one of which
    the text must hold for it to match: each name up to its first apostrophe, leaving out those
    that hold a shorter one ("christmas day" holds "christmas")."""
    names = sorted((n for n in _holidays() if not n.startswith("the ")), key=len, reverse=True)
    alt = "|".join(re.escape(n).replace("'", "['\u2019]?") for n in names)
    stems = {n.split("'")[0].lower() for n in names}
    words = tuple(sorted(w for w in stems if not any(v != w and v in w for v in stems)))
    return regex.compile(rf"\b(?:{alt})(?:,?\s+{YEAR})?\b", regex.I), words


def _easter(y: int) -> dt.date:
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


def _holiday_date(rule: dict, y: int) -> dt.date:
    if rule["rule"] == "fixed":
        return dt.date(y, rule["month"], rule["day"])
    if rule["rule"] == "easter":
        return _easter(y) + dt.timedelta(days=rule.get("offset", 0))
    if rule["n"] > 0:
        first = dt.date(y, rule["month"], 1)
        return first + dt.timedelta(days=(rule["weekday"] - first.weekday()) % 7 + 7 * (rule["n"] - 1))
    nxt = dt.date(y + (rule["month"] == 12), rule["month"] % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - rule["weekday"]) % 7)


# ---------------------------------------------------------------- the normaliser

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


_SPACES = re.compile(r"\s+")
_END_PUNCT_OR_POSSESSIVE = re.compile(r"'s$|[,;:.!?]+$")
_END_PUNCT = re.compile(r"[,;:!?]+$")
_ENDS_WITH_MONTH = re.compile(MON + r"$")
_POSSESSIVE_DET = re.compile(r"^(?:its|their|his|her|our|your|my)\s+")
_YEARS_END = re.compile(r"\byear's (end|start)\b")
_EARLIER_LATER_DAY = re.compile(r"^(?:earlier|later)\s+(?=(?:yesterday|today|tomorrow|that day)\b)")
_YEAR_POSSESSIVE = re.compile(r"^((?:last|this|next|that|the same|the) year|(?:19|20)\d\d)'s (.+)$")


def _sub_groups(pattern: re.Pattern, template: str, s: str) -> str:
    """pattern.sub(template, s) for a template with group references, which re parses on every
    call, at ten times the cost of the search that mostly finds nothing."""
    return pattern.sub(template, s) if pattern.search(s) else s


@lru_cache(maxsize=8192)
def _clean_expr(expr: str) -> str:
    """The expression as classify reads it (cached: most expressions recur from article to
    article, where classify's own cache misses them for the other anchor)."""
    e = _SPACES.sub(" ", expr.strip().lower()).replace("\u2019", "'")
    e = _END_PUNCT_OR_POSSESSIVE.sub("", e) if not _ENDS_WITH_MONTH.search(e) else _END_PUNCT.sub("", e)
    e = LEAD.sub("", e)
    e = _POSSESSIVE_DET.sub("the ", e)
    e = _sub_groups(_YEARS_END, r"year-\1", e)
    e = _EARLIER_LATER_DAY.sub("", e)
    e = _SPELLED_YEAR.sub(_spelled_year, e)
    e = _sub_groups(_YEAR_POSSESSIVE, r"\2 of \1", e)
    return e.strip()


# classify's patterns, compiled once: re.fullmatch(pattern, ...) and the like look the pattern up
# in re's cache (shared by every stage) on each call, which costs more than the match itself.
_FUZZY_LEAD = re.compile(rf"^{FUZZY}\b[\s-]*")
_AGE = re.compile(r"\b(?:years?|months?|weeks?|days?)[\s-]old\b")
_EVERY_N_UNITS = re.compile(rf"(?:every|each|per)\s+(?:(\w+)\s+)?(day|week|month|year|quarter|hour)s?")
_EVERY_WEEKDAY = re.compile(rf"(?:every|each) ({WEEKDAY})s?")
_EVERY_MONTH = re.compile(rf"(?:every|each) ({MON})")
_NAME_AND_YEAR = re.compile(rf"(.+?)(?:,?\s+(?:of\s+)?({YEAR}))?")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)\b")
_CLOCK_TIME = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*(a\.m\.?|p\.m\.?|am|pm)(?=\W|$)|\b(noon|midday|midnight)\b")
_PART_OF_DAY_WORD = re.compile(rf"\b({PART_OF_DAY})\b")
_AROUND_THE_TIME = re.compile(rf"\b(?:in the |the )?(?:early |late |mid[\s-]?)?{PART_OF_DAY}\b|\b(?:e[sd]t|gmt|utc|local time)\b|\b(?:at|around|about|on|of)\b|,")
_DAY_VALUE = re.compile(r"[\dX]{4}-[\dX]{2}-[\dX]{2}")
_FUZZY_CORE = re.compile(rf"^(?:the\s+)?{FUZZY}\b[\s-]*(?:the\s+)?")
_EARLIER_LATER_WEEKDAY = re.compile(rf"^(?:earlier|later)\s+(?=(?:on\s+)?{WEEKDAY}$)")
_FOLLOWING_YEAR = re.compile(r"(?:the )?(following|previous|preceding) year")
_THIS_PAST_COMING = re.compile(r"^this (past|coming)\s+")
_THAT_UNIT = re.compile(r"(?:that|the same|that same) (quarter|day|week|month|year)")
_QUARTER_VALUE = re.compile(r"\d{4}-Q\d")
_FOLLOWING_MONTH_WEEK = re.compile(r"(?:the )?(following|next|previous|preceding) (month|week)")
_MONTH_VALUE = re.compile(r"\d{4}-\d\d")
_EARLIER_IN_THE_UNIT = re.compile(r"(?:earlier|later) in the (week|month|year)")
_CURRENT_YEAR = re.compile(r"(?:the )?(?:current|present)(?: fiscal| calendar)? year")
_MONTH_DAY = re.compile(rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?({MON})\s*(\d{{1,2}})(?:st|nd|rd|th)?")
_DAY_MONTH = re.compile(rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MON})")
_DAY_OF_REL_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?(last|this|next) month")
_MONTH_YEAR = re.compile(rf"({MON}),?\s*(?:of\s+)?({YEAR})")
_MONTH_OF_REL_YEAR = re.compile(rf"({MON}) (?:of )?(last|this|next|that|the same|the) year")
_REL_MONTH = re.compile(rf"(last|this|next|this_past|this_coming)?\s*({MON})")
_YEAR_FORM = re.compile(rf"(?:the )?(?:year |calendar |fiscal |fiscal year |fy\s?)?({YEAR})(?: (?:period|fiscal year|year))?")
_FISCAL_SHORT_YEAR = re.compile(rf"(?:fiscal |fy\s?)'?(\d\d)")
_DECADE = re.compile(r"(?:the )?(1[5-9]\d|20\d)0'?s")
_SHORT_DECADE = re.compile(r"(?:the )?'(\d)0s")
_CENTURY = re.compile(r"(?:the )?(\d\d)(?:st|nd|rd|th) century")
_HALF = re.compile(rf"(?:the )?(first|second|last|latter) half(?: of (?:fiscal )?({YEAR}|last year|this year|next year|the year))?")
_THE_QUARTER = re.compile(r"(?:the )?(?:latest|current|same|most recent|recent|just-ended|just ended)?\s*(?:quarter|period)")
_LATEST_PERIOD = re.compile(r"(?:the )?(?:latest|most recent) period")
_REL_QUARTER = re.compile(r"(last|this|next|the previous|the next|the coming|the current) quarter")
_YEAR_AGO_PERIOD = re.compile(r"(?:the )?(?:comparable |corresponding |same )?(?:a )?year[\s-](?:ago|earlier)(?:[\s-](?:first|second|third|fourth|fiscal|same))*(?:[\s-](?:quarter|period|time|level|results?))?")
_A_YEAR_AGO = re.compile(r"a year (?:ago|earlier|before)")
_PERIOD_A_YEAR_AGO = re.compile(r"(?:the )?(?:comparable |corresponding |same )?(?:quarter|period) (?:a year (?:ago|earlier)|(?:of )?(?:last year|a year (?:ago|earlier)))")
_YEAR_QUARTER = re.compile(rf"(?:the )?({YEAR})(?: fiscal)? (?:quarter|period)")
_SEASON = re.compile(rf"(last|this|next|this_past|this_coming|past|coming)?\s*(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?({YEAR}|last year|this year|next year))?")
_REL_UNIT = re.compile(r"(?:(earlier|later|early|late)\s+)?(last|this|next|the current|the previous|the next|the following|the coming|this_past|this_coming|that|the same|the)\s+(week|month|year|weekend|decade|century)")
_WEEK_OF = re.compile(r"(?:the )?week (?:of|beginning|starting|from) (.+)")
_UNIT_WORD = re.compile(r"(week|month|year|weekend)")
_UNIT_END = re.compile(r"(week|month|year)[\s-](?:end|start)")
_OFFSET = re.compile(r"(?:about |nearly |almost |some |more than |less than |over |just |only )?(.+?)\s+(years?|months?|weeks?|days?|decades?)\s+(ago|earlier|before|later|after|from now|hence|back)")
_YEAR_OR_PART_VALUE = re.compile(r"\d{4}(-Q\d|-H\d)?")
_REL_WEEKDAY = re.compile(rf"(last|this|next|this_past|this_coming|past|coming)?\s*({WEEKDAY})")
_DURATION = re.compile(rf"(?:(?:the|a|an)\s+)?(?:(?:past|last|next|coming|first|final|latest|previous|following|more than|less than|no more than|at least|up to|nearly|almost|about|over|some|roughly|only|just|another|an additional|the next|the last|the past)\s+)*"
                       rf"(\d+(?:\.\d+)?|[a-z]+(?:[\s-][a-z]+)?|a couple of|couple of)[\s-]+(?:more\s+|full\s+|straight\s+|consecutive\s+)?"
                       rf"(years?|months?|weeks?|days?|decades?|centuries|century|hours?|minutes?|quarters?|seconds?)(?:[\s-](?:long|old|term|period))?")
_VAGUE_DURATION = re.compile(r"(?:the )?(?:past|last|next|coming|previous|following|recent|first|final)\s+(years|months|weeks|days|decades|hours|quarters)")
_ONE_UNIT_DURATION = re.compile(r"(?:the )?(?:past|last|next|coming|previous|following|entire|whole|full)\s+(year|month|week|day|decade|century|quarter)")


@lru_cache(maxsize=8192)
def classify(expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> tuple[str, str]:
    """(kind, value) of a temporal expression; ('', '') when it is not one.

    anchor: ISO date (YYYY-MM-DD) for relative and partial expressions; ref: the last calendar
    value the text mentioned before this expression (for "that year", "a year earlier")."""
    e = _clean_expr(expr)
    if not e:
        return "", ""
    a = _anchor_date(anchor)
    ay = a.year if a else (int(anchor[:4]) if anchor[:4].isdigit() else None)
    bare = e.removeprefix("the ")

    # fixed words (today, now, daily)
    for form in (bare, _FUZZY_LEAD.sub("", bare)):
        row = _words().get(form)
        if row:
            if row["kind"] == "DAY":
                day = (a + dt.timedelta(days=row["offset"])).isoformat() if a else "XXXX-XX-XX"
                return ("TIME", day + "T" + row["part"]) if row.get("part") else ("DATE", day)
            return row["kind"], row["value"]

    # ages are not dates
    if _AGE.search(e):
        return "", ""

    # sets: every/each N units, every Monday, each July
    if m := _EVERY_N_UNITS.fullmatch(bare):
        n = _num(m.group(1)) if m.group(1) and m.group(1) != "other" else (2 if m.group(1) == "other" else 1)
        if n is not None:
            return "SET", f"PT{n}H" if m.group(2) == "hour" else f"P{n}{UNIT_CODE[m.group(2)]}"
    if m := _EVERY_WEEKDAY.fullmatch(bare):
        return "SET", f"XXXX-WXX-{_weekday_index(m.group(1)) + 1}"
    if m := _EVERY_MONTH.fullmatch(bare):
        return "SET", f"XXXX-{month_number(m.group(1)):02d}"

    # named days (Christmas, Thanksgiving Day 2015)
    if m := _NAME_AND_YEAR.fullmatch(bare):
        rule = _holidays().get(m[1])
        if rule:
            if m[2]:
                y = int(m[2])
            else:
                y = _year_for(rule.get("month", 4), rule.get("day"), a, tense)
            return "DATE", _holiday_date(rule, y).isoformat() if y else \
                (f"XXXX-{rule['month']:02d}-{rule['day']:02d}" if rule["rule"] == "fixed" else "XXXX-XX-XX")

    # explicit full dates (with a weekday, a time of day around them)
    full = full_dates(expr)
    if full:
        return "DATE", full[0][2]
    if m := _SLASH_DATE.search(e):
        mo, d, y = int(m[1]), int(m[2]), int(m[3])
        y = y + (1900 if y >= 50 else 2000) if y < 100 else y
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return "DATE", f"{y:04d}-{mo:02d}-{d:02d}"

    # a time of day on a day ("10 p.m. Wednesday", "Friday morning"): TIME, value day + T...
    clock = _CLOCK_TIME.search(bare)
    part = _PART_OF_DAY_WORD.search(bare)
    if clock or part:
        rest = bare
        if clock:
            rest = rest[:clock.start()] + " " + rest[clock.end():]
        rest = _AROUND_THE_TIME.sub(" ", rest)
        rest = _SPACES.sub(" ", rest).strip()
        suffix = _clock(clock) if clock else _PART_CODE.get(part[1], "")
        if not rest:
            return ("CLOCK", f"{a.isoformat()}{suffix}" if a else f"XXXX-XX-XX{suffix}") if suffix else ("", "")
        kind, value = classify(rest, anchor, tense, ref)
        if kind == "DATE" and _DAY_VALUE.fullmatch(value):
            return "TIME", value + suffix
        return (kind, value) if kind == "DATE" else ("", "")

    core = _FUZZY_CORE.sub("", bare).strip() or bare
    core = _EARLIER_LATER_WEEKDAY.sub("", core)
    if (m := _FOLLOWING_YEAR.fullmatch(core)) and ref[:4].isdigit():
        return "DATE", f"{int(ref[:4]) + (1 if m[1] == 'following' else -1):04d}"
    core = _sub_groups(_THIS_PAST_COMING, r"this_\1 ", core)
    if m := _THAT_UNIT.fullmatch(core):
        if m[1] == "quarter":
            value = ref if _QUARTER_VALUE.fullmatch(ref) else ""
        elif m[1] == "day":
            value = ref if _ISO_DAY.fullmatch(ref) else ""
        else:
            value = _ref_unit(ref, m[1])
        return ("DATE", value) if value else ("", "")
    if m := _FOLLOWING_MONTH_WEEK.fullmatch(core):
        if _MONTH_VALUE.match(ref) and m[1] in ("following", "preceding"):
            base = dt.date(int(ref[:4]), int(ref[5:7]), int(ref[8:10]) if len(ref) >= 10 else 1)
            shift = 1 if m[1] == "following" else -1
            return "DATE", _month_shift(base, shift) if m[2] == "month" else _iso_week(base + dt.timedelta(weeks=shift))
    if m := _EARLIER_IN_THE_UNIT.fullmatch(core):
        return "DATE", _unit_value(a, ay, m[1], 0)
    if _CURRENT_YEAR.fullmatch(core):
        return "DATE", f"{ay:04d}" if ay else "XXXX"

    # month + day without a year ("Apr. 12", "12 April", "Friday November 30")
    if m := _MONTH_DAY.fullmatch(core) or _DAY_MONTH.fullmatch(core):
        g = m.groups()
        mon, day = (g[0], g[1]) if not g[0][0].isdigit() else (g[1], g[0])
        month, day = month_number(mon), int(day)
        if not 1 <= day <= 31:
            return "", ""
        year = _year_for(month, day, a, tense)
        return "DATE", f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}"
    # "the 11th of last month"
    if m := _DAY_OF_REL_MONTH.fullmatch(core):
        day = int(m[1])
        if not a:
            return "DATE", f"XXXX-XX-{day:02d}"
        ym = _month_shift(a, {"last": -1, "this": 0, "next": 1}[m[2]])
        return "DATE", f"{ym}-{day:02d}"

    # month + year, month of a relative year
    if m := _MONTH_YEAR.fullmatch(core):
        return "DATE", f"{int(m[2]):04d}-{month_number(m[1]):02d}"
    if m := _MONTH_OF_REL_YEAR.fullmatch(core):
        month = month_number(m[1])
        if m[2] in ("that", "the same", "the"):
            y = int(ref[:4]) if ref[:4].isdigit() else ay
        else:
            y = ay + {"last": -1, "this": 0, "next": 1}[m[2]] if ay else None
        return "DATE", f"{y:04d}-{month:02d}" if y else f"XXXX-{month:02d}"
    if m := _REL_MONTH.fullmatch(core):
        month = month_number(m[2])
        rel = (m[1] or "").replace("_", " ")
        if not a:
            return "DATE", f"XXXX-{month:02d}"
        if rel in ("last", "this past"):
            y = a.year if month < a.month else a.year - 1
        elif rel in ("next", "this coming"):
            y = a.year if month > a.month else a.year + 1
        elif rel == "this":
            y = a.year
        else:
            y = _year_for(month, None, a, tense)
        return "DATE", f"{y:04d}-{month:02d}"

    # years, decades, centuries
    if m := _YEAR_FORM.fullmatch(core):
        return "DATE", m[1]
    if m := _FISCAL_SHORT_YEAR.fullmatch(core):
        return "DATE", f"{1900 + int(m[1]) if int(m[1]) >= 50 else 2000 + int(m[1])}"
    if m := _DECADE.fullmatch(core):
        return "DATE", f"{m[1]}X" if core == bare.removeprefix("the ") else m[1]    # "the early 1980s" -> 198
    if m := _SHORT_DECADE.fullmatch(core):
        return "DATE", f"19{m[1]}X"
    if m := _CENTURY.fullmatch(core):
        return "DATE", f"{int(m[1]) - 1:02d}"

    # quarters and halves
    if qm := _quarter_match(core):
        q_word, y_expr = qm
        q = int(q_word) if q_word.isdigit() else ORDINALS[q_word]
        y = _rel_year(y_expr, ay, ref)
        if y is None and a:
            y = a.year - 1 if tense == "past" and (q - 1) * 3 + 1 > a.month else a.year
        return "DATE", f"{y:04d}-Q{q}" if y else f"XXXX-Q{q}"
    if m := _HALF.fullmatch(core):
        h = 1 if m[1] == "first" else 2
        y = _rel_year(m[2], ay, ref)
        if y is None and a:
            y = a.year - 1 if tense == "past" and h == 2 and a.month <= 6 else a.year
        return "DATE", f"{y:04d}-H{h}" if y else f"XXXX-H{h}"
    if _THE_QUARTER.fullmatch(core) and "quarter" in core or _LATEST_PERIOD.fullmatch(core):
        if ref and _QUARTER_VALUE.fullmatch(ref):
            return "DATE", ref
        if a:
            q0 = a.year * 4 + _quarter(a) - 1 - (0 if "current" in core else 1)
            return "DATE", f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
        return "DATE", "XXXX-QX"
    if m := _REL_QUARTER.fullmatch(core):
        if not a:
            return "DATE", "XXXX-QX"
        q0 = a.year * 4 + _quarter(a) - 1 + {"last": -1, "the previous": -1, "next": 1, "the next": 1, "the coming": 1}.get(m[1], 0)
        return "DATE", f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
    # year-ago / year-earlier (a period one year before the last one mentioned)
    if _YEAR_AGO_PERIOD.fullmatch(core) \
            or _A_YEAR_AGO.fullmatch(core) \
            or _PERIOD_A_YEAR_AGO.fullmatch(core):
        return "DATE", _year_back(ref, ay, a if "quarter" in core or "period" in core else None)
    if m := _YEAR_QUARTER.fullmatch(core):
        q = ref[-1] if _QUARTER_VALUE.fullmatch(ref) else (str((_quarter(a) + 2) % 4 + 1) if a else "X")
        return "DATE", f"{m[1]}-Q{q}"

    # seasons
    if m := _SEASON.fullmatch(core):
        s = SEASON[m[2]]
        rel = (m[1] or "").replace("_", " ")
        y = _rel_year(m[3], ay, ref)
        if y is None and a:
            first, last_ = SEASON_MONTHS[s]
            ended = a.month > last_ if s != "WI" else 3 <= a.month < 12
            started = a.month >= first if s != "WI" else a.month == 12
            if rel in ("last", "this past", "past"):
                y = a.year if ended else a.year - 1
            elif rel in ("next", "this coming", "coming"):
                y = a.year if not started else a.year + 1
            elif rel == "this":
                y = a.year
            else:
                y = a.year if tense not in ("past", "future") or (tense == "past" and (started or ended)) or (tense == "future" and not ended) \
                    else (a.year - 1 if tense == "past" else a.year + 1)
            if s == "WI" and a.month <= 2 and rel in ("", "this"):
                y = a.year - 1
        return "DATE", f"{y:04d}-{s}" if y else f"XXXX-{s}"

    # relative units: last week, this month, earlier this year, next weekend
    if m := _REL_UNIT.fullmatch(core):
        rel, unit = m[2].replace("_", " "), m[3]
        if rel in ("that", "the same") or (rel == "the" and unit != "year" and unit != "weekend"):
            return ("DATE", _ref_unit(ref, unit)) if ref else ("", "")
        shift = {"last": -1, "the previous": -1, "this past": -1, "next": 1, "the next": 1,
                 "the following": 1, "the coming": 1, "this coming": 1}.get(rel, 0)
        return "DATE", _unit_value(a, ay, unit, shift)
    if bare in ("fiscal year", "financial year"):
        return "DURATION", "P1Y"
    if bare in ("full year", "calendar year"):
        return "DATE", f"{ay:04d}" if ay else "XXXX"
    if core == bare == "year":
        return "DURATION", "P1Y"          # "for the year": the period, not a calendar year
    if m := _WEEK_OF.fullmatch(core):
        kind, value = classify(m[1], anchor, tense, ref)
        if kind == "DATE" and _ISO_DAY.fullmatch(value):
            return "DATE", _iso_week(dt.date.fromisoformat(value))
        return ("DATE", "XXXX-WXX") if kind == "DATE" else ("", "")
    if core == bare and core in ("week", "month"):
        return "", ""                     # "the week", "the month" alone: which one is not said
    if m := _UNIT_WORD.fullmatch(core):
        if m[1] == "weekend" and a:
            back = a.weekday() < 5 and tense != "future"
            return "DATE", _iso_week(a - dt.timedelta(weeks=1 if back else 0)) + "-WE"
        return "DATE", _unit_value(a, ay, m[1], 0)
    if m := _UNIT_END.fullmatch(core):
        return "DATE", _unit_value(a, ay, m[1], 0)

    # offsets: "three weeks ago", "two years earlier", "a month from now"
    if m := _OFFSET.fullmatch(core):
        n = _num(m[1])
        unit = _unit(m[2])
        sign = -1 if m[3] in ("ago", "earlier", "before", "back") else 1
        if m[3] in ("earlier", "later", "before", "after") and unit == "year" and n and float(n).is_integer() \
                and _YEAR_OR_PART_VALUE.fullmatch(ref):
            return "DATE", f"{int(ref[:4]) + sign * int(n):04d}{ref[4:]}"
        if n is None or not float(n).is_integer():
            return "DATE", {"year": "XXXX", "decade": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX"}.get(unit, "XXXX-XX-XX") if not a else _vague_offset(a, unit, sign)
        return "DATE", _offset(a, unit, sign * int(n))

    # weekdays
    if m := _REL_WEEKDAY.fullmatch(core):
        rel = (m[1] or "").replace("_", " ")
        target = _weekday_index(m[2])
        if not a:
            return "DATE", "XXXX-XX-XX"
        return "DATE", _weekday(target, a, tense, rel).isoformat()

    # durations: "nine years", "the past two months", "a three-year", "several weeks"
    if m := _DURATION.fullmatch(core):
        n, unit = m[1], _unit(m[2])
        num = _num(n)
        if num is None and n not in ("several", "few", "a few", "many", "some", "recent", "coming", "the"):
            return "", ""
        return "DURATION", _duration(num, unit)
    if m := _VAGUE_DURATION.fullmatch(core):
        return "DURATION", _duration(None, _unit(m[1]))
    if m := _ONE_UNIT_DURATION.fullmatch(core):
        return "DURATION", _duration(1 if m[1] != "decade" else 10, m[1] if m[1] != "decade" else "year")
    return "", ""


_PART_CODE = {"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI", "overnight": "TNI"}


def _clock(m: re.Match) -> str:
    if m.group(4):
        return "T24:00" if m.group(4) == "midnight" else "T12:00"
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3).startswith("p") and h < 12:
        h += 12
    if m.group(3).startswith("a") and h == 12:
        h = 0
    return f"T{h:02d}:{mi:02d}" if h < 24 and mi < 60 else ""


_QUARTER_FORMS = [
    re.compile(rf"(?:the )?(?:(?P<y1>{YEAR}) )?(?:fiscal[\s-])?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final)[\s-]"
               rf"(?:fiscal[\s-])?quarter(?: of (?:fiscal |the fiscal year )?(?P<y2>{YEAR}|last year|this year|next year|the year))?"),
    re.compile(rf"q(?P<q>[1-4])(?:\s*,?\s*(?P<y1>{YEAR}))?"),
    re.compile(rf"(?P<y1>{YEAR}) q(?P<q>[1-4])"),
]


def _quarter_match(core: str) -> tuple[str, str | None] | None:
    """(quarter word or digit, year expression or None) of a quarter expression."""
    for pat in _QUARTER_FORMS:
        if m := pat.fullmatch(core):
            d = m.groupdict()
            return m["q"], d.get("y1") or d.get("y2")
    return None


def _weekday_index(word: str) -> int:
    w = word.lower()[:3]
    return [d[:3] for d in WEEKDAYS].index(w)


def _rel_year(word: str | None, ay: int | None, ref: str) -> int | None:
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if word == "the year":
        return int(ref[:4]) if ref[:4].isdigit() else ay
    return ay + {"last year": -1, "this year": 0, "next year": 1}[word] if ay else None


_QUARTER_OR_HALF_VALUE = re.compile(r"\d{4}-(Q\d|H\d)")


def _year_back(ref: str, ay: int | None, quarter_of: dt.date | None = None) -> str:
    """One year before the reference period; a quarter when the reference (or, for "the
    year-ago quarter", the anchor's last full quarter) is one."""
    if ref and _QUARTER_OR_HALF_VALUE.fullmatch(ref):
        return f"{int(ref[:4]) - 1:04d}{ref[4:]}"
    if quarter_of:
        q0 = quarter_of.year * 4 + _quarter(quarter_of) - 2 - 4
        return f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
    return f"{ay - 1:04d}" if ay else "XXXX"


def _ref_unit(ref: str, unit: str) -> str:
    if unit == "year" and ref[:4].isdigit():
        return ref[:4]
    if unit == "month" and _MONTH_VALUE.match(ref):
        return ref[:7]
    if unit in ("week", "weekend") and _ISO_DAY.fullmatch(ref):
        return _iso_week(dt.date.fromisoformat(ref)) + ("-WE" if unit == "weekend" else "")
    return ""


def _unit_value(a: dt.date | None, ay: int | None, unit: str, shift: int) -> str:
    if unit == "year":
        return f"{ay + shift:04d}" if ay else "XXXX"
    if unit == "decade":
        return f"{(ay // 10 + shift):03d}X" if ay else "XXXX"
    if unit == "century":
        return f"{(ay // 100 + shift):02d}" if ay else "XXXX"
    if not a:
        return {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE"}.get(unit, "XXXX-XX")
    if unit == "week":
        return _iso_week(a + dt.timedelta(weeks=shift))
    if unit == "weekend":
        return _iso_week(a + dt.timedelta(weeks=shift)) + "-WE"
    return _month_shift(a, shift)


def _offset(a: dt.date | None, unit: str, n: int) -> str:
    if not a:
        return {"year": "XXXX", "decade": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX"}.get(unit, "XXXX-XX-XX")
    if unit == "year":
        return f"{a.year + n:04d}"
    if unit == "decade":
        return f"{a.year + 10 * n:04d}"
    if unit == "month":
        return _month_shift(a, n)
    if unit == "week":
        return _iso_week(a + dt.timedelta(weeks=n))
    return (a + dt.timedelta(days=n)).isoformat()


def _vague_offset(a: dt.date, unit: str, sign: int) -> str:
    return "PAST_REF" if sign < 0 else "FUTURE_REF"


def _duration(n, unit: str) -> str:
    code = UNIT_CODE.get(unit, "X")
    if unit == "weekend":
        return "P2D" if n in (None, 1) else f"P{2 * n}D"
    if code == "MIN":
        return f"PT{_fmt(n)}M"
    if code in ("H", "S"):
        return f"PT{_fmt(n)}{code}"
    if code == "E":
        return f"P{_fmt(n * 10)}Y" if n is not None else "PXE"
    if code == "C" and n is not None:
        return f"P{_fmt(n * 100)}Y"
    return f"P{_fmt(n)}{code}"


def _fmt(n) -> str:
    if n is None:
        return "X"
    return str(int(n)) if float(n).is_integer() else str(n)


def normalise(expr: str, anchor: str = "", tense: str = "past") -> str:
    """TIMEX3-style value of a calendar date expression; '' if it names no calendar time.

    anchor: ISO date (YYYY-MM-DD) used for relative and partial expressions; tense: 'past' or
    'future', used to pick the year of a bare month or the week of a bare weekday."""
    kind, value = classify(expr, anchor, tense)
    return value if kind in CALENDAR_KINDS and not value.endswith("_REF") else ""


def is_duration(expr: str) -> bool:
    return classify(expr)[0] == "DURATION"


# ---------------------------------------------------------------- tense

FUTURE_AUX = {"will", "'ll", "shall", "wo", "would", "going", "gon"}
FUTURE_HEADS = {"expect", "schedule", "plan", "due", "set", "intend", "aim", "slate", "hope", "prepare", "propose"}


def _governor(doc: Doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tok = span.root
    for _ in range(4):
        if tok.head is tok:
            break
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _tense(doc: Doc, start: int, end: int) -> str:
    """Tense of the verb that governs the expression: 'future' ("will meet", "is expected to
    sign", "is scheduled for", "is meeting"), 'past' ("met", "has met"), or '' when the
    sentence does not say (present tense, no verb)."""
    verb = _governor(doc, start, end)
    if verb is None:
        return ""
    chain = [verb]
    head = verb
    while head.dep_ in ("xcomp", "conj") and head.head is not head and len(chain) < 4:
        head = head.head
        chain.append(head)
    for v in chain:
        kids = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
        low = {c.lower_ for c in kids}
        if low & FUTURE_AUX:
            return "future"
        if v is verb and v.tag_ == "VB" and "to" in low and (v.head.lemma_.lower() in FUTURE_HEADS | {"be"} or v.head is v):
            return "future"
        if v.lemma_.lower() in FUTURE_HEADS and (v.tag_ in ("VBZ", "VBP") or low & {"is", "are", "'s", "'re", "am"}) \
                and v is not verb:
            return "future"
        if v.tag_ == "VBN" and v.lemma_.lower() in FUTURE_HEADS and low & {"is", "are", "'s", "'re", "am"}:
            return "future"
        if v.tag_ == "VBD" or any(c.tag_ == "VBD" for c in kids) or low & {"has", "have", "had", "'ve"}:
            return "past"
        if v.tag_ == "VBG" and low & {"is", "are", "'s", "'re", "am"}:
            return "future"
        if v.tag_ in ("VBZ", "VBP") and v is verb:
            return "present"
    return ""


# ---------------------------------------------------------------- candidate spans

# The candidate rules scan the whole text, which costs most of this stage, so each comes with the
# words one of which the text must hold for it to match, and is tried only where one is there. They
# run on the lowered text without IGNORECASE (a quarter faster than IGNORECASE on the text; the same
# matches where resources.lowered gives that text) and with the regex module (about twice as fast as
# re). tests/test_dates.py compares these ways with IGNORECASE scans of the text.
MONTH_STEMS = tuple(m[:3] for m in MONTH_NAMES)
_RULE_SOURCES = [
    (rf"\b(?:{WEEKDAY},?\s+)?{MON}\s*\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*{YEAR}\b", MONTH_STEMS),  # Apr.13,2015
    (rf"(?<![\d.])(?:19|20)\d\d[-./]\d{{1,2}}[-./]\d{{1,2}}(?![\d])", ("19", "20")),            # 2015.4.13
    (r"\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\s+of\s+(?:last|this|next)\s+month\b", ("month",)),   # the 11th of last month
    (rf"\b(?:early|late|mid)[\s-]{YEAR}\b", ("early", "late", "mid")),                          # mid-2024
    (rf"\b(?:(?:last|this|next|this past|early|late|the)\s+)?(?:spring|summer|autumn|winter)(?:\s+of\s+{YEAR})?\b",
     ("spring", "summer", "autumn", "winter")),
    (rf"\b(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:fiscal[\s-])?quarter(?:\s+of\s+(?:fiscal\s+)?{YEAR})?\b",
     ("quarter",)),
    (rf"\bq[1-4][\s,]+{YEAR}\b|\b{YEAR}\s+q[1-4]\b", ("q1", "q2", "q3", "q4")),
    (rf"\b(?:fiscal(?:\s+year)?|fy)\s?'?(?:{YEAR}|\d\d)\b", ("fiscal", "fy")),
    (r"\b(?:now|currently|recently|nowadays|presently)\b", ("now", "currently", "recently", "presently")),
    (r"\b(?:every|each)\s+(?:day|week|month|year)\b", ("every", "each")),
    (r"(?<=\bin )the past\b(?!\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|decades?|quarters?)\b)", ("the past",)),
    (r"\b(?:nineteen[\s-]+(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|the year two thousand)\b",
     ("nineteen", "the year two thousand")),
    (r"\b(?:(?:early|late)\s+)?(?:today|tonight|yesterday|tomorrow|last night|this (?:morning|afternoon|evening))\b",
     ("today", "night", "yesterday", "tomorrow", "this morning", "this afternoon", "this evening")),
    (rf"\b(?:(?:last|next|this|this past|this coming|early|late)\s+)?(?:{MONTH_FULL}|{MONTH_ABBR})\s*\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)",
     MONTH_STEMS),
    (rf"\b(?:(?:last|next|this|this past|this coming|early|late|mid-?)\s*)(?:{MONTH_FULL})\b", tuple(MONTH_NAMES)),
    (r"\b(?:(?:earlier|later|early|late)\s+)?(?:last|this|next)\s+(?:week|month|year|weekend)\b", ("week", "month", "year")),
    (r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+(?:days?|weeks?|months?|years?|decades?)\s+ago\b",
     ("ago",)),
    (r"\b(?:the|in the) (?:near |distant )?future\b", ("future",)),
    (r"\bthe (?:latest|most recent|current|just-ended|year-earlier|year-ago|fiscal) (?:quarter|period)\b", ("quarter", "period")),
    (r"(?:(?<=\bin )|(?<=\bfor )|(?<=\bduring ))the quarter\b", ("the quarter",)),
]
_RULES = [regex.compile(p) for p, _ in _RULE_SOURCES]                        # on the lowered text
_RULES_ANY_CASE = [regex.compile(p, regex.I) for p, _ in _RULE_SOURCES]      # on a text lowered refuses
# Rules with case-sensitive parts run on the text itself.
_WEEKDAY_RULE = regex.compile(r"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Tt]his past|[Tt]his coming)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                           r"(?:\s+(?:morning|afternoon|evening|night))?")
# "the 1949 Armistice Agreement", "the 2015 Paris Agreement": the year an instrument is named by
_INSTRUMENT_YEAR_RULE = regex.compile(
    r"(?<![\w.-])(?:1[6-9]|20)\d\d(?=\s+(?-i:(?:(?:[A-Z][\w'’.-]*|and|of|on|for|the|to|in)\s+){0,8}(?:Agreements?|Treaty|Treaties|Accords?|Pact|"
    r"Conventions?|Protocols?|Declaration|Charter|Arrangement|Memorandum))\b)", regex.I)
_INSTRUMENT_WORDS = ("agreement", "treaty", "treaties", "accord", "pact", "convention", "protocol", "declaration", "charter",
                     "arrangement", "memorandum")
_NOT_NOW = re.compile(r"\b(?:just now|from now|now[,]? (?:owned|known|called))\b", re.I)


def _rule_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every match of the candidate rules in text."""
    low = lowered(text)
    rules, scanned = (_RULES, low) if low is not None else (_RULES_ANY_CASE, text)

    holidays, holiday_words = _holiday_pattern()
    out = [m.span() for m in _WEEKDAY_RULE.finditer(text)] if may_contain(low, WEEKDAYS) else []
    if may_contain(low, holiday_words):
        out += [m.span() for m in holidays.finditer(text) if m.group(0)[0].isupper()]
    if may_contain(low, _INSTRUMENT_WORDS):
        out += [m.span() for m in _INSTRUMENT_YEAR_RULE.finditer(text)]
    for pat, (_, words) in zip(rules, _RULE_SOURCES):
        if not may_contain(low, words):
            continue
        for m in pat.finditer(scanned):
            s, e = m.span()
            if m.group(0).lower() == "now" and _NOT_NOW.search(text[max(0, s - 6):e + 12]):
                continue
            out.append((s, e))
    return out


_CLOCK_TAIL = re.compile(r"\s*(?:-|\u2013|\||/)\s*\d{1,2}:\d\d(?::\d\d)?(?:\s*(?:[ap]\.?m\.?|[A-Z]{2,4}))?$")
_ABBREVIATION_END = re.compile(rf"(?i)\b{MONTH_ABBR}$|\b[ap]\.m\.$|\b\w\.\w\.$")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop leading prepositions and trailing punctuation/possessives from a span."""
    expr = text[s:e]
    m = LEAD.match(expr)
    if m and m.end() < len(expr):
        s += m.end()
    while e > s and text[e - 1] in " ,;:!?)\"'\u2019":
        e -= 1
    m = _CLOCK_TAIL.search(text[s:e])
    if m and m.start() > 0:
        e = s + m.start()
    if text[s:e].endswith(("'s", "\u2019s")):
        e -= 2
    while e > s and text[e - 1] == "." and not _ABBREVIATION_END.search(text[s:e]):
        e -= 1
    return s, e


_JOIN_GAP = re.compile(r"[ ,]{0,2}")


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Union overlapping spans; join a day and a part of day or clock time written next to it."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and (s < out[-1][1] or _JOIN_GAP.fullmatch(text[out[-1][1]:s]) and _joinable(text, out[-1], (s, e))):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_PART_OF_DAY_ALONE = re.compile(rf"(?:the )?{PART_OF_DAY}")
_ENDS_WITH_CLOCK = re.compile(rf".*(?:a\.m\.|p\.m\.|am|pm|noon|midnight)(?:\s+\w{{2,4}})?")
_WEEKDAY_WORD = re.compile(WEEKDAY)
_MONTH_THEN_DIGIT = re.compile(rf"{MON}\s*\d")
_DAYISH = re.compile(rf"(?:.*\b{WEEKDAY}|.*(?:yesterday|today|tomorrow)|.*{MON}\s*\d{{1,2}}|.*\d{{1,2}}(?:st|nd|rd|th)?)")


def _joinable(text: str, left: list[int], right: tuple[int, int]) -> bool:
    a, b = text[left[0]:left[1]].lower(), text[right[0]:right[1]].lower()
    if _PART_OF_DAY_ALONE.fullmatch(b) and _DAYISH.fullmatch(a):
        return True
    if _ENDS_WITH_CLOCK.fullmatch(a) and _DAYISH.match(b):
        return True
    if _WEEKDAY_WORD.fullmatch(a) and _MONTH_THEN_DIGIT.match(b):
        return True
    return False


def _candidates(doc: Doc) -> list[tuple[int, int]]:
    text = text_of(doc)
    spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
    spans += _rule_spans(text)
    spans += [(a, b) for a, b, _iso in full_dates(text)]
    trimmed = [_trim(text, s, e) for s, e in spans]
    return _merge([(s, e) for s, e in trimmed if e > s], text)


_FOUR_DIGITS = re.compile(r"\d{4}")
_COUNTED_THINGS = re.compile(r"\s*(?:%|percent|people|troops|soldiers|members|units|tons|km|miles|dollars|won|yen|euros|views|hits|times|votes|pages|words)\b", re.I)
_MONEY_OR_NUMBER_SIGN = re.compile(r"(?:\$|€|£|views?:?|hits:?|no\.|#)\s*$")


def _looks_like_count(text: str, s: int, e: int) -> bool:
    """A bare four-digit number that counts things ('2000 troops', 'views 2015') is no year."""
    expr = text[s:e]
    if not _FOUR_DIGITS.fullmatch(expr):
        return False
    after = text[e:e + 20]
    before = text[max(0, s - 12):s].lower()
    if _COUNTED_THINGS.match(after):
        return True
    return bool(_MONEY_OR_NUMBER_SIGN.search(before))


_DATED_DAY_VALUE = re.compile(r"[\dX]{4}-\d\d-\d\d")
_LEADING_WEEKDAY = re.compile(rf"(?i)({WEEKDAY})\b")


def _paired_weekdays(found: list[Timex], text: str) -> dict[int, str]:
    """weekday -> the single day value the text writes with it ('Friday November 30') or whose
    full date falls on it; only weekdays with exactly one such day are kept."""
    pairs: dict[int, set[str]] = {}
    for t in found:
        if t.kind != "DATE" or not _DATED_DAY_VALUE.fullmatch(t.value):
            continue
        m = _LEADING_WEEKDAY.match(t.text)
        if m:
            pairs.setdefault(_weekday_index(m[1]), set()).add(t.value)
        elif t.value[:4].isdigit():
            try:
                pairs.setdefault(dt.date.fromisoformat(t.value).weekday(), set()).add(t.value)
            except ValueError:
                pass
    return {k: next(iter(v)) for k, v in pairs.items() if len(v) == 1}


_SPLIT = re.compile(r"\s*(?:\bto\b|\bof\b|\band\b|\bthrough\b|\buntil\b|\btill\b|\bor\b|\bended\b|\bending\b|\bbetween\b|"
                    r"\bfrom\b|\bversus\b|\bvs\.|--|\u2013|\u2014|\s-\s|,(?=\s*(?:and\s+)?(?:19|20)\d\d\b))\s*", re.I)


def _parts(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sub-spans of a span that joins several expressions ("from Aug. 26 to Oct. 20",
    "the quarter ended Sept. 30", "between 1994 and 1997")."""
    out, pos = [], s
    for m in _SPLIT.finditer(text, s, e):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < e:
        out.append((pos, e))
    return [_trim(text, a, b) for a, b in out if text[a:b].strip()]


_DERIVED_WORDS = re.compile(r"(?i)\b(?:year[\s-](?:ago|earlier)|earlier|later|before|after|that|same|the following|the previous)\b")


def _derived_from_ref(expr: str) -> bool:
    return bool(_DERIVED_WORDS.search(expr))


def _is_modifier(doc: Doc, s: int, e: int) -> bool:
    """A frequency adjective before a noun ("quarterly dividend", "daily newspaper")."""
    span = doc.char_span(s, e, alignment_mode="expand")
    return span is not None and len(span) == 1 and span.root.dep_ == "amod"


_OLD = re.compile(r"(?i)[\s-]old\b")
_BARE_WEEKDAY = re.compile(rf"(?i)(?:on\s+)?({WEEKDAY})(?:\s+{PART_OF_DAY})?")


def find(doc: Doc, sents: list[Sentence], anchor: str) -> list[Timex]:
    """Every temporal expression of any kind, with its value (see the module doc)."""
    text = text_of(doc)
    out: list[Timex] = []
    ref = ""
    queue = list(_candidates(doc))
    while queue:
        s, e = queue.pop(0)
        if _looks_like_count(text, s, e):
            continue
        sent = sentence_at(sents, s)
        if sent is None:
            continue
        expr = text[s:e]
        kind, value = classify(expr, anchor, _tense(doc, s, e), ref)
        if not kind or not value:
            parts = _parts(text, s, e) if not _OLD.search(expr) else []
            if len(parts) > 1:
                queue[:0] = parts
            continue
        if kind == "SET" and _is_modifier(doc, s, e):
            continue
        if kind == "DATE" and value.endswith("_REF"):
            kind = "REF"
        relative = not _FOUR_DIGITS.search(expr)
        used = anchor if kind in CALENDAR_KINDS and relative and anchor else ""
        out.append(Timex(sent.n, s, e, expr, value, kind, used))
        if kind in CALENDAR_KINDS and value[:4].isdigit() and not _derived_from_ref(expr):
            ref = value[:10]
    if not anchor:
        paired = _paired_weekdays(out, text)
        for i, t in enumerate(out):
            m = _BARE_WEEKDAY.fullmatch(t.text)
            if t.value.startswith("XXXX-XX-XX") and m and _weekday_index(m[1]) in paired:
                value = paired[_weekday_index(m[1])] + t.value[len("XXXX-XX-XX"):]
                out[i] = Timex(t.sentence_n, t.start, t.end, t.text, value, t.kind, "")
    return out


def calendar_only(found: list[Timex]) -> list[Timex]:
    """The timexes that point to calendar time (what dates.csv holds)."""
    return [t for t in found if t.kind in CALENDAR_KINDS and not t.value.endswith("_REF")]


_WEEKEND_SUFFIX = re.compile(r"-WE$")
_UNKNOWN_QUARTER_SUFFIX = re.compile(r"-QX$")
_CENTURY_OR_DECADE_VALUE = re.compile(r"\d{2,3}")


def table_value(value: str) -> str:
    """A TIMEX3 value in the vocabulary of dates.csv, or '' when it has none: a time of day
    keeps its day, a weekend its week, a decade or century is written with X (198 -> 198X),
    an unknown quarter keeps its year."""
    v = value.split("T")[0]
    v = _WEEKEND_SUFFIX.sub("", v)
    v = _UNKNOWN_QUARTER_SUFFIX.sub("", v)
    if _CENTURY_OR_DECADE_VALUE.fullmatch(v):
        v = v.ljust(4, "X")
    return v if TIMEX_VALUE.match(v) else ""


def extract(doc: Doc, sents: list[Sentence], anchor: str) -> list[DateFinding]:
    """Calendar dates of the text for dates.csv (values as in table_value)."""
    out = []
    for t in calendar_only(find(doc, sents, anchor)):
        value = table_value(t.value)
        if value:
            out.append(DateFinding(t.sentence_n, t.start, t.end, t.text, value, t.anchor))
    return out


class Stage:
    """The dates stage; config: [dates] (use_published_anchor)."""

    name = "dates"

    def __init__(self, config: dict) -> None:
        self.use_anchor = bool(config.get("use_published_anchor", True))

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[DateFinding]:
        return extract(doc, sents, upstream.article.published if self.use_anchor else "")
