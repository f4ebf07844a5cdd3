"""Findings: each consolidated instance written as an AgreementFinding (its name, confidence, final
status, status date tied to the status cue, evidence and mentions); identical rows merged."""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.actors import org_index
from pipeline.extract.agreements.instances import _Instance
from pipeline.extract.agreements.lexicon import (
    DATE_VALUE,
    DATED,
    KINDS,
    LEXICON,
    SHORT,
    STATUS_RANK,
    _fold,
    catalogue,
)
from pipeline.extract.agreements.mentions import hit_rule
from pipeline.extract.nlp import sentence_at
from pipeline.records import AgreementFinding, DateFinding, Mention, Sentence
from pipeline.resources import word_list

# Names of the rules in code that set an agreement's status, for `why` and `status_cue` (README, "why")
NAMED_EXISTS_RULE = "agreements:named_exists"       # a named agreement with no status asserted exists
IN_PASSING_RULE = "agreements:in_passing"           # in force, first met after the lead: existing
DATED_EXISTS_RULE = "agreements:dated_exists"       # an instrument written with its year and no status: existing
LINKED_RULE = "agreements:linked_subject"           # status read where a later subject refers back (linking.py)
# sentences after the article's first agreement mention beyond which an agreement in force is one met in
# passing (on the studied sets every in-force row first met later is 'existing' in the gold)
PASSING_AFTER = 3
# cues whose in-force reading is an event the article reports (a state joining a treaty): never 'in passing'
NOT_IN_PASSING = word_list("agreement_words.jsonl", "cues_not_in_passing")


@LEXICON.cached
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


def _finding(inst: _Instance, sents: list[Sentence], dates: list[DateFinding], conf: dict,
             text: str, shared: set[int] = frozenset(), lead_n: int = -1) -> AgreementFinding:
    """shared: sentences that mention other agreements too, where an untied date is not borrowed;
    lead_n: the first sentence that mentions any agreement of the article (-1: unknown)."""
    name = inst.name
    if inst.source == "generic":
        name = _generic_name(name, inst.parties)
    named_by_content = name == inst.name and any(h.content and h.name == name for h, _n in inst.hits)
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
    contents = [_fold(h.content) for h, _n in inst.hits if h.content]
    if contents:            # ('a treaty establishing the X council': what the clause creates is no party)
        parties = [p for p in parties if not any(_fold(p) in c for c in contents)]
    if named_by_content and len(parties) == 2:
        # ('Agreement to Open the Land Border' signed by X and Y: an unnamed bilateral instrument named after its
        # parties too, GOLD.md; its long content name keeps its words)
        name = f"{pair_name(parties)} {name}"
    status = inst.status
    by, cs, ce, by_n = inst.status_by
    status_cue = f'{by}: "{text[cs:ce]}" (sentence {by_n})' if ":" not in by and cs >= 0 and text else by
    # a status read in a later sentence whose subject refers back to the row (linking.py): that sentence is about
    # the agreement (it counts as one of its sentences for 'standing', and the row is not one met in passing)
    linked = any(h.linked and m == by_n and h.cue == (cs, ce) for h, m in inst.lent)
    # the status cue is an event told as the main predicate of the agreement ('The pact entered into force in May'):
    # the sentence is about the agreement, not one met in passing
    # (not a standing state, 'has been in force since 2016': that is how an agreement met in passing is often dated)
    told = cs >= 0 and status != "standing" and any(h.told and h.cue == (cs, ce) for h, _n in inst.hits)
    if status == "restored":
        status = "in_force"
    elif status == "standing":      # "is in force": the agreement in focus is in force, another exists
        status = "in_force" if len(ns) + linked >= 2 and not inst.from_list else "existing"
    if status == "in_force" and lead_n >= 0 and ns and ns[0] > lead_n + PASSING_AFTER and by not in NOT_IN_PASSING \
            and not linked and not told:
        # first met well after the article's lead ('... follows the X treaty, which took effect in 2019'):
        # an agreement in force mentioned in passing exists (GOLD.md: existing)
        status, status_cue = "existing", IN_PASSING_RULE
    elif status == "unspecified" and inst.source in ("catalogue", "named") and not inst.from_list \
            and not any(h.plural for h, _n in inst.hits):
        status = "existing"         # a named agreement mentioned with no status asserted: it exists
        status_cue = NAMED_EXISTS_RULE
    elif status == "unspecified" and not inst.from_list and any(
            h.year and not (h.plural or h.new or h.draft or h.prospect) for h, _n in inst.hits):
        status = "existing"         # 'since a 1982 security agreement', 'the 1979 peace treaty': dated, it exists
        status_cue = DATED_EXISTS_RULE
    return AgreementFinding(
        name=name, acronym=inst.acronym, kind=inst.kind if inst.kind in KINDS else "other",
        parties=sorted(parties), status=status,
        status_date=status_date, sentence_ns=ns,
        evidence_n=ev, confidence=round(max(0.1, min(1.0, confidence)), 2),
        mentions=[Mention(h.start, h.end, text[h.start:h.end], n) for h, n in inst.hits],
        why=list(dict.fromkeys([*([inst.key] if inst.key in _catalogue_ids() else []),
                                *(hit_rule(h) for h, _n in inst.hits), *([by] if by and status_cue else []),
                                *([LINKED_RULE] if linked else [])])),
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
    for h, n in [*inst.hits, *inst.lent]:
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
        return f"{pair_name(parties)} {name}"
    if len(parties) == 3:
        return f"Trilateral {name}"
    return name


def pair_name(parties: list[str]) -> str:
    """Two parties as a composed name writes them, in alphabetical order: the United States, the EU and the
    UK short (SHORT), an organisation by its acronym, any other state by its canonical name ('Chile-US')."""
    return "-".join(sorted(SHORT.get(p) or _org_acronym(p) for p in parties))


@lru_cache(maxsize=256)
def _org_acronym(party: str) -> str:
    """An organisation party as a pair name writes it: its acronym ('EFTA-Chile ...'), else its name."""
    forms = [f for f, (canonical, _country) in org_index().items() if canonical == party]
    return next((f for f in forms if re.fullmatch(r"[A-Z]{2,6}", f)), party)
