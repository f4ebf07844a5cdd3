"""Agreements: catalogue and cue data, mention recognition, status with modality, parties,
one row per instance. Example sentences are written for these tests (not taken from the corpus)."""
from __future__ import annotations

import re

import pytest

from pipeline import agreements as ag
from pipeline import actors, dates


# ---------------------------------------------------------------- data files

def test_agreements_catalogue_is_valid():
    rows = ag.catalogue()
    assert len(rows) >= 60
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert r["kind"] in ag.KINDS, r["id"]
        assert r["name"].strip() and isinstance(r.get("aliases", []), list), r["id"]
        assert isinstance(r.get("parties", []), list), r["id"]
        for p in r.get("parties", []) + r.get("include_parties", []):
            assert actors.canonical_state(p) == p or p in actors.org_index(), (r["id"], p)


@pytest.mark.parametrize("acronym", ["ACSA", "GSOMIA", "RAA", "SOFA", "VFA", "EDCA", "AUKUS", "LEMOA", "COMCASA",
                                     "BECA", "New START", "INF", "CTBT", "NPT", "JCPOA", "CPTPP", "RCEP", "USMCA",
                                     "NAFTA", "MoU"])
def test_agreements_catalogue_covers_recurring_instruments(acronym):
    assert any(r.get("acronym") == acronym for r in ag.catalogue())


def test_agreements_catalogue_aliases_point_to_one_entry():
    seen: dict[str, str] = {}
    for r in ag.catalogue():
        for form in {ag._fold(f) for f in [r["name"], *r.get("aliases", [])]}:
            assert seen.setdefault(form, r["id"]) == r["id"], f"{form!r} in {seen[form]} and {r['id']}"


def test_agreements_status_cues_are_valid():
    rows = ag.status_cues()
    assert rows
    for typ, status, pat, near in rows:
        assert typ in ("cue", "modal", "condition")
        if typ == "cue":
            assert status in ag.STATUS_RANK
        else:
            assert status in ("proposed", "under_negotiation", "none")
        assert isinstance(pat, re.Pattern) and isinstance(near, int)


# ---------------------------------------------------------------- mentions (no model)

def _mentions(text):
    return [(text[h.start:h.end], h.source, h.name, h.acronym) for h in ag.find_mentions(text)]


@pytest.mark.parametrize("text, name, acronym", [
    ("Tokyo and Ottawa have an acquisition and cross servicing agreement.", "Acquisition and Cross-Servicing Agreement", "ACSA"),
    ("Both navies rely on their ACSAs for fuel.", "Acquisition and Cross-Servicing Agreement", "ACSA"),
    ("Moscow suspended its part in New START last year.", "New START", "New START"),
    ("The visiting-forces agreement lets troops rotate through.", "Visiting Forces Agreement", "VFA"),
    ("A logistics pact is on the table.", "Acquisition and Cross-Servicing Agreement", "ACSA"),
    ("Seoul kept the intelligence-sharing pact alive.", "General Security of Military Information Agreement", "GSOMIA"),
    ("Negotiators revived the Iran nuclear deal talks.", "Joint Comprehensive Plan of Action", "JCPOA"),
])
def test_agreements_catalogue_forms_are_recognised(text, name, acronym):
    found = [(n, a) for _s, src, n, a in _mentions(text) if src in ("catalogue", "generic")]
    assert (name, acronym) in found


@pytest.mark.parametrize("text, expected", [
    ("Leaders praised the Japan-Australia Reciprocal Access Agreement on Friday.", "Reciprocal Access Agreement"),
    ("The two leaders put their names to a Comprehensive Strategic Partnership Treaty.", "Comprehensive Strategic Partnership Treaty"),
    ("Fighting has eased since the Pretoria agreement was signed.", "Pretoria Agreement"),
    ("The ministers signed the \"Agreement on Fisheries Cooperation\" in the capital.", "Agreement on Fisheries Cooperation"),
    ("Both capitals signed an agreement on the exchange of defence technology with little fanfare.",
     "Agreement on the Exchange of Defence Technology"),
])
def test_agreements_named_instruments_outside_catalogue(text, expected):
    assert expected in [n for _s, src, n, _a in _mentions(text) if src in ("named", "catalogue")]


@pytest.mark.parametrize("text, kind", [
    ("Officials described an information-sharing arrangement between the allies.", "intelligence-sharing"),
    ("The rebels accepted a ceasefire deal late on Sunday.", "peace"),
    ("The islands signed a policing cooperation agreement last year.", "other"),
    ("The two states are weighing a bilateral security agreement.", "defense"),
])
def test_agreements_generic_references_name_a_kind(text, kind):
    generic = [h for h in ag.find_mentions(text) if h.source == "generic"]
    assert generic and generic[0].kind == kind


