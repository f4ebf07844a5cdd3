"""The gazetteer of the actors stage: states, organisations, cue lexicons and non-actors, and every
matcher built from them.

States come from pycountry (names and official names) and resources/states.jsonl (canonical short
names, aliases, demonyms, capitals); organisations from resources/organizations.jsonl; cue
lexicons (titles, venue words, non-actor organisation heads, byline openings, ...) from
resources/actor_cues.jsonl; things that are never actors (news outlets, events, regions, and the
agreements of agreements.jsonl) from resources/not_actors.jsonl.

A `Gazetteer` is built from those rows and builds its matchers once, on first use, as instance
state. `Gazetteer.packaged()` is the one of pipeline/resources/ (built once per process); a test
builds one from a few rows of its own.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache

import pycountry
from spacy.strings import hash_string

from pipeline.resources import NotAfter, alternation, load_jsonl

APOS = "['’]"


def _pycountry_forms(country) -> list[str]:
    """Surface forms of one pycountry record: name, common and official names, and
    'Korea, Republic of' read as 'Republic of Korea'."""
    forms = []
    for attr in ("name", "common_name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        value = re.sub(r"^the ", "", value)
        if "(" in value:
            forms.append(value.split("(")[0].strip())
            continue
        if ", " in value:
            head, tail = value.split(", ", 1)
            value = re.sub(r"^The ", "", f"{tail} {head}")
        forms.append(value)
    return [f for f in forms if len(f) > 3]


def _pycountry_short(country) -> str:
    if getattr(country, "common_name", None):
        return country.common_name
    name = country.name
    if "(" in name:
        return name.split("(")[0].strip()
    if ", " in name:
        official = getattr(country, "official_name", None)
        return re.sub(r"^the ", "", official) if official else name.split(", ")[0]
    return name


class Gazetteer:
    """Lexicons and matchers of the actors stage (see the module doc).

    states, organizations, cues, not_actors: rows as in the resource files of those names;
    agreements: rows of agreements.jsonl (their names are never actors); countries: pycountry
    records (or any objects with alpha_3, name and optional common_name / official_name)."""

    def __init__(self, states: Iterable[dict], organizations: Iterable[dict], cues: Iterable[dict],
                 not_actors: Iterable[dict], agreements: Iterable[dict] = (), countries: Iterable = ()) -> None:
        self.state_rows = tuple(states)
        self.org_rows = tuple(organizations)
        self.cue_rows = tuple(cues)
        self.not_actor_rows = tuple(not_actors)
        self.agreement_rows = tuple(agreements)
        self.countries = tuple(countries)
        self.cue_regex = lru_cache(maxsize=None)(self._cue_regex)
        self.cue_set = lru_cache(maxsize=None)(self._cue_set)
        self.first_demonym = lru_cache(maxsize=None)(self._first_demonym)

    @classmethod
    def packaged(cls) -> Gazetteer:
        """The gazetteer of pipeline/resources/ and pycountry (built once per process)."""
        return _packaged()

    # ------------------------------------------------------------------ cue lexicons

    def cues(self, kind: str) -> tuple[str, ...]:
        """Words of one cue lexicon (empty if the kind is absent)."""
        return self._cues.get(kind, ())

    @cached_property
    def _cues(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for row in self.cue_rows:
            out.setdefault(row["kind"], []).extend(row["words"])
        return {k: tuple(v) for k, v in out.items()}

    def _cue_set(self, kind: str) -> frozenset[str]:
        return frozenset(w.lower() for w in self.cues(kind))

    def _cue_regex(self, kinds: str, template: str, flags: int = re.I, backwards: bool = False) -> re.Pattern:
        """template with {alt} replaced by the alternation of one cue lexicon, or of several joined
        by '+' ('ranks+titles'), e.g. r"^\\s+({alt})\\b"; backwards: of the words spelt backwards, for
        a regex matched on reversed text. Compiled once per gazetteer (self.cue_regex caches it)."""
        words = [w[::-1] if backwards else w for k in kinds.split("+") for w in self.cues(k)]
        return re.compile(template.replace("{alt}", alternation(words)), flags)

    @cached_property
    def title_words(self) -> frozenset[str]:
        words = {w for t in self.cues("titles") for w in t.lower().split()} | {
            w for t in self.cues("role_nouns") for w in t.lower().split()}
        words -= {"under", "of", "for", "to", "the", "and", "high"}
        return frozenset(words | {"former", "then-", "ex-", "state", "defense", "defence", "foreign", "affairs",
                                  "national", "security", "special", "deputy", "vice", "senior", "top", "acting",
                                  "chief", "staff"})

    # ------------------------------------------------------------------ states

    @cached_property
    def _state_tables(self) -> tuple[dict[str, str], frozenset[str]]:
        """(surface form -> canonical state name, forms that need a clean context).

        pycountry supplies every country; a states.jsonl row with the same alpha3 code gives the
        canonical short name and wins over pycountry. Single-word forms known only from pycountry
        (Jersey, Chad, ...) and a row's 'ambiguous_forms' are ambiguous."""
        rows = self.state_rows
        curated = {r["alpha3"]: r["name"] for r in rows if r.get("alpha3")}
        idx: dict[str, str] = {}
        ambiguous: set[str] = set()
        for country in self.countries:
            canonical = curated.get(country.alpha_3) or _pycountry_short(country)
            for form in _pycountry_forms(country) + [canonical]:
                if form not in idx:
                    idx[form] = canonical
                    if " " not in form and country.alpha_3 not in curated:
                        ambiguous.add(form)
        for row in rows:
            for form in [row["name"], *row.get("aliases", [])]:      # 'the States' needs its article
                idx[form] = row["name"]
                ambiguous.discard(form)
            ambiguous.update(row.get("ambiguous_forms", []))
        return idx, frozenset(ambiguous)

    @property
    def state_index(self) -> dict[str, str]:
        """surface form -> canonical state name (names, aliases, official names); case-sensitive keys."""
        return self._state_tables[0]

    @property
    def ambiguous_states(self) -> frozenset[str]:
        return self._state_tables[1]

    @cached_property
    def demonym_index(self) -> dict[str, str]:
        return {d: row["name"] for row in self.state_rows for d in row.get("demonyms", [])}

    @cached_property
    def capital_index(self) -> dict[str, str]:
        return {c: row["name"] for row in self.state_rows for c in row.get("capitals", [])}

    @cached_property
    def capital_orths(self) -> frozenset[int]:
        return frozenset(hash_string(c) for c in self.capital_index)

    def canonical_state(self, surface: str) -> str | None:
        """'U.S.' -> 'United States', 'Seoul' -> 'South Korea', 'the Philippines' -> 'Philippines'."""
        s = surface.strip()
        idx = self.state_index
        if s in idx:
            return idx[s]
        if s[:4].lower() == "the " and s[4:] in idx:
            return idx[s[4:]]
        return self.capital_index.get(s) or self.demonym_index.get(s)

    def state_of_word(self, word: str) -> str:
        return self.state_index.get(word) or self.demonym_index.get(word) or ""

    def is_state_word(self, word: str) -> bool:
        word = re.sub(APOS + "s$", "", word)
        return word in self.state_index or word in self.demonym_index

    def _first_demonym(self, state: str) -> str:
        """The state's first demonym made of letters and spaces ('Turkish'), else the state's name."""
        return next((d for d, c in self.demonym_index.items() if c == state and d.replace(" ", "").isalpha()), state)

    @cached_property
    def state_regexes(self) -> tuple[NotAfter, NotAfter, NotAfter]:
        """(state names, demonyms before a state noun, capitals before a verb cue)."""
        nouns = alternation([*self.cues("state_nouns"), *self.cues("titles"), *self.cues("military_nouns")])
        names = NotAfter(r"[\w.]", r"(" + alternation(self.state_index) + r")(?!\w|\.\w)")
        demonyms = NotAfter(r"[\w.]", r"(" + alternation(self.demonym_index) + r")\s+(?i:" + nouns + r")\b")
        capitals = NotAfter(r"[\w.-]", r"(" + alternation(self.capital_index) + r")(?=\s*(?:"
                            + alternation(self.cues("capital_verbs")) + r")(?!\w)|,\s*(?:which|who)\b)")
        return names, demonyms, capitals

    @cached_property
    def bare_regexes(self) -> tuple[re.Pattern, NotAfter]:
        """(any demonym, any capital as a whole word): for demonym lists and capitals as partners."""
        return (re.compile(alternation(self.demonym_index)),
                NotAfter(r"[\w.-]", r"(" + alternation(self.capital_index) + r")(?![\w-])"))

    @cached_property
    def demonym_list_regex(self) -> NotAfter:
        """'Chinese and Russian aircraft', 'British, French and German troops': every demonym of a
        coordinated list before a state noun or military noun refers to its state."""
        dem = alternation(self.demonym_index)
        nouns = alternation([*self.cues("state_nouns"), *self.cues("military_nouns")])
        return NotAfter(r"[\w.-]", r"((?:" + dem + r")(?:\s*,\s*(?:" + dem + r"))*,?\s+(?:and|or)\s+(?:"
                        + dem + r"))\s+(?i:" + nouns + r")\b")

    @cached_property
    def state_led_name_regex(self) -> re.Pattern:
        """'Solomon Islands Peter Vaka': a state name, then two to four capitalised words."""
        return re.compile(r"(" + alternation(self.state_index) + r")\s+((?:[A-Z][\w’'-]+\s*){2,4})$")

    @cached_property
    def state_word_regex(self) -> re.Pattern:
        """A state name, alias or demonym as a whole word, with an optional possessive (ambiguous
        forms such as 'Jersey' in 'New Jersey Sen. X' are left out)."""
        forms = [f for f in [*self.state_index, *self.demonym_index] if f not in self.ambiguous_states]
        return re.compile(r"(?<![\w.])(" + alternation(forms) + r")(?:" + APOS + r"s)?(?!\w|\.\w)")

    @cached_property
    def body_regex(self) -> NotAfter:
        """'the South Korean military', 'Turkey's parliament': a state body named by its state."""
        states = alternation([*self.state_index, *self.demonym_index])
        return NotAfter(r"[\w.]", r"(" + states + r")(?:" + APOS + r"s)?\s+(?i:(" +
                        alternation(self.cues("state_bodies")) + r"))\b")

    # ------------------------------------------------------------------ organisations

    @cached_property
    def org_index(self) -> dict[str, tuple[str, str]]:
        """surface form -> (canonical name, country) for the organisations of the catalogue."""
        idx = {}
        for row in self.org_rows:
            for form in [row["name"], *row.get("aliases", [])]:
                idx[form] = (row["name"], row.get("country", ""))
                if form.startswith("the "):
                    idx[form[4:]] = (row["name"], row.get("country", ""))
        return idx

    @cached_property
    def entry_ids(self) -> dict[tuple[str, str], str]:
        """(type, canonical name) -> the id of its states.jsonl / organizations.jsonl row."""
        out = {("state", r["name"]): r["id"] for r in self.state_rows if r.get("id")}
        out.update({("organization", r["name"]): r["id"] for r in self.org_rows if r.get("id")})
        return out

    @cached_property
    def seat_names(self) -> frozenset[str]:
        """Seats of government ('the Kremlin', 'the White House'): actors unless only a venue."""
        return frozenset(r["name"] for r in self.org_rows if r.get("seat"))

    def seat_country(self, name: str) -> str:
        """The state a seat of government stands for ('Kremlin' -> 'Russia'), else ''."""
        return self.org_index.get(name, ("", ""))[1] if name in self.seat_names else ""

    @cached_property
    def org_regex(self) -> NotAfter:
        return NotAfter(r"[\w-]", r"(" + alternation(self.org_index) + r")(?![\w-])")

    @cached_property
    def not_actor_forms(self) -> frozenset[str]:
        """Lower-cased names that are never actors: news outlets, events, regions, diseases, and the
        names, acronyms and aliases of agreements."""
        forms = {p.lower() for row in self.not_actor_rows for p in row["patterns"]}
        for row in self.agreement_rows:
            forms.update(f.lower() for f in [row.get("name"), row.get("acronym"), *row.get("aliases", [])] if f)
        return frozenset(forms)


@lru_cache(maxsize=1)
def _packaged() -> Gazetteer:
    return Gazetteer(states=load_jsonl("states.jsonl"), organizations=load_jsonl("organizations.jsonl"),
                     cues=load_jsonl("actor_cues.jsonl"), not_actors=load_jsonl("not_actors.jsonl"),
                     agreements=load_jsonl("agreements.jsonl"), countries=pycountry.countries)
