"""Linking: status evidence told in a later sentence whose subject refers back to a row without naming it
('It took effect on signing.', 'That termination agreement has been in force since 2020.', 'The memorandum
with the UN lapsed at the same time.'). The mention finder does not see these subjects (a bare pronoun, or a
definite instrument noun with words the anaphor pattern does not list), so the row never reads them.

The resolver (simple and general, no learned part):
  * 'it' as the subject of a clause stands for the agreement that is the subject of the previous clause: the
    main-clause subject of the sentence before (or of an earlier clause of the same sentence), when that
    subject is a mention of exactly one row (or an 'it' already linked to one). Any other antecedent (a state,
    a bank, a plan) links nothing.
  * a definite instrument noun as subject ('the / that / this' + common-noun modifiers + an instrument word
    of agreement_words.jsonl's instrument_words; no proper noun) stands for the nearest preceding
    mention, at most LINK_REACH sentences back, of a compatible row: the same head word when the head is a
    document word of name_heads ('the memorandum' -> a memorandum row), and no party named in the noun
    phrase ('with the UN') outside the row's parties. A modifier of link_contrast_modifiers ('the old treaty',
    'the other pact') sets the noun apart from the row just mentioned, and an 'of / for / on' phrase after the
    noun ('the convention for the talks') makes it another thing: neither is linked.
The clause the subject governs is read with the status cues (status.status_cue_read, the same modality and
dependency path as any mention); a status read there is lent to the row (its sentence is evidence of the
event, not one of the row's sentence_ids: instances._attach, 'lent'). The row's status is then the most
advanced one over its own mentions and its linked sentences (STATUS_RANK: GOLD.md, 'the most advanced status
the article asserts'), and its status_date is the date tied to the cue that gave it (findings._tied_date reads
the lent mentions too).

adjacent_clause (read by status.cue_reading): a past relative or participle clause right after a mention is the
mention's own clause whatever noun the parse hangs it on."""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pipeline.extract.agreements.instances import _attach, _Instance
from pipeline.extract.agreements.mentions import _Hit, _name_head
from pipeline.extract.agreements.parties import _PartyIndex
from pipeline.extract.agreements.status import AUX_PENDING, AUX_PROPOSED, status_cue_read
from pipeline.extract.agreements.windows import clause_window, governing_verbs
from pipeline.extract.nlp import sentence_at
from pipeline.records import Sentence
from pipeline.resources import word_list

# How far back (sentences) a definite instrument noun looks for the row it stands for
LINK_REACH = 2

INSTRUMENT_NOUNS = frozenset(w for w in word_list("agreement_words.jsonl", "instrument_words")
                             if w not in ("it", "which", "that", "this", "they", "them"))
DOCUMENT_HEADS = word_list("agreement_words.jsonl", "name_heads")
CONTRAST = word_list("agreement_words.jsonl", "link_contrast_modifiers")
SUBJECTS = ("nsubj", "nsubjpass")


def link_subject_references(doc: Doc, sents: list[Sentence], instances: list[_Instance], text: str,
                            idx: _PartyIndex) -> None:
    """Read the status told by clauses whose subject refers back to a row (see the module's docstring) and
    lend it to that row. A subject inside a mention of a row is read already; one inside a mention that made
    no row of its own ('that termination agreement' dropped for want of parties) is linked like any other."""
    if not instances:
        return
    owner: dict[int, int] = {}      # token index -> row index, for every token of a row's mention
    spans = [(h.start, h.end, k) for k, inst in enumerate(instances) for h, _n in [*inst.hits, *inst.lent]]
    for s, e, k in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        for t in span or ():
            owner.setdefault(t.i, k)
    first_at = min(s for s, _e, _k in spans)
    for tok in doc:
        if tok.dep_ not in SUBJECTS or tok.idx <= first_at or tok.head.pos_ not in ("VERB", "AUX"):
            continue
        if tok.i in owner:
            continue
        if tok.lower_ == "it":
            k = _pronoun_antecedent(tok, owner)
            lo = tok.i
        elif _definite_instrument(tok):
            lo = tok.left_edge.i
            k = _nearest_compatible(tok, lo, doc, sents, instances, spans, idx)
        else:
            continue
        if k is None:
            continue
        owner[tok.i] = k
        _read_and_lend(doc, tok, lo, sents, instances[k], text)


def _pronoun_antecedent(tok: Token, owner: dict[int, int]) -> int | None:
    """The row whose mention is the subject of the clause before the pronoun's (see the module)."""
    sent = tok.sent
    earlier = [t for t in sent if t.i < tok.i and t.dep_ in SUBJECTS and t.head is not tok.head]
    if earlier:
        subj = earlier[-1]
    else:
        if sent.start == 0:
            return None
        prev = tok.doc[sent.start - 1].sent
        root = prev.root
        subj = next((c for c in root.children if c.dep_ in SUBJECTS), None)
        if subj is None:
            return None
    return owner.get(subj.i)


