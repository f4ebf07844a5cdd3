"""Parties of a mention: the article's party spans and the dependency roles around the mention."""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipeline.extract.actors import (
    canonical_state,
    capital_index,
    org_index,
    seat_country,
    state_index,
    state_mentions,
)
from pipeline.extract.agreements.lexicon import (
    LEXICON,
    _rows,
    BROKER_VERBS,
    CAPITAL_ROLE_PREPS,
    COPULA_SUBJECTS,
    COUNT,
    DEEP_CHAIN_PREPS,
    MEDIATOR_VERBS,
    NOT_PARTY_VERBS,
    NUMBERS,
    PRIOR_LIST,
    RELCL_SIGNING,
    REPORTING_VERBS,
)
from pipeline.extract.agreements.mentions import _overlaps
from pipeline.records import ActorFinding, Sentence
from pipeline.extract.agreements.wording import NOT_TOPIC
from pipeline.resources import pattern_text

# the not_topic words (wording.NOT_TOPIC) and the words of a possessed sibling that say no kind
KIND_NOT_TOPIC = frozenset(NOT_TOPIC) | {"own", "equivalent"}

# ---------------------------------------------------------------- parties

@dataclass
class _PartyIndex:
    """Character spans of party references in the article: states, organisations, people (-> country)."""

    spans: list[tuple[int, int, str]]       # sorted
    frequency: Counter

    def __post_init__(self) -> None:
        self._starts = [s for s, _e, _c in self.spans]
        self._latest_first = sorted(self.spans, key=lambda x: -x[0])

    def within(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The spans inside lo..hi, in order (found by bisection: they are asked for per mention)."""
        out = []
        for k in range(bisect.bisect_left(self._starts, lo), len(self.spans)):
            s, e, c = self.spans[k]
            if s >= hi:
                break
            if e <= hi:
                out.append((s, e, c))
        return out

    def inside(self, lo: int, hi: int) -> list[str]:
        return _unique(c for _s, _e, c in self.within(lo, hi))

    def before(self, pos: int, n: int, states_only: bool = False) -> list[str]:
        out: list[str] = []
        for s, e, c in self._latest_first:
            if states_only and c not in state_index():
                continue
            if e <= pos and c not in out:
                out.append(c)
            if len(out) == n:
                break
        return out


def _unique(items) -> list[str]:
    out: list[str] = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return out


def party_index(text: str, actors: list[ActorFinding]) -> _PartyIndex:
    spans = [(s, e, c) for s, e, _surf, c in state_mentions(text)]
    taken = [(s, e) for s, e, _ in spans]
    for a in actors:
        if a.type == "state":
            continue
        target = (seat_country(a.name) or _organs().get(a.name) or a.name) if a.type == "organization" else a.country
        if not target or (a.type == "organization" and target == a.name and not _party_org(a.name)):
            continue       # (a seat of government stands for its state: 'the Kremlin refused to extend the deal')
        for m in a.mentions:
            if not _overlaps(taken, m.start, m.end):
                spans.append((m.start, m.end, target))
    spans.sort()
    spans = _with_bloc_anaphors(text, spans)
    return _PartyIndex(spans, Counter(c for _s, _e, c in spans))


def _is_bloc(name: str) -> bool:
    """An organisation of states in the gazetteer (no home country): EU, Mercosur, ASEAN, EFTA ..."""
    entry = org_index().get(name)
    return bool(entry) and not entry[1] and not canonical_state(name)


BLOC_ANAPHOR = re.compile(pattern_text("agreement_patterns.jsonl", "bloc_anaphor"), re.I)


def _with_bloc_anaphors(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """'Negotiators from the bloc and Japan met ...': 'the bloc' (singular, with the definite article)
    stands for the organisation of states named last before it; none named before, it stands for none."""
    taken = [(s, e) for s, e, _c in spans]
    extra = []
    for m in BLOC_ANAPHOR.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        last = [c for s, e, c in spans if e <= m.start() and _is_bloc(c)]
        if last:
            extra.append((m.start(), m.end(), last[-1]))
    return sorted(spans + extra) if extra else spans


@LEXICON.cached
def _organs() -> dict[str, str]:
    """organ -> the party it acts for (resources/agreements_organs.jsonl)."""
    return {row["organ"]: row["party"] for row in _rows("agreements_organs.jsonl")}


def _party_org(name: str) -> bool:
    """Organisations that can be party to an agreement: those in the gazetteer, blocs, armed groups."""
    return name in org_index() or bool(re.search(
        r"\b(?:Union|Bloc|Alliance|Organi[sz]ation|Community|Council|Forces|Front|Movement|Army|Rebels|"
        r"Liberation|Authority|Government|Taliban|Hamas|Hezbollah|Houthis?|Jihad|Brigades?|Militias?)\b", name))


def _subtree_span(tok: Token) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _count_parties(text: str, lo: int, hi: int, idx: _PartyIndex, topics: list[list[str]]) -> list[str]:
    """"the two countries": the parties of the last instance opened with that many (topics: the party
    lists of the instances opened so far, in order), else the most mentioned parties just before."""
    m = COUNT.search(text, lo, hi)
    if not m:
        return []
    states_only = bool(re.search(r"countries|nations|states|governments|neighbou?rs", m.group(0), re.I))
    blocs_only = bool(re.search(r"blocs", m.group(0), re.I))     # "the two blocs": organisations, no state
    fits = lambda c: (not states_only or c in state_index()) and (not blocs_only or _is_bloc(c))
    n = NUMBERS[m.group(1).lower()]
    start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
    here = _unique(c for _s, _e, c in idx.within(start, m.start()) if fits(c))
    if len(here) == n:      # "X shares a river with Y, and the two governments ...": the pair just named
        return here
    # fewer states than the count named in the sentence before: the pair recalled holds them ("Ties with X
    # are being formalised. The two governments ..." is not an older pair without X); as many or more
    # ("Officials from X and Y attended. The two governments ...") leave it to the pair in focus
    before = max(text.rfind(". ", 0, max(0, start - 2)), text.rfind("\n", 0, max(0, start - 1))) + 1
    just_named = {c for _s, _e, c in idx.within(before, m.start()) if fits(c)}
    if len(just_named) >= n:
        just_named = set()
    for topic in reversed(topics):       # "the two governments": the pair the article is about
        members = [p for p in topic if fits(p)]
        if len(members) == n and (not just_named or just_named <= set(members)):
            return members
    if blocs_only:                       # the last two blocs named before
        return _unique(c for _s, _e, c in reversed(idx.within(0, m.start())) if _is_bloc(c))[:n]
    recent = idx.before(m.start(), n + 3, states_only)    # the most mentioned of the parties just before
    keep = sorted(recent, key=lambda p: (-idx.frequency[p], recent.index(p)))[:n]
    return [p for p in recent if p in keep]


def _collect(tok: Token, idx: _PartyIndex, text: str, skip: tuple[int, int], topics: list[list[str]]) -> list[str]:
    """Parties written inside tok's subtree (outside the mention itself); counts resolved."""
    lo, hi = _subtree_span(tok)
    spans = [(s, e, c) for s, e, c in idx.within(lo, hi) if not (s >= skip[0] and e <= skip[1])]
    found = [c for _s, _e, c in spans] + _capital_roles(tok, spans, skip)
    return _unique(found + _count_parties(text, lo, hi, idx, topics))


def _capital_roles(tok: Token, spans: list[tuple[int, int, str]], skip: tuple[int, int]) -> list[str]:
    """'Seoul reaffirmed its commitment to the treaty', 'a pact with Manila': a capital that is the
    subject of the governing verb, the object of with/between/among/by, or coordinated with one of those
    stands for its state (the actors stage names a capital a government only before its own verb cues;
    'in Seoul', 'the Seoul office', a capital inside a party's name are places)."""
    out: list[str] = []
    for t in tok.subtree:
        if t.pos_ != "PROPN" or t.dep_ == "compound" or skip[0] <= t.idx < skip[1]:
            continue
        first = t
        while first.i > 0 and first.doc[first.i - 1].dep_ == "compound" and first.doc[first.i - 1].head.i == t.i:
            first = first.doc[first.i - 1]
        surface = t.doc[first.i:t.i + 1].text
        state = capital_index().get(surface)
        if surface in state_index() or not state or any(s < t.idx + len(t) and first.idx < e for s, e, _c in spans):
            continue
        role = t
        while role.dep_ == "conj" and role.head.i != role.i:
            role = role.head
        if role.dep_ in ("nsubj", "nsubjpass") or (role.dep_ == "pobj" and role.head.lower_ in CAPITAL_ROLE_PREPS):
            out.append(state)
    return out


def role_parties(span: Span, idx: _PartyIndex, text: str, with_list: list[str] | None = None,
                 topics: list[list[str]] | None = None) -> list[str]:
    """Parties of the agreement named by span from the parse around it: pre-modifiers
    ('US-Japan ACSA', 'China security deal'), possessives, with/between/among phrases, and the
    subject, agent and object of the verbs that govern it."""
    topics = [] if topics is None else topics
    found: list[str] = []
    root = span.root
    # inside the noun phrase, before the mention: "the Japan-Australia RAA", "Japan's ACSAs"
    np_start = min(root.left_edge.idx, span.start_char)
    found += idx.inside(np_start, span.start_char)
    found += idx.inside(span.start_char, span.end_char)      # "Japan-Philippines Visiting Forces Agreement"
    tok, path = root, set()
    skip = (span.start_char, span.end_char)
    inner = [t for t in span if t.i != root.i]    # the parser may not make the head noun the root
    while tok is not None and tok.i not in path:
        path.add(tok.i)
        children = [c for t in [tok, *inner] for c in t.children]
        inner = []
        for child in children:
            if child.i in path or span.start <= child.i < span.end:
                continue
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("with", "between", "among", "amongst", "by")) \
                    or (child.dep_ == "prep" and child.lower_ == "for" and tok.i == root.i):
                got = _collect(child, idx, text, skip, topics)
                found += got
                if with_list is not None and child.lower_ == "with":
                    with_list += got
            elif child.dep_ in ("acl", "relcl") and tok.i == root.i and child.lemma_.lower() not in MEDIATOR_VERBS:
                # "a memorandum reached between the three countries", "the pact signed by X and Y",
                # "the partnerships the EU signed with Japan and Chile"
                for g in child.children:
                    if g.dep_ == "agent" or (g.dep_ == "prep" and g.lower_ in ("with", "between", "among", "by")) \
                            or (g.dep_ == "nsubj" and child.dep_ == "relcl" and child.lemma_.lower() in RELCL_SIGNING):
                        got = _collect(g, idx, text, skip, topics)
                        found += got
                        if with_list is not None and g.lower_ == "with":
                            with_list += got
            elif child.dep_ == "agent":
                found += _collect(child, idx, text, skip, topics)
            elif tok.pos_ in ("VERB", "AUX") and child.dep_ in ("nsubj", "nsubjpass", "dobj", "dative") \
                    and tok.lemma_.lower() not in NOT_PARTY_VERBS \
                    and not (child.dep_ == "nsubj" and tok.lemma_.lower() in BROKER_VERBS) \
                    and not (child.dep_ == "dative" and child.pos_ == "ADP"):
                # ('presented the draft to an envoy of X': the one a text is handed to is no party)
                if child.lower_ in COPULA_SUBJECTS or child.pos_ == "PRON":
                    if child.lower_ in ("they", "both", "we"):
                        found += idx.before(child.idx, 2)
                    continue
                if child.dep_ == "dobj" and tok.lemma_ not in ("ask", "urge", "press", "invite", "join", "persuade"):
                    continue
                found += _collect(child, idx, text, skip, topics)
        if tok.pos_ == "VERB" and tok.tag_ == "VBG" and tok.dep_ in ("acl", "pcomp", "advcl") and tok.i > 0 \
                and tok.lemma_.lower() in RELCL_SIGNING and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            # "on the heels of China signing a pact with X": the noun right before a gerund is its subject
            prev = tok.doc[tok.i - 1]
            found += [c for s, e, c in idx.within(prev.left_edge.idx, prev.idx + len(prev))]
        if tok.pos_ in ("VERB", "AUX"):
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            own = subj and all(span.start <= c.i < span.end for c in subj)
            climb = tok.dep_ in ("xcomp", "conj") or (tok.dep_ in ("ccomp", "advcl") and (
                not subj or all(s.pos_ == "PRON" for s in subj))) \
                or (own and tok.dep_ in ("pcomp", "acl", "advcl", "ccomp", "parataxis")) \
                or (tok.dep_ == "parataxis" and tok.lemma_.lower() in REPORTING_VERBS)
            if not climb:
                break
        if tok.head is tok:
            break
        tok = tok.head
    found += _deep_signing(root, span, idx, text, skip, topics, with_list)
    between = _between_parties(root, idx, text, skip, topics)
    if len(between) >= 2:
        # 'X signed a minerals deal with Z, alongside the peace agreement between A and B': the phrase on
        # the noun itself names all its parties; the subject of the verb over it signed something else
        return _unique([p for p in found if p in between or idx.inside(np_start, span.end_char).count(p)] + between)
    return _unique(found)


