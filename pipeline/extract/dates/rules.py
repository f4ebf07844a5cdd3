"""The classification rules: one small function per form of expression, and RULES, their order.

Each rule reads an Expr (see expr.py) and returns (kind, value), ('', '') for "certainly no
timex", or None to pass the expression on. The order matters where forms overlap (fixed words
before sets, sets before named days, a time of day before the day it is on, ...). A rule that
reads one form of x.core is written `@on_core(pattern)` and gets the match: a new form is a
pattern, a few lines, and one name in RULES.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps

from pipeline.extract.dates import values as v
from pipeline.extract.dates.expr import SPACES, Answer, Expr, Rule
from pipeline.extract.dates.vocabulary import (
    FUZZY,
    MON,
    ORDINALS,
    PART_CODE,
    PART_OF_DAY,
    SEASON,
    SEASON_MONTHS,
    UNIT_CODE,
    WEEKDAY,
    YEAR,
    holiday_date,
)
from pipeline.read.pubdate import full_dates, month_number


def on_core(*patterns: str) -> Callable[[Callable[[Expr, re.Match], Answer | None]], Rule]:
    """A rule tried only where one of the patterns, in order, matches the whole of x.core: the
    function gets the expression and that match (the patterns are compiled once, here)."""
    compiled = tuple(re.compile(p) for p in patterns)

    def bind(fn: Callable[[Expr, re.Match], Answer | None]) -> Rule:
        @wraps(fn)
        def rule(x: Expr) -> Answer | None:
            for pattern in compiled:
                if m := pattern.fullmatch(x.core):
                    return fn(x, m)
            return None
        return rule
    return bind


def core_value(name: str, pattern: str, value: Callable[[re.Match], str], doc: str) -> Rule:
    """A rule whose whole answer is one DATE value made from the match of one pattern (see
    on_core); name: the rule's id in the `why` column ('dates:<name>')."""
    def rule(x: Expr, m: re.Match) -> Answer | None:
        return "DATE", value(m)
    rule.__name__ = rule.__qualname__ = name
    rule.__doc__ = doc
    return on_core(pattern)(rule)


# ---------------------------------------------------------------- fixed words, sets, named days

_FUZZY_LEAD = re.compile(rf"^{FUZZY}\b[\s-]*")


def fixed_word(x: Expr) -> Answer | None:
    """'today', 'now', 'daily' (date_words.jsonl), also after a fuzzy lead ('early today')."""
    for form in (x.bare, _FUZZY_LEAD.sub("", x.bare)):
        row = x.vocabulary.words.get(form)
        if row:
            if row["kind"] == "DAY":
                day = (x.a + dt.timedelta(days=row["offset"])).isoformat() if x.a else "XXXX-XX-XX"
                return ("TIME", day + "T" + row["part"]) if row.get("part") else ("DATE", day)
            return row["kind"], row["value"]
    return None


_AGE = re.compile(r"\b(?:years?|months?|weeks?|days?)[\s-]old\b")


def age(x: Expr) -> Answer | None:
    """'a 51-year-old': ages are not dates."""
    return ("", "") if _AGE.search(x.e) else None


_EVERY_N_UNITS = re.compile(r"(?:every|each|per)\s+(?:(\w+)\s+)?(day|week|month|year|quarter|hour)s?")


def every_n_units(x: Expr) -> Answer | None:
    """'every week' -> P1W, 'every other year' -> P2Y, 'each hour' -> PT1H."""
    if m := _EVERY_N_UNITS.fullmatch(x.bare):
        n = v.num(m.group(1)) if m.group(1) and m.group(1) != "other" else (2 if m.group(1) == "other" else 1)
        if n is not None:
            return "SET", f"PT{n}H" if m.group(2) == "hour" else f"P{n}{UNIT_CODE[m.group(2)]}"
    return None


_EVERY_WEEKDAY = re.compile(rf"(?:every|each) ({WEEKDAY})s?")
_EVERY_MONTH = re.compile(rf"(?:every|each) ({MON})")


