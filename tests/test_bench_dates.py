"""TempEval-3 bench of the date stage: floors, views, and one end-to-end run on a tiny data set
written for this test (scored with the shared scorer copied beside it)."""
from __future__ import annotations

import json
import shutil
from argparse import Namespace

import pytest

from evaluation import floors as floors_mod

from evaluation import bench_dates
from pipeline.extract import dates
from pipeline.errors import PipelineError

RES = {"value_f1": 0.80, "calendar_value_f1": 0.75, "strict_f1": 0.85}


@pytest.mark.parametrize("floors, problems", [
    ({"value_f1": 0.78}, 0),
    ({"value_f1": 0.81}, 1),
    ({"value_f1": 0.78, "calendar_value_f1": 0.76}, 1),
    ({"no_such_figure": 0.1}, 1),
])
def test_bench_dates_check_floors(floors, problems):
    assert len(floors_mod.check_floors(RES, floors)) == problems


@pytest.mark.parametrize("toml, expected", [
    ("[temporal]\nvalue_f1 = 0.78\n", {"value_f1": 0.78}),
    ("[dev]\nagreements_f1 = 0.6\n", {}),
])
def test_bench_dates_read_floors(tmp_path, toml, expected):
    path = tmp_path / "floors.toml"
    path.write_text(toml)
    assert floors_mod.read_floors(str(path), "temporal") == expected


@pytest.mark.parametrize("types, kept", [(["DATE", "DURATION", "TIME", "SET"], ["DATE", "TIME"])])
def test_bench_dates_calendar_gold_keeps_calendar_types(types, kept):
    gold = {"d": {"id": "d", "timexes": [{"type": t} for t in types]}}
    assert [t["type"] for t in bench_dates.calendar_gold(gold)["d"]["timexes"]] == kept


@pytest.mark.parametrize("name", ["absent.jsonl"])
def test_bench_dates_missing_scorer_is_a_coded_error(tmp_path, name):
    with pytest.raises(PipelineError) as e:
        bench_dates.load_scorer(tmp_path / name)
    assert e.value.code == "E040"


def _doc(did, dct, text, spans):
    timexes = []
    for expr, typ, value in spans:
        start = text.index(expr)
        timexes.append({"start": start, "end": start + len(expr), "text": expr, "type": typ, "value": value})
    return {"id": did, "dct": dct, "text": text, "timexes": timexes}


@pytest.mark.model
@pytest.mark.parametrize("floor, code", [(0.5, 0), (1.01, 1)])
def test_bench_dates_main_scores_and_gates(tmp_path, shared_dir, capsys, floor, code):
    docs = [
        _doc("a", "2011-05-04", "The envoys met on Monday and will meet again next week.",
             [("Monday", "DATE", "2011-05-02"), ("next week", "DATE", "2011-W19")]),
        _doc("b", "2012-01-20", "Exports rose for three years until March 2011.",
             [("three years", "DURATION", "P3Y"), ("March 2011", "DATE", "2011-03")]),
    ]
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    shutil.copy(shared_dir / "bench" / "temporal" / "score.py", tmp_path / "score.py")
    floors = tmp_path / "floors.toml"
    floors.write_text(f"[temporal]\nvalue_f1 = {floor}\n")
    rc = bench_dates.main(Namespace(data=str(data), json=True, floors=str(floors), config=None))
    res = json.loads(capsys.readouterr().out)
    assert rc == code
    assert res["docs"] == 2 and res["value_f1"] == pytest.approx(1.0)
    assert res["calendar_value_f1"] == pytest.approx(1.0)


@pytest.mark.model
def test_bench_dates_baseline_scores_plain_entities_below_the_stage(tmp_path, shared_dir, capsys, nlp):
    docs = [_doc("a", "2011-05-04", "The envoys met on Monday and will meet again next week.",
                 [("Monday", "DATE", "2011-05-02"), ("next week", "DATE", "2011-W19")])]
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    shutil.copy(shared_dir / "bench" / "temporal" / "score.py", tmp_path / "score.py")
    bench_dates.main(Namespace(data=str(data), json=False, floors=None, config=None, baseline=True))
    out = capsys.readouterr().out
    assert "baseline (spaCy DATE/TIME entities valued by dateparser.parse)" in out
    res = bench_dates.run_bench(data, nlp, baseline=True)
    assert res["baseline_value_f1"] < res["value_f1"] == pytest.approx(1.0)


