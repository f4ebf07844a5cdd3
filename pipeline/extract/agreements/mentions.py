"""Mentions: spans that name or refer to an agreement (catalogue, acronyms, named instruments,
generic kinds, truces, anaphors)."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import regex

from pipeline.extract.actors import canonical_state, org_index, state_index, state_mentions
from pipeline.extract.agreements.lexicon import (
    ACRONYM_DEF,
    ACRONYM_INSIDE,
    AGREEMENT_ON,
    AGREEMENT_ON_NP,
    ANAPHOR,
    ANOTHER_TOPIC,
    HEAD,
    HEAD_TAIL,
    INDEFINITE,
    LEADING,
    LOWER_AFTER_TITLE,
    LIKE,
    NAMED,
    NAMED_HEAD_FIRST,
    OWN_ACRONYM,
    PARTICIPATION,
    PLACE_DEAL,
    PLURAL_WITH,
    POSSESSED,
    QUOTED,
    QUOTED_LEADING,
    SENTENCE_STOP,
    TITLE_BEFORE,
    TITLE_PREFIX,
    TITLE_PREFIX_NOT,
    TOPIC_STOP,
    TOPIC_TAIL,
    _catalogue_regex,
    _conditional_row,
    _fold,
    _generic_regexes,
    catalogue,
    kind_of,
    title_name,
)
from pipeline.records import Sentence
from pipeline.resources import alternation, lowered, may_contain, pattern_text, word_list


@dataclass
class _Hit:
    """One span that names or refers to an agreement."""

    start: int
    end: int
    key: str                    # catalogue id, "named:<name>", "generic:<kind>" or "anaphor"
    name: str
    acronym: str = ""
    kind: str = "other"
    source: str = "catalogue"   # catalogue | named | generic | anaphor | indefinite
    fixed: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    bilateral: bool = False
    plural: bool = False
    parties: list[str] = field(default_factory=list)
    party_source: str = ""      # role | fallback | inherited | fixed
    status: str = "unspecified"
    prior: list[str] = field(default_factory=list)   # parties of earlier instances ("the third, after X and Y")
    new: bool = False           # "a new deal": a further instrument of the kind being discussed
    like: bool = False          # "a comparable pact with X": the instrument in focus, with another partner
    draft: bool = False         # "the draft agreement": refers to an unsigned instrument
    cue: tuple[int, int] = (-1, -1)   # character span of the status cue
    with_list: list[str] = field(default_factory=list)   # parties after "with" ("a VFA with X and Y")
    own: bool = False           # a generic instrument given its own acronym: never folded into another
    titled: bool = False        # a generic name in Title Case in running text ('the Strategic Partnership Agreement')
    year: str = ""              # 'a 2006 ceasefire agreement': a dated generic instrument, kept apart from others
    also: bool = False          # "..., and another on X": in the clause of the hit before it
    definite: bool = False      # a descriptive mention with a definite article: 'the lithium deal'
    prospect: bool = False      # 'a potential agreement on ...': at least proposed
    lent: bool = False          # a far reference: lends its event (status) to the instrument, not its sentence
    linked: bool = False        # a subject that refers back to a row ('It took effect ...': linking.py)
    told: bool = False          # its status cue is the main predicate of the mention ('The pact entered into force in May')
    rule: str = ""              # the catalogue id it came from ('' for other sources: see hit_rule)
    cue_id: str = ""            # the status_cues.jsonl id of its status cue, or a rule name (README, "why")
    content: str = ""           # 'a treaty establishing the X council': the clause that names it (X is no party)
    features: tuple[str, ...] = ()   # a candidate the rules alone do not keep: its features for the learned gate (gate.py)
    owner: str = ""             # 'its treaty with X', 'Finland's agreement': the party that holds it (parties.possessor)
    owner_named: bool = False   # the owner is a state written by name or the subject of a 'similar' one
    kind_words: str = ""        # 'Russia's tax treaties with X': the words before its head that say its kind ('tax')
    distinct: bool = False      # 'a separate treaty', 'another pact': a further instrument, never another's row (apart.py)
    apart: set = field(default_factory=set, compare=False, repr=False)   # id()s of mentions of other instruments (apart.py)
    years: frozenset = field(default=frozenset(), compare=False, repr=False)   # years written in its sentence



def hit_rule(h: _Hit) -> str:
    """The id that names where a mention came from, for the `why` column: its catalogue entry's id,
    else agreements:<source> (named, generic, described, anaphor, indefinite; README, "why")."""
    if h.rule:
        return h.rule
    return "agreements:described" if h.key.startswith("described:") else f"agreements:{h.source}"


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _catalogue_hits(text: str, sents: list[Sentence] | None = None) -> list[_Hit]:
    phrase_re, acronym_re, phrases, acronyms = _catalogue_regex()
    hits: list[_Hit] = []
    for m in phrase_re.finditer(text):
        surface = m.group(1)
        row = _conditional_row(surface, text, m.start(), sents) or phrases.get(_fold(surface))
        if row is None:
            continue         # a generic phrase out of its entry's context: left to the generic readers
        if surface[:1].isupper() and _inside_longer_title(text, m.start()):
            continue
        tail = HEAD_TAIL.match(text, m.end()) if row.get("generic") else None
        if tail and not all(w in state_index() or w in ("on", "of", "for", "the", "and", "to")
                            for w in tail.group(0).split()):
            # "a memorandum of understanding on the Harbour Link": named by its topic; "a framework
            # agreement on Earth observation": with the lower-case words that go on after it
            more = LOWER_AFTER_TITLE.match(text, tail.end()) if surface[:1].islower() else None
            topic = tail.group(0) + (more.group(0) if more else "")
            name = title_name(row["name"] + topic)
            hits.append(_Hit(m.start(), more.end() if more else tail.end(), "named:" + _fold(name), name, "",
                             kind_of(topic) if kind_of(topic) != "other" else row["kind"], "named",
                             rule=row["id"]))
            continue
        topical = _topic_hits(row, text, m.start(), m.end()) if row.get("topic_tail") and m.end() == m.end(1) else []
        if topical:
            hits.extend(topical)
            continue
        if row.get("successor") and SUCCESSOR_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            # "negotiating a new <catalogued agreement>": the instrument that replaced it, a row of its own
            row = next((r for r in catalogue() if r["id"] == row["successor"]), row)
        hits.append(_row_hit(row, m.start(), m.end(), plural=m.end() > m.end(1)
                             or bool(re.search(r"(?:ies|s)$", surface) and not surface.lower().endswith(row["name"].lower()[-3:])),
                             definite=bool(DEFINITE_BEFORE.search(text, max(0, m.start() - 8), m.start()))))
        hits[-1].year = _year_before(text, m.start()) if row.get("generic") else ""
    taken = [(h.start, h.end) for h in hits]
    defined = _defined_acronyms(text, hits, acronyms)
    for m in acronym_re.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            row = defined.get(m.group(1)) or acronyms[m.group(1)]
            hits.append(_row_hit(row, m.start(), m.end(), plural=bool(m.group(2))))
    return hits


DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that)\s+$", re.I)
# "a new North American free trade agreement": the successor of the catalogued one (its "successor" field)
SUCCESSOR_BEFORE = re.compile(pattern_text("agreement_patterns.jsonl", "successor_before"), re.I)
# "a 2006 ceasefire agreement", "their 1982 security agreement": an earlier instrument of a generic kind
YEAR_BEFORE = re.compile(pattern_text("agreement_patterns.jsonl", "year_before"), re.I)


def _year_before(text: str, start: int) -> str:
    """The year written as a modifier right before a generic mention ('' when none)."""
    m = YEAR_BEFORE.search(text, max(0, start - 32), start)
    return m.group(1) if m else ""


def _defined_acronyms(text: str, hits: list[_Hit], acronyms: dict[str, dict]) -> dict[str, dict]:
    """'the Pacific-Andes Economic Partnership Agreement (EPA)': an acronym that the article defines
    in parentheses right after a catalogued name stands for that entry, though another (generic)
    entry owns the acronym in the catalogue."""
    rows = {row["id"]: row for row in catalogue()}
    out: dict[str, dict] = {}
    for h in hits:
        m = OWN_ACRONYM.match(text, h.end)
        if m is None or h.rule not in rows:
            continue
        acr = m.group(0).strip(" ()")
        if acr in acronyms and acr not in out and acronyms[acr]["id"] != h.rule:
            out[acr] = rows[h.rule]
    return out


def _topic_hits(row: dict, text: str, start: int, end: int) -> list[_Hit]:
    """'a memorandum of understanding on trade and investment, and another on disaster response':
    one named instrument per lower-case topic after a generic catalogue form ([] when none)."""
    hits: list[_Hit] = []
    at, pattern, lo = end, TOPIC_TAIL, start
    while (m := pattern.match(text, at)) is not None:
        words = m.group("topic").split()
        while words and words[-1] in ("and", "of", "in", "for"):
            words.pop()
        if not words or words[0] in TOPIC_STOP or words[-1] in TOPIC_STOP:
            break
        kept = re.match(r"\S+(?:\s+\S+){%d}" % (len(words) - 1), m.group("topic"))
        topic = " ".join(words)
        name = title_name(f"{row['name']} {m.group('prep')} {topic}")
        kind = kind_of(topic)
        if hits:
            lo = m.start("lead")
        hits.append(_Hit(lo, m.start("topic") + kept.end(), "named:" + _fold(name), name, "",
                         kind if kind != "other" else row["kind"], "named", also=bool(hits), rule=row["id"]))
        stop = SENTENCE_STOP.search(text, hits[-1].end)
        nxt = ANOTHER_TOPIC.search(text, hits[-1].end, stop.start() if stop else len(text))
        if nxt is None:
            break
        at, pattern = nxt.start(), ANOTHER_TOPIC
    return hits


def _inside_longer_title(text: str, start: int) -> bool:
    """'Status of | Visiting Forces Agreement': capitalised words other than states, months or
    sentence openers joined to the catalogue name by of/and/for/on."""
    m = TITLE_BEFORE.search(text[max(0, start - 60):start])
    if not m:
        p = TITLE_PREFIX.search(text[max(0, start - 60):start])
        # (a state's name is a party there; a capital is a place a title names: 'the Doha Agreement')
        return bool(p) and not any(w in TITLE_PREFIX_NOT or w in state_index() or w in org_index()
                                   for w in [p.group(1).strip(), *p.group(1).split()])
    words = m.group(1).split()
    return not any(w in state_index() or w in org_index() or canonical_state(w.rstrip("'’s")) or re.fullmatch(
        r"The|A|An|In|Under|After|Following|New|This|That|Both|Between|January|February|March|April|May|June|"
        r"July|August|September|October|November|December", w) for w in words)


def _row_hit(row: dict, start: int, end: int, plural: bool = False, definite: bool = False) -> _Hit:
    generic = bool(row.get("generic"))
    return _Hit(start, end, row["id"], row["name"], row.get("acronym", ""), row["kind"],
                "generic" if generic else "catalogue", tuple(row.get("parties", [])),
                tuple(row.get("include_parties", [])), bool(row.get("bilateral")), plural, rule=row["id"],
                definite=definite and generic)


def _title_case_names(text: str, add, defined: dict[str, str]) -> None:
    """'the Gulf Boundary Agreement (GBA)': title-case runs ending in a head, cut at a sentence end,
    a line break or a headline verb, with a topic tail and a parenthesised acronym; add(start, end,
    name, acronym) takes each."""
    for m in NAMED.finditer(text):
        name = m.group(1)
        start = m.start(1)
        if "\n" in name:       # a headline line above: the name starts on the head's line
            start += name.rindex("\n") + 1
            name = name[name.rindex("\n") + 1:]
        verbs = list(HEADLINE_VERB.finditer(name))
        if verbs and _running_text(text, m.start(1), m.end(1)):
            # ('under the Ballistic Missile Launch Notification Agreement, which ...': in a line of running text a
            # capitalised word inside the run is a word of the name, unless a party is written before it as its
            # subject, 'Chile Signs Andes Treaty as talks end'; a sentence's first word may be a verb)
            verbs = [v for v in verbs if v.start() == 0 or state_mentions(name[:v.start()])
                     or any(w in org_index() or canonical_state(w) for w in name[:v.start()].split())]
        if verbs:               # "Chile Pulls Out of Andes Water Treaty": a title-case headline, not one name
            cut = verbs[-1].end()
            cut += re.match(r"(?:(?:of|on|and|for|the|between|to|in|de)\s+)*", name[cut:]).end()
            start, name = start + cut, name[cut:]
        cut = [c for c in re.finditer(r"\b[A-Za-z][a-z]{2,}\.\s+", name)]
        if cut:                 # "on Friday. The Gulf Boundary Agreement": not across a sentence end
            start += cut[-1].end()
            name = name[cut[-1].end():]
        tail = HEAD_TAIL.match(text, m.end())
        if tail and not all(w in state_index() or w in ("on", "of", "for", "the", "and", "to")
                            for w in tail.group(0).split()):
            name += tail.group(0)
            m_end = tail.end()
        else:
            m_end = m.end()
        # drop a sentence-initial determiner / state prefix ("US-Japan Defense Pact" keeps its parties apart)
        lead = re.match(r"(?:(?:The|A|An|This|That|Under|In|After|Following)\s+)+", name)
        if lead:
            start += lead.end()
            name = name[lead.end():]
        acr = ACRONYM_DEF.match(text, m_end + 1) if text[m_end:m_end + 2] == " (" else None
        add(start, m_end, name, acr.group(1) if acr else "")
        if acr:
            defined[acr.group(1)] = "named:" + _fold(LEADING.sub("", name))


def _named_hits(text: str, taken: list[tuple[int, int]], defined: dict[str, str],
                sents: list[Sentence] | None = None) -> list[_Hit]:
    """Capitalised instrument names not in the catalogue, quoted names, 'the Pretoria agreement',
    acronyms defined in parentheses after them."""
    hits: list[_Hit] = []

    def add(start: int, end: int, name: str, acronym: str = "") -> None:
        name = LEADING.sub("", name.strip(" \"“”,.")).strip()
        core = [w for w in re.split(r"[\s-]+", name) if w.lower() not in ("of", "on", "and", "for", "the", "to", "in")]
        if len(core) < 2 or _overlaps(taken, start, end):
            return
        if DOMESTIC_AND.match(name):
            return                 # "the Act and Treaty": a domestic law and the treaty, no one name
        if _organ(name):
            return                 # "the Standing Committee on Treaties": a body, not an instrument
        if all(w in state_index() or re.fullmatch(r"Agreements?|Treaty|Pact|Accords?|Deal", w, re.I) for w in core) \
                and len({canonical_state(w) or w for w in core if w in state_index()}) < 2:
            return                 # "Japan Agreement": a party, not a name ("Chile-Peru Treaty" is one)
        phrases = _catalogue_regex()[2]
        as_agreement = re.sub(r"(?i)\b(?:deal|pact|accord)s?$", "agreement", name)
        row = (phrases.get(_fold(name)) or phrases.get(_fold(as_agreement))
               or _conditional_row(name, text, start, sents) or _conditional_row(as_agreement, text, start, sents))
        if row:                    # "the Paris deal" is the Paris Agreement
            hits.append(_row_hit(row, start, end))
            taken.append((start, end))
            return
        # ('the Warsaw Pact': a head the text writes in a capital is the name's own; 'the Pretoria deal' is an agreement)
        own_head = re.search(r"(?<![\w-])(?:Pact|Deal)s?$", text[start:end].rstrip(" \"”,.")) is not None
        hits.append(_Hit(start, end, "named:" + _fold(name), title_name(name, as_agreement=not own_head), acronym,
                         kind_of(name), "named"))
        taken.append((start, end))

    for m in AGREEMENT_ON.finditer(text):
        add(m.start(), m.end(), f"{m.group(2).strip(' .,;:!?')} {m.group(1)}")
    for m in AGREEMENT_ON_NP.finditer(text):
        name = f"{m.group(1)} {m.group(2)} the {m.group(3)}"
        if kind_of(m.group(3)) != "other":      # "an agreement on the transfer of defence equipment"
            add(m.start(1) - 0, m.end(3), name)
    for m in NAMED_HEAD_FIRST.finditer(text):          # "the Treaty of Aachen", "Convention on Cluster Munitions"
        add(m.start(1), m.end(1), m.group(1))
    for m in QUOTED_LEADING.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in QUOTED.finditer(text):
        if m.group(1)[0].isupper() and not _overlaps(taken, m.start(), m.end()):
            add(m.start(), m.end(), m.group(1))
    for m in ACRONYM_INSIDE.finditer(text):
        name = m.group(1).strip()
        lead = re.match(r"(?:(?:The|A|An|This|That|Under|In|After|Following)\s+)+", name)
        start = m.start(1) + (lead.end() if lead else 0)
        name = name[lead.end():] if lead else name
        add(start, m.end(), f"{name} {m.group(3)}", m.group(2))
        defined.setdefault(m.group(2), "named:" + _fold(f"{name} {m.group(3)}"))
    for m in LENDING_FACILITY.finditer(text):          # "the Extended Credit Facility (ECF)"
        lead = re.match(r"(?:(?:The|A|An|This|That|Under|In|After|Following)\s+)+", m.group(1))
        start = m.start(1) + (lead.end() if lead else 0)
        name = m.group(1)[lead.end():] if lead else m.group(1)
        acr = ACRONYM_DEF.match(text, m.end(1) + 1) if text[m.end(1):m.end(1) + 2] == " (" else None
        add(start, m.end(1), title_name(name), acr.group(1) if acr else "")
        if acr:
            defined[acr.group(1)] = "named:" + _fold(title_name(name))
    _title_case_names(text, add, defined)
    for m in PLACE_DEAL.finditer(text):
        place = m.group(1)
        if place in state_index() or place in org_index() or re.fullmatch(
                r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|New|Final|Historic|Landmark)", place):
            continue
        add(m.start(1), m.end(), f"{place} {m.group(2).capitalize()}")
    return hits


# "Act and Treaty", "Bill and Agreement": a domestic law coordinated with an instrument head, not a name
DOMESTIC_AND = re.compile(pattern_text("agreement_patterns.jsonl", "domestic_and"))


# "Committee on Treaties", "Commission for the Accord": a body named after the instruments it handles
ORGAN_NAME = re.compile(r"\b(?:" + alternation(word_list("agreement_words.jsonl", "organ_words")) + r")\s+"
                        r"(?:on|of|for)\s+(?:the\s+)?\S")


def _organ(name: str) -> bool:
    """Is the name a body's ('Joint Committee on Treaties'): an organ word before any instrument head?"""
    organ, head = ORGAN_NAME.search(name), HEAD_WORD.search(name)
    return organ is not None and (head is None or organ.start() < head.start())