def every_weekday_or_month(x: Expr) -> Answer | None:
    """'each Tuesday' -> XXXX-WXX-2, 'every July' -> XXXX-07."""
    if m := _EVERY_WEEKDAY.fullmatch(x.bare):
        return "SET", f"XXXX-WXX-{v.weekday_index(m.group(1)) + 1}"
    if m := _EVERY_MONTH.fullmatch(x.bare):
        return "SET", f"XXXX-{month_number(m.group(1)):02d}"
    return None


_NAME_AND_YEAR = re.compile(rf"(.+?)(?:,?\s+(?:of\s+)?({YEAR}))?")


def named_day(x: Expr) -> Answer | None:
    """'Christmas', 'Thanksgiving Day 2015' (date_holidays.jsonl)."""
    m = _NAME_AND_YEAR.fullmatch(x.bare)
    rule = x.vocabulary.holidays.get(m[1]) if m else None
    if not rule:
        return None
    y = int(m[2]) if m[2] else v.year_for(rule.get("month", 4), rule.get("day"), x.a, x.tense)
    if y:
        return "DATE", holiday_date(rule, y).isoformat()
    return "DATE", f"XXXX-{rule['month']:02d}-{rule['day']:02d}" if rule["rule"] == "fixed" else "XXXX-XX-XX"


_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)\b")


def full_date(x: Expr) -> Answer | None:
    """A full date as written ('Saturday, Feb. 29, 2020', '4/13/2015')."""
    full = full_dates(x.expr)
    if full:
        return "DATE", full[0][2]
    if m := _SLASH_DATE.search(x.e):
        mo, d, y = int(m[1]), int(m[2]), int(m[3])
        y = y + (1900 if y >= 50 else 2000) if y < 100 else y
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return "DATE", f"{y:04d}-{mo:02d}-{d:02d}"
    return None


# ---------------------------------------------------------------- a time of day

_CLOCK_TIME = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*(a\.m\.?|p\.m\.?|am|pm)(?=\W|$)|\b(noon|midday|midnight)\b")
_PART_OF_DAY_WORD = re.compile(rf"\b({PART_OF_DAY})\b")
_AROUND_THE_TIME = re.compile(rf"\b(?:in the |the )?(?:early |late |mid[\s-]?)?{PART_OF_DAY}\b|\b(?:e[sd]t|gmt|utc|local time)\b|\b(?:at|around|about|on|of)\b|,")
_DAY_VALUE = re.compile(r"[\dX]{4}-[\dX]{2}-[\dX]{2}")


def time_of_day(x: Expr) -> Answer | None:
    """A time of day on a day ('10 p.m. Wednesday', 'Friday morning'): TIME, the day's value +
    T...; alone ('10 p.m.'), CLOCK on the anchor's day."""
    clock = _CLOCK_TIME.search(x.bare)
    part = _PART_OF_DAY_WORD.search(x.bare)
    if not (clock or part):
        return None
    rest = x.bare
    if clock:
        rest = rest[:clock.start()] + " " + rest[clock.end():]
    rest = _AROUND_THE_TIME.sub(" ", rest)
    rest = SPACES.sub(" ", rest).strip()
    suffix = v.clock(clock) if clock else PART_CODE.get(part[1], "")
    if not rest:
        return ("CLOCK", f"{x.a.isoformat()}{suffix}" if x.a else f"XXXX-XX-XX{suffix}") if suffix else ("", "")
    kind, value = x.again(rest)
    if kind == "DATE" and _DAY_VALUE.fullmatch(value):
        return "TIME", value + suffix
    return (kind, value) if kind == "DATE" else ("", "")


# ---------------------------------------------------------------- told from the reference value

@on_core(r"(?:the )?(following|previous|preceding) year")
def following_year(x: Expr, m: re.Match) -> Answer | None:
    """'the following year' after 2011 -> 2012."""
    if x.ref[:4].isdigit():
        return "DATE", f"{int(x.ref[:4]) + (1 if m[1] == 'following' else -1):04d}"
    return None


@on_core(r"(?:that|the same|that same) (quarter|day|week|month|year)")
def that_unit(x: Expr, m: re.Match) -> Answer | None:
    """'that quarter', 'that same day', 'that year': the reference's."""
    if m[1] == "quarter":
        value = x.ref if v.QUARTER_VALUE.fullmatch(x.ref) else ""
    elif m[1] == "day":
        value = x.ref if v.ISO_DAY.fullmatch(x.ref) else ""
    else:
        value = v.ref_unit(x.ref, m[1])
    return ("DATE", value) if value else ("", "")


