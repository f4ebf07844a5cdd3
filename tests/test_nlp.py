import pytest

from pipeline.extract.nlp import sentence_at, text_of


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


@pytest.mark.model
def test_nlp_text_of_is_doc_text_and_computed_once(nlp):
    doc = nlp("Oman and Qatar signed a port deal.\nIt enters into force in May.")
    assert text_of(doc) == doc.text
    doc.user_data["text"] = "seeded"        # the stored text is what later callers get
    assert text_of(doc) == "seeded"


@pytest.mark.model
def test_run_analyse_seeds_the_text_from_its_article(nlp, settings):
    from pipeline.records import Article
    from pipeline.extract import analyse
    text = "Oman and Qatar signed a port deal on 3 May 2024."
    doc = nlp(text)
    ex = analyse(Article(article_id="a1", source_path="a1.txt", text=text), doc, settings)
    assert doc.user_data["text"] == text and ex.sentences[0].text == text
