"""Extract: the NLP stages that turn a parsed Article into an Extraction (pure: no I/O).

The stage order is declared here, in one place: each stage reads the Doc, its sentences and the
findings of the stages before it.
"""
from __future__ import annotations

from pipeline.records import Article, Extraction


def analyse(article: Article, doc, settings: dict) -> Extraction:
    """All extractors over one parsed article (pure: no I/O)."""
    from pipeline.extract import (  # spaCy only when parsing
        actors,
        agreements,
        calibration,
        dates,
        motives,
        nlp,
    )
    doc.user_data.setdefault("text", article.text)  # doc was made from it (nlp.text_of)
    sents = nlp.sentences(doc, article.article_id)
    ex = Extraction(article=article, sentences=sents)
    anchor = article.published if settings["dates"]["use_published_anchor"] else ""
    ex.actors = actors.extract(doc, sents, author=article.author)
    ex.dates = dates.extract(doc, sents, anchor)
    ex.agreements = agreements.extract(doc, sents, ex.actors, ex.dates, settings)
    ex.motives = motives.extract(doc, sents, ex.agreements, ex.actors)
    # last: the raw agreement score becomes a calibrated probability (motives rank by the raw score)
    ex.agreements = calibration.Stage(settings["calibration"])(doc, sents, ex)
    return ex