@on_core(r"(?:the )?(following|next|previous|preceding) (month|week)")
def following_month_or_week(x: Expr, m: re.Match) -> Answer | None:
    """'the following month' after 2011-12-02 -> 2012-01."""
    if v.MONTH_VALUE.match(x.ref) and m[1] in ("following", "preceding"):
        ref = x.ref
        base = dt.date(int(ref[:4]), int(ref[5:7]), int(ref[8:10]) if len(ref) >= 10 else 1)
        shift = 1 if m[1] == "following" else -1
        return "DATE", v.month_shift(base, shift) if m[2] == "month" else v.iso_week(base + dt.timedelta(weeks=shift))
    return None


_EARLIER_IN_THE_UNIT = re.compile(r"(?:earlier|later) in the (week|month|year)")
_CURRENT_YEAR = re.compile(r"(?:the )?(?:current|present)(?: fiscal| calendar)? year")


def current_unit(x: Expr) -> Answer | None:
    """'earlier in the week', 'the current year': the anchor's."""
    if m := _EARLIER_IN_THE_UNIT.fullmatch(x.core):
        return "DATE", v.unit_value(x.a, x.ay, m[1], 0)
    if _CURRENT_YEAR.fullmatch(x.core):
        return "DATE", f"{x.ay:04d}" if x.ay else "XXXX"
    return None


# ---------------------------------------------------------------- days and months

@on_core(rf"(?:(last|next|this|this_past|this_coming)\s+)?(?:{WEEKDAY},?\s+)?(?:the\s+)?({MON})\s*(\d{{1,2}})(?:st|nd|rd|th)?",
         rf"(?:(last|next|this|this_past|this_coming)\s+)?(?:{WEEKDAY},?\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MON})")
def month_day(x: Expr, m: re.Match) -> Answer | None:
    """A month and day without a year ('Apr. 12', '12 April', 'Friday November 30'); after
    'last' the latest such day before the anchor, after 'next' the first one after it."""
    rel, g = m[1], m.groups()[1:]
    mon, day = (g[0], g[1]) if not g[0][0].isdigit() else (g[1], g[0])
    month, day = month_number(mon), int(day)
    if not 1 <= day <= 31:
        return "", ""
    if rel and rel != "this" and x.a:
        before = (month, day) < (x.a.month, x.a.day)
        back = rel in ("last", "this_past")
        year = x.a.year - (0 if before else 1) if back else x.a.year + (0 if (month, day) > (x.a.month, x.a.day) else 1)
    else:
        year = v.year_for(month, day, x.a, x.tense)
    return "DATE", f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}"


_REL_SHIFT = {"last": -1, "this": 0, "next": 1}


@on_core(r"(\d{1,2})(?:st|nd|rd|th)? (?:of )?(last|this|next) month")
def day_of_rel_month(x: Expr, m: re.Match) -> Answer | None:
    """'the 11th of last month'."""
    day = int(m[1])
    if not x.a:
        return "DATE", f"XXXX-XX-{day:02d}"
    return "DATE", f"{v.month_shift(x.a, _REL_SHIFT[m[2]])}-{day:02d}"


month_of_year = core_value("month_of_year", rf"({MON}),?\s*(?:of\s+)?({YEAR})",
                           lambda m: f"{int(m[2]):04d}-{month_number(m[1]):02d}", "'March 2023'.")


@on_core(rf"({MON}) (?:of )?(last|this|next|that|the same|the) year")
def month_of_rel_year(x: Expr, m: re.Match) -> Answer | None:
    """'December of last year', 'June of that year' (the reference's year)."""
    month = month_number(m[1])
    if m[2] in ("that", "the same", "the"):
        y = int(x.ref[:4]) if x.ref[:4].isdigit() else x.ay
    else:
        y = x.ay + _REL_SHIFT[m[2]] if x.ay else None
    return "DATE", f"{y:04d}-{month:02d}" if y else f"XXXX-{month:02d}"


