"""State mentions: names and aliases, demonyms before a government noun, capitals standing for their
government, and the checks that tell a mention of a state acting from a place name or a venue."""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.attrs import ORTH
from spacy.tokens import Doc, Token

from pipeline.extract.actors.gazetteer import APOS, Gazetteer

_WORD_BACKWARDS = re.compile(r"\s*([\w.’'-]+)")


def word_before(text: str, start: int) -> str:
    r"""The word ending (but for whitespace) at start, within 40 characters: what
    re.search(r"([\w.’'-]+)\s*$", window) finds, read on the reversed window because a regex
    anchored at the end is tried at every position of it."""
    m = _WORD_BACKWARDS.match(text[max(0, start - 40):start][::-1])
    return m.group(1)[::-1] if m else ""


def word_after(text: str, end: int) -> str:
    m = re.match(r"\s*([\w.’'-]+)", text[end:end + 40])
    return m.group(1) if m else ""


def hyphen_ok(text: str, start: int, end: int) -> bool:
    """A name glued to a hyphen counts only in a compound of proper names ('Korea-Japan-China',
    'India-US', 'China-EU'), not in 'US-made' or 'anti-China'."""
    if start > 0 and text[start - 1] == "-":
        m = re.search(r"([\w.’']+)-$", text[max(0, start - 40):start])
        if not (m and m.group(1)[:1].isupper()):
            return False
    if end < len(text) and text[end] == "-":
        m = re.match(r"-([\w.’']+)", text[end:end + 40])
        if not (m and m.group(1)[:1].isupper()):
            return False
    return True


def part_of_place_name(gz: Gazetteer, text: str, start: int, end: int) -> bool:
    """'Latin America', 'South China Sea', 'Taiwan Strait': the state name is part of a region."""
    if word_before(text, start) in gz.cues("compass_prefixes") and text[max(0, start - 1)] == " ":
        return True
    return word_after(text, end) in gz.cues("geo_features")


def capitalised_neighbour(text: str, start: int, end: int) -> bool:
    """'Michael Jordan', 'New Jersey', 'Georgia Tech': a capitalised word right next to the form."""
    before = re.search(r"([A-Z][\w'-]*)[ ]$", text[max(0, start - 30):start])
    if before and not re.search(r"(^|[.!?:\n]\s*)$", text[max(0, start - 30):before.start() + max(0, start - 30)]):
        return True
    return bool(re.match(r" [A-Z][a-z]", text[end:end + 3]))


def after_venue_word(gz: Gazetteer, text: str, start: int, kind: str = "venue_preps") -> bool:
    r"""The 40 characters before start end with a venue word and whitespace ('held in ', 'at the '):
    re.search(r"\b(?:{alt})\s+(?:the\s+)?$", window), matched on the reversed window with the
    words spelt backwards (see word_before)."""
    window = text[max(0, start - 40):start][::-1]
    return bool(gz.cue_regex(kind, r"(?:\s+eht)?\s+(?:{alt})\b", backwards=True).match(window))