def _definite_instrument(tok: Token) -> bool:
    """'that termination agreement', 'the memorandum with the UN': a definite determiner, common-noun or
    adjective modifiers only, an instrument word as head."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in INSTRUMENT_NOUNS:
        return False
    left = [c for c in tok.children if c.i < tok.i]
    det = [c for c in left if c.dep_ == "det"]
    if len(det) != 1 or det[0].lower_ not in ("the", "that", "this") or det[0].i != tok.left_edge.i:
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("of", "for", "on") for c in tok.children):
        return False        # 'the convention for the talks', 'the framework of ...': another thing (as mentions.py)
    return all(c.dep_ in ("det", "amod", "compound") and c.pos_ in ("DET", "ADJ", "NOUN", "VERB")
               and c.lower_ not in CONTRAST and not any(g.pos_ == "PROPN" for g in c.subtree) for c in left)


def _nearest_compatible(tok: Token, lo: int, doc: Doc, sents: list[Sentence], instances: list[_Instance],
                        spans: list[tuple[int, int, int]], idx: _PartyIndex) -> int | None:
    """The row of the nearest mention before the noun phrase (at most LINK_REACH sentences back) that the
    phrase can stand for (see the module)."""
    start = doc[lo].idx
    here = sentence_at(sents, tok.idx)
    if here is None:
        return None
    floor = sents[max(0, here.n - LINK_REACH)].start
    np_lo, np_hi = doc[lo].idx, tok.right_edge.idx + len(tok.right_edge)
    named = set(idx.inside(np_lo, np_hi))
    head = tok.lemma_.lower()
    for _s, _e, k in sorted((x for x in spans if floor <= x[0] and x[1] <= start), key=lambda x: -x[0]):
        inst = instances[k]
        if head in DOCUMENT_HEADS and head not in inst.name.lower() and _name_head(inst.name) != head:
            continue
        if named - set(inst.parties):
            continue
        return k
    return None


def _read_and_lend(doc: Doc, tok: Token, lo: int, sents: list[Sentence], inst: _Instance, text: str) -> None:
    """Read the status of the clause the subject governs and lend it to the row."""
    span = doc[lo:tok.i + 1]
    sent = sentence_at(sents, tok.idx)
    if sent is None:
        return
    c_lo, c_hi = clause_window(span)
    lo_c, hi_c = max(c_lo, sent.start), min(c_hi, sent.end)
    own = _predicate(tok.head)
    while True:
        status, cs, ce, cue_id = status_cue_read(text, lo_c, hi_c, span.start_char, span.end_char,
                                                 context_lo=sent.start, tied=governing_verbs(span), span=span)
        if status == "unspecified":
            return
        if any(a < ce and cs < b for a, b in own):
            break
        hi_c = cs       # another phrase's cue ('It elevates the old pact, signed in 2012, ...'): read before it
    h = _Hit(span.start_char, span.end_char, inst.key, "", source="anaphor", lent=True, linked=True)
    h.status, h.cue, h.cue_id = status, (cs, ce), cue_id
    _attach(inst, h, sent.n)


PREDICATE_PARTS = ("prt", "prep", "dobj", "attr", "acomp", "oprd", "xcomp", "neg")


def _predicate(verb: Token) -> list[tuple[int, int]]:
    """Character spans of the words of the subject's own predicate: the verb, its particle, the heads of its
    object, attribute and complements, its prepositions and their objects ('took effect', 'has been in force',
    'lapsed', 'was ratified by'). A cue elsewhere in the clause (in a phrase of the object, 'the pact, signed in
    2012') tells another thing's event."""
    toks = [verb]
    for c in verb.children:
        if c.dep_ in PREDICATE_PARTS:
            toks.append(c)
            toks += [g for g in c.children if g.dep_ in ("pobj", "prt", "dobj", "prep")]
    return [(t.idx, t.idx + len(t)) for t in toks]


RELATIVE_WORDS = ("that", "which")
ADJACENT_WORDS = 6      # words of the relative clause's own subject between the relative word and its verb


def adjacent_clause(verb: Token, span: Span) -> bool:
    """A relative or participle clause told in the past that starts right after the mention, whatever noun the
    parse hangs it on ('a memorandum on currency settlement that the two banks signed in 2025', 'the memorandum
    on the corridor signed in 2023 with ...': the small model often attaches such a clause to a noun inside
    or near the mention): the mention's own clause, as _own_clause. Between the mention and the verb: nothing,
    a comma, or 'that' / 'which' and a short subject (determiners, numbers, adjectives, nouns)."""
    if verb.pos_ != "VERB" or verb.dep_ not in ("relcl", "acl") or verb.tag_ not in ("VBD", "VBN") \
            or not span.end <= verb.i <= span.end + ADJACENT_WORDS + 2:
        return False
    if {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")} & (AUX_PROPOSED | AUX_PENDING | {"to"}):
        return False
    between = [t for t in span.doc[span.end:verb.i] if t.text != ","]
    if not between:
        return True
    return between[0].lower_ in RELATIVE_WORDS and len(between) <= ADJACENT_WORDS + 1 and all(
        t.pos_ in ("DET", "NUM", "ADJ", "NOUN", "PROPN") for t in between[1:])
