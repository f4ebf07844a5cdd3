"""Motives: stated reasons, triggers, purposes, threats, benefits and resistance tied to an
agreement or to security cooperation, as clauses with their cue word.

Two layers:

- ``detect(span)``: the sentence-level cue detector. spaCy's PhraseMatcher and Matcher, and
  dependency patterns walked over the parse (treematch.py), run the cue lexicons kept as data
  (resources/motive_cues.jsonl: cues about agreements and cooperation;
  resources/motive_causal_cues.jsonl: extra cues for causality in general news, scope "causal").
  ``is_causal(span)`` is the yes/no view used by the Causal News Corpus bench.
- ``extract(doc, sents, agreements, actors)``: keeps the hits of motive types in sentences tied
  to an agreement or to security cooperation (by a topic word, an agreement mention, or a
  definite "the move"/"the plan" a few sentences after one), drops cues that read as something
  else in context (``spurious``: timetables, appeals, reciprocal accusations, deal content, a
  speaker's own plans, figures moving), turns each into the clause that states it (a dependency
  subtree within the sentence, without coordinated clauses that have their own subject; for a
  resistance, the "arguing that ..." ground it gives), groups the clauses of a sentence so that
  motives of different holders stay apart ("A sought X, while B wanted Y"; "For A, X; for B, Y"),
  and links the agreement and the actor holding each.

Cue rows (JSONL, one per line, unique "id" across both files):
  {"id", "type": purpose|cause|need|threat|benefit|resistance|event, "cue": written form,
   "pattern": optional spaCy Matcher pattern (else built from "cue": words match lower-cased,
              <word> matches the lemma, * is a gap of up to three tokens),
   "dep_pattern" + "anchor" + "show": a DependencyMatcher pattern, the node whose clause is the
              motive, and the nodes printed as the cue,
   "weak": true when the cue only counts in a sentence that itself names an agreement or
           cooperation, or (need, threat, resistance) when an actor holds it within three
           sentences after one (strong cues count anywhere up to three sentences after one),
   "needs_agreement": true when the cue words (or the anchor) must overlap a mention of an
           agreement (an acronym as subject is a deal only when the agreements say so),
   "anchor": "last" on a token pattern: the clause of the last matched token states the motive,
   "scope": both (default) | motive (articles only) | causal (the news-causality bench only)}

Pure functions: no I/O beyond the cached lexicons.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.extract import treematch
from pipeline.extract.lexicons import Lexicon
from pipeline.extract.motives import learned
from pipeline.extract.motives.cues import (
    ARTICLE_SCOPES,
    CUE_FILES,
    CUES,
    HELD_TYPES,
    MOTIVE_TYPES,
    SCOPES,
    CueHit,
    Detector,
    Matchers,
    cue_rows,
    detect,
    is_causal,
    lexicon_of,
    matchers,
    packaged_lexicon,
    phrase_pattern,
)
from pipeline.extract.motives.filters import argued_reason, dead_range, spurious
from pipeline.extract.motives.learned import SentenceInfo
from pipeline.extract.motives.links import (
    REFERS_BACK,
    REPORTING,
    holder_of,
    link_actor,
    link_agreement,
    main_agreement,
    paragraph_of,
)
from pipeline.extract.motives.spans import (
    ANAPHOR,
    CLAUSE_DEPS,
    TOPIC,
    _union,
    clause_chars,
    clause_node,
    drop_repeats,
    group_clauses,
    headline_zone,
    near_topic,
    negated,
    split_frames,
    topic_flags,
    topical,
    trim,
    unfinished_line,
)
from pipeline.extract.nlp import text_of
from pipeline.records import ActorFinding, AgreementFinding, MotiveFinding, Sentence

__all__ = [
    "ANAPHOR",
    "ARTICLE_SCOPES",
    "CLAUSE_DEPS",
    "CUE_FILES",
    "HELD_TYPES",
    "MOTIVE_TYPES",
    "REFERS_BACK",
    "REPORTING",
    "SCOPES",
    "TOPIC",
    "CueHit",
    "Detector",
    "Matchers",
    "Stage",
    "argued_reason",
    "clause_chars",
    "clause_node",
    "cue_rows",
    "dead_range",
    "detect",
    "drop_repeats",
    "extract",
    "group_clauses",
    "headline_zone",
    "holder_of",
    "is_causal",
    "lexicon_of",
    "link_actor",
    "link_agreement",
    "main_agreement",
    "matchers",
    "near_topic",
    "negated",
    "paragraph_of",
    "phrase_pattern",
    "split_frames",
    "spurious",
    "topic_flags",
    "topical",
    "trim",
    "unfinished_line",
]


# The `why` of a motive the learned sentence gate added with no cue clause (see README, "why")
LEARNED_RULE = "learned:motive_classifier"


def _clauses(doc: Doc, sent: Sentence, span, here: bool, hits: list[CueHit], text: str,
             agreements: list[AgreementFinding], actors: list[ActorFinding],
             info: SentenceInfo, marked: set[int] | None = None) -> list[tuple[int, int, CueHit | None, str]]:
    """The cue clauses of one sentence: (start, end, hit, holder), the rules' dismissals in info."""
    why = {h: spurious(doc, h, agreements, actors, text) for h in hits}
    bad = [h for h in hits if why[h]]
    info.dismissed = [why[h] for h in bad]
    dead = [r for h in bad for r in [dead_range(doc[h.start], why[h])] if r]
    clauses = []
    for h in hits:
        if h in bad or any(lo <= h.start <= hi for lo, hi in dead):
            continue
        node = clause_node(doc[h.start])
        holder = holder_of(doc, node, actors, span, sent.n)
        # a weak cue needs a sentence about the agreement, or an actor stating a need, fear or grievance
        if h.weak and not here and not (holder and h.type in HELD_TYPES):
            info.dismissed.append("weak")
            continue
        if h.type in ("purpose", "benefit") and negated(node):
            info.dismissed.append("negated")
            continue
        reason = argued_reason(doc, span, node) if h.type == "resistance" else None
        if reason and not (reason[0] <= h.start < reason[1]):
            s, e = trim(text, doc[reason[0]].idx, doc[reason[1] - 1].idx + len(doc[reason[1] - 1].text))
        else:
            s, e = clause_chars(doc, h, span, text)
        if len(text[s:e].split()) >= 3:
            clauses.append((s, e, h, holder))
            info.kept.append(h.type)
            info.cues.append(h.cue.lower())
            info.ties.append(f"{h.type}:{'actor' if holder else 'none'}:{learned.tie(node, agreements, marked)}")
    return clauses


