"""Dates: classification, normalisation against an anchor, and extraction from parsed text.
All sentences are written for these tests."""
from __future__ import annotations

import pytest

from pipeline.extract import dates
from pipeline.extract.dates import candidates, rules, timeml_rules
from pipeline.resources import load_jsonl

ANCHOR = "2015-04-13"        # a Monday


@pytest.mark.parametrize("expr, tense, expected", [
    ("Apr. 12", "past", "2015-04-12"),
    ("12 April", "past", "2015-04-12"),
    ("this May", "past", "2015-05"),
    ("December of last year", "past", "2014-12"),
    ("last week", "past", "2015-W15"),
    ("this week", "past", "2015-W16"),
    ("earlier this year", "past", "2015"),
    ("next year", "future", "2016"),
    ("last month", "past", "2015-03"),
    ("the 4th of last month", "past", "2015-03-04"),
    ("yesterday", "past", "2015-04-12"),
    ("tomorrow", "future", "2015-04-14"),
    ("three weeks ago", "past", "2015-W13"),
    ("two years ago", "past", "2013"),
    ("mid-2024", "past", "2024"),
    ("early 2019", "past", "2019"),
    ("2015.4.13", "past", "2015-04-13"),
    ("Apr.13,2015", "past", "2015-04-13"),
    ("Saturday, Feb. 29, 2020", "past", "2020-02-29"),
    ("27 September 2016", "past", "2016-09-27"),
    ("March 2023", "past", "2023-03"),
    ("fiscal 2016", "past", "2016"),
    ("the second quarter of 2014", "past", "2014-Q2"),
    ("Q3 2018", "past", "2018-Q3"),
    ("the first half of 2012", "past", "2012-H1"),
    ("last summer", "past", "2014-SU"),
    ("the winter of 2009", "past", "2009-WI"),
    ("the 1990s", "past", "199X"),
    ("Christmas 2013", "past", "2013-12-25"),
    ("Thanksgiving 2014", "past", "2014-11-27"),
    ("nineteen ninety-six", "past", "1996"),
    ("the week of April 27", "future", "2015-W18"),
    ("the end of the week", "past", "2015-W16"),
    ("the 2013 third quarter", "past", "2013-Q3"),
    ("its fourth quarter", "future", "2015-Q4"),
    ("the fourth quarter of last year", "past", "2014-Q4"),
    ("this past spring", "past", "2014-SP"),
    ("the current year", "past", "2015"),
    ("earlier in the year", "past", "2015"),
    ("later yesterday", "past", "2015-04-12"),
    ("year's end", "future", "2015"),
])
def test_dates_normalise_against_anchor(expr, tense, expected):
    assert dates.normalise(expr, ANCHOR, tense) == expected


@pytest.mark.parametrize("expr, tense, expected", [
    ("May", "past", "2014-05"),          # a later month told in the past: last year's
    ("May", "future", "2015-05"),
    ("February", "future", "2016-02"),   # an earlier month still to come: next year's
    ("February", "past", "2015-02"),
    ("Friday", "past", "2015-04-10"),
    ("Friday", "future", "2015-04-17"),
    ("Monday", "past", "2015-04-13"),    # the anchor's own weekday
    ("next Monday", "past", "2015-04-20"),
    ("last Monday", "past", "2015-04-06"),
    ("June 30", "past", "2014-06-30"),
    ("June 30", "future", "2015-06-30"),
    ("the third quarter", "past", "2014-Q3"),
    ("the third quarter", "future", "2015-Q3"),
])
def test_dates_normalise_tense_picks_past_or_future(expr, tense, expected):
    assert dates.normalise(expr, ANCHOR, tense) == expected


@pytest.mark.parametrize("expr, expected", [
    ("late May", "XXXX-05"),
    ("Apr. 12", "XXXX-04-12"),
    ("Thursday", "XXXX-XX-XX"),
    ("last week", "XXXX-WXX"),
    ("earlier this year", "XXXX"),
    ("last June", "XXXX-06"),
    ("30 years ago", "XXXX"),
    ("the 11th of last month", "XXXX-XX-11"),
    ("2019", "2019"),
])
def test_dates_normalise_without_anchor_never_invents_a_year(expr, expected):
    assert dates.normalise(expr, "", "past") == expected