# Title-case verbs and adverbs of a headline: a name never holds one ("Chile Reportedly Intends to Sign X")
HEADLINE_VERB = re.compile(pattern_text("agreement_patterns.jsonl", "headline_verb"))


# Punctuation no generic reference can hold (its words, modifiers and head are letters, digits,
# hyphens and spaces): the text between two of these is scanned only when it has a head word.
GENERIC_STOPS = re.compile(r"[.,;:!?()\[\]\"“”]")
HEAD_WORD = re.compile(r"(?<![\w-])" + HEAD + r"(?![\w-])", re.I)


def _generic_matches(text: str, generic: re.Pattern, lowercase: re.Pattern | None = None):
    """generic.finditer(text), scanning only the stretches between punctuation that hold a head
    word (the same matches: a match never crosses that punctuation; a test checks that no kind
    or modifier pattern asks for it). lowercase: generic without IGNORECASE, which scans the
    lowered text (resources.lowered) about twice as fast; each match it finds is then matched by
    generic at the same place in text, with the same bounds, which takes the same path."""
    low = lowered(text) if lowercase is not None else None
    stops = [m.start() for m in GENERIC_STOPS.finditer(text)]
    scanned = -1
    for h in HEAD_WORD.finditer(text):
        i = bisect.bisect_left(stops, h.start())
        hi = stops[i] if i < len(stops) else len(text)
        if hi == scanned:
            continue
        scanned = hi
        lo = stops[i - 1] + 1 if i else 0
        if low is None:
            yield from generic.finditer(text, lo, hi)
        else:
            for m in lowercase.finditer(low, lo, hi):
                yield generic.match(text, m.start(), hi)


