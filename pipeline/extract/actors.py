"""Actors: states, organisations and people, typed and merged per article under one canonical name.

States come from a gazetteer (pycountry names and official names, plus resources/states.jsonl for
canonical short names, aliases, demonyms and capitals); organisations from resources/organizations.jsonl
plus spaCy ORG entities; people from spaCy PERSON entities. Cue lexicons (titles, venue words,
non-actor organisation heads, byline openings, ...) are data in resources/actor_cues.jsonl; things
that are never actors (news outlets, events, regions) are in resources/not_actors.jsonl.

Pure functions: (doc, sentences) -> list[ActorFinding]. state_mentions() and canonical_state() are
also used by the agreements extractor to canonicalise parties.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pycountry
from spacy.attrs import ORTH
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from pipeline.extract.nlp import sentence_at, text_of
from pipeline.records import ActorFinding, Mention, Sentence
from pipeline.resources import NotAfter, alternation, load_jsonl

APOS = "['’]"


# ----------------------------------------------------------------------------- lexicons

@lru_cache(maxsize=None)
def cues(kind: str) -> tuple[str, ...]:
    """Words of one cue lexicon in resources/actor_cues.jsonl (empty if the kind is absent)."""
    return tuple(w for row in load_jsonl("actor_cues.jsonl") if row["kind"] == kind for w in row["words"])


def _alternation(forms) -> str:
    return alternation(forms)


@lru_cache(maxsize=None)
def _cue_regex(kinds: str, template: str, flags: int = re.I, backwards: bool = False) -> re.Pattern:
    """template with {alt} replaced by the alternation of one cue lexicon, or of several joined
    by '+' ('ranks+titles'), e.g. r"^\\s+({alt})\\b"; backwards: of the words spelt backwards, for
    a regex matched on reversed text. Compiled once: hot callers never rebuild it."""
    words = [w[::-1] if backwards else w for k in kinds.split("+") for w in cues(k)]
    return re.compile(template.replace("{alt}", _alternation(words)), flags)


@lru_cache(maxsize=None)
def _cue_set(kind: str) -> frozenset[str]:
    return frozenset(w.lower() for w in cues(kind))


# ----------------------------------------------------------------------------- states

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


@lru_cache(maxsize=1)
def _state_tables() -> tuple[dict[str, str], frozenset[str]]:
    """(surface form -> canonical state name, forms that need a clean context).

    pycountry supplies every country; a states.jsonl row with the same alpha3 code gives the
    canonical short name and wins over pycountry. Single-word forms known only from pycountry
    (Jersey, Chad, ...) and a row's 'ambiguous_forms' are ambiguous."""
    rows = load_jsonl("states.jsonl")
    curated = {r["alpha3"]: r["name"] for r in rows if r.get("alpha3")}
    idx: dict[str, str] = {}
    ambiguous: set[str] = set()
    for country in pycountry.countries:
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


def state_index() -> dict[str, str]:
    """surface form -> canonical state name (names, aliases, official names); case-sensitive keys."""
    return _state_tables()[0]


@lru_cache(maxsize=1)
def demonym_index() -> dict[str, str]:
    return {d: row["name"] for row in load_jsonl("states.jsonl") for d in row.get("demonyms", [])}


@lru_cache(maxsize=1)
def capital_index() -> dict[str, str]:
    return {c: row["name"] for row in load_jsonl("states.jsonl") for c in row.get("capitals", [])}


@lru_cache(maxsize=1)
def _state_regexes() -> tuple[NotAfter, NotAfter, NotAfter]:
    nouns = _alternation([*cues("state_nouns"), *cues("titles"), *cues("military_nouns")])
    names = NotAfter(r"[\w.]", r"(" + _alternation(state_index()) + r")(?!\w|\.\w)")
    demonyms = NotAfter(r"[\w.]", r"(" + _alternation(demonym_index()) + r")\s+(?i:" + nouns + r")\b")
    capitals = NotAfter(r"[\w.-]", r"(" + _alternation(capital_index()) + r")(?=\s*(?:"
                         + _alternation(cues("capital_verbs")) + r")(?!\w)|,\s*(?:which|who)\b)")
    return names, demonyms, capitals


@lru_cache(maxsize=1)
def _bare_regexes() -> tuple[re.Pattern, NotAfter]:
    """(any demonym, any capital as a whole word): for demonym lists and capitals as partners."""
    return (re.compile(_alternation(demonym_index())),
            NotAfter(r"[\w.-]", r"(" + _alternation(capital_index()) + r")(?![\w-])"))


@lru_cache(maxsize=1)
def _demonym_list_regex() -> NotAfter:
    """'Chinese and Russian aircraft', 'British, French and German troops': every demonym of a
    coordinated list before a state noun or military noun refers to its state."""
    dem = _alternation(demonym_index())
    nouns = _alternation([*cues("state_nouns"), *cues("military_nouns")])
    return NotAfter(r"[\w.-]", r"((?:" + dem + r")(?:\s*,\s*(?:" + dem + r"))*,?\s+(?:and|or)\s+(?:"
                     + dem + r"))\s+(?i:" + nouns + r")\b")


@lru_cache(maxsize=1)
def _state_led_name_regex() -> re.Pattern:
    """'Solomon Islands Peter Vaka': a state name, then two to four capitalised words."""
    return re.compile(r"(" + _alternation(state_index()) + r")\s+((?:[A-Z][\w’'-]+\s*){2,4})$")


def canonical_state(surface: str) -> str | None:
    """'U.S.' -> 'United States', 'Seoul' -> 'South Korea', 'the Philippines' -> 'Philippines'."""
    s = surface.strip()
    idx = state_index()
    if s in idx:
        return idx[s]
    if s[:4].lower() == "the " and s[4:] in idx:
        return idx[s[4:]]
    return capital_index().get(s) or demonym_index().get(s)


@lru_cache(maxsize=1)
def _state_word_regex() -> re.Pattern:
    """A state name, alias or demonym as a whole word, with an optional possessive (ambiguous
    forms such as 'Jersey' in 'New Jersey Sen. X' are left out)."""
    forms = [f for f in [*state_index(), *demonym_index()] if f not in _state_tables()[1]]
    return re.compile(r"(?<![\w.])(" + _alternation(forms) + r")(?:" + APOS
                      + r"s)?(?!\w|\.\w)")


def _state_of_word(word: str) -> str:
    return state_index().get(word) or demonym_index().get(word) or ""


def _is_state_word(word: str) -> bool:
    word = re.sub(APOS + "s$", "", word)
    return word in state_index() or word in demonym_index()


