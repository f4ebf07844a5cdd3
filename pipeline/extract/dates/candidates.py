"""Candidate spans of the dates stage: where a temporal expression may be.

spaCy DATE and TIME entities, scans for forms the model misses (2015.4.13, Apr.13,2015, the 11th
of last month, mid-2024, seasons, quarters, fiscal years, "now", holidays, the year an
instrument is named by) and full dates, trimmed of prepositions and punctuation and merged where
they overlap or a day and its time of day stand side by side.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex
from spacy.tokens import Doc

from pipeline.extract.dates.vocabulary import (
    LEAD,
    MON,
    MONTH_ABBR,
    MONTH_FULL,
    MONTH_STEMS,
    PART_OF_DAY,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    Vocabulary,
)
from pipeline.extract.nlp import text_of
from pipeline.read.pubdate import MONTH_NAMES, full_dates
from pipeline.resources import lowered, may_contain

# The candidate rules scan the whole text, which costs most of this stage, so each comes with the
# words one of which the text must hold for it to match, and is tried only where one is there. They
# run on the lowered text without IGNORECASE (a quarter faster than IGNORECASE on the text; the same
# matches where resources.lowered gives that text) and with the regex module (about twice as fast as
# re). tests/test_dates.py compares these ways with IGNORECASE scans of the text.
SCAN_SOURCES = [
    (rf"\b(?:{WEEKDAY},?\s+)?{MON}\s*\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s*{YEAR}\b", MONTH_STEMS),  # Apr.13,2015
    (r"(?<![\d.])(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}(?![\d])", ("19", "20")),            # 2015.4.13
    (r"\b(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\s+of\s+(?:last|this|next)\s+month\b", ("month",)),   # the 11th of last month
    (rf"\b(?:early|late|mid)[\s-]{YEAR}\b", ("early", "late", "mid")),                          # mid-2024
    (rf"\b(?:(?:last|this|next|this past|early|late|the)\s+)?(?:spring|summer|autumn|winter)(?:\s+of\s+{YEAR})?\b",
     ("spring", "summer", "autumn", "winter")),
    (rf"\b(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[\s-](?:fiscal[\s-])?quarter(?:\s+of\s+(?:fiscal\s+)?{YEAR})?\b",
     ("quarter",)),
    (rf"\bq[1-4][\s,]+{YEAR}\b|\b{YEAR}\s+q[1-4]\b", ("q1", "q2", "q3", "q4")),
    (rf"\b(?:fiscal(?:\s+year)?|fy)\s?'?(?:{YEAR}|\d\d)\b", ("fiscal", "fy")),
    (r"\b(?:now|currently|recently|nowadays|presently)\b", ("now", "currently", "recently", "presently")),
    (rf"\b(?:every|each)\s+(?:day|week|month|year|quarter|(?:mon|tues|wednes|thurs|fri|satur|sun)day|{MONTH_FULL})\b", ("every", "each")),
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
SCANS = [regex.compile(p) for p, _ in SCAN_SOURCES]                        # on the lowered text


@lru_cache(maxsize=1)
def scans_any_case() -> list:
    """The rules with IGNORECASE, for a text resources.lowered refuses (rare): compiled on first
    use, so a process that never meets such a text never pays for them."""
    return [regex.compile(p, regex.I) for p, _ in SCAN_SOURCES]


# TimeML mode only: vague references TimeML annotates (PAST_REF, FUTURE_REF, PRESENT_REF) that
# dates.csv never holds, one group per name so the benchmark can choose them on training folds.
TIMEML_SCAN_SOURCES = {
    "ref_adverbs": (r"\b(?:soon|previously|formerly|lately)\b", ("soon", "previously", "formerly", "lately")),
    "ref_adjectives": ((r"\b(?:current|recent)\b(?!\s+(?:quarter|period|days|weeks|months|years)\b)|"
                        r"\bthe (?:near|short) term\b"), ("current", "recent", "term")),
    # always in TimeML mode: a count of units, which the model often leaves out ('over a week', 'two
    # more weeks', '5 1/2 hours'): a duration, which dates.csv never holds
    # ('a year' only after a word that takes a span: '$5 million a year' is a rate)
    "durations": ((r"(?:\b(?!one\s+day\b)(?:\d+(?:\.\d+)?(?:\s+1/2)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                   r"fifteen|twenty|thirty|forty|fifty|sixty|several|a few|a couple of)(?:\s+more)?[\s-]+"
                   r"|(?<=\b(?:over|for|about|nearly|almost|barely|within|than|least|only|just|takes?|took|lasts?|lasted)\s)an?\s+)"
                   r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b(?![\s-](?:old|ago|earlier|later|before|after)\b)"),
                  ("year", "month", "week", "day", "hour", "minute", "decade")),
    # always in TimeML mode: a unit in the plural with no count after a word that takes a span ('for
    # years', 'within weeks', 'the first time in decades'): a duration of an unknown number of them
    # ('over the years', 'for a while')
    "vague_durations": (r"(?<=\b(?:for|within|time in)\s)(?:years|months|weeks|days|decades|centuries|hours|minutes)\b"
                        r"(?![\s-](?:old|ago|earlier|later|before|after|of)\b)"
                        r"|(?<=\b(?:over|in|during)\s)the (?:years|decades|centuries)\b(?!\s+(?:of|between)\b)"
                        r"|(?<=\bfor\s)(?:a while|some time)\b",
                        ("years", "months", "weeks", "days", "decades", "centuries", "hours", "minutes", "while", "some time")),
    # always in TimeML mode: a century written with its number ('a 20th-century idea'; calendar mode
    # leaves a century out of dates.csv unless the model finds it)
    "centuries": (r"\b\d\d(?:st|nd|rd|th)[\s-]century\b", ("century",)),
    # always in TimeML mode: the second day of a range in one month, which the model reads as a
    # number ('June 12 and 13')
    "range_days": (rf"(?<=\b{MON}\s*\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-|\u2013|and|or|to|through)\s*)\d{{1,2}}\b"
                   r"(?!\s*(?:%|percent)|[.,]\d)", MONTH_STEMS),
    # always in TimeML mode: 'the week' that no word pins down ('the week's busiest session')
    "the_week": (r"\bthe week\b(?!\s+(?:of|beginning|starting|from|before|after|ago|earlier|later|ahead)\b)", ("the week",)),
    # a range of years written with a dash or slash ('1998-99', '2003-2005'): two years
    "year_ranges": (r"(?<![\d./-])(?:19|20)\d\d[-\u2013/](?:(?:19|20)\d\d|\d\d)\b(?![-./]\d)", ("19", "20")),
}


@lru_cache(maxsize=None)
def timeml_scan(name: str) -> tuple:
    """(lowered-text scan, any-case scan, words) of TIMEML_SCAN_SOURCES[name], compiled on first
    use: only the TimeML benchmark asks for them, so a run never compiles them."""
    p, words = TIMEML_SCAN_SOURCES[name]
    return regex.compile(p), regex.compile(p, regex.I), words


# Rules with case-sensitive parts run on the text itself.
WEEKDAY_SCAN = regex.compile(r"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Tt]his past|[Tt]his coming)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                           r"(?:\s+(?:morning|afternoon|evening|night))?")
# "the 1949 Armistice Agreement", "the 2015 Paris Agreement": the year an instrument is named by
INSTRUMENT_YEAR_SCAN = regex.compile(
    r"(?<![\w.-])(?:1[6-9]|20)\d\d(?=\s+(?-i:(?:(?:[A-Z][\w'’.-]*|and|of|on|for|the|to|in)\s+){0,8}(?:Agreements?|Treaty|Treaties|Accords?|Pact|"
    r"Conventions?|Protocols?|Declaration|Charter|Arrangement|Memorandum))\b)", regex.I)
INSTRUMENT_WORDS = ("agreement", "treaty", "treaties", "accord", "pact", "convention", "protocol", "declaration", "charter",
                     "arrangement", "memorandum")
_NOT_NOW = re.compile(r"\b(?:just now|from now|now[,]? (?:owned|known|called))\b", re.I)


def rule_spans(text: str, vocabulary: Vocabulary, extra: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """(start, end) of every match of the candidate rules in text; extra: names of
    TIMEML_SCAN_SOURCES to scan as well."""
    low = lowered(text)
    rules, scanned = (SCANS, low) if low is not None else (scans_any_case(), text)

    holidays, holiday_words = vocabulary.holiday_pattern
    out = [m.span() for m in WEEKDAY_SCAN.finditer(text)] if may_contain(low, WEEKDAYS) else []
    if may_contain(low, holiday_words):
        out += [m.span() for m in holidays.finditer(text) if m.group(0)[0].isupper()]
    if may_contain(low, INSTRUMENT_WORDS):
        out += [m.span() for m in INSTRUMENT_YEAR_SCAN.finditer(text)]
    for pat, (_, words) in zip(rules, SCAN_SOURCES):
        if not may_contain(low, words):
            continue
        for m in pat.finditer(scanned):
            s, e = m.span()
            if m.group(0).lower() == "now" and _NOT_NOW.search(text[max(0, s - 6):e + 12]):
                continue
            out.append((s, e))
    for name in extra:
        lowered_scan, any_case_scan, words = timeml_scan(name)
        if may_contain(low, words):
            out += [m.span() for m in (lowered_scan if low is not None else any_case_scan).finditer(scanned)]
    return out


_CLOCK_TAIL = re.compile(r"\s*(?:-|\u2013|\||/)\s*\d{1,2}:\d\d(?::\d\d)?(?:\s*(?:[ap]\.?m\.?|[A-Z]{2,4}))?$")
_ABBREVIATION_END = re.compile(rf"(?i)\b{MONTH_ABBR}$|\b[ap]\.m\.$|\b\w\.\w\.$")


def trim(text: str, s: int, e: int) -> tuple[int, int]:
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


def merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Union overlapping spans; join a day and a part of day or clock time written next to it."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and (s < out[-1][1] or _JOIN_GAP.fullmatch(text[out[-1][1]:s]) and _joinable(text, out[-1], (s, e))):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


_PART_OF_DAY_ALONE = re.compile(rf"(?:the )?{PART_OF_DAY}")
_ENDS_WITH_CLOCK = re.compile(r".*(?:a\.m\.|p\.m\.|am|pm|noon|midnight)(?:\s+\w{2,4})?")
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


def candidate_spans(doc: Doc, vocabulary: Vocabulary, extra: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    text = text_of(doc)
    spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
    spans += rule_spans(text, vocabulary, extra)
    spans += [(a, b) for a, b, _iso in full_dates(text)]
    trimmed = [trim(text, s, e) for s, e in spans]
    return merge([(s, e) for s, e in trimmed if e > s], text)


_FOUR_DIGITS = re.compile(r"\d{4}")
_COUNTED_THINGS = re.compile(r"\s*(?:%|percent|people|troops|soldiers|members|units|tons|km|miles|dollars|won|yen|euros|views|hits|times|votes|pages|words)\b", re.I)
_MONEY_OR_NUMBER_SIGN = re.compile(r"(?:\$|€|£|views?:?|hits:?|no\.|#)\s*$")


def looks_like_count(text: str, s: int, e: int) -> bool:
    """A bare four-digit number that counts things ('2000 troops', 'views 2015') is no year."""
    expr = text[s:e]
    if not _FOUR_DIGITS.fullmatch(expr):
        return False
    after = text[e:e + 20]
    before = text[max(0, s - 12):s].lower()
    if _COUNTED_THINGS.match(after):
        return True
    return bool(_MONEY_OR_NUMBER_SIGN.search(before))


_SPLIT = re.compile(r"\s*(?:\bto\b|\bof\b|\band\b|\bboth\b|\beither\b|\bthrough\b|\buntil\b|\btill\b|\bor\b|\bended\b|\bending\b|\bbetween\b|"
                    r"\bfrom\b|\bversus\b|\bvs\.|--|\u2013|\u2014|\s-\s|,(?=\s*(?:and\s+)?(?:19|20)\d\d\b))\s*", re.I)


_SPLIT_YEAR_RANGE = re.compile(r"(?<=\b(?:19|20)\d\d)[-\u2013/](?=(?:(?:19|20)\d\d|\d\d)\b)|" + _SPLIT.pattern, re.IGNORECASE)


def parts(text: str, s: int, e: int, year_ranges: bool = False) -> list[tuple[int, int]]:
    """Sub-spans of a span that joins several expressions ("from Aug. 26 to Oct. 20",
    "the quarter ended Sept. 30", "between 1994 and 1997"); year_ranges: also split a range
    of years at its dash or slash ("1998-99", "2003-2005")."""
    out, pos = [], s
    for m in (_SPLIT_YEAR_RANGE if year_ranges else _SPLIT).finditer(text, s, e):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < e:
        out.append((pos, e))
    return [trim(text, a, b) for a, b in out if text[a:b].strip()]