def _deep_signing(root, span: Span, idx: _PartyIndex, text: str, skip: tuple[int, int], topics: list[list[str]],
                  with_list: list[str] | None) -> list[str]:
    """'a memorandum of understanding on cooperation in the field of energy signed with X': a signing
    participle (acl/relcl) hung by the parser on the last noun of the mention's of/on/in chain rather than on
    the head noun still names the parties; its with/between/among/by objects and agent are taken (the
    participle on the head noun itself is read in role_parties)."""
    out: list[str] = []
    stack = [c for c in root.children if c.dep_ == "prep" and c.lower_ in DEEP_CHAIN_PREPS]
    seen = 0
    while stack and seen < 12:
        prep = stack.pop()
        seen += 1
        for noun in (c for c in prep.children if c.dep_ == "pobj"):
            for c in noun.children:
                if c.dep_ == "prep" and c.lower_ in DEEP_CHAIN_PREPS:
                    stack.append(c)
                elif c.dep_ in ("acl", "relcl") and c.lemma_.lower() in RELCL_SIGNING \
                        and not (span.start <= c.i < span.end):
                    for g in c.children:
                        if g.dep_ == "agent" or (g.dep_ == "prep" and g.lower_ in ("with", "between", "among", "by")):
                            got = _collect(g, idx, text, skip, topics)
                            out += got
                            if with_list is not None and g.lower_ == "with":
                                with_list += got
    return out


