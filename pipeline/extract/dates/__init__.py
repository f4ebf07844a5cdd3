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

The package, in the order a text goes through it:
    candidates.py  where an expression may be (entities, scans, full dates; trimmed and merged)
    tense.py       past or future, from the verb that governs it
    classify.py    (kind, value) of one expression: expr.py cleans it, rules.py is the rule table
    values.py      calendar arithmetic (weeks, quarters, offsets, durations)
    vocabulary.py  regex fragments and the lexicons kept as data (date_words, date_holidays)
    __init__.py    find / extract over a parsed text, and the Stage
A Stage holds its Classifier (vocabulary + rules) as instance state: `Stage(config,
classifier=Classifier(Vocabulary(words, holidays)))` runs on other lexicons or another rule table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.errors import PipelineError
from pipeline.extract.dates.candidates import candidate_spans, looks_like_count, parts
from pipeline.extract.dates.classify import Classifier, rule_name
from pipeline.extract.dates.rules import named_day
from pipeline.extract.dates.tense import tense
from pipeline.extract.dates.timeml_rules import (
    ALWAYS_RULES,
    TIMEML_RULES,
    plural_unit,
    range_second_day,
)
from pipeline.extract.dates.values import weekday_index
from pipeline.extract.dates.vocabulary import (
    CALENDAR_KINDS,
    MON,
    MONTH_FULL,
    PART_OF_DAY,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    Vocabulary,
)
from pipeline.extract.nlp import sentence_at, text_of
from pipeline.records import DateFinding, Sentence
from pipeline.schemas import TIMEX_VALUE

__all__ = ["ALWAYS_SCANS", "CALENDAR_KINDS", "MODES", "TIMEML", "WEEKDAYS", "YEAR", "Classifier", "Stage", "TimeML", "Timex", "Vocabulary", "as_timeml", "calendar_only",
           "classify", "extract", "find", "is_duration", "normalise", "table_value"]

_FOUR_DIGITS = re.compile(r"\d{4}")


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
    rule: str = ""              # the rule that read it ('dates:<function>', see classify.rule_name)


MODES = ("calendar", "timeml")


@dataclass(frozen=True)
class TimeML:
    """What find reports in TimeML mode (the TempEval benchmark's annotation) beyond the calendar
    view of dates.csv; each part can be chosen on training folds (bench dates --folds).

    refs:            vague references as TimeML values ('now', 'currently', 'the past' ->
                     PRESENT_REF, PAST_REF; 'the future' -> FUTURE_REF); off drops every REF
    ref_adverbs:     also 'soon', 'previously', 'formerly', 'lately'
    ref_adjectives:  also 'current' and 'recent' before a noun ('the current talks')
    part_of_day:     a part of day on a day keeps its TimeML code ('Friday night' ->
                     YYYY-MM-DDTNI); off gives the day alone
    year_ranges:     a range of years written with a dash ('1998-99') is two years, 1998 and
                     1999 (calendar mode leaves it out: analysts' gold does not count it)
    recent_units:    'recent years' -> PAST_REF (calendar mode: a vague duration)
    the_year:        'the year', 'the fiscal year' -> the year the text is about (calendar
                     mode: a period, P1Y)
    near_future_day: a month and day in a past-tense sentence within three months after the
                     anchor is the coming one ('was extended to Nov. 16'; calendar mode: the
                     one before)"""

    refs: bool = True
    ref_adverbs: bool = False
    ref_adjectives: bool = True
    part_of_day: bool = True
    year_ranges: bool = True
    recent_units: bool = False
    the_year: bool = False
    near_future_day: bool = True

    PARTS = ("refs", "ref_adverbs", "ref_adjectives", "part_of_day", "year_ranges", "recent_units", "the_year",
             "near_future_day")

    def rules(self) -> tuple[str, ...]:
        """The names of the TimeML-only rules (rules.TIMEML_RULES) this mode classifies with."""
        return tuple(name for name in TIMEML_RULES if name in ALWAYS_RULES or getattr(self, name))

    def scans(self) -> tuple[str, ...]:
        """The extra candidate scans (candidates.TIMEML_SCAN_SOURCES) this mode runs."""
        refs = tuple(name for name in ("ref_adverbs", "ref_adjectives") if self.refs and getattr(self, name))
        return refs + ALWAYS_SCANS + (("year_ranges",) if self.year_ranges else ())

    def name(self) -> str:
        return "+".join(p for p in self.PARTS if getattr(self, p)) or "none"

    @classmethod
    def every(cls) -> list[TimeML]:
        """Every combination of the parts (what the benchmark chooses among on training folds)."""
        out = [cls(**{p: False for p in cls.PARTS})]
        for name in cls.PARTS:
            out += [replace(t, **{name: True}) for t in out]
        return out