_WORD_BACKWARDS = re.compile(r"\s*([\w.’'-]+)")


def _word_before(text: str, start: int) -> str:
    r"""The word ending (but for whitespace) at start, within 40 characters: what
    re.search(r"([\w.’'-]+)\s*$", window) finds, read on the reversed window because a regex
    anchored at the end is tried at every position of it."""
    m = _WORD_BACKWARDS.match(text[max(0, start - 40):start][::-1])
    return m.group(1)[::-1] if m else ""


def _word_after(text: str, end: int) -> str:
    m = re.match(r"\s*([\w.’'-]+)", text[end:end + 40])
    return m.group(1) if m else ""


def _hyphen_ok(text: str, start: int, end: int) -> bool:
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


def _part_of_place_name(text: str, start: int, end: int) -> bool:
    """'Latin America', 'South China Sea', 'Taiwan Strait': the state name is part of a region."""
    if _word_before(text, start) in cues("compass_prefixes") and text[max(0, start - 1)] == " ":
        return True
    return _word_after(text, end) in cues("geo_features")


def _capitalised_neighbour(text: str, start: int, end: int) -> bool:
    """'Michael Jordan', 'New Jersey', 'Georgia Tech': a capitalised word right next to the form."""
    before = re.search(r"([A-Z][\w'-]*)[ ]$", text[max(0, start - 30):start])
    if before and not re.search(r"(^|[.!?:\n]\s*)$", text[max(0, start - 30):before.start() + max(0, start - 30)]):
        return True
    return bool(re.match(r" [A-Z][a-z]", text[end:end + 3]))


def _after_venue_word(text: str, start: int, kind: str = "venue_preps") -> bool:
    r"""The 40 characters before start end with a venue word and whitespace ('held in ', 'at the '):
    re.search(r"\b(?:{alt})\s+(?:the\s+)?$", window), matched on the reversed window with the
    words spelt backwards (see _word_before)."""
    window = text[max(0, start - 40):start][::-1]
    return bool(_cue_regex(kind, r"(?:\s+eht)?\s+(?:{alt})\b", backwards=True).match(window))


def state_mentions(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, canonical) of every state reference in text, leftmost first.
    The actors and agreements stages both ask for an article's: the last few answers are kept."""
    return list(_state_mentions(text))