@pytest.mark.parametrize("expr, kind, value", [
    ("nine years", "DURATION", "P9Y"),
    ("several months", "DURATION", "PXM"),
    ("the past two weeks", "DURATION", "P2W"),
    ("a three-year", "DURATION", "P3Y"),
    ("at least 20 more years", "DURATION", "P20Y"),
    ("48 hours", "DURATION", "PT48H"),
    ("every week", "SET", "P1W"),
    ("annually", "SET", "P1Y"),
    ("each Tuesday", "SET", "XXXX-WXX-2"),
    ("now", "REF", "PRESENT_REF"),
    ("recently", "REF", "PAST_REF"),
    ("the future", "REF", "FUTURE_REF"),
    ("this evening", "TIME", "2015-04-13TEV"),
    ("later this afternoon", "TIME", "2015-04-13TAF"),
    ("earlier tonight", "TIME", "2015-04-13TNI"),
    ("9:30 a.m. Friday", "TIME", "2015-04-10T09:30"),
    ("Sunday night", "TIME", "2015-04-12TNI"),
    ("10 p.m.", "CLOCK", "2015-04-13T22:00"),
])
def test_dates_classify_kinds(expr, kind, value):
    assert dates.classify(expr, ANCHOR, "past") == (kind, value)


@pytest.mark.parametrize("expr", ["nine years", "several months", "a 51-year-old", "ten days", "every month", "now",
                                  "the week", "for the year", "that day", "that quarter"])
def test_dates_normalise_gives_no_value_outside_calendar_time(expr):
    assert dates.normalise(expr, ANCHOR, "past") == ""


@pytest.mark.parametrize("expr, ref, expected", [
    ("a year earlier", "2014-Q3", "2013-Q3"),
    ("the year-ago quarter", "", "2014-Q1"),
    ("that year", "2011-06-02", "2011"),
    ("December of the year", "2011-06", "2011-12"),
    ("the following year", "2011", "2012"),
    ("the following month", "2011-12-02", "2012-01"),
    ("that quarter", "2011-Q2", "2011-Q2"),
    ("that same day", "2011-06-02", "2011-06-02"),
    ("earlier that day", "2011-06-02", "2011-06-02"),
])
def test_dates_classify_follows_the_reference_period(expr, ref, expected):
    assert dates.classify(expr, ANCHOR, "past", ref)[1] == expected


@pytest.mark.parametrize("name", ["date_words.jsonl", "date_holidays.jsonl"])
def test_dates_resources_load_with_ids(name):
    rows = load_jsonl(name)
    assert rows and all(r["id"] for r in rows)


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The two ministers met on Apr. 10 and will meet again this May.",
     [("Apr. 10", "2015-04-10"), ("this May", "2015-05")]),
    ("Talks stalled last week, and the treaty was signed in December of last year.",
     [("last week", "2015-W15"), ("December of last year", "2014-12")]),
    ("The pact, agreed on the 2nd of last month, takes effect in mid-2016.",
     [("the 2nd of last month", "2015-03-02"), ("mid-2016", "2016")]),
    ("Posted on : Apr.9,2015\nThe summit closed yesterday.",
     [("Apr.9,2015", "2015-04-09"), ("yesterday", "2015-04-12")]),
    ("Profits fell in the first quarter of 2014 and rose in fiscal 2015.",
     [("the first quarter of 2014", "2014-Q1"), ("fiscal 2015", "2015")]),
])
def test_dates_extract_finds_and_normalises(parse, text, expected):
    doc, sents = parse(text)
    found = [(d.text, d.value) for d in dates.extract(doc, sents, ANCHOR)]
    assert found == expected


@pytest.mark.model
@pytest.mark.parametrize("text, absent", [
    ("The alliance has lasted nine years and the talks took several months.", ["nine years", "several months"]),
    ("A 64-year-old envoy led the delegation.", ["64-year-old", "year"]),
    ("The base houses 2000 troops and the page has 2015 views.", ["2000", "2015"]),
    ("Officials now say the plan works.", ["now"]),
])
def test_dates_extract_skips_durations_ages_counts_and_vague_words(parse, text, absent):
    doc, sents = parse(text)
    found = {d.text for d in dates.extract(doc, sents, ANCHOR)}
    assert not found & set(absent)


@pytest.mark.model
@pytest.mark.parametrize("text, expr, value", [
    ("The ministers will sign the accord on Friday.", "Friday", "2015-04-17"),
    ("The ministers signed the accord on Friday.", "Friday", "2015-04-10"),
    ("The vote is expected to take place in June.", "June", "2015-06"),
    ("Delegates gathered in the capital last night.", "last night", "2015-04-12"),
    # a verb of scheduling in the present perfect and 'effective' point ahead; a plain past does not
    ("The council has scheduled a hearing Thursday on the new bridge.", "Thursday", "2015-04-16"),
    ("The ministry has planned the signing for early May, an aide said.", "early May", "2015-05"),
    ("The crew planned the route on Friday and sailed at dawn.", "Friday", "2015-04-10"),
    ("The board named her treasurer, effective Feb. 1.", "Feb. 1", "2016-02-01"),
])
def test_dates_extract_uses_tense_and_keeps_the_day_of_a_time(parse, text, expr, value):
    doc, sents = parse(text)
    found = {d.text: d.value for d in dates.extract(doc, sents, ANCHOR)}
    assert found.get(expr) == value