# the candidate scans TimeML mode always runs (candidates.TIMEML_SCAN_SOURCES): durations and 'the
# week', which dates.csv never holds
ALWAYS_SCANS = ("durations", "vague_durations", "centuries", "range_days", "the_week")
TIMEML = TimeML()   # the packaged choice; see the benchmark's --folds for how it was chosen
_PART_CODE_SUFFIX = re.compile(r"T(?:MO|AF|EV|NI|DT|MI)$")


def classify(expr: str, anchor: str = "", tense: str = "past", ref: str = "") -> tuple[str, str]:
    """(kind, value) of a temporal expression with the packaged vocabulary and rules; ('', '')
    when it is not one. anchor: ISO date (YYYY-MM-DD) for relative and partial expressions; ref:
    the last calendar value the text mentioned before this expression (for "that year")."""
    return Classifier.packaged().classify(expr, anchor, tense, ref)


def normalise(expr: str, anchor: str = "", tense: str = "past") -> str:
    """TIMEX3-style value of a calendar date expression; '' if it names no calendar time.

    anchor: ISO date (YYYY-MM-DD) used for relative and partial expressions; tense: 'past' or
    'future', used to pick the year of a bare month or the week of a bare weekday."""
    kind, value = classify(expr, anchor, tense)
    return value if kind in CALENDAR_KINDS and not value.endswith("_REF") else ""


def is_duration(expr: str) -> bool:
    return classify(expr)[0] == "DURATION"


_DATED_DAY_VALUE = re.compile(r"[\dX]{4}-\d\d-\d\d")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_LEADING_WEEKDAY = re.compile(rf"(?i)({WEEKDAY})\b")


# The `why` of a bare weekday dated by the one day the text pairs with it (see README, "why")
PAIRED_WEEKDAY_RULE = "dates:paired_weekday"


def _paired_weekdays(found: list[Timex], text: str) -> dict[int, str]:
    """weekday -> the single day value the text writes with it ('Friday November 30') or whose
    full date falls on it; only weekdays with exactly one such day are kept."""
    pairs: dict[int, set[str]] = {}
    for t in found:
        if t.kind != "DATE" or not _DATED_DAY_VALUE.fullmatch(t.value):
            continue
        m = _LEADING_WEEKDAY.match(t.text)
        if m:
            pairs.setdefault(weekday_index(m[1]), set()).add(t.value)
        elif t.value[:4].isdigit():
            try:
                pairs.setdefault(dt.date.fromisoformat(t.value).weekday(), set()).add(t.value)
            except ValueError:
                pass
    return {k: next(iter(v)) for k, v in pairs.items() if len(v) == 1}


_DERIVED_WORDS = re.compile(r"(?i)\b(?:year[\s-](?:ago|earlier)|earlier|later|before|after|that|same|the following|the previous)\b")


def _derived_from_ref(expr: str) -> bool:
    return bool(_DERIVED_WORDS.search(expr))


def _is_modifier(doc: Doc, s: int, e: int) -> bool:
    """A frequency adjective before a noun ("quarterly dividend", "daily newspaper")."""
    span = doc.char_span(s, e, alignment_mode="expand")
    return span is not None and len(span) == 1 and span.root.dep_ == "amod"


