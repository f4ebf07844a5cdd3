"""Agreements: the names given to unnamed and descriptive instruments (issue 15: rows that are there but
whose name does not pair with the gold one). Example sentences are written for these tests (not taken
from any corpus)."""
from __future__ import annotations

import pytest

from pipeline.extract import actors, dates
from pipeline.extract import agreements as ag
from pipeline.extract.agreements import gate
from pipeline.extract.agreements.describe import with_descriptive
from pipeline.extract.agreements.findings import pair_name
from pipeline.extract.agreements.instances import singular_name
from pipeline.extract.agreements.mentions import find_mentions


def _rows(parse, settings, text):
    """(name, parties) of each row, with the learned gate switched off (the rules decide)."""
    doc, sents = parse(text)
    rules = gate.from_json({"weights": {}, "bias": 0.0, "threshold": 0.5, "enabled": False})
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings, gate=rules)
    return {(f.name, tuple(f.parties)) for f in found}


# ------------------------------------------------ a pair of parties as a composed name writes it (one helper)

@pytest.mark.parametrize("parties, written", [
    # canonical names (GOLD.md), whatever the order they come in
    (["Samoa", "Fiji"], "Fiji-Samoa"),
    # the United States, the EU and the UK short
    (["United States", "Fiji"], "Fiji-US"),
    (["European Union", "Fiji"], "EU-Fiji"),
    (["United States", "United Kingdom"], "UK-US"),
])
def test_agreements_pair_name_writes_the_parties_in_order(parties, written):
    assert pair_name(parties) == written


@pytest.mark.model
@pytest.mark.parametrize("text, row", [
    ("Fiji signed a fisheries agreement with the United States in March.",
     ("Fiji-US Fisheries Agreement", ("Fiji", "United States"))),
    ("The United Kingdom and the United States signed a data access agreement in 2019.",
     ("UK-US Data Access Agreement", ("United Kingdom", "United States"))),
])
def test_agreements_composed_names_write_the_pair_of_parties(parse, settings, text, row):
    assert row in _rows(parse, settings, text)


# ------------------------------------------------ a kind phrase is no catalogued name by itself

@pytest.mark.model
def test_agreements_kind_phrase_without_the_catalogued_name_is_named_by_its_kind(parse, settings):
    """'logistics agreements with X and Y' where the text never names an ACSA: one logistics agreement
    with each partner, named by the kind the text gives, not the catalogued ACSA."""
    rows = _rows(parse, settings, "Chile now has logistics agreements with Peru and Bolivia.")
    assert rows == {("Chile-Peru Logistics Agreement", ("Chile", "Peru")),
                    ("Bolivia-Chile Logistics Agreement", ("Bolivia", "Chile"))}


@pytest.mark.model
def test_agreements_kind_phrase_beside_the_catalogued_name_is_that_one(parse, settings):
    rows = _rows(parse, settings, "Chile and Peru signed an ACSA in 2019. The logistics pact lets their navies share fuel.")
    assert rows == {("Acquisition and Cross-Servicing Agreement", ("Chile", "Peru"))}


@pytest.mark.model
def test_agreements_intelligence_sharing_phrase_without_gsomia_is_generic(parse, settings):
    rows = _rows(parse, settings, "Ghana and Togo are negotiating an intelligence-sharing agreement.")
    assert rows == {("Ghana-Togo Intelligence-Sharing Agreement", ("Ghana", "Togo"))}


@pytest.mark.parametrize("name, singular", [
    ("Logistics Agreements", "Logistics Agreement"),
    ("Investment Treaties", "Investment Treaty"),
    ("Trade Memoranda", "Trade Memorandum"),
    ("Security and Defence Partnerships", "Security and Defence Partnership"),
    ("Logistics Agreement", "Logistics Agreement"),
])
def test_agreements_one_instrument_of_a_plural_mention_is_named_in_the_singular(name, singular):
    assert singular_name(name) == singular


# ------------------------------------------------ the topic words the text writes stay in the name

@pytest.mark.model
@pytest.mark.parametrize("text, name", [
    # a gerund before the kind words
    ("Samoa said last year that it was considering a policing cooperation memorandum offered by Japan.",
     "Policing Cooperation Memorandum"),
    # a noun before the kind words, after 'trilateral'
    ("Fiji, Samoa and Tonga agreed last week to a trilateral coastguard cooperation arrangement.",
     "Trilateral Coastguard Cooperation Arrangement"),
    ("The two navies signed a fishing patrol cooperation agreement.", "Fishing Patrol Cooperation Agreement"),
    # a hyphenated word, whole
    ("Officials would not say what would happen to a ship-repair agreement with Japan.", "Ship-Repair Agreement"),
    # never a part of a hyphenated word, nor a participle that gives no topic
    ("Samoa and Fiji signed a three-way fuel swap agreement with Tonga.", "Fuel Swap Agreement"),
    ("Samoa and Fiji are discussing a multi-million-dollar energy cooperation agreement.", "Energy Cooperation Agreement"),
    ("The two navies signed a binding cooperation agreement.", "Cooperation Agreement"),
])
def test_agreements_descriptive_name_keeps_the_modifiers_the_text_writes(parse, text, name):
    doc, _sents = parse(text)
    assert [h.name for h in with_descriptive(find_mentions(text), doc)] == [name]


# ------------------------------------------------ an instrument named by its content, with two parties

@pytest.mark.model
@pytest.mark.parametrize("text, row", [
    ("Samoa and Fiji signed a memorandum in June to send a medical team to the outer islands.",
     ("Fiji-Samoa Memorandum to Send Medical Team", ("Fiji", "Samoa"))),
    # three parties: the content name alone
    ("Chile, Peru and Bolivia signed an agreement in May to build a shared rail line.",
     ("Agreement to Build Shared Rail Line", ("Bolivia", "Chile", "Peru"))),
])
def test_agreements_content_named_instrument_carries_its_two_parties(parse, settings, text, row):
    assert row in _rows(parse, settings, text)


# ------------------------------------------------ a capitalised word inside a name in running text

@pytest.mark.parametrize("text, name", [
    # 'Launch' is a headline verb in 'X Launches Y', but a word of the name inside running text
    ("Both navies still honour the 1990 Coastal Rocket Launch Warning Agreement, which set up a hotline.",
     "Coastal Rocket Launch Warning Agreement"),
    # a headline above running text: the party before the verb is its subject, the name comes after it
    ("Chile Signs Andes Water Treaty as talks end in Lima\nOfficials said the treaty would be ratified soon.",
     "Andes Water Treaty"),
    ("Moscow Exits Andes Arms Treaty as talks end in Lima\nOfficials said the treaty would lapse soon.",
     "Andes Arms Treaty"),
])
def test_agreements_headline_verb_cut_only_in_headlines(text, name):
    assert name in [h.name for h in find_mentions(text) if h.source == "named"]


@pytest.mark.parametrize("text, name", [
    # a head the text writes in a capital is the name's own
    ("The Andes Water Pact was signed in Lima on Monday by both ministers.", "Andes Water Pact"),
    # a lower-case deal or pact named by its place is read as an agreement
    ("Fighting has eased since the Pretoria deal was signed.", "Pretoria Agreement"),
])
def test_agreements_named_instrument_keeps_the_head_the_text_writes(text, name):
    assert name in [h.name for h in find_mentions(text) if h.source == "named"]
