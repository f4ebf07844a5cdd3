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
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import repeat

from spacy.attrs import ENT_TYPE, IDX
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError
from pipeline.extract import treematch
from pipeline.extract.motives.filters import AGREEMENT_EVENTS, AGREEMENT_NOUNS
from pipeline.resources import read_json, word_list

WEIGHTS_FILE = "motive_classifier.json"
MASK = (1 << 64) - 1    # treematch.arrays holds string hashes as signed int64
CONTENT_POS = frozenset({"VERB", "NOUN", "ADJ", "ADV", "ADP", "SCONJ", "AUX"})
MODALS = word_list("motive_words.jsonl", "modals")
FIRST_PERSON = word_list("motive_words.jsonl", "first_person")
SAY = word_list("motive_words.jsonl", "say")


@dataclass
class SentenceInfo:
    """What the rules found in one sentence: the cue types kept as clauses and the cues dismissed."""

    kept: list[str] = field(default_factory=list)        # types of the cue hits that became clauses
    cues: list[str] = field(default_factory=list)        # the cue words of those hits
    dismissed: list[str] = field(default_factory=list)   # why the rules dropped a hit ("content", ...)
    skipped: str = ""                                   # why the rules did not read the sentence at all
    ties: list[str] = field(default_factory=list)        # per kept hit: type, holder found, tie (see tie())


def tie(node: Token, agreements, marked: set[int] | None = None) -> str:
    """How the parse ties a cue clause (heading at node) to an agreement: 'self' when the clause
    itself holds a mention or an agreement noun, 'head' when a governing word up to the root does
    (or is an agreement event verb: sign, suspend, join ...), else 'none'. marked: the tokens
    inside agreement mentions (TokenTable.marked), when the caller has them."""
    marks = {(m.start, m.end) for ag in agreements for m in ag.mentions} if marked is None else ()

    def named(tok: Token) -> bool:
        if marked is not None and tok.i in marked:
            return True
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
    for c in cuts:
        if d <= c:
            return str(c)
    return f">{cuts[-1]}"


def _h(word: str) -> int:
    """A word's hash as treematch.arrays holds it."""
    return treematch._as_int(get_string_id(word))


def _hashes(words) -> frozenset[int]:
    return frozenset(_h(w) for w in words)


# The parse labels and words features() tests, as the hashes of treematch.arrays.
DEP_MARK, DEP_PREP, DEP_AUX, DEP_NEG = (_h(d) for d in ("mark", "prep", "aux", "neg"))
SUBJECT_DEPS = _hashes(("nsubj", "nsubjpass"))
CLAUSE_FEATURE_DEPS = {_h(d): d for d in ("advcl", "xcomp", "ccomp", "acl", "relcl")}
CLAUSE_TAGS = {_h(t): t for t in ("VBG", "VB", "VBN")}
MODAL_HASHES = _hashes(MODALS)
FIRST_PERSON_HASHES = _hashes(FIRST_PERSON)
QUOTE_HASHES = _hashes(('"', "\u201c", "\u201d", "'"))
CONTENT_POS_IDS = frozenset(POS_IDS[p] for p in CONTENT_POS)
VERB_POS_IDS = frozenset((POS_IDS["VERB"], POS_IDS["AUX"]))
LOWER_COL, LEMMA_COL, ORTH_COL = (treematch.WORD_COLUMNS[c] for c in ("LOWER", "LEMMA", "ORTH"))
TAG_COL, DEP_COL = treematch.WORD_COLUMNS["TAG"], treematch.WORD_COLUMNS["DEP"]
POS_COL, HEAD_COL, ALPHA_COL = treematch.POS_COLUMN, treematch.HEAD_COLUMN, treematch.FLAG_COLUMNS["IS_ALPHA"]
PAIRS = (("mention_here", "modal"), ("subj_agreement", "modal"), ("quote", "first_person"),
         ("first_person", "modal"), ("mention_here", "skipped=no"), ("subj_actor", "modal"))
_WORDS: dict[int, str] = {}     # hash -> word, shared by every doc (a hash names one string for good)
_NAMED: dict[tuple[str, bool], dict[int, str]] = {}     # (prefix, lower) -> hash -> feature name


class TokenTable:
    """What features() and tie() read of a doc, taken once: the rows of treematch.arrays (the
    cue detector's, so shared with it) plus entity types and character offsets. Reading Token
    objects sentence by sentence was most of the learned part's cost."""

    __slots__ = ("doc", "ent", "idx", "rows")

    def __init__(self, doc: Doc, arr: treematch.DocArrays | None = None) -> None:
        self.doc = doc
        self.rows = (arr or treematch.arrays(doc)).rows
        self.ent, self.idx = doc.to_array([ENT_TYPE, IDX]).T.tolist() if len(doc) else ([], [])

    def word(self, h: int, lower: bool = False) -> str:
        got = _WORDS.get(h)
        if got is None:
            got = _WORDS[h] = self.doc.vocab.strings[h & MASK] if h else ""
        return got.lower() if lower else got

    def named(self, prefix: str, h: int, lower: bool = False) -> str:
        """prefix + word(h, lower), kept per prefix and hash: a feature name made once for good."""
        names = _NAMED.setdefault((prefix, lower), {})
        got = names.get(h)
        if got is None:
            got = names[h] = prefix + self.word(h, lower)
        return got

    def marked(self, agreements) -> set[int]:
        """Tokens that start inside an agreement mention's characters."""
        out: set[int] = set()
        for a, b in {(m.start, m.end) for ag in agreements for m in ag.mentions}:
            out.update(range(bisect_left(self.idx, a), bisect_left(self.idx, b)))
        return out


