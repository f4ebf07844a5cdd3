"""Extract: the NLP stages that turn a parsed Article into an Extraction (pure: no I/O).

Every stage has one interface: a class `Stage` in its module, built once per process from its own
slice of the settings (`settings[<stage name>]`, empty when the stage has none), holding its
matchers as instance state, and called as `stage(doc, sents, upstream)`, where upstream is the
Extraction so far (the article and what the stages before it found). It returns the findings for
the Extraction field of its name.
A stage whose matchers come from data files also takes that data as a keyword, for tests and
other catalogues: actors.Stage(config, gazetteer=...), dates.Stage(config, classifier=...),
agreements.Stage(config, lexicon=...), motives.Stage(config, lexicon=..., classifier=...)
(extract/lexicons.py: the lexicon a stage holds is the one its rules read while it runs).

The stage order is declared here, in one place: adding an extractor is a module in extract/ with
a `Stage` (and its findings' record), its table's Schema in schemas.py, and one name in
STAGE_ORDER. Its findings go to Extraction.extra[<name>] (the four first stages have fields of
their own) and its rows are made by write/tables.finding_rows from the schema.
"""
from __future__ import annotations

import importlib
import json
from functools import lru_cache
from typing import Protocol

from pipeline.records import Article, Extraction, Sentence

STAGE_ORDER = ("actors", "dates", "agreements", "motives", "calibration")
# calibration comes last: it turns the agreements' raw score into a calibrated probability (its
# Stage fills the agreements field again), and the motive stage ranks agreements by the raw score


class Stage(Protocol):
    """What every extraction stage provides (see the module docstring)."""

    name: str

    def __init__(self, config: dict) -> None: ...

    def __call__(self, doc, sents: list[Sentence], upstream: Extraction) -> list: ...


@lru_cache(maxsize=4)
def _stages(settings_json: str, order: tuple) -> tuple[Stage, ...]:
    settings = json.loads(settings_json)
    out = []
    for item in order:
        cls = importlib.import_module(f"pipeline.extract.{item}").Stage if isinstance(item, str) else item
        out.append(cls(settings.get(item if isinstance(item, str) else cls.name, {})))
    return tuple(out)


def build_stages(settings: dict, order: tuple | None = None) -> tuple[Stage, ...]:
    """The stages in order, built once per process for these settings (keyed by their JSON
    text: a caller analysing many articles with the same settings takes them once, e.g. once
    per chunk, and passes them to analyse). order: STAGE_ORDER unless given; an item is the name
    of a module of pipeline/extract/ or a Stage class of its own (a plug-in, a test)."""
    return _stages(json.dumps(settings, sort_keys=True), tuple(STAGE_ORDER if order is None else order))


def analyse(article: Article, doc, settings: dict, stages: tuple[Stage, ...] | None = None) -> Extraction:
    """All extractors over one parsed article (pure: no I/O). stages: build_stages(settings),
    when the caller already has them."""
    from pipeline.extract import nlp  # spaCy only when parsing
    doc.user_data.setdefault("text", article.text)  # doc was made from it (nlp.text_of)
    sents = nlp.sentences(doc, article.article_id)
    ex = Extraction(article=article, sentences=sents)
    for stage in stages if stages is not None else build_stages(settings):
        ex.put(stage.name, stage(doc, sents, ex))
    return ex
