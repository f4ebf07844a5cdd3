"""The words a descriptive instrument's name takes from the parse: lower-case words, and the noun and gerund
modifiers written right before an instrument's kind words ('a policing cooperation memorandum', 'a
ship-repair agreement'), whole hyphenated words only (never 'way' of 'three-way')."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.extract.agreements.lexicon import title_name
from pipeline.extract.agreements.mentions import _Hit
from pipeline.resources import word_list

# Pre-modifiers that describe an instrument without giving its topic
NOT_TOPIC = word_list("agreement_words.jsonl", "not_topic")


def _lower_word(t: Token) -> bool:
    return t.text[:1].islower() and t.is_alpha or ("-" in t.text and t.text[:1].islower())


def _hyphen_joined(t: Token) -> bool:
    """t is a hyphen written between two words with no space ('ship-repair')."""
    return t.text == "-" and t.i > 0 and t.i + 1 < len(t.doc) and not t.doc[t.i - 1].whitespace_ \
        and not t.whitespace_ and _lower_word(t.doc[t.i - 1]) and t.doc[t.i - 1].is_alpha


def _modifier_word(t: Token, heads: set[int]) -> bool:
    """A lower-case noun, or a gerund ('policing', 'fishing'), that modifies one of heads and gives a topic."""
    return t.dep_ in ("compound", "amod", "nmod") and t.head.i in heads and _lower_word(t) and t.is_alpha \
        and (t.pos_ == "NOUN" or (t.pos_ == "VERB" and t.tag_ == "VBG")) and t.lower_ not in NOT_TOPIC


def _written_before(doc: Doc, start: int, heads: set[int]) -> list[Token]:
    """The modifier words (_modifier_word) written right before token start, each hanging on heads or on
    one after it ('ship-repair' as one word)."""
    words: list[Token] = []
    i = start - 1
    while i >= 0:
        t = doc[i]
        if words and _hyphen_joined(t) and _modifier_word(doc[i - 1], heads | {w.i for w in words} | {i}):
            words[:0] = [doc[i - 1], t]
            i -= 2
            continue
        if not _modifier_word(t, heads | {w.i for w in words}):
            break
        words.insert(0, t)
        i -= 1
    return _whole_words(words)


def _whole_words(words: list[Token]) -> list[Token]:
    """words without a leading part of a hyphenated word whose first part is not among them ('way' of
    'three-way', 'dollar' of 'billion-dollar'): a part of a word is no word of a name."""
    def glued(t: Token) -> bool:
        return t.i > 0 and t.doc[t.i - 1].text in ("-", "–") and not t.doc[t.i - 1].whitespace_

    while words and (words[0].text in ("-", "–") or glued(words[0])):
        words = words[1:]
    return words


def _take_written_modifiers(h: _Hit, doc: Doc) -> None:
    """'a policing cooperation memorandum', 'a coastguard cooperation arrangement': the kind lexicon reads
    only its own words ('Cooperation Memorandum'); the lower-case noun and gerund modifiers the parse hangs
    on the mention's words right before it are words of its name too (GOLD.md: named descriptively, with the
    words the text uses). The name and the mention's start take them; its key (the kind) stays."""
    span = doc.char_span(h.start, h.end, alignment_mode="expand")
    if span is None:
        return
    words = _written_before(doc, span.start, {t.i for t in span})
    if not words:
        return
    written = title_name("".join(t.text_with_ws for t in words).strip())
    lead = re.match(r"(?:Bilateral|Trilateral|Multilateral) ", h.name)
    at = lead.end() if lead else 0
    h.name = f"{h.name[:at]}{written} {h.name[at:]}"
    h.start = words[0].idx
