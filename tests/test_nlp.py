import pytest

from pipeline.nlp import sentence_at


@pytest.mark.model
@pytest.mark.parametrize("text,expected", [
    ("Published: May 2, 2021 10:15\nJapan and Chile signed a pact. It took effect at once.",
     ["Published: May 2, 2021 10:15", "Japan and Chile signed a pact.", "It took effect at once."]),
    ("Pact signed\nThe accord was signed by the ministers of both countries on Friday",
     ["Pact signed", "The accord was signed by the ministers of both countries on Friday"]),
])
def test_nlp_line_breaks_start_sentences(parse, text, expected):
    doc, sents = parse(text)
    assert [s.text for s in sents] == expected
    assert all(text[s.start:s.end] == s.text for s in sents)


@pytest.mark.model
@pytest.mark.parametrize("text,char,n", [("One sentence here. Another one there.", 20, 1), ("One. Two.", 3, 0)])
def test_nlp_sentence_at(parse, text, char, n):
    _, sents = parse(text)
    assert sentence_at(sents, char).n == n
