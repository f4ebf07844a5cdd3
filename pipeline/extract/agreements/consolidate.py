"""Consolidation: generic references folded into the named instrument they stand for (by kind,
broad words, a lead before the name, a definite description, a shorter generic into a longer one),
aliases ('formally ...', 'known as ...') merged, a headline's termination yielding to the body's
suspension, and a bilateral instrument given its missing party."""
from __future__ import annotations

import re

from pipeline.extract.actors import canonical_state
from pipeline.extract.agreements.instances import (
    MEDIATED_BY,
    MEDIATOR_REACH,
    _compatible,
    _dated_apart,
    _Instance,
    _merge,
)
from pipeline.extract.agreements.lexicon import broad_regex, name_words, status_cue_rows
from pipeline.extract.agreements.parties import _PartyIndex
from pipeline.records import Sentence
from pipeline.resources import pattern_text


def consolidate(instances: list[_Instance], idx: _PartyIndex, sents: list[Sentence] | None = None,
                text: str = "") -> list[_Instance]:
    """Fold a generic reference ('an arms control treaty') into the one named or catalogued
    agreement of the same kind whose parties agree with it; give a bilateral instrument with one
    known party the article's main other party."""
    out = _fold_aliases(list(instances), text)
    for g in [i for i in out if i.source == "generic" and i.kind != "other" and not i.key.startswith("new:")
              and not _own_instrument(i) and not _titled(i)]:
        cands = [i for i in out if i is not g and i.source in ("catalogue", "named") and i.kind == g.kind
                 and _compatible(i.parties, g.parties) and _covers(i, g) and not _replaces(g, i)
                 and not _held_apart(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        target = _fold_target(g, [i for i in out if i is not g and i.source in ("catalogue", "named")
                                  and not i.from_list and not _replaces(g, i) and _covers(i, g)
                                  and not _held_apart(g, i)])
        if target is not None:
            _merge(target, g)
            out.remove(g)
    _fold_definite_descriptions(out)
    _fold_generic_subsets(out)
    for inst in out:
        _body_over_headline(inst)
    for inst in out:
        two_sided = inst.bilateral or (inst.source in ("named", "generic")
                                       and (inst.status in ("signed", "ratified", "in_force") or _signing_told(inst)))
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
            mediators = {c for st, _e, c in idx.spans if text and MEDIATED_BY.search(text[max(0, st - MEDIATOR_REACH):st])}
            others = [(0, p) for p in near] + [
                (c, p) for c, p in sorted(((c, p) for p, c in idx.frequency.items()
                                           if p not in inst.parties and c >= 2), reverse=True)
                if p not in near and p not in mediators]
            if others:
                inst.parties = inst.parties + [p for _c, p in others[:2 - len(inst.parties)]]
                inst.party_source = "inherited"
    return out


def _signing_told(inst: _Instance) -> bool:
    """An agreement whose signing the text tells in the mention's own clause, read as existing because the
    mention is the background of something else ('builds on a memorandum the two banks signed in 2021'): it
    was signed by two sides, as a signed one."""
    return inst.status == "existing" and inst.status_by[1] >= 0 and any(
        cue_id == inst.status_by[0] and status == "signed" for _t, status, _p, _n, cue_id, _f in status_cue_rows())


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
                 and g.kind in (i.kind, "other") and not _replaces(g, i) and _covers(i, g) and not _held_apart(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)


def _fold_generic_subsets(out: list[_Instance]) -> None:
    """'the gas deal' [X] beside 'a natural gas export agreement' [X, Y]: a generic instrument whose
    words are all words of one other generic instrument, with parties among its parties, is that
    instrument mentioned more briefly (its sentences join that row)."""
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        own = name_words(g.name)
        if not own:
            continue
        cands = [i for i in out if i is not g and i in out and i.source == "generic" and not i.from_list
                 and not i.key.startswith("new:") and own < name_words(i.name)
                 and set(g.parties) <= set(i.parties) and g.kind in (i.kind, "other") and not _replaces(g, i)
                 and not _held_apart(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)


# "the Lombok Treaty, formally the Agreement on the Framework for Security Cooperation", "a logistics
# pact, officially known as an Acquisition and Cross-Servicing Agreement": two names of one instrument.
ALIAS_LINK = re.compile(pattern_text("agreement_patterns.jsonl", "alias_link"), re.I)


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




def _covers(named: _Instance, g: _Instance) -> bool:
    """A generic instrument whose own clause names two or more parties ('a security agreement between
    X and Y') stands for a named one only when that one's parties already hold them all: folding it
    into an instrument of other, fewer or no parties would both lose a row and give the named one
    parties it does not have. A headline, or a lead at most three sentences before the name, still
    folds (the name's own parties are often read only later)."""
    if len(g.parties) < 2 or g.party_source != "role":
        return True
    named_first = min((n for h, n in named.hits if h.source in ("catalogue", "named")), default=-1)
    g_first = min(n for _h, n in g.hits)
    # a headline folds when the body writes it before the name only in the lead ('X and Y sign defence pact',
    # then 'signed a defence pact ... the Z Agreement'); one the body writes far before the name is its own
    lead_only = all(n == 0 or named_first - n <= 3 for h, n in g.hits if n < named_first and h.source == "generic")
    if (g_first == 0 and lead_only) or 0 <= named_first - g_first <= 3:
        return True
    return bool(named.parties) and set(g.parties) <= set(named.parties)


def _own_instrument(g: _Instance) -> bool:
    """A generic instrument the article names for itself with an acronym, or writes as another one ('a
    separate investment treaty', apart.py): never folded into another."""
    return any(h.own or (h.distinct and h.source == "generic") for h, _n in g.hits)


def _held_apart(g: _Instance, target: _Instance) -> bool:
    """A mention of g the parse sets apart from a mention of target (conjuncts, subject and object of one
    verb: apart.py), or g dated by a year target's names are not written beside: two instruments."""
    ids = {id(o) for o, _n in target.hits}
    return any(h.apart & ids for h, _n in g.hits) or _dated_apart(g.key, target)


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


def _fold_target(g: _Instance, named: list[_Instance]) -> _Instance | None:
    """The named agreement a generic reference stands for: 'a defence pact' in a lead about the
    Reciprocal Access Agreement, 'the water deal' for the Framework Agreement on Water Cooperation.
    Its parties must fit, and its words must be broad ones or words of the name; with several
    candidates, the one sharing most words, if only one does."""
    broad = broad_regex()
    own = {w for w in name_words(g.name) if not any(p.lower().startswith(w) for p in g.parties)}
    g_first = min(n for _h, n in g.hits)
    g_last = max(n for _h, n in g.hits)

    def lead(i: _Instance) -> bool:
        """every generic mention comes before the agreement is first named, and its kind does not clash
        ('Vietnam, Laos seal maritime pact' over the Boundary Delimitation Agreement)"""
        first = min((n for h, n in i.hits if h.source in ("catalogue", "named")), default=-1)
        return g_last < first and (g.kind in ("other", "defense") or g.kind == i.kind or i.kind == "other") \
            and first - g_first <= 3

    titled = _titled(g)
    # broad words stand for a named instrument of the same kind only ('a security and defence partnership' is
    # not the trade agreement of its parties); a lead before the name keeps its own kind test
    same_kind = lambda i: "other" in (g.kind, i.kind) or g.kind == i.kind  # noqa: E731
    fits = [i for i in named if g.parties and _compatible(i.parties, g.parties)
            and ((all(((broad.fullmatch(w) or broad.fullmatch(w + "s")) and not titled) or w in name_words(i.name)
                      for w in own) and same_kind(i))
                 or (lead(i) and (not titled or _same_head(g, i))))]
    if not fits:
        return None
    score = {id(i): len(own & name_words(i.name)) + 0.5 * (i.kind == g.kind) for i in fits}
    top = max(score.values())
    best = [i for i in fits if score[id(i)] == top]
    if len(best) > 1:       # 'signed a security treaty ... signed the <Name> Treaty': the one it leads into
        best = [i for i in best if lead(i)]
    return best[0] if len(best) == 1 else None


HEAD_NOUNS = re.compile(pattern_text("agreement_patterns.jsonl", "head_nouns"), re.I)


def _same_head(g: _Instance, named: _Instance) -> bool:
    """'a declaration on friendly relations' before 'the Athens Declaration': a topic-named instrument
    leads into a named one only when both are the same kind of document (not 'the annexes on X' before
    a framework agreement)."""
    if not g.key.startswith("described:"):
        return False
    heads = lambda name: {h.lower().replace("pact", "agreement").replace("deal", "agreement").replace("accord", "agreement")
                          for h in HEAD_NOUNS.findall(name)}
    return bool(heads(g.name) & heads(named.name))
