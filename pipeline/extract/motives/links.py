"""Who and what a motive is about: the agreement it motivates and the actor holding it."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from pipeline.records import ActorFinding, AgreementFinding, Sentence
from pipeline.resources import pattern_text, word_list

# A definite phrase naming no agreement but pointing back at one just named.
REFERS_BACK = re.compile(pattern_text("motive_patterns.jsonl", "refers_back"), re.I)
REPORTING = word_list("motive_words.jsonl", "reporting")


def paragraph_of(text: str, sent: Sentence) -> tuple[int, int]:
    """Character range of the line (paragraph) holding the sentence."""
    lo = text.rfind("\n", 0, sent.start) + 1
    hi = text.find("\n", sent.end)
    return lo, (len(text) if hi < 0 else hi)


def main_agreement(agreements: list[AgreementFinding]) -> AgreementFinding | None:
    return max(agreements, key=lambda a: (len(a.sentence_ns), a.confidence), default=None)


def link_agreement(text: str, sents: list[Sentence], sent: Sentence, at: int,
                   agreements: list[AgreementFinding]) -> AgreementFinding | None:
    """The agreement a motive at char `at` is about: the nearest mention in the same sentence,
    else the nearest preceding mention in the paragraph, else the article's main agreement."""
    best, best_d = None, None
    for ag in agreements:
        for m in ag.mentions:
            if m.sentence_n == sent.n:
                d = abs(m.start - at)
                if best_d is None or d < best_d:
                    best, best_d = ag, d
    if best is None:
        for ag in agreements:
            if sent.n in ag.sentence_ns:
                return ag
        p_lo, _ = paragraph_of(text, sent)
        for ag in agreements:
            for m in ag.mentions:
                if p_lo <= m.start < sent.start and (best_d is None or sent.start - m.start < best_d):
                    best, best_d = ag, sent.start - m.start
    if best is None and REFERS_BACK.search(sent.text):
        # "the talks", "the deal": the instance named in the sentence just before
        near = [(m.start, ag) for ag in agreements for m in ag.mentions
                if m.start < sent.start and m.sentence_n == sent.n - 1]
        main = main_agreement(agreements)
        if near and all(ag is not main for _start, ag in near):
            best = max(near, key=lambda x: x[0])[1]
    return best or main_agreement(agreements)


def _actor_at(actors: list[ActorFinding], lo: int, hi: int) -> str:
    """Canonical holder among actor mentions inside [lo, hi): a state or organisation by name,
    a person by their country when it is known (the first such mention, longest first at a tie)."""
    found = min(((m.start, -(m.end - m.start), i) for i, a in enumerate(actors) for m in a.mentions
                 if lo <= m.start < hi), default=None)
    if found is None:
        return ""
    actor = actors[found[2]]
    if actor.type == "person":
        return actor.country or actor.name
    return actor.name


# Ways a name can sit inside a subject and still be its holder: "Chile's defence minister",
# "the governments of Peru and Japan", "Brazilian Foreign Minister Ana Souza".
HOLDER_PATH = frozenset({"poss", "compound", "appos", "conj", "cc", "pobj", "nmod", "amod", "case"})


def _holder_tokens(subject: Token) -> list[Token]:
    """Tokens of the subject whose path up to its head only crosses holder-like links."""
    out = []
    for tok in subject.subtree:
        node, ok = tok, True
        while node.i != subject.i:
            if node.dep_ == "prep" and node.lower_ != "of":
                ok = False
            elif node.dep_ != "prep" and node.dep_ not in HOLDER_PATH:
                ok = False
            if not ok:
                break
            node = node.head
        if ok:
            out.append(tok)
    return out


def _subject_actor(verb: Token, actors: list[ActorFinding]) -> str:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in ("it", "this", "that", "which"):
            for tok in _holder_tokens(child):
                name = _actor_at(actors, tok.idx, tok.idx + len(tok.text))
                if name:
                    return name
    return ""


def link_actor(doc: Doc, node: Token, actors: list[ActorFinding], sent: Span | None = None) -> str:
    """Who holds the motive: the subject of the clause's verb or of a governing verb (the
    reporting verb included), when that subject names an actor."""
    seen = node
    while True:
        name = _subject_actor(seen, actors)
        if name:
            return name
        if seen.head.i == seen.i:
            break
        seen = seen.head
    sent = node.sent if sent is None else sent
    root = sent.root
    for tok in sent:
        if tok.lemma_.lower() in REPORTING and tok.pos_ == "VERB" and tok.i != root.i:
            name = _subject_actor(tok, actors)
            if name:
                return name
    return ""



def _for_holder(node: Token, actors: list[ActorFinding]) -> str:
    """The actor of a fronted "For X, ..." frame on the clause."""
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    name = _actor_at(actors, obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge.text))
                    if name:
                        return name
    return ""


def _pronoun_speaker(span: Span, sent_n: int, actors: list[ActorFinding]) -> str:
    """'..., he said': the person named last in the two sentences before, by their country."""
    if not any(t.lemma_.lower() in REPORTING and t.pos_ == "VERB" and any(
            c.dep_ == "nsubj" and c.lower_ in ("he", "she") for c in t.children) for t in span):
        return ""
    found = [(m.start, a) for a in actors if a.type == "person" for m in a.mentions
             if m.start < span.start_char and m.sentence_n >= sent_n - 2]
    if not found:
        return ""
    person = max(found, key=lambda x: x[0])[1]
    return person.country or person.name


def holder_of(doc: Doc, node: Token, actors: list[ActorFinding], span: Span, sent_n: int = -1) -> str:
    """Who holds the motive: the clause's or a reporting verb's subject, a fronted "For X," or
    the person a "he said" refers back to."""
    return (link_actor(doc, node, actors, span) or _for_holder(node, actors)
            or (_pronoun_speaker(span, sent_n, actors) if sent_n >= 0 else ""))

