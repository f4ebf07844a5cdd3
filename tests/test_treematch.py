"""treematch: dependency patterns walked over the parse give exactly spaCy's DependencyMatcher
matches, and patterns outside the supported subset are refused. Sentences written for these tests."""
from __future__ import annotations

import pytest
import spacy
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc

from pipeline.extract import motives, treematch

# verb -> its direct object, and the object's determiner
VERB_OBJECT = [
    {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": "VERB", "LEMMA": {"NOT_IN": ["be"]}}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "obj", "RIGHT_ATTRS": {"DEP": "dobj"}},
    {"LEFT_ID": "obj", "REL_OP": ">", "RIGHT_ID": "det", "RIGHT_ATTRS": {"LOWER": {"IN": ["the", "a"]}}},
]


def hand_doc() -> Doc:
    """'Ministers signed the pact quickly' with a hand-made parse."""
    words = ["Ministers", "signed", "the", "pact", "quickly"]
    return Doc(spacy.blank("en").vocab, words=words, heads=[1, 1, 3, 1, 1], deps=["nsubj", "ROOT", "det", "dobj", "advmod"],
               pos=["NOUN", "VERB", "DET", "NOUN", "ADV"], lemmas=["minister", "sign", "the", "pact", "quickly"])


def spacy_matches(doc: Doc, key: str, pattern: list[dict]) -> set[tuple[int, ...]]:
    matcher = DependencyMatcher(doc.vocab)
    matcher.add(key, [pattern])
    return {tuple(ids) for _key, ids in matcher(doc)}


@pytest.mark.parametrize("pattern, expected", [
    (VERB_OBJECT, {(1, 3, 2)}),
    (VERB_OBJECT[:2], {(1, 3)}),
    ([{"RIGHT_ID": "n", "RIGHT_ATTRS": {"POS": {"IN": ["NOUN"]}, "LENGTH": {">=": 5}}}], {(0,)}),
    ([{"RIGHT_ID": "n", "RIGHT_ATTRS": {"IS_TITLE": True}}], {(0,)}),
    ([{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "sign"}},
      {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "x", "RIGHT_ATTRS": {}}], {(1, 0), (1, 3), (1, 4)}),
])
def test_treematch_match_on_a_hand_built_doc(pattern, expected):
    doc = hand_doc()
    found = {tuple(ids) for ids in treematch.match(treematch.compile("p", pattern), treematch.arrays(doc), 0, len(doc))}
    assert found == expected == spacy_matches(doc, "p", pattern)


@pytest.mark.parametrize("lo, hi, expected", [(0, 5, 1), (0, 3, 0), (1, 5, 1)])
def test_treematch_match_stays_inside_the_window(lo, hi, expected):
    doc = hand_doc()
    assert len(treematch.match(treematch.compile("p", VERB_OBJECT), treematch.arrays(doc), lo, hi)) == expected


@pytest.mark.parametrize("pattern", [
    [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LEMMA": "sign"}},
     {"LEFT_ID": "a", "REL_OP": ">>", "RIGHT_ID": "b", "RIGHT_ATTRS": {}}],          # operator not supported
    [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ENT_TYPE": "GPE"}}],                          # attribute not supported
    [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LEMMA": {"REGEX": "^sign"}}}],                # predicate not supported
    [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERBISH"}}],                           # unknown POS
    [{"RIGHT_ID": "a", "RIGHT_ATTRS": {}}, {"LEFT_ID": "z", "REL_OP": ">", "RIGHT_ID": "b", "RIGHT_ATTRS": {}}],
])
def test_treematch_compile_refuses_what_it_cannot_match(pattern):
    with pytest.raises(ValueError):
        treematch.compile("p", pattern)


@pytest.mark.parametrize("specs, n_needs", [
    ([{"LOWER": "to"}, {"POS": "ADV", "OP": "*"}, {"LEMMA": "deter"}], 2),
    ([{"LOWER": "for"}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["gain", "prize"]}, "OP": "?"}], 1),
    ([{"TAG": "VB", "DEP": "advcl"}], 0),
])
def test_treematch_word_needs_skip_optional_tokens(specs, n_needs):
    assert len(treematch.word_needs(specs)) == n_needs


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "The two navies signed the accord to deter incursions near the strait, officials said.",
    "Seoul suspended the pact after Tokyo tightened export controls because of the dispute.",
    "The deal will allow both coast guards to share radar data, which could ease tension.",
    "Lawmakers refused to ratify the treaty unless the government published its annexes.",
    "What the islanders want from the agreement is a seat at the table, and they hope it will last.",
])
def test_treematch_gives_the_dependency_matcher_matches_for_every_cue_pattern(nlp, text):
    doc = nlp(text)
    arr = treematch.arrays(doc)
    for rid, row in motives.cue_rows().items():
        if "dep_pattern" in row:
            ours = {tuple(ids) for ids in treematch.match(treematch.compile(rid, row["dep_pattern"]), arr, 0, len(doc))}
            assert ours == spacy_matches(doc, rid, row["dep_pattern"]), rid