@pytest.mark.model
@pytest.mark.parametrize("text, anchor, expected_anchor", [
    ("The deal was signed on March 3, 2014 and praised yesterday.", ANCHOR, {"March 3, 2014": "", "yesterday": ANCHOR}),
    ("The deal was praised yesterday.", "", {"yesterday": ""}),
])
def test_dates_extract_records_the_anchor_only_where_used(parse, text, anchor, expected_anchor):
    doc, sents = parse(text)
    assert {d.text: d.anchor for d in dates.extract(doc, sents, anchor)} == expected_anchor


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Leaders met on Friday October 5 in the capital.\nOn Friday, they issued a statement.",
     [("Friday October 5", "XXXX-10-05"), ("Friday", "XXXX-10-05")]),
])
def test_dates_extract_without_anchor_pairs_a_weekday_with_its_written_date(parse, text, expected):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, "")] == expected


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Shares were bought from Aug. 3 to Sept. 9 in the open market.", [("Aug. 3", "2014-08-03"), ("Sept. 9", "2014-09-09")]),
])
def test_dates_extract_splits_ranges(parse, text, expected):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, ANCHOR)] == expected


@pytest.mark.parametrize("value, expected", [
    ("2015-04-12TNI", "2015-04-12"),
    ("2015-04-10T09:30", "2015-04-10"),
    ("2015-W16-WE", "2015-W16"),
    ("198", "198X"),
    ("19", "19XX"),
    ("2015-QX", "2015"),
    ("2015-Q3", "2015-Q3"),
    ("XXXX-XX-11", "XXXX-XX-11"),
    ("PRESENT_REF", ""),
    ("P3Y", ""),
])
def test_dates_table_value_fits_the_dates_csv_vocabulary(value, expected):
    assert dates.table_value(value) == expected


# Sentences in which every candidate rule matches somewhere (test_dates_rule_words_hold_in_every_match
# checks that), in mixed case, with words some rules need and others lack.
RULE_TEXTS = [
    "On Apr.13,2015 and 2015.4.13, the 11th of last month, in mid-2024 and last spring, ministers met "
    "in the third quarter of 2023 (Q3 2023, fiscal 2024) and said nineteen ninety-nine was long ago.",
    "They meet next Tuesday morning, on Christmas Day 2024, this coming March 3 and two weeks ago; "
    "in the past the quarter ended every year in the near future, today or tomorrow.",
    "NOW, FY16 and 2019 Q4 look like THE YEAR TWO THOUSAND: In the Past, late Last Night, early June, "
    "the latest quarter and In The Quarter, the 1949 Armistice Agreement and the Paris Accord stood.",
    "Officials currently expect results this week; from now on, nowadays and recently, each month counts.",
    "No rule needs this sentence at all.",
]


def _rules_with_words():
    """(pattern with IGNORECASE, words one of which the text must hold, where the words are) for
    every candidate rule: in the match, or (for the year naming an instrument) after it."""
    holidays, holiday_words = dates.Vocabulary.packaged().holiday_pattern
    rules = [(p, words, "match") for p, (_, words) in zip(candidates.scans_any_case(), candidates.SCAN_SOURCES)]
    return rules + [(candidates.WEEKDAY_SCAN, tuple(dates.WEEKDAYS), "match"), (holidays, holiday_words, "match"),
                    (candidates.INSTRUMENT_YEAR_SCAN, candidates.INSTRUMENT_WORDS, "after")]


def test_dates_rule_words_hold_in_every_match():
    for pattern, words, where in _rules_with_words():
        matches = [(m, text) for text in RULE_TEXTS for m in pattern.finditer(text)]
        assert matches, pattern.pattern
        for m, text in matches:
            held = m.group(0) if where == "match" else text[m.end():]
            assert any(w in held.lower() for w in words), (m.group(0), pattern.pattern)


def test_dates_holiday_words_are_in_every_name():
    _, words = dates.Vocabulary.packaged().holiday_pattern
    for name in dates.Vocabulary.packaged().holidays:
        assert name.startswith("the ") or any(w in name for w in words), name


def test_dates_rules_on_lowered_text_are_written_in_lowercase():
    for pattern, _ in candidates.SCAN_SOURCES:
        assert pattern == pattern.lower(), pattern


