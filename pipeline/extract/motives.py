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

import re
from dataclasses import dataclass, field
from functools import lru_cache

import regex
import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from pipeline.extract import treematch
from pipeline.errors import PipelineError
from pipeline.extract.nlp import text_of
from pipeline.records import ActorFinding, AgreementFinding, MotiveFinding, Sentence
from pipeline.resources import load_jsonl

CUE_FILES = ("motive_cues.jsonl", "motive_causal_cues.jsonl")
MOTIVE_TYPES = frozenset({"purpose", "cause", "need", "threat", "benefit", "resistance"})
# Types whose weak cues also count outside sentences about an agreement when an actor holds them.
HELD_TYPES = frozenset({"need", "threat", "resistance"})
SCOPES = frozenset({"both", "motive", "causal"})
ARTICLE_SCOPES = frozenset({"both", "motive"})

# Words that tie a sentence to an agreement or to security cooperation.
TOPIC = regex.compile(
    r"\b(agreements?|treat(?:y|ies)|pacts?|accords?|deals?|arrangements?|alliances?|cooperation|co-operation|"
    r"ties|security|defen[cs]e|military|militaries|partnership|logistics|peace|truce|ceasefire|"
    r"memorandum|protocols?|framework|membership|accession|trade|deterren(?:ce|t)|missiles?|nuclear|allies|allied|"
    r"arms|weapons)\b", re.I)
# A definite phrase naming no agreement but pointing back at one just named.
REFERS_BACK = re.compile(r"\b(?:the|these|those)\s+(?:talks|negotiations|deal|pact|accord|treaty|agreement)\b", re.I)
# A definite noun phrase that refers back to the agreement or cooperation named just before
# ("the move", "the plan"): the sentence is about it when a topical sentence is near.
ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:move|plan|expansion|programme|program|project|initiative|"
                     r"step|decision|proposal|scheme|talks|negotiations)\b", re.I)
# Dependency labels that head a clause: the span of a motive is the subtree of one of them.
CLAUSE_DEPS = frozenset({"ROOT", "advcl", "xcomp", "ccomp", "acl", "relcl", "csubj", "pcomp", "parataxis"})
REPORTING = frozenset({"say", "tell", "add", "emphasise", "emphasize", "stress", "note", "believe", "hope",
                       "regard", "warn", "urge", "argue", "insist", "state", "explain", "announce",
                       "write", "claim", "consider", "see", "view", "want", "call", "describe"})
PROSE_END = re.compile(r"[.!?][\"”’')\]]*$")
EDGE_CHARS = " \t\n,;:.\"'“”‘’()[]-–—"


@dataclass(frozen=True)
class CueHit:
    """One cue found in a sentence: token range [start, end) of the doc, plus its lexicon row."""

    id: str
    type: str
    cue: str
    scope: str
    start: int                  # token range of the anchor: the clause of doc[start] states the motive
    end: int
    start_char: int             # characters of the cue words as written
    end_char: int
    weak: bool = False          # a weak cue counts only in a sentence about an agreement or cooperation


# ---------------------------------------------------------------- lexicon -> spaCy patterns

@lru_cache(maxsize=1)
def _tokenizer():
    return spacy.blank("en").tokenizer


def phrase_pattern(cue: str) -> list[dict]:
    """Matcher pattern for a written cue: words match case-insensitively, <word> matches the
    lemma, and * stands for up to three tokens ("<make> * more")."""
    pattern: list[dict] = []
    for word in cue.split():
        if word == "*":
            pattern.append({"OP": "{0,3}"})
        elif word.startswith("<") and word.endswith(">") and len(word) > 2:
            forms = sorted({word[1:-1], word[1:-1].lower()})
            pattern.append({"LEMMA": forms[0] if len(forms) == 1 else {"IN": forms}})
        else:
            pattern.extend({"LOWER": t.lower_} for t in _tokenizer()(word))
    if not pattern or all(p.get("OP") for p in pattern):
        raise ValueError(f"cue '{cue}' has no words")
    return pattern