HYPOTHETICAL = re.compile(r"\b(?:any|no)\s+(?:[\w-]+\s+)?$", re.I)


def _generic_hits(text: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    hits = []
    modifier, generic, not_between_states, lowercase = _generic_regexes()
    for m in _generic_matches(text, generic, lowercase):
        s, e = m.start(2), m.end()
        if _overlaps(taken, s, e):
            continue
        phrase = f"{m.group(2)} {m.group(3)}"
        if not_between_states.search(phrase):
            continue                 # "a defence budget deal", "a plea deal"
        words = phrase.split()
        # keep the kind words only ("signed a policing cooperation agreement" -> Policing Cooperation Agreement)
        while words and not re.fullmatch(modifier + r"|bilateral|trilateral|" + HEAD, words[0], re.I) \
                and not re.match(modifier, " ".join(words), re.I):
            words.pop(0)
            s = text.index(words[0], s) if words else s
        if len(words) < 2 or HYPOTHETICAL.search(text, max(0, s - 16), s):
            continue                 # (too short; "any defence deal must ...", "no trade deal": no instrument)
        row = _catalogue_regex()[2].get(_fold(text[s:e]))
        if row is not None:      # "Trade and Co-operation Agreement": a catalogued name spelt another way
            hits.append(_row_hit(row, s, e))
            taken.append((s, e))
            continue
        mods = m.group(1).lower().split()
        phrase = " ".join(w for w in mods if w in ("bilateral", "trilateral")) + " " + " ".join(words)
        kind = kind_of(phrase)
        hits.append(_Hit(s, e, f"generic:{kind}" if kind != "other" else "generic:" + _fold(phrase),
                         title_name(phrase.strip()), "", kind, "generic", plural=bool(re.search(r"s$", m.group(3))),
                         new=bool(re.search(r"\bnew\s+$", text[max(0, s - 12):s], re.I)),
                         definite=bool(re.search(r"\b(?:the|this|that)\s+$", text[max(0, s - 8):s], re.I)),
                         titled=_titled(text, s, e), year=_year_before(text, s)))
        taken.append((s, e))
    return hits


SMALL_WORDS = word_list("agreement_words.jsonl", "small_words")


def _running_text(text: str, s: int, e: int) -> bool:
    """Is text[s:e] written in a line of running text: at least three lower-case words besides small ones
    outside it (a Title-Case headline has none)?"""
    lo = text.rfind("\n", 0, s) + 1
    hi = text.find("\n", e)
    line = text[lo:s] + " " + text[e:hi if hi >= 0 else len(text)]
    return sum(1 for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w[0].islower() and w not in SMALL_WORDS) >= 3


def _titled(text: str, s: int, e: int) -> bool:
    """Is text[s:e] written in Title Case inside a line of running text (a line with at least two
    lower-case words besides small ones)? Then it is the name of an instrument of its own, not a
    generic reference (a Title-Case headline says nothing of the kind)."""
    words = [w for w in re.split(r"[\s]+", text[s:e]) if w.lower() not in SMALL_WORDS]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return False
    lo = text.rfind("\n", 0, s) + 1
    hi = text.find("\n", e)
    line = text[lo:hi if hi >= 0 else len(text)]
    return sum(1 for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w[0].islower() and w not in SMALL_WORDS) >= 2


# "the yuan swap line", "its currency swap with X": a central banks' swap without an instrument head
HEADLESS_SWAP = re.compile(pattern_text("agreement_patterns.jsonl", "headless_swap"), re.I)
# "the Extended Credit Facility": a lender's named programme for a borrower
LENDING_FACILITY = re.compile(pattern_text("agreement_patterns.jsonl", "lending_facility"))


def _swap_hits(text: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    """'renewing the yuan swap line', 'its currency swap with the central bank': a currency swap
    agreement named without the word agreement, read as the generic 'currency swap agreement'."""
    if not may_contain(lowered(text), ("swap",)):
        return []
    hits = []
    for m in HEADLESS_SWAP.finditer(text):
        s, e = m.start(), m.end()
        if _overlaps(taken, s, e):
            continue
        name = "Currency Swap Agreement"
        hits.append(_Hit(s, e, "generic:" + _fold(name), name, "", kind_of(name), "generic",
                         plural=text[s:e].lower().endswith("s"),
                         definite=bool(re.search(r"\b(?:the|this|that)\s+$", text[max(0, s - 8):s], re.I)),
                         year=_year_before(text, s)))
        taken.append((s, e))
    return hits


TRUCE_WORDS = ("ceasefire", "cease-fire", "truce", "armistice")    # one is in every match of the two below


BARE_TRUCE = regex.compile(pattern_text("agreement_patterns.jsonl", "bare_truce"), re.I)


SUBJECT_TRUCE = re.compile(pattern_text("agreement_patterns.jsonl", "subject_truce"), re.I)


def _truce_hits(text: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    """'agreed to a ceasefire', 'brokered a truce', 'a truce agreed by X and Y broke down': a ceasefire
    agreement without the word agreement."""
    row = next((r for r in catalogue() if r["name"] == "Ceasefire Agreement"), None)
    if row is None or not may_contain(lowered(text), TRUCE_WORDS):
        return []
    hits = []
    for m in [*BARE_TRUCE.finditer(text), *SUBJECT_TRUCE.finditer(text)]:
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_row_hit(row, m.start(1), m.end(1)))
            taken.append((m.start(1), m.end(1)))
    return hits


def _reference_hits(text: str, taken: list[tuple[int, int]], defined: dict[str, str]) -> list[_Hit]:
    """Anaphors ('the pact', 'such an agreement'), indefinite bare references ('signed a pact') and
    later uses of acronyms defined in parentheses."""
    hits = []
    for acr, key in defined.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(acr) + r"s?(?![\w-])", text):
            if not _overlaps(taken, m.start(), m.end()):
                hits.append(_Hit(m.start(), m.end(), key, "", acr, source="anaphor"))
                taken.append((m.start(), m.end()))
    for m in ANAPHOR.finditer(text):
        if not _overlaps(taken, m.start(3), m.end()):
            hits.append(_Hit(m.start(), m.end(), "anaphor", "", source="anaphor",
                             plural=m.group(3).lower().endswith("s"),
                             draft=bool(re.search(r"\bdraft\b", m.group(2), re.I)),
                             like=m.group(1).lower().startswith("such")))   # 'such pacts with X and Y'
            taken.append((m.start(), m.end()))
    for m in POSSESSED.finditer(text):      # 'Finland's agreement', 'its memorandum with X'
        if not _overlaps(taken, m.start(), m.end()):
            hits.append(_Hit(m.start(), m.end(), "anaphor", "", source="anaphor",
                             plural=bool(re.search(r"(?:s|ies|a)$", m.group(3), re.I)) and not m.group(3).lower().endswith("understanding"),
                             like=bool(LIKE.search(m.group(2) or "") or re.search(r"\bown\b", m.group(2) or "", re.I))))
            taken.append((m.start(), m.end()))
    for m in PLURAL_WITH.finditer(text):
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_Hit(m.start(1), m.end(1), "anaphor", "", source="anaphor", plural=True,
                             like=bool(re.match(r"(?:similar|such|comparable)\b", m.group(0), re.I))))
            taken.append((m.start(1), m.end(1)))
    for m in INDEFINITE.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            hits.append(_Hit(m.start(), m.end(), "indefinite", "", source="indefinite",
                             new=bool(re.search(r"\bnew\b", m.group(2), re.I)), like=bool(LIKE.search(m.group(2)))))
            taken.append((m.start(), m.end()))
    for m in PARTICIPATION.finditer(text):
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_Hit(m.start(1), m.end(1), "anaphor", "", source="anaphor"))
            taken.append((m.start(1), m.end(1)))
    return hits