# A time word written with a capital inside a sentence is part of a name ('ABC's "This Week"',
# '"60 Minutes"', 'USA Today', 'the Spring of Life rallies'), not a time; names of days, months
# and holidays are written so anyway and are not among these words.
_TITLE_TIME_WORD = re.compile(r"\b(?:Today|Tonight|Tomorrow|Yesterday|Now|This|Next|Last|Week|Weekend|Month|Year|"
                              r"Minutes|Hours|Days|Spring|Summer|Autumn|Winter|Morning|Evening|Night)\b")
_SENTENCE_LEAD = re.compile(r"[\s\"'`(\u201c\u2018\[-]*")
NAMED_DAY_RULE = rule_name(named_day)


_WORD = re.compile(r"[^\W\d_]+")


def _title_cased(sentence: str) -> bool:
    """A headline written in Title Case ('Ministers Agree To Sign Pact Next Month'): most of its
    words of more than three letters start with a capital, so a capital says nothing there."""
    words = [w for w in _WORD.findall(sentence) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _is_title(text: str, s: int, e: int, sent: Sentence) -> bool:
    """A time word capitalised inside a sentence (see _TITLE_TIME_WORD) that is not a Title Case
    headline."""
    return (bool(_TITLE_TIME_WORD.search(text, s, e)) and not _SENTENCE_LEAD.fullmatch(text, sent.start, s)
            and not _title_cased(sent.text))


# rules that read a word only where the words before it say what it is: a plural unit alone is a
# span after 'for', 'within', 'in', 'over' or 'during' ('for years', 'the first time in decades',
# 'over the years'), a day number alone the end of a range ('April 24 and 25')
_NEEDS_BEFORE = {rule_name(plural_unit): re.compile(r"(?i)\b(?:for|within|in|over|during)\s+$"),
                 rule_name(range_second_day): re.compile(r"(?i)(?:\d\s*(?:-|\u2013)|\d\s+(?:and|or|to|through))\s*$")}
PLURAL_UNIT_RULE = rule_name(plural_unit)
_BEFORE_AN_EVENT = re.compile(r"(?i)\s+(?:before|after|prior|leading|preceding|following)\b")
_LOWERCASE_MONTH = re.compile(rf"\b{MONTH_FULL}\b")       # case-sensitive: 'may', 'march' as words
_DIGIT = re.compile(r"\d")
_OF_END = re.compile(r"(?i)\bof$")
_OF_NEXT = re.compile(r"(?i)\s+of\b")


def _not_a_time(doc: Doc, text: str, s: int, e: int, kind: str, rule: str, sent: Sentence) -> bool:
    """A candidate that reads as a time but is none: a frequency adjective before a noun ('quarterly
    dividend'), a time word in a name (_is_title), a month name written in lower case in a
    sentence that has capitals ('this march', 'we may'), a part of day said of the date after it
    ('the night of Oct. 23': the date is its own candidate), a plural unit with no count that no
    'for' or 'within' makes a span ('minutes apart', 'a matter of months') and a day number not at
    the end of a range (_NEEDS_BEFORE), a part of day that
    names a thing (_names_a_thing)."""
    expr = text[s:e]
    if kind == "SET" and _is_modifier(doc, s, e):
        return True
    if _is_title(text, s, e, sent) and rule != NAMED_DAY_RULE:
        return True
    if kind == "CLOCK" and _names_a_thing(doc, text, s, e):
        return True
    if rule in _NEEDS_BEFORE and not _NEEDS_BEFORE[rule].search(text, max(0, s - 10), s):
        return True
    if rule == PLURAL_UNIT_RULE and _BEFORE_AN_EVENT.match(text, e):
        return True                     # 'in the weeks before the vote': a time before it, no span
    if _LOWERCASE_MONTH.search(expr) and not _DIGIT.search(expr) and sent.text != sent.text.lower():
        return True
    return kind == "CLOCK" and expr.lower().startswith("the ") and bool(_OF_END.search(expr) or _OF_NEXT.match(text, e))


_GREETING = re.compile(r"(?i)\bgood\s+$")


def _names_a_thing(doc: Doc, text: str, s: int, e: int) -> bool:
    """A part of day alone that modifies a noun ('the morning talk show', 'the night shift') or
    greets ('Good evening'): no time."""
    if _GREETING.search(text, max(0, s - 6), s):
        return True
    span = doc.char_span(s, e, alignment_mode="expand")
    word = span[-1] if span is not None else None       # the part of day ('the morning')
    return word is not None and word.dep_ in ("compound", "amod") and word.head.i > word.i \
        and word.head.pos_ in ("NOUN", "PROPN")


_TODAY = re.compile(r"(?i)today")
_POSSESSIVE_THEN_WORDS = re.compile(r"['\u2019]s\s+([a-z]+)(?:\s+([a-z]+))?")


def _today_in_general(text: str, s: int, e: int, vocabulary: Vocabulary) -> bool:
    """'today' in "today's youth", "in today's world": the present in general (its noun, or the
    word after an adjective, is a GENERIC row of date_words.jsonl), not the day of publication."""
    m = _POSSESSIVE_THEN_WORDS.match(text, e) if _TODAY.fullmatch(text, s, e) else None
    return bool(m) and bool({m[1], m[2]} & vocabulary.generic)


_FIRST_WORD = re.compile(r"\S+\s+")
_CALENDAR_LEAD = re.compile(rf"(?i)(?:(?:last|this|next|earlier|later|early|late|mid|{MON}|{WEEKDAY})\b|\d)")


def _after_first_word(classifier: Classifier, text: str, s: int, e: int, anchor: str, when: str,
                      ref: str) -> tuple[int, int] | None:
    """The span without its first word when that rest is a calendar time: a model's entity that
    took in the word before the expression ("d'etat last year")."""
    m = _FIRST_WORD.match(text, s, e)
    if not m or m.end() >= e or not _CALENDAR_LEAD.match(text, m.end(), e):
        return None
    kind, value, _ = classifier.read(text[m.end():e], anchor, when, ref)
    return (m.end(), e) if kind in CALENDAR_KINDS and value else None


_OLD = re.compile(r"(?i)[\s-]old\b")
_BARE_WEEKDAY = re.compile(rf"(?i)(?:on\s+)?({WEEKDAY})(?:\s+{PART_OF_DAY})?")


def find(doc: Doc, sents: list[Sentence], anchor: str, classifier: Classifier | None = None,
         timeml: TimeML | None = None) -> list[Timex]:
    """Every temporal expression of any kind, with its value (see the module doc); classifier:
    the packaged one unless given; timeml: the parts of TimeML mode to report (see TimeML), or
    None for the calendar mode's findings (what dates.csv is drawn from)."""
    classifier = classifier or Classifier.packaged()
    if timeml and timeml.rules():
        classifier = _with_timeml_rules(classifier, timeml.rules())
    text = text_of(doc)
    out: list[Timex] = []
    ref = ""
    queue = list(candidate_spans(doc, classifier.vocabulary, timeml.scans() if timeml else ()))
    while queue:
        s, e = queue.pop(0)
        if looks_like_count(text, s, e):
            continue
        sent = sentence_at(sents, s)
        if sent is None:
            continue
        expr = text[s:e]
        when = tense(doc, s, e)
        kind, value, rule = classifier.read(expr, anchor, when, ref)
        if not kind or not value:
            split = parts(text, s, e, bool(timeml and timeml.year_ranges)) if not _OLD.search(expr) else []
            if split and split != [(s, e)]:      # several parts, or one shorter ("both 1990")
                queue[:0] = split
            elif rest := _after_first_word(classifier, text, s, e, anchor, when, ref):
                queue.insert(0, rest)
            continue
        if _not_a_time(doc, text, s, e, kind, rule, sent) or _today_in_general(text, s, e, classifier.vocabulary):
            continue
        if kind == "DATE" and value.endswith("_REF"):
            kind = "REF"
        if kind == "CLOCK" and timeml and _ISO_DAY.fullmatch(ref):
            value = ref + value[10:]          # a time alone is on the day the text last named
        relative = not _FOUR_DIGITS.search(expr)
        used = anchor if kind in CALENDAR_KINDS and relative and anchor else ""
        out.append(Timex(sent.n, s, e, expr, value, kind, used, rule))
        if kind in CALENDAR_KINDS and value[:4].isdigit() and not _derived_from_ref(expr):
            ref = value[:10]
    if not anchor:
        paired = _paired_weekdays(out, text)
        for i, t in enumerate(out):
            m = _BARE_WEEKDAY.fullmatch(t.text)
            if t.value.startswith("XXXX-XX-XX") and m and weekday_index(m[1]) in paired:
                value = paired[weekday_index(m[1])] + t.value[len("XXXX-XX-XX"):]
                out[i] = Timex(t.sentence_n, t.start, t.end, t.text, value, t.kind, "",
                               t.rule + " " + PAIRED_WEEKDAY_RULE)
    return as_timeml(out, timeml) if timeml else out


@lru_cache(maxsize=64)
def _with_timeml_rules(classifier: Classifier, names: tuple[str, ...]) -> Classifier:
    """The classifier with the named TimeML-only rules run first (built once per combination)."""
    return Classifier(classifier.vocabulary, tuple(TIMEML_RULES[n] for n in names) + classifier.rules)


def as_timeml(found: list[Timex], timeml: TimeML) -> list[Timex]:
    """The findings as TimeML mode reports them (see TimeML)."""
    out = []
    for t in found:
        if t.kind == "REF" and not timeml.refs:
            continue
        if t.kind == "TIME" and not timeml.part_of_day and _PART_CODE_SUFFIX.search(t.value):
            t = Timex(t.sentence_n, t.start, t.end, t.text, _PART_CODE_SUFFIX.sub("", t.value), "DATE", t.anchor,
                      t.rule)
        out.append(t)
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


def extract(doc: Doc, sents: list[Sentence], anchor: str, classifier: Classifier | None = None,
            timeml: TimeML | None = None) -> list[DateFinding]:
    """Calendar dates of the text for dates.csv (values as in table_value); timeml: draw them
    from TimeML mode's findings (see Stage) instead of the calendar mode's."""
    out = []
    for t in calendar_only(find(doc, sents, anchor, classifier, timeml)):
        value = table_value(t.value)
        if value:
            out.append(DateFinding(t.sentence_n, t.start, t.end, t.text, value, t.anchor, why=t.rule.split()))
    return out


class Stage:
    """The dates stage; config: [dates] (use_published_anchor, mode). classifier: the vocabulary
    and rule table it classifies with (the packaged ones unless given).

    mode "calendar" (the default) writes the calendar dates analysts read; "timeml" draws them
    from TimeML mode's findings (TIMEML). dates.csv holds calendar values only (TABLES.md), so
    the vague references and the time-of-day codes TimeML mode adds stay out of it in either
    mode; the TempEval benchmark reads them through find."""

    name = "dates"

    def __init__(self, config: dict, classifier: Classifier | None = None) -> None:
        self.use_anchor = bool(config.get("use_published_anchor", True))
        mode = config.get("mode", "calendar")
        if mode not in MODES:
            raise PipelineError("E056", "pipeline/settings.toml", f"[dates] mode = {mode!r} is not one of "
                                f"{', '.join(MODES)}; write mode = \"calendar\" or mode = \"timeml\"")
        self.timeml = TIMEML if mode == "timeml" else None
        self.classifier = classifier or Classifier.packaged()

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[DateFinding]:
        anchor = upstream.article.published if self.use_anchor else ""
        return extract(doc, sents, anchor, self.classifier, self.timeml)
