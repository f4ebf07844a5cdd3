"""Publication date from the text, the URL and metadata strings; a year is never invented.
All lines are written for these tests."""
from __future__ import annotations

import pytest

from pipeline.read import pubdate
from pipeline import resources


@pytest.mark.parametrize("lines, expected", [
    (["Defence ties deepen", "Posted on : Apr.13,2015", "Body text follows here."], "2015-04-13"),
    (["Published: 2019-11-02 08:15"], "2019-11-02"),
    (["Published 10:32 AM EST, Mon April 13, 2015"], "2015-04-13"),
    (["First published on 3 May 2021"], "2021-05-03"),
    (["Updated: 2016-01-02", "Published: 2015-12-30"], "2015-12-30"),
    (["Modified on 7 June 2018", "A long body line without any date in it at all."], "2018-06-07"),
    (["This analysis was published on September 26, 2021 in The Quarterly Review."], "2021-09-26"),
    (["Jane Roe", "27 September 2016", "The talks resumed."], "2016-09-27"),
])
def test_pubdate_from_text_reads_cues_and_datelines(lines, expected):
    assert pubdate.from_text(lines) == expected


@pytest.mark.parametrize("lines", [
    ["SEOUL, June 3 (Wire) -- The ministers met again."],
    ["Posted on : Apr. 13"],
    ["The treaty, first drafted in the spring, is due by June 3, 2030 according to officials who spoke today."],
    [],
])
def test_pubdate_from_text_never_invents_a_year(lines):
    assert pubdate.from_text(lines) == ""


@pytest.mark.parametrize("url, expected", [
    ("https://news.example.org/2020/02/29/talks-end", "2020-02-29"),
    ("https://news.example.org/world/2018-05/deal", "2018-05"),
    ("https://news.example.org/world/deal-signed", ""),
    ("", ""),
])
def test_pubdate_from_url(url, expected):
    assert pubdate.from_url(url) == expected


@pytest.mark.parametrize("value, expected", [
    ("2024-06-19T10:00:00Z", "2024-06-19"),
    ("2024-06", "2024-06"),
    ("2024", "2024"),
    ("June 19, 2024", "2024-06-19"),
    ("19 June 2024", "2024-06-19"),
    ("June 19", ""),
    ("", ""),
])
def test_pubdate_normalise_published(value, expected):
    assert pubdate.normalise_published(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("Signed 2015.4.13 and ratified on June 9, 2016.", ["2015-04-13", "2016-06-09"]),
    ("It ran from 3 March 2010 to 2011-01-31.", ["2010-03-03", "2011-01-31"]),
    ("No full date: March 3 and 2012.", []),
])
def test_pubdate_full_dates(text, expected):
    assert [iso for _s, _e, iso in pubdate.full_dates(text)] == expected


@pytest.mark.parametrize("name, number", [("Sept.", 9), ("june", 6), ("DEC", 12)])
def test_pubdate_month_number(name, number):
    assert pubdate.month_number(name) == number


@pytest.mark.parametrize("lines,expected", [
    (["Pact signed", "LIMA, March 3, 2023 (Wire) - Peru and Chile signed a fisheries pact on Friday."], "2023-03-03"),
    (["Port Louis, Mauritius, 4 July 2022 - The island state agreed to host the talks."], "2022-07-04"),
    (["The talks in Lima, which began on March 3, 2023, went well."], ""),
    (["LIMA, March 3 (Wire) - Peru and Chile signed a fisheries pact."], ""),
])
def test_pubdate_wire_dateline_in_the_head(lines, expected):
    assert pubdate.from_text(lines) == expected


FULL_DATE_TEXTS = [
    "Signed APR.13,2015, ratified 27 SEPTEMBER 2016 and in force from 2017.1.5 (Sept 9th, 2018; 3rd Dec 2019).",
    "No full date: March 3 and 2012, or 19 and 20.",
]


@pytest.mark.parametrize("text", FULL_DATE_TEXTS)
def test_pubdate_full_date_patterns_on_lowered_text_match_as_ignorecase_under_re(text):
    """Each form, scanned in lowercase without IGNORECASE on its engine, finds what re finds with
    IGNORECASE in the text itself (the forms were written for that)."""
    import re

    for pattern, plain in zip(pubdate.FULL_DATE_PATTERNS, pubdate._FULL_DATE_PATTERNS_ANY_CASE):
        assert plain.flags & re.I
        assert [(m.span(), m.groupdict()) for m in pattern.finditer(resources.lowered(text))] == \
            [(m.span(), {k: v and v.lower() for k, v in m.groupdict().items()}) for m in plain.finditer(text)]


@pytest.mark.parametrize("text, expected", [
    ("Talks on Aprıl 13, 2015 and 27 Aprıl 2016.", ["2015-04-13", "2016-04-27"]),   # re takes ı for i
    ("Talks on April 13, 2015 😀", ["2015-04-13"]),
])
def test_pubdate_full_dates_where_lowered_refuses(text, expected):
    assert resources.lowered(text) is None
    assert [iso for _s, _e, iso in pubdate.full_dates(text)] == expected


def test_pubdate_full_date_forms_are_written_in_lowercase():
    assert all(resources.written_in_lowercase(src) for _engine, src in pubdate._FULL_DATE_SOURCES)
