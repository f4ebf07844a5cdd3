"""Status windows: the characters of a sentence where a mention's status cues are read (from the previous mention
group to the next, clipped to the clause that governs the mention), and the verbs tied to the mention that count
at any distance (governing_verbs). Read by status.py and linking.py."""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from pipeline.extract.agreements.lexicon import REPORTING_VERBS, cue_starts
from pipeline.extract.agreements.mentions import _Hit
from pipeline.extract.agreements.parties import _subtree_span
from pipeline.records import Sentence
from pipeline.resources import word_list

INSTRUMENT_WORDS = word_list("agreement_words.jsonl", "instrument_words")
# Themes of a cue verb that are steps of the agreement's own procedure ('domestic procedures completed')
PROCEDURE_WORDS = word_list("agreement_words.jsonl", "procedure_words")


def _windows(hits: list[_Hit], sent: Sentence) -> list[tuple[int, int]]:
    """Status window of each hit in one sentence: from the previous hit group to the next one;
    coordinated hits ('the RAA and the ACSA', '... on trade, and another on energy') share one window."""
    groups: list[list[int]] = []
    for i, h in enumerate(hits):
        if groups and (h.also or re.fullmatch(r"[\s,()]*(?:and|or|as well as)?[\s,()]*(?:the\s+|an?\s+)?",
                                              sent.text[hits[groups[-1][-1]].end - sent.start:h.start - sent.start])):
            groups[-1].append(i)
        else:
            groups.append([i])
    out: list[tuple[int, int]] = [(0, 0)] * len(hits)
    for g_i, g in enumerate(groups):
        lo = hits[groups[g_i - 1][-1]].end if g_i else sent.start
        hi = hits[groups[g_i + 1][0]].start if g_i + 1 < len(groups) else sent.end
        for i in g:
            out[i] = (lo, hi)
    return out


def clause_window(span: Span) -> tuple[int, int]:
    """Character range of the clause the mention belongs to: the subtree of its governing verb,
    without coordinated or parenthetical clauses that do not contain it."""
    tok = span.root
    if tok.pos_ in ("VERB", "AUX"):     # the head noun parsed as a verb ("a new fisheries deal"): no clause
        return span.sent.start_char, span.sent.end_char
    seen = set()
    while (tok.pos_ not in ("VERB", "AUX") or (tok.dep_ in ("pcomp", "xcomp", "acl") and tok.tag_ in ("VBG", "VB")
                                               and tok.head.pos_ in ("VERB", "AUX", "NOUN", "ADP"))) \
            and tok.head is not tok and tok.i not in seen:
        seen.add(tok.i)     # climb over "on renewing", "to sign" to the clause they complete
        tok = tok.head
    if tok.dep_ == "parataxis" and tok.lemma_.lower() in REPORTING_VERBS and tok.head is not tok:
        tok = tok.head      # "X proposed a pact with Y, a diplomat said" parsed with the pact under "said"
    if tok.pos_ not in ("VERB", "AUX"):
        return span.sent.start_char, span.sent.end_char
    lo, hi = _subtree_span(tok)
    if _shares_object(tok):
        lo = min(lo, _subtree_span(tok.head)[0])    # 'X signed but never ratified the pact': both verbs govern it
    for child in tok.children:
        if child.dep_ in ("conj", "parataxis", "advcl") and child.pos_ in ("VERB", "AUX") \
                and not (child.left_edge.i <= span.root.i <= child.right_edge.i) \
                and not _refers_back(child, span) and not _procedure_state(child):
            c_lo, c_hi = _subtree_span(child)
            if c_lo > span.end_char:
                hi = min(hi, c_lo)
            elif c_hi < span.start_char:
                lo = max(lo, c_hi)
    return lo, hi