def _between_parties(root, idx: _PartyIndex, text: str, skip: tuple[int, int], topics: list[list[str]]) -> list[str]:
    """The parties of a between/among phrase on the instrument noun itself ([] when it has none)."""
    got: list[str] = []
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ in ("between", "among", "amongst"):
            got += _collect(child, idx, text, skip, topics)
    return _unique(got)



def _prior_list(sent: Sentence, text: str, idx: _PartyIndex) -> tuple[list[str], int]:
    """'the third such agreement Japan has concluded, following Australia and the UK' ->
    (['Australia', 'United Kingdom'], offset where the list starts)."""
    m = PRIOR_LIST.search(sent.text)
    if not m:
        return [], -1
    lo = sent.start + m.end()
    out: list[str] = []
    pos = lo
    for s, e, c in idx.spans:
        if s < lo or e > sent.end:
            continue
        if not re.fullmatch(r"[\s,]*(?:and|or|as well as)?\s*(?:the\s+|those\s+with\s+(?:the\s+)?)?", text[pos:s]):
            break
        if c not in out:
            out.append(c)
        pos = e
    return out, lo


# "<Org> of A, B and C", "<Org> (A, B, C)", "<Org>, which includes A and B": its members, named after it
MEMBERS_AFTER = re.compile(pattern_text("agreement_patterns.jsonl", "members_after"), re.I)