@lru_cache(maxsize=1)
def cue_rows() -> dict[str, dict]:
    """id -> lexicon row, over both cue files (ids are unique across them)."""
    rows: dict[str, dict] = {}
    for name in CUE_FILES:
        for row in load_jsonl(name):
            if row["id"] in rows:
                raise PipelineError("E050", name, f"cue id {row['id']} is used twice across the cue files")
            if not row.get("type") or not row.get("cue"):
                raise PipelineError("E050", name, f"{row['id']}: a cue row needs 'type' and 'cue'")
            if row.get("scope", "both") not in SCOPES:
                raise PipelineError("E050", name, f"{row['id']}: scope must be one of {sorted(SCOPES)}")
            rows[row["id"]] = row
    return rows


_MATCHERS: dict[tuple[int, frozenset[str]], tuple] = {}
# Function words whose lemma is the word itself: a cue mixing them with <lemmas> can be matched
# on lemmas alone.
SAME_LEMMA = frozenset({"to", "the", "for", "of", "a", "an", "on", "by", "that", "at", "in", "with",
                        "against", "it", "as", "from", "over", "about", "into"})
def _phrase_words(pattern: list[dict]) -> tuple[str, list[str]] | None:
    """('LOWER' | 'LEMMA', words) when a PhraseMatcher can take the pattern, else None."""
    if not all(len(tok) == 1 and isinstance(next(iter(tok.values())), str) for tok in pattern):
        return None
    attrs = {next(iter(tok)) for tok in pattern}
    words = [next(iter(tok.values())) for tok in pattern]
    if attrs == {"LOWER"}:
        return "LOWER", words
    if attrs == {"LEMMA"} or (attrs == {"LEMMA", "LOWER"} and
                              all(tok.get("LOWER", "to") in SAME_LEMMA for tok in pattern)):
        return "LEMMA", words
    return None


@dataclass
class Matchers:
    """The cue rows of some scopes compiled: plain word and lemma phrases go to PhraseMatchers
    (fast), other token patterns to a Matcher each, dependency patterns to TreePatterns
    (treematch.py). The words each token or dependency pattern needs let detect() run only the
    patterns a sentence can match."""

    lower: PhraseMatcher
    lemma: PhraseMatcher
    tokens: list[Matcher] = field(default_factory=list)
    deps: list[treematch.TreePattern] = field(default_factory=list)
    token_index: treematch.NeedIndex | None = None
    dep_index: treematch.NeedIndex | None = None

    def __len__(self) -> int:
        return len(self.lower) + len(self.lemma) + len(self.tokens) + len(self.deps)


def matchers(vocab: Vocab, scopes: frozenset[str] = SCOPES) -> Matchers:
    """The matchers of the cue rows in `scopes` for a vocabulary, built once."""
    got = _MATCHERS.get((id(vocab), scopes))
    if got is not None and got[0] is vocab:
        return got[1]
    found = Matchers(PhraseMatcher(vocab, attr="LOWER"), PhraseMatcher(vocab, attr="LEMMA"))
    token_needs = []
    for rid, row in cue_rows().items():
        if row.get("scope", "both") not in scopes:
            continue
        try:
            if "dep_pattern" in row:
                found.deps.append(treematch.compile(rid, row["dep_pattern"]))
                continue
            pattern = row.get("pattern") or phrase_pattern(row["cue"])
            phrase = _phrase_words(pattern)
            if phrase and phrase[0] == "LOWER":
                found.lower.add(rid, [Doc(vocab, words=phrase[1])])
            elif phrase:
                found.lemma.add(rid, [Doc(vocab, words=phrase[1], lemmas=phrase[1])])
            else:
                found.tokens.append(Matcher(vocab))
                found.tokens[-1].add(rid, [pattern])
                token_needs.append(treematch.word_needs(pattern))
        except (ValueError, KeyError, TypeError) as e:
            raise PipelineError("E050", "motive cues", f"{rid}: bad pattern ({e})")
    found.token_index = treematch.NeedIndex(token_needs)
    found.dep_index = treematch.NeedIndex([p.needs for p in found.deps])
    _MATCHERS[(id(vocab), scopes)] = (vocab, found)
    return found


# ---------------------------------------------------------------- detection

def _hit(doc: Doc, rid: str, start: int, end: int, shown: tuple[int, int] | None = None) -> CueHit:
    row = cue_rows()[rid]
    c_lo, c_hi = shown or (start, end)
    return CueHit(rid, row["type"], row["cue"], row.get("scope", "both"), start, end,
                  doc[c_lo].idx, doc[c_hi - 1].idx + len(doc[c_hi - 1].text), bool(row.get("weak")))