@lru_cache(maxsize=16)
def state_mentions(gz: Gazetteer, text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, surface, canonical) of every state reference in text, leftmost first.

    Cached per (gazetteer, text), the last 16: the actors stage asks for an article's mentions,
    and the agreements stage asks again for the same article through actors.state_mentions (with
    the packaged gazetteer), which then costs nothing. That hand-over is the only state the two
    stages share; it changes no result.

    Names and aliases (not inside region names like 'South China Sea' or compounds like 'US-made'),
    demonyms before a government noun or title ('the South Korean government', 'Soviet President';
    not 'South Korean public opinion', not 'a former Nigerian president'), and capitals used for
    their government ('Seoul said', 'Tokyo and Manila'; not 'a visit to Tokyo', 'in Seoul')."""
    names, demonyms, capitals = gz.state_regexes
    ambiguous = gz.ambiguous_states
    found: list[tuple[int, int, str, str]] = []
    for m in names.finditer(text):
        s, e, surface = m.start(1), m.end(1), m.group(1)
        if surface == "US" and text[e:e + 1] == "$":
            continue
        if not hyphen_ok(text, s, e) or part_of_place_name(gz, text, s, e):
            continue
        if surface in ambiguous and capitalised_neighbour(text, s, e):
            continue
        canonical = gz.state_index[surface]
        if surface.startswith("the "):              # the span leaves the article out
            s, surface = s + 4, surface[4:]
        found.append((s, e, surface, canonical))
    former = gz.cue_regex("former_words", r"(?:\b|^)(?:{alt})\s*$")
    for m in demonyms.finditer(text):
        s, e = m.start(1), m.end(1)
        if former.search(text[max(0, s - 20):s]) or part_of_place_name(gz, text, s, e):
            continue
        found.append((s, e, m.group(1), gz.demonym_index[m.group(1)]))
    for m in gz.demonym_list_regex.finditer(text):           # 'Chinese and Russian aircraft'
        if former.search(text[max(0, m.start() - 20):m.start()]):
            continue
        for d in gz.bare_regexes[0].finditer(m.group(1)):
            s = m.start(1) + d.start()
            found.append((s, s + len(d.group(0)), d.group(0), gz.demonym_index[d.group(0)]))
    for m in capitals.finditer(text):
        s, e = m.start(1), m.end(1)
        if (after_venue_word(gz, text, s) or after_venue_word(gz, text, s, "motion_preps")
                or capitalised_neighbour(text, s, s) and text[s - 1:s] == " "):
            continue
        found.append((s, e, m.group(1), gz.capital_index[m.group(1)]))
    partner = gz.cue_regex("capital_partner_preps", r"\b(?:{alt})\s+(?:both\s+)?$")
    seen = {f[0] for f in found}
    for m in gz.bare_regexes[1].finditer(text):
        s, e = m.start(1), m.end(1)           # 'talks with Washington', 'between Tokyo and Manila'
        if s in seen or (capitalised_neighbour(text, s, e) and not re.match(r" and ", text[e:e + 5])):
            continue
        before = text[max(0, s - 30):s]
        listed = re.search(r"(?:,|\band|\bor)\s+$", before) and any(
            f[1] == s - len(re.search(r"[\s,]*(?:and\s+|or\s+)?$", before).group(0)) for f in found)
        if partner.search(before) or listed:
            found.append((s, e, m.group(1), gz.capital_index[m.group(1)]))
    found.sort(key=lambda f: (f[0], -f[1]))
    out, last = [], -1
    for f in found:
        if f[0] >= last:
            out.append(f)
            last = f[1]
    return tuple(out)


# re.search(r"([A-Za-z][\w.'-]*),\s*$", window) read on the reversed window (see word_before)
LISTED_BACKWARDS = re.compile(r"\s*,([\w.'-]*[A-Za-z])")
_POSSESSIVE = re.compile(r"\s*" + APOS + "s")


def location_use(gz: Gazetteer, doc: Doc, text: str, start: int, end: int, state_ends: frozenset[int] = frozenset()) -> bool:
    """A state mention that only names a place: 'in Singapore', 'held in Qatar', 'Doha, Qatar'.
    Not 'the war in Ukraine' (a party to the conflict), not 'China, Japan, Australia' (a list)."""
    if after_venue_word(gz, text, start):
        return not gz.cue_regex("conflict_nouns", r"\b(?:{alt})\s+(?:\w+\s+){0,1}$").search(
            text[max(0, start - 40):start])
    m = LISTED_BACKWARDS.match(text[max(0, start - 40):start][::-1])   # 'Doha, ' before 'Qatar'
    if not m or _POSSESSIVE.match(text[end:end + 3]) or gz.is_state_word(m.group(1)[::-1]):
        return False
    word_start, word_end = start - m.end(), start - m.end() + len(m.group(1))
    if word_end in state_ends:
        return False
    tok = doc.char_span(word_start, word_end, alignment_mode="expand")
    return bool(tok) and tok[-1].pos_ == "PROPN" and tok[-1].ent_type_ not in ("PERSON", "ORG")


def capital_tokens(gz: Gazetteer, doc: Doc) -> list[Token]:
    """The tokens whose text is a capital, picked by ORTH hash from the doc's array (the text is
    then checked: a hash only narrows them down): making a spaCy Token object for every token of
    the article to read its text cost more than the rest of capital_subjects."""
    capitals = gz.capital_orths
    candidates = [doc[i] for i, orth in enumerate(doc.to_array(ORTH).tolist()) if orth in capitals]
    return [tok for tok in candidates if tok.text in gz.capital_index]


def capital_subjects(gz: Gazetteer, doc: Doc, text: str, known: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Capitals acting as their government by grammar where no verb cue follows: the subject of
    a clause ('Washington, which backed the deal, has been patient'), a conjunct of one, or
    the agent of a passive ('abandoned by Washington')."""
    out = []
    for tok in capital_tokens(gz, doc):
        canonical = gz.capital_index[tok.text]
        if (tok.ent_type_ == "PERSON" or any(s <= tok.idx < e for s, e, _, _ in known)
                or after_venue_word(gz, text, tok.idx) or after_venue_word(gz, text, tok.idx, "motion_preps")
                or capitalised_neighbour(text, tok.idx, tok.idx + len(tok))):
            continue
        head = tok
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        if head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "pobj" and head.head.dep_ == "agent"):
            out.append((tok.idx, tok.idx + len(tok), tok.text, canonical))
    return out