@pytest.mark.parametrize("before, now", [
    (rf"\bQ[1-4][\s,]+{dates.YEAR}\b|\b{dates.YEAR}\s+Q[1-4]\b", rf"\bq[1-4][\s,]+{dates.YEAR}\b|\b{dates.YEAR}\s+q[1-4]\b"),
    (rf"\b(?:fiscal(?:\s+year)?|FY)\s?'?(?:{dates.YEAR}|\d\d)\b", rf"\b(?:fiscal(?:\s+year)?|fy)\s?'?(?:{dates.YEAR}|\d\d)\b"),
    (r"(?:(?<=\bin )|(?<=\bIn ))the past\b(?!\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|decades?|quarters?)\b)",
     r"(?<=\bin )the past\b(?!\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|decades?|quarters?)\b)"),
])
def test_dates_rules_put_in_lowercase_match_as_before(before, now):
    import regex

    assert now in [p for p, _ in candidates.SCAN_SOURCES]
    for text in RULE_TEXTS:
        assert [m.span() for m in regex.finditer(now, text, regex.I)] == [m.span() for m in regex.finditer(before, text, regex.I)]


@pytest.mark.parametrize("text", RULE_TEXTS + [
    "The ſpring talks and the Aprıl 13, 2015 meeting ran late.",        # characters lowered refuses
    "İn the past, Q1 2016 closed on Monday 😀.",
])
def test_dates_rule_spans_match_ignorecase_scans_of_every_rule(text, monkeypatch):
    """rule_spans (lowered text, rules skipped where their words are absent) finds what every
    rule finds with IGNORECASE in the text itself, which is what it does where lowered refuses."""
    found = sorted(candidates.rule_spans(text, dates.Vocabulary.packaged()))
    monkeypatch.setattr(candidates, "lowered", lambda text: None)
    assert found == sorted(candidates.rule_spans(text, dates.Vocabulary.packaged()))


@pytest.mark.parametrize("text", ["In the fall, the Fall of 2015 and a fall in prices.", "THE FALL"])
def test_dates_no_rule_takes_fall_alone(text):
    """The season rule leaves "fall" out, so no candidate is "fall" or "the fall" alone."""
    import re

    assert not [s for s, e in candidates.rule_spans(text, dates.Vocabulary.packaged()) if re.fullmatch(r"(?i)(?:the\s+)?fall", text[s:e])]


@pytest.mark.parametrize("text", RULE_TEXTS)
def test_dates_rules_match_alike_under_re_and_regex(text):
    import re

    from pipeline.resources import lowered

    for rule, scanned in [(r, lowered(text)) for r in candidates.SCANS] + [(r, text) for r, _, _ in _rules_with_words()]:
        plain = re.compile(rule.pattern, re.I if rule.flags & re.I else 0)
        assert [m.span() for m in rule.finditer(scanned)] == [m.span() for m in plain.finditer(scanned)], rule.pattern


@pytest.mark.model
@pytest.mark.parametrize("text, year", [
    ("Neither side has left the 1949 Armistice Agreement between them.", "1949"),
    ("Fishing rights under the 2020 Trade and Cooperation Agreement expire soon.", "2020"),
])
def test_dates_year_naming_an_instrument_is_a_date(parse, text, year):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, "")] == [(year, year)]


def _hand_built(text: str):
    """A Doc and its one sentence, tokenised without the model (no entities, no parse)."""
    import spacy

    from pipeline.records import Sentence
    return spacy.blank("en")(text), [Sentence("t", 0, 0, len(text), text)]


@pytest.mark.parametrize("text, expected", [
    ("The guild paraded on Lantern Fair 2014 and again on Lantern Fair.", [("Lantern Fair 2014", "2014-06-03"),
                                                                           ("Lantern Fair", "2015-06-03")]),
])
def test_dates_stage_classifies_with_the_vocabulary_it_is_built_on(text, expected):
    """A Stage built on a tiny vocabulary finds its holiday; the packaged stage does not know it."""
    from pipeline.records import Article, Extraction

    doc, sents = _hand_built(text)
    upstream = Extraction(article=Article("t", "t.txt", text, published="2015-04-13"), sentences=sents)
    holiday = {"id": "lantern", "names": ["lantern fair"], "rule": "fixed", "month": 6, "day": 3}
    tiny = dates.Stage({}, classifier=dates.Classifier(dates.Vocabulary(words=(), holidays=(holiday,))))
    assert [(d.text, d.value) for d in tiny(doc, sents, upstream)] == expected
    assert dates.Stage({})(doc, sents, upstream) == []


# ---------------------------------------------------------------- TimeML mode and year ranges

