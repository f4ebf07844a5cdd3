"""The date rules of TimeML mode only (dates.TimeML): run before rules.RULES when the TimeML part
of their name is on. Calendar mode (dates.csv) never uses them."""
from __future__ import annotations

import datetime as dt
import re

from pipeline.extract.dates import values as v
from pipeline.extract.dates.expr import Answer, Expr, Rule
from pipeline.extract.dates.rules import on_core
from pipeline.extract.dates.vocabulary import MON, WEEKDAY
from pipeline.read.pubdate import month_number


@on_core(r"(?:the )?(?:most )?recent (years|months|weeks|decades)")
def recent_units(x: Expr, m: re.Match) -> Answer | None:
    """'recent years', 'in recent months': TimeML values them PAST_REF (calendar mode: a vague
    duration, left out of dates.csv)."""
    return "DATE", "PAST_REF"


_THE_YEAR = re.compile(r"the (?:fiscal |calendar |current )?year")


def the_year(x: Expr) -> Answer | None:
    """'the year', 'the fiscal year' written with 'the': the year the text is about (the
    reference's, else the anchor's), where calendar mode reads a period (P1Y)."""
    if not _THE_YEAR.fullmatch(x.e):
        return None
    if x.ref[:4].isdigit():
        return "DATE", x.ref[:4]
    return "DATE", f"{x.ay:04d}" if x.ay else "XXXX"


_NEAR_DAYS = 92


@on_core(rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?({MON})\s*(\d{{1,2}})(?:st|nd|rd|th)?", rf"({MON})")
def near_future_day(x: Expr, m: re.Match) -> Answer | None:
    """A month and day in a past-tense sentence that fall within three months after the anchor
    ('the offer was extended to Nov. 16', 'payable Dec. 7' after 'declared'), or a month alone
    that is one of the next two ('gave them until mid-November' in October): the coming one,
    where calendar mode reads the one before the anchor."""
    if m.lastindex == 1:            # a month alone: the coming one when it is one of the next two
        month = month_number(m[1])
        if x.tense != "past" or not x.a or not 0 < (month - x.a.month) % 12 <= 2:
            return None
        return "DATE", f"{x.a.year + (1 if month < x.a.month else 0):04d}-{month:02d}"
    if x.tense != "past" or not x.a or not 1 <= int(m[2]) <= 31:
        return None
    month = month_number(m[1])
    try:
        day = dt.date(x.a.year + (1 if month < x.a.month else 0), month, int(m[2]))
    except ValueError:
        return None
    return ("DATE", day.isoformat()) if 0 < (day - x.a).days <= _NEAR_DAYS else None


def the_week(x: Expr) -> Answer | None:
    """'the week' with no word saying which ('for the week, the index fell'): a week of the
    anchor's year that the text does not pin down, YYYY-WXX (calendar mode: no date)."""
    if x.e != "the week":
        return None
    return "DATE", f"{x.ay:04d}-WXX" if x.ay else "XXXX-WXX"


@on_core(r"(?:the )?past (year|month|week)")
def past_unit(x: Expr, m: re.Match) -> Answer | None:
    """'the past year', 'over the past month': TimeML values them the unit before the anchor's
    (as 'last year'; calendar mode leaves them out, a span up to now)."""
    return "DATE", v.unit_value(x.a, x.ay, m[1], -1)


_PLURAL_UNIT_CODE = {"years": "Y", "months": "M", "weeks": "W", "days": "D", "decades": "E", "centuries": "C",
                     "hours": "TH", "minutes": "TM"}


def plural_unit(x: Expr) -> Answer | None:
    """A unit in the plural with no count ('for years', 'within weeks', 'over the years'): a
    duration of an unknown number of them (PXY, PXW, PTXH; found by the vague_durations scan)."""
    code = _PLURAL_UNIT_CODE.get(x.bare)
    if code is None:
        return None
    return "DURATION", f"PTX{code[1]}" if code.startswith("T") else f"PX{code}"


@on_core(r"(\d{1,2})")
def range_second_day(x: Expr, m: re.Match) -> Answer | None:
    """The second day of a range that shares its month ('April 24 and 25', 'May 3-5' split in
    two): a day number just after a day of the reference's month, within ten days of it."""
    if not v.ISO_DAY.fullmatch(x.ref) or not 0 < int(m[1]) - int(x.ref[8:]) <= 10:
        return None
    try:
        return "DATE", dt.date(int(x.ref[:4]), int(x.ref[5:7]), int(m[1])).isoformat()
    except ValueError:
        return None


# rules run before RULES in TimeML mode, by the name of the TimeML part that turns them on, or
# always (ALWAYS_RULES)
TIMEML_RULES: dict[str, Rule] = {"recent_units": recent_units, "the_year": the_year, "near_future_day": near_future_day,
                                 "the_week": the_week, "past_unit": past_unit, "plural_unit": plural_unit, "range_second_day": range_second_day}
ALWAYS_RULES = ("the_week", "past_unit", "plural_unit", "range_second_day")
