"""Agreement status read from the clause that governs the mention (issue 15 item 3): legislatures'
approval, accession, scheduled entry into force, conditions and requirements, talks about an
agreement, withdrawals that are threats or options. Sentences written for these tests (not taken
from the corpus); the fictional 'Harbour Accord' between Chile and Peru stands for any instrument."""
from __future__ import annotations

import re

import pytest

from pipeline.extract import actors, dates
from pipeline.extract import agreements as ag
from pipeline.extract.agreements import lexicon


def _status(parse, settings, text: str, acronym: str = "HA") -> tuple[str, str]:
    doc, sents = parse(text)
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings)
    rows = [f for f in found if (f.acronym or f.name) == acronym]
    assert len(rows) == 1, [(f.acronym, f.name) for f in found]
    return rows[0].status, rows[0].status_cue


HA = "the Harbour Accord (HA)"


# ---------------------------------------------------------------- cue data (no model)

def test_first_chars_reads_the_characters_a_cue_can_start_with():
    assert lexicon.first_chars(r"\b(?:Sign|ink)(?:s|ed)?\b") == {"s", "i"}
    assert lexicon.first_chars(r"(?<!not )\b[a-c]x") == {"a", "b", "c"}
    assert lexicon.first_chars(r"(?:walk(?:ed)?|quit)+ out") == {"w", "q"}
    # unknown: a class, a repeat that may be empty, an empty branch, the empty pattern, a non-letter
    for pattern in (r"\w+ed", r"x?y", r"(?:a|)b", r"", r"-?signed", r"(?P<x>a"):
        assert lexicon.first_chars(pattern) is None, pattern


def test_status_cue_rows_skipped_by_their_first_character_still_match_in_any_case():
    # a window whose cue starts in upper case, and one with a non-ASCII start, read as before
    assert ag.status_cue_read("The pact was Signed on Monday.", 0, 30)[0] == "signed"
    assert ag.status_cue_read("They SIGNED it.", 0, 15)[0] == "signed"
    text = "The ſigned pact; the pact was ratified."
    assert ag.status_cue_read(text, 0, len(text))[0] == ag.status_cue_read(text, 17, len(text))[0] == "ratified"
    assert all(row[5] is None or row[5] <= set("abcdefghijklmnopqrstuvwxyz0123456789")
               for row in lexicon.status_cue_rows())


def test_status_new_cue_ids_are_unique_and_listed():
    ids = lexicon.status_cue_ids()
    assert len(ids) == len(set(ids))
    assert {"SC029", "SC030", "SC031", "SC033"} <= set(ids)


@pytest.mark.parametrize("sentence, status", [
    ("The senate consented to the accord in May.", "ratified"),
    ("Congress approves the accord.", "ratified"),
    ("The president threatens to quit the accord.", "unspecified"),
    ("Peru is weighing the accord.", "proposed"),
    ("Peru is exploring the possibility of an accord.", "proposed"),
    ("The accord takes effect next week.", "in_force"),
])
def test_status_cue_words_without_a_parse(sentence, status):
    m = re.search(r"\b(?:the|an) accord", sentence, re.IGNORECASE)
    assert ag.status_at(sentence, 0, len(sentence), m.start(), m.end()) == status


# ---------------------------------------------------------------- through the parse (model)

