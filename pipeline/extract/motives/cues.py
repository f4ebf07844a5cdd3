"""Motive cues: the lexicons (resources/motive_cues.jsonl, motive_causal_cues.jsonl) compiled into
spaCy PhraseMatchers and Matchers and dependency patterns (treematch.py), and the sentence-level
detector that runs them (see the package docstring for the row format)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import spacy
from spacy.attrs import ORTH
from spacy.lang.en import English
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from pipeline.errors import PipelineError
from pipeline.extract import treematch
from pipeline.extract.lexicons import Lexicon, Scope
from pipeline.resources import word_list

CUE_FILES = ("motive_cues.jsonl", "motive_causal_cues.jsonl")
MOTIVE_TYPES = frozenset({"purpose", "cause", "need", "threat", "benefit", "resistance"})
# Types whose weak cues also count outside sentences about an agreement when an actor holds them.
HELD_TYPES = frozenset({"need", "threat", "resistance"})
SCOPES = frozenset({"both", "motive", "causal"})
ARTICLE_SCOPES = frozenset({"both", "motive"})


# The stage's cue lexicon (extract/lexicons.py): the rows of CUE_FILES, the packaged ones unless the
# motives Stage is given others; cue_rows and the detectors are built once per lexicon.
@lru_cache(maxsize=1)
def packaged_lexicon() -> Lexicon:
    """The cue lexicon of pipeline/resources/ (one per process)."""
    return Lexicon()


def lexicon_of(cues: list[dict], causal_cues: list[dict] = ()) -> Lexicon:
    """A cue lexicon of these rows (motive_cues.jsonl, motive_causal_cues.jsonl)."""
    return Lexicon(dict(zip(CUE_FILES, (cues, causal_cues))))


CUES = Scope("motive cues", packaged_lexicon)


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


# A word of letters, or of letters joined by hyphens ("win-win"): the English tokenizer splits it at
# each hyphen (an infix between letters) and nowhere else (its prefix and suffix rules need a
# character other than a letter at the word's ends), unless the word or a part is one of its
# special cases ("cannot" -> can, not); no special case holds a hyphen between letters.
_PLAIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


@lru_cache(maxsize=1)
def _special_cases() -> dict[str, list[dict]]:
    return English.Defaults.tokenizer_exceptions


def word_lowers(word: str) -> list[str]:
    """The lowercase forms of the tokens spacy.blank("en") makes of one written word. A plain
    word (see _PLAIN_WORD) is split here, so that building the cue patterns does not build a
    blank English pipeline (about 0.2 s CPU in each process that parses); any other word goes
    to the tokenizer."""
    if _PLAIN_WORD.fullmatch(word):
        parts = word.split("-")
        special = _special_cases()
        if len(parts) == 1 and word in special:         # the tokens of the special case
            return [token[ORTH].lower() for token in special[word]]
        if not any(p in special for p in parts):
            out = [parts[0].lower()]
            for p in parts[1:]:
                out += ["-", p.lower()]
            return out
    return [t.lower_ for t in _tokenizer()(word)]


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
            pattern.extend({"LOWER": w} for w in word_lowers(word))
    if not pattern or all(p.get("OP") for p in pattern):
        raise ValueError(f"cue '{cue}' has no words")
    return pattern


@CUES.cached
def cue_rows() -> dict[str, dict]:
    """id -> lexicon row, over both cue files (ids are unique across them)."""
    rows: dict[str, dict] = {}
    for name in CUE_FILES:
        for row in CUES.active().rows(name):
            if row["id"] in rows:
                raise PipelineError("E050", name, f"cue id {row['id']} is used twice across the cue files")
            if not row.get("type") or not row.get("cue"):
                raise PipelineError("E050", name, f"{row['id']}: a cue row needs 'type' and 'cue'")
            if row.get("scope", "both") not in SCOPES:
                raise PipelineError("E050", name, f"{row['id']}: scope must be one of {sorted(SCOPES)}")
            rows[row["id"]] = row
    return rows


# Function words whose lemma is the word itself: a cue mixing them with <lemmas> can be matched
# on lemmas alone.
SAME_LEMMA = word_list("motive_words.jsonl", "same_lemma")
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
    """The matchers of the cue rows in `scopes` for a vocabulary (build once: see Detector)."""
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


class Detector:
    """The cue detector of some scopes: its matchers are compiled once, on the first doc seen
    (again only if a doc of another vocabulary comes)."""

    def __init__(self, scopes: frozenset[str] = SCOPES) -> None:
        self.scopes = scopes
        self._vocab: Vocab | None = None
        self._matchers: Matchers | None = None

    def matchers(self, vocab: Vocab) -> Matchers:
        if self._matchers is None or self._vocab is not vocab:
            self._vocab, self._matchers = vocab, matchers(vocab, self.scopes)
        return self._matchers

    def __call__(self, span: Doc | Span, arr: treematch.DocArrays | None = None) -> list[CueHit]:
        """Cue hits inside span (a Doc or a sentence Span), in text order, longest first at a tie.
        A token or dependency pattern runs only when its words are all in the span (they cost far
        more than the phrase matchers). arr: treematch.arrays(doc), when the caller has it."""
        doc = span if isinstance(span, Doc) else span.doc
        lo, hi = (0, len(doc)) if isinstance(span, Doc) else (span.start, span.end)
        m = self.matchers(doc.vocab)
        arr = arr or treematch.arrays(doc)
        window = doc[lo:hi]
        # (a PhraseMatcher gives doc offsets on a span, a Matcher offsets within the span)
        hits = [_token_hit(doc, doc.vocab.strings[key], start, end)
                for found in (m.lower(window), m.lemma(window)) for key, start, end in found]
        words = treematch.words_in(arr, lo, hi)
        for i in m.token_index.candidates(words):
            hits += [_token_hit(doc, doc.vocab.strings[key], lo + start, lo + end)
                     for key, start, end in m.tokens[i](window)]
        for i in m.dep_index.candidates(words):
            pattern = m.deps[i]
            hits += [_dep_hit(doc, pattern.key, ids) for ids in treematch.match(pattern, arr, lo, hi)]
        return sorted(set(hits), key=lambda h: (h.start, -(h.end - h.start), h.id))


@CUES.cached
def _detector(scopes: frozenset[str]) -> Detector:
    return Detector(scopes)


def detect(span: Doc | Span, scopes: frozenset[str] = SCOPES, arr: treematch.DocArrays | None = None) -> list[CueHit]:
    """Cue hits of the rows in `scopes` inside span (see Detector; a convenience for one-off calls
    and the bench: the Stage holds its own Detector)."""
    return _detector(scopes)(span, arr)


def is_causal(span: Doc | Span) -> bool:
    """True when the sentence states a cause-effect relation (any cue of any scope)."""
    return bool(detect(span))

