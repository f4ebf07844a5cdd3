import csv
import importlib.util
import json

import pytest

from evaluation.evaluate import flat, match, score, sim_actor, sim_agreement
from evaluation.floors import check_floors

GOLD = [{
    "article_id": "a1", "published": "2024-05-03",
    "agreements": [{"name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA",
                    "parties": ["Japan", "Chile"], "status": "signed", "date": None, "evidence": []}],
    "actors": [{"name": "Japan", "type": "state"}, {"name": "Chile", "type": "state"},
               {"name": "Ana Ruiz", "type": "person"}],
    "dates": [{"text": "Friday", "value": "2024-05-03"}, {"text": "last week", "value": "2024-W17"}],
    "motives": [{"agreement": "ACSA", "actor": None, "text": "to ease the supply of fuel during joint drills"}],
}]
TABLES = {
    "articles": [{"article_id": "a1", "published": "2024-05-03"}],
    "agreements": [{"article_id": "a1", "name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA",
                    "parties": "Chile; Japan", "status": "signed"},
                   {"article_id": "a1", "name": "Memorandum of Understanding", "acronym": "", "parties": "", "status": "proposed"}],
    "actors": [{"article_id": "a1", "name": "Japan", "type": "state"}, {"article_id": "a1", "name": "U.S.", "type": "state"},
               {"article_id": "a1", "name": "Ruiz", "type": "person"}],
    "dates": [{"article_id": "a1", "text": "Friday", "value": "2024-05-03"}, {"article_id": "a1", "text": "last week", "value": "2024-W16"}],
    "motives": [{"article_id": "a1", "text": "The pact is meant to ease the supply of fuel during joint drills."}],
}


def _write(folder):
    for name, rows in TABLES.items():
        cols = sorted({k for r in rows for k in r})
        with open(folder / f"{name}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)


@pytest.mark.parametrize("field,expected", [
    ("agreements", {"tp": 1, "fp": 1, "fn": 0}), ("parties", {"tp": 2, "fp": 0, "fn": 0}),
    ("actors", {"tp": 2, "fp": 1, "fn": 1}), ("states", {"tp": 1, "fp": 1, "fn": 1}),
    ("dates_span", {"tp": 2, "fp": 0, "fn": 0}), ("dates_value", {"tp": 1, "fp": 1, "fn": 1}),
    ("motives", {"tp": 1, "fp": 0, "fn": 0}),
])
def test_evaluate_counts_by_field(tmp_path, field, expected):
    _write(tmp_path)
    res = score(tmp_path, GOLD)
    assert {k: res[field][k] for k in expected} == expected
    assert res["status_acc"] == 1.0 and res["published_acc"] == 1.0


@pytest.mark.parametrize("preds,golds,pairs", [
    ([{"name": "ACSA", "acronym": "ACSA", "parties": "Japan; Chile"}, {"name": "ACSA", "acronym": "ACSA", "parties": "Japan; Peru"}],
     [{"name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA", "parties": ["Japan", "Peru"]}], [(1, 0)]),
])
def test_evaluate_parties_break_ties_between_instances(preds, golds, pairs):
    assert match(preds, golds, sim_agreement, 0.5) == pairs


@pytest.mark.parametrize("a,b,sim", [("Roe", "Jane Roe", 0.8), ("the U.S.", "United States", 1.0), ("Japan", "China", 0.0)])
def test_evaluate_actor_similarity(a, b, sim):
    assert sim_actor(a, b) == sim


@pytest.mark.parametrize("floors,n_problems", [({"agreements_f1": 0.5}, 0), ({"agreements_f1": 0.9}, 1), ({"nosuch": 0.1}, 1)])
def test_evaluate_floors(tmp_path, floors, n_problems):
    _write(tmp_path)
    assert len(check_floors(flat(score(tmp_path, GOLD)), floors)) == n_problems


@pytest.mark.model
def test_evaluate_agrees_with_the_shared_scorer(tmp_path, shared_dir, settings):
    from pipeline.run import run
    gold_path = shared_dir / "gold" / "dev.jsonl"
    run(shared_dir / "corpus" / "dev", tmp_path, settings)
    spec = importlib.util.spec_from_file_location("shared_score", shared_dir / "tools" / "score.py")
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        shared.main(["score.py", str(tmp_path), str(gold_path), "--json"])
    theirs = json.loads(buf.getvalue())
    ours = score(tmp_path, [json.loads(line) for line in open(gold_path) if line.strip()])
    for key in ("agreements", "parties", "actors", "states", "dates_span", "dates_value", "motives"):
        assert ours[key]["f1"] == pytest.approx(theirs[key]["f1"], abs=0.0015), key
    for key in ("status_acc", "published_acc", "macro_f1"):
        assert ours[key] == pytest.approx(theirs[key], abs=0.0015), key