def _whole(sent: Sentence, span, text: str) -> tuple[int, int, Token]:
    """A sentence the classifier reads as a motive with no cue clause: the complement of its
    reporting verb ("X said that ..."), else the sentence; and the head of that clause."""
    root = span.root
    comp = [c for c in root.children if c.dep_ == "ccomp"] if root.lemma_.lower() in learned.SAY else []
    lo, hi = (min(c.left_edge.i for c in comp), max(c.right_edge.i for c in comp)) if comp else (span.start, span.end - 1)
    lo, hi = span.doc[lo], span.doc[hi]
    s, e = trim(text, lo.idx, hi.idx + len(hi.text))
    if e - s < 3:
        s, e = trim(text, sent.start, sent.end)
    return s, e, comp[0] if comp else root


def _findings(doc: Doc, text: str, sents: list[Sentence], sent: Sentence, clauses: list,
              agreements: list[AgreementFinding], actors: list[ActorFinding]) -> list[MotiveFinding]:
    """One motive per group of clauses (per holder), cut at "For A, ...; for B, ..." frames."""
    out = []
    for group in group_clauses(clauses):
        s, e, h = _union([(a, b, c) for a, b, c, _d in group])
        holder = next((x[3] for x in group if x[2] is h), "") or next((x[3] for x in group if x[3]), "")
        at, cue = (h.start_char, text[h.start_char:h.end_char].lower()) if h else (s, "")
        ag = link_agreement(text, sents, sent, at, agreements)
        why = list(dict.fromkeys(x[2].id if x[2] is not None else LEARNED_RULE for x in group))
        for a, b, frame_holder in split_frames(text, s, e, actors):
            out.append(MotiveFinding(sent.n, a, b, text[a:b], cue, (ag.acronym or ag.name) if ag else "",
                                     frame_holder or holder, _index(agreements, ag), why=list(why)))
    return out