@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a legislature's approval completes a party's procedure
    (f"Chile and Peru signed {HA} in May. The Peruvian senate consented to the accord in June.", "ratified"),
    (f"Chile and Peru signed {HA} in May. Lawmakers in Lima passed the accord by a wide margin.", "ratified"),
    (f"Chile and Peru signed {HA} in May. The successful vote for the accord in the Peruvian parliament came "
     + "a week later.", "ratified"),
    (f"Chile and Peru signed {HA} in May. With its domestic procedures now completed, the accord can apply.",
     "ratified"),
    # joining / acceding: the treaty applies to the new party
    (f"Bolivia acceded to {HA} in 2001.", "in_force"),
    (f"Bolivia joined {HA} last year.", "in_force"),
    (f"Bolivia has become a party to {HA}.", "in_force"),
    (f"Bolivia hopes to join {HA}.", "proposed"),
    # joining the talks is not joining the agreement
    (f"Bolivia joined the talks on {HA} between Chile and Peru.", "under_negotiation"),
])
def test_status_legislatures_and_accession(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a dated entry into force is set once the procedures are done (GOLD.md)
    (f"Chile and Peru say {HA} will enter into force on 1 March.", "ratified"),
    (f"Chile and Peru say {HA} will take effect in January.", "ratified"),
    # an undated or conditional one is still ahead
    (f"Chile and Peru say {HA} will enter into force once both parliaments ratify it.", "under_negotiation"),
    # a requirement is not the event
    (f"Chile and Peru agreed on {HA} in May. It will apply three months after both countries have ratified it.",
     "signed"),
    (f"Chile and Peru signed {HA}, which must still be approved by parliament before it can apply.", "signed"),
])
def test_status_future_and_requirements(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # the talks about the agreement, not the agreement, began and were halted
    (f"Negotiations on {HA} between Chile and Peru began in 2018 and were suspended last year.", "suspended"),
    (f"In 2019, talks on {HA} between Chile and Peru started.", "under_negotiation"),
    (f"Chile and Peru launched a new round of talks on {HA}.", "under_negotiation"),
    # launching an instrument establishes it
    ("Chile and Peru launched the Harbour Partnership in 2021.", "signed"),
])
def test_status_talks_about_an_agreement(parse, settings, text, status):
    acronym = "HA" if "(HA)" in text else "Harbour Partnership"
    assert _status(parse, settings, text, acronym)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # no withdrawal asserted: the named accord just exists
    (f"Peru threatens to quit {HA} with Chile.", "existing"),
    (f"Peru is considering withdrawing from {HA} with Chile.", "existing"),
    (f"Peru did not withdraw from {HA} with Chile.", "existing"),
    (f"Peru will withdraw from {HA} with Chile in six months.", "terminated"),
    (f"Peru declared {HA} with Chile void and announced its end.", "terminated"),
    (f"Peru gave notice of withdrawal from {HA} with Chile.", "terminated"),
    (f"Peru suspends its participation in {HA} with Chile.", "suspended"),
])
def test_status_withdrawals_announced_or_threatened(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    (f"Chile is weighing {HA} with Peru.", "proposed"),
    (f"Chile could sign {HA} with Peru next year.", "proposed"),
    (f"Chile and Peru will need to sign {HA} before the end of the year.", "proposed"),
    (f"Leaders at the summit are set to sign {HA} between Chile and Peru on Friday.", "under_negotiation"),
])
def test_status_options_and_prospects(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
def test_status_cue_names_the_new_cue_row(parse, settings):
    status, cue = _status(parse, settings, f"Bolivia acceded to {HA} in 2001.")
    assert status == "in_force" and cue.startswith("SC029:")


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a cause that leaves the pact in a state is not a party leaving it
    (f"Chile suspended {HA} with Peru in May. The border clashes had left the accord a dead letter.", "suspended"),
    (f"Peru left {HA} with Chile in 2019.", "terminated"),
    # a nominal cue whose object is another instrument belongs to that one
    (f"The ministers praised {HA} and the early signing of a code of conduct for the strait.", "existing"),
])
def test_status_cue_of_another_event(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    (f"Peru formally exited {HA} with Chile in January.", "terminated"),
    (f"{HA} between Chile and Peru has been provisionally applied since May.", "in_force"),
])
def test_status_exits_and_provisional_application(parse, settings, text, status):
    assert _status(parse, settings, text[0].upper() + text[1:])[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a ratification ahead is no ratification: the signed accord stays signed
    (f"Chile and Peru signed {HA} in May. Ratification of the accord is expected later this year.", "signed"),
    (f"Chile and Peru signed {HA} in May. The accord now goes to the Peruvian senate for ratification.", "signed"),
    (f"Chile and Peru signed {HA} in May. The ratification process for the accord could take a year.", "signed"),
    # one told as done counts
    (f"Chile and Peru signed {HA} in May. After its ratification by both parliaments, the accord was published.",
     "ratified"),
    (f"Chile and Peru signed {HA} in May. Peru completed the ratification of the accord in June.", "ratified"),
])
def test_status_ratification_nouns(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, name, status", [
    ("Chile and Peru upgraded their ties to a Comprehensive Strategic Partnership on Sunday.",
     "Comprehensive Strategic Partnership", "signed"),
    ("The truce between Chile and Peru, which started on Friday, has largely held.", "Chile-Peru Ceasefire Agreement",
     "in_force"),
])
def test_status_upgrading_ties_and_holding(parse, settings, text, name, status):
    assert _status(parse, settings, text, name)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # what was approved is the plan; the accord lies in the clause under it
    (f"Leaders of Chile and Peru approved a plan to negotiate {HA}.", "under_negotiation"),
    # no clause between: the cue is the accord's
    (f"Chile and Peru signed the final text of {HA}.", "signed"),
])
def test_status_cue_on_a_plan_about_the_agreement(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # talks offered or wished for are not talks under way
    (f"The minister said she is willing to work with Peru to either revise the old pact or to negotiate {HA}.",
     "proposed"),
    (f"Chile wants to negotiate {HA} with Peru.", "proposed"),
    (f"Chile and Peru are negotiating {HA}.", "under_negotiation"),
])
def test_status_talks_offered_or_under_way(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # headlines: 'to' + verb is ahead, the present is done; an announced exit counts (GOLD.md)
    ("Chile to sign Harbour Accord with Peru", "under_negotiation"),
    ("Chile, Peru sign Harbour Accord", "signed"),
    ("Peru quits Harbour Accord with Chile", "terminated"),
    ("Peru to quit Harbour Accord with Chile", "terminated"),
    ("Chile and Peru mull Harbour Accord", "proposed"),
])
def test_status_headlines(parse, settings, text, status):
    assert _status(parse, settings, text, "Harbour Accord")[0] == status


