"""Language of a cleaned text: py3langid's naive-Bayes identifier (97 languages, normalised
probabilities), loaded once per process and only when a text is first judged (a cached re-run
never loads it).

A text is English when the identifier gives English a probability of at least
[language] min_english_probability; otherwise its language is the identifier's best guess.
The threshold, the sample size and the choice of py3langid over lingua-language-detector were
measured with `python -m pipeline bench language` (README, Quality).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.errors import PipelineError

WORD = re.compile(r"[^\W\d_]")


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


def detect_language(text: str, settings: dict) -> str:
    """'en' for English; otherwise the most likely other language ('und' when the text has no letters)."""
    if not WORD.search(text):
        return "und"
    c = settings["language"]
    ranked = probabilities(sample(text, int(c["sample_chars"])))
    english = dict(ranked).get("en", 0.0)
    if english >= float(c["min_english_probability"]):
        return "en"
    return next(lang for lang, _p in ranked if lang != "en")