def _covered(doc: Doc, spans) -> set[int]:
    """Token indices inside any (start, end) character range."""
    out: set[int] = set()
    for lo, hi in spans:
        got = doc.char_span(lo, hi, alignment_mode="expand")
        if got is not None:
            out.update(range(got.start, got.end))
    return out


def extract(doc: Doc, sents: list[Sentence], agreements: list[AgreementFinding],
            actors: list[ActorFinding], detector: Detector | None = None,
            classifier: learned.Classifier | None = None, trace: list | None = None) -> list[MotiveFinding]:
    """The motives of a parsed article (see the package docstring). With a classifier, its score
    gates each sentence (learned.py); trace, when given, gets (sentence n, features, rule clauses,
    fallback (start, end)) per sentence, for training."""
    find = detector or Detector(ARTICLE_SCOPES)
    text = text_of(doc)
    agreement_ns = {n for ag in agreements for n in ag.sentence_ns}
    opening = headline_zone(text, sents)
    arr = treematch.arrays(doc)
    learn = classifier is not None or trace is not None
    table = marked = None
    if learn:
        table = learned.TokenTable(doc, arr)
        marked = table.marked(agreements)
        mention_toks = _covered(doc, [(m.start, m.end) for ag in agreements for m in ag.mentions])
        actor_toks = _covered(doc, [(m.start, m.end) for a in actors for m in a.mentions])
    read: list[tuple[Sentence, object, learned.SentenceInfo, list]] = []
    flags = topic_flags(sents, agreement_ns)    # each sentence's topical(), read once
    for sent in sents:
        info = learned.SentenceInfo()
        span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
        here = flags[sent.n] or bool(
            ANAPHOR.search(sent.text) and near_topic(sents, sent, agreement_ns, window=6, flags=flags))
        clauses: list = []
        if sent.n in opening:
            info.skipped = "opening"
        elif unfinished_line(text, sent):
            info.skipped = "line"
        elif not here and not near_topic(sents, sent, agreement_ns, flags=flags):
            info.skipped = "off_topic"
        elif span is not None:
            hits = [h for h in find(span, arr) if h.type in MOTIVE_TYPES]
            clauses = _clauses(doc, sent, span, here, hits, text, agreements, actors, info, marked) if hits else []
        read.append((sent, span, info, clauses))
    # how much the rules found in the whole article: where they found little, a cueless statement
    # is more likely the motive they missed
    article = learned.article_features(sum(1 for *_x, c in read if c), len(sents))
    out: list[MotiveFinding] = []
    for sent, span, info, clauses in read:
        # a sentence with cue clauses keeps them whatever it scores when keep is 0: no need to score it
        if learn and span is not None and info.skipped != "line" and (trace is not None or not clauses or classifier.keep > 0):
            feats = learned.features(span, sent.n, info, agreement_ns, mention_toks, actor_toks, table) | article
            if trace is not None:
                trace.append((sent.n, feats, bool(clauses), _whole(sent, span, text)[:2]))
            if classifier is not None:
                p = classifier.score(feats)
                if clauses and p < classifier.keep:
                    clauses = []
                elif not clauses and p >= classifier.add:
                    s, e, head = _whole(sent, span, text)
                    clauses = [(s, e, None, holder_of(doc, head, actors, span, sent.n))]
        out += _findings(doc, text, sents, sent, clauses, agreements, actors)
    return drop_repeats(out)


def _index(agreements: list[AgreementFinding], ag: AgreementFinding | None) -> int:
    """Position of the linked agreement object in the stage's input (-1: none)."""
    return next((i for i, x in enumerate(agreements) if x is ag), -1)


class Stage:
    """The motives stage (no settings of its own). Reads the agreements and actors found before it."""

    name = "motives"

    def __init__(self, config: dict, lexicon: Lexicon | None = None,
                 classifier: learned.Classifier | None = None) -> None:
        self.config = config
        self.lexicon = lexicon or packaged_lexicon()    # its cues (cues.lexicon_of), active while it runs
        self.detector = Detector(ARTICLE_SCOPES)   # matchers compiled on the first doc, then kept
        self.classifier = classifier or learned.load()   # the learned sentence gate (learned.py)

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[MotiveFinding]:
        with CUES.using(self.lexicon):
            return extract(doc, sents, upstream.agreements, upstream.actors, self.detector, self.classifier)