# ---------------------------------------------------------------- an agreement in force met in passing

_LEAD = ("Chile and Peru signed the Harbour Accord (HA) on Monday. The HA sets port fees. "
         "Ministers praised the HA in Lima. Trade groups welcomed it. Shippers hope for lower costs. ")


@pytest.mark.model
def test_status_an_agreement_in_force_first_met_after_the_lead_exists(parse, settings):
    text = _LEAD + "The Harbour Accord follows the River Basin Treaty (RBT) between Chile and Bolivia, which took effect in 2019."
    assert _status(parse, settings, text, "RBT") == ("existing", "agreements:in_passing")


@pytest.mark.model
def test_status_an_agreement_in_force_in_the_lead_stays_in_force(parse, settings):
    text = "The River Basin Treaty (RBT) between Chile and Bolivia took effect on Monday. " + _LEAD
    assert _status(parse, settings, text, "RBT")[0] == "in_force"


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a requirement still to be met is no event that happened
    (f"Chile and Peru signed {HA} in May. The accord still has to be ratified by the Peruvian senate.", "signed"),
    # a relative clause on another instrument tells that one's status
    (f"Chile and Peru signed {HA} in May. The HA follows the River Basin Treaty (RBT) between Chile and Bolivia, "
     + "which took effect last year.", "signed"),
])
def test_status_requirements_and_other_instruments_clauses(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
def test_status_a_relative_clause_whose_verb_governs_the_agreement_counts(parse, settings):
    text = f"Talks on a port deal stalled under the old cabinet, which instead signed {HA} with Peru in 2022."
    assert _status(parse, settings, text)[0] == "signed"


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a word above the cue says the event did not happen (frame_not_done): the cue counts for nothing
    (f"Chile signed {HA} in 2019. Its ministers stopped short of announcing a withdrawal from the HA.", "signed"),
    (f"Chile signed {HA} in 2019. Peru refused to ratify the HA.", "signed"),
    # or puts it off (frame_postponed): still under negotiation
    (f"Peru postponed the signing of {HA} in March.", "under_negotiation"),
    (f"Peru delayed the ratification of {HA} until the autumn.", "under_negotiation"),
])
def test_status_events_that_did_not_happen_or_were_put_off(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # the mention's own relative clause in the past tells its event, whatever frames the clause above it
    (f"Both ministers argue that any new pipeline needs the consent of both states, citing {HA} that Chile "
     "and Peru signed in 2018.", "signed"),
    # not when the relative clause itself is modal
    (f"Peru wants {HA} that Chile would sign next year.", "proposed"),
])
def test_status_the_mentions_own_relative_clause_tells_its_event(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # an agreement cited as the standing frame of something else, its signing told only in its own
    # participle or relative clause, exists (mentioned in passing)
    (f"The 2009 {HA}, signed by Chile and Peru, remains the only framework for the port.", "existing"),
    (f"Peru is already party to {HA} signed in 2015 with Chile.", "existing"),
    # 'remains' with no noun or 'in' phrase after it is no such frame
    (f"{HA[0].upper()}{HA[1:]}, signed by Chile and Peru in May, remains unratified.", "signed"),
    # a signing told in a clause of its own wins over the background mention
    (f"Chile and Peru signed {HA} in 2019. The HA, signed in Lima, remains the basis of their port cooperation.",
     "signed"),
])
def test_status_an_agreement_cited_as_background_exists(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
def test_status_a_state_joining_a_treaty_first_met_after_the_lead_is_in_force(parse, settings):
    # joining is an event the article reports, not a mention in passing (GOLD.md: accession -> in_force);
    # the in-passing rule still holds for a treaty that only took effect (test above)
    text = _LEAD + "Last month Bolivia formally joined the River Basin Treaty (RBT), a largely symbolic step."
    assert _status(parse, settings, text, "RBT")[0] == "in_force"


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a reported 'would' under a reporting verb is the reported form of 'will': an announced suspension
    # or withdrawal counts (GOLD.md)
    (f"Peru's government said on Monday that it would suspend {HA} with Chile.", "suspended"),
    (f"Peru's government announced that it would withdraw from {HA} with Chile.", "terminated"),
    # holding an agreement in abeyance suspends it
    (f"Chile and Peru signed {HA} in 2019. Peru holds the accord in abeyance since March.", "suspended"),
    # not a threat, a condition, a negation, or a 'would' that is no announcement of the speaker's own act
    (f"Peru threatened to suspend {HA} with Chile.", "existing"),
    (f"Peru said it would suspend {HA} with Chile if the tariffs stay.", "existing"),
    (f"Peru said it would not withdraw from {HA} with Chile.", "existing"),
    (f"Analysts said Peru would be wise to suspend {HA} with Chile.", "existing"),
])
def test_status_an_announced_suspension_in_reported_speech(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # modal and negative words of a relative or appositive clause the cue verb is not part of do not
    # bear on the cue
    ("The Harbour Accord (HA) that Chile and Peru signed last year, which would let ships dock without "
     "case-by-case approvals, was ratified by the Peruvian Senate in December.", "ratified"),
    ("The Harbour Accord (HA), which Chile wants to revise, was ratified by the Peruvian Senate in December.",
     "ratified"),
    ("Chile and Peru signed the Harbour Accord (HA) last year. The Peruvian Senate, which must approve every "
     "treaty, ratified the HA in December.", "ratified"),
    # the cue verb's own modal or negation still does
    ("The Harbour Accord (HA) that Chile and Peru signed last year could be ratified by the Peruvian Senate "
     "in December.", "signed"),
    ("The Harbour Accord (HA) that Chile and Peru signed last year was not ratified by the Peruvian Senate "
     "in December.", "signed"),
])
def test_status_modality_of_another_clause_does_not_bear_on_the_cue(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


_LATE = "Chile and Peru run a fisheries programme. Prices fell. Tariffs dropped. Boats sailed. Ports grew. "


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a state asserted as the main predicate of the agreement, even one first met late: in force
    (f"{_LATE}The Harbour Accord (HA) between Chile and Peru, signed in 2001, remains in effect.", "in_force"),
    (f"Chile and Peru signed {HA} in 2005. Trade grew. Prices fell. Ports grew. Boats sailed. "
     "That accord still remains in force.", "in_force"),
    # the same state told in a relative clause or of an indefinite subject: met in passing
    (f"Chile and Peru fish under {HA}, which remains in force.", "existing"),
    ("Peru has signed a tariff deal with Bolivia, and a Harbour Accord (HA) with Chile remains in force.", "existing"),
])
def test_status_standing_asserted_as_predicate(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
def test_status_definite_reference_in_a_coordinated_clause(parse, settings):
    # 'X signed a memorandum ..., and that memorandum still remains in effect': the second clause speaks
    # of the instrument of the first
    doc, sents = parse("Chile signed a memorandum of understanding with Peru on fisheries in 2015, and that "
                       "memorandum still remains in effect.")
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings)
    assert [f.status for f in found] == ["in_force"]
    # a bare definite word only: 'the old treaty' is another instrument
    status, _cue = _status(parse, settings, f"Chile and Peru signed {HA} in 2005, and the old treaty remains in force.")
    assert status == "signed"


