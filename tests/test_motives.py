"""Motives: cue lexicons, the sentence-level detector, clause spans, agreement and actor links.

Every sentence here is written for these tests; none comes from the dev corpus."""
from __future__ import annotations

import re

import pytest

from pipeline import motives
from pipeline.nlp import sentence_at
from pipeline.records import ActorFinding, AgreementFinding, Mention
from pipeline.resources import load_jsonl

CUE_TYPES = {"purpose", "cause", "need", "threat", "benefit", "resistance", "event"}


# ----------------------------------------------------------------------------- helpers

def agreement(text, sents, name, acronym, surfaces):
    """An AgreementFinding with a mention at every occurrence of each surface form."""
    ag = AgreementFinding(name=name, acronym=acronym)
    for surface in surfaces:
        for m in re.finditer(re.escape(surface), text):
            n = sentence_at(sents, m.start()).n
            ag.mentions.append(Mention(m.start(), m.end(), surface, n))
            if n not in ag.sentence_ns:
                ag.sentence_ns.append(n)
    ag.sentence_ns.sort()
    return ag


def actor(text, sents, name, kind="state", country="", surfaces=()):
    found = ActorFinding(name=name, type=kind, country=country)
    for surface in surfaces or (name,):
        for m in re.finditer(re.escape(surface), text):
            found.mentions.append(Mention(m.start(), m.end(), surface, sentence_at(sents, m.start()).n))
    return found


def run_extract(parse, text, agreements_spec, actors_spec=()):
    doc, sents = parse(text)
    ags = [agreement(text, sents, *spec) for spec in agreements_spec]
    acts = [actor(text, sents, **spec) for spec in actors_spec]
    return sents, motives.extract(doc, sents, ags, acts)


# ----------------------------------------------------------------------------- lexicon

@pytest.mark.parametrize("name", list(motives.CUE_FILES))
def test_motives_cue_rows_have_type_cue_and_valid_scope(name):
    rows = load_jsonl(name)
    assert rows
    for row in rows:
        assert row["type"] in CUE_TYPES, row["id"]
        assert isinstance(row["cue"], str) and row["cue"].strip(), row["id"]
        assert row.get("scope", "both") in motives.SCOPES, row["id"]
        if "dep_pattern" in row:
            names = {node["RIGHT_ID"] for node in row["dep_pattern"]}
            assert row["anchor"] in names, row["id"]
            assert set(row["show"]) <= names, row["id"]


@pytest.mark.parametrize("name", ["cue_rows"])
def test_motives_cue_ids_are_unique_across_files(name):
    ids = [row["id"] for f in motives.CUE_FILES for row in load_jsonl(f)]
    assert len(ids) == len(set(ids)) == len(getattr(motives, name)())


@pytest.mark.parametrize("cue, expected", [
    ("due to", [{"LOWER": "due"}, {"LOWER": "to"}]),
    ("<seek> to", [{"LEMMA": "seek"}, {"LOWER": "to"}]),
    ("<make> * more", [{"LEMMA": "make"}, {"OP": "{0,3}"}, {"LOWER": "more"}]),
    ("<Iran>", [{"LEMMA": {"IN": ["Iran", "iran"]}}]),
    ("One-sided", [{"LOWER": "one"}, {"LOWER": "-"}, {"LOWER": "sided"}]),
])
def test_motives_phrase_pattern_reads_words_lemmas_and_gaps(cue, expected):
    assert motives.phrase_pattern(cue) == expected


@pytest.mark.parametrize("cue", ["*", "* *"])
def test_motives_phrase_pattern_rejects_a_cue_without_words(cue):
    with pytest.raises(ValueError):
        motives.phrase_pattern(cue)


@pytest.mark.model
@pytest.mark.parametrize("vocab_source", ["model"])
def test_motives_every_cue_row_compiles_into_the_matchers(nlp, vocab_source):
    m = motives.matchers(nlp.vocab)
    assert len(m) == len(motives.cue_rows())
    assert len(m.lower) and len(m.lemma) and len(m.tokens) and len(m.deps)


# ----------------------------------------------------------------------------- detection

@pytest.mark.model
@pytest.mark.parametrize("sentence, kind", [
    ("The two navies signed the accord to deter incursions near the strait.", "purpose"),
    ("Ratification stalled because the upper house refused to schedule a vote.", "cause"),
    ("The ministers initialled the pact amid rising tension over the disputed reefs.", "cause"),
    ("The treaty will allow both coast guards to share radar data.", "benefit"),
    ("Fierce opposition in the legislature delayed the accord for a year.", "resistance"),
    ("Officials cited the threat posed by long-range rockets.", "threat"),
    ("Planners stressed the need for faster resupply of fuel between the fleets.", "need"),
])
def test_motives_detect_finds_the_cue_type(nlp, sentence, kind):
    hits = motives.detect(nlp(sentence))
    assert kind in {h.type for h in hits}
    for h in hits:
        assert 0 <= h.start_char < h.end_char <= len(sentence)


@pytest.mark.model
@pytest.mark.parametrize("sentence, causal", [
    ("The march was called off because of heavy rain.", True),
    ("Farmers blocked the highway demanding higher prices for their grain.", True),
    ("The rally ended peacefully and the crowd went home.", False),
    ("The minister is a former teacher from the coastal province.", False),
])
def test_motives_is_causal_labels_sentences(nlp, sentence, causal):
    assert motives.is_causal(nlp(sentence)) is causal


@pytest.mark.model
@pytest.mark.parametrize("text", ["The fleet sailed north. It returned because the storm came early."])
def test_motives_detect_on_a_sentence_stays_inside_it(nlp, text):
    doc = nlp(text)
    first, second = list(doc.sents)
    assert motives.detect(first) == []
    assert {h.cue for h in motives.detect(second)} >= {"because"}
    assert all(h.start_char >= second.start_char for h in motives.detect(second))