@pytest.mark.parametrize("expr, ref, expected", [
    ("87", "1986", ("DATE", "1987")),          # 1986-87
    ("62", "1939", ("DATE", "1962")),          # 1939-62
    ("03", "1997", ("DATE", "2003")),          # 1997-03 crosses the century within ten years
])
def test_dates_second_year_of_a_short_range_follows_the_reference_year(expr, ref, expected):
    assert dates.classify(expr, ANCHOR, "past", ref) == expected


@pytest.mark.parametrize("expr, ref", [("11", "2013"), ("64", ""), ("64", "2013-05")])
def test_dates_two_digits_are_no_year_without_a_year_just_before(expr, ref):
    assert dates.classify(expr, ANCHOR, "past", ref)[0] != "DATE"


def test_dates_timeml_parts_combine_every_way():
    every = dates.TimeML.every()
    assert len(set(every)) == 2 ** len(dates.TimeML.PARTS) == len(every)
    assert dates.TimeML(refs=False, ref_adverbs=True).scans() == dates.ALWAYS_SCANS + ("year_ranges",)


@pytest.mark.parametrize("mode", ["iso", "TimeML", ""])
def test_dates_stage_refuses_an_unknown_mode(mode):
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError) as e:
        dates.Stage({"mode": mode})
    assert e.value.code == "E056"


def _found(parse, text, timeml):
    doc, sents = parse(text)
    return [(t.text, t.value) for t in dates.find(doc, sents, ANCHOR, timeml=timeml)]


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The harvest of 1986-87 was the worst in memory.", [("1986", "1986"), ("87", "1987")]),
    ("The program ran in 2006-2009 under two governors.", [("2006", "2006"), ("2009", "2009")]),
])
def test_dates_timeml_mode_splits_a_dash_written_range_of_years(parse, text, expected):
    assert _found(parse, text, dates.TIMEML) == expected
    doc, sents = parse(text)
    assert dates.extract(doc, sents, ANCHOR) == []          # calendar mode leaves it out, as before


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The ferry used to sail twice a day, and the port will soon reopen.", [("soon", "FUTURE_REF")]),
    ("The mayor formerly ran a bakery.", [("formerly", "PAST_REF")]),
])
def test_dates_timeml_mode_values_vague_adverbs_as_references(parse, text, expected):
    assert _found(parse, text, dates.TimeML(ref_adverbs=True)) == expected
    assert _found(parse, text, dates.TimeML(refs=False)) == []
    assert _found(parse, text, None) == []


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The current dispute began over fishing rights.", [("current", "PRESENT_REF")]),
])
def test_dates_timeml_mode_may_value_current_as_the_present(parse, text, expected):
    assert _found(parse, text, dates.TimeML(ref_adjectives=True)) == expected
    assert _found(parse, text, dates.TimeML(ref_adjectives=False)) == []


@pytest.mark.model
@pytest.mark.parametrize("text, with_part, without", [
    ("The guards changed shifts on Monday evening.", ("Monday evening", "2015-04-13TEV"), ("Monday evening", "2015-04-13")),
])
def test_dates_timeml_mode_keeps_or_drops_the_part_of_day(parse, text, with_part, without):
    assert _found(parse, text, dates.TimeML(part_of_day=True)) == [with_part]
    assert _found(parse, text, dates.TimeML(part_of_day=False)) == [without]


@pytest.mark.model
@pytest.mark.parametrize("text", ["Right now the ferry runs on Tuesday, as it did in 1986-87.",
                                  "The town currently plans a fair for Monday evening."])
def test_dates_stage_in_timeml_mode_writes_only_calendar_values(parse, text):
    """dates.csv holds calendar values in either mode: no REF, no part-of-day code."""
    from pipeline.records import Article, Extraction
    from pipeline.schemas import TIMEX_VALUE

    doc, sents = parse(text)
    upstream = Extraction(article=Article("t", "t.txt", text, published=ANCHOR), sentences=sents)
    rows = dates.Stage({"mode": "timeml"})(doc, sents, upstream)
    assert rows and all(TIMEX_VALUE.match(r.value) for r in rows)


@pytest.mark.parametrize("expr, expected", [
    ("Jun. 20", "2015-06-20"),      # within three months after the anchor: the coming one
    ("Apr. 2", "2015-04-02"),       # before the anchor: as in calendar mode
    ("Dec. 1", "2014-12-01"),       # more than three months after: last year's, as in calendar mode
    ("mid-June", "2015-06"),        # a month alone, one of the next two: the coming one
    ("August", "2014-08"),          # four months after: last year's, as in calendar mode
])
def test_dates_timeml_near_future_day_reads_a_close_later_day_as_coming(expr, expected):
    timeml = dates.Classifier(dates.Vocabulary.packaged(),
                              (timeml_rules.TIMEML_RULES["near_future_day"],) + rules.RULES)
    assert timeml.classify(expr, ANCHOR, "past")[1] == expected
    if expr == "Jun. 20":
        assert dates.classify(expr, ANCHOR, "past")[1] == "2014-06-20"


