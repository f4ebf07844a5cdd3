"""NLP: load the spaCy model once per process; sentences with exact offsets.

A line break in the cleaned text always starts a new sentence (headlines, bylines and
paragraphs never run into each other).
"""
from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import PipelineError
from pipeline.records import Sentence


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    line_start = True
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            if tok.i:
                tok.is_sent_start = False
            line_start = True
            continue
        if line_start:
            tok.is_sent_start = True
            # The parser tends to open a spurious sentence right after a forced start
            # ("Japan | and Chile signed ..."); a sentence is never one word without punctuation.
            if tok.i + 1 < len(doc) and not doc[tok.i + 1].is_punct and not doc[tok.i + 1].is_space:
                doc[tok.i + 1].is_sent_start = False
        elif "\n" in tok.whitespace_ and tok.i + 1 < len(doc):
            doc[tok.i + 1].is_sent_start = True
        line_start = False
    return doc


@lru_cache(maxsize=4)
def load_model(name: str) -> Language:
    """Load a spaCy pipeline by package name or path, with our sentence-boundary rule."""
    try:
        try:
            nlp = spacy.load(name)
        except OSError:
            nlp = importlib.import_module(name).load()  # packages installed without a spaCy link
    except (OSError, ImportError) as e:
        raise PipelineError("E023", name, f"spaCy model '{name}' is not installed ({e})")
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("line_break_sentences", before="parser")
    elif "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def parsing_model(name: str) -> Language:
    """load_model(name) as the run parses with it: its attribute_ruler matched by array operations
    (extract/attrmatch.py: the same token attributes in a sixth of the time), set once on the
    process's model. The scale bench's raw nlp.pipe loads with load_model alone: the model as
    spaCy ships it."""
    from pipeline.extract import attrmatch
    nlp = load_model(name)
    attrmatch.speed_up(nlp)
    return nlp


def text_of(doc: Doc) -> str:
    """doc.text, computed once per Doc: spaCy rebuilds it from every token on each access,
    which cost each stage that asked for it about 2 ms per article."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def sentences(doc: Doc, article_id: str) -> list[Sentence]:
    """Sentences of doc with whitespace trimmed; offsets index the text doc was made from."""
    text = text_of(doc)
    out: list[Sentence] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append(Sentence(article_id, len(out), start, end, text[start:end]))
    return out


def sentence_at(sents: list[Sentence], char: int) -> Sentence | None:
    """The sentence containing character offset char (binary search)."""
    lo, hi = 0, len(sents) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = sents[mid]
        if char < s.start:
            hi = mid - 1
        elif char >= s.end:
            lo = mid + 1
        else:
            return s
    return None