@on_core(rf"(last|this|next|this_past|this_coming)?\s*({MON})")
def rel_month(x: Expr, m: re.Match) -> Answer | None:
    """'this May', 'last June', 'May' alone (the year from the tense)."""
    month = month_number(m[2])
    rel = (m[1] or "").replace("_", " ")
    a = x.a
    if not a:
        return "DATE", f"XXXX-{month:02d}"
    if rel in ("last", "this past"):
        y = a.year if month < a.month else a.year - 1
    elif rel in ("next", "this coming"):
        y = a.year if month > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        y = v.year_for(month, None, a, x.tense)
    return "DATE", f"{y:04d}-{month:02d}"


# ---------------------------------------------------------------- years, decades, centuries

plain_year = core_value("plain_year", rf"(?:the )?(?:year |calendar |fiscal |fiscal year |fy\s?)?({YEAR})(?: (?:period|fiscal year|year))?",
                        lambda m: m[1], "'2019', 'fiscal 2016', 'the 2015 period'.")


_YEAR_VALUE = re.compile(r"\d{4}")


@on_core(r"(\d\d)")
def range_second_year(x: Expr, m: re.Match) -> Answer | None:
    """The second year of a range written short ('1998-99' split in two): '99' after the
    reference year 1998 -> 1999, '1910-45' -> 1945; across a century only within ten years
    ('1999-01' -> 2001)."""
    if not _YEAR_VALUE.fullmatch(x.ref):
        return None
    start = int(x.ref)
    year = start - start % 100 + int(m[1])
    if year <= start:
        year += 100
        if year - start > 10:
            return None
    return "DATE", f"{year:04d}"


fiscal_short_year = core_value("fiscal_short_year", r"(?:fiscal |fy\s?)'?(\d\d)",
                               lambda m: f"{1900 + int(m[1]) if int(m[1]) >= 50 else 2000 + int(m[1])}",
                               "'FY16' -> 2016, \"fiscal '98\" -> 1998.")


@on_core(r"(?:the )?(1[5-9]\d|20\d)0'?s")
def decade(x: Expr, m: re.Match) -> Answer | None:
    """'the 1990s' -> 199X; 'the early 1980s' -> 198 (a part of the decade)."""
    return "DATE", f"{m[1]}X" if x.core == x.bare.removeprefix("the ") else m[1]


short_decade = core_value("short_decade", r"(?:the )?'(\d)0s", lambda m: f"19{m[1]}X", "\"the '90s\" -> 199X.")


century = core_value("century", r"(?:the )?(\d\d)(?:st|nd|rd|th) century", lambda m: f"{int(m[1]) - 1:02d}",
                     "'the 20th century' -> 19.")


# ---------------------------------------------------------------- quarters and halves

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


def numbered_quarter(x: Expr) -> Answer | None:
    """'the second quarter of 2014', 'Q3 2018', 'the third quarter' (the year from the tense)."""
    qm = _quarter_match(x.core)
    if not qm:
        return None
    q_word, y_expr = qm
    q = int(q_word) if q_word.isdigit() else ORDINALS[q_word]
    y = v.rel_year(y_expr, x.ay, x.ref)
    if y is None and x.a:
        y = x.a.year - 1 if x.tense == "past" and (q - 1) * 3 + 1 > x.a.month else x.a.year
    return "DATE", f"{y:04d}-Q{q}" if y else f"XXXX-Q{q}"


@on_core(rf"(?:the )?(first|second|last|latter) half(?: of (?:fiscal )?({YEAR}|last year|this year|next year|the year))?")
def half(x: Expr, m: re.Match) -> Answer | None:
    """'the first half of 2012' -> 2012-H1."""
    h = 1 if m[1] == "first" else 2
    y = v.rel_year(m[2], x.ay, x.ref)
    if y is None and x.a:
        y = x.a.year - 1 if x.tense == "past" and h == 2 and x.a.month <= 6 else x.a.year
    return "DATE", f"{y:04d}-H{h}" if y else f"XXXX-H{h}"