def _token_hit(doc: Doc, rid: str, start: int, end: int) -> CueHit:
    """A phrase or token-pattern hit, anchored on its first token, or on its last when the row
    says "anchor": "last" ("wants the deal to" states the clause of the verb after "to")."""
    if cue_rows()[rid].get("anchor") == "last":
        return _hit(doc, rid, end - 1, end, (start, end))
    return _hit(doc, rid, start, end)


def _dep_hit(doc: Doc, rid: str, token_ids: list[int]) -> CueHit:
    """A DependencyMatcher hit: anchored on the node named by the row's 'anchor', showing 'show'."""
    row = cue_rows()[rid]
    names = [node["RIGHT_ID"] for node in row["dep_pattern"]]
    at = dict(zip(names, token_ids))
    anchor = at.get(row.get("anchor") or "", min(token_ids))
    shown = [at[name] for name in row.get("show") or [] if name in at] or [anchor]
    return _hit(doc, rid, anchor, anchor + 1, (min(shown), max(shown) + 1))


def detect(span: Doc | Span, scopes: frozenset[str] = SCOPES, arr: treematch.DocArrays | None = None) -> list[CueHit]:
    """Cue hits inside span (a Doc or a sentence Span) of the cue rows in `scopes`, in text order,
    longest first at a tie. A token or dependency pattern runs only when its words are all in the
    span (they cost far more than the phrase matchers). arr: treematch.arrays(doc), when the
    caller has it."""
    doc = span if isinstance(span, Doc) else span.doc
    lo, hi = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
    m = matchers(doc.vocab, scopes)
    arr = arr or treematch.arrays(doc)
    window = doc[lo:hi]
    # (a PhraseMatcher gives doc offsets on a span, a Matcher offsets within the span)
    hits = [_token_hit(doc, doc.vocab.strings[key], start, end)
            for found in (m.lower(window), m.lemma(window)) for key, start, end in found]
    words = treematch.words_in(arr, lo, hi)
    for i in m.token_index.candidates(words):
        hits += [_token_hit(doc, doc.vocab.strings[key], lo + start, lo + end) for key, start, end in m.tokens[i](window)]
    for i in m.dep_index.candidates(words):
        pattern = m.deps[i]
        hits += [_dep_hit(doc, pattern.key, ids) for ids in treematch.match(pattern, arr, lo, hi)]
    return sorted(set(hits), key=lambda h: (h.start, -(h.end - h.start), h.id))


def is_causal(span: Doc | Span) -> bool:
    """True when the sentence states a cause-effect relation (any cue of any scope)."""
    return bool(detect(span))


# ---------------------------------------------------------------- spans

def clause_node(tok: Token) -> Token:
    """The token heading the clause (or prepositional phrase) a cue token belongs to."""
    if tok.dep_ in CLAUSE_DEPS:
        return tok
    node = tok
    while node.dep_ not in CLAUSE_DEPS and node.head.i != node.i:
        if node.dep_ == "conj" and node.pos_ in ("VERB", "AUX"):
            return node
        node = node.head
    return node


def coordinated_clauses(node: Token) -> list[Token]:
    """Clauses joined to `node` that say something of their own subject ("A wants X, and B wants Y",
    "A sought X, while B wanted Y"; not the condition in "cannot sign while X"): each states its own
    motive, so none belongs to node's clause."""
    out = []
    for child in node.children:
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in child.children)
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and has_subject:
            out.append(child)
        elif child.dep_ == "advcl" and has_subject and any(
                c.dep_ == "mark" and c.lower_ in ("while", "whereas") and c.i > 0 and c.nbor(-1).text == ","
                for c in child.children):
            out.append(child)
    return out


def clause_chars(doc: Doc, hit: CueHit, sent: Span, text: str | None = None) -> tuple[int, int]:
    """Character range of the clause stating the motive: the subtree of the cue's clause,
    kept inside the sentence and trimmed of edge punctuation and quotes."""
    node = clause_node(doc[hit.start])
    toks = list(node.subtree)
    start = max(min(toks[0].i, hit.start), sent.start)
    end = min(max(toks[-1].i + 1, hit.end), sent.end)
    for other in coordinated_clauses(node):
        if other.left_edge.i >= hit.end:
            end = min(end, other.left_edge.i)
        elif other.right_edge.i < hit.start:
            start = max(start, other.right_edge.i + 1)
    while end - 1 > start and (doc[end - 1].dep_ == "cc" or doc[end - 1].is_punct):
        end -= 1
    if end - start > 1 and doc[start].dep_ == "mark" and doc[start].lower_ == "that":
        start += 1      # "that" opens the clause but says nothing of the motive
    start, end = max(start, sent.start), max(min(end, sent.end), start + 1)
    return trim(text_of(doc) if text is None else text, doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))