def past_own_clause(span: Span, hi: int, starts: list[int], clause_hi: int) -> int:
    """The end of a mention's status window (hi: where the next mention starts) moved past the mention's own
    relative clause (on the mention's phrase) when that next mention lies inside it
    ('The accord with X, which gave X a say over Y's port deals, has been in force since 2024': 'deals' does not
    end the accord's window; not one in an apposition: 'X, the framework under which the Y protocol sits,
    remains ...', nor one with a cue after it in that clause: '..., which replaced the Y pact that Z quit,'),
    to the first mention after that clause or the end of the clause that governs the mention."""
    root = span.root
    for c in root.subtree:
        if c.dep_ == "relcl" and c.i > root.i and not _through_apposition(c.head, root):
            c_lo, c_hi = _subtree_span(c)
            if c_lo <= hi < c_hi and not cue_starts(span.doc.text[hi:c_hi]):
                return min([clause_hi, *(s for s in starts if s >= c_hi)])
    return hi


def _through_apposition(tok: Token, root: Token) -> bool:
    """An apposition on the way up from tok to root (tok in root's subtree)."""
    while tok.i != root.i and tok.head is not tok:
        if tok.dep_ == "appos":
            return True
        tok = tok.head
    return False


def _shares_object(verb: Token) -> bool:
    """'signed but never ratified the pact': the verb is coordinated, with no subject of its own, after a verb
    that has no object of its own, so the object is theirs both."""
    head = verb.head
    return verb.dep_ == "conj" and head.pos_ == "VERB" and any(c.dep_ == "dobj" for c in verb.children) \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) \
        and not any(c.dep_ in ("dobj", "nsubjpass", "ccomp", "xcomp") for c in head.children)


def _procedure_state(clause: Token) -> bool:
    """'With its domestic procedures completed, the pact can apply': a clause whose subject is a
    step of the agreement's own procedure speaks of the agreement."""
    return clause.dep_ == "advcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in PROCEDURE_WORDS
                                          for c in clause.children)


def _refers_back(clause: Token, span: Span) -> bool:
    """'X and Y signed the pact in 1994, but it collapsed in 1998': a following clause whose subject
    'it' is the agreement, when the agreement is the subject or object of the first clause; a
    following clause about 'it' ('... and announced its end', '... and later scrapped it'); a clause
    sharing the subject the mention belongs to ('Talks on the pact began and were shelved')."""
    if clause.i < span.root.i:
        return False
    head = clause.head
    if clause.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children) \
            and any(c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i <= span.root.i <= c.right_edge.i
                    for c in head.children):
        return True
    if span.root.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj"):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") and (c.lower_ == "it" or _definite_reference(c)) for c in clause.children):
        return span.root.dep_ != "pobj"
    return any(c.dep_ == "dobj" and (c.lower_ == "it" or any(p.dep_ == "poss" and p.lower_ == "its" for p in c.children))
               for c in clause.children)


def _definite_reference(noun: Token) -> bool:
    """'that accord', 'the memorandum', 'this pact': a bare instrument word with a definite or demonstrative
    determiner and nothing else before it (no 'the old treaty', no 'the Harbour Accord')."""
    return noun.lemma_.lower() in INSTRUMENT_WORDS and noun.pos_ == "NOUN" and noun.left_edge.i == noun.i - 1 \
        and noun.doc[noun.i - 1].dep_ == "det" and noun.doc[noun.i - 1].lower_ in ("the", "that", "this")


def governing_verbs(span: Span) -> tuple[tuple[int, int], ...]:
    """Character spans of the verb the mention is subject or object of ('the treaty ... has been
    abandoned', 'suspended the pact'), with its particle ('broke down'); at most three steps up
    through prepositions and appositions."""
    tok, steps = span.root, 0
    if tok.pos_ in ("VERB", "AUX"):
        return ()
    while tok.pos_ not in ("VERB", "AUX") and tok.head is not tok and steps < 3:
        if tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "prep", "appos", "compound", "conj", "attr"):
            return ()
        tok, steps = tok.head, steps + 1
    if tok.pos_ not in ("VERB", "AUX"):
        return ()
    out = [(tok.idx, tok.idx + len(tok))]
    out += [(c.idx, c.idx + len(c)) for c in tok.children if c.dep_ == "prt"]
    return tuple(out)
