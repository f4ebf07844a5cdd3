"""The text of a motive: the clause a cue heads, trimmed and grouped per holder, and the sentences
that may hold one (about an agreement or cooperation, past the headline)."""
from __future__ import annotations

import re

import regex
from spacy.tokens import Doc, Span, Token

from pipeline.extract.motives.cues import CueHit
from pipeline.extract.motives.links import _actor_at, paragraph_of
from pipeline.extract.nlp import text_of
from pipeline.records import ActorFinding, MotiveFinding, Sentence
from pipeline.resources import pattern_text

# Words that tie a sentence to an agreement or to security cooperation.
TOPIC = regex.compile(pattern_text("motive_patterns.jsonl", "topic"), re.I)
# A definite phrase naming no agreement but pointing back at one just named.
# A definite noun phrase that refers back to the agreement or cooperation named just before
# ("the move", "the plan"): the sentence is about it when a topical sentence is near.
ANAPHOR = re.compile(pattern_text("motive_patterns.jsonl", "anaphor"), re.I)
# Dependency labels that head a clause: the span of a motive is the subtree of one of them.
CLAUSE_DEPS = frozenset({"ROOT", "advcl", "xcomp", "ccomp", "acl", "relcl", "csubj", "pcomp", "parataxis"})
PROSE_END = re.compile(r"[.!?][\"”’')\]]*$")
BULLET = re.compile(r"[-–—•*·▪►]\s+\S")
EDGE_CHARS = " \t\n,;:.\"'“”‘’()[]-–—"


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


def unfinished_line(text: str, sent: Sentence) -> bool:
    """The sentence is an item of a bulleted list that does not end like prose (no closing full
    stop, question or exclamation mark): a list of related headlines or links, which name an
    agreement without reporting on it."""
    lo, hi = paragraph_of(text, sent)
    line = text[lo:hi].strip()
    return bool(BULLET.match(line)) and not PROSE_END.search(line)


def topical(sent: Sentence, agreement_ns: set[int]) -> bool:
    """The sentence names an agreement or speaks of security cooperation."""
    return sent.n in agreement_ns or bool(TOPIC.search(sent.text))


def topic_flags(sents: list[Sentence], agreement_ns: set[int]) -> list[bool]:
    """topical() of every sentence, in order (sentence n at index n), each read once: near_topic
    looks back over up to six sentences for each sentence, and read them all again each time."""
    return [topical(s, agreement_ns) for s in sents]


def near_topic(sents: list[Sentence], sent: Sentence, agreement_ns: set[int], window: int = 3,
               flags: list[bool] | None = None) -> bool:
    """The sentence or one of the `window` sentences before it is topical. flags:
    topic_flags(sents, agreement_ns), when the caller has them."""
    if flags is not None:
        return any(flags[max(0, sent.n - window):sent.n + 1])
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