@pytest.mark.model
@pytest.mark.parametrize("text, status", [
    # a breach presupposes the agreement, it tells no event: met once, it exists ...
    ("Chile and Peru trade fish. On Monday Chile imposed tariffs, citing violations of the 2015 Harbour Accord "
     "(HA) by Peru.", "existing"),
    # ... and the agreement the article follows (two sentences or more) is in force
    (f"Chile and Peru trade fish under {HA}. Chile has accused Peru of violating the accord.", "in_force"),
])
def test_status_breach_is_a_standing_state(parse, settings, text, status):
    assert _status(parse, settings, text)[0] == status


@pytest.mark.model
def test_status_headline_clause_with_its_own_subject_and_object(parse, settings):
    # 'revives' has a subject and an object of its own: another event, not a restoration of the accord
    doc, sents = parse("Chile-Peru peace accord on hold as storm revives border tensions. Chile signed a peace accord "
                       "with Peru in 2019. Chile suspended the accord in May.")
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings)
    assert [f.status for f in found] == ["suspended"]


# ---------------------------------------------------------------- status told by a later subject that refers back (linking.py)

def _row(parse, settings, text: str, name: str):
    doc, sents = parse(text)
    found = ag.extract(doc, sents, actors.extract(doc, sents), dates.extract(doc, sents, ""), settings)
    rows = [f for f in found if name in (f.acronym, f.name)]
    assert len(rows) == 1, [(f.acronym, f.name) for f in found]
    return rows[0]


