"""Actors: states (gazetteer: names, aliases, demonyms, capitals-as-government), organisations
and people (spaCy NER), merged per article under one canonical name.

Pure functions: (doc, sentences) -> list[ActorFinding]. The state lookup is also used by the
agreements extractor to canonicalise parties.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from .nlp import sentence_at
from .records import ActorFinding, Mention, Sentence
from .resources import load_jsonl

GOV_NOUNS = r"(government|governments|military|militaries|forces|armed forces|navy|army|air force|officials?|ministry|leaders?|authorities|administration|president|prime minister|foreign minister|defen[cs]e minister|diplomats?|troops|side|embassy|parliament|legislature|cabinet|state)"
CAPITAL_VERBS = r"(said|says|say|has|have|had|is|was|will|would|wants?|wanted|announced|agreed|signed|insists?|insisted|hopes?|seeks?|sought|argues?|argued|warned|rejected|accused|urged|plans?|and|to|on|'s|’s)"
TITLE_WORDS = r"(President|Prime Minister|Premier|Chancellor|King|Crown Prince|Emir|Sheikh|Foreign Minister|Defen[cs]e Minister|Minister|Secretary of State|Secretary of Defen[cs]e|Defen[cs]e Secretary|Secretary|Senator|Ambassador|General|Gen\.|Admiral|Chief|Spokesman|Spokeswoman|Envoy|Leader|Chairman|Director|Vice President|Deputy)"


@lru_cache(maxsize=1)
def state_index() -> dict[str, str]:
    """surface form -> canonical state name (names, aliases, capitals); case-sensitive keys."""
    idx: dict[str, str] = {}
    for row in load_jsonl("states.jsonl"):
        for form in [row["name"], *row.get("aliases", [])]:
            idx[form] = row["name"]
            if form.startswith("the "):
                idx[form[4:]] = row["name"]
    return idx


@lru_cache(maxsize=1)
def demonym_index() -> dict[str, str]:
    return {d: row["name"] for row in load_jsonl("states.jsonl") for d in row.get("demonyms", [])}


@lru_cache(maxsize=1)
def capital_index() -> dict[str, str]:
    return {c: row["name"] for row in load_jsonl("states.jsonl") for c in row.get("capitals", [])}


@lru_cache(maxsize=1)
def org_index() -> dict[str, tuple[str, str]]:
    idx = {}
    for row in load_jsonl("organizations.jsonl"):
        for form in [row["name"], *row.get("aliases", [])]:
            idx[form] = (row["name"], row.get("country", ""))
    return idx


@lru_cache(maxsize=1)
def not_actor_forms() -> frozenset[str]:
    return frozenset(p.lower() for row in load_jsonl("not_actors.jsonl") for p in row["patterns"])


def _alternation(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=1)
def _state_regexes() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    names = re.compile(r"(?<![\w.-])(" + _alternation(state_index()) + r")(?![\w-]|\.\w)")
    demonyms = re.compile(r"\b(" + _alternation(demonym_index()) + r")\s+" + GOV_NOUNS + r"\b")
    capitals = re.compile(r"\b(" + _alternation(capital_index()) + r")(?=\s*" + CAPITAL_VERBS + r"\b)")
    return names, demonyms, capitals


def canonical_state(surface: str) -> str | None:
    """'U.S.' -> 'United States', 'Seoul' -> 'South Korea', 'the Philippines' -> 'Philippines'."""
    s = surface.strip()
    idx = state_index()
    if s in idx:
        return idx[s]
    if s.startswith("the ") and s[4:] in idx:
        return idx[s[4:]]
    return capital_index().get(s) or demonym_index().get(s)


def state_mentions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, canonical) of every state reference in text, leftmost first."""
    names, demonyms, capitals = _state_regexes()
    found: list[tuple[int, int, str, str]] = []
    for m in names.finditer(text):
        surface = m.group(1)
        if surface == "US" and text[m.end():m.end() + 1] == "$":
            continue
        found.append((m.start(1), m.end(1), surface, state_index()[surface]))
    for m in demonyms.finditer(text):
        found.append((m.start(1), m.end(1), m.group(1), demonym_index()[m.group(1)]))
    for m in capitals.finditer(text):
        found.append((m.start(1), m.end(1), m.group(1), capital_index()[m.group(1)]))
    found.sort()
    out, last = [], -1
    for f in found:
        if f[0] >= last:
            out.append(f)
            last = f[1]
    return out


def _clean_org(name: str) -> str:
    name = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"[\s,.;:'’]+$|['’]s$", "", name)


def _role_before(text: str, start: int) -> tuple[str, str]:
    """Title (and country, via a demonym or state name) written just before a name."""
    window = text[max(0, start - 80):start]
    m = re.search(r"((?:[A-Z][\w.]*\s+)*?)" + TITLE_WORDS + r"((?:\s+(?:of|for)\s+[A-Z][\w ]+?)?)\s*$", window)
    if not m:
        return "", ""
    role = (m.group(2) + m.group(3)).strip()
    prefix = m.group(1).strip()
    country = ""
    for word in (prefix.split() + re.findall(r"[A-Z][\w.]*", m.group(3))):
        country = canonical_state(word) or country
    if prefix and not country:
        role = f"{prefix} {role}"
    return role, country


def extract(doc: Doc, sents: list[Sentence]) -> list[ActorFinding]:
    text = doc.text
    found: dict[tuple[str, str], ActorFinding] = {}
    taken: list[tuple[int, int]] = []

    def add(name: str, kind: str, start: int, end: int, country: str = "", role: str = "") -> None:
        sent = sentence_at(sents, start)
        if sent is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        actor = found.setdefault((name, kind), ActorFinding(name=name, type=kind))
        actor.country = actor.country or country
        actor.role = actor.role or role
        actor.mentions.append(Mention(start, end, text[start:end], sent.n))

    for start, end, _surface, canonical in state_mentions(text):
        add(canonical, "state", start, end)
    orgs = org_index()
    for form, (name, country) in orgs.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text):
            add(name, "organization", m.start(), m.end(), country)
    skip = not_actor_forms()
    for ent in doc.ents:
        surface = ent.text.strip()
        if surface.lower() in skip or _clean_org(surface).lower() in skip:
            continue
        if ent.label_ == "PERSON" and len(surface) > 2 and any(c.isupper() for c in surface):
            role, country = _role_before(text, ent.start_char)
            add(surface.replace("’s", "").replace("'s", ""), "person", ent.start_char, ent.end_char, country, role)
        elif ent.label_ == "ORG":
            name = _clean_org(surface)
            if len(name) > 2 and name.lower() not in skip:
                add(name, "organization", ent.start_char, ent.end_char)
    return merge_people(list(found.values()))


def merge_people(actors: list[ActorFinding]) -> list[ActorFinding]:
    """Fold 'Carter' into 'Ashton Carter' (a later surname-only mention of one full name)."""
    people = [a for a in actors if a.type == "person"]
    full = [a for a in people if len(a.name.split()) > 1]
    out = [a for a in actors if a.type != "person"]
    for p in people:
        if len(p.name.split()) == 1:
            hosts = [f for f in full if p.name in f.name.split()]
            if len(hosts) == 1:
                hosts[0].mentions.extend(p.mentions)
                continue
        out.append(p)
    return sorted(out, key=lambda a: (a.mentions[0].start if a.mentions else 0, a.name))
