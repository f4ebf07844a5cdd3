"""Status calls of issue 15 item 3 read from the parse (stop 22, status22): an agreement whose own event is
the main predicate of a sentence is no mention in passing. Sentences written for these tests (not taken from
the corpus); the fictional 'Harbour Accord' (HA) between Chile and Peru and the 'River Basin Treaty' (RBT)
stand for any instrument."""
from __future__ import annotations

import pytest

from pipeline.extract import actors, dates
from pipeline.extract import agreements as ag

_LEAD = ("Chile and Peru signed the Harbour Accord (HA) on Monday. The HA sets port fees. "
         "Ministers praised the HA in Lima. Trade groups welcomed it. Shippers hope for lower costs. ")


def _row(parse, settings, text: str, name: str):
    doc, sents = parse(text)
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings)
    rows = [f for f in found if name in (f.acronym, f.name)]
    assert len(rows) == 1, [(f.acronym, f.name) for f in found]
    return rows[0]


@pytest.mark.model
@pytest.mark.parametrize("sentence, status", [
    # the treaty's own entry into force, told as the main predicate, after the lead: in force
    ("The River Basin Treaty (RBT) between Chile and Bolivia, signed in March, entered into force in "
     "October after both parliaments ratified it.", "in_force"),
    # ... but a standing state told once is how an agreement met in passing is dated: existing
    ("The River Basin Treaty (RBT) with Bolivia has been in force since 2016 and gives Chilean barges "
     "access to the lake.", "existing"),
    ("The River Basin Treaty (RBT) between Chile and Bolivia was signed in 2015 and took effect in 2016.", "in_force"),
    # met in passing: a relative clause, an adverbial clause, an indefinite subject
    ("The Harbour Accord follows the River Basin Treaty (RBT) between Chile and Bolivia, which took "
     "effect in 2019.", "existing"),
    ("Barge traffic doubled after the River Basin Treaty (RBT) between Chile and Bolivia took effect in "
     "2019.", "existing"),
    ("Chile also has a River Basin Treaty (RBT) with Bolivia, in force since 2016, which the HA builds on.",
     "existing"),
])
def test_status_an_event_told_of_the_agreement_itself_is_not_in_passing(parse, settings, sentence, status):
    assert _row(parse, settings, _LEAD + sentence, "RBT").status == status


@pytest.mark.model
def test_told_of_needs_the_mention_as_subject_of_the_main_clause(parse):
    doc, _ = parse("Officials said the River Basin Treaty entered into force in May, which pleased the "
                   "farmers whose pact took effect in June.")
    text = doc.text
    span = doc.char_span(text.index("River"), text.index(" entered"))
    cs = text.index("entered")
    assert ag.status.told_of(span, cs, cs + len("entered into force"))
    cs = text.index("took effect")
    assert not ag.status.told_of(span, cs, cs + len("took effect"))


@pytest.mark.model
@pytest.mark.parametrize("text, name, status", [
    # a multiword cue's own object ('took effect') is not what the event happens to
    ("The River Basin Treaty (RBT) between Chile and Bolivia was signed in 2015 and took effect in 2016.",
     "RBT", "in_force"),
    # an instrument written with its year and no status of its own exists
    ("Fishing boats have used the bay since a 1998 fisheries agreement between Chile and Peru.",
     "Chile-Peru Fisheries Agreement", "existing"),
    ("Chile and Peru still ship grain under a 2011 memorandum of understanding.",
     "Chile-Peru Memorandum of Understanding", "existing"),
    # a withdrawal reported with 'would' under a participle of reporting: announced
    ("The ministry issued a note on Monday announcing that Peru would withdraw from the Harbour Accord.",
     "Harbour Accord", "terminated"),
    # ... but not one that is only weighed
    ("Lima is considering whether Peru would withdraw from the Harbour Accord.", "Harbour Accord", "existing"),
    # two coordinated verbs share one object: the signing counts, the negated ratification does not
    ("Lima signed but never ratified the Harbour Accord, officials said.", "Harbour Accord", "signed"),
    # a plan or an instrument floated is proposed
    ("In March a Chilean envoy floated a bilateral fisheries arrangement under which the two navies would "
     "share data.", "Bilateral Fisheries Arrangement", "proposed"),
    ("A plan floated in 2023 for a trilateral logistics arrangement with Chile and Bolivia has gone nowhere.",
     "Trilateral Logistics Arrangement", "proposed"),
    # a mention inside the agreement's own relative clause does not end its window
    ("The Harbour Accord with Chile, which gives Peruvian boats a right to fish in the bay in exchange for a say "
     "over Peru's port deals, has been in force since August 2024. Fishermen like the Harbour Accord.",
     "Harbour Accord", "in_force"),
    # ... one inside an apposition does: its clause's cues are the other instrument's
    ("The Harbour Accord, the 1985 framework under which the Bay Protocol sits, remains the only treaty ratified "
     "by every coastal state.", "Harbour Accord", "existing"),
    # an agreement that stops applying (announced, or done) is terminated
    ("The Harbour Accord between Chile and Peru, signed in 2005 and in force since 2007, will stop applying "
     "twelve months after Lima received the note.", "Harbour Accord", "terminated"),
    ("Chile gave notice in July, and the Harbour Accord ceased to apply from January 2024.", "Harbour Accord",
     "terminated"),
    # a past clause of time is a fact, whatever frames the clause above it ('called it' names, it does not urge)
    ("When Chile signed a memorandum of understanding with Peru in July 2023, officials called it a template.",
     "Chile-Peru Memorandum of Understanding", "signed"),
    ("Peru called on Chile to sign the Harbour Accord.", "Harbour Accord", "proposed"),
    # another noun's entry into force is not the agreement's; a party inside the cue stays one
    ("The tariffs took effect in June, weeks after Chile and Peru signed the Harbour Accord.", "Harbour Accord",
     "signed"),
    # the month May is no modal; the modal 'may' is
    ("The tariffs took effect in May, weeks after Chile and Peru signed the Harbour Accord.", "Harbour Accord",
     "signed"),
    ("Chile said Peru may soon sign the Harbour Accord.", "Harbour Accord", "proposed"),
    # a mention with a cue after it in the agreement's relative clause still ends its window
    ("The Harbour Accord with Chile, which replaced the Bay Treaty that Peru quit in 2019, is popular with "
     "fishermen.", "Harbour Accord", "existing"),
])
def test_status_calls_read_from_the_parse(parse, settings, text, name, status):
    assert _row(parse, settings, text, name).status == status


@pytest.mark.model
def test_a_dated_instrument_with_a_status_keeps_it(parse, settings):
    text = "Chile and Peru signed a 2011 memorandum of understanding in Lima."
    assert _row(parse, settings, text, "Chile-Peru Memorandum of Understanding").status == "signed"