@lru_cache(maxsize=16)
def _state_mentions(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """state_mentions, as a tuple.

    Names and aliases (not inside region names like 'South China Sea' or compounds like 'US-made'),
    demonyms before a government noun or title ('the South Korean government', 'Soviet President';
    not 'South Korean public opinion', not 'a former Nigerian president'), and capitals used for
    their government ('Seoul said', 'Tokyo and Manila'; not 'a visit to Tokyo', 'in Seoul')."""
    names, demonyms, capitals = _state_regexes()
    ambiguous = _state_tables()[1]
    found: list[tuple[int, int, str, str]] = []
    for m in names.finditer(text):
        s, e, surface = m.start(1), m.end(1), m.group(1)
        if surface == "US" and text[e:e + 1] == "$":
            continue
        if not _hyphen_ok(text, s, e) or _part_of_place_name(text, s, e):
            continue
        if surface in ambiguous and _capitalised_neighbour(text, s, e):
            continue
        canonical = state_index()[surface]
        if surface.startswith("the "):              # the span leaves the article out
            s, surface = s + 4, surface[4:]
        found.append((s, e, surface, canonical))
    former = _cue_regex("former_words", r"(?:\b|^)(?:{alt})\s*$")
    for m in demonyms.finditer(text):
        s, e = m.start(1), m.end(1)
        if former.search(text[max(0, s - 20):s]) or _part_of_place_name(text, s, e):
            continue
        found.append((s, e, m.group(1), demonym_index()[m.group(1)]))
    for m in _demonym_list_regex().finditer(text):           # 'Chinese and Russian aircraft'
        if former.search(text[max(0, m.start() - 20):m.start()]):
            continue
        for d in _bare_regexes()[0].finditer(m.group(1)):
            s = m.start(1) + d.start()
            found.append((s, s + len(d.group(0)), d.group(0), demonym_index()[d.group(0)]))
    for m in capitals.finditer(text):
        s, e = m.start(1), m.end(1)
        if (_after_venue_word(text, s) or _after_venue_word(text, s, "motion_preps")
                or _capitalised_neighbour(text, s, s) and text[s - 1:s] == " "):
            continue
        found.append((s, e, m.group(1), capital_index()[m.group(1)]))
    partner = _cue_regex("capital_partner_preps", r"\b(?:{alt})\s+(?:both\s+)?$")
    seen = {f[0] for f in found}
    for m in _bare_regexes()[1].finditer(text):
        s, e = m.start(1), m.end(1)           # 'talks with Washington', 'between Tokyo and Manila'
        if s in seen or (_capitalised_neighbour(text, s, e) and not re.match(r" and ", text[e:e + 5])):
            continue
        before = text[max(0, s - 30):s]
        listed = re.search(r"(?:,|\band|\bor)\s+$", before) and any(
            f[1] == s - len(re.search(r"[\s,]*(?:and\s+|or\s+)?$", before).group(0)) for f in found)
        if partner.search(before) or listed:
            found.append((s, e, m.group(1), capital_index()[m.group(1)]))
    found.sort(key=lambda f: (f[0], -f[1]))
    out, last = [], -1
    for f in found:
        if f[0] >= last:
            out.append(f)
            last = f[1]
    return tuple(out)


# re.search(r"([A-Za-z][\w.'-]*),\s*$", window) read on the reversed window (see _word_before)
_LISTED_BACKWARDS = re.compile(r"\s*,([\w.'-]*[A-Za-z])")
_POSSESSIVE = re.compile(r"\s*" + APOS + "s")


def _location_use(doc: Doc, text: str, start: int, end: int, state_ends: frozenset[int] = frozenset()) -> bool:
    """A state mention that only names a place: 'in Singapore', 'held in Qatar', 'Doha, Qatar'.
    Not 'the war in Ukraine' (a party to the conflict), not 'China, Japan, Australia' (a list)."""
    if _after_venue_word(text, start):
        return not _cue_regex("conflict_nouns", r"\b(?:{alt})\s+(?:\w+\s+){0,1}$").search(
            text[max(0, start - 40):start])
    m = _LISTED_BACKWARDS.match(text[max(0, start - 40):start][::-1])   # 'Doha, ' before 'Qatar'
    if not m or _POSSESSIVE.match(text[end:end + 3]) or _is_state_word(m.group(1)[::-1]):
        return False
    word_start, word_end = start - m.end(), start - m.end() + len(m.group(1))
    if word_end in state_ends:
        return False
    tok = doc.char_span(word_start, word_end, alignment_mode="expand")
    return bool(tok) and tok[-1].pos_ == "PROPN" and tok[-1].ent_type_ not in ("PERSON", "ORG")


# ----------------------------------------------------------------------------- organisations

@lru_cache(maxsize=1)
def _org_rows() -> tuple[dict, ...]:
    return load_jsonl("organizations.jsonl")


@lru_cache(maxsize=1)
def org_index() -> dict[str, tuple[str, str]]:
    """surface form -> (canonical name, country) for the organisations in organizations.jsonl."""
    idx = {}
    for row in _org_rows():
        for form in [row["name"], *row.get("aliases", [])]:
            idx[form] = (row["name"], row.get("country", ""))
            if form.startswith("the "):
                idx[form[4:]] = (row["name"], row.get("country", ""))
    return idx


def seat_country(name: str) -> str:
    """The state a seat of government stands for ('Kremlin' -> 'Russia'), else ''."""
    return org_index().get(name, ("", ""))[1] if name in _seat_names() else ""


@lru_cache(maxsize=1)
def _seat_names() -> frozenset[str]:
    """Seats of government ('the Kremlin', 'the White House'): actors unless only a venue."""
    return frozenset(r["name"] for r in _org_rows() if r.get("seat"))


@lru_cache(maxsize=1)
def _org_regex() -> NotAfter:
    return NotAfter(r"[\w-]", r"(" + _alternation(org_index()) + r")(?![\w-])")


@lru_cache(maxsize=1)
def not_actor_forms() -> frozenset[str]:
    """Lower-cased names that are never actors: news outlets, events, regions, diseases, and the
    names, acronyms and aliases of agreements in agreements.jsonl."""
    forms = {p.lower() for row in load_jsonl("not_actors.jsonl") for p in row["patterns"]}
    for row in load_jsonl("agreements.jsonl"):
        forms.update(f.lower() for f in [row.get("name"), row.get("acronym"), *row.get("aliases", [])] if f)
    return frozenset(forms)


@lru_cache(maxsize=1)
def _body_regex() -> NotAfter:
    """'the South Korean military', 'Turkey's parliament': a state body named by its state."""
    states = _alternation([*state_index(), *demonym_index()])
    return NotAfter(r"[\w.]", r"(" + states + r")(?:" + APOS + r"s)?\s+(?i:(" +
                     _alternation(cues("state_bodies")) + r"))\b")


def _state_body(doc: Doc, m: re.Match) -> str:
    """Name of a state body matched by _body_regex, or '' when the phrase is not one.

    A body named with a demonym ('the South Korean military') is one unless the noun modifies
    another noun ('Chinese military buildup'); one named with a state name or possessive
    ('Turkey's parliament') only when it is the subject of a clause. The name keeps a demonym as
    written ('Philippine Senate', never respelt 'Filipino Senate'); a state name becomes the
    state's first demonym ('Turkish parliament'). Variants merge on the state (see extract)."""
    state, noun = m.group(1), m.group(2)
    span = doc.char_span(m.start(2), m.end(2), alignment_mode="expand")
    if span is None:
        return ""
    head = span[-1]
    if head.i + 1 < len(doc) and doc[head.i + 1].pos_ in ("NOUN", "PROPN") and head.dep_ in ("amod", "compound"):
        return ""
    is_demonym = state in demonym_index() and state.replace(" ", "").isalpha()
    if not is_demonym and head.dep_ not in ("nsubj", "nsubjpass"):
        return ""
    return f"{state if is_demonym else _first_demonym(canonical_state(state) or '')} {noun}"


@lru_cache(maxsize=None)
def _first_demonym(state: str) -> str:
    """The state's first demonym made of letters and spaces ('Turkish'), else the state's name."""
    return next((d for d, c in demonym_index().items() if c == state and d.replace(" ", "").isalpha()), state)


def _acts_as_subject(doc: Doc, start: int, end: int, text: str) -> bool:
    """A seat of government acts ('The Kremlin said', 'a statement from the White House') rather
    than being a place ('toured the White House', 'a ceremony at the White House')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if span.root.dep_ in ("nsubj", "nsubjpass", "poss", "agent"):
        return True
    return bool(re.search(r"\b(?:by|from)\s+(?:the\s+)?$", text[max(0, start - 12):start]))


def _clean_name(name: str) -> str:
    name = re.sub(r"\s*\([^)]*$", "", name.strip())            # 'Agreement (RAA' -> 'Agreement'
    name = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I)
    name = re.sub(APOS + r"s$", "", name)
    return re.sub(r"[\s,.;:'’\"“”(]+$", "", name).strip()


_ACRONYM_WORD = r"(?:[A-Z][\w’'-]*|of|and|for|the|on|in|to|&)"
_ACRONYM_DEFINITION = re.compile(r"(" + _ACRONYM_WORD + r"(?:\s+" + _ACRONYM_WORD
                                 + r")*)\s*\(([A-Z][A-Za-z]{1,9})\)")
_ACRONYM_PAREN = re.compile(r"\([A-Z][A-Za-z]{1,9}\)")
_DEFINITION_CHARS = re.compile(r"[\w\s’'&-]*")      # all a definition may hold before its '('


def _acronym_definitions(text: str) -> dict[str, str]:
    """'Long Name (LN)' in the text: acronym -> long name (the run of capitalised words before it).

    The matches of _ACRONYM_DEFINITION.finditer(text), found without trying that regex at every
    position: a definition ends at an '(LN)' and starts in the run of characters it may hold right
    before it (found reading the text backwards), so only that run is searched."""
    out = {}
    backwards = text[::-1]
    for paren in _ACRONYM_PAREN.finditer(text):
        run_start = len(text) - _DEFINITION_CHARS.match(backwards, len(text) - paren.start()).end()
        m = _ACRONYM_DEFINITION.search(text, run_start, paren.end())
        if m:
            out[m.group(2)] = re.sub(r"^(?:(?:of|and|for|the|on|in|to|&)\s+)+", "", m.group(1))
    return out


def _agreement_like(name: str, text: str, acronyms: dict[str, str]) -> bool:
    """An agreement or document, not an actor: 'Paris Climate Agreement', 'RCEP', 'the USMCA deal'."""
    heads = _cue_regex("agreement_heads", r"\b(?:{alt})\b", 0)
    if name.lower() in not_actor_forms():
        return True
    if heads.search(name):          # but 'Collective Security Treaty Organization' is an organisation
        return not _cue_regex("org_heads", r"\b(?:{alt})$", 0).search(name)
    if re.fullmatch(r"[A-Z][A-Za-z-]{1,9}", name):
        if heads.search(acronyms.get(name, "")):
            return True
        return _before_agreement_noun(name, text)
    return False


_NOT_AFTER_WORD = re.compile(r"(?<![\w-])")


def _before_agreement_noun(name: str, text: str) -> bool:
    r"""name, as a whole word, right before an agreement noun somewhere in text ('RCEP deal',
    'AUKUS-style pact'): what re.search(r"(?<![\w-])NAME(?:\s+|-)(?:nouns)\b") finds, but with
    str.find, not a big regex compiled for each name."""
    noun = _cue_regex("agreement_nouns", r"(?:\s+|-)(?:{alt})\b", 0)
    at = text.find(name)
    while at >= 0:
        if _NOT_AFTER_WORD.match(text, at) and noun.match(text, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False


def _byline_spans(text: str) -> list[tuple[int, int]]:
    """Bylines, reporting/editing credits and picture credits: their names are not actors."""
    spans = []
    lines = _line_starts(text)
    starts = _cue_regex("byline_starts", r"^[ \t(\[]*(?:{alt})\b[:\s]", re.M)
    for m in _at_line_starts(starts, text, lines):
        end = text.find("\n", m.start())
        spans.append((m.start(), end if end >= 0 else len(text)))
    for m in re.finditer(r"\(([^()\n]{3,120})\)", text):
        inner = m.group(1)
        if "/" in inner or _cue_regex("credit_words", r"^(?:{alt})\b[:\s]", 0).search(inner):
            spans.append(m.span())
    for m in _at_line_starts(_OUTLET_LINE, text, lines):         # 'NAME | OUTLET' lines
        spans.append(m.span())
    for pattern in _DATELINES:                                   # 'CITY, date (Agency) -'
        spans.extend(m.span() for m in _at_line_starts(pattern, text, lines))
    return spans


def _line_starts(text: str) -> list[int]:
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _at_line_starts(pattern: re.Pattern, text: str, lines: list[int]) -> Iterator[re.Match]:
    """pattern.finditer(text) for a pattern that opens with ^ under re.M, tried at the line starts
    alone (re would try it at every position of the text)."""
    pos = 0
    for start in lines:
        if start >= pos and (m := pattern.match(text, start)):
            yield m
            pos = m.end()


_OUTLET_LINE = re.compile(r"^[^\n]{0,80}\|[^\n]*$", re.M)


_DATELINES = (      # the dash is followed by the first sentence: a capital letter or a quote
    re.compile(r"^[ \t]*[A-Z]{2}[A-Z.'’ -]*?(?:,[^\n()]{0,40}?)?\s*(?:\([^()\n]{2,40}\)\s*)?[-–—]+[ \t]+(?=[A-Z\"“‘'])",
               re.M),
    re.compile(r"^[ \t]*[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,2}(?:,[^\n()]{0,40}?)?\s*\([^()\n]{2,40}\)\s*[-–—]+"
               r"[ \t]+(?=[A-Z\"“‘'])", re.M),
)


def _author_names(text: str) -> list[frozenset[str]]:
    """Lower-cased name words of the article's authors: names on a 'By A and B' line, a line
    holding only a name near the top (under the headline), and the subject of a closing bio
    line ('X is a senior fellow at Y.')."""
    names: list[str] = []
    particles = [p for p in cues("name_particles") if p not in ("and", "of", "for", "the", "on", "in", "at", "&")]
    name = r"[A-Z][\w’'.-]+(?:[ \t]+(?:[A-Z][\w’'.-]+|(?:" + _alternation(particles) + r")))*[ \t]+[A-Z][\w’'.-]+"
    honor = r"(?:(?:" + _alternation(cues("honorifics")) + r")\.?[ \t]+)?"
    for m in re.finditer(r"^[ \t]*By[ \t:]+([^\n]+)$", text, re.M):
        names.extend(re.findall(name, m.group(1)))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines[1:8], 1):
        if len(line.split()) >= 12:
            break
        body = "\n".join(lines[i + 1:-1])
        m = not line.startswith("By ") and re.fullmatch(honor + "(" + name + ")", line)
        if (m and not state_mentions(line) and not _org_regex().search(line)      # a name the body
                and not re.search(r"\b" + re.escape(m.group(1).split()[-1]) + r"\b", body)):  # uses is no byline
            names.append(m.group(1))
    if lines:
        m = re.match(honor + "(" + name + r")\s+(?:is|was|serves as|has been)\s+(?:a|an|the)\s", lines[-1])
        if m and _cue_regex("bio_cues", r"\b(?:{alt})").search(lines[-1]):
            names.append(m.group(1))
    return [frozenset(strip_honorifics(n).lower().split()) for n in names]


def _title_line_spans(text: str) -> list[tuple[int, int]]:
    """Headline-like lines: short lines with no sentence punctuation that come first or are in
    Title Case ('The End of X and the Vanishing Y'); not a caption ('X. (Photo: Y)')."""
    spans, first = [], True
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "as", "from", "vs"}
    for m in re.finditer(r"^[^\n]*\S[^\n]*$", text, re.M):
        line = m.group(0).strip()
        if not _SENTENCE_PUNCT.search(line):         # tested first: it rules out most prose lines
            words = [w for w in _WORD.findall(line) if w.lower() not in small]
            lower = sum(not w[:1].isupper() for w in words)
            if 2 <= len(words) <= 20 and (first or lower <= min(2, len(words) // 4)):
                spans.append(m.span())
        first = False
    return spans


_SENTENCE_PUNCT = re.compile(r"[.!?:;\"”]$|[.!?]\s")
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def _named_outside(name: str, text: str, spans: list[tuple[int, int]]) -> bool:
    for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
        if not any(a <= m.start() < b for a, b in spans):
            return True
    return False


def _inside_agreement_name(text: str, start: int) -> bool:
    """'the Treaty on the [Non-Proliferation of Nuclear Weapons]', 'the Agreement on the
    Establishment of Peace and [Interstate Relations]': a Title Case run that a capitalised
    agreement head opens is the agreement's name, not an organisation."""
    before = text[max(0, start - 160):start].split("\n")[-1]
    return bool(_cue_regex("agreement_heads", r"\b(?:{alt})\s+(?:on|of|for|concerning|regarding)\s+"
                           r"(?:(?:the|and|of|on|for|in|to|&)\s+|[A-Z][\w’'-]*,?\s+)*$", 0).search(before))


def _place_context(text: str, end: int) -> bool:
    """'the Karabakh region', 'its Nakhchivan exclave': a name before a lower-case place noun."""
    return bool(_cue_regex("place_nouns", r"^\s+(?:{alt})\b", 0).match(text[end:end + 30]))


def _qualified_org_end(text: str, end: int) -> int:
    """End of 'OSCE [Minsk Group]', 'NATO [Parliamentary Assembly]': capitalised words after a
    known organisation that end in a unit noun (Group, Assembly, Council, ...) and hold no title
    ('NATO Secretary-General' is a title). 0 when there are none."""
    m = re.match(r"(?:[ ][A-Z][\w’'-]+){1,3}(?![\w’'-])", text[end:end + 80])
    if not m:
        return 0
    words = m.group(0).split()
    titles = {t.lower() for t in [*cues("titles"), *cues("ranks")] if " " not in t}
    best = 0
    for k in range(1, len(words) + 1):
        if words[k - 1].lower() in titles:
            break
        tail = " ".join(words[:k])
        if _cue_regex("org_unit_heads", r"(?:^|\s)(?:{alt})$", 0).search(tail):
            best = end + len(" ".join([""] + words[:k]))
    return best


def _spelling_key(name: str) -> str:
    k = re.sub(r"^the\s+", "", name.lower()).replace("-", "").replace(" ", "")
    return re.sub(r"isation", "ization", k).replace("defence", "defense")


def _as_written(surface: str, canonical: str) -> str:
    """A known organisation's name keeps the article's spelling ('Shanghai Cooperation
    Organization' / '... Organisation'); other aliases ('UN', 'NATO's long name') give the
    canonical name."""
    surface = re.sub(r"^the\s+", "", surface)
    return surface if _spelling_key(surface) == _spelling_key(canonical) else canonical


@lru_cache(maxsize=1)
def _capital_orths() -> frozenset[int]:
    return frozenset(hash_string(c) for c in capital_index())


def _capital_tokens(doc: Doc) -> list[Token]:
    """The tokens whose text is a capital, picked by ORTH hash from the doc's array (the text is
    then checked: a hash only narrows them down): making a spaCy Token object for every token of
    the article to read its text cost more than the rest of _capital_subjects."""
    capitals = _capital_orths()
    candidates = [doc[i] for i, orth in enumerate(doc.to_array(ORTH).tolist()) if orth in capitals]
    return [tok for tok in candidates if tok.text in capital_index()]


def _capital_subjects(doc: Doc, text: str, known: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Capitals acting as their government by grammar where no verb cue follows: the subject of
    a clause ('Washington, which backed the deal, has been patient'), a conjunct of one, or
    the agent of a passive ('abandoned by Washington')."""
    out = []
    for tok in _capital_tokens(doc):
        canonical = capital_index()[tok.text]
        if (tok.ent_type_ == "PERSON" or any(s <= tok.idx < e for s, e, _, _ in known)
                or _after_venue_word(text, tok.idx) or _after_venue_word(text, tok.idx, "motion_preps")
                or _capitalised_neighbour(text, tok.idx, tok.idx + len(tok))):
            continue
        head = tok
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        if head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "pobj" and head.head.dep_ == "agent"):
            out.append((tok.idx, tok.idx + len(tok), tok.text, canonical))
    return out


def _press_apposition(text: str, end: int) -> bool:
    """'X, Tokyo correspondent' / 'X, staff writer': the article's author or staff."""
    m = re.match(r"\s*,\s*([^,\n]{0,40})", text[end:end + 60])
    return bool(m and _cue_regex("press_roles", r"\b(?:{alt})s?\b").search(m.group(1)))


def _part_of_title(text: str, start: int, end: int) -> bool:
    """'External Affairs Minister', 'Army Chief', 'Secretary of Defense', 'Chief of Defence Staff':
    an organisation written as part of somebody's title."""
    if _cue_regex("titles", r"^[ \t]*(?:{alt})\b").search(text[end:end + 40]):
        return True
    return bool(re.search(r"\b(?:Secretary|Minister|Ministers|Chief|Head|Director|Commander|"
                          r"Ambassador|Secretary-General|Chairman|Chair|President)s?\s+(?:of|for|to)\s+"
                          r"(?:the\s+)?$", text[max(0, start - 50):start], re.I))


def _outlet_context(text: str, start: int, end: int) -> bool:
    """'The Guardian quoted ...', 'RIA Novosti news agency', 'told the Herald'."""
    if _cue_regex("outlet_cues", r"^[\s,]*(?:{alt})\b").search(text[end:end + 30]):
        return True
    return bool(re.search(r"\b(?:told|according to|reported by|quoted by|said in an interview with)\s+"
                          r"(?:the\s+)?(?:\w+" + APOS + r"s\s+)?$", text[max(0, start - 40):start]))


def _affiliation_context(text: str, sent_start: int, start: int) -> bool:
    """'a lecturer at Lakeside University', 'member of the committee of Army, Navy and X'."""
    before = text[sent_start:start]
    for m in _cue_regex("affiliation_cues", r"\b(?:{alt})s?\s+(?:\w+\s+){0,2}?(?:at|of|from|in|with)\s+").finditer(before):
        words = re.findall(r"[^\s,]+", before[m.end():])
        if all(w[:1].isupper() or w in ("the", "and", "of", "for", "&") or re.fullmatch(r"\([A-Z]+\)", w)
               for w in words):
            return True
    return False


def _has_stray_lowercase(name: str) -> bool:
    """'Garrett hit Rudolph': a lower-case word that is no name particle ('bin', 'of', 'de')."""
    particles = _cue_set("name_particles")
    return any(w[:1].islower() and w.lower() not in particles and w.split("-")[0].lower() not in particles
               for w in re.findall(r"[\w’'-]+", name)[1:])


def _common_word_entity(ent: Span) -> bool:
    """A one-word entity the tagger reads as a common word ('Attendees', 'Historic')."""
    return len(ent) == 1 and ent[0].tag_ not in ("NNP", "NNPS")


def _modifier_of_common_noun(ent: Span) -> bool:
    """'NFL icon', 'Cabinet meeting', 'Orchid state guesthouse': a name used as a noun modifier."""
    root = ent.root
    head = root.head
    return (root.dep_ in ("compound", "amod", "nmod") and head.i >= ent.end and head.pos_ == "NOUN"
            and head.text[:1].islower())


def _org_country(name: str) -> str:
    """Country stated by the organisation's name ('Korea Coast Guard', 'Philippine Navy')."""
    for word in re.findall(r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?", name):
        for w in (word, word.split()[0]):
            c = _state_of_word(re.sub(APOS + "s$", "", w))      # not capitals ('Paris Club')
            if c:
                return c
    return ""


def org_key(name: str) -> str:
    """Merge key for variants of one body: 'Foreign Ministry' = 'Ministry of Foreign Affairs',
    'Defense Department' = 'Department of Defense'."""
    k = re.sub(r"^the\s+", "", name.strip().lower())
    k = re.sub(r"^(ministry|department|office)\s+of\s+(?:the\s+)?(.+?)(?:\s+affairs)?$", r"\2 \1", k)
    k = re.sub(r"^(.+?)\s+affairs\s+(ministry|department|office)$", r"\1 \2", k)
    return k.replace("defence", "defense")


def _generic_org(name: str) -> bool:
    return name.lower() in _cue_set("generic_orgs")


def _non_actor_head(name: str) -> bool:
    """'Lakeside University', 'Harbour Institute for Policy Studies', 'Northwind Inc.': the head noun
    (last word, or the word before 'of'/'for') marks an affiliation, company, event or outlet."""
    heads = set(cues("org_non_actor_heads"))
    words = [w.rstrip(".,") for w in re.split(r"\s+(?:of|for|on)\s+", name)[0].split()]
    return bool(words) and (words[-1] in heads or name.split()[-1].rstrip(".,") in heads)


# ----------------------------------------------------------------------------- people

def strip_honorifics(name: str) -> str:
    """'Mr Santos' -> 'Santos', 'Dr. Mark Esper' -> 'Mark Esper'; possessives dropped."""
    name = re.sub(APOS + r"s?$", "", name.strip())
    pattern = _cue_regex("honorifics", r"^(?:(?:{alt})(?!\w)\.?\s+)+", 0)
    return pattern.sub("", name).strip()


_TOKEN = re.compile(r"[\w.’'&-]+|[^\w\s]")


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    words = {w for t in cues("titles") for w in t.lower().split()} | {
        w for t in cues("role_nouns") for w in t.lower().split()}
    words -= {"under", "of", "for", "to", "the", "and", "high"}
    return frozenset(words | {"former", "then-", "ex-", "state", "defense", "defence", "foreign", "affairs",
                              "national", "security", "special", "deputy", "vice", "senior", "top", "acting",
                              "chief", "staff"})


def _title_chunk(text: str, sent_start: int, start: int) -> list[str]:
    """Words written just before a name that can belong to a title: capitalised words,
    'of/for/to/the', title words in lower case, 'former'."""
    title_words = _title_words()
    words = _TOKEN.findall(text[sent_start:start])
    chunk: list[str] = []
    for w in reversed(words):
        bare = re.sub(APOS + "s$", "", w)
        if (w[:1].isupper() and w[:1].isalpha()) or w.lower() in title_words or w.lower() in (
                "of", "for", "to", "the", "then-president") or (bare and _is_state_word(bare)):
            chunk.append(w)
        else:
            break
    chunk.reverse()
    while chunk and chunk[0].lower() in ("of", "for", "to", "the"):
        chunk.pop(0)
    return chunk


def _role_before(text: str, sent_start: int, start: int) -> tuple[str, str]:
    """(role, country) from a title before a name: 'US Secretary of Defense Jane Roe' ->
    ('Secretary of Defense', 'United States'); 'Japan's Ambassador to Britain' -> ('Ambassador to
    Britain', 'Japan'); 'Army Chief General X' -> ('Army Chief', '')."""
    chunk = _title_chunk(text, sent_start, start)
    if not chunk:
        return "", ""
    phrase = " ".join(chunk)
    phrase = re.sub(r"\s+([’'])\s*s\b", r"\1s", phrase)
    phrase = re.sub(r"\b(?:then|ex)-", "former ", phrase, flags=re.I)      # 'then-President X'
    ranks = _cue_regex("ranks", r"(?:^|\s)(?:{alt})$", 0)
    stripped = phrase
    while True:
        new = ranks.sub("", stripped).strip()
        if new == stripped or not new:
            break
        stripped = new
    titles = _cue_regex("titles", r"(?<![\w-])(?:{alt})(?![\w-])")
    hits = list(titles.finditer(stripped))
    if not hits:
        return ("", "") if stripped != phrase or not ranks.search(phrase) else (phrase, "")
    first = hits[0]
    prefix, rest = stripped[:first.start()].strip(), stripped[first.start():].strip()
    former = ""
    country = ""
    kept = []
    prefix = _state_word_regex().sub(lambda m: "\x00" + _state_of_word(m.group(1)).replace(" ", "\x01"), prefix)
    for w in prefix.split():
        if w.lower() in ("former", "ex-", "then-", "then-president"):
            former = "former "
        elif w.startswith("\x00"):
            country = w[1:].replace("\x01", " ")
            kept = []
        elif w.lower() not in ("the", "a", "an", "of"):
            kept.append(w)
    if re.match(r"then-", rest, re.I):
        former, rest = "former ", rest[5:]
    tail = re.search(r"\s(?:of|for)\s+(?:the\s+)?([A-Z][\w.’' -]+)$", rest)
    if tail and not country and canonical_state(tail.group(1).strip()):
        country = canonical_state(tail.group(1).strip()) or ""
        rest = rest[:tail.start()]
    role = (former + " ".join(kept + [rest])).strip()
    if re.search(r"\b(?:of|for|to|the|and)$", role):
        return "", ""
    return role, country


def _role_after(text: str, end: int, sent_end: int) -> tuple[str, str]:
    """(role, country) from an apposition: 'Wang Yi, Foreign Minister of China' ->
    ('Foreign Minister', 'China'); 'X, America's special envoy for Y' -> ('special envoy for Y',
    'United States'); 'X, a former Nigerian president' -> ('former president', 'Nigeria')."""
    m = re.match(r"\s*,\s*(?:who\s+(?:is|was)\s+)?(?:the\s+|a\s+|an\s+)?([^,;:()\n—–]{3,90})",
                 text[end:sent_end])
    if not m:
        return "", ""
    phrase = re.split(r"\s+(?:who|which|said|says|and|but|has|had|was|is|told)\s", m.group(1))[0].strip(" .")
    if not _cue_regex("role_nouns", r"\b(?:{alt})\b").search(phrase) or len(phrase.split()) > 12:
        return "", ""
    if re.match(r"^[a-z]+(?:ed|s)\b", phrase) and not re.match(r"^(?:former|senior|special)\b", phrase):
        return "", ""
    country = ""
    former = "former " if re.match(r"(?:former|ex-)\s*", phrase) else ""
    phrase = re.sub(r"^(?:former|ex-)\s*", "", phrase)
    lead = re.match(r"([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)(" + APOS + r"s)?\s+", phrase)
    field = (lead and not lead.group(2) and lead.group(1) in state_index()
             and _cue_regex("expert_nouns", r"^(?:\w+\s+)?(?:{alt})\b").search(phrase[lead.end():]))
    if lead and canonical_state(lead.group(1)) and not field:
        country, phrase = canonical_state(lead.group(1)) or "", phrase[lead.end():]
    tail = re.search(r"\s+of\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)$", phrase)
    if tail and canonical_state(tail.group(1)):
        country = country or canonical_state(tail.group(1)) or ""
        phrase = phrase[:tail.start()]
    return (former + phrase).strip(), country


_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and)\s+")


def _distributive_roles(text: str, ents: list[Span]) -> dict[str, tuple[str, str]]:
    """'A, B and C, Foreign Ministers of Japan, South Korea and China(, respectively)':
    person -> (singular role, country), in order."""
    people = [e for e in ents if e.label_ == "PERSON"]
    out: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(people):
        group = [people[i]]
        while (len(group) + i < len(people)           # (not slicing out what may be a long gap)
               and _LIST_GAP.fullmatch(text, group[-1].end_char, people[i + len(group)].start_char)):
            group.append(people[i + len(group)])
        i += len(group)
        if len(group) < 2:
            continue
        m = re.match(r"\s*,\s*(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*?s)\s+of\s+([^.;:\n]{3,200})",
                     text[group[-1].end_char:group[-1].end_char + 260])
        if not m:
            continue
        listed = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.sub(r",?\s*respectively.*$", "", m.group(2)))
        states = [canonical_state(x) for x in listed if x.strip()][:len(group)]
        if len(states) == len(group) and all(states):
            role = re.sub(r"s$", "", m.group(1))
            for ent, state in zip(group, states):
                out[strip_honorifics(ent.text)] = (role, state or "")
    return out


def _alias_links(text: str, ents: list[Span]) -> list[tuple[str, str]]:
    """('Comandante Sol', 'Ana Ruiz') for 'Comandante Sol — the nom de guerre of Ana Ruiz'."""
    people = [e for e in ents if e.label_ == "PERSON"]
    cue = _cue_regex("alias_cues", r"^\s*[,—–(-]*\s*(?:{alt})\s+$")
    links = []
    for a, b in zip(people, people[1:]):
        if b.start_char - a.end_char < 60 and cue.match(text[a.end_char:b.start_char]):
            links.append((strip_honorifics(a.text), strip_honorifics(b.text)))
    return links


# ----------------------------------------------------------------------------- extraction

def extract(doc: Doc, sents: list[Sentence], author: str = "") -> list[ActorFinding]:
    """Actors of one article. author: the article's byline author (never an actor)."""
    text = text_of(doc)
    found: dict[tuple[str, str], ActorFinding] = {}
    taken: list[tuple[int, int]] = []          # one actor per span of text
    actor_use: dict[tuple[str, str], bool] = {}

    def add(name: str, kind: str, start: int, end: int, country: str = "", role: str = "",
            actor: bool = True, key: str | None = None) -> None:
        sent = sentence_at(sents, start)
        if sent is None or not name or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        k = (key or (org_key(name) if kind == "organization" else name), kind)
        finding = found.get(k)
        if finding is None:
            finding = found[k] = ActorFinding(name=name, type=kind)
        finding.country = finding.country or country
        finding.role = finding.role or role
        finding.mentions.append(Mention(start, end, text[start:end], sent.n))
        actor_use[k] = actor_use.get(k, False) or actor

    credits = _byline_spans(text)
    in_credit = lambda s, e: any(a <= s < b for a, b in credits)  # noqa: E731
    # Organisation names come first: a state inside one ('[Japan] Self-Defense Forces', 'the
    # [Turkish] parliament') is part of the name (and gives its country), not a state mention.
    for m in _org_regex().finditer(text):
        name, country = org_index()[m.group(1)]
        s, e = m.start(1), m.end(1)
        if m.group(1).startswith("the "):
            s += 4
        if in_credit(s, e):
            continue
        unit_end = _qualified_org_end(text, e)
        if unit_end:                                # 'OSCE Minsk Group': a named unit, as written
            add(text[s:unit_end], "organization", s, unit_end, country)
            continue
        venue = ((name in _seat_names() and not _acts_as_subject(doc, s, e, text))
                 or _cue_regex("event_words", r"^\s+(?:{alt})\b", 0).search(text[e:e + 20]))
        add(_as_written(m.group(1), name), "organization", s, e, country, actor=not venue, key=org_key(name))
    for m in _body_regex().finditer(text):
        body = _state_body(doc, m)
        if body:
            canonical = canonical_state(m.group(1)) or ""
            add(body, "organization", m.start(), m.end(), canonical, key=f"{canonical}|{m.group(2).lower()}")
    states = state_mentions(text)
    states = sorted(states + _capital_subjects(doc, text, states))
    state_ends = frozenset(e for _s, e, *_x in states)
    for start, end, _surface, canonical in states:
        if not in_credit(start, end):
            add(canonical, "state", start, end, actor=not _location_use(doc, text, start, end, state_ends))

    acronyms = _acronym_definitions(text)
    skip = not_actor_forms()
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG")]
    distributive = _distributive_roles(text, ents)
    authors = _author_names(text) + ([frozenset(strip_honorifics(author).lower().split())] if author else [])
    titles = _title_line_spans(text)
    ent_acronyms = {m.group(1): _clean_name(e.text) for e in ents if e.label_ == "ORG"
                    for m in [re.match(r"\s*\(([A-Z][A-Za-z]{1,9})\)", text[e.end_char:e.end_char + 14])] if m}
    for ent in ents:
        s, e = ent.start_char, ent.end_char
        raw = ent.text.strip()
        name = _clean_name(raw)
        at = text.find(name, s, e) if name else -1
        if at >= 0:                                 # the mention is the name: no article, no trailing ','
            s, e = at, at + len(name)
        if ent.label_ == "PERSON" and name.split()[0] in cues("name_particles"):
            lead = re.search(r"([A-Z][\w’'-]+)[ ]$", text[max(0, s - 30):s])   # '[Thani] bin Ahmed ...'
            if lead and lead.group(1).lower() not in _title_words():
                s -= len(lead.group(0))
                name = text[s:e]
        party = _cue_regex("party_tails", r"^(.*[A-Z][\w’'-]*)\s+(?:{alt})$", 0).match(name)
        if party and ent.label_ == "ORG":           # 'the Komeito party' -> 'Komeito'
            name, e = party.group(1), s + len(party.group(1))
        sent = sentence_at(sents, s)
        if (sent is None or len(name) < 3 or not name[:1].isupper() or in_credit(s, e)
                or name.lower() in skip or raw.lower() in skip or canonical_state(name)
                or name in org_index() or _agreement_like(name, text, acronyms)
                or _common_word_entity(ent) or _inside_agreement_name(text, s) or _place_context(text, e)
                or (any(a <= s < b for a, b in titles) and not _named_outside(name, text, titles))):
            continue
        if _has_stray_lowercase(name) or _cue_regex(
                "role_nouns", r"\b(?:{alt})\s+(?:for|of)\s+(?:the\s+)?$").search(
                text[max(0, s - 40):s]) and ent.label_ == "PERSON":
            continue                                # 'Garrett hit Rudolph'; 'spokesperson for [X]'
        if ent.label_ == "ORG":
            person = _cue_regex("ranks+titles", r"(?<=\s)(?:{alt})\s+((?:[A-Z][\w’'-]+\s*){2,4})$",
                                0).search(raw)
            if person and not _non_actor_head(person.group(1)):                              # 'Defence Staff General Ravi Menon'
                p_start = s + person.start(1)
                role, country = _role_before(text, sent.start, p_start)
                add(person.group(1).strip(), "person", p_start, e, country, role)
                continue
            lead = _state_led_name_regex().match(raw)
            if lead and _cue_regex("titles", r"\b(?:{alt})\s+(?:of|for)\s+(?:the\s+)?$", 0).search(
                    text[max(0, s - 40):s]):             # 'Prime Minister of [Solomon Islands X Y]'
                role, _country = _role_before(text, sent.start, s)
                add(lead.group(2).strip(), "person", s + lead.start(2), e, state_index()[lead.group(1)],
                    re.sub(r"\s+(?:of|for)(?:\s+the)?$", "", role))
                continue
            if _cue_regex("titles", r"(?:^|[\s(])(?:{alt})\.?\s+$", 0).search(text[max(0, s - 40):s]):
                role, country = _role_before(text, sent.start, s)   # 'President Trump' tagged ORG
                add(strip_honorifics(name), "person", s, e, country, role)
                continue
            if (_generic_org(name) or _non_actor_head(name) or _part_of_title(text, s, e)
                    or _outlet_context(text, s, e) or _affiliation_context(text, sent.start, s)
                    or (_modifier_of_common_noun(ent) and ent.root.head.text not in cues("party_tails"))
                    or re.search(r"\b(?:city|town|port|province|village|state) of\s+$", text[max(0, s - 20):s])):
                continue
            long = acronyms.get(name, "")
            if ent_acronyms.get(name):               # 'the Kurdistan Workers' Party (PKK)'
                name = org_index().get(ent_acronyms[name], (ent_acronyms[name],))[0]
            elif long and "".join(w[0] for w in long.split() if w[0].isupper()).startswith(name[0]):
                name = org_index().get(long, (long,))[0]
            if name != raw and (_non_actor_head(name) or name.lower() in skip):
                continue
            add(name, "organization", s, e, _org_country(name))
            continue
        tail = re.match(r" ([A-Z][\w’'-]+)", text[e:e + 40])
        if tail and name.split()[-1].lower() in _cue_set("name_particles") and len(name.split()) > 1:
            e += tail.end()                         # 'Jean-Yves Le' + 'Drian'
            name = text[s:e]
        person = strip_honorifics(name)
        tokens = person.split()
        if (not tokens or not re.search(r"[a-z]", person) or re.search(r"[/\d@]", person)
                or _press_apposition(text, e) or any(set(t.lower() for t in tokens) <= a for a in authors if a)
                or all(t.lower() in _cue_set("titles") or t in cues("ranks") for t in tokens)
                or _non_actor_head(person)):
            continue
        role, country = _role_before(text, sent.start, s)
        if not role:
            role, country = _role_after(text, e, sent.end)
        if not role:
            role, country = distributive.get(person, ("", ""))
        add(person, "person", s, e, country, role)

    actors = [a for k, a in found.items() if actor_use.get(k, True)]
    return merge_people(actors, _alias_links(text, ents))


def merge_people(actors: list[ActorFinding], links: list[tuple[str, str]] | None = None) -> list[ActorFinding]:
    """Fold 'Roe' and 'Mr Roe' into 'Jane Roe', 'García Vega' into 'Luis García Vega'
    (a shorter mention whose words end one full name), an organisation that is only a person's
    surname ('Trump' tagged ORG) into that person, and a stated alias into the real name."""
    people = [a for a in actors if a.type == "person"]
    by_name = {a.name: a for a in people}
    absorbed: set[int] = set()

    def fold(src: ActorFinding, dst: ActorFinding) -> None:
        dst.mentions.extend(src.mentions)
        dst.mentions.sort(key=lambda m: m.start)
        dst.role = dst.role or src.role
        dst.country = dst.country or src.country
        absorbed.add(id(src))

    for alias, real in links or []:
        if alias in by_name and real in by_name and alias != real:
            fold(by_name[alias], by_name[real])
    candidates = [a for a in actors if id(a) not in absorbed and (
        a.type == "person" or (a.type == "organization" and len(a.name.split()) <= 2 and not a.country))]
    for p in sorted(candidates, key=lambda a: len(a.name.split())):
        words = p.name.split()
        hosts = [f for f in people if f is not p and id(f) not in absorbed and (
            (p.type == "organization" and f.name == p.name) or len(f.name.split()) > len(words) and (
                f.name.split()[-len(words):] == words or f.name.split()[:len(words)] == words
                or (len(words) == 1 and p.type == "person" and words[0] in f.name.split())))]
        longest = max(hosts, key=lambda f: len(f.name.split()), default=None)
        if longest and all(set(f.name.split()) <= set(longest.name.split()) for f in hosts):
            fold(p, longest)
    out = [a for a in actors if id(a) not in absorbed]
    return sorted(out, key=lambda a: (a.mentions[0].start if a.mentions else 0, a.name))


class Stage:
    """The actors stage (no settings of its own): states, organisations and people."""

    name = "actors"

    def __init__(self, config: dict) -> None:
        self.config = config

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[ActorFinding]:
        return extract(doc, sents, author=upstream.article.author)
