"""Instances: mentions grouped into one row per (agreement, parties), consolidated, and written as
AgreementFinding records."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.extract.actors import canonical_state
from pipeline.extract.agreements.lexicon import (
    DATE_VALUE,
    DATED,
    KINDS,
    SHORT,
    STATUS_RANK,
    STRONG,
    _fold,
    _generic_regexes,
    catalogue,
    kind_of,
    title_name,
)
from pipeline.extract.agreements.mentions import _Hit, hit_rule
from pipeline.extract.agreements.parties import _PartyIndex, _unique, written_members
from pipeline.extract.nlp import sentence_at
from pipeline.records import AgreementFinding, DateFinding, Mention, Sentence
from pipeline.resources import load_jsonl

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


def _compatible(a: list[str], b: list[str]) -> bool:
    sa, sb = set(a), set(b)
    return not sa or not sb or sa <= sb or sb <= sa



# Names of the rules in code that set an agreement's status, for `why` and `status_cue` (README, "why")
NEW_INSTRUMENT_RULE = "agreements:new_instrument"   # 'negotiate a new deal' after one ended: proposed
PRIOR_LIST_RULE = "agreements:prior_list"           # 'the third such pact, after X and Y': existing rows
NAMED_EXISTS_RULE = "agreements:named_exists"       # a named agreement with no status asserted exists


@lru_cache(maxsize=1)
def _catalogue_ids() -> frozenset[str]:
    return frozenset(row["id"] for row in catalogue())


def _dedupe(findings: list[AgreementFinding]) -> list[AgreementFinding]:
    """One row per (name, acronym, parties): merge rows that ended up identical."""
    out: dict[tuple, AgreementFinding] = {}
    for f in findings:
        key = (f.name, f.acronym, tuple(f.parties))
        if key not in out:
            out[key] = f
            continue
        g = out[key]
        g.sentence_ns = sorted(set(g.sentence_ns) | set(f.sentence_ns))
        g.mentions += f.mentions
        g.why += [w for w in f.why if w not in g.why]
        if STATUS_RANK[f.status] > STATUS_RANK[g.status]:
            g.status, g.status_date, g.evidence_n = f.status, f.status_date, f.evidence_n
            g.status_cue = f.status_cue
    return list(out.values())


MEDIATED_BY = re.compile(r"\b(?:brokered|mediated|hosted|facilitated|sponsored|guaranteed|overseen|witnessed)\s+by\s+(?:the\s+)?$", re.I)


def _fallback_parties(h: _Hit, sent: Sentence, idx: _PartyIndex, text: str = "") -> list[str]:
    """The states of the sentence, except mediators ('brokered by Qatar')."""
    return _unique(c for s, e, c in idx.within(sent.start, sent.end) if canonical_state(c)
                   and not (text and MEDIATED_BY.search(text[max(sent.start, s - 40):s])))


def _place(h: _Hit, n: int, sent: Sentence, instances: list[_Instance], idx: _PartyIndex, text: str,
           prior: list[str], pending: list[tuple[_Hit, int]] | None, topics: list[list[str]]) -> None:
    """Attach a mention to an existing instance or open a new one (or several for a bilateral
    instrument written with a hub and a list: 'Japan's ACSAs with New Zealand and the Netherlands')."""
    recent = [i for i in instances if n - i.last <= 3]
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
    if h.source == "generic" and h.plural and not h.parties:
        return      # "trade deals struck before the summit": deals in general, not one instrument
    parties = list(fixed) or _unique([*include, *h.parties])
    party_source = "fixed" if fixed else h.party_source
    hub_parties = parties
    if prior and bilateral:
        hub = _hub(parties or [p for p in idx.inside(sent.start, sent.end) if p not in prior], idx)
        for p in prior:
            _add(instances, topics, key, name, acronym, kind, source, bilateral, [hub, p] if hub else [p], "role",
                 h, n, "existing")
    if not parties:
        same = [i for i in instances if i.key == key] if h.source not in ("anaphor", "indefinite") else [target]
        if h.source == "generic" and not same and not key.startswith("described:"):
            same = [i for i in recent if i.kind == kind and kind != "other"]
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


def _kind_name(name: str) -> str:
    """The kind words of an instrument's name as a generic name: 'Andes Fisheries Accord' -> 'Fisheries
    Agreement' (words of the kind and modifier lexicon only; 'Agreement' when it has none)."""
    modifier = re.compile(_generic_regexes()[0], re.I)
    words = [w for w in re.findall(r"[\w'’-]+", name) if modifier.fullmatch(w)]
    return title_name(" ".join([*words, "agreement"]))


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


def _resolve_reference(h: _Hit, n: int, instances: list[_Instance], recent: list[_Instance]) -> _Instance | None:
    if h.key not in ("anaphor", "indefinite"):
        same = [i for i in instances if i.key == h.key]
        return max(same, key=lambda i: i.last) if same else None
    if h.draft:
        recent = [i for i in recent if STATUS_RANK[i.status] < STATUS_RANK["signed"]] or recent
    # 'the deal' after 'builds on a 2006 ceasefire agreement': an anaphor stands for the instrument in
    # focus, not for a dated earlier one mentioned in passing
    recent = [i for i in recent if "@" not in i.key] or recent
    if not recent:
        return None
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
        if inst.key == key and set(inst.parties) == set(parties):
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
        if (inst.key == key or by_kind) and fits and not (bilateral and len(union) > 2):
            if len(union) > len(inst.parties):
                inst.parties, inst.party_source = _unique([*inst.parties, *parties]), party_source
            _attach(inst, h, n, status)
            return
    _open(instances, topics, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status)


def _open(instances: list[_Instance], topics: list[list[str]], key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status) -> None:
    inst = _Instance(key, name, acronym, kind, source, list(parties), party_source, bilateral,
                     from_list=status == "existing")
    instances.append(inst)
    if not inst.from_list and len(parties) >= 2:
        topics.append(list(parties))      # read by parties._count_parties ("the two countries")
    _attach(inst, h, n, status)


def _attach(inst: _Instance, h: _Hit, n: int, status: str | None = None) -> None:
    st = status or h.status
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
    into.last = max(into.last, other.last)
    if len(other.parties) > len(into.parties) and _compatible(into.parties, other.parties):
        into.parties, into.party_source = other.parties, other.party_source
    if STATUS_RANK[other.status] > STATUS_RANK[into.status]:
        into.status, into.status_by = other.status, other.status_by
    if other.evidence_rank > into.evidence_rank:
        into.evidence_rank, into.evidence_n = other.evidence_rank, other.evidence_n


def consolidate(instances: list[_Instance], idx: _PartyIndex, sents: list[Sentence] | None = None,
                text: str = "") -> list[_Instance]:
    """Fold a generic reference ('an arms control treaty') into the one named or catalogued
    agreement of the same kind whose parties agree with it; give a bilateral instrument with one
    known party the article's main other party."""
    out = _fold_aliases(list(instances), text)
    for g in [i for i in out if i.source == "generic" and i.kind != "other" and not i.key.startswith("new:")
              and not _own_instrument(i) and not _titled(i)]:
        cands = [i for i in out if i is not g and i.source in ("catalogue", "named") and i.kind == g.kind
                 and _compatible(i.parties, g.parties) and not _replaces(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        target = _fold_target(g, [i for i in out if i is not g and i.source in ("catalogue", "named")
                                  and not i.from_list and not _replaces(g, i)])
        if target is not None:
            _merge(target, g)
            out.remove(g)
    _fold_definite_descriptions(out)
    _fold_generic_subsets(out)
    for inst in out:
        _body_over_headline(inst)
    for inst in out:
        two_sided = inst.bilateral or (inst.source in ("named", "generic") and inst.status in ("signed", "ratified", "in_force"))
        # a generic instrument with one party: its partner only from its own sentence (or the one before)
        lone = not two_sided and inst.source == "generic" and len(inst.parties) == 1 and not inst.from_list
        if lone:
            near = _sentence_states(inst, idx, sents)
            if near:
                inst.parties, inst.party_source = inst.parties + near[:1], "inherited"
        if two_sided and len(inst.parties) < 2:
            # a bilateral instrument with a party unnamed near it: a state in its own sentence ("talks
            # on a trade deal with X ... after X and Y reached agreement"), else the article's main other party
            near = _sentence_states(inst, idx, sents)
            mediators = {c for st, _e, c in idx.spans if text and MEDIATED_BY.search(text[max(0, st - 40):st])}
            others = [(0, p) for p in near] + [
                (c, p) for c, p in sorted(((c, p) for p, c in idx.frequency.items()
                                           if p not in inst.parties and c >= 2), reverse=True)
                if p not in near and p not in mediators]
            if others:
                inst.parties = inst.parties + [p for _c, p in others[:2 - len(inst.parties)]]
                inst.party_source = "inherited"
    return out


def _body_over_headline(inst: _Instance) -> None:
    """A headline's 'pulls out of' against the body's 'suspended': the body says what happened, so a
    termination read only in the first sentence (the headline) gives way to a suspension in the body."""
    if inst.status != "terminated":
        return
    ended = {n for h, n in inst.hits if h.status == "terminated"}
    paused = [n for h, n in inst.hits if h.status == "suspended" and n > 0]
    if ended == {0} and paused:
        inst.status, inst.evidence_n = "suspended", paused[0]


def _fold_definite_descriptions(out: list[_Instance]) -> None:
    """'the lithium deal' in an article that names one instrument of those parties: a definite
    description refers to the instrument already given, so it joins that row (an indefinite one, 'a
    pact on fisheries', is an instrument of its own)."""
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        if not all(h.definite for h, _n in g.hits if h.key == g.key) or _titled(g):
            continue
        cands = [i for i in out if i is not g and i.source in ("catalogue", "named") and not i.from_list
                 and _compatible(i.parties, g.parties) and (not g.parties or set(i.parties) & set(g.parties))
                 and g.kind in (i.kind, "other") and not _replaces(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)


def _fold_generic_subsets(out: list[_Instance]) -> None:
    """'the gas deal' [X] beside 'a natural gas export agreement' [X, Y]: a generic instrument whose
    words are all words of one other generic instrument, with parties among its parties, is that
    instrument mentioned more briefly (its sentences join that row)."""
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        own = _words(g.name)
        if not own:
            continue
        cands = [i for i in out if i is not g and i in out and i.source == "generic" and not i.from_list
                 and not i.key.startswith("new:") and own < _words(i.name)
                 and set(g.parties) <= set(i.parties) and g.kind in (i.kind, "other") and not _replaces(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)


# "the Lombok Treaty, formally the Agreement on the Framework for Security Cooperation", "a logistics
# pact, officially known as an Acquisition and Cross-Servicing Agreement": two names of one instrument.
ALIAS_LINK = re.compile(r"^\s*[,(]?\s*(?:(?P<formal>formally|officially)\s+(?:known as|called|titled|named)?|"
                        r"(?:also |better |commonly |popularly )?(?:known as|called|dubbed|nicknamed))\s*(?:the\s+|an?\s+)?$",
                        re.I)


def _fold_aliases(instances: list[_Instance], text: str) -> list[_Instance]:
    """Merge a named instrument into the one written just before it with 'formally', 'officially
    known as', 'known as' or 'dubbed' between them. The merged instance keeps a catalogue identity
    if either has one, else the formal name (the one after 'formally'/'officially'), else the first."""
    out = list(instances)
    for a in instances:
        for b in instances:
            if a is b or a not in out or b not in out or not {a.source, b.source} & {"named", "catalogue"}:
                continue
            link = next((m for ha, _na in a.hits for hb, _nb in b.hits if 0 <= hb.start - ha.end <= 40
                         for m in [ALIAS_LINK.match(text[ha.end:hb.start])] if m), None)
            if link is None or not _compatible(a.parties, b.parties):
                continue
            keep, other = (b, a) if b.source == "catalogue" or (a.source != "catalogue" and link.group("formal")) else (a, b)
            _merge(keep, other)
            keep.acronym = keep.acronym or other.acronym
            out.remove(other)
    return out




def _own_instrument(g: _Instance) -> bool:
    """A generic instrument the article names for itself with an acronym: never folded into another."""
    return any(h.own for h, _n in g.hits)


def _titled(g: _Instance) -> bool:
    """A generic instrument written in Title Case in running text ('signed the trade deal and the
    Strategic Partnership Agreement'), or named by its own topic ('the annex on power-sharing'): a name
    of its own, folded only into a named instrument whose name holds all its words, never by its kind
    or broad words."""
    return any(h.titled for h, _n in g.hits if h.key == g.key) or g.key.startswith("described:")


def _replaces(g: _Instance, named: _Instance) -> bool:
    """'a new nuclear deal' after the named one collapsed, 'a new security pact' beside an access
    agreement, 'negotiating a new trade deal' beside one in force: another instrument. ('announced a new
    defence alliance' for a named alliance signed then is the same.)"""
    pending = g.status in ("proposed", "under_negotiation") and named.status not in ("proposed", "under_negotiation")
    return any(h.new for h, _n in g.hits) and (named.status in ("terminated", "suspended") or named.kind not in (g.kind, "other")
                                               or pending)


def _sentence_states(inst: _Instance, idx: _PartyIndex, sents: list[Sentence] | None) -> list[str]:
    """States written in the sentence that first names the instance (else the sentence before it,
    most mentioned first), besides its parties."""
    opening = [n for h, n in inst.hits if h.source not in ("anaphor", "indefinite")]
    if sents is None or not opening:
        return []
    first = min(opening)
    for k in (first, first - 1):      # its sentence, else the one before ("Iran looked elsewhere. Its president ...")
        if k < 0:
            break
        found = [p for p in idx.inside(sents[k].start, sents[k].end) if p not in inst.parties and canonical_state(p)]
        if k != first:      # the sentence before counts only for a party the article is about
            top = max(idx.frequency.values(), default=0)
            found = [p for p in found if 2 * idx.frequency[p] >= top]
        if found:
            return sorted(found, key=lambda p: (-idx.frequency[p], found.index(p))) if k != first else found
    return []


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower().replace("defence", "defense"))
            if w not in ("agreement", "agreements", "pact", "deal", "treaty", "accord", "arrangement", "the", "of",
                         "on", "and", "for", "a", "an", "to", "in")}


def _fold_target(g: _Instance, named: list[_Instance]) -> _Instance | None:
    """The named agreement a generic reference stands for: 'a defence pact' in a lead about the
    Reciprocal Access Agreement, 'the water deal' for the Framework Agreement on Water Cooperation.
    Its parties must fit, and its words must be broad ones or words of the name; with several
    candidates, the one sharing most words, if only one does."""
    broad = _broad_regex()
    own = {w for w in _words(g.name) if not any(p.lower().startswith(w) for p in g.parties)}
    g_first = min(n for _h, n in g.hits)
    g_last = max(n for _h, n in g.hits)

    def lead(i: _Instance) -> bool:
        """every generic mention comes before the agreement is first named, and its kind does not clash
        ('Vietnam, Laos seal maritime pact' over the Boundary Delimitation Agreement)"""
        first = min((n for h, n in i.hits if h.source in ("catalogue", "named")), default=-1)
        return g_last < first and (g.kind in ("other", "defense") or g.kind == i.kind or i.kind == "other") \
            and first - g_first <= 3

    titled = _titled(g)
    fits = [i for i in named if g.parties and _compatible(i.parties, g.parties)
            and (all((broad.fullmatch(w) and not titled) or w in _words(i.name) for w in own)
                 or (lead(i) and (not titled or _same_head(g, i))))]
    if not fits:
        return None
    score = {id(i): len(own & _words(i.name)) + 0.5 * (i.kind == g.kind) for i in fits}
    top = max(score.values())
    best = [i for i in fits if score[id(i)] == top]
    return best[0] if len(best) == 1 else None


HEAD_NOUNS = re.compile(r"\b(?:agreement|treaty|accord|pact|deal|declaration|memorandum|protocol|annex|charter|"
                        r"convention|arrangement|communiqu[eé]|roadmap)\b", re.I)


def _same_head(g: _Instance, named: _Instance) -> bool:
    """'a declaration on friendly relations' before 'the Athens Declaration': a topic-named instrument
    leads into a named one only when both are the same kind of document (not 'the annexes on X' before
    a framework agreement)."""
    if not g.key.startswith("described:"):
        return False
    heads = lambda name: {h.lower().replace("pact", "agreement").replace("deal", "agreement").replace("accord", "agreement")
                          for h in HEAD_NOUNS.findall(name)}
    return bool(heads(g.name) & heads(named.name))


@lru_cache(maxsize=1)
def _broad_regex() -> re.Pattern:
    rows = [r["pattern"] for r in load_jsonl("agreement_kinds.jsonl") if r["type"] == "broad"]
    return re.compile(r"(?:" + "|".join(rows or ["(?!)"]) + r")", re.I)


def _has_parties(inst: _Instance) -> bool:
    """A generic instrument counts only when its parties are clear."""
    return bool(inst.parties) or inst.source != "generic" or inst.key.startswith("new:")


def _keep(inst: _Instance) -> bool:
    return inst.from_list or any(h.source not in ("anaphor", "indefinite") for h, _n in inst.hits)


def _finding(inst: _Instance, sents: list[Sentence], dates: list[DateFinding], conf: dict,
             text: str, shared: set[int] = frozenset()) -> AgreementFinding:
    """shared: sentences that mention other agreements too, where an untied date is not borrowed."""
    name = inst.name
    if inst.source == "generic":
        name = _generic_name(name, inst.parties)
    base = {"catalogue": conf["confidence_catalogue"], "named": conf["confidence_named"]}.get(
        inst.source, conf["confidence_generic"])
    confidence = base - {"role": 0.0, "fixed": 0.0, "fallback": 0.1}.get(inst.party_source, 0.15)
    ev = inst.evidence_n
    status_date = ""
    ns = sorted({n for _h, n in inst.hits})
    if inst.status in DATED:
        tied = _tied_date(inst, dates, sents, text)
        if tied is not None:
            status_date, ev = tied
        elif ev not in shared and any(n == ev and sents[ev].start <= h.cue[0] < sents[ev].end for h, n in inst.hits):
            ds = [d.value for d in dates if d.sentence_n == ev and _calendar(d.value)
                  and not _in_dateline(d, sents, text)]
            if ds:
                status_date = ds[0]
    parties = [p for p in inst.parties if not (_fold(name) in _fold(p) and _fold(name) != _fold(p))]
    status = inst.status
    by, cs, ce, by_n = inst.status_by
    status_cue = f'{by}: "{text[cs:ce]}" (sentence {by_n})' if ":" not in by and cs >= 0 and text else by
    if status == "restored":
        status = "in_force"
    elif status == "standing":      # "is in force": the agreement in focus is in force, another exists
        status = "in_force" if len(ns) >= 2 and not inst.from_list else "existing"
    elif status == "unspecified" and inst.source in ("catalogue", "named") and not inst.from_list \
            and not any(h.plural for h, _n in inst.hits):
        status = "existing"         # a named agreement mentioned with no status asserted: it exists
        status_cue = NAMED_EXISTS_RULE
    return AgreementFinding(
        name=name, acronym=inst.acronym, kind=inst.kind if inst.kind in KINDS else "other",
        parties=sorted(parties), status=status,
        status_date=status_date, sentence_ns=ns,
        evidence_n=ev, confidence=round(max(0.1, min(1.0, confidence)), 2),
        mentions=[Mention(h.start, h.end, text[h.start:h.end], n) for h, n in inst.hits],
        why=list(dict.fromkeys([*([inst.key] if inst.key in _catalogue_ids() else []),
                                *(hit_rule(h) for h, _n in inst.hits), *([by] if by and status_cue else [])])),
        status_cue=status_cue)


def _calendar(value: str) -> bool:
    return bool(DATE_VALUE.fullmatch(value) and re.match(r"\d{4}|XXXX-\d\d", value))


# a date tied to a status cue: "in force since May 2022", "signed in 2014", "In March 2023, X suspended"
CUE_DATE_AFTER, CUE_DATE_BEFORE = 60, 70
FAMILY = {"in_force": ("in_force", "standing"), "standing": ("standing", "in_force")}


DATELINE = re.compile(r"^\W*[A-Z][A-Z .'’-]+(?:\([^)]*\))?,\s*$")


def _in_dateline(d: DateFinding, sents: list[Sentence] | None, text: str) -> bool:
    """'JAKARTA, March 3, 2024 - ...': the publication date in a dateline, no status event."""
    if not sents or not text or not 0 <= d.sentence_n < len(sents):
        return False
    return bool(DATELINE.match(text[sents[d.sentence_n].start:d.start]))


def _tied_date(inst: _Instance, dates: list[DateFinding], sents: list[Sentence] | None = None,
               text: str = "") -> tuple[str, int] | None:
    """(date value, sentence n) of the date written next to the cue of the instance's status,
    checked over every mention that asserts that status (or its in-force twin)."""
    family = FAMILY.get(inst.status, (inst.status,))
    best: tuple[int, str, int] | None = None
    for h, n in inst.hits:
        if h.status not in family or h.cue[0] < 0:
            continue
        cs, ce = h.cue
        at = sentence_at(sents, cs) if sents else None      # the cue may sit in an earlier sentence
        n = at.n if at is not None else n
        for d in dates:
            if d.sentence_n != n or not _calendar(d.value) or _in_dateline(d, sents, text):
                continue
            skip = h.end - h.start if ce <= h.start and h.end <= d.start else 0
            if 0 <= d.start - ce - skip <= CUE_DATE_AFTER:
                gap = d.start - ce - skip
            elif 0 <= cs - d.end <= CUE_DATE_BEFORE:
                gap = cs - d.end + 10
            else:
                continue
            rank = (family.index(h.status), gap)
            if best is None or rank < best[0]:
                best = (rank, d.value, n)
    return (best[1], best[2]) if best else None


def _generic_name(name: str, parties: list[str]) -> str:
    """A generic instrument is named after its parties: 'China-Solomon Islands Security
    Arrangement', 'Trilateral Memorandum of Understanding'."""
    if re.match(r"(?:Bilateral|Trilateral|Multilateral)\b", name) or len(name.split()) > 3:
        return name             # ('Annex on Fisheries': named by its topic, not by its parties)
    if len(parties) == 2:
        a, b = sorted(SHORT.get(p, p) for p in parties)
        return f"{a}-{b} {name}"
    if len(parties) == 3:
        return f"Trilateral {name}"
    return name
