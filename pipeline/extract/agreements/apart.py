"""Mentions the parse shows to be different instruments, so that none joins the other's row.

Read from the dependency parse of one sentence, never from a window of words:
- conjuncts: 'the memorandum on A and the cooperation agreement on B', 'including X, Y and Z' (each
  mention's head is a conjunct of another's);
- subject and object of one verb: 'the accord built on a ceasefire', 'the pact replaces an earlier
  treaty', 'the agreement also includes a pact on fisheries' (one mention is the verb's subject, the
  other its object or the object of a preposition hung on it; verbs that say two names are one
  instrument, same_instrument_verbs of agreement_words.jsonl, such as 'be', 'become', 'call', are no
  such verbs);
- a contrasting modifier: 'a separate investment treaty', 'another pact' (distinct_words of
  agreement_words.jsonl, a modifier or determiner of the mention's head), or an ordinal after an
  indefinite article, 'a second agreement' (distinct_ordinals; 'the second trade deal for Asia' ranks
  the instrument in focus); never a predicate ('it is a separate pact').
A dated generic mention ('a 1982 security agreement') is kept apart elsewhere (instances._dated_apart)."""
from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.resources import word_list

DISTINCT_WORDS = word_list("agreement_words.jsonl", "distinct_words")
DISTINCT_ORDINALS = word_list("agreement_words.jsonl", "distinct_ordinals")
SAME_INSTRUMENT_VERBS = word_list("agreement_words.jsonl", "same_instrument_verbs")
SUBJECTS = ("nsubj", "nsubjpass")
MODIFIER_DEPS = ("amod", "det", "predet", "nummod", "advmod")


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _conjuncts(tok: Token) -> set[int]:
    """The token indices of tok's conjunct chain (tok included)."""
    head = _conjuncts_head(tok)
    return {head.i} | {t.i for t in head.conjuncts}


def _clause_verb(tok: Token) -> tuple[Token | None, str]:
    """The verb a mention's head is the subject or object of, and the role ('subj' / 'obj'): the
    object of a preposition counts when the preposition hangs on the verb ('built on a ceasefire');
    a verb that is an open complement ('was meant to replace') stands for the verb that governs it."""
    t = _conjuncts_head(tok)
    if t.dep_ in SUBJECTS:
        return _main(t.head), "subj"
    if t.dep_ == "dobj":
        return _main(t.head), "obj"
    if t.dep_ == "pobj" and t.head.dep_ in ("prep", "agent") and t.head.head.pos_ in ("VERB", "AUX"):
        return _main(t.head.head), "obj"
    return None, ""


def _conjuncts_head(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def _main(verb: Token) -> Token:
    """'was supposed to replace': the verb that governs an open complement."""
    while verb.dep_ == "xcomp" and verb.head is not verb:
        verb = verb.head
    return verb


def distinct(doc: Doc, start: int, end: int) -> bool:
    """'a separate investment treaty', 'another pact': a contrasting modifier on the mention's head."""
    root = _root(doc, start, end)
    if root is None or root.dep_ in ("attr", "acomp", "oprd", "appos"):
        return False
    before = [c for c in root.children if c.dep_ in MODIFIER_DEPS and c.i < root.i]
    indefinite = any(c.lower_ in ("a", "an") for c in before)
    return any(c.lower_ in DISTINCT_WORDS or (indefinite and c.lower_ in DISTINCT_ORDINALS) for c in before)


def apart_pairs(doc: Doc, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of the given mention spans (of one sentence) that the parse shows to be
    different instruments: conjuncts, or subject and object of one verb that is no naming verb."""
    roots = [_root(doc, s, e) for s, e in spans]
    out: set[tuple[int, int]] = set()
    for i, a in enumerate(roots):
        for j in range(i + 1, len(roots)):
            b = roots[j]
            if a is None or b is None or a.i == b.i:
                continue
            if b.i in _conjuncts(a) and a.i in _conjuncts(b):
                out.add((i, j))
                continue
            va, ra = _clause_verb(a)
            vb, rb = _clause_verb(b)
            if va is not None and vb is not None and va.i == vb.i and {ra, rb} == {"subj", "obj"} and va.lemma_.lower() not in SAME_INSTRUMENT_VERBS:
                out.add((i, j))
    return out