def negated(node: Token) -> bool:
    """A purpose or benefit denied by its own verb or the verb it complements
    ("are not expected to end", "will not allow")."""
    heads = [node] + ([node.head] if node.dep_ in ("xcomp", "ccomp") else [])
    return any(child.dep_ == "neg" for h in heads for child in h.children)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past edge punctuation, quotes and a leading conjunction."""
    while True:
        while start < end and text[start] in EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in EDGE_CHARS:
            end -= 1
        m = re.match(r"(?:and|but|or|so|yet|however|therefore|moreover|meanwhile)\b[,\s]*", text[start:end], re.I)
        if not m or m.end() == end - start:
            return start, end
        start += m.end()


# ---------------------------------------------------------------- links

def paragraph_of(text: str, sent: Sentence) -> tuple[int, int]:
    """Character range of the line (paragraph) holding the sentence."""
    lo = text.rfind("\n", 0, sent.start) + 1
    hi = text.find("\n", sent.end)
    return lo, (len(text) if hi < 0 else hi)


def main_agreement(agreements: list[AgreementFinding]) -> AgreementFinding | None:
    return max(agreements, key=lambda a: (len(a.sentence_ns), a.confidence), default=None)


def link_agreement(text: str, sents: list[Sentence], sent: Sentence, at: int,
                   agreements: list[AgreementFinding]) -> AgreementFinding | None:
    """The agreement a motive at char `at` is about: the nearest mention in the same sentence,
    else the nearest preceding mention in the paragraph, else the article's main agreement."""
    best, best_d = None, None
    for ag in agreements:
        for m in ag.mentions:
            if m.sentence_n == sent.n:
                d = abs(m.start - at)
                if best_d is None or d < best_d:
                    best, best_d = ag, d
    if best is None:
        for ag in agreements:
            if sent.n in ag.sentence_ns:
                return ag
        p_lo, _ = paragraph_of(text, sent)
        for ag in agreements:
            for m in ag.mentions:
                if p_lo <= m.start < sent.start and (best_d is None or sent.start - m.start < best_d):
                    best, best_d = ag, sent.start - m.start
    if best is None and REFERS_BACK.search(sent.text):
        # "the talks", "the deal": the instance named in the sentence just before
        near = [(m.start, ag) for ag in agreements for m in ag.mentions
                if m.start < sent.start and m.sentence_n == sent.n - 1]
        main = main_agreement(agreements)
        if near and all(ag is not main for _start, ag in near):
            best = max(near, key=lambda x: x[0])[1]
    return best or main_agreement(agreements)


def _actor_at(actors: list[ActorFinding], lo: int, hi: int) -> str:
    """Canonical holder among actor mentions inside [lo, hi): a state or organisation by name,
    a person by their country when it is known."""
    found = sorted(((m.start, -(m.end - m.start), i) for i, a in enumerate(actors) for m in a.mentions
                    if lo <= m.start < hi))
    for _start, _len, i in found:
        actor = actors[i]
        if actor.type == "person":
            return actor.country or actor.name
        return actor.name
    return ""


# Ways a name can sit inside a subject and still be its holder: "Chile's defence minister",
# "the governments of Peru and Japan", "Brazilian Foreign Minister Ana Souza".
HOLDER_PATH = frozenset({"poss", "compound", "appos", "conj", "cc", "pobj", "nmod", "amod", "case"})


def _holder_tokens(subject: Token) -> list[Token]:
    """Tokens of the subject whose path up to its head only crosses holder-like links."""
    out = []
    for tok in subject.subtree:
        node, ok = tok, True
        while node.i != subject.i:
            if node.dep_ == "prep" and node.lower_ != "of":
                ok = False
            elif node.dep_ != "prep" and node.dep_ not in HOLDER_PATH:
                ok = False
            if not ok:
                break
            node = node.head
        if ok:
            out.append(tok)
    return out


