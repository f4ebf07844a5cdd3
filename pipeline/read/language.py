"""Language of a cleaned text: py3langid's naive-Bayes identifier (97 languages, normalised
probabilities), loaded once per process and only when a text is first judged (a cached re-run
never loads it).

A text is English when the identifier gives English a probability of at least
[language] min_english_probability; otherwise its language is the identifier's best guess.
The threshold, the sample size and the choice of py3langid over lingua-language-detector were
measured with `python -m pipeline bench language` (README, Quality).

A shortcut skips the identifier when a cheap count is conclusive (clearly_english): a sample of
at least [language] shortcut_words words, of ASCII letters, of which at least shortcut_share are
English function words (resources/english_markers.jsonl). On every text we have (dev, train,
held-out and sample corpora, the synthetic corpus, the article-body benchmark's pages, bodies and
windows, the snippets) py3langid gave each text the shortcut passes p(en) >= 0.986, and the
shortcut is taken only while the threshold is at most SHORTCUT_STANDS_FOR; Latin-script texts
py3langid calls not English reached a share of 0.10 at most. So verdicts do not change; an
English run seldom loads the identifier at all (about a second of start-up, ~2 ms an article).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.errors import PipelineError

WORD = re.compile(r"[^\W\d_]")
TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
NOT_ASCII_LETTER = re.compile(r"[^\W\d_A-Za-z]")
SHORTCUT_STANDS_FOR = 0.5   # the shortcut's "English" stands for p(en) >= this (see the docstring)
SHORTCUT_ASCII = 0.98       # the share of the sample's letters that must be ASCII
_MARKERS = "english_markers.jsonl"


@lru_cache(maxsize=1)
def _markers() -> frozenset[str]:
    from pipeline.resources import load_jsonl
    return frozenset(w for row in load_jsonl(_MARKERS) for w in row["words"])


def clearly_english(sample_text: str, min_words: int, min_share: float) -> bool:
    """True when sample_text has at least min_words words, its letters are ASCII (at least
    SHORTCUT_ASCII of them) and at least min_share of its words are English function words:
    then the identifier would call it English (module docstring). min_words 0 turns it off."""
    if min_words <= 0:
        return False
    words = TOKEN.findall(sample_text)
    if len(words) < min_words:
        return False
    others = len(NOT_ASCII_LETTER.findall(sample_text))
    if others and others > (1 - SHORTCUT_ASCII) * (others + sum(map(len, words))):
        return False
    markers = _markers()
    return sum(1 for w in words if w.lower() in markers) >= min_share * len(words)


@lru_cache(maxsize=1)
def _identifier():
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError as e:
        raise PipelineError("E017", "py3langid", f"the language identifier cannot be imported ({e})")
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def sample(text: str, chars: int) -> str:
    """The text itself when it is at most `chars` long, else its start, middle and end (a third
    of `chars` each, cut at spaces): the identifier's cost grows with the length, its verdict on
    an article does not need all of it."""
    if chars <= 0 or len(text) <= chars:
        return text
    third = chars // 3
    mid = len(text) // 2 - third // 2

    def piece(start: int) -> str:
        if start == 0:
            return text[:third]
        s = text.find(" ", start)
        s = start if s < 0 or s > start + 40 else s + 1
        return text[s:s + third]
    return "\n".join((piece(0), piece(mid), piece(len(text) - third)))


def probabilities(text: str) -> list[tuple[str, float]]:
    """(ISO 639-1 code, probability) for every language the identifier knows, best first."""
    return [(lang, float(p)) for lang, p in _identifier().rank(text)]


def detect_language(text: str, settings: dict, defer: bool = False) -> str | None:
    """'en' for English; otherwise the most likely other language ('und' when the text has no letters).
    defer: None instead of asking the identifier, when the cheap checks (no letters, the English
    shortcut) do not settle the text: the run then has it judged where the article is parsed
    (read/clean.Unjudged), so the process that only reads never loads the identifier."""
    if not WORD.search(text):
        return "und"
    c = settings["language"]
    part = sample(text, int(c["sample_chars"]))
    if float(c["min_english_probability"]) <= SHORTCUT_STANDS_FOR and clearly_english(
            part, int(c["shortcut_words"]), float(c["shortcut_share"])):
        return "en"
    if defer:
        return None
    ranked = probabilities(part)
    english = dict(ranked).get("en", 0.0)
    if english >= float(c["min_english_probability"]):
        return "en"
    return next(lang for lang, _p in ranked if lang != "en")