@pytest.mark.parametrize("name, expr, ref, expected", [
    ("recent_units", "in recent years", "", ("DATE", "PAST_REF")),
    ("the_year", "the fiscal year", "2013-Q2", ("DATE", "2013")),
    ("the_year", "the year", "", ("DATE", "2015")),
])
def test_dates_timeml_rules_value_what_calendar_mode_reads_as_a_period(name, expr, ref, expected):
    timeml = dates.Classifier(dates.Vocabulary.packaged(), (timeml_rules.TIMEML_RULES[name],) + rules.RULES)
    assert timeml.classify(expr, ANCHOR, "past", ref) == expected
    assert dates.classify(expr, ANCHOR, "past", ref) != expected


@pytest.mark.parametrize("expr, value", [
    ("3 1/2 years", "P3Y6M"),
    ("an hour and a half", "PT1H30M"),
    ("nearly two and a half days", "P2DT12H"),
    ("a minute and a half", "PT1M30S"),
    ("four and a half months", "P4M15D"),
])
def test_dates_a_count_and_a_half_is_written_in_the_next_smaller_unit(expr, value):
    assert dates.classify(expr, ANCHOR, "past") == ("DURATION", value)


@pytest.mark.parametrize("expr, value", [
    ("the near future", "FUTURE_REF"),
    ("the distant future", "FUTURE_REF"),
    ("the short term", "FUTURE_REF"),
    ("the near term", "FUTURE_REF"),
    ("a later date", "FUTURE_REF"),
    ("coming quarters", "FUTURE_REF"),
])
def test_dates_vague_future_phrases_are_future_references(expr, value):
    assert dates.classify(expr, ANCHOR, "past") == ("REF", value)
    assert dates.normalise(expr, ANCHOR, "past") == ""         # never a calendar value for dates.csv


@pytest.mark.model
def test_dates_timeml_mode_finds_the_near_term_with_the_reference_adjectives(parse):
    text = "The board sees little growth in the near term for its bakeries."
    assert _found(parse, text, dates.TimeML(ref_adjectives=True)) == [("the near term", "FUTURE_REF")]
    assert dates.extract(*parse(text), ANCHOR) == []


@pytest.mark.model
@pytest.mark.parametrize("text, value", [
    ("The ferry could sail again as soon as Thursday, its owners said.", "2015-04-16"),
    ("The mayor might reopen the bridge as early as Friday.", "2015-04-17"),
])
def test_dates_a_lower_bound_lead_points_a_weekday_to_the_future(parse, text, value):
    doc, sents = parse(text)
    assert [d.value for d in dates.extract(doc, sents, ANCHOR)] == [value]


@pytest.mark.model
def test_dates_a_lower_bound_lead_keeps_a_past_verb_in_the_past(parse):
    doc, sents = parse("As early as Thursday, the guards had closed the gate.")
    assert [d.value for d in dates.extract(doc, sents, ANCHOR)] == ["2015-04-09"]


@pytest.mark.model
def test_dates_timeml_mode_puts_a_time_alone_on_the_day_last_named(parse):
    text = "The storm reached the coast on March 30, 2015. The first gusts came at 6 a.m. and the rain later."
    found = dict(_found(parse, text, dates.TIMEML))
    assert found["6 a.m."] == "2015-03-30T06:00"
    doc, sents = parse(text)
    assert [(t.text, t.value) for t in dates.find(doc, sents, ANCHOR) if t.kind == "CLOCK"] == [("6 a.m.", "2015-04-13T06:00")]


@pytest.mark.model
@pytest.mark.parametrize("text", [
    'The minister told the radio show "This Week" that talks would go on.',
    "The senator spoke to Farm News Today about the harvest.",
    "Volunteers joined the Summer of Service campaign in the valley.",
])
def test_dates_a_capitalised_time_word_inside_a_sentence_is_a_name(parse, text):
    doc, sents = parse(text)
    assert dates.find(doc, sents, ANCHOR) == []
    assert _found(parse, text, dates.TIMEML) == []