_THE_QUARTER = re.compile(r"(?:the )?(?:latest|current|same|most recent|recent|just-ended|just ended)?\s*(?:quarter|period)")
_LATEST_PERIOD = re.compile(r"(?:the )?(?:latest|most recent) period")
_REL_QUARTER = re.compile(r"(last|this|next|the previous|the next|the coming|the current) quarter")
_REL_QUARTER_SHIFT = {"last": -1, "the previous": -1, "next": 1, "the next": 1, "the coming": 1}


def the_quarter(x: Expr) -> Answer | None:
    """'the latest quarter', 'the current quarter', 'last quarter': the reference's, else the
    anchor's (last full) quarter."""
    core, a = x.core, x.a
    if _THE_QUARTER.fullmatch(core) and "quarter" in core or _LATEST_PERIOD.fullmatch(core):
        if x.ref and v.QUARTER_VALUE.fullmatch(x.ref):
            return "DATE", x.ref
        if a:
            q0 = a.year * 4 + v.quarter(a) - 1 - (0 if "current" in core else 1)
            return "DATE", f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
        return "DATE", "XXXX-QX"
    if m := _REL_QUARTER.fullmatch(core):
        if not a:
            return "DATE", "XXXX-QX"
        q0 = a.year * 4 + v.quarter(a) - 1 + _REL_QUARTER_SHIFT.get(m[1], 0)
        return "DATE", f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
    return None


_YEAR_AGO_FORMS = (          # 'the year-ago quarter', 'a year earlier', 'the same period a year ago'
    re.compile(r"(?:the )?(?:comparable |corresponding |same )?(?:a )?year[\s-](?:ago|earlier)(?:[\s-](?:first|second|third|fourth|fiscal|same))*(?:[\s-](?:quarter|period|time|level|results?))?"),
    re.compile(r"a year (?:ago|earlier|before)"),
    re.compile(r"(?:the )?(?:comparable |corresponding |same )?(?:quarter|period) (?:a year (?:ago|earlier)|(?:of )?(?:last year|a year (?:ago|earlier)))"),
)
_YEAR_QUARTER = re.compile(rf"(?:the )?({YEAR})(?: fiscal)? (?:quarter|period)")


def year_ago_period(x: Expr) -> Answer | None:
    """'the year-ago quarter', 'a year earlier': the period one year before the last one
    mentioned; 'the 2013 quarter': the reference's quarter of that year."""
    core = x.core
    if any(form.fullmatch(core) for form in _YEAR_AGO_FORMS):
        return "DATE", v.year_back(x.ref, x.ay, x.a if "quarter" in core or "period" in core else None)
    if m := _YEAR_QUARTER.fullmatch(core):
        q = x.ref[-1] if v.QUARTER_VALUE.fullmatch(x.ref) else (str((v.quarter(x.a) + 2) % 4 + 1) if x.a else "X")
        return "DATE", f"{m[1]}-Q{q}"
    return None


# ---------------------------------------------------------------- seasons

def _season_year(s: str, rel: str, a: dt.date, tense: str) -> int:
    """The year of a season told without one, from the anchor, rel and tense."""
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
    return y


@on_core(rf"(last|this|next|this_past|this_coming|past|coming)?\s*(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?({YEAR}|last year|this year|next year))?")
def season(x: Expr, m: re.Match) -> Answer | None:
    """'last summer' -> 2014-SU, 'the winter of 2009' -> 2009-WI."""
    s = SEASON[m[2]]
    y = v.rel_year(m[3], x.ay, x.ref)
    if y is None and x.a:
        y = _season_year(s, (m[1] or "").replace("_", " "), x.a, x.tense)
    return "DATE", f"{y:04d}-{s}" if y else f"XXXX-{s}"


# ---------------------------------------------------------------- relative units and offsets

_REL_UNIT = re.compile(r"(?:(earlier|later|early|late)\s+)?(last|this|next|the current|the previous|the next|the following|the coming|this_past|this_coming|that|the same|the)\s+(week|month|year|weekend|decade|century)")
_REL_UNIT_SHIFT = {"last": -1, "the previous": -1, "this past": -1, "next": 1, "the next": 1,
                   "the following": 1, "the coming": 1, "this coming": 1}


