"""A stage built on a lexicon of its own (extract/lexicons.py): the agreements stage on a small test
catalogue, the motives stage on a small cue lexicon, both written in our own words; and the
packaged lexicons stay the ones active outside a stage's call."""
from __future__ import annotations

import pytest

from pipeline.extract import actors, agreements, dates, motives
from pipeline.extract.lexicons import Lexicon, Scope
from pipeline.records import Article, Extraction

TEXT = ("Norway and Iceland signed the Lantern Ferry Compact in Reykjavik on Tuesday, "
        "wishing thereby to cut fares on the crossing.")
COMPACT = {"id": "TEST-LFC", "name": "Lantern Ferry Compact", "acronym": "LFC", "kind": "trade",
           "aliases": ["lantern ferry compact"], "parties": ["Norway", "Iceland"]}
CUE = {"id": "TEST-MC1", "type": "purpose", "cue": "wishing thereby to"}


def test_lexicons_a_scope_reads_the_lexicon_in_use_and_builds_once_per_lexicon(tmp_path):
    (tmp_path / "words.jsonl").write_text('{"id": "w1", "word": "quay"}\n', encoding="utf-8")
    packaged = Lexicon(folder=tmp_path)
    scope = Scope("test words", lambda: packaged)
    built = []

    @scope.cached
    def words() -> tuple[str, ...]:
        built.append(1)
        return tuple(row.get("word", "") for row in scope.active().rows("words.jsonl"))

    assert words() == words() == ("quay",)
    own = Lexicon({"words.jsonl": [{"id": "w2", "word": "pier"}]})
    with scope.using(own):
        assert words() == ("pier",)
    assert words() == ("quay",) and len(built) == 2


def _run(stages_, text: str, doc, sents):
    ex = Extraction(article=Article("t", "t.txt", text), sentences=sents)
    for stage in stages_:
        ex.put(stage.name, stage(doc, sents, ex))
    return ex


@pytest.mark.model
def test_lexicons_agreements_and_motives_stages_run_on_a_test_catalogue(parse, settings):
    doc, sents = parse(TEXT)
    own = (actors.Stage({}), dates.Stage({}),
           agreements.Stage(settings["agreements"], lexicon=agreements.lexicon_of(catalogue=[COMPACT])),
           motives.Stage({}, lexicon=motives.lexicon_of([CUE])))
    ex = _run(own, TEXT, doc, sents)
    assert [(a.name, a.acronym) for a in ex.agreements] == [("Lantern Ferry Compact", "LFC")]
    assert "TEST-LFC" in ex.agreements[0].why
    assert [(m.cue, m.why) for m in ex.motives] == [("wishing thereby to", ["TEST-MC1"])]
    # the packaged lexicons know neither, and are the ones in use outside the stages' calls
    packaged = _run((actors.Stage({}), dates.Stage({}), agreements.Stage(settings["agreements"]), motives.Stage({})), TEXT, doc, sents)
    assert not any("TEST-LFC" in a.why for a in packaged.agreements)
    assert not any("TEST-MC1" in m.why for m in packaged.motives)
    assert "TEST-LFC" not in {row["id"] for row in agreements.catalogue()}
    assert "TEST-MC1" not in motives.cue_rows()
