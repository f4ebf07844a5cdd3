"""Publication date from the text itself: bylines, datelines, 'Posted on', 'published on ... in',
'Updated/Modified on' (only when nothing says when it was published).

Order of trust (applied in clean.py): sidecar/JSONL field -> HTML metadata -> text -> URL.
A year is never invented: a date without a year gives no publication date.
"""
from __future__ import annotations

import re

import regex

from pipeline.resources import lowered

MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december"]


_MONTH_OF_STEM = {m[:3]: i for i, m in enumerate(MONTH_NAMES, 1)}


def month_number(name: str) -> int:
    """'Sept.' -> 9, 'june' -> 6 (first three letters decide)."""
    return _MONTH_OF_STEM[name.lower().rstrip(".")[:3]]


_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

# Full dates with a year, in the forms news sites print them, written in lowercase for the lowered
# text (see lowered), each on the engine that scans it faster there: re finds the month opening the
# second quickly, the regex module is quicker at the others. A text lowered refuses gets them with
# IGNORECASE under re, as they were written for. tests/test_pubdate.py compares these ways.
_FULL_DATE_SOURCES = [
    (regex, r"(?<!\d)(?P<y>(?:19|20)\d\d)[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"),               # 2015-04-13, 2015.4.13
    (re, _MON + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y>(?:19|20)\d\d)(?!\d)"),                 # Apr.13,2015 / June 19, 2024
    (regex, r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)(?!\d)"),    # 27 September 2016
]
FULL_DATE_PATTERNS = [engine.compile(p) for engine, p in _FULL_DATE_SOURCES]
_FULL_DATE_PATTERNS_ANY_CASE = [re.compile(p, re.I) for _, p in _FULL_DATE_SOURCES]
CUE = regex.compile(r"\b(posted|published|first published|released|date|dated|issued)\b\s*(on|at)?\s*[:|]?", re.I)
LATER_CUE = re.compile(r"\b(updated|modified|last modified|last updated|edited)\b\s*(on|at)?\s*[:|]?", re.I)
# What may stand between a cue and its date: a weekday, a clock time, a zone, punctuation.
CUE_GAP = re.compile(r"^[\s:|,\-\u2013]*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?"
                     r"(?:\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?[\s,|\-]*)?"
                     r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?$", re.I)
PUBLISHED_IN = re.compile(r"\bpublished\s+(?:on\s+)?(?P<date>[^.;]{3,40}?)\s+in\b", re.I)
URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})(?:[/-](?P<d>\d{1,2}))?/")


def _iso(y: int, m: int, d: int | None) -> str | None:
    if not (1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d else "")


def full_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO) for every full calendar date with a year in text, leftmost first."""
    if "19" not in text and "20" not in text:       # every form's year starts so
        return []
    low = lowered(text)
    patterns, scanned = (FULL_DATE_PATTERNS, low) if low is not None else (_FULL_DATE_PATTERNS_ANY_CASE, text)
    found = []
    for pat in patterns:
        for m in pat.finditer(scanned):
            g = m.groupdict()
            month = int(g["m"]) if g.get("m") else month_number(g["mon"])
            iso = _iso(int(g["y"]), month, int(g["d"]))
            if iso:
                found.append((m.start(), m.end(), iso))
    found.sort()
    out, last_end = [], -1
    for s, e, iso in found:
        if s >= last_end:
            out.append((s, e, iso))
            last_end = e
    return out


# A place name (1-4 capitalised words, optionally ", Country") and a comma opening a paragraph.
DATELINE = re.compile(r"^[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,3}(?:,\s*[A-Z][A-Za-z.]+){0,1},\s*")


def from_text(lines: list[str], head_lines: int = 12) -> str:
    """Publication date stated in the text, or '' (see module doc for the forms)."""
    # 1. A cue word (Posted on, Published:) followed by a full date, anywhere; then the same
    #    for Updated/Modified on, which only stand in when nothing says when it was published.
    for cues in (CUE, LATER_CUE):
        for line in lines:
            for cue in cues.finditer(line):
                window = line[cue.end():cue.end() + 60]
                dates = full_dates(window)
                if dates and CUE_GAP.match(window[:dates[0][0]]):
                    return dates[0][2]
    # 2. "published on September 26, 2021 in The X".
    for line in lines:
        m = PUBLISHED_IN.search(line)
        if m and full_dates(m.group("date")):
            return full_dates(m.group("date"))[0][2]
    # 3. A short dateline/byline line in the head of the article that carries a full date.
    for line in lines[:head_lines]:
        if len(line.split()) <= 8:
            dates = full_dates(line)
            if dates:
                return dates[0][2]
    # 4. A wire dateline opening a paragraph in the head: "NEW DELHI, May 2, 2025 (Agency) -".
    for line in lines[:head_lines]:
        m = DATELINE.match(line)
        if m:
            dates = full_dates(line[m.end():m.end() + 40])
            if dates and dates[0][0] == 0:
                return dates[0][2]
    return ""


def from_url(url: str) -> str:
    m = URL_DATE.search(url or "")
    if not m:
        return ""
    return _iso(int(m["y"]), int(m["m"]), int(m["d"]) if m["d"] else None) or ""


def normalise_published(value: str) -> str:
    """A metadata date string (ISO, 'June 19, 2024', '2024-06-19T10:00Z') -> ISO, or ''."""
    value = (value or "").strip()
    m = re.match(r"^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?(?:$|[T\s])", value)
    if m:
        return _iso(int(m[1]), int(m[2] or 1), int(m[3]) if m[3] else None) if m[2] else m[1]
    dates = full_dates(value)
    return dates[0][2] if dates else ""