def _subject_actor(verb: Token, actors: list[ActorFinding]) -> str:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in ("it", "this", "that", "which"):
            for tok in _holder_tokens(child):
                name = _actor_at(actors, tok.idx, tok.idx + len(tok.text))
                if name:
                    return name
    return ""


def link_actor(doc: Doc, node: Token, actors: list[ActorFinding], sent: Span | None = None) -> str:
    """Who holds the motive: the subject of the clause's verb or of a governing verb (the
    reporting verb included), when that subject names an actor."""
    seen = node
    while True:
        name = _subject_actor(seen, actors)
        if name:
            return name
        if seen.head.i == seen.i:
            break
        seen = seen.head
    sent = node.sent if sent is None else sent
    root = sent.root
    for tok in sent:
        if tok.lemma_.lower() in REPORTING and tok.pos_ == "VERB" and tok.i != root.i:
            name = _subject_actor(tok, actors)
            if name:
                return name
    return ""


# ---------------------------------------------------------------- article extraction

def headline_zone(text: str, sents: list[Sentence]) -> set[int]:
    """Sentences of the article's opening lines before the first line that ends like prose:
    the headline, standfirst, byline and photo credits, which restate rather than report."""
    out: set[int] = set()
    for sent in sents:
        lo, hi = paragraph_of(text, sent)
        line = text[lo:hi].strip()
        if PROSE_END.search(line):
            break
        out.add(sent.n)
    return out if len(out) < len(sents) else set()


def topical(sent: Sentence, agreement_ns: set[int]) -> bool:
    """The sentence names an agreement or speaks of security cooperation."""
    return sent.n in agreement_ns or bool(TOPIC.search(sent.text))


def near_topic(sents: list[Sentence], sent: Sentence, agreement_ns: set[int], window: int = 3) -> bool:
    """The sentence or one of the `window` sentences before it is topical."""
    return any(topical(s, agreement_ns) for s in sents[max(0, sent.n - window):sent.n + 1])


def _union(spans: list[tuple[int, int, CueHit]]) -> tuple[int, int, CueHit]:
    """One motive per sentence: the stretch covering every cue clause found in it, with the cue
    of the longest clause."""
    longest = max(spans, key=lambda x: (x[1] - x[0], -x[0]))
    return min(s for s, _e, _h in spans), max(e for _s, e, _h in spans), longest[2]


