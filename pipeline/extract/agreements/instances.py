"""Instances: mentions placed into one row per (agreement, parties): attached to an existing instance,
opened, or one per partner for a bilateral instrument written with a hub and a list. The rows are
consolidated in consolidate.py and written as AgreementFinding records in findings.py."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.actors import canonical_state
from pipeline.extract.agreements.lexicon import (
    STATUS_RANK,
    STRONG,
    _fold,
    _generic_regexes,
    broad_regex,
    kind_of,
    name_words,
    title_name,
)
from pipeline.extract.agreements.mentions import _Hit, _name_head
from pipeline.extract.agreements.parties import _PartyIndex, _unique, written_members
from pipeline.records import Sentence
from pipeline.resources import pattern_text, word_list

# ---------------------------------------------------------------- instances

@dataclass
class _Instance:
    key: str
    name: str
    acronym: str
    kind: str
    source: str
    parties: list[str]
    party_source: str
    bilateral: bool
    hits: list[tuple[_Hit, int]] = field(default_factory=list)    # (hit, sentence n)
    status: str = "unspecified"
    evidence_n: int = -1
    evidence_rank: tuple = ()
    last: int = 0
    from_list: bool = False     # opened by "the third such agreement, after X and Y"
    status_by: tuple[str, int, int, int] = ("", -1, -1, -1)  # what set status: (cue id or rule, cue start, end, sentence)
    lent: list[tuple[_Hit, int]] = field(default_factory=list)     # far references: their events only


def _compatible(a: list[str], b: list[str]) -> bool:
    sa, sb = set(a), set(b)
    return not sa or not sb or sa <= sb or sb <= sa



# Names of the rules in code that set an agreement's status, for `why` and `status_cue` (README, "why")
NEW_INSTRUMENT_RULE = "agreements:new_instrument"   # 'negotiate a new deal' after one ended: proposed
PRIOR_LIST_RULE = "agreements:prior_list"           # 'the third such pact, after X and Y': existing rows


MEDIATED_BY = re.compile(pattern_text("agreement_patterns.jsonl", "mediated_by"), re.I)
MEDIATOR_REACH = 120     # characters before a party read for 'brokered by A, B and ' (the list it ends)


def _fallback_parties(h: _Hit, sent: Sentence, idx: _PartyIndex, text: str = "") -> list[str]:
    """The states of the sentence, except mediators ('brokered by Qatar')."""
    return _unique(c for s, e, c in idx.within(sent.start, sent.end) if canonical_state(c)
                   and not (text and MEDIATED_BY.search(text[max(sent.start, s - MEDIATOR_REACH):s])))


def _place(h: _Hit, n: int, sent: Sentence, instances: list[_Instance], idx: _PartyIndex, text: str,
           prior: list[str], pending: list[tuple[_Hit, int]] | None, topics: list[list[str]],
           kinds: list[tuple[_Hit, int]] | None = None) -> None:
    """Attach a mention to an existing instance or open a new one (or several for a bilateral
    instrument written with a hub and a list: 'Japan's ACSAs with New Zealand and the Netherlands')."""
    recent = [i for i in instances if n - i.last <= 3]
    if kinds is not None and h.source in ("generic", "catalogue") and h.plural and len(h.with_list) == 1:
        kinds.append((h, n))        # 'the Defence Cooperation Agreements with X': read by _place_owned
    if h.owner and h.source in ("anaphor", "indefinite") and not prior \
            and _place_owned(h, n, instances, recent, idx, topics, text, kinds or []):
        return
    if h.source == "indefinite" and h.like and h.with_list and recent:
        return _place_like(h, n, instances, recent, idx, topics)
    if h.source in ("anaphor", "indefinite"):
        target = _resolve_reference(h, n, instances, recent)
        if target is None:
            if pending is not None and h.source == "indefinite" and h.parties:
                pending.append((h, n))
            return
        key, name, acronym, kind = target.key, target.name, target.acronym, target.kind
        fixed, include, bilateral, source = (), (), target.bilateral, target.source
        if h.new and target.status not in ("proposed", "under_negotiation", "signed", "ratified"):
            # "negotiate a new deal" after leaving a climate accord: a new climate agreement, proposed;
            # "reached a new agreement" right after one was signed is that agreement
            kind = target.kind
            key, name, acronym, source = f"new:{kind}", title_name(f"new {kind if kind != 'other' else ''} agreement"), "", "generic"
            h.parties = h.parties or list(target.parties)
            h.party_source = h.party_source or "inherited"
            if STATUS_RANK[h.status] < STATUS_RANK["proposed"] or h.status in STRONG:
                h.status, h.cue_id = "proposed", NEW_INSTRUMENT_RULE
            h.source = "generic"
    else:
        key, name, acronym, kind = h.key, h.name, h.acronym, h.kind
        fixed, include, bilateral, source = h.fixed, h.include, h.bilateral, h.source
        _take_pending(h, n, bilateral, pending)
    if h.source == "anaphor" or (h.source == "indefinite" and not h.new):
        return _place_reference(h, n, sent, target, (key, name, acronym, kind, source, bilateral), prior, idx,
                                instances, topics)
    if h.source == "generic" and h.plural and (not h.parties or (len(h.parties) < 2 and not h.with_list
                                                                 and not h.key.startswith("described:"))):
        return      # "trade deals struck before the summit", "X's security partnerships": deals in general
    parties = list(fixed) or _unique([*include, *h.parties])
    party_source = "fixed" if fixed else h.party_source
    hub_parties = parties
    if prior and bilateral:
        hub = _hub(parties or [p for p in idx.inside(sent.start, sent.end) if p not in prior], idx)
        for p in prior:
            _add(instances, topics, key, name, acronym, kind, source, bilateral, [hub, p] if hub else [p], "role",
                 h, n, "existing")
    if not parties:
        same = [i for i in instances if i.key == key and not _another(h, i) and not _apart(h, i)] \
            if h.source not in ("anaphor", "indefinite") else [target]
        if h.source == "generic" and not same and not key.startswith("described:"):
            same = [i for i in recent if i.kind == kind and kind != "other" and not _another(h, i)
                    and not i.key.startswith("described:") and not _apart(h, i)]
        if same:
            _attach(max(same, key=lambda i: i.last), h, n)
            return
        parties, party_source = _fallback_parties(h, sent, idx, text), "fallback"
        hub_parties = parties
    if bilateral and len(h.with_list) >= 2 and len(hub_parties) == len(h.with_list):
        # "Manila has visiting forces agreements with Washington and Canberra": the holder is unnamed here
        others = [p for p in sorted(idx.frequency, key=lambda p: -idx.frequency[p]) if p not in h.with_list]
        if others:
            hub_parties = [others[0], *h.with_list]
    if h.source == "generic" and h.plural and len(h.with_list) >= 2:
        bilateral = True      # "the partnerships the EU signed with Japan and Chile": one per partner
    if bilateral and len(hub_parties) > 2 and written_members(sent.start, sent.end, text, idx) & set(hub_parties):
        bilateral = False     # "the bloc of A, B and C signed a pact with D": one instrument, all named
    if bilateral and len(hub_parties) > 2:
        hub = _hub([p for p in hub_parties if p not in h.with_list] or hub_parties, idx)
        if source == "generic" and h.plural:
            name = singular_name(name)      # ('logistics agreements with A and B': one agreement with each)
        for p in hub_parties:
            if p != hub:
                _add(instances, topics, key, name, acronym, kind, source, bilateral, [hub, p], party_source, h, n)
        return
    _add(instances, topics, key, name, acronym, kind, source, bilateral, parties, party_source, h, n)


def _place_like(h: _Hit, n: int, instances: list[_Instance], recent: list[_Instance], idx: _PartyIndex,
                topics: list[list[str]]) -> None:
    """"talks on a comparable pact with France": the instrument in focus, with a new partner."""
    target = max(recent, key=lambda i: (i.last, -len(i.hits)))
    hub = _hub(target.parties, idx) if len(target.parties) == 2 else ""
    for p in h.with_list:
        if p in target.parties:
            continue
        parties = [hub, p] if hub else [p]
        same = [i for i in instances if i.key == target.key and set(i.parties) == set(parties)]
        if same:
            _attach(same[0], h, n)
        else:
            _open(instances, topics, target.key, target.name, target.acronym, target.kind, target.source,
                  target.bilateral, parties, "role", h, n, None)
            instances[-1].from_list = True     # a row of its own, kept though only referred to


OWNED_HEADS = word_list("agreement_words.jsonl", "owned_heads")


def _place_owned(h: _Hit, n: int, instances: list[_Instance], recent: list[_Instance], idx: _PartyIndex,
                 topics: list[list[str]], text: str, kinds: list[tuple[_Hit, int]]) -> bool:
    """A possessed reference that names its own pair: 'its treaty with X' (its owner and each partner of its
    with-list), or 'Sweden's equivalent agreement', 'Finland's agreement', 'Y could sign a similar deal' (its
    owner, outside the pair of the instrument in focus, with that pair's hub; or with the hub of a kind held
    just before: 'the Defence Cooperation Agreements with X'). One row per pair: the row already holding
    that pair joins it (the same instrument), else a row of its own named as the text names the kind (the
    focus's kind words and the mention's head noun: 'Fisheries Protocol'). False when the mention names no
    pair of its own (it is left to the other rules)."""
    noun = _owned_head(text[h.start:h.end])
    if not noun:
        return False        # 'its alliance with X', 'its partnership with A, B and C': not one instrument per pair
    partners = [p for p in h.with_list if p != h.owner]
    focus = max(recent, key=lambda i: (i.last, -len(i.hits))) if recent else None
    row = None
    if not partners:
        if not (h.like or h.owner_named) or re.match(r"\s+with\b", text[h.end:h.end + 6]):
            return False        # ('its own memorandum with its creditors': a partner of its own, unread)
        pairs_of = [i for i in recent if len(i.parties) == 2 and not _apart(h, i) and not i.from_list]
        held = [k for k, m in kinds if n - m <= 3 and k.with_list[0] != h.owner]
        if pairs_of:
            focus = max(pairs_of, key=lambda i: (i.last, -len(i.hits)))
            if h.owner in focus.parties:
                return False    # 'Finland's agreement' with the Finland pair in focus: that instrument
            partners = [_hub(focus.parties, idx)]
        elif held:
            k = held[-1]
            partners = [k.with_list[0]]
            row = (k.key, k.name, k.acronym, k.kind, k.source) if k.source == "catalogue" and k.bilateral \
                else (f"owned:{_fold(k.name)}", k.name, "", k.kind, "generic")
        else:
            return False
    elif focus is not None and set([h.owner, *partners]) <= set(focus.parties) and len(partners) == 1:
        return False            # 'its treaty with X' for the X pair in focus: the anaphor rules place it
    key, name, acronym, kind, source = row or _sibling_row(focus, noun, h.kind_words)
    for p in partners:
        pair = {h.owner, p}
        same = [i for i in instances if set(i.parties) == pair and not _apart(h, i)]
        if same:
            _attach(max(same, key=lambda i: i.last), h, n)
            continue
        _open(instances, topics, key, name, acronym, kind, source, True, [h.owner, p], "role", h, n, None)
        instances[-1].from_list = True     # a row of its own, kept though only referred to
    return True


def _owned_head(phrase: str) -> str:
    """The instrument noun heading a possessed mention, singular ('its tax treaties' -> 'treaty'), or ''
    when it is not one of owned_heads (agreement_words.jsonl)."""
    m = re.search(r"(\w+)(?:\s+of\s+understanding)?$", phrase)
    word = m.group(1).lower() if m else ""
    word = {"memoranda": "memorandum", "treaties": "treaty"}.get(word, re.sub(r"s$", "", word))
    return word if word in OWNED_HEADS else ""


def _sibling_row(focus: _Instance | None, noun: str, words_before: str = "") -> tuple[str, str, str, str, str]:
    """(key, name, acronym, kind, source) of an instrument of the focus's kind held by another pair: its own
    kind words with its head noun ('tax treaties' -> 'Tax Treaty'); else a bilateral catalogue kind is that
    kind; a named or generic focus lends its words without its pair ('US-Japan Critical Minerals Agreement'
    -> 'Critical Minerals Agreement'), with the mention's head noun; no focus: the noun."""
    if focus is None or words_before:
        name = title_name(f"{words_before} {noun}".strip())
        return f"owned:{_fold(name)}", name, "", kind_of(name) if focus is None else focus.kind, "generic"
    if focus.source == "catalogue" and focus.bilateral:
        return focus.key, focus.name, focus.acronym, focus.kind, "catalogue"
    words = re.findall(r"[\w'’-]+", focus.name)
    while words and ("-" in words[0] or words[0] in focus.parties or len(words[0]) <= 3 and words[0].isupper()):
        words = words[1:]
    if words and words[-1].lower() in OWNED_HEADS | {"accord", "pact", "deal", "convention", "partnership"}:
        words = words[:-1]
    name = _kind_name(focus.name, noun) if focus.key.startswith("described:") else title_name(" ".join([*words, noun]))
    return f"owned:{_fold(name)}", name, "", focus.kind, "generic"


def _take_pending(h: _Hit, n: int, bilateral: bool, pending: list[tuple[_Hit, int]] | None) -> None:
    """A named mention right after an unnamed signing takes its parties and status (and the pending
    entry is used up)."""
    for p_hit, p_n in list(pending or []):
        # "Japan and Britain signed a pact ... The so-called acquisition and cross-servicing agreement ..."
        if n - p_n <= 1 and h.source in ("catalogue", "named"):
            union = _unique([*p_hit.parties, *h.parties])
            if not bilateral or len(union) <= 2:
                h.parties = union
                h.party_source = h.party_source or "role"
                if STATUS_RANK[p_hit.status] > STATUS_RANK[h.status]:
                    h.status, h.cue = p_hit.status, p_hit.cue
            pending.remove((p_hit, p_n))


def _place_reference(h: _Hit, n: int, sent: Sentence, target: _Instance, row: tuple, prior: list[str],
                     idx: _PartyIndex, instances: list[_Instance], topics: list[list[str]]) -> None:
    """An anaphor or indefinite joins the instance it refers to; "similar agreements with X and Y"
    (or a prior list) adds one existing row per partner of a bilateral kind."""
    key, name, acronym, kind, source, bilateral = row
    _attach(target, h, n)
    # "similar agreements with X and Y": the kind in focus is bilateral even when not catalogued
    pairwise = bilateral or (h.like and len(target.parties) == 2)
    if pairwise and h.plural and len(h.with_list) >= 1 and not prior:
        # "its network of such agreements, which already includes pacts with X, Y and Z"
        prior = [p for p in h.with_list if p not in target.parties]
    if prior and pairwise:
        here = [p for p in idx.inside(sent.start, sent.end) if p not in prior]
        holders = [p for p in target.parties if p in here] or [p for p in target.parties if p not in prior]
        hub = _hub(holders or here, idx)
        if target.source == "named" and h.like:
            # 'the Andes Fisheries Accord ... similar accords with X and Y': the same kind of instrument, not
            # that named one: named as the text names that kind ('Fisheries Agreement') with each partner
            key, name, source = f"similar:{_fold(target.name)}", _kind_name(target.name), "generic"
        for p in prior:
            _add(instances, topics, key, name, acronym, kind, source, bilateral, [hub, p] if hub else [p], "role",
                 h, n, "existing")


# the plural heads of generic names and their singular ('Logistics Agreements' -> 'Logistics Agreement')
PLURAL_HEAD = re.compile(r"\b(Agreement|Accord|Arrangement|Partnership|Protocol|Declaration|Memorand)(s|a|ums)$|\bTreaties$")


def singular_name(name: str) -> str:
    """The name of one instrument of a plural generic mention: its last word, the head, made singular."""
    return PLURAL_HEAD.sub(lambda m: "Treaty" if m.group(0) == "Treaties" else
                           m.group(1) + ("um" if m.group(1) == "Memorand" else ""), name)


def _kind_name(name: str, head: str = "agreement") -> str:
    """The kind words of an instrument's name as a generic name: 'Andes Fisheries Accord' -> 'Fisheries
    Agreement' (words of the kind and modifier lexicon only; head alone when it has none)."""
    modifier = re.compile(_generic_regexes()[0], re.I)
    words = [w for w in re.findall(r"[\w'’-]+", name) if modifier.fullmatch(w) and w.lower() != head.lower()]
    return title_name(" ".join([*words, head]))


def _open_unnamed(h: _Hit, n: int, sent: Sentence, text: str, instances: list[_Instance],
                  topics: list[list[str]]) -> None:
    """'The EU and Mercosur clinched a deal that forges a trade bloc': an unnamed instrument whose
    parties sign it; its kind is read from its own clause. Nothing is opened without a kind."""
    if len(h.parties) < 2 or STATUS_RANK[h.status] < STATUS_RANK["signed"]:
        return
    kind = kind_of(text[h.start:sent.end])
    if kind == "other":
        return
    h.source = "generic"
    _add(instances, topics, f"generic:{kind}", title_name(f"{kind} agreement"), "", kind, "generic", False,
         list(h.parties), "role", h, n)


def _hub(parties: list[str], idx: _PartyIndex) -> str:
    """The party common to a list of bilateral instruments: the most mentioned, then the first written."""
    first = {c: s for s, _e, c in reversed(idx.spans)}
    return max(parties, key=lambda p: (idx.frequency[p], -first.get(p, 0))) if parties else ""


FOCUS_REACH = 8     # sentences back an anaphor looks for the instrument in focus past a dated one


def _resolve_reference(h: _Hit, n: int, instances: list[_Instance], recent: list[_Instance]) -> _Instance | None:
    if h.key not in ("anaphor", "indefinite"):
        same = [i for i in instances if i.key == h.key]
        return max(same, key=lambda i: i.last) if same else None
    if h.source == "indefinite" and h.distinct:
        return None     # 'a second agreement', 'another pact': not the instrument in focus
    recent = [i for i in recent if not _apart(h, i)]
    if h.draft:
        recent = [i for i in recent if STATUS_RANK[i.status] < STATUS_RANK["signed"]] or recent
    # 'the deal' after 'builds on a 2006 ceasefire agreement': an anaphor stands for the instrument in
    # focus, not for a dated earlier one mentioned in passing (even when the one in focus was last named a
    # few sentences before the dated one: FOCUS_REACH)
    undated = [i for i in recent if "@" not in i.key]
    if not undated and recent and h.source == "anaphor":
        undated = [i for i in instances if "@" not in i.key and not i.from_list and n - i.last <= FOCUS_REACH
                   and not _apart(h, i)][-1:]
    recent = undated or recent
    if not recent:
        return _sole_focus(h, instances)
    if h.plural:
        # 'the accords' after the Artemis Accords and a memorandum: a plural anaphor stands for an instrument
        # whose name is plural when there is one
        recent = [i for i in recent if _plural_name(i.name)] or recent
    if h.parties:
        fits = [i for i in recent if set(h.parties) <= set(i.parties) or not i.parties]
        if fits:
            return max(fits, key=lambda i: i.last)
        if h.source == "indefinite":
            return None
    return max(recent, key=lambda i: (i.last, -len(i.hits)))


def _add(instances: list[_Instance], topics: list[list[str]], key, name, acronym, kind, source, bilateral, parties, party_source, h, n,
         status: str | None = None) -> None:
    for inst in sorted(instances, key=lambda i: -i.last):
        if inst.key == key and set(inst.parties) == set(parties) and not _apart(h, inst):
            _attach(inst, h, n, status)
            return
    if status == "existing":      # an earlier instance listed by name: never folded into another
        return _open(instances, topics, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status)
    for inst in sorted(instances, key=lambda i: (i.from_list, -i.last)):
        union = set(inst.parties) | set(parties)
        fits = _compatible(inst.parties, parties) or (bilateral and len(union) <= 2)
        if inst.from_list and len(parties) < 2 and n in {m for _h, m in inst.hits}:
            continue
        by_kind = source == "generic" and inst.kind == kind and kind != "other" and not key.startswith("new:") \
            and not h.own and not key.startswith("described:") and not inst.key.startswith("described:")
        if (inst.key == key or by_kind) and fits and not (bilateral and len(union) > 2) and not _another(h, inst) \
                and not _apart(h, inst):
            if len(union) > len(inst.parties):
                inst.parties, inst.party_source = _unique([*inst.parties, *parties]), party_source
            _attach(inst, h, n, status)
            return
    _open(instances, topics, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status)


def _apart(h: _Hit, inst: _Instance) -> bool:
    """A mention the parse sets apart from one of the instance's mentions (apart.py: conjuncts, subject
    and object of one verb), or a dated generic mention the instance's names are not written beside."""
    return any(id(o) in h.apart for o, _n in inst.hits) or _dated_apart(h.key, inst)


def _dated_apart(key: str, inst: _Instance) -> bool:
    """'a 1982 security cooperation agreement' beside a pact signed last week: a generic mention dated by
    a year is another instrument than one whose names (catalogue or named mentions) are never written in
    a sentence with that year, and than any undated generic one."""
    year = key.partition("@")[2]
    if not year or inst.key == key:
        return False
    return not any(year in o.years for o, _n in inst.hits if o.source in ("catalogue", "named"))


def _another(h: _Hit, inst: _Instance) -> bool:
    """'the trade agreement with X ... talks on a new investment facilitation agreement': a generic
    mention written as new, whose descriptive words (besides broad ones) share none with the generic
    instance of its kind, or beside an instrument that was ended, is another instrument."""
    if h.distinct and h.source == "generic":      # 'a separate investment treaty', 'another pact'
        return True
    if not (h.new and h.source == "generic"):
        return False
    if inst.status in ("terminated", "suspended"):    # 'a new deal' beside one that was scrapped
        return True
    if inst.source != "generic":
        return False
    broad = broad_regex()
    own = {w for w in name_words(h.name) if not broad.fullmatch(w)}
    theirs = {w for w in name_words(inst.name) if not broad.fullmatch(w)}
    return bool(own) and bool(theirs) and not own & theirs


PLURAL_HEADS = word_list("agreement_words.jsonl", "plural_heads")


def _plural_name(name: str) -> bool:
    """'Artemis Accords', 'Geneva Conventions': the word that heads the name is plural."""
    return _name_head(name) in PLURAL_HEADS


def _sole_focus(h: _Hit, instances: list[_Instance]) -> _Instance | None:
    """'... signed the pact in May. (five sentences on other things) The deal came into effect today': an
    anaphor met after the gap that ends the search among recent instances still stands for the article's
    instrument when the article has only one so far (none opened from a list, none dated in passing), its
    kind fits, and it tells an event of its own (its status was read from the clause that governs it);
    with two or more instruments the anaphor is ambiguous and counts for none."""
    if h.source != "anaphor" or h.plural or h.new or h.like or h.status == "unspecified":
        return None
    if len(instances) != 1:
        return None
    inst = instances[0]
    if inst.from_list or "@" in inst.key or h.kind not in ("other", inst.kind):
        return None
    h.lent = True
    return inst


def _open(instances: list[_Instance], topics: list[list[str]], key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status) -> None:
    inst = _Instance(key, name, acronym, kind, source, list(parties), party_source, bilateral,
                     from_list=status == "existing")
    instances.append(inst)
    if not inst.from_list and len(parties) >= 2:
        topics.append(list(parties))      # read by parties._count_parties ("the two countries")
    _attach(inst, h, n, status)


def _attach(inst: _Instance, h: _Hit, n: int, status: str | None = None) -> None:
    st = status or h.status
    if h.lent:
        # a far reference ('the protocol', '... the deal came into effect' much later) tells the instrument's
        # event, read in its own clause; its sentence is not made part of the instrument's sentences (what
        # the motive stage and the gate read as the agreement's topic)
        inst.lent.append((h, n))
        if STATUS_RANK[st] > STATUS_RANK[inst.status]:
            inst.status, inst.status_by = st, (h.cue_id, *h.cue, n)
        return
    inst.hits.append((h, n))
    inst.last = max(inst.last, n)
    if not inst.acronym and h.acronym:
        inst.acronym = h.acronym
    if inst.source in ("generic",) and h.source in ("catalogue", "named"):
        inst.key, inst.name, inst.source, inst.kind = h.key, h.name, h.source, h.kind
    elif inst.source == "generic" and h.source == "generic" and _specificity(h.name) > _specificity(inst.name):
        inst.name = h.name
    rank = (STATUS_RANK[st], len(h.parties), -n)
    if STATUS_RANK[st] > STATUS_RANK[inst.status]:
        inst.status = st
        inst.status_by = (PRIOR_LIST_RULE, -1, -1, n) if status else (h.cue_id, *h.cue, n)
    if not inst.evidence_rank or rank > inst.evidence_rank:
        inst.evidence_rank, inst.evidence_n = rank, n


def _specificity(name: str) -> tuple[int, int]:
    return (int(bool(re.match(r"(?:Bilateral|Trilateral)\b", name))), len(name.split()))


def _merge(into: _Instance, other: _Instance) -> None:
    into.hits += other.hits
    into.lent += other.lent
    into.last = max(into.last, other.last)
    if len(other.parties) > len(into.parties) and _compatible(into.parties, other.parties):
        into.parties, into.party_source = other.parties, other.party_source
    if STATUS_RANK[other.status] > STATUS_RANK[into.status]:
        into.status, into.status_by = other.status, other.status_by
    if other.evidence_rank > into.evidence_rank:
        into.evidence_rank, into.evidence_n = other.evidence_rank, other.evidence_n


def _has_parties(inst: _Instance) -> bool:
    """A generic instrument counts only when its parties are clear."""
    return bool(inst.parties) or inst.source != "generic" or inst.key.startswith("new:")


def _keep(inst: _Instance) -> bool:
    return inst.from_list or any(h.source not in ("anaphor", "indefinite") for h, _n in inst.hits)