@pytest.mark.model
def test_dates_a_title_case_headline_keeps_its_time_words(parse):
    for headline, expected in [("Talks On Fishing Accord Resume This Week", "This Week"),
                               ("Leaders Say Trade Deal Could Be Signed By Next Year", "Next Year")]:
        doc, sents = parse(headline + "\n\nThe ministers met in the port.")
        assert [d.text for d in dates.extract(doc, sents, ANCHOR)] == [expected]


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("This week the council met twice.", [("This week", "2015-W16")]),
    ("The council met on Christmas Day in 2014.", [("Christmas Day", "2014-12-25"), ("2014", "2014")]),
])
def test_dates_a_capital_at_the_start_of_a_sentence_or_in_a_holiday_stays_a_time(parse, text, expected):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, ANCHOR)] == expected


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The tunnel stayed shut for over a week after the flood.", ("a week", "P1W")),
    ("The crews will need two more weeks to clear it.", ("two more weeks", "P2W")),
    ("The crossing took about 3 1/2 hours that night.", ("3 1/2 hours", "PT3H30M")),
])
def test_dates_timeml_mode_scans_counts_of_units_the_model_may_miss(parse, text, expected):
    assert expected in _found(parse, text, dates.TIMEML)


@pytest.mark.parametrize("text, absent", [
    ("The plant earns $4 million a year from the mill.", "a year"),
    ("She hopes one day to sail around the cape.", "one day"),
    ("A 40-year-old pilot flew it three weeks ago.", "three weeks"),
])
def test_dates_timeml_duration_scan_leaves_rates_ages_and_offsets_to_the_other_rules(text, absent):
    spans = [text[s:e] for s, e in candidates.rule_spans(text, dates.Vocabulary.packaged(), ("durations",))]
    assert absent not in spans


@pytest.mark.parametrize("expr", ["two more weeks", "three full days"])
def test_dates_more_or_full_after_a_count_is_no_part_of_the_number(expr):
    assert dates.classify(expr, ANCHOR, "past")[0] == "DURATION"


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Output grew in both 2008 and 2009.", [("2008", "2008"), ("2009", "2009")]),
])
def test_dates_a_year_keeps_its_value_when_a_word_before_it_is_split_off(parse, text, expected):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, ANCHOR)] == expected


@pytest.mark.model
@pytest.mark.parametrize("text, expr, value", [
    ("The ferry leaves each Thursday from the north pier.", "each Thursday", "XXXX-WXX-4"),
    ("Pilgrims walk to the shrine every August.", "every August", "XXXX-08"),
])
def test_dates_each_weekday_or_month_is_a_set_not_a_date(parse, text, expr, value):
    doc, sents = parse(text)
    assert [(t.text, t.kind, t.value) for t in dates.find(doc, sents, ANCHOR)] == [(expr, "SET", value)]
    assert dates.extract(doc, sents, ANCHOR) == []


@pytest.mark.model
def test_dates_timeml_mode_values_the_week_no_word_pins_down_as_a_week_of_the_year(parse):
    text = "Grain prices fell on Tuesday, the week's busiest session. For the week, wheat lost 2%."
    found = _found(parse, text, dates.TIMEML)
    assert [v for t, v in found if t == "the week"] == ["2015-WXX", "2015-WXX"]
    assert [v for t, v in _found(parse, text, None) if "week" in t] == []          # calendar mode: no date


@pytest.mark.parametrize("expr, expected", [("the week", ("DATE", "2015-WXX")), ("the week of April 27", None)])
def test_dates_timeml_the_week_rule_reads_only_the_bare_week(expr, expected):
    timeml = dates.Classifier(dates.Vocabulary.packaged(), (timeml_rules.TIMEML_RULES["the_week"],) + rules.RULES)
    if expected:
        assert timeml.classify(expr, ANCHOR, "past") == expected
    else:
        assert timeml.classify(expr, ANCHOR, "past") == dates.classify(expr, ANCHOR, "past")


@pytest.mark.parametrize("expr, tense, expected", [
    ("last Oct. 23", "past", "2014-10-23"),           # the latest Oct. 23 before the anchor
    ("last April 2", "past", "2015-04-02"),
    ("next April 20", "past", "2015-04-20"),          # the first one after it, whatever the tense
    ("next March 3", "past", "2016-03-03"),
    ("this past Jan. 9", "future", "2015-01-09"),
])
def test_dates_last_or_next_before_a_month_and_day_picks_the_side_of_the_anchor(expr, tense, expected):
    assert dates.classify(expr, ANCHOR, tense) == ("DATE", expected)


