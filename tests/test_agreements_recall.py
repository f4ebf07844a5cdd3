"""Agreements: recall on articles nobody studied (issue 15). Example sentences are written for these
tests (not taken from any corpus)."""
from __future__ import annotations

import pytest

from pipeline.extract import actors, dates
from pipeline.extract import agreements as ag
from pipeline.extract.agreements import gate
from pipeline.extract.agreements.mentions import find_mentions


def _rows(parse, settings, text):
    """(name, parties) -> status of each row, with the learned gate switched off (the rules decide)."""
    doc, sents = parse(text)
    rules = gate.from_json({"weights": {}, "bias": 0.0, "threshold": 0.5, "enabled": False})
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings, gate=rules)
    return {(f.name, tuple(sorted(f.parties))): f for f in found}


FILLER = "Officials praised the text. Critics said it lacked money. Reporters waited outside. "


# ------------------------------------------------ a generic mention with its own parties stays its own row

@pytest.mark.model
@pytest.mark.parametrize("text, named, generic_parties", [
    # the named instrument has no parties read: the later pact between two others is not it
    ("The Coral Declaration was adopted by island leaders in 2019. " + FILLER +
     "Later, Fiji and Samoa signed a security agreement covering joint patrols.",
     "Coral Declaration", ("Fiji", "Samoa")),
    # the named instrument has one party: a later arrangement of that party with another is not it
    ("Kenya joined the Orbit Accords in 2023. The accords set rules for lunar exploration. " + FILLER +
     "Kenya and the European Union are now negotiating a cooperation arrangement on satellite imagery.",
     "Orbit Accords", ("European Union", "Kenya")),
])
def test_agreements_generic_with_other_parties_is_not_folded(parse, settings, text, named, generic_parties):
    rows = _rows(parse, settings, text)
    assert [k for k in rows if k[1] == generic_parties], rows
    assert not any(k[0] == named and set(k[1]) >= set(generic_parties) for k in rows), rows


@pytest.mark.model
@pytest.mark.parametrize("text", [
    # the same parties, written again later: the one named instrument
    ("Ministers met in Oslo on Monday. Norway and Chile signed the Harbour Shield Agreement there. "
     "The Harbour Shield Agreement covers joint naval patrols. " + FILLER +
     "Chile and Norway said the security agreement would be reviewed in 2027."),
    # a headline before the name, with both parties: the named instrument it announces
    ("Norway and Chile sign security pact. Oslo hosted ministers on Monday. " + FILLER +
     "The Harbour Shield Agreement was signed after the talks."),
])
def test_agreements_generic_of_the_named_ones_parties_still_folds(parse, settings, text):
    rows = _rows(parse, settings, text)
    assert list(rows) == [("Harbour Shield Agreement", ("Chile", "Norway"))], rows


# ------------------------------------------------ a between-phrase on the noun names all its parties

@pytest.mark.model
@pytest.mark.parametrize("text, name_words, parties", [
    (("Norway and Chile signed a fisheries pact in Oslo on Monday, alongside the peace agreement between "
      "Peru and Ecuador."), "Peace", ("Ecuador", "Peru")),
    ("Norway signed a trade deal with Chile in May, next to the border treaty between Peru and Ecuador.",
     "Border", ("Ecuador", "Peru")),
])
def test_agreements_between_phrase_gives_the_parties(parse, settings, text, name_words, parties):
    rows = _rows(parse, settings, text)
    mine = [k for k in rows if name_words in k[0]]
    assert [k[1] for k in mine] == [parties], rows


@pytest.mark.model
@pytest.mark.parametrize("text, parties", [
    # no between-phrase: the signers are the parties, as before
    ("Peru and Ecuador signed the peace agreement on Friday.", ("Ecuador", "Peru")),
    # a between-phrase with one party only does not narrow the parties read elsewhere
    ("Peru signed a peace agreement with Ecuador, the first between Lima's government and a neighbour.",
     ("Ecuador", "Peru")),
])
def test_agreements_without_a_full_between_phrase_parties_are_unchanged(parse, settings, text, parties):
    rows = _rows(parse, settings, text)
    assert [k[1] for k in rows] == [parties], rows


# ------------------------------------------------ a proper name inside a topic phrase stays in the name

