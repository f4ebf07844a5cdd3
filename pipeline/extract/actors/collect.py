"""The actors of one article, collected in passes (actors.extract runs them in this order):

1. organisations of the catalogue ('NATO', 'the Kremlin'), first, so that a state inside one
   ('[Japan] Self-Defense Forces') is part of the name (and gives its country);
2. state bodies ('the Turkish parliament');
3. states (names, demonyms, capitals standing for their government);
4. spaCy PERSON and ORG entities, as people or organisations, once the checks have kept out
   what is no actor (credits, agreements, places, outlets, titles, ...).

One actor per span of text: the first pass to claim a span keeps it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.extract.actors import layout, orgs, people
from pipeline.extract.actors.gazetteer import Gazetteer
from pipeline.extract.actors.states import (
    capital_subjects,
    location_use,
    state_mentions,
)
from pipeline.extract.nlp import sentence_at, text_of
from pipeline.records import ActorFinding, Mention, Sentence

# Names of the rules in code that find actors, for the `why` column (README, "why"); a catalogue
# match is named by its states.jsonl / organizations.jsonl id instead.
PYCOUNTRY_STATE = "actors:pycountry_state"     # a state known from pycountry, not from states.jsonl
STATE_BODY = "actors:state_body"               # 'the Japanese Defence Ministry' (a state + a body word)
ORG_ENTITY = "actors:org_entity"               # a spaCy ORG entity kept as an organisation
PERSON_ENTITY = "actors:person_entity"         # a spaCy PERSON entity
PERSON_IN_ORG = "actors:person_in_org"         # a person the model tagged ORG, after a title


class Collector:
    """The findings of one article so far, merged under a key (an organisation's org_key, a
    person's or state's name); a finding only ever used as no actor (a venue, a place) is left
    out of actors()."""

    def __init__(self, gz: Gazetteer, doc: Doc, sents: list[Sentence]) -> None:
        self.gz, self.doc, self.sents = gz, doc, sents
        self.text = text_of(doc)
        self.found: dict[tuple[str, str], ActorFinding] = {}
        self.taken: list[tuple[int, int]] = []
        self.actor_use: dict[tuple[str, str], bool] = {}
        self.credits = layout.byline_spans(gz, self.text)

    def in_credit(self, start: int, end: int) -> bool:
        return any(a <= start < b for a, b in self.credits)

    def add(self, name: str, kind: str, start: int, end: int, country: str = "", role: str = "",
            actor: bool = True, key: str | None = None, why: str = "") -> None:
        """why: the catalogue id or rule name (README, "why") that found this mention."""
        sent = sentence_at(self.sents, start)
        if sent is None or not name or any(s < end and start < e for s, e in self.taken):
            return
        self.taken.append((start, end))
        k = (key or (orgs.org_key(name) if kind == "organization" else name), kind)
        finding = self.found.get(k)
        if finding is None:
            finding = self.found[k] = ActorFinding(name=name, type=kind)
        finding.country = finding.country or country
        finding.role = finding.role or role
        finding.mentions.append(Mention(start, end, self.text[start:end], sent.n))
        if why and why not in finding.why:
            finding.why.append(why)
        self.actor_use[k] = self.actor_use.get(k, False) or actor

    def actors(self) -> list[ActorFinding]:
        return [a for k, a in self.found.items() if self.actor_use.get(k, True)]


def add_catalogue_orgs(c: Collector) -> None:
    """Organisations of the catalogue; a seat of government that is only a venue ('toured the
    White House') and a name before an event word are kept as no actor."""
    gz, text = c.gz, c.text
    for m in gz.org_regex.finditer(text):
        name, country = gz.org_index[m.group(1)]
        s, e = m.start(1), m.end(1)
        if m.group(1).startswith("the "):
            s += 4
        if c.in_credit(s, e):
            continue
        unit_end = orgs.qualified_org_end(gz, text, e)
        if unit_end:                                # 'OSCE Minsk Group': a named unit, as written
            c.add(text[s:unit_end], "organization", s, unit_end, country,
                  why=gz.entry_ids.get(("organization", name), ORG_ENTITY))
            continue
        venue = ((name in gz.seat_names and not orgs.acts_as_subject(c.doc, s, e, text))
                 or gz.cue_regex("event_words", r"^\s+(?:{alt})\b", 0).search(text[e:e + 20]))
        c.add(orgs.as_written(m.group(1), name), "organization", s, e, country, actor=not venue,
              key=orgs.org_key(name), why=gz.entry_ids.get(("organization", name), ORG_ENTITY))


def add_state_bodies(c: Collector) -> None:
    for m in c.gz.body_regex.finditer(c.text):
        body = orgs.state_body(c.gz, c.doc, m)
        if body:
            canonical = c.gz.canonical_state(m.group(1)) or ""
            c.add(body, "organization", m.start(), m.end(), canonical, key=f"{canonical}|{m.group(2).lower()}",
                  why=STATE_BODY)


def add_states(c: Collector) -> None:
    """State mentions and capitals acting as subjects; one that only names a place is no actor."""
    states = list(state_mentions(c.gz, c.text))
    states = sorted(states + capital_subjects(c.gz, c.doc, c.text, states))
    state_ends = frozenset(e for _s, e, *_x in states)
    for start, end, _surface, canonical in states:
        if not c.in_credit(start, end):
            actor = not location_use(c.gz, c.doc, c.text, start, end, state_ends)
            c.add(canonical, "state", start, end, actor=actor,
                  why=c.gz.entry_ids.get(("state", canonical), PYCOUNTRY_STATE))


@dataclass(frozen=True)
class _Context:
    """What the entity checks read from the whole article."""

    acronyms: dict[str, str]                # 'LN' -> 'Long Name' for 'Long Name (LN)' in the text
    skip: frozenset[str]                    # never actors, lower-cased
    distributive: dict[str, tuple[str, str]]
    authors: list[frozenset[str]]
    titles: list[tuple[int, int]]           # headline-like lines
    ent_acronyms: dict[str, str]            # 'PKK' -> the ORG entity written before '(PKK)'


def add_entities(c: Collector, author: str) -> list[Span]:
    """People and organisations from spaCy's PERSON and ORG entities; returns those entities."""
    gz, text = c.gz, c.text
    ents = [e for e in c.doc.ents if e.label_ in ("PERSON", "ORG")]
    ctx = _Context(
        acronyms=orgs.acronym_definitions(text), skip=gz.not_actor_forms,
        distributive=people.distributive_roles(gz, text, ents),
        authors=layout.author_names(gz, text) + (
            [frozenset(people.strip_honorifics(gz, author).lower().split())] if author else []),
        titles=layout.title_line_spans(text),
        ent_acronyms={m.group(1): orgs.clean_name(e.text) for e in ents if e.label_ == "ORG"
                      for m in [re.match(r"\s*\(([A-Z][A-Za-z]{1,9})\)", text[e.end_char:e.end_char + 14])] if m})
    for ent in ents:
        _add_entity(c, ctx, ent)
    return ents


def _add_entity(c: Collector, ctx: _Context, ent: Span) -> None:
    s, e, raw, name = _entity_name(c, ent)
    sent = sentence_at(c.sents, s)
    if sent is None or _not_an_actor(c, ctx, ent, s, e, raw, name):
        return
    if ent.label_ == "ORG":
        _add_org_entity(c, ctx, ent, sent, s, e, raw, name)
    else:
        _add_person_entity(c, ctx, sent, s, e, name)


def _entity_name(c: Collector, ent: Span) -> tuple[int, int, str, str]:
    """(start, end, raw text, name) of an entity: the name without article or trailing ',',
    a leading name word before a particle ('[Thani] bin Ahmed'), 'the Komeito party' ->
    'Komeito'."""
    gz, text = c.gz, c.text
    s, e = ent.start_char, ent.end_char
    raw = ent.text.strip()
    name = orgs.clean_name(raw)
    at = text.find(name, s, e) if name else -1
    if at >= 0:                                 # the mention is the name: no article, no trailing ','
        s, e = at, at + len(name)
    if ent.label_ == "PERSON" and name.split()[0] in gz.cues("name_particles"):
        lead = re.search(r"([A-Z][\w’'-]+)[ ]$", text[max(0, s - 30):s])   # '[Thani] bin Ahmed ...'
        if lead and lead.group(1).lower() not in gz.title_words:
            s -= len(lead.group(0))
            name = text[s:e]
    party = gz.cue_regex("party_tails", r"^(.*[A-Z][\w’'-]*)\s+(?:{alt})$", 0).match(name)
    if party and ent.label_ == "ORG":           # 'the Komeito party' -> 'Komeito'
        name, e = party.group(1), s + len(party.group(1))
    return s, e, raw, name


def _not_an_actor(c: Collector, ctx: _Context, ent: Span, s: int, e: int, raw: str, name: str) -> bool:
    gz, text = c.gz, c.text
    if (len(name) < 3 or not name[:1].isupper() or c.in_credit(s, e)
            or name.lower() in ctx.skip or raw.lower() in ctx.skip or gz.canonical_state(name)
            or name in gz.org_index or orgs.agreement_like(gz, name, text, ctx.acronyms)
            or orgs.common_word_entity(ent) or orgs.inside_agreement_name(gz, text, s)
            or orgs.place_context(gz, text, e)
            or (any(a <= s < b for a, b in ctx.titles) and not layout.named_outside(name, text, ctx.titles))):
        return True
    return bool(people.has_stray_lowercase(gz, name) or gz.cue_regex(
        "role_nouns", r"\b(?:{alt})\s+(?:for|of)\s+(?:the\s+)?$").search(
        text[max(0, s - 40):s]) and ent.label_ == "PERSON")    # 'Garrett hit Rudolph'; 'spokesperson for [X]'


def _add_org_entity(c: Collector, ctx: _Context, ent: Span, sent: Sentence, s: int, e: int, raw: str,
                    name: str) -> None:
    """An ORG entity: a person with a title inside it, a person tagged ORG, or an organisation."""
    gz, text = c.gz, c.text
    if _add_person_in_org(c, sent, s, e, raw, name):
        return
    if (orgs.generic_org(gz, name) or orgs.non_actor_head(gz, name) or orgs.part_of_title(gz, text, s, e)
            or orgs.outlet_context(gz, text, s, e) or orgs.affiliation_context(gz, text, sent.start, s)
            or (orgs.modifier_of_common_noun(ent) and ent.root.head.text not in gz.cues("party_tails"))
            or re.search(r"\b(?:city|town|port|province|village|state) of\s+$", text[max(0, s - 20):s])):
        return
    long = ctx.acronyms.get(name, "")
    if ctx.ent_acronyms.get(name):               # 'the Kurdistan Workers' Party (PKK)'
        name = gz.org_index.get(ctx.ent_acronyms[name], (ctx.ent_acronyms[name],))[0]
    elif long and "".join(w[0] for w in long.split() if w[0].isupper()).startswith(name[0]):
        name = gz.org_index.get(long, (long,))[0]
    if name != raw and (orgs.non_actor_head(gz, name) or name.lower() in ctx.skip):
        return
    c.add(name, "organization", s, e, orgs.org_country(gz, name),
          why=gz.entry_ids.get(("organization", name), ORG_ENTITY))


def _add_person_in_org(c: Collector, sent: Sentence, s: int, e: int, raw: str, name: str) -> bool:
    """A person the model tagged ORG: 'Defence Staff General Ravi Menon', 'Prime Minister of
    [Solomon Islands X Y]', 'President Trump'. True when one was added."""
    gz, text = c.gz, c.text
    person = gz.cue_regex("ranks+titles", r"(?<=\s)(?:{alt})\s+((?:[A-Z][\w’'-]+\s*){2,4})$", 0).search(raw)
    if person and not orgs.non_actor_head(gz, person.group(1)):
        p_start = s + person.start(1)
        role, country = people.role_before(gz, text, sent.start, p_start)
        c.add(person.group(1).strip(), "person", p_start, e, country, role, why=PERSON_IN_ORG)
        return True
    lead = gz.state_led_name_regex.match(raw)
    if lead and gz.cue_regex("titles", r"\b(?:{alt})\s+(?:of|for)\s+(?:the\s+)?$", 0).search(text[max(0, s - 40):s]):
        role, _country = people.role_before(gz, text, sent.start, s)
        c.add(lead.group(2).strip(), "person", s + lead.start(2), e, gz.state_index[lead.group(1)],
              re.sub(r"\s+(?:of|for)(?:\s+the)?$", "", role), why=PERSON_IN_ORG)
        return True
    if gz.cue_regex("titles", r"(?:^|[\s(])(?:{alt})\.?\s+$", 0).search(text[max(0, s - 40):s]):
        role, country = people.role_before(gz, text, sent.start, s)
        c.add(people.strip_honorifics(gz, name), "person", s, e, country, role, why=PERSON_IN_ORG)
        return True
    return False


def _add_person_entity(c: Collector, ctx: _Context, sent: Sentence, s: int, e: int, name: str) -> None:
    """A PERSON entity, unless it is an author, staff, or only titles; with the role and country
    of a title before it, an apposition after it, or a distributive list."""
    gz, text = c.gz, c.text
    tail = re.match(r" ([A-Z][\w’'-]+)", text[e:e + 40])
    if tail and name.split()[-1].lower() in gz.cue_set("name_particles") and len(name.split()) > 1:
        e += tail.end()                         # 'Jean-Yves Le' + 'Drian'
        name = text[s:e]
    person = people.strip_honorifics(gz, name)
    tokens = person.split()
    if (not tokens or not re.search(r"[a-z]", person) or re.search(r"[/\d@]", person)
            or people.press_apposition(gz, text, e) or any(set(t.lower() for t in tokens) <= a for a in ctx.authors if a)
            or all(t.lower() in gz.cue_set("titles") or t in gz.cues("ranks") for t in tokens)
            or orgs.non_actor_head(gz, person)):
        return
    role, country = people.role_before(gz, text, sent.start, s)
    if not role:
        role, country = people.role_after(gz, text, e, sent.end)
    if not role:
        role, country = ctx.distributive.get(person, ("", ""))
    c.add(person, "person", s, e, country, role, why=PERSON_ENTITY)