def written_members(lo: int, hi: int, text: str, idx: _PartyIndex) -> set[str]:
    """The parties written in text[lo:hi] as the members of an organisation named just before them
    (a bloc and its members sign one instrument with a partner, not one each)."""
    spans = idx.within(lo, hi)
    out: set[str] = set()
    for k, (_s, e, c) in enumerate(spans):
        if canonical_state(c) or not (m := MEMBERS_AFTER.match(text, e)):
            continue
        pos = m.end()
        for s2, e2, c2 in spans[k + 1:]:
            if not re.fullmatch(r"[\s,]*(?:and\s+)?(?:the\s+)?", text[pos:s2]):
                break
            if canonical_state(c2):
                out.add(c2)
            pos = e2
    return out



OWNER_REACH = 400   # characters before a mention read for the party 'its' stands for (this sentence and the last)


def possessor(span: Span, idx: _PartyIndex, text: str, partners: list[str]) -> tuple[str, bool]:
    """The one party that holds a possessed instrument ('Finland's agreement', 'its treaty with X',
    'Italy, whose protocol with Albania'), read from the poss child of the mention's head: a party written
    in it (named: True when it is a state written by name, not a person or an office); 'whose': the noun its
    relative clause hangs on; 'its': the subject of the verb the mention hangs under, else the last party
    written before the mention (this sentence or the one before). ('', False) when there is none or more
    than one; the partners (its with-list) are never its owner."""
    root = span.root
    poss = next((c for c in root.children if c.dep_ == "poss"), None)
    if poss is None:
        return "", False
    lo, hi = _subtree_span(poss)
    named = [(s, e, c) for s, e, c in idx.within(lo, hi) if c not in partners]
    if named:
        cs = _unique(c for _s, _e, c in named)
        s, e, c = named[-1]
        return (c, bool(canonical_state(text[s:e]))) if len(cs) == 1 else ("", False)
    word = poss.lower_
    if word == "whose":
        tok = root
        while tok.dep_ != "relcl" and tok.head is not tok:
            tok = tok.head
        if tok.dep_ != "relcl":
            return "", False
        noun = tok.head
        cs = [c for c in idx.inside(noun.left_edge.idx, noun.idx + len(noun)) if c not in partners]
        return (cs[-1], False) if len(cs) == 1 else ("", False)
    if word != "its":
        return "", False
    tok = root
    while tok.pos_ not in ("VERB", "AUX") and tok.head is not tok:
        tok = tok.head
    for subj in (c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")):
        if subj.i < span.start or subj.i >= span.end:
            cs = [c for c in idx.inside(*_subtree_span(subj)) if c not in partners]
            if len(cs) == 1:
                return cs[0], False
    before = [c for _s, _e, c in idx.within(max(0, span.start_char - OWNER_REACH), span.start_char) if c not in partners]
    return (before[-1], False) if before else ("", False)


def kind_words(span: Span) -> str:
    """'Russia's tax treaties', 'its double taxation treaty': the nouns and adjectives before the mention's
    head that say its kind (compound and amod children, no party, no word of not_topic in
    agreement_words.jsonl: 'new', 'similar', 'bilateral' ...), in text order."""
    root = span.root
    words = [t for t in root.lefts if t.dep_ in ("compound", "amod") and t.pos_ in ("NOUN", "ADJ")
             and t.lower_ not in KIND_NOT_TOPIC]
    return " ".join(t.text for t in words)
