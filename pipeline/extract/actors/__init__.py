"""Actors: states, organisations and people, typed and merged per article under one canonical name.

States come from a gazetteer (pycountry names and official names, plus resources/states.jsonl for
canonical short names, aliases, demonyms and capitals); organisations from resources/organizations.jsonl
plus spaCy ORG entities; people from spaCy PERSON entities. Cue lexicons (titles, venue words,
non-actor organisation heads, byline openings, ...) are data in resources/actor_cues.jsonl; things
that are never actors (news outlets, events, regions) are in resources/not_actors.jsonl.

The package:
    gazetteer.py  the lexicons and every matcher built from them (a Gazetteer's instance state)
    states.py     state mentions, and whether one only names a place
    orgs.py       state bodies, acronyms, and the checks that keep non-actors out
    people.py     honorifics, roles from titles and appositions, merging a person's mentions
    layout.py     bylines, credits, datelines, headline lines and the authors they name
    collect.py    the passes over one article, in order
A Stage holds its Gazetteer: `Stage(config, gazetteer=Gazetteer(states=..., ...))` runs on other
lexicons.

Pure functions: (doc, sentences) -> list[ActorFinding]. canonical_state, org_index, seat_country,
state_index and state_mentions below answer with the packaged gazetteer; the agreements stage uses
them to canonicalise parties (and so asks for an article's state mentions again: see
states.state_mentions for the cache that makes the second ask free).
"""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.extract.actors import people
from pipeline.extract.actors.collect import (
    Collector,
    add_catalogue_orgs,
    add_entities,
    add_state_bodies,
    add_states,
)
from pipeline.extract.actors.gazetteer import Gazetteer
from pipeline.extract.actors.orgs import org_key
from pipeline.extract.actors.people import alias_links, merge_people
from pipeline.extract.actors.states import state_mentions as _mentions
from pipeline.records import ActorFinding, Sentence

__all__ = ["Gazetteer", "Stage", "canonical_state", "capital_index", "cues", "extract", "merge_people", "org_index", "org_key",
           "seat_country", "state_index", "state_mentions", "strip_honorifics"]


def extract(doc: Doc, sents: list[Sentence], author: str = "", gazetteer: Gazetteer | None = None) -> list[ActorFinding]:
    """Actors of one article. author: the article's byline author (never an actor); gazetteer:
    the packaged one unless given."""
    c = Collector(gazetteer or Gazetteer.packaged(), doc, sents)
    add_catalogue_orgs(c)
    add_state_bodies(c)
    add_states(c)
    ents = add_entities(c, author)
    return merge_people(c.actors(), alias_links(c.gz, c.text, ents))


class Stage:
    """The actors stage (no settings of its own): states, organisations and people, found with
    its gazetteer (the packaged one unless given)."""

    name = "actors"

    def __init__(self, config: dict, gazetteer: Gazetteer | None = None) -> None:
        self.config = config
        self.gazetteer = gazetteer or Gazetteer.packaged()

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[ActorFinding]:
        return extract(doc, sents, author=upstream.article.author, gazetteer=self.gazetteer)


# ----------------------------------------------------------------------------- the packaged gazetteer

def cues(kind: str) -> tuple[str, ...]:
    """Words of one cue lexicon in resources/actor_cues.jsonl (empty if the kind is absent)."""
    return Gazetteer.packaged().cues(kind)


def state_index() -> dict[str, str]:
    """surface form -> canonical state name (names, aliases, official names); case-sensitive keys."""
    return Gazetteer.packaged().state_index


def canonical_state(surface: str) -> str | None:
    """'U.S.' -> 'United States', 'Seoul' -> 'South Korea', 'the Philippines' -> 'Philippines'."""
    return Gazetteer.packaged().canonical_state(surface)


def capital_index() -> dict[str, str]:
    """capital -> the state it stands for ('Seoul' -> 'South Korea'), from states.jsonl."""
    return Gazetteer.packaged().capital_index


def org_index() -> dict[str, tuple[str, str]]:
    """surface form -> (canonical name, country) for the organisations in organizations.jsonl."""
    return Gazetteer.packaged().org_index


def seat_country(name: str) -> str:
    """The state a seat of government stands for ('Kremlin' -> 'Russia'), else ''."""
    return Gazetteer.packaged().seat_country(name)


def state_mentions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, canonical) of every state reference in text, leftmost first. The
    actors and agreements stages both ask for an article's: the last few answers are kept."""
    return list(_mentions(Gazetteer.packaged(), text))


def strip_honorifics(name: str) -> str:
    """'Mr Santos' -> 'Santos', 'Dr. Mark Esper' -> 'Mark Esper'; possessives dropped."""
    return people.strip_honorifics(Gazetteer.packaged(), name)
