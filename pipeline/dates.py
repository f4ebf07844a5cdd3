"""Dates: temporal expressions that point to calendar time, normalised to TIMEX3-style values.

Candidates are spaCy DATE entities plus rule matches for forms the model misses (2015.4.13,
Apr.13,2015). Durations ("nine years", "several months") are excluded. Values keep the
granularity written and resolve relative expressions against the anchor (the publication
date when known); what cannot be known is written with X ("XXXX-05").
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from spacy.tokens import Doc

from .nlp import sentence_at
from .pubdate import full_dates, month_number
from .records import DateFinding, Sentence

MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UNITS = r"(?:years?|months?|weeks?|days?|decades?|centuries|century|hours?|minutes?|seconds?)"
NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|several|few|many|some|a|an|the past|the last|the next|past|next|last|recent|coming)"
DURATION = re.compile(rf"^(?:for\s+|over\s+|within\s+|about\s+|nearly\s+|almost\s+|more than\s+|less than\s+|up to\s+|the\s+)*(?:{NUMBER}[\s-]+)+(?:[\w-]+\s+)?{UNITS}(?:\s+(?:of\s+\w+|long|old|into\s+\w+))?$", re.I)
AGE = re.compile(r"\b(years?|months?)[\s-]old\b", re.I)
NUM_WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def is_duration(expr: str) -> bool:
    e = expr.strip()
    if re.search(r"\bago\b", e, re.I):
        return False
    return bool(DURATION.match(e) or AGE.search(e))


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _anchor_date(anchor: str) -> dt.date | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", anchor or ""):
        return dt.date.fromisoformat(anchor)
    return None


@lru_cache(maxsize=4096)
def normalise(expr: str, anchor: str = "", tense: str = "past") -> str:
    """TIMEX3-style value of a date expression; '' if it names no calendar time.

    anchor: ISO date (YYYY-MM-DD, YYYY-MM or YYYY) used for relative and partial expressions.
    tense: 'past' or 'future', used to pick the year of a bare month or weekday."""
    e = re.sub(r"\s+", " ", expr.strip().lower())
    e = re.sub(r"^(on|in|at|by|since|from|until|till|before|after|during|of|around|about|early|late|mid|the|this past)\s+", "", e)
    a = _anchor_date(anchor)
    ay = int(anchor[:4]) if anchor[:4].isdigit() else None
    full = full_dates(expr)
    if full:
        return full[0][2]
    if m := re.fullmatch(r"(?:early |late |mid-?|the )?((?:19|20)\d\d)s?", e):
        return m.group(1) if not e.endswith("s") else m.group(1)[:3] + "X"
    if m := re.search(rf"\b({MON})\s*(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", e) or \
            re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MON})\b(?!,?\s*\d{{4}})", e):
        g = m.groups()
        mon, day = (g[0], g[1]) if not g[0][0].isdigit() else (g[1], g[0])
        month, day = month_number(mon), int(day)
        year = ay if ay else None
        if a and tense == "future" and (month, day) < (a.month, a.day):
            year = a.year + 1
        return f"{year:04d}-{month:02d}-{day:02d}" if year else f"XXXX-{month:02d}-{day:02d}"
    if m := re.search(rf"\b({MON})\s*,?\s*((?:19|20)\d\d)\b", e):
        return f"{int(m.group(2)):04d}-{month_number(m.group(1)):02d}"
    if m := re.search(rf"\b({MON})\s+of\s+(last|this|next) year\b", e):
        if not ay:
            return f"XXXX-{month_number(m.group(1)):02d}"
        return f"{ay + {'last': -1, 'this': 0, 'next': 1}[m.group(2)]:04d}-{month_number(m.group(1)):02d}"
    if m := re.fullmatch(rf"(?:(last|this|next|early|late|mid-?)\s*)?({MON})", e):
        month = month_number(m.group(2))
        if not ay or not a:
            return f"XXXX-{month:02d}"
        rel = m.group(1) or ""
        year = a.year
        if rel == "last" or (rel == "" and tense == "past" and month > a.month):
            year -= 1 if month >= a.month or rel == "last" and month > a.month else 0
        if rel == "next" or (tense == "future" and month < a.month):
            year += 1
        return f"{year:04d}-{month:02d}"
    if e in ("today", "tonight", "this morning", "this afternoon", "this evening", "now"):
        return a.isoformat() if a else "XXXX-XX-XX"
    if e in ("yesterday", "last night"):
        return (a - dt.timedelta(days=1)).isoformat() if a else "XXXX-XX-XX"
    if e == "tomorrow":
        return (a + dt.timedelta(days=1)).isoformat() if a else "XXXX-XX-XX"
    if m := re.fullmatch(r"(last|this|next|the) (week|month|year)", e) or re.fullmatch(r"(earlier|later) this (week|month|year)", e):
        rel, unit = m.group(1), m.group(2)
        shift = {"last": -1, "next": 1}.get(rel, 0)
        if unit == "year":
            return f"{ay + shift:04d}" if ay else "XXXX"
        if not a:
            return "XXXX-WXX" if unit == "week" else "XXXX-XX"
        if unit == "week":
            return _iso_week(a + dt.timedelta(weeks=shift))
        month0 = a.year * 12 + a.month - 1 + shift
        return f"{month0 // 12:04d}-{month0 % 12 + 1:02d}"
    if m := re.fullmatch(r"(\w+) (years?|months?|weeks?|days?) ago", e):
        n = int(m.group(1)) if m.group(1).isdigit() else NUM_WORDS.get(m.group(1))
        if n is None or not a:
            return "XXXX"
        if m.group(2).startswith("year"):
            return f"{a.year - n:04d}"
        if m.group(2).startswith("month"):
            month0 = a.year * 12 + a.month - 1 - n
            return f"{month0 // 12:04d}-{month0 % 12 + 1:02d}"
        return (a - dt.timedelta(days=n * (7 if m.group(2).startswith("week") else 1))).isoformat()
    if m := re.fullmatch(r"(last |this |next )?(" + "|".join(WEEKDAYS) + r")", e):
        if not a:
            return "XXXX-XX-XX"
        target = WEEKDAYS.index(m.group(2))
        delta = (a.weekday() - target) % 7
        if (m.group(1) or "").strip() == "next" or tense == "future":
            return (a + dt.timedelta(days=(target - a.weekday()) % 7 or 7)).isoformat()
        return (a - dt.timedelta(days=delta)).isoformat()
    if m := re.fullmatch(r"(spring|summer|autumn|fall|winter)(?: of)?(?: ((?:19|20)\d\d))?", e):
        season = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}[m.group(1)]
        year = m.group(2) or (str(ay) if ay else "XXXX")
        return f"{year}-{season}"
    return ""


def _tense(doc: Doc, start: int, end: int) -> str:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return "past"
    head = span.root.head
    for tok in [head, *head.children]:
        if tok.lower_ in ("will", "'ll", "shall") or tok.tag_ == "MD" and tok.lower_ in ("will", "would"):
            return "future"
    return "past"


def extract(doc: Doc, sents: list[Sentence], anchor: str) -> list[DateFinding]:
    text = doc.text
    spans: list[tuple[int, int]] = []
    for s, e, _iso in full_dates(text):
        spans.append((s, e))
    for ent in doc.ents:
        if ent.label_ == "DATE":
            s, e = ent.start_char, ent.end_char
            if not any(a < e and s < b for a, b in spans):
                spans.append((s, e))
    out: list[DateFinding] = []
    for s, e in sorted(spans):
        expr = text[s:e]
        m = re.match(r"(?i)(the|on|in|at|by|since)\s+", expr)
        if m and not re.match(r"(?i)the \d", expr):
            s += m.end()
            expr = text[s:e]
        if is_duration(expr):
            continue
        sent = sentence_at(sents, s)
        if sent is None:
            continue
        value = normalise(expr, anchor, _tense(doc, s, e))
        if value:
            out.append(DateFinding(sent.n, s, e, expr, value, anchor if anchor else ""))
    return out