NAME_HEADS = word_list("agreement_words.jsonl", "name_heads")


def _name_head(name: str) -> str:
    """The word that names the kind of a named instrument: the word before its first 'of' ('Memorandum of
    Understanding on ...' -> memorandum), else its last word ('Black Sea Grain Initiative' -> initiative)."""
    words = re.findall(r"[\w'’-]+", name.lower())
    cut = words.index("of") if "of" in words[1:] else len(words)
    return words[cut - 1] if cut else ""


def _name_head_hits(text: str, hits: list[_Hit], taken: list[tuple[int, int]]) -> list[_Hit]:
    """'the initiative', 'the memorandum' after a named instrument whose name that word heads (name_heads
    of agreement_words.jsonl: kinds the anaphor pattern does not read): a reference to that instrument,
    from its first mention on. A head shared by two instruments of the article is ambiguous and read for
    neither; 'the framework of / for / on ...' describes another thing."""
    owners: dict[str, set[str]] = {}
    first: dict[str, int] = {}
    for h in hits:
        if h.source in ("catalogue", "named") and h.name and not h.plural:
            head = _name_head(h.name)
            if head in NAME_HEADS:
                owners.setdefault(head, set()).add(h.key)
                first[h.key] = min(first.get(h.key, h.start), h.start)
    out = []
    for head, keys in owners.items():
        if len(keys) != 1:
            continue
        key = next(iter(keys))
        for m in re.finditer(r"(?<![\w-])(?:the|this|that)\s+" + re.escape(head) + r"(?![\w-])(?!\s+(?:of|for|on)\b)",
                             text, re.I):
            if m.start() > first[key] and not _overlaps(taken, m.start(), m.end()):
                out.append(_Hit(m.start(), m.end(), key, "", source="anaphor", lent=True))
                taken.append((m.start(), m.end()))
    return out


def find_mentions(text: str, sents: list[Sentence] | None = None) -> list[_Hit]:
    """Every agreement mention in text, leftmost first (no parties or status yet). sents (optional)
    lets a conditional catalogue alias check its context in the mention's own sentence."""
    hits = _catalogue_hits(text, sents)
    taken = [(h.start, h.end) for h in hits]
    defined: dict[str, str] = {}
    hits += _named_hits(text, taken, defined, sents)
    hits += _generic_hits(text, taken)
    hits += _swap_hits(text, taken)
    hits += _truce_hits(text, taken)
    hits += _reference_hits(text, taken, defined)
    hits += _name_head_hits(text, hits, taken)
    for h in hits:      # 'a Defence Cooperation Agreement (DCA)': an instrument of its own
        h.own = h.source == "generic" and OWN_ACRONYM.match(text, h.end) is not None
        if h.year and h.source == "generic":
            h.key = f"{h.key}@{h.year}"     # 'a 2006 ceasefire agreement' is not the truce agreed now
    return sorted(hits, key=lambda h: (h.start, -h.end))