def rel_unit(x: Expr) -> Answer | None:
    """'last week', 'this month', 'earlier this year', 'next weekend', 'that week' (the
    reference's)."""
    m = _REL_UNIT.fullmatch(x.core)
    if not m:
        return None
    rel, unit = m[2].replace("_", " "), m[3]
    if rel in ("that", "the same") or (rel == "the" and unit != "year" and unit != "weekend"):
        return ("DATE", v.ref_unit(x.ref, unit)) if x.ref else ("", "")
    return "DATE", v.unit_value(x.a, x.ay, unit, _REL_UNIT_SHIFT.get(rel, 0))


def year_words(x: Expr) -> Answer | None:
    """'fiscal year' and 'for the year' are a period (P1Y); 'the full year' is the anchor's."""
    if x.bare in ("fiscal year", "financial year"):
        return "DURATION", "P1Y"
    if x.bare in ("full year", "calendar year"):
        return "DATE", f"{x.ay:04d}" if x.ay else "XXXX"
    if x.core == x.bare == "year":
        return "DURATION", "P1Y"
    return None


@on_core(r"(?:the )?week (?:of|beginning|starting|from) (.+)")
def week_of(x: Expr, m: re.Match) -> Answer | None:
    """'the week of April 27' -> that day's ISO week."""
    kind, value = x.again(m[1])
    if kind == "DATE" and v.ISO_DAY.fullmatch(value):
        return "DATE", v.iso_week(dt.date.fromisoformat(value))
    return ("DATE", "XXXX-WXX") if kind == "DATE" else ("", "")


_UNIT_WORD = re.compile(r"(week|month|year|weekend)")
_UNIT_END = re.compile(r"(week|month|year)[\s-](?:end|start)")


def unit_word(x: Expr) -> Answer | None:
    """'the end of the week', 'the weekend', 'year-end': the anchor's; 'the week' alone is not
    said which one."""
    core = x.core
    if core == x.bare and core in ("week", "month"):
        return "", ""
    if m := _UNIT_WORD.fullmatch(core):
        if m[1] == "weekend" and x.a:
            back = x.a.weekday() < 5 and x.tense != "future"
            return "DATE", v.iso_week(x.a - dt.timedelta(weeks=1 if back else 0)) + "-WE"
        return "DATE", v.unit_value(x.a, x.ay, m[1], 0)
    if m := _UNIT_END.fullmatch(core):
        return "DATE", v.unit_value(x.a, x.ay, m[1], 0)
    return None


_OFFSET = re.compile(r"(?:about |nearly |almost |some |more than |less than |over |just |only )?(.+?)\s+(years?|months?|weeks?|days?|decades?)\s+(ago|earlier|before|later|after|from now|hence|back)")
_YEAR_OR_PART_VALUE = re.compile(r"\d{4}(-Q\d|-H\d)?")


def offset(x: Expr) -> Answer | None:
    """'three weeks ago', 'two years earlier' (from the reference year), 'a month from now'."""
    m = _OFFSET.fullmatch(x.core)
    if not m:
        return None
    n = v.num(m[1])
    unit = v.unit(m[2])
    sign = -1 if m[3] in ("ago", "earlier", "before", "back") else 1
    if m[3] in ("earlier", "later", "before", "after") and unit == "year" and n and float(n).is_integer() \
            and _YEAR_OR_PART_VALUE.fullmatch(x.ref):
        return "DATE", f"{int(x.ref[:4]) + sign * int(n):04d}{x.ref[4:]}"
    if n is None or not float(n).is_integer():
        return "DATE", v.unknown_of_unit(unit) if not x.a else ("PAST_REF" if sign < 0 else "FUTURE_REF")
    return "DATE", v.offset(x.a, unit, sign * int(n))


@on_core(rf"(last|this|next|this_past|this_coming|past|coming)?\s*({WEEKDAY})")
def rel_weekday(x: Expr, m: re.Match) -> Answer | None:
    """'Friday' (past or future from the tense), 'next Monday', 'last Monday'."""
    if not x.a:
        return "DATE", "XXXX-XX-XX"
    rel = (m[1] or "").replace("_", " ")
    return "DATE", v.weekday(v.weekday_index(m[2]), x.a, x.tense, rel).isoformat()