@pytest.mark.parametrize("missing", ["dateparser"])
def test_bench_dates_baseline_without_the_bench_extra_names_it(monkeypatch, missing):
    """dateparser is in the optional extra 'bench': without it, --baseline says how to get it."""
    import sys

    monkeypatch.setitem(sys.modules, missing, None)        # import dateparser now fails
    with pytest.raises(PipelineError, match=r"\[E051\].*bench"):
        bench_dates.baseline_predict({"d": {"id": "d", "text": "On Monday."}}, model=None)


@pytest.mark.parametrize("n, k", [(7, 3), (10, 5), (4, 4)])
def test_bench_dates_folds_split_documents_once_each(n, k):
    ids = [f"doc{i}" for i in range(n)]
    folds = bench_dates.folds_of(ids, k)
    assert len(folds) == k and sorted(i for fold in folds for i in fold) == sorted(ids)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1


def _two_docs(tmp_path, shared_dir):
    docs = [
        _doc("a", "2011-05-04", "The envoys met on Monday and now plan a second round.",
             [("Monday", "DATE", "2011-05-02"), ("now", "DATE", "PRESENT_REF")]),
        _doc("b", "2012-01-20", "Exports rose until March 2011 and currently stall.",
             [("March 2011", "DATE", "2011-03"), ("currently", "DATE", "PRESENT_REF")]),
        _doc("c", "2012-02-01", "The drought of 1986-87 ended on Friday.",
             [("1986", "DATE", "1986"), ("87", "DATE", "1987"), ("Friday", "DATE", "2012-01-27")]),
    ]
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    shutil.copy(shared_dir / "bench" / "temporal" / "score.py", tmp_path / "score.py")
    return data


@pytest.mark.model
@pytest.mark.parametrize("folds", [3])
def test_bench_dates_folds_choose_timeml_parts_on_training_documents(tmp_path, shared_dir, nlp, folds):
    res = bench_dates.run_bench(_two_docs(tmp_path, shared_dir), nlp, folds=folds)
    assert res["folds"] == folds and len(res["fold_choices"]) == folds
    assert all("refs" in c.split("+") for c in res["fold_choices"])   # every training pair holds a REF
    # the fold holding the only range is scored on parts chosen without seeing one: the tie
    # keeps the packaged choice
    assert ("year_ranges" in res["fold_choices"][2].split("+")) == dates.TIMEML.year_ranges
    assert res["noref_value_f1"] < res["value_f1"]


@pytest.mark.model
@pytest.mark.parametrize("folds", [1, 4])
def test_bench_dates_impossible_fold_count_is_a_coded_error(tmp_path, shared_dir, nlp, folds):
    with pytest.raises(PipelineError) as e:
        bench_dates.run_bench(_two_docs(tmp_path, shared_dir), nlp, folds=folds)
    assert e.value.code == "E057"


@pytest.mark.model
def test_bench_dates_folds_report_value_and_relaxed_f1_with_and_without_ref_values(tmp_path, shared_dir, nlp, capsys):
    res = bench_dates.run_bench(_two_docs(tmp_path, shared_dir), nlp, folds=3)
    for key in ("fold_value_f1s", "fold_relaxed_f1s", "fold_noref_value_f1s", "fold_noref_relaxed_f1s"):
        assert len(res[key]) == 3
    # the folds of documents a and b hold a REF each: without REF values they lose it
    for i in (0, 1):
        assert res["fold_noref_value_f1s"][i] < res["fold_value_f1s"][i]
        assert res["fold_noref_relaxed_f1s"][i] < res["fold_relaxed_f1s"][i]
    assert res["fold_noref_value_f1s"][2] == res["fold_value_f1s"][2]       # document c has none
    assert res["fold_noref_value_f1"] == pytest.approx(sum(res["fold_noref_value_f1s"]) / 3, abs=1e-4)
    text = bench_dates.format_text(res)
    assert "without REF values (the same parts, refs off)" in text and "fold 2:" in text