def _key(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def drop_repeats(found: list[MotiveFinding]) -> list[MotiveFinding]:
    """Keep one copy of a statement the article repeats (a standfirst restating the body, a
    pull quote): a motive whose words recur inside a longer motive of another sentence goes."""
    keys = [_key(m.text) for m in found]
    out = []
    for i, m in enumerate(found):
        if any(j != i and found[j].sentence_n != m.sentence_n and keys[i] in keys[j]
               and (len(keys[j]) > len(keys[i]) or j < i) for j in range(len(found))):
            continue
        out.append(m)
    return out


# ---------------------------------------------------------------- motive-level filters

STOPPING = frozenset({"stop", "cease", "quit", "halt", "end"})
ARGUING = frozenset({"argue", "warn", "contend", "insist", "complain", "fear", "claim"})
PERSONAL = frozenset({"i", "we", "you", "he", "she", "they", "it", "who"})
# Verbs of a timetable: "due to expire", "due to meet" say when, not why.
SCHEDULE = frozenset({"expire", "lapse", "end", "begin", "start", "take", "enter", "come", "be", "meet", "arrive",
                      "visit", "sign", "open", "close", "hold", "vote", "travel", "run", "finish", "resume",
                      "return", "launch", "leave", "conclude", "deliver", "announce", "decide", "report", "rule",
                      "debate", "complete", "expire", "retire", "join", "host", "attend", "speak"})
# Steps every agreement goes through: "will need to ratify it" says what comes next, not why.
RATIFYING = frozenset({"ratify", "approve", "sign", "submit", "pass", "endorse", "adopt", "implement", "enact"})
# Verbs of a procedure: "cannot take effect unless ratified" is a rule of the deal, not a reason.
PROCEDURAL = frozenset({"take", "enter", "come", "begin", "start", "become", "apply", "expire", "happen"})
AGREEMENT_EVENTS = frozenset({"suspend", "terminate", "withdraw", "scrap", "cancel", "abandon", "quit", "exit",
                              "halt", "freeze", "revoke", "end", "sign", "ratify", "conclude", "resume", "restore",
                              "renew", "block", "reject", "delay", "postpone", "stall", "collapse", "seek", "pursue",
                              "negotiate", "join", "leave"})
# Verbs of a figure moving: "trade rose because of coal prices" explains a number, not a party.
MOVES = frozenset({"rise", "fall", "grow", "drop", "jump", "climb", "increase", "decline", "decrease", "surge",
                   "slump", "soar", "plunge", "slide", "dip", "rebound", "flatter", "inflate", "shrink", "double",
                   "triple", "halve"})
CAUSE_MARKS = frozenset({"because", "because of", "due to", "owing to", "as a result of"})
AGREEMENT_NOUNS = frozenset({"agreement", "pact", "deal", "treaty", "accord", "arrangement", "alliance",
                             "partnership", "framework", "memorandum", "protocol", "convention", "charter"})


def _in_mentions(tok: Token, agreements: list[AgreementFinding]) -> bool:
    return any(m.start <= tok.idx < m.end for ag in agreements for m in ag.mentions)


def _names_actor(tokens, actors: list[ActorFinding]) -> bool:
    return any(_actor_at(actors, t.idx, t.idx + len(t.text)) for t in tokens)


def _modified_verb(tok: Token) -> Token | None:
    """The verb a causal marker modifies: the head of its adverbial clause or prepositional phrase."""
    node = tok
    for _ in range(3):
        if node.dep_ in ("advcl", "prep") and node.head.i != node.i:
            return node.head
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def spurious(doc: Doc, hit: CueHit, agreements: list[AgreementFinding], actors: list[ActorFinding],
             text: str | None = None) -> str:
    """A cue that, read in its sentence, does not state why an actor pursues or resists an agreement:
    a schedule ("due to lapse"), an appeal for calm ("urged restraint"), a reciprocal accusation
    ("accused each other of"), the content of a deal ("would stop blocking", "which would establish
    relations"), a speaker's plan ("Moscow said it would ...") or the cause of a figure moving.
    Returns why ('' when the cue stands); for "figure" and "exchange" the cues inside the causal
    clause or the accusation go with it (see dead_range)."""
    tok = doc[hit.start]
    cue = (text_of(doc) if text is None else text)[hit.start_char:hit.end_char].lower()
    if cue_rows()[hit.id].get("needs_agreement"):
        lo, hi = min(hit.start_char, tok.idx), max(hit.end_char, tok.idx + len(tok.text))
        if not any(m.start < hi and lo < m.end for ag in agreements for m in ag.mentions):
            return "content"
    if cue == "due to" and hit.end < len(doc) and (doc[hit.end].tag_ == "VB" or doc[hit.end].lower_ in SCHEDULE):
        return "content"
    if cue == "without" and any(t.lemma_ in ("delay", "hesitation") for t in doc[hit.end:hit.end + 2]):
        return "content"
    if tok.lemma_ == "urge":
        objects = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "ccomp")]
        if not any(TOPIC.search(" ".join(t.text for t in c.subtree)) for c in objects
                   if c.dep_ == "dobj") or any(c.dep_ in ("xcomp", "ccomp") for c in objects):
            return "content"
    if tok.lemma_ in ("accuse", "blame"):
        after = " ".join(t.lower_ for t in doc[hit.end:hit.end + 2])
        if after in ("each other", "one another") or "each" in after.split()[:1]:
            return "exchange"
    if cue in ("cannot", "can not", "unable to") and clause_node(tok).lemma_ in PROCEDURAL:
        return "content"
    if hit.type == "need" and tok.lemma_ == "need" and any(
            c.dep_ == "xcomp" and c.lemma_ in RATIFYING for c in tok.children):
        return "content"        # "Jakarta will now need to ratify the pact": a step, not a reason
    if hit.type == "resistance":
        node = clause_node(tok)
        if node.dep_ in ("xcomp", "ccomp") and node.head.lemma_ in STOPPING:
            return "content"
    if tok.dep_ == "nsubj" and tok.lower_ in ("it", "which") and tok.head.pos_ == "VERB":
        verb = tok.head
        before = [t for t in doc[max(0, tok.i - 2):tok.i] if not t.is_punct][-1:]
        if tok.lower_ == "which" and verb.dep_ == "relcl" and (
                verb.head.lemma_ in AGREEMENT_NOUNS or _in_mentions(verb.head, agreements)
                or any(_in_mentions(t, agreements) or t.lemma_ in AGREEMENT_NOUNS for t in before)):
            return "content"
        if tok.lower_ == "it" and verb.dep_ == "ccomp" and verb.head.lemma_ in REPORTING:
            speaker = [c for c in verb.head.children if c.dep_ == "nsubj"]
            if speaker and any(a.type in ("state", "organization") and any(
                    speaker[0].left_edge.idx <= m.start < speaker[0].right_edge.idx + len(speaker[0].right_edge.text)
                    for m in a.mentions) for a in actors):
                return "content"
    if hit.type == "cause" and cue in CAUSE_MARKS:
        verb = _modified_verb(tok)
        if verb is not None and verb.lemma_ in MOVES:
            return "figure"
        if verb is not None and verb.pos_ in ("VERB", "AUX") and verb.lemma_ not in AGREEMENT_EVENTS:
            subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].lower_ not in PERSONAL:
                words = list(subj[0].subtree)
                if not _names_actor(words, actors) and not TOPIC.search(" ".join(t.text for t in words)) \
                        and not any(_in_mentions(t, agreements) for t in words):
                    return "figure"
    return ""


