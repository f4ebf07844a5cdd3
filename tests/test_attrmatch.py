"""extract/attrmatch.py: the attribute_ruler's matching by array operations gives spaCy's matches."""
from __future__ import annotations

import pytest
import spacy

from pipeline.extract import attrmatch

TEXTS = [
    "The two ministers said on Tuesday that they had signed the accord because it was needed.",
    "Y'all ain't seen nothin' yet, she's gonna say, and let's not forget it: they gotta sign.",
    "It was there.  There are   two spaces\n\nand a blank line; I'd have done it, wouldn't you?",
    "Whether or not the pact holds, nobody is sure what it does to us or to them.",
    "",
    "Ok",
]


@pytest.mark.model
@pytest.mark.parametrize("text", TEXTS)
def test_fast_matches_equal_spacy_matches(nlp, text):
    ruler = nlp.get_pipe("attribute_ruler")
    fast = attrmatch.FastAttributeMatch(ruler)
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if nlp.pipe_names.index(n) >= nlp.pipe_names.index(
            "attribute_ruler")]):
        doc = nlp(text)
    assert fast(doc) == type(ruler).match(ruler, doc)


@pytest.mark.model
def test_parsing_model_gives_the_same_token_attributes(settings):
    from pipeline.extract.nlp import load_model, parsing_model
    name = settings["model"]["name"]
    plain = load_model.__wrapped__(name)        # a model of its own, as spaCy ships it
    model = parsing_model(name)
    assert "match" in model.get_pipe("attribute_ruler").__dict__
    assert "match" not in plain.get_pipe("attribute_ruler").__dict__
    for doc_a, doc_b in zip(plain.pipe(TEXTS), model.pipe(TEXTS)):
        assert [(t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_) for t in doc_a] == \
               [(t.pos_, t.tag_, t.lemma_, str(t.morph), t.dep_) for t in doc_b]


def _ruler(patterns):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp, ruler


def test_blank_ruler_rules_by_arrays():
    nlp, ruler = _ruler([
        {"patterns": [[{"LOWER": "went"}]], "attrs": {"LEMMA": "go"}},
        {"patterns": [[{"LOWER": {"IN": ["red", "blue"]}}, {"IS_SPACE": False, "TEXT": {"REGEX": "^[a-z]+$"}}]],
         "attrs": {"POS": "ADJ"}, "index": 0},
        {"patterns": [[{"ORTH": {"NOT_IN": ["the", "a"]}}]], "attrs": {"NORM": "x"}},
    ])
    assert attrmatch.speed_up(nlp) == ["attribute_ruler"]
    doc = nlp.make_doc("The red car went on, a Blue one went: blue cars.")
    assert ruler.match(doc) == type(ruler).match(ruler, doc)
    assert ruler(doc)[1].pos_ == "ADJ" and doc[3].lemma_ == "go"


def test_ruler_with_an_operator_keeps_spacys_matcher():
    nlp, ruler = _ruler([{"patterns": [[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]], "attrs": {"POS": "ADJ"}}])
    assert attrmatch.speed_up(nlp) == []
    assert "match" not in ruler.__dict__


def test_rules_added_later_fall_back_to_spacy():
    nlp, ruler = _ruler([{"patterns": [[{"LOWER": "up"}]], "attrs": {"POS": "ADP"}}])
    attrmatch.speed_up(nlp)
    ruler.add([[{"LOWER": "down", "OP": "?"}]], {"POS": "ADV"})
    doc = nlp.make_doc("up and down")
    assert ruler.match(doc) == type(ruler).match(ruler, doc)
