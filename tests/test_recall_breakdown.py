"""evaluation/recall_breakdown.py: each missed gold agreement and each unpaired row in one class.
The rows and gold below are made up for these tests."""
from __future__ import annotations

import importlib.util

import pytest

from evaluation.recall_breakdown import classify, evidence_sentences


@pytest.fixture
def score(shared_dir):
    spec = importlib.util.spec_from_file_location("shared_score_breakdown", shared_dir / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(name, parties, ns, gated=False):
    return {"name": name, "acronym": "", "parties": "; ".join(parties), "sentence_ns": ns, "gated": gated}


GOLD = [{"name": "Harbour Shield Agreement", "parties": ["Norway", "Chile"]},
        {"name": "Peru-Ecuador Fisheries Accord", "parties": ["Peru", "Ecuador"]}]


def test_breakdown_evidence_found_by_containment_or_most_words():
    sents = [(0, "Norway and Chile signed the pact on Monday."), (1, "Peru and Ecuador talked about fish.")]
    assert evidence_sentences(sents, ["signed the pact"]) == {0}
    assert evidence_sentences(sents, ["Peru and Ecuador talked fish"]) == {1}
    assert evidence_sentences(sents, ["nothing of this is written"]) == set()


@pytest.mark.parametrize("kept, dropped, folded, unplaced, mentions, expected", [
    # the second gold agreement has a row in its sentence whose name does not pair: d_name
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0]), _row("Trade Agreement", ["Peru", "Ecuador"], [3])],
     [], [], [], {3: {"generic"}}, "d_name"),
    # its sentence went into the first row, through consolidation: c_cons; at placing: c_place
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0, 3])], [], [{3}], [], {3: {"generic"}}, "c_cons"),
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0, 3])], [], [], [], {3: {"generic"}}, "c_place"),
    # the gate dropped a row there
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0])], [_row("Agreement", ["Peru"], [3], True)], [], [],
     {3: {"generic"}}, "b_gate"),
    # an instance made no row; only a reference; nothing at all
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0])], [], [], [{3}], {3: {"generic"}}, "b_rule"),
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0])], [], [], [], {3: {"anaphor"}}, "b_ref_only"),
    ([_row("Harbour Shield Agreement", ["Norway", "Chile"], [0])], [], [], [], {}, "a_none"),
])
def test_breakdown_classifies_the_missed_agreement(score, kept, dropped, folded, unplaced, mentions, expected):
    miss, _rows, details = classify(GOLD, kept, dropped, folded, unplaced, mentions, [{0}, {3}], score)
    assert miss["tp"] == 1
    assert [d["class"] for d in details if d["kind"] == "missed"] == [expected]


def test_breakdown_classifies_unpaired_rows(score):
    kept = [_row("Harbour Shield Agreement", ["Norway", "Chile"], [0]),
            _row("Naval Patrol Arrangement", ["Norway", "Chile"], [0], gated=True),
            _row("Grain Deal", ["Brazil", "Argentina"], [7])]
    miss, rows, _ = classify(GOLD[:1], kept, [], [], [], {}, [{0}], score)
    assert miss == {"tp": 1}
    assert rows == {"dup_of_matched": 1, "no_gold_there": 1, "src_gated": 1, "src_rules": 1}