@pytest.mark.parametrize("text", [
    "There was broad agreement that prices would rise.",
    "The two men were in agreement on most points.",
    "Analysts expect a deal on the budget soon.",
])
def test_agreements_consensus_is_not_an_instrument(text):
    assert [h for h in ag.find_mentions(text) if h.source in ("catalogue", "named", "generic")] == []


def test_agreements_acronym_defined_in_parentheses_links_later_uses():
    text = "The Maritime Boundary Treaty (MBT) was debated. Critics say the MBT cedes too much."
    hits = ag.find_mentions(text)
    keys = {h.key for h in hits if text[h.start:h.end] in ("Maritime Boundary Treaty", "MBT")}
    assert len(keys) == 1


# ---------------------------------------------------------------- status (no model)

@pytest.mark.parametrize("sentence, status", [
    ("Chile and Peru signed the accord on Monday.", "signed"),
    ("The two governments must conclude the accord quickly.", "proposed"),
    ("Lima is expected to ask Quito to sign the accord.", "proposed"),
    ("Both sides are likely to sign the accord next week.", "under_negotiation"),
    ("Talks on the accord are underway in Geneva.", "under_negotiation"),
    ("The accord has entered into force.", "in_force"),
    ("The senate voted to ratify the accord.", "ratified"),
    ("The government will withdraw from the accord.", "terminated"),
    ("The president threatened to withdraw from the accord unless terms change.", "unspecified"),
    ("The two sides have not signed the accord.", "unspecified"),
    ("Ministers proposed the accord in 2020.", "proposed"),
    ("The accord was suspended after the coup.", "suspended"),
])
def test_agreements_status_cues_with_modality(sentence, status):
    m = re.search(r"the accord", sentence, re.I)
    assert ag.status_at(sentence, 0, len(sentence), m.start(), m.end()) == status


@pytest.mark.parametrize("sentence", [
    "Seoul fully restored the pact after four years.",
    "The two countries agreed on normalizing the pact.",
])
def test_agreements_restoration_outranks_suspension(sentence):
    m = re.search(r"the pact", sentence)
    got = ag.status_at(sentence, 0, len(sentence), m.start(), m.end())
    assert ag.STATUS_RANK[got] > ag.STATUS_RANK["suspended"]


# ---------------------------------------------------------------- end to end (model)

def _extract(parse, settings, text, anchor=""):
    doc, sents = parse(text)
    found_actors = actors.extract(doc, sents)
    found_dates = dates.extract(doc, sents, anchor)
    return ag.extract(doc, sents, found_actors, found_dates, settings), sents


def _rows(findings):
    return {(f.acronym or f.name, tuple(f.parties)): f for f in findings}


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Canada has been building a web of ACSAs with Chile and Peru.",
     {("ACSA", ("Canada", "Chile")), ("ACSA", ("Canada", "Peru"))}),
    ("The Reciprocal Access Agreement between Poland and Japan was signed in May.",
     {("RAA", ("Japan", "Poland"))}),
    ("India and Brazil signed the Status of Forces Agreement on Tuesday.",
     {("SOFA", ("Brazil", "India"))}),
    ("The US-Vietnam logistics pact is still being negotiated.",
     {("ACSA", ("United States", "Vietnam"))}),
])
def test_agreements_parties_from_the_text(parse, settings, text, expected):
    found, _ = _extract(parse, settings, text)
    assert set(_rows(found)) == expected


@pytest.mark.model
@pytest.mark.parametrize("text, name, parties", [
    ("Ministers from Chile, Peru and Ecuador met in Quito on Monday. "
     "A memorandum of understanding was later signed between the three countries.",
     "Memorandum of Understanding", ("Chile", "Ecuador", "Peru")),
])
def test_agreements_counts_resolve_to_earlier_list(parse, settings, text, name, parties):
    found, _ = _extract(parse, settings, text)
    assert any(set(f.parties) == set(parties) for f in found)


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Canada has signed ACSAs with Chile and Peru. Canada and Mexico are now negotiating an ACSA.",
     {("ACSA", ("Canada", "Chile")): "signed", ("ACSA", ("Canada", "Peru")): "signed",
      ("ACSA", ("Canada", "Mexico")): "under_negotiation"}),
    ("The Visiting Forces Agreement (VFA) between Norway and Chile came into force in 2019. "
     "It is the second such agreement Chile has concluded, following Spain.",
     {("VFA", ("Chile", "Norway")): "in_force", ("VFA", ("Chile", "Spain")): "existing"}),
])
def test_agreements_one_row_per_instance(parse, settings, text, expected):
    found, _ = _extract(parse, settings, text)
    assert {k: f.status for k, f in _rows(found).items()} == expected