@pytest.mark.model
@pytest.mark.parametrize("text, name", [
    # a capitalised word opens the topic, lower-case words go on after it
    ("Brazil and Angola are negotiating a framework agreement on Atlantic fisheries.",
     "Framework Agreement on Atlantic Fisheries"),
    # the on-phrase hangs on the signing verb after an aside; its gerund clause has a named object
    ("Chile and Peru signed a memorandum of understanding, in March 2020, on jointly operating the Tambo ferry line.",
     "Memorandum of Understanding on Operating Tambo Ferry Line"),
    # an of-phrase with a proper name inside the topic
    ("Chile and Peru signed an agreement on the protection of the Nazca Lines.",
     "Agreement on Protection of Nazca Lines"),
])
def test_agreements_topic_keeps_proper_names(parse, settings, text, name):
    rows = _rows(parse, settings, text)
    assert [k for k in rows if k[0] == name], rows


@pytest.mark.model
@pytest.mark.parametrize("text, name", [
    # a state in the topic is a party, never a topic word
    ("Chile and Peru signed an agreement on the security of Bolivia.", "Chile-Peru Agreement on Security"),
    # a with-phrase names a party, not the topic
    ("Chile and Peru signed an agreement on trade with Japan in May.", "Trilateral Agreement on Trade"),
    # function words after a capitalised topic do not extend it
    ("Chile and Peru signed a memorandum of understanding on the Harbour Link in the south.",
     "Memorandum of Understanding on the Harbour Link"),
    # an on-phrase of the signing verb that is a date or a noun is no topic
    ("Chile and Peru signed the memorandum of understanding on Friday.", "Chile-Peru Memorandum of Understanding"),
    ("Chile and Peru signed a memorandum of understanding, in March, on behalf of their navies.",
     "Chile-Peru Memorandum of Understanding"),
    # a title-case name is read as written
    ("Chile and Peru signed the Framework Agreement on Water Cooperation in Lima.",
     "Framework Agreement on Water Cooperation"),
])
def test_agreements_topic_names_that_do_not_change(parse, settings, text, name):
    rows = _rows(parse, settings, text)
    assert [k[0] for k in rows] == [name], rows


# ------------------------------------------------ a catalogue form after a place is the head of a longer title

@pytest.mark.model
@pytest.mark.parametrize("text, name", [
    ("Chile suspended implementation of the Santiago Peace Accord on Monday.", "Santiago Peace Accord"),
    # a capital city is a place a title names, not the party its state is
    ("Ecuador suspended implementation of the Lima Peace Accord on Monday.", "Lima Peace Accord"),
    # a generic mention of the same instrument joins the titled row
    ("A month after Chile and Peru signed a peace accord in Santiago, Chile suspended implementation of "
     "the Santiago Peace Accord.", "Santiago Peace Accord"),
])
def test_agreements_place_before_catalogue_form_is_one_title(parse, settings, text, name):
    rows = _rows(parse, settings, text)
    assert [k[0] for k in rows] == [name], rows


@pytest.mark.model
@pytest.mark.parametrize("text, name", [
    # praise words, order words and states before the form are no title
    ("Chile and Peru signed the Historic Peace Accord in May.", "Chile-Peru Peace Agreement"),
    ("Chile and Peru signed the New Free Trade Agreement.", "Chile-Peru Free Trade Agreement"),
    ("Chile and Japan signed the Japan Free Trade Agreement.", "Chile-Japan Free Trade Agreement"),
    # no capitalised words before it
    ("Chile and Peru ratified the Peace Accord in May.", "Chile-Peru Peace Agreement"),
])
def test_agreements_catalogue_form_without_title_prefix_unchanged(parse, settings, text, name):
    rows = _rows(parse, settings, text)
    assert [k[0] for k in rows] == [name], rows


# ------------------------------------------------ instruments named without an agreement head (stop 20)


def _spans(text):
    return [(h.name, h.source, text[h.start:h.end]) for h in find_mentions(text)]


@pytest.mark.parametrize("text, surface", [
    ("Chile and Peru renewed the peso swap line on Friday.", "peso swap line"),
    ("The bank said its currency swap with the Bank of Korea was extended.", "currency swap"),
    ("Both central banks keep swap lines open with each other.", "swap lines"),
])
def test_agreements_headless_currency_swap_is_a_mention(text, surface):
    assert ("Currency Swap Agreement", "generic", surface) in _spans(text), _spans(text)


@pytest.mark.parametrize("text", [
    "A three-way gas swap was halted during the cold spell.",       # a swap of goods, not of currencies
    "The two teams agreed to swap players before the season.",
    "The debt swap deal was criticised.",
])
def test_agreements_swap_of_other_things_is_no_currency_swap(text):
    assert not any(name == "Currency Swap Agreement" for name, _src, _s in _spans(text)), _spans(text)


def test_agreements_currency_swap_with_head_stays_generic_reference():
    text = "They signed a currency swap agreement in Lima."
    assert [s for _n, _src, s in _spans(text)] == ["currency swap agreement"]


