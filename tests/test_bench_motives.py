"""bench motives: Causal News Corpus scoring of motives.is_causal, floors and output.

The sentences in the small data files are our own."""
from __future__ import annotations

import argparse
import json

import pytest

from evaluation import floors as floors_mod

from evaluation import bench_motives
from pipeline.errors import PipelineError

OWN_ROWS = [
    {"id": "a", "text": "The strike was called because wages had not been paid for months.", "label": 1},
    {"id": "b", "text": "Police arrested ten people after the clashes in the market.", "label": 1},
    {"id": "c", "text": "The union leader is a former bus driver.", "label": 0},
    {"id": "d", "text": "The meeting is on Friday in the town hall.", "label": 0},
]


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def args_for(data, floors=None, as_json=True):
    return argparse.Namespace(data=str(data) if data else None, json=as_json,
                              floors=str(floors) if floors else None, config=None)


@pytest.mark.parametrize("gold, pred, expected", [
    ([1, 1, 0, 0], [True, False, True, False], {"p": 0.5, "r": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}),
    ([1, 0], [False, False], {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 1}),
    ([1, 1, 0], [True, True, False], {"p": 1.0, "r": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0}),
])
def test_bench_motives_prf_counts_and_ratios(gold, pred, expected):
    assert bench_motives.prf(gold, pred) == expected


@pytest.mark.parametrize("line", ['{"id": "x", "text": "no label"}', '{"id": "x", "label": 1}', "not json"])
def test_bench_motives_load_rows_rejects_bad_rows(tmp_path, line):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(PipelineError) as e:
        bench_motives.load_rows(path)
    assert e.value.code == "E040"


@pytest.mark.parametrize("floors, problems", [
    ({"f1": 0.5}, 0),
    ({"f1": 0.9, "p": 0.1}, 1),
    ({"recall": 0.1}, 1),
])
def test_bench_motives_check_floors_names_each_problem(floors, problems):
    res = {"p": 0.7, "r": 0.8, "f1": 0.75}
    assert len(floors_mod.check_floors(res, floors)) == problems


@pytest.mark.parametrize("missing", [None])
def test_bench_motives_main_needs_data(missing):
    with pytest.raises(PipelineError):
        bench_motives.main(args_for(missing))


@pytest.mark.model
@pytest.mark.parametrize("floor, exit_code", [(0.1, 0), (1.01, 1)])
def test_bench_motives_main_prints_figures_and_checks_floors(tmp_path, capsys, floor, exit_code):
    data = write_rows(tmp_path / "own.jsonl", OWN_ROWS)
    floors = tmp_path / "floors.toml"
    floors.write_text(f"[causal]\nf1 = {floor}\n", encoding="utf-8")
    assert bench_motives.main(args_for(data, floors)) == exit_code
    res = json.loads(capsys.readouterr().out)
    assert res["sentences"] == 4 and res["causal"] == 2
    assert res["tp"] + res["fn"] == 2 and res["sentences_per_second"] > 0
    assert 0.0 <= res["f1"] <= 1.0


@pytest.mark.model
@pytest.mark.parametrize("rows", [OWN_ROWS])
def test_bench_motives_text_report_names_precision_recall_and_speed(tmp_path, capsys, rows):
    data = write_rows(tmp_path / "own.jsonl", rows)
    assert bench_motives.main(args_for(data, as_json=False)) == 0
    out = capsys.readouterr().out
    for word in ("P ", "R ", "F1 ", "sentences/s"):
        assert word in out


@pytest.mark.parametrize("text, causal", [
    ("The match was called off because of rain.", True),
    ("Prices fell after the harvest came in.", True),
    ("The minister is a former teacher.", False),
])
def test_bench_motives_baseline_cue_list(text, causal):
    assert bool(bench_motives.BASELINE_CUES.search(text)) is causal
