"""Motives: stated reasons, triggers, purposes, threats, benefits and resistance tied to an
agreement or to security cooperation, as clauses with their cue word.

Pure function: (doc, sentences, agreements, actors) -> list[MotiveFinding].
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from .records import ActorFinding, AgreementFinding, MotiveFinding, Sentence
from .resources import load_jsonl

TOPIC = re.compile(r"\b(agreement|treaty|pact|accord|deal|arrangement|alliance|cooperation|security|defen[cs]e|military|partnership|logistics)\b", re.I)


@lru_cache(maxsize=1)
def cue_regex() -> re.Pattern:
    cues = sorted({row["cue"] for row in load_jsonl("motive_cues.jsonl")}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(c) for c in cues) + r")\b", re.I)


def clause_end(text: str, start: int, limit: int) -> int:
    """End of the clause that starts at start: the next ';', ' - ', or the sentence end."""
    m = re.compile(r";|\s[–—-]\s|,\s+(?:but|while|whereas)\b").search(text, start, limit)
    end = m.start() if m else limit
    while end > start and text[end - 1] in " .,;:":
        end -= 1
    return end


def extract(doc: Doc, sents: list[Sentence], agreements: list[AgreementFinding],
            actors: list[ActorFinding]) -> list[MotiveFinding]:
    text = doc.text
    by_sent: dict[int, AgreementFinding] = {}
    for ag in agreements:
        for n in ag.sentence_ns:
            by_sent.setdefault(n, ag)
    main = max(agreements, key=lambda a: len(a.sentence_ns), default=None)
    out: list[MotiveFinding] = []
    for sent in sents:
        ag = by_sent.get(sent.n)
        if ag is None and not TOPIC.search(sent.text):
            continue
        m = cue_regex().search(text, sent.start, sent.end)
        if not m:
            continue
        start = m.start()
        end = clause_end(text, m.end(), sent.end)
        if end - start < 12:
            continue
        link = ag or main
        out.append(MotiveFinding(sent.n, start, end, text[start:end], m.group(1).lower(),
                                 (link.acronym or link.name) if link else "", ""))
    return out
