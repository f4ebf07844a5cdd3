"""The learned part of the motive extractor: a logistic sentence classifier over parse features.

The cue lexicon finds motives stated with a listed cue; many are stated without one (an expected
benefit: "the pact opens a market of ..."; a ground: "citing violations of ..."), and many causal
cues sit in sentences about something else. The classifier scores each sentence of an article:
"does this sentence state a motive for an agreement or for security cooperation?". Its features
are read from the parse and from what the stages before found (agreement mentions and their
distance, actors as subjects, the cue hits and why the rules dismissed some, the root verb, the
clause marks and prepositions, content lemmas seen in several training articles). extract() uses
the score two ways (see gate()):

- a sentence whose cue clauses score below `keep` loses them (a causal clause about neither an
  agreement nor cooperation);
- a sentence with no cue clause that scores at least `add` becomes a motive: its main clause
  (the complement of a reporting verb, without the "X said" frame), or the whole sentence.

The weights are a JSON file (resources/motive_classifier.json) written by
evaluation/train_motives.py (scikit-learn at training time only); here they are applied in plain
Python: score = sigmoid(bias + sum of the weights of the features present).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from pipeline.resources import read_json
from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError
from pipeline.extract.motives.filters import AGREEMENT_EVENTS, AGREEMENT_NOUNS

WEIGHTS_FILE = "motive_classifier.json"
CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "ADV", "ADP", "SCONJ", "AUX"})
MODALS = frozenset({"will", "would", "could", "can", "should", "may", "might", "must", "shall"})
FIRST_PERSON = frozenset({"we", "our", "us", "i", "my"})
SAY = frozenset({"say", "tell", "add", "state", "note", "announce", "stress", "explain", "write", "claim",
                 "argue", "insist", "emphasise", "emphasize", "believe", "warn", "declare"})


@dataclass
class SentenceInfo:
    """What the rules found in one sentence: the cue types kept as clauses and the cues dismissed."""

    kept: list[str] = field(default_factory=list)        # types of the cue hits that became clauses
    cues: list[str] = field(default_factory=list)        # the cue words of those hits
    dismissed: list[str] = field(default_factory=list)   # why the rules dropped a hit ("content", ...)
    skipped: str = ""                                   # why the rules did not read the sentence at all
    ties: list[str] = field(default_factory=list)        # per kept hit: type, holder found, tie (see tie())


def tie(node: Token, agreements) -> str:
    """How the parse ties a cue clause (heading at node) to an agreement: 'self' when the clause
    itself holds a mention or an agreement noun, 'head' when a governing word up to the root does
    (or is an agreement event verb: sign, suspend, join ...), else 'none'."""
    marks = {(m.start, m.end) for ag in agreements for m in ag.mentions}

    def named(tok: Token) -> bool:
        return tok.lemma_.lower() in AGREEMENT_NOUNS or any(a <= tok.idx < b for a, b in marks)

    if any(named(t) for t in node.subtree):
        return "self"
    up = node
    while up.head.i != up.i:
        up = up.head
        if named(up) or up.lemma_.lower() in AGREEMENT_EVENTS or any(
                named(c) for c in up.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")):
            return "head"
    return "none"


def _bucket(d: int | None, cuts: tuple[int, ...] = (0, 1, 2, 4)) -> str:
    if d is None:
        return "none"
    return next((str(c) for c in cuts if d <= c), f">{cuts[-1]}")


def features(span: Span, n: int, info: SentenceInfo, agreement_ns: set[int], mention_toks: set[int],
             actor_toks: set[int]) -> set[str]:
    """The features of sentence n (span): names of binary features present."""
    f = {"bias"}
    before = [m for m in agreement_ns if m <= n]
    after = [m for m in agreement_ns if m > n]
    f.add("ag_prev=" + _bucket(n - max(before) if before else None))
    f.add("ag_next=" + _bucket(min(after) - n if after else None))
    f.add("pos=" + _bucket(n, (0, 1, 2, 5, 10)))
    f.add("len=" + _bucket(len(span) // 10, (0, 1, 2, 3, 4)))
    f.add("skipped=" + (info.skipped or "no"))
    for kind in info.kept:
        f.add("kept=" + kind)
    f.add("n_kept=" + _bucket(len(info.kept), (0, 1, 2)))
    for cue in info.cues:
        f.add("cue=" + cue)
    for why in info.dismissed:
        f.add("dismissed=" + why)
    for t in info.ties:
        kind, holder, where = t.split(":")
        f.update(("tie=" + where, "tie_holder=" + holder, f"tie={kind}:{where}"))
    root = span.root
    f.add("root=" + root.lemma_.lower())
    f.add("root_tag=" + root.tag_)
    if root.lemma_.lower() in SAY:
        f.add("root_say")
    if any(t.text in ('"', "“", "”", "'") for t in span):
        f.add("quote")
    for tok in span:
        low = tok.lemma_.lower()
        if tok.pos_ in CONTENT_POS and tok.is_alpha and not tok.ent_type_:
            f.add("lem=" + low)   # names and nationalities stay out: they stand for one topic
        if tok.dep_ == "mark":
            f.add("mark=" + tok.lower_)
        elif tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX"):
            f.add("vprep=" + tok.lower_)
        elif tok.dep_ == "aux" and tok.lower_ in MODALS:
            f.add("modal")
        elif tok.dep_ == "neg":
            f.add("neg")
        if tok.dep_ in ("nsubj", "nsubjpass"):
            sub = range(tok.left_edge.i, tok.right_edge.i + 1)
            if any(i in mention_toks for i in sub):
                f.add("subj_agreement")
                f.add("subj_agreement_verb=" + tok.head.lemma_.lower())
            if any(i in actor_toks for i in sub):
                f.add("subj_actor")
        if tok.dep_ in ("advcl", "xcomp", "ccomp", "acl", "relcl"):
            f.add("clause=" + tok.dep_ + ("_" + tok.tag_ if tok.tag_ in ("VBG", "VB", "VBN") else ""))
    if any(i in mention_toks for i in range(span.start, span.end)):
        f.add("mention_here")
    if any(i in actor_toks for i in range(span.start, span.end)):
        f.add("actor_here")
    if any(t.lower_ in FIRST_PERSON for t in span):
        f.add("first_person")
    for a, b in (("mention_here", "modal"), ("subj_agreement", "modal"), ("quote", "first_person"),
                 ("first_person", "modal"), ("mention_here", "skipped=no"), ("subj_actor", "modal")):
        if a in f and b in f:
            f.add(f"{a}&{b}")
    return f


def article_features(n_rule_sentences: int, n_sentences: int) -> set[str]:
    """What the rules found in the whole article: the number of sentences with cue clauses and
    their share of the sentences (bucketed), alone and with each other."""
    share = _bucket(100 * n_rule_sentences // max(1, n_sentences), (0, 5, 10, 15, 20, 30))
    count = _bucket(n_rule_sentences, (0, 1, 2, 3, 5, 8))
    return {"art_rules=" + count, "art_share=" + share}


@dataclass(frozen=True)
class Classifier:
    """Weights of the sentence classifier and the two thresholds that gate() applies."""

    weights: dict
    bias: float
    keep: float         # cue clauses of a sentence scoring below this are dropped
    add: float          # a sentence with no cue clause scoring at least this becomes a motive

    def score(self, feats: set[str]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) for name in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def from_json(data: dict, where: str = WEIGHTS_FILE) -> Classifier:
    try:
        return Classifier({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                          float(data["keep"]), float(data["add"]))
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise PipelineError("E050", where, f"motive classifier weights malformed ({e}); "
                                           "rebuild them with evaluation/train_motives.py")


@lru_cache(maxsize=1)
def load() -> Classifier:
    """The shipped classifier (resources/motive_classifier.json)."""
    path = RESOURCES_DIR / WEIGHTS_FILE
    data = read_json(path, "E050", "rebuild the motive classifier with `make train`")
    return from_json(data, str(path))
