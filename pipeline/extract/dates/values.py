"""Calendar arithmetic for the dates stage: numbers and units read from words, and TIMEX3-style
values (2015-04-12, 2015-W15, 2015-Q2, P3Y, XXXX-05) computed against an anchor date."""
from __future__ import annotations

import datetime as dt
import re

from pipeline.extract.dates.vocabulary import NUM_WORDS, UNIT_CODE, WEEKDAYS

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_VALUE = re.compile(r"\d{4}-\d\d")
QUARTER_VALUE = re.compile(r"\d{4}-Q\d")


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD_GAP = re.compile(r"[\s-]+")


def num(word: str) -> float | None:
    """'12' -> 12, 'twelve' -> 12, 'forty-two' -> 42, '1.5' -> 1.5; None for anything else."""
    w = word.lower().strip()
    if _NUMBER.fullmatch(w):
        return float(w) if "." in w else int(w)
    if w in NUM_WORDS:
        return NUM_WORDS[w]
    parts = _WORD_GAP.split(w)
    if len(parts) == 2 and parts[0] in NUM_WORDS and parts[1] in NUM_WORDS and NUM_WORDS[parts[0]] >= 20:
        return NUM_WORDS[parts[0]] + NUM_WORDS[parts[1]]
    return None


def unit(word: str) -> str:
    """'weeks' -> 'week', 'centuries' -> 'century'."""
    w = word.lower()
    for u in ("century", "centuries"):
        if w == u:
            return "century"
    return w[:-1] if w.endswith("s") and w[:-1] in UNIT_CODE else w


def anchor_date(anchor: str) -> dt.date | None:
    if ISO_DAY.fullmatch(anchor or ""):
        try:
            return dt.date.fromisoformat(anchor)
        except ValueError:
            return None
    return None


def iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def month_shift(d: dt.date, n: int) -> str:
    m0 = d.year * 12 + d.month - 1 + n
    return f"{m0 // 12:04d}-{m0 % 12 + 1:02d}"


def quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def year_for(month: int, day: int | None, a: dt.date | None, tense: str) -> int | None:
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


def weekday_index(word: str) -> int:
    w = word.lower()[:3]
    return [d[:3] for d in WEEKDAYS].index(w)


def weekday(target: int, a: dt.date, tense: str, rel: str) -> dt.date:
    """The day of weekday target nearest the anchor in the direction rel ('next', 'last', ...)
    or, without one, the tense says."""
    if rel == "next" or (rel in ("", "this coming", "coming") and tense == "future"):
        ahead = (target - a.weekday()) % 7
        if rel == "next":
            ahead = ahead or 7
        return a + dt.timedelta(days=ahead)
    back = (a.weekday() - target) % 7
    if rel in ("last", "this past", "past"):
        back = back or 7
    return a - dt.timedelta(days=back)


def rel_year(word: str | None, ay: int | None, ref: str) -> int | None:
    """The year of '2014', 'last year', 'this year', 'next year' or 'the year' (the reference's)."""
    if not word:
        return None
    if word.isdigit():
        return int(word)
    if word == "the year":
        return int(ref[:4]) if ref[:4].isdigit() else ay
    return ay + {"last year": -1, "this year": 0, "next year": 1}[word] if ay else None


_QUARTER_OR_HALF_VALUE = re.compile(r"\d{4}-(Q\d|H\d)")


def year_back(ref: str, ay: int | None, quarter_of: dt.date | None = None) -> str:
    """One year before the reference period; a quarter when the reference (or, for "the
    year-ago quarter", the anchor's last full quarter) is one."""
    if ref and _QUARTER_OR_HALF_VALUE.fullmatch(ref):
        return f"{int(ref[:4]) - 1:04d}{ref[4:]}"
    if quarter_of:
        q0 = quarter_of.year * 4 + quarter(quarter_of) - 2 - 4
        return f"{q0 // 4:04d}-Q{q0 % 4 + 1}"
    return f"{ay - 1:04d}" if ay else "XXXX"


def ref_unit(ref: str, unit_: str) -> str:
    """The year, month or week of the reference value ('that month'), else ''."""
    if unit_ == "year" and ref[:4].isdigit():
        return ref[:4]
    if unit_ == "month" and MONTH_VALUE.match(ref):
        return ref[:7]
    if unit_ in ("week", "weekend") and ISO_DAY.fullmatch(ref):
        return iso_week(dt.date.fromisoformat(ref)) + ("-WE" if unit_ == "weekend" else "")
    return ""


def unit_value(a: dt.date | None, ay: int | None, unit_: str, shift: int) -> str:
    """The anchor's year, decade, century, month, week or weekend, moved by shift units."""
    if unit_ == "year":
        return f"{ay + shift:04d}" if ay else "XXXX"
    if unit_ == "decade":
        return f"{(ay // 10 + shift):03d}X" if ay else "XXXX"
    if unit_ == "century":
        return f"{(ay // 100 + shift):02d}" if ay else "XXXX"
    if not a:
        return {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE"}.get(unit_, "XXXX-XX")
    if unit_ == "week":
        return iso_week(a + dt.timedelta(weeks=shift))
    if unit_ == "weekend":
        return iso_week(a + dt.timedelta(weeks=shift)) + "-WE"
    return month_shift(a, shift)


def unknown_of_unit(unit_: str) -> str:
    """The value of a period of this unit when no anchor says which one."""
    return {"year": "XXXX", "decade": "XXXX", "month": "XXXX-XX", "week": "XXXX-WXX"}.get(unit_, "XXXX-XX-XX")


def offset(a: dt.date | None, unit_: str, n: int) -> str:
    """The period n units from the anchor ('three weeks ago': n = -3)."""
    if not a:
        return unknown_of_unit(unit_)
    if unit_ == "year":
        return f"{a.year + n:04d}"
    if unit_ == "decade":
        return f"{a.year + 10 * n:04d}"
    if unit_ == "month":
        return month_shift(a, n)
    if unit_ == "week":
        return iso_week(a + dt.timedelta(weeks=n))
    return (a + dt.timedelta(days=n)).isoformat()


def duration(n, unit_: str) -> str:
    """P3Y, PT48H, PXM (n None: an unknown number of months), P2D for a weekend."""
    code = UNIT_CODE.get(unit_, "X")
    if unit_ == "weekend":
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


def clock(m: re.Match) -> str:
    """'T22:00' for a match of classify's clock pattern ('10 p.m.', 'noon'), '' if no time."""
    if m.group(4):
        return "T24:00" if m.group(4) == "midnight" else "T12:00"
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3).startswith("p") and h < 12:
        h += 12
    if m.group(3).startswith("a") and h == 12:
        h = 0
    return f"T{h:02d}:{mi:02d}" if h < 24 and mi < 60 else ""
