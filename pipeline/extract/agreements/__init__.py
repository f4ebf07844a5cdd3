"""Agreements: catalogue matches, named instruments not in the catalogue, generic references
and anaphors; one row per (agreement, parties) instance, with status, status date and evidence.

Pure function: (doc, sentences, actors, dates, settings) -> list[AgreementFinding].

Modules: lexicon (kind and status words, catalogue loaders, name and reference patterns), mentions
(find_mentions), describe (instruments named by their topic, read from the dependency parse), wording (the
modifier words a descriptive name takes from the parse), status (cues read in the clause that governs a mention, on the cue's dependency path), parties (party spans and
dependency roles), instances (mentions grouped into rows), consolidate (rows folded and merged), linking (status told by a
later clause whose subject refers back to a row: 'It took effect ...'), findings (rows written as findings); this module reads each mention in its sentence and holds the Stage.

Steps: find mentions (catalogue, parenthesised acronyms, named instruments, generic kinds,
anaphors) -> find each mention's parties from the dependency parse (coordination, hyphenated
pairs, possessives, with/between phrases, subjects and agents of the governing verbs, counts
like "the three countries") -> group mentions into instances (a bilateral instrument written
with a holder and a list gives one row per partner; "the third such agreement, after X and Y"
adds existing rows; "a comparable pact with X" adds X's row; a possessed reference names its own pair:
"its treaty with X", "Finland's agreement" beside a pair in focus or a kind held with one hub, "Y could
sign a similar deal": one row per pair, the row already holding the pair joined) -> status per mention from the cue
lexicon with modality, cues counted near the mention or on its governing verb -> generic mentions
fold into the named agreement they stand for (broad words, or a lead mention before the name; a
definite one into the one named instrument of its parties; a shorter generic into a longer one that
holds its words), while a Title-Case or topic-named one ('the annexes on A, B and C': one per topic)
stays an instrument of its own; 'a new <catalogued name>' is its successor ->
most advanced status per instance ("is in force" becomes existing for an agreement mentioned in
passing; a named agreement with no status exists), its sentence as evidence and the date written
next to the status cue as status_date (never a dateline, never a sentence shared with another
agreement).

Data (analysts extend these without touching code; every row has a unique "id"):
  resources/agreements.jsonl       catalogue: name, acronym, kind, aliases, fixed parties, bilateral
  resources/agreement_kinds.jsonl  kind words, generic modifiers, domestic-deal exclusions
  resources/status_cues.jsonl      status cues, modal words, conditions
  resources/agreements_organs.jsonl  organs that act for a party (a bloc's parliament for the bloc)
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from pipeline.extract.lexicons import Lexicon

from pipeline.extract.agreements.apart import apart_pairs, distinct
from pipeline.extract.agreements.consolidate import consolidate
from pipeline.extract.agreements.describe import with_descriptive
from pipeline.extract.agreements.findings import _dedupe, _finding
from pipeline.extract.agreements.gate import GATE_RULE, Gate, gated, row_features, rules_keep
from pipeline.extract.agreements.gate import load as load_gate
from pipeline.extract.agreements.statusmodel import STATUS_MODEL_RULE, StatusModel, status_features
from pipeline.extract.agreements.statusmodel import load as load_status_model
from pipeline.extract.agreements.instances import (
    _has_parties,
    _Instance,
    _keep,
    _open_unnamed,
    _place,
)
from pipeline.extract.agreements.lexicon import (
    ACRONYM_INSIDE,
    DATED,
    KINDS,
    LEXICON,
    NAMED,
    PARTICIPATION,
    PRIOR_LIST,
    STATUS_RANK,
    STATUSES,
    STRONG,
    catalogue,
    cue_starts,
    kind_of,
    lexicon_of,
    modal_rows,
    packaged_lexicon,
    status_cues,
    title_name,
)
from pipeline.extract.agreements.linking import link_subject_references
from pipeline.extract.agreements.mentions import (
    BARE_TRUCE,
    SUBJECT_TRUCE,
    TRUCE_WORDS,
    _Hit,
    find_mentions,
)
from pipeline.extract.agreements.parties import (
    _PartyIndex,
    _prior_list,
    party_index,
    kind_words,
    possessor,
    role_parties,
)
from pipeline.extract.agreements.status import (
    cue_matches,
    status_at,
    status_cue_at,
    status_cue_read,
    told_of,
)
from pipeline.extract.agreements.windows import _windows, clause_window, governing_verbs, past_own_clause
from pipeline.extract.nlp import sentence_at, text_of
from pipeline.resources import word_list
from pipeline.records import ActorFinding, AgreementFinding, DateFinding, Sentence

__all__ = ["ACRONYM_INSIDE", "BARE_TRUCE", "DATED", "KINDS", "NAMED", "PARTICIPATION", "PRIOR_LIST", "STATUSES",
           "STATUS_RANK", "STRONG", "SUBJECT_TRUCE", "TRUCE_WORDS", "Stage", "catalogue", "clause_window",
           "cue_matches", "cue_starts", "extract", "find_mentions", "governing_verbs", "kind_of", "lexicon_of", "modal_rows",
           "party_index", "role_parties", "status_at", "status_cue_at", "status_cues", "title_name"]


YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")

# Names of the rules in code that set an agreement's status, for `why` and `status_cue` (README, "why")
PROSPECT_RULE = "agreements:prospect"       # 'a potential agreement on ...': at least proposed


COMPANION_PREPS = word_list("agreement_words.jsonl", "companion_preps")


def _companion_status(span, sent_hits: list[_Hit], h: _Hit, text: str, doc: Doc) -> tuple[str, str, tuple[int, int]]:
    """'concluded the X Agreement, along with a complementary Y Convention', 'signed X, alongside Y': an
    instrument in a companion phrase (companion_preps of agreement_words.jsonl, the mention its object) shares
    the event the clause tells of the instrument before it in the sentence, when that one's status came from a
    cue; otherwise it has none of its own."""
    root = span.root
    prep = root.head
    if root.dep_ != "pobj" or prep.lower_ not in COMPANION_PREPS or (
            prep.lower_ == "with" and not any(c.lower_ in ("along", "together") for c in prep.children)
            and doc[prep.i - 1].lower_ not in ("along", "together")):
        return h.status, h.cue_id, h.cue
    before = [o for o in sent_hits if o.end <= h.start and o.cue[0] >= 0 and o.status in ("signed", "ratified", "in_force")]
    if not before or before[-1].end > prep.idx:
        return h.status, h.cue_id, h.cue
    o = before[-1]
    return o.status, o.cue_id, o.cue


def _read_sentence(doc: Doc, sent: Sentence, sent_hits: list[_Hit], text: str, idx: _PartyIndex,
                   topics: list[list[str]]) -> list[str]:
    """Read each mention of one sentence in the clause that governs it: sets its status and cue, its
    parties (from the dependency roles; "the two countries" resolved against topics, the party lists
    of the instances opened so far) and its with-list. Returns the sentence's prior list ("the third
    such agreement, after X and Y")."""
    prior, _prior_at = _prior_list(sent, text, idx)
    windows = _windows(sent_hits, sent)
    clause = (sent.start, sent.end)
    for h, win in zip(sent_hits, windows):
        lo, hi = win
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if not h.also:      # "and another on X" is read in the clause before it
            clause = clause_window(span) if span is not None else (sent.start, sent.end)
        if span is not None:
            hi = past_own_clause(span, hi, [o.start for o in sent_hits], clause[1])
        lo, hi = max(lo, clause[0]), min(hi, clause[1])
        tied = governing_verbs(span) if span is not None else ()
        h.status, c_s, c_e, h.cue_id = status_cue_read(text, lo, hi, h.start, h.end, context_lo=sent.start,
                                             others=tuple(o.start for o, w in zip(sent_hits, windows) if w != win),
                                             tied=tied, span=span)
        h.cue = (c_s, c_e)
        h.told = c_s >= 0 and span is not None and told_of(span, c_s, c_e)
        if h.status == "unspecified" and span is not None:
            h.status, h.cue_id, h.cue = _companion_status(span, sent_hits, h, text, doc)
        if h.prospect and STATUS_RANK[h.status] < STATUS_RANK["proposed"]:
            h.status, h.cue_id = "proposed", PROSPECT_RULE
        with_list: list[str] = []
        parties = role_parties(span, idx, text, with_list, topics) if span is not None else []
        h.with_list = [p for p in with_list if p not in prior]
        if h.source in ("anaphor", "indefinite") and span is not None:
            h.owner, h.owner_named = possessor(span, idx, text, h.with_list)
            h.kind_words = kind_words(span)
            if not h.owner and h.like and h.source == "indefinite" and not h.with_list and len(parties) == 1:
                h.owner, h.owner_named = parties[0], True      # 'X could sign a similar deal'
        if prior:
            parties = [p for p in parties if p not in prior]
            h.prior = prior
        h.parties, h.party_source = parties, "role" if parties else ""
    return prior