# ---------------------------------------------------------------- durations

_DURATION = re.compile(r"(?:(?:the|a|an)\s+)?(?:(?:past|last|next|coming|first|final|latest|previous|following|more than|less than|no more than|at least|up to|nearly|almost|about|over|some|roughly|only|just|another|an additional|the next|the last|the past)\s+)*"
                       r"(\d+(?:\.\d+)?|[a-z]+(?:[\s-](?!(?:more|full|straight|consecutive)\b)[a-z]+)?|a couple of|couple of)[\s-]+"
                       r"(?:more\s+|full\s+|straight\s+|consecutive\s+)?"
                       r"(years?|months?|weeks?|days?|decades?|centuries|century|hours?|minutes?|quarters?|seconds?)(?:[\s-](?:long|old|term|period))?")
_VAGUE_DURATION = re.compile(r"(?:the )?(?:past|last|next|coming|previous|following|recent|first|final)\s+(years|months|weeks|days|decades|hours|quarters)")
_ONE_UNIT_DURATION = re.compile(r"(?:the )?(?:past|last|next|coming|previous|following|entire|whole|full)\s+(year|month|week|day|decade|century|quarter)")
_VAGUE_COUNTS = ("several", "few", "a few", "many", "some", "recent", "coming", "the")


def duration(x: Expr) -> Answer | None:
    """'nine years', 'the past two months', 'a three-year', 'several weeks', 'the whole year'
    ('the past year': no count, the one unit)."""
    counted = _DURATION.fullmatch(x.core)
    if counted and (v.num(counted[1]) is not None or counted[1] in _VAGUE_COUNTS):
        return "DURATION", v.duration(v.num(counted[1]), v.unit(counted[2]))
    if m := _VAGUE_DURATION.fullmatch(x.core):
        return "DURATION", v.duration(None, v.unit(m[1]))
    if m := _ONE_UNIT_DURATION.fullmatch(x.core):
        return "DURATION", v.duration(1 if m[1] != "decade" else 10, m[1] if m[1] != "decade" else "year")
    return ("", "") if counted else None


_HALF_CODE = {"Y": ("Y", "6M"), "M": ("M", "15D"), "D": ("D", "T12H"), "H": ("TH", "30M"), "MIN": ("TM", "30S")}
_AND_A_HALF = re.compile(r"(?:(?:about|nearly|almost|more than|less than|over|some|roughly|only|just|another)\s+)*"
                         r"(?:(?P<n1>\d+|[a-z]+)[\s-]+(?:1/2|\u00bd|and[\s-]a[\s-]half)[\s-]+(?P<u1>years?|months?|days?|hours?|minutes?)"
                         r"|(?P<n2>\d+|[a-z]+)[\s-]+(?P<u2>years?|months?|days?|hours?|minutes?)[\s-]+and[\s-]a[\s-]half)")


def and_a_half(x: Expr) -> Answer | None:
    """'2 1/2 years' -> P2Y6M, 'an hour and a half' -> PT1H30M, 'a minute and a half' -> PT1M30S:
    a count and a half of a unit, written in the whole unit and the next smaller one."""
    m = _AND_A_HALF.fullmatch(x.core)
    if not m:
        return None
    n = v.num(m["n1"] or m["n2"])
    if n is None or not float(n).is_integer():
        return "", ""
    big, small = _HALF_CODE[UNIT_CODE[v.unit(m["u1"] or m["u2"])]]
    if big.startswith("T"):
        return "DURATION", f"PT{int(n)}{big[1:]}{small}"
    return "DURATION", f"P{int(n)}{big}{small}"


RULES: tuple[Rule, ...] = (
    fixed_word, age, every_n_units, every_weekday_or_month, named_day, full_date,
    time_of_day,
    following_year, that_unit, following_month_or_week, current_unit,
    month_day, day_of_rel_month, month_of_year, month_of_rel_year, rel_month,
    plain_year, range_second_year, fiscal_short_year, decade, short_decade, century,
    numbered_quarter, half, the_quarter, year_ago_period,
    season,
    rel_unit, year_words, week_of, unit_word,
    offset, rel_weekday,
    and_a_half, duration,
)