def features(span: Span, n: int, info: SentenceInfo, agreement_ns: set[int], mention_toks: set[int],
             actor_toks: set[int], table: TokenTable | None = None) -> set[str]:
    """The features of sentence n (span): names of binary features present. table: the doc's
    TokenTable, when the caller has it (built here otherwise)."""
    t = table if table is not None and table.doc is span.doc else TokenTable(span.doc)
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
    for tie_ in info.ties:
        kind, holder, where = tie_.split(":")
        f.update(("tie=" + where, "tie_holder=" + holder, f"tie={kind}:{where}"))
    root = span.root
    f.add("root=" + root.lemma_.lower())
    f.add("root_tag=" + root.tag_)
    if root.lemma_.lower() in SAY:
        f.add("root_say")
    lo, hi = span.start, span.end
    rows, ent, doc = t.rows, t.ent, span.doc
    quote = first = False
    named = t.named
    for i in range(lo, hi):
        r = rows[i]
        d = r[DEP_COL]
        if r[POS_COL] in CONTENT_POS_IDS and r[ALPHA_COL] and not ent[i]:
            f.add(named("lem=", r[LEMMA_COL], True))   # names and nationalities stay out: they stand for one topic
        if d == DEP_MARK:
            f.add(named("mark=", r[LOWER_COL]))
        elif d == DEP_PREP and rows[i + r[HEAD_COL]][POS_COL] in VERB_POS_IDS:
            f.add(named("vprep=", r[LOWER_COL]))
        elif d == DEP_AUX and r[LOWER_COL] in MODAL_HASHES:
            f.add("modal")
            f.add(named("modal=", r[LOWER_COL], True))
        elif d == DEP_NEG:
            f.add("neg")
        if d in SUBJECT_DEPS:
            tok = doc[i]
            sub = range(tok.left_edge.i, tok.right_edge.i + 1)
            if not mention_toks.isdisjoint(sub):
                f.add("subj_agreement")
                f.add(named("subj_agreement_verb=", rows[i + r[HEAD_COL]][LEMMA_COL], True))
            if not actor_toks.isdisjoint(sub):
                f.add("subj_actor")
        if d in CLAUSE_FEATURE_DEPS:
            f.add(_clause_feature(d, r[TAG_COL]))
        if not quote and r[ORTH_COL] in QUOTE_HASHES:
            quote = True
        if not first and r[LOWER_COL] in FIRST_PERSON_HASHES:
            first = True
    f |= frame_features(span, actor_toks)
    if quote:
        f.add("quote")
    here = range(lo, hi)
    if not mention_toks.isdisjoint(here):
        f.add("mention_here")
    if not actor_toks.isdisjoint(here):
        f.add("actor_here")
    if first:
        f.add("first_person")
    for a, b in PAIRS:
        if a in f and b in f:
            f.add(f"{a}&{b}")
    # which modal, in whose mouth: "the pact will allow" (its content) and "X said the pact would
    # open" (an expected benefit) differ in the modal and the reporting frame
    for m in [x for x in f if x.startswith("modal=")]:
        for a in ("subj_agreement", "root_say"):
            if a in f:
                f.add(f"{a}&{m}")
    return f


@cache
def _clause_feature(dep: int, tag: int) -> str:
    g = CLAUSE_TAGS.get(tag)
    return "clause=" + CLAUSE_FEATURE_DEPS[dep] + ("_" + g if g else "")


def frame_features(span: Span, actor_toks: set[int]) -> set[str]:
    """How the main clause frames a motive without a cue: a fronted holder ("For A, the pact
    would ..."), a gerund as subject ("joining the pact would open ..."), the noun a copula
    predicates of ("A's concern is ...", word feature be_subj=), an actor as the subject of the
    main verb, and each with a modal of that verb."""
    f: set[str] = set()
    root = span.root
    first = span[0] if len(span) else None
    if first is not None and first.lower_ == "for" and any(
            c.dep_ == "pobj" and (c.ent_type_ or not actor_toks.isdisjoint(range(c.left_edge.i, c.right_edge.i + 1)))
            for c in first.children):
        f.add("front_for_holder")
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    modal = any(c.dep_ == "aux" and c.lower_ in MODALS for c in root.children)
    for sub in subjects:
        if sub.dep_ == "csubj" or sub.tag_ == "VBG":
            f.add("subj_gerund")
        if not actor_toks.isdisjoint(range(sub.left_edge.i, sub.right_edge.i + 1)):
            f.add("root_subj_actor")
        if root.lemma_ == "be" and sub.pos_ == "NOUN":
            f.add("be_subj=" + sub.lemma_.lower())
    if modal:
        f.update(x + "&root_modal" for x in list(f) if not x.startswith("be_subj="))
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
        # (the same sum, in the same order, as a generator over feats: map is cheaper)
        z = self.bias + sum(map(self.weights.get, feats, repeat(0.0, len(feats))))
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