@pytest.mark.parametrize("text, name", [
    ("The lender approved a $2 billion Extended Credit Facility for Malawi in May.", "Extended Credit Facility"),
    ("The Rapid Financing Facility arrangement was approved last year.", "Rapid Financing Facility Arrangement"),
])
def test_agreements_lending_facility_is_a_named_instrument(text, name):
    assert (name, "named") in [(n, src) for n, src, _s in _spans(text)], _spans(text)


def test_agreements_lending_facility_acronym_refers_back():
    text = "The fund approved an Extended Credit Facility (ECF) for Malawi. Malawi drew on the ECF in June."
    keys = {h.key for h in find_mentions(text)}
    assert keys == {"named:extendedcreditfacility"}, keys


@pytest.mark.parametrize("text, named", [
    ("Ghana froze all work under the Coastal Trade Framework last week.", True),
    ("The ministers agreed a framework for further talks.", False),            # lower case: no name
    ("The Windsor Framework governs goods moving to Belfast.", True),           # catalogued, still one name
])
def test_agreements_title_case_framework_is_a_name(text, named):
    got = [n for n, src, _s in _spans(text) if n.endswith("Framework")]
    assert bool(got) == named, _spans(text)


@pytest.mark.parametrize("text, name", [
    ("Tuvalu and Australia said the Falepili Union had worked well since 2024.", "Falepili Union"),
    ("ASEAN diplomats hope to finish a code of conduct for the South China Sea next year.",
     "Code of Conduct in the South China Sea"),
    ("Hanoi urged an early signing of a Code of Conduct in the East Sea.", "Code of Conduct in the South China Sea"),
])
def test_agreements_recurring_instruments_are_catalogued(text, name):
    assert name in [n for n, _src, _s in _spans(text)], _spans(text)


@pytest.mark.model
@pytest.mark.parametrize("text, words, parties", [
    ("Chile's central bank and the central bank of Peru renewed their peso swap line on Friday. " + FILLER,
     {"currency", "swap"}, ("Chile", "Peru")),
    ("Mongolia and Japan signed a currency swap in Tokyo on Monday to steady their reserves. " + FILLER,
     {"currency", "swap"}, ("Japan", "Mongolia")),
])
def test_agreements_headless_swap_makes_a_row_between_its_parties(parse, settings, text, words, parties):
    rows = _rows(parse, settings, text)
    assert any(words <= set(k[0].lower().split()) and set(parties) <= set(k[1]) for k in rows), rows


@pytest.mark.model
@pytest.mark.parametrize("text, words, party", [
    ("Ghana's parliament ratified the treaty establishing the Volta Basin Authority in May. " + FILLER,
     {"treaty", "establishing", "volta", "basin", "authority"}, "Ghana"),
    ("Peru signed the convention creating the Andean Seed Council in 2019. " + FILLER,
     {"convention", "creating", "andean", "seed", "council"}, "Peru"),
])
def test_agreements_definite_founding_treaty_is_named_by_what_it_founds(parse, settings, text, words, party):
    rows = _rows(parse, settings, text)
    assert any(words <= set(k[0].lower().split()) and party in k[1] for k in rows), rows


@pytest.mark.model
def test_agreements_definite_content_clause_other_than_founding_is_the_focus(parse, settings):
    text = ("Chile and Peru signed the Harbour Shield Agreement in 2020. " + FILLER +
            "Both sides welcomed the agreement ending the border dispute.")
    assert list(_rows(parse, settings, text)) == [("Harbour Shield Agreement", ("Chile", "Peru"))]


@pytest.mark.parametrize("text, year", [
    ("Troops have trained there since a 1998 bilateral defence cooperation agreement.", "1998"),
    ("The rules go back to a 2006 ceasefire agreement.", "2006"),
    ("Both sides point to their 2011 joint security agreement.", "2011"),
])
def test_agreements_year_before_a_modifier_dates_the_generic_mention(text, year):
    assert [h.year for h in find_mentions(text)] == [year]


def test_agreements_year_not_modifying_the_mention_is_no_date():
    assert [h.year for h in find_mentions("In 2006 bilateral trade agreement talks began.")] == [""]


@pytest.mark.model
def test_agreements_two_governments_is_the_pair_just_named(parse, settings):
    # an older pair (Chile and Bolivia) was opened first; the sentence before names Peru
    text = ("Chile and Bolivia renewed their trade agreement on Monday. " + FILLER +
            "Chile is a big exporter of copper. Fishing ties with Peru are also being formalised. "
            "The two governments announced a fisheries agreement in November.")
    rows = _rows(parse, settings, text)
    assert any("Fisheries" in k[0] and set(k[1]) == {"Chile", "Peru"} for k in rows), rows

