"""Agreements: a generic mention the text marks as another instrument is a row of its own (issue 15,
the 'folded' recall class), while a plain repeat still joins the named row. Example sentences are
written for these tests (not taken from any corpus)."""
from __future__ import annotations

import pytest

from pipeline.extract import actors, dates
from pipeline.extract import agreements as ag
from pipeline.extract.agreements import gate
from pipeline.extract.agreements.apart import apart_pairs, distinct


def _rows(parse, settings, text):
    """(name, parties) -> finding of each row, with the learned gate switched off (the rules decide)."""
    doc, sents = parse(text)
    rules = gate.from_json({"weights": {}, "bias": 0.0, "threshold": 0.5, "enabled": False})
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings, gate=rules)
    return {(f.name, tuple(sorted(f.parties))): f for f in found}


def _span(doc, words):
    i = doc.text.index(words)
    return i, i + len(words)


FILLER = "Officials praised the text. Critics said it lacked money. Reporters waited outside. "


# ------------------------------------------------ a dated generic mention is not the instrument signed now

@pytest.mark.model
def test_agreements_dated_generic_is_its_own_row(parse, settings):
    text = ("Norway and Chile signed the Harbour Shield Defence Agreement in Oslo on Monday. "
            "The pact sets rules for joint patrols. " + FILLER +
            "Norway has trained the navy of Chile since a 1994 security agreement.")
    rows = _rows(parse, settings, text)
    named = [k for k in rows if k[0] == "Harbour Shield Defence Agreement"]
    dated = [k for k in rows if "Security Agreement" in k[0]]
    assert named and dated, rows
    text_n = dict((f.name, f.sentence_ns) for f in rows.values())
    assert 5 not in text_n["Harbour Shield Defence Agreement"], rows


@pytest.mark.model
def test_agreements_dated_generic_written_beside_the_names_year_still_joins(parse, settings):
    text = ("Norway and Chile signed the Harbour Shield Defence Agreement in 2019. " + FILLER +
            "The 2019 security agreement set up joint patrols.")
    rows = _rows(parse, settings, text)
    assert list(rows) == [("Harbour Shield Defence Agreement", ("Chile", "Norway"))], rows


# ------------------------------------------------ a contrasting modifier: another instrument

@pytest.mark.model
def test_agreements_separate_generic_is_not_folded_into_the_named_one(parse, settings):
    text = ("Chile and India expect to conclude the Pacific Bridge Trade Agreement this year. "
            "The Pacific Bridge Trade Agreement would cut tariffs on fruit. "
            "The two sides have also begun negotiating a separate investment treaty.")
    rows = _rows(parse, settings, text)
    assert ("Pacific Bridge Trade Agreement", ("Chile", "India")) in rows, rows
    assert any(k[0].endswith("Investment Treaty") and k[1] == ("Chile", "India") for k in rows), rows
    assert 2 not in rows[("Pacific Bridge Trade Agreement", ("Chile", "India"))].sentence_ns, rows


@pytest.mark.model
def test_agreements_plain_repeat_still_joins_the_named_one(parse, settings):
    text = ("Chile and India expect to conclude the Pacific Bridge Trade Agreement this year. "
            "The Pacific Bridge Trade Agreement would cut tariffs on fruit. "
            "Exporters in both countries welcomed the trade agreement.")
    rows = _rows(parse, settings, text)
    assert list(rows) == [("Pacific Bridge Trade Agreement", ("Chile", "India"))], rows


@pytest.mark.model
@pytest.mark.parametrize("text, words, expected", [
    ("The ministers began talks on a separate fisheries agreement.", "fisheries agreement", True),
    ("Negotiators will draft another trade pact next year.", "trade pact", True),
    ("The two governments reached a second trade agreement in May.", "trade agreement", True),
    # an ordinal after 'the' ranks the instrument, it does not set it apart
    ("This is the second regional trade deal for the bloc.", "trade deal", False),
    # no contrasting word
    ("The ministers began talks on a fisheries agreement.", "fisheries agreement", False),
])
def test_agreements_distinct_reads_the_modifier_of_the_head(parse, text, words, expected):
    doc, _ = parse(text)
    assert distinct(doc, *_span(doc, words)) is expected


# ------------------------------------------------ the parse: subject and object of one verb are two instruments

@pytest.mark.model
@pytest.mark.parametrize("text, a, b, expected", [
    ("The new treaty replaces an older fisheries agreement.", "new treaty", "fisheries agreement", True),
    ("The Coral Accord supersedes the Reef Convention.", "Coral Accord", "Reef Convention", True),
    # a verb that says the two are one instrument
    ("The Coral Accord is a fisheries agreement.", "Coral Accord", "fisheries agreement", False),
    ("The Coral Accord became the regional fisheries agreement.", "Coral Accord", "fisheries agreement", False),
])
def test_agreements_apart_pairs_subject_and_object(parse, text, a, b, expected):
    doc, _ = parse(text)
    assert bool(apart_pairs(doc, [_span(doc, a), _span(doc, b)])) is expected


# ------------------------------------------------ broad words fold only into a named instrument of their kind

@pytest.mark.model
def test_agreements_broad_generic_of_another_kind_is_not_folded(parse, settings):
    text = ("The European Union and Britain signed the Channel Trade Agreement in 2020. " + FILLER +
            "On Tuesday the European Union and Britain opened negotiations on a security and defence partnership.")
    rows = _rows(parse, settings, text)
    assert any(k[0] == "Channel Trade Agreement" for k in rows), rows
    assert any(k[0].endswith("Security and Defence Partnership") for k in rows), rows


# ------------------------------------------------ a headline written again far from the name is its own row

@pytest.mark.model
def test_agreements_headline_generic_repeated_far_from_the_name_is_not_folded(parse, settings):
    text = ("Vietnam and Japan lift ties to strategic partnership\n\n"
            "Vietnam and Japan have decided to lift their ties to a strategic partnership for peace and development. "
            + FILLER + FILLER +
            "The two leaders also called for the full implementation of the Reef Declaration on fisheries.")
    rows = _rows(parse, settings, text)
    assert any(k[0].endswith("Strategic Partnership") and k[1] == ("Japan", "Vietnam") for k in rows), rows
    assert not any(k[0] == "Reef Declaration" and k[1] == ("Japan", "Vietnam") for k in rows), rows


@pytest.mark.model
def test_agreements_headline_generic_written_only_in_the_lead_still_folds(parse, settings):
    text = ("Vietnam and Japan sign strategic partnership treaty\n\n"
            "Vietnam and Japan signed a strategic partnership treaty in Hanoi on Monday. "
            "The Hanoi Partnership Treaty commits both sides to annual talks. " + FILLER +
            "Diplomats said the strategic partnership treaty would be published next week.")
    rows = _rows(parse, settings, text)
    assert list(rows) == [("Hanoi Partnership Treaty", ("Japan", "Vietnam"))], rows