@pytest.mark.model
def test_linked_pronoun_subject_of_the_next_sentence_tells_the_status(parse, settings):
    text = ("Chile and Peru signed the Harbour Accord (HA) on Monday in Lima. The HA lets the fishing fleets of "
            "both countries share the southern bay. It took effect on signing and runs for five years.")
    row = _row(parse, settings, text, "HA")
    assert row.status == "in_force" and "took effect" in row.status_cue and "agreements:linked_subject" in row.why
    assert 2 not in row.sentence_ns        # the linked sentence is evidence of the event, not a row sentence


@pytest.mark.model
def test_linked_pronoun_whose_antecedent_is_a_state_links_nothing(parse, settings):
    text = ("Chile and Peru signed the Harbour Accord (HA) on Monday in Lima. Peru said the fishing season would "
            "open soon. It took effect on signing, officials said.")
    assert _status(parse, settings, text)[0] == "signed"


@pytest.mark.model
def test_linked_definite_noun_subject_tells_the_status_and_its_date(parse, settings):
    text = ("Chile and Bolivia met in La Paz on Monday to discuss river trade. Officials spoke about tariffs and "
            "rail links. The ministers also reviewed a border crossing. In 2019 Chile and Bolivia signed a "
            "memorandum of understanding on river navigation. That navigation memorandum expired in March 2023, "
            "and talks on a new one have not started.")
    row = _row(parse, settings, text, "Memorandum of Understanding on River Navigation")
    assert (row.status, row.status_date) == ("terminated", "2023-03")