@pytest.mark.model
@pytest.mark.parametrize("text, acronym, status", [
    ("Chile and Peru must promptly conclude an ACSA. Officials say the pact matters.", "ACSA", "proposed"),
    ("Chile is expected to ask Peru to sign a Status of Forces Agreement.", "SOFA", "proposed"),
    ("Chile and Peru signed a Visiting Forces Agreement on Monday. The pact was ratified by both parliaments in June.",
     "VFA", "ratified"),
])
def test_agreements_status_is_the_most_advanced_asserted(parse, settings, text, acronym, status):
    found, _ = _extract(parse, settings, text)
    row = [f for f in found if f.acronym == acronym]
    assert len(row) == 1 and row[0].status == status


@pytest.mark.model
@pytest.mark.parametrize("text, n_rows, n_sentences", [
    ("Kenya and Ethiopia signed a Defense Cooperation Agreement on Friday. "
     "Critics said the agreement gives too much away. The deal takes effect next year.", 1, 3),
])
def test_agreements_anaphors_join_their_antecedent(parse, settings, text, n_rows, n_sentences):
    found, _ = _extract(parse, settings, text)
    assert len(found) == n_rows and len(found[0].sentence_ns) == n_sentences


@pytest.mark.model
@pytest.mark.parametrize("text, value", [
    ("Canada and Chile signed a free trade agreement on 5 March 2019.", "2019-03-05"),
])
def test_agreements_status_date_from_the_evidence_sentence(parse, settings, text, value):
    found, _ = _extract(parse, settings, text)
    assert found and found[0].status == "signed" and found[0].status_date == value


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Kenya signed the Paris Agreement in 2016. Kenya and Uganda also signed a border security deal.",
])
def test_agreements_confidence_catalogue_above_generic(parse, settings, text):
    found, _ = _extract(parse, settings, text)
    cat = [f for f in found if f.name == "Paris Agreement"]
    gen = [f for f in found if "Security" in f.name]
    assert cat and gen and cat[0].confidence > gen[0].confidence


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Several trade deals were struck before the summit, officials said.",
    "There is wide agreement among economists that growth will slow.",
])
def test_agreements_no_row_for_deals_in_general(parse, settings, text):
    found, _ = _extract(parse, settings, text)
    assert found == []


@pytest.mark.model
@pytest.mark.parametrize("text, evidence_word", [
    ("Peru and Chile discussed a Visiting Forces Agreement in 2018. They signed the VFA in 2020.", "signed"),
])
def test_agreements_evidence_supports_the_status(parse, settings, text, evidence_word):
    found, sents = _extract(parse, settings, text)
    assert len(found) == 1 and evidence_word in sents[found[0].evidence_n].text


@pytest.mark.parametrize("sentence, status", [
    ("Both governments should revive the accord, an adviser argued.", "unspecified"),
    ("Negotiators initialed the accord in a hotel outside Vienna.", "under_negotiation"),
    ("The minister said she would negotiate the accord herself.", "proposed"),
    ("Oman formally joined the accord last spring.", "signed"),
])
def test_agreements_status_of_less_common_verbs(sentence, status):
    m = re.search(r"the accord", sentence, re.I)
    assert ag.status_at(sentence, 0, len(sentence), m.start(), m.end()) == status


@pytest.mark.parametrize("text, name", [
    ("The two navies signed a maritime boundary agreement last week.", "Maritime Boundary Agreement"),
    ("Rebel commanders agreed to a ceasefire at dawn.", "Ceasefire Agreement"),
    ("Critics of the Paris deal gathered outside.", "Paris Agreement"),
    ("Both parliaments approved the Treaty of Riverton in May.", "Treaty of Riverton"),
])
def test_agreements_less_common_wordings_are_recognised(text, name):
    assert name in [h.name for h in ag.find_mentions(text) if h.source != "anaphor"]


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Chile says Peru is its closest partner. Chile already has visiting forces agreements with Peru and Brazil.",
     {("VFA", ("Brazil", "Chile")), ("VFA", ("Chile", "Peru"))}),
])
def test_agreements_with_list_pairs_each_partner_with_the_holder(parse, settings, text, expected):
    found, _ = _extract(parse, settings, text)
    assert set(_rows(found)) == expected