@pytest.mark.parametrize("name, expr, expected", [
    ("past_unit", "over the past year", ("DATE", "2014")),
    ("past_unit", "the past month", ("DATE", "2015-03")),
    ("plural_unit", "years", ("DURATION", "PXY")),
    ("plural_unit", "centuries", ("DURATION", "PXC")),
    ("plural_unit", "hours", ("DURATION", "PTXH")),
])
def test_dates_timeml_always_rules_value_spans_calendar_mode_leaves_out(name, expr, expected):
    assert name in timeml_rules.ALWAYS_RULES
    timeml = dates.Classifier(dates.Vocabulary.packaged(), (timeml_rules.TIMEML_RULES[name],) + rules.RULES)
    assert timeml.classify(expr, ANCHOR, "past") == expected
    assert dates.normalise(expr, ANCHOR, "past") == ""


@pytest.mark.parametrize("expr, value", [("the past year", "P1Y"), ("the past decade", "P10Y"), ("the past month", "P1M")])
def test_dates_one_unit_without_a_count_is_a_period_of_one(expr, value):
    assert dates.classify(expr, ANCHOR) == ("DURATION", value)


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The canal froze for years and reopened within weeks of the thaw.", [("years", "PXY"), ("weeks", "PXW")]),
    ("The club won for the first time in decades.", [("decades", "PXE")]),
    ("Over the years the mill shut, and the town waited for a while.", [("the years", "PXY"), ("a while", "PXX")]),
    ("Boats were seen in the weeks before the storm.", []),
    ("The two quakes struck minutes apart, a matter of months after the floods.", []),
])
def test_dates_timeml_mode_reads_a_plural_unit_as_a_span_only_after_a_word_that_takes_one(parse, text, expected):
    assert [(t, v) for t, v in _found(parse, text, dates.TIMEML) if v.startswith("P")] == expected


@pytest.mark.model
@pytest.mark.parametrize("text, absent", [
    ("Thousands joined this march through the old town.", "this march"),
    ("The mayor spoke on the night of Sept. 4 at the harbour.", "the night of"),
])
def test_dates_timeml_mode_skips_month_words_in_lowercase_and_a_night_of_a_date(parse, text, absent):
    assert absent not in {t for t, _ in _found(parse, text, dates.TIMEML)}


@pytest.mark.model
@pytest.mark.parametrize("text, expr, value", [
    ("The permit had been due to expire Friday evening, but it was renewed.", "Friday evening", "2015-04-10TEV"),
    ("The permit is due to expire Friday.", "Friday", "2015-04-17"),
])
def test_dates_timeml_mode_reads_a_plan_in_the_past_perfect_as_over(parse, text, expr, value):
    assert dict(_found(parse, text, dates.TIMEML)).get(expr) == value


@pytest.mark.model
@pytest.mark.parametrize("text, absent", [
    ("She told the morning radio show that the bridge will open.", "morning"),
    ("Good evening from the harbour, where the boats are in.", "evening"),
])
def test_dates_timeml_mode_skips_a_part_of_day_that_names_a_thing(parse, text, absent):
    assert not [t for t, _ in _found(parse, text, dates.TIMEML) if absent in t]


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("The fair opens on June 12 and 13 in the square.", [("June 12", "2015-06-12"), ("13", "2015-06-13")]),
    ("Ms. Lund, 14, won the race on June 12.", [("June 12", "2015-06-12")]),
])
def test_dates_timeml_mode_reads_the_second_day_of_a_range_in_one_month(parse, text, expected):
    assert [(t, v) for t, v in _found(parse, text, dates.TIMEML) if t != "14" or v] == expected


def test_dates_timeml_range_second_day_needs_a_day_just_before():
    timeml = dates.Classifier(dates.Vocabulary.packaged(), (timeml_rules.TIMEML_RULES["range_second_day"],) + rules.RULES)
    assert timeml.classify("13", ANCHOR, "past", "2015-06-12") == ("DATE", "2015-06-13")
    assert timeml.classify("31", ANCHOR, "past", "2015-06-29") == ("", "")        # no June 31
    assert timeml.classify("13", ANCHOR, "past", "2015") == ("", "")


@pytest.mark.model
def test_dates_timeml_mode_reads_a_numbered_century_the_model_joins_to_a_word(parse):
    assert ("20th century", "19") in _found(parse, "He called himself a 20th century builder.", dates.TIMEML)


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Critics say today's youth read less, and in today's world they must.", []),
    ("The notice ran in today's editions of the gazette.", [("today", "2015-04-13")]),
])
def test_dates_today_before_a_generic_noun_is_no_date(parse, text, expected):
    doc, sents = parse(text)
    assert [(d.text, d.value) for d in dates.extract(doc, sents, ANCHOR)] == expected
    assert [(t, v) for t, v in _found(parse, text, dates.TIMEML)] == expected


def test_dates_generic_rows_are_no_fixed_words():
    vocabulary = dates.Vocabulary.packaged()
    assert "youth" in vocabulary.generic and "youth" not in vocabulary.words