@pytest.mark.model
def test_linked_document_word_must_fit_the_row(parse, settings):
    # 'that memorandum' cannot stand for an accord
    text = ("Chile and Bolivia met in La Paz on Monday to discuss river trade. Officials spoke about tariffs and "
            "rail links. The ministers also reviewed a border crossing. In 2019 Chile and Bolivia signed the "
            "River Accord (RA). That memorandum with Argentina expired in March 2023.")
    assert _status(parse, settings, text, "RA")[0] == "signed"


@pytest.mark.model
def test_linked_status_is_not_one_met_in_passing(parse, settings):
    text = ("Chile and Peru signed the Harbour Accord (HA) on Monday in Lima. Officials said the fleets would "
            "share the bay. The two navies will hold a drill in June. Fishermen welcomed the news. Prices of fish "
            "fell on Tuesday. Chile signed the Andes Freight Convention with Bolivia in 2020. That freight "
            "convention has been in force since January 2021, officials said.")
    row = _row(parse, settings, text, "Andes Freight Convention")
    assert (row.status, row.status_date) == ("in_force", "2021-01")


@pytest.mark.model
def test_linked_clause_reads_only_its_own_predicate(parse, settings):
    # the cue of a phrase of the object ('which lapsed') is that other instrument's event
    text = ("Chile and Peru signed the Harbour Accord (HA) on Monday in Lima. The HA was drafted by officials of "
            "both navies. It replaced the old Bay Arrangement, which lapsed in 2012, with a wider text.")
    assert _status(parse, settings, text)[0] == "signed"


# ---------------------------------------------------------------- a background signing told right after the mention

_MOU = "Memorandum of Understanding on Joint Customs Clearance"


@pytest.mark.model
def test_background_signing_in_a_relative_clause_right_after_the_mention_exists(parse, settings):
    # the parse hangs 'that ... signed' on a noun inside the mention, not on 'memorandum'
    text = ("Chile and Peru opened a shared customs post on Monday. The post builds on a memorandum of "
            "understanding on joint customs clearance that the two revenue agencies signed in March 2021, which "
            "allowed traders to file one declaration for the first time.")
    row = _row(parse, settings, text, _MOU)
    assert row.status == "existing"
    assert row.parties == ["Chile", "Peru"]      # a signing told: two sides, as a signed one


@pytest.mark.model
def test_foreground_signing_in_a_relative_clause_stays_signed(parse, settings):
    text = ("Chile and Peru opened a shared customs post on Monday. The memorandum of understanding on joint "
            "customs clearance that the two revenue agencies signed in March 2021 cuts waiting times at the border.")
    row = _row(parse, settings, text, _MOU)
    assert (row.status, row.status_date) == ("signed", "2021-03")


# ---------------------------------------------------------------- stop 22 (status22): calls read from the parse
# an agreement whose own event is the main predicate of a sentence is no mention in passing; coordinated verbs,
# reported withdrawals, dated instruments, floated plans, relative clauses, past time clauses, the month May

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