# ----------------------------------------------------------------------------- extraction

MPA = ("Marine Patrol Agreement", "MPA", ["Marine Patrol Agreement", "MPA"])


@pytest.mark.model
@pytest.mark.parametrize("text, expected", [
    ("Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n"
     "The pact is designed to curb illegal fishing in the southern ocean.\n",
     "designed to curb illegal fishing in the southern ocean"),
    ("Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday to curb illegal fishing, officials said.\n",
     "to curb illegal fishing"),
    ("Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n"
     "The deal came amid growing alarm over foreign trawlers near the islands.\n",
     "amid growing alarm over foreign trawlers near the islands"),
])
def test_motives_extract_gives_the_motive_clause_with_exact_offsets(parse, text, expected):
    sents, found = run_extract(parse, text, [MPA])
    assert len(found) == 1
    m = found[0]
    assert expected in m.text
    assert "officials said" not in m.text
    assert text[m.start:m.end] == m.text
    s = sents[m.sentence_n]
    assert s.start <= m.start < m.end <= s.end
    assert m.agreement == "MPA" and m.cue


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n"
    "After the ceremony, the delegates had lunch by the harbour.\n",
    "Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n"
    "The two delegations then toured the old fish market.\n"
    "The ministers later met the press in the town hall.\n"
    "A brass band played in the square all afternoon.\n"
    "Several shops stayed open late for visitors.\n"
    "The village fair was cancelled because of heavy rain.\n",
])
def test_motives_extract_ignores_chronology_and_unrelated_causes(parse, text):
    _sents, found = run_extract(parse, text, [MPA])
    assert found == []


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Patrol pact aimed at curbing illegal fishing signed by Norway and Chile\n"
    "Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n",
])
def test_motives_extract_skips_the_headline(parse, text):
    _sents, found = run_extract(parse, text, [MPA])
    assert all(m.sentence_n != 0 for m in found)


@pytest.mark.model
@pytest.mark.parametrize("text, expected_agreement", [
    # same sentence: the nearest of two agreements named there
    ("Chile has a Fisheries Data Pact with Peru and signed the Marine Patrol Agreement (MPA) with Norway "
     "on Monday to deter illegal trawling.\n", "MPA"),
    # nearest preceding mention in the paragraph
    ("Chile keeps its Fisheries Data Pact with Peru. Norway and Chile then signed the MPA. "
     "The aim is to deter illegal trawling in the south.\n", "MPA"),
    # else the article's main agreement
    ("The MPA was signed on Monday. Officials praised the MPA.\n"
     "Chile also keeps a Fisheries Data Pact with Peru.\n"
     "The aim is to deter illegal trawling in the south.\n", "MPA"),
])
def test_motives_extract_links_the_agreement(parse, text, expected_agreement):
    other = ("Fisheries Data Pact", "", ["Fisheries Data Pact"])
    _sents, found = run_extract(parse, text, [other, MPA])
    assert found and found[-1].agreement == expected_agreement


@pytest.mark.model
@pytest.mark.parametrize("text, actors_spec, expected_actor", [
    ("Norway regards the MPA as essential to protect its fisheries.\n",
     [{"name": "Norway"}], "Norway"),
    ("Chile's fisheries minister said the MPA would allow the navy to board suspect vessels.\n",
     [{"name": "Chile"}], "Chile"),
    ("Admiral Rosa Vidal said the MPA would allow the navy to board suspect vessels.\n",
     [{"name": "Rosa Vidal", "kind": "person", "country": "Chile", "surfaces": ["Admiral Rosa Vidal"]}], "Chile"),
    ("The MPA will allow the navy to board suspect vessels.\n", [{"name": "Norway"}], ""),
])
def test_motives_extract_links_the_holder(parse, text, actors_spec, expected_actor):
    _sents, found = run_extract(parse, text, [MPA], actors_spec)
    assert len(found) == 1 and found[0].actor == expected_actor


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Norway and Chile signed the Marine Patrol Agreement (MPA) on Monday.\n"
    "The MPA is not expected to end the dispute over the northern banks.\n",
])
def test_motives_extract_drops_a_denied_purpose(parse, text):
    _sents, found = run_extract(parse, text, [MPA])
    assert found == []


@pytest.mark.model
@pytest.mark.parametrize("text", ["Chile's navy said the MPA would allow it to board suspect vessels.\n"])
def test_motives_extract_survives_two_actors_named_at_the_same_place(parse, text):
    twins = [{"name": "Chile"}, {"name": "Chilean Navy", "kind": "organization", "surfaces": ["Chile's navy"]}]
    _sents, found = run_extract(parse, text, [MPA], twins)
    assert len(found) == 1 and found[0].actor in {"Chile", "Chilean Navy"}


@pytest.mark.parametrize("texts, kept", [
    # a standfirst restating a longer body sentence goes; the body sentence stays
    (["Deal keeps a campaign pledge", "The deal keeps a campaign pledge and calms markets"], [1]),
    # the same statement twice: the first copy stays
    (["The pact eases port visits", "The pact eases port visits"], [0]),
    # different statements both stay
    (["The pact eases port visits", "The treaty deters raids"], [0, 1]),
    # words, not letters: "pact" does not recur inside "impact"
    (["pact eases port visits", "The impact eases port visits for all"], [0, 1]),
])
def test_motives_drop_repeats_keeps_one_copy_of_a_repeated_statement(texts, kept):
    from pipeline.records import MotiveFinding
    found = [MotiveFinding(n, 0, len(t), t) for n, t in enumerate(texts)]
    assert [m.sentence_n for m in motives.drop_repeats(found)] == kept