@pytest.mark.model
@pytest.mark.parametrize("text, expected_name, status", [
    ("Brazil pulled out of the Paris Agreement in March. Its president said he would rather negotiate a new deal.",
     "New Climate Agreement", "proposed"),
    ("Kenya and Uganda clinched a deal on Friday that opens a shared trade corridor.", "Kenya-Uganda Trade Agreement", "signed"),
])
def test_agreements_unnamed_deals_get_a_kind(parse, settings, text, expected_name, status):
    found, _ = _extract(parse, settings, text)
    row = [f for f in found if f.name == expected_name]
    assert len(row) == 1 and row[0].status == status


@pytest.mark.parametrize("sentence, status", [
    ("The bloc concluded negotiations on the accord after six years.", "under_negotiation"),
    ("The bloc concluded the accord after six years.", "signed"),
])
def test_agreements_concluding_talks_is_not_signing(sentence, status):
    m = re.search(r"the accord", sentence, re.I)
    assert ag.status_at(sentence, 0, len(sentence), m.start(), m.end()) == status


@pytest.mark.model
@pytest.mark.parametrize("text, parties", [
    ("Ghana and Togo signed a border security agreement brokered by Nigeria.", ("Ghana", "Togo")),
])
def test_agreements_mediators_are_not_parties(parse, settings, text, parties):
    found, _ = _extract(parse, settings, text)
    assert len(found) == 1 and tuple(found[0].parties) == parties


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Peru and Chile signed an ACSA on Monday. Officials from France and Spain attended. "
     "The two governments will now discuss a Reciprocal Access Agreement.",
     {("ACSA", ("Chile", "Peru")), ("RAA", ("Chile", "Peru"))}),
])
def test_agreements_two_governments_means_the_pair_in_focus(parse, settings, text, expected):
    found, _ = _extract(parse, settings, text)
    assert set(_rows(found)) == expected


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Canada signed an ACSA with Chile on Monday. Canada's network of such agreements already includes pacts "
     "with Peru and Brazil.",
     {("ACSA", ("Canada", "Chile")): "signed", ("ACSA", ("Canada", "Peru")): "existing",
      ("ACSA", ("Brazil", "Canada")): "existing"}),
])
def test_agreements_plural_pacts_with_a_list(parse, settings, text, expected):
    found, _ = _extract(parse, settings, text)
    assert {k: f.status for k, f in _rows(found).items()} == expected


def test_agreements_kind_lexicon_is_valid():
    from pipeline.resources import load_jsonl
    rows = load_jsonl("agreement_kinds.jsonl")
    assert {r["type"] for r in rows} == {"kind", "modifier", "exclude", "broad"}
    for r in rows:
        re.compile(r["pattern"])
        if r["type"] == "kind":
            assert r["kind"] in ag.KINDS, r["id"]


@pytest.mark.parametrize("text", [
    "Congress passed a defence budget deal before the holiday.",
    "The former aide accepted a plea deal on Tuesday.",
    "The parties signed a coalition agreement in Berlin.",
])
def test_agreements_domestic_deals_are_not_instruments(text):
    assert [h for h in ag.find_mentions(text) if h.source == "generic"] == []


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "A security pact was mentioned in passing by the speaker.",
])
def test_agreements_generic_without_parties_has_no_row(parse, settings, text):
    found, _ = _extract(parse, settings, text)
    assert found == []


@pytest.mark.model
@pytest.mark.parametrize("text, key, status, n_sentences", [
    ("Lima-Santiago access pact takes effect\nThe Peru-Chile Reciprocal Access Agreement entered into force on Monday.",
     ("RAA", ("Chile", "Peru")), "in_force", 2),
    ("Peru and Chile are holding talks on renewing their Status of Forces Agreement.",
     ("SOFA", ("Chile", "Peru")), "under_negotiation", 1),
    ("Qatar brokered the ceasefire deal between Ghana and Togo on Sunday.",
     ("Ghana-Togo Ceasefire Agreement", ("Ghana", "Togo")), "unspecified", 1),
])
def test_agreements_headlines_gerunds_and_brokers(parse, settings, text, key, status, n_sentences):
    found, _ = _extract(parse, settings, text)
    rows = _rows(found)
    assert list(rows) == [key]
    assert rows[key].status == status and len(rows[key].sentence_ns) == n_sentences