def dead_range(tok: Token, why: str) -> tuple[int, int] | None:
    """Tokens [lo, hi] whose cues fall with a dismissed cue: the clause a causal marker introduces
    ("because X ..."), the charge of a reciprocal accusation ("accused each other of X")."""
    if why == "figure":
        head = tok.head if tok.dep_ == "mark" else tok
        return head.left_edge.i, head.right_edge.i
    if why == "exchange":
        charge = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
        if charge:
            return charge[0].left_edge.i, charge[0].right_edge.i
    return None


def argued_reason(doc: Doc, span: Span, node: Token) -> tuple[int, int] | None:
    """The clause giving the reason for the resistance whose clause heads at `node` ("..., arguing
    that X", "argues that X, and refused ..."): token range of the participle clause, or of the
    complement of a finite verb, when that verb and `node` are linked directly or as conjuncts."""
    for tok in span:
        linked = tok.i == node.i or tok.head.i == node.i or node.head.i == tok.i or (
            tok.head.i == node.head.i and tok.dep_ == "conj" and node.dep_ == "conj")
        arguing = tok.lemma_ in ARGUING or (tok.lemma_ == "say" and tok.tag_ == "VBG" and tok.dep_ == "advcl")
        if arguing and tok.pos_ == "VERB" and linked:
            comp = [c for c in tok.children if c.dep_ == "ccomp"]
            if not comp:
                continue
            if tok.dep_ == "advcl" and tok.tag_ == "VBG":
                toks = list(tok.subtree)
            else:
                toks = [t for t in comp[0].subtree if not (t.i == comp[0].left_edge.i and t.lower_ == "that")]
            return toks[0].i, toks[-1].i + 1
    return None


def _for_holder(node: Token, actors: list[ActorFinding]) -> str:
    """The actor of a fronted "For X, ..." frame on the clause."""
    for child in node.children:
        if child.dep_ == "prep" and child.lower_ == "for":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    name = _actor_at(actors, obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge.text))
                    if name:
                        return name
    return ""


def _pronoun_speaker(span: Span, sent_n: int, actors: list[ActorFinding]) -> str:
    """'..., he said': the person named last in the two sentences before, by their country."""
    if not any(t.lemma_.lower() in REPORTING and t.pos_ == "VERB" and any(
            c.dep_ == "nsubj" and c.lower_ in ("he", "she") for c in t.children) for t in span):
        return ""
    found = [(m.start, a) for a in actors if a.type == "person" for m in a.mentions
             if m.start < span.start_char and m.sentence_n >= sent_n - 2]
    if not found:
        return ""
    person = max(found, key=lambda x: x[0])[1]
    return person.country or person.name


def holder_of(doc: Doc, node: Token, actors: list[ActorFinding], span: Span, sent_n: int = -1) -> str:
    """Who holds the motive: the clause's or a reporting verb's subject, a fronted "For X," or
    the person a "he said" refers back to."""
    return (link_actor(doc, node, actors, span) or _for_holder(node, actors)
            or (_pronoun_speaker(span, sent_n, actors) if sent_n >= 0 else ""))