def _mark_apart(doc: Doc, sent_hits: list[_Hit], sent_text: str) -> None:
    """Mark the mentions of one sentence that the parse shows to be different instruments (apart.py):
    conjuncts, subject and object of one verb, a contrasting modifier ('a separate treaty'); and give
    each the years its sentence writes (a dated generic mention joins only an instrument named beside
    its year: instances._dated_apart)."""
    years = frozenset(YEAR.findall(sent_text))
    for h in sent_hits:
        h.years = years
        h.distinct = h.source in ("generic", "indefinite") and distinct(doc, h.start, h.end)
    for i, j in apart_pairs(doc, [(h.start, h.end) for h in sent_hits]):
        sent_hits[i].apart.add(id(sent_hits[j]))
        sent_hits[j].apart.add(id(sent_hits[i]))


def extract(doc: Doc, sents: list[Sentence], actors: list[ActorFinding], dates: list[DateFinding],
            settings: dict, gate: Gate | None = None, trace: list | None = None,
            status_model: StatusModel | None = None) -> list[AgreementFinding]:
    """gate: the keep/drop gate for rows made of candidate mentions (default: the shipped one,
    gate.py); status_model: the learned status check (default: the shipped one, statusmodel.py);
    trace: when a list, each row's gate features (or None for a row the rules keep), its finding,
    what the rules alone decide for it and its status features are appended to it, for training (evaluation/train_agreements.py)."""
    conf = settings["agreements"]
    gate = load_gate() if gate is None else gate
    status_model = load_status_model() if status_model is None else status_model
    text = text_of(doc)
    idx = party_index(text, actors)
    hits = with_descriptive(find_mentions(text, sents), doc)
    by_sent: dict[int, list[_Hit]] = {}
    for h in hits:
        sent = sentence_at(sents, h.start)
        if sent is not None:
            by_sent.setdefault(sent.n, []).append(h)
    for n, sent_hits in by_sent.items():
        _mark_apart(doc, sent_hits, text[sents[n].start:sents[n].end])
    instances: list[_Instance] = []
    topics: list[list[str]] = []             # party lists of the instances opened so far, in order
    pending: list[tuple[_Hit, int]] = []     # "signed a pact" before the pact is named
    kinds: list[tuple[_Hit, int]] = []       # "the Defence Cooperation Agreements with X": a kind held with one hub
    for n in sorted(by_sent):
        sent = sents[n]
        prior = _read_sentence(doc, sent, by_sent[n], text, idx, topics)
        for h in by_sent[n]:
            _place(h, n, sent, instances, idx, text, prior, pending, topics, kinds)
    for p_hit, p_n in pending:
        _open_unnamed(p_hit, p_n, sents[p_n], text, instances, topics)
    instances = [i for i in consolidate([i for i in instances if _keep(i)], idx, sents, text) if _has_parties(i)]
    learning = trace is not None             # training reads every feature, enabled or not
    is_gated = [gated(i) for i in instances]
    features = [row_features(i, doc) if g and (gate.enabled or learning) else None
                for i, g in zip(instances, is_gated)]
    by_rules = [rules_keep(i) for i in instances]
    kept = [k for k, g in enumerate(is_gated) if not g or gate.keep(features[k], by_rules[k])]
    instances, features, by_rules = ([xs[k] for k in kept] for xs in (instances, features, by_rules))
    link_subject_references(doc, sents, instances, text, idx)
    owners: dict[int, set[int]] = {}
    for k, inst in enumerate(instances):
        for _h, n in inst.hits:
            owners.setdefault(n, set()).add(k)
    shared = {n for n, ks in owners.items() if len(ks) > 1}
    lead_n = min(owners, default=-1)
    found = [_finding(inst, sents, dates, conf, text, shared, lead_n) for inst in instances]
    for f, feats in zip(found, features):
        if feats is not None and gate.enabled:
            f.why.append(GATE_RULE)
    status_feats = [status_features(inst, f, doc, lead_n) for inst, f in zip(instances, found)] \
        if status_model.enabled or learning else []
    for f, sf in zip(found, status_feats):
        new = status_model.decide(sf, f.status)
        if new != f.status:
            f.status, f.status_cue = new, STATUS_MODEL_RULE
            f.why.append(STATUS_MODEL_RULE)
            if new not in DATED:
                f.status_date = ""
    if trace is not None:
        trace.extend(zip(features, found, by_rules, status_feats))
    return _dedupe(found)


class Stage:
    """The agreements stage; config: [agreements] (the confidences given to each kind of match).
    Reads the actors and dates found before it. lexicon: its catalogue, status cues, kind words and
    organs (lexicon_of(...); the packaged ones unless given), active while it runs."""

    name = "agreements"

    def __init__(self, config: dict, lexicon: Lexicon | None = None) -> None:
        self.settings = {"agreements": dict(config)}
        self.lexicon = lexicon or packaged_lexicon()

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[AgreementFinding]:
        with LEXICON.using(self.lexicon):
            return extract(doc, sents, upstream.actors, upstream.dates, self.settings)