def split_frames(text: str, s: int, e: int, actors: list[ActorFinding]) -> list[tuple[int, int, str]]:
    """Cut "For A, X; for B, Y" into one stretch per fronted actor: (start, end, holder of the
    stretch after a cut, else ''). A stretch is trimmed of edge punctuation."""
    cuts = []
    for m in re.finditer(r";\s*(?=for\s+[^,;]{1,40},)", text[s:e], re.I):
        after = s + m.end()
        name = _actor_at(actors, after, text.index(",", after))
        if name:
            cuts.append((s + m.start(), after, name))
    parts, lo, holder = [], s, ""
    for cut, after, name in cuts:
        parts.append((*trim(text, lo, cut), holder))
        lo, holder = after, name
    parts.append((*trim(text, lo, e), holder))
    return parts


def group_clauses(clauses: list[tuple[int, int, CueHit, str]]) -> list[list[tuple[int, int, CueHit, str]]]:
    """Clauses of one sentence in groups: overlapping clauses go together, and so do disjoint ones
    unless each names its own, different holder ("to win X, while B wanted Y")."""
    groups: list[list] = []
    for c in sorted(clauses, key=lambda c: (c[0], -c[1])):
        if groups:
            last = groups[-1]
            hi = max(x[1] for x in last)
            holders = {x[3] for x in last if x[3]}
            if c[0] < hi or not c[3] or not holders or c[3] in holders:
                last.append(c)
                continue
        groups.append([c])
    return groups


def extract(doc: Doc, sents: list[Sentence], agreements: list[AgreementFinding],
            actors: list[ActorFinding]) -> list[MotiveFinding]:
    text = text_of(doc)
    agreement_ns = {n for ag in agreements for n in ag.sentence_ns}
    opening = headline_zone(text, sents)
    arr = treematch.arrays(doc)
    out: list[MotiveFinding] = []
    for sent in sents:
        if sent.n in opening:
            continue
        here = topical(sent, agreement_ns) or bool(
            ANAPHOR.search(sent.text) and near_topic(sents, sent, agreement_ns, window=6))
        if not here and not near_topic(sents, sent, agreement_ns):
            continue
        span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
        if span is None:
            continue
        hits = [h for h in detect(span, ARTICLE_SCOPES, arr) if h.type in MOTIVE_TYPES]
        why = {h: spurious(doc, h, agreements, actors, text) for h in hits}
        bad = [h for h in hits if why[h]]
        dead = [r for h in bad for r in [dead_range(doc[h.start], why[h])] if r]
        clauses = []
        for h in hits:
            if h in bad or any(lo <= h.start <= hi for lo, hi in dead):
                continue
            node = clause_node(doc[h.start])
            holder = holder_of(doc, node, actors, span, sent.n)
            # a weak cue needs a sentence about the agreement, or an actor stating a need, fear or grievance
            if h.weak and not here and not (holder and h.type in HELD_TYPES):
                continue
            if h.type in ("purpose", "benefit") and negated(node):
                continue
            reason = argued_reason(doc, span, node) if h.type == "resistance" else None
            if reason and not (reason[0] <= h.start < reason[1]):
                s, e = trim(text, doc[reason[0]].idx, doc[reason[1] - 1].idx + len(doc[reason[1] - 1].text))
            else:
                s, e = clause_chars(doc, h, span, text)
            if len(text[s:e].split()) >= 3:
                clauses.append((s, e, h, holder))
        for group in group_clauses(clauses):
            s, e, h = _union([(a, b, c) for a, b, c, _d in group])
            holder = next((x[3] for x in group if x[2] is h), "") or next((x[3] for x in group if x[3]), "")
            ag = link_agreement(text, sents, sent, h.start_char, agreements)
            for a, b, frame_holder in split_frames(text, s, e, actors):
                out.append(MotiveFinding(sent.n, a, b, text[a:b], text[h.start_char:h.end_char].lower(),
                                         (ag.acronym or ag.name) if ag else "", frame_holder or holder))
    return drop_repeats(out)


class Stage:
    """The motives stage (no settings of its own). Reads the agreements and actors found before it."""

    name = "motives"

    def __init__(self, config: dict) -> None:
        self.config = config

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[MotiveFinding]:
        return extract(doc, sents, upstream.agreements, upstream.actors)
