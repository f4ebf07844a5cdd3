"""bench html: the HTML cleaning scored with the article-body benchmark's metric against trafilatura
alone, on pages written for these tests (the scorer is copied from ../shared)."""
from __future__ import annotations

import argparse
import json
import shutil

import pytest

from evaluation import bench_html
from pipeline.errors import PipelineError

BODY = ("The two coast guards agreed on Tuesday to share radar data along the strait, officials said. "
        "Under the arrangement, patrol boats will report sightings within an hour of making them. "
        "Ministers said the step was meant to cut the time it takes to find boats in distress.")
PAGE = ("<!DOCTYPE html><html><head><title>Coast guards to share radar data</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a> | <a href='/login'>Sign in</a></nav>"
        "<article><h1>Coast guards to share radar data</h1>" + "".join(f"<p>{s}.</p>" for s in BODY.split(". "))
        + "</article><footer>Copyright 2024 Example News. All rights reserved. Contact: desk@example.org</footer>"
        "</body></html>")
FOREIGN = ("<html><body><article><p>" + "Die beiden Staaten haben am Dienstag ein Abkommen über den Austausch "
           "von Radardaten unterzeichnet, sagten die Minister der Regierung in der Hauptstadt. " * 3
           + "</p></article></body></html>")


@pytest.fixture
def bench_dir(tmp_path, shared_dir):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p1.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pages" / "p2.html").write_text(FOREIGN, encoding="utf-8")
    gold = [{"id": "p1", "url": "", "body": BODY}, {"id": "p2", "url": "", "body": "Die beiden Staaten ..."}]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    shutil.copy(shared_dir / "bench" / "boilerplate" / "score.py", tmp_path / "score.py")
    return tmp_path


def test_bench_html_scores_the_pages_it_reads_against_trafilatura(bench_dir, settings):
    res = bench_html.run_bench(bench_dir / "gold.jsonl", settings)
    assert (res["pages"], res["read"], res["refused"], res["refused_codes"]) == (2, 1, 1, ["E009"])
    assert res["refused_pages"] == ["p2"] and "folds_f1" not in res
    assert res["f1"] > 0.9 and res["vs_trafilatura"] == pytest.approx(res["f1"] - res["trafilatura_f1"], abs=1e-3)


def test_bench_html_folds_choose_on_the_other_folds_and_score_the_held_out_one(bench_dir, settings):
    # a second English page, so that each of 2 folds has a page to learn from and one to score
    (bench_dir / "pages" / "p3.html").write_text(PAGE.replace("radar data", "sonar data"), encoding="utf-8")
    with open(bench_dir / "gold.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "p3", "url": "", "body": BODY.replace("radar data", "sonar data")}) + "\n")
    res = bench_html.run_bench(bench_dir / "gold.jsonl", settings, k=2)
    assert res["folds"] == 2 and res["folds_read"] == 2
    assert sum(f["pages"] for f in res["folds_per_fold"]) == 2
    assert res["folds_vs_trafilatura"] == pytest.approx(res["folds_f1"] - res["folds_trafilatura_f1"], abs=1e-3)
    assert res["folds_majority"] in bench_html.GRID


def test_bench_html_grid_holds_every_balance_and_line_rule_set():
    assert {g["html_favour"] for g in bench_html.GRID} == {"precision", "balanced", "recall"}
    assert {g["html_line_rules"] for g in bench_html.GRID} == {"all", "patterns", "furniture", "none"}
    assert len({bench_html.label(g) for g in bench_html.GRID}) == len(bench_html.GRID)


@pytest.mark.parametrize("floor, code", [(0.5, 0), (1.01, 1)])
def test_bench_html_main_prints_and_gates(bench_dir, tmp_path, capsys, floor, code):
    floors = tmp_path / "floors.toml"
    floors.write_text(f"[boilerplate]\nf1 = {floor}\n")
    args = argparse.Namespace(data=str(bench_dir / "gold.jsonl"), json=False, floors=str(floors), config=None, folds=0)
    assert bench_html.main(args) == code
    out = capsys.readouterr().out
    assert "pipeline cleaning:" in out and "trafilatura alone:" in out


@pytest.mark.parametrize("data,code", [(None, "E040"), ("missing/gold.jsonl", "E066")])
def test_bench_html_needs_the_benchmark_folder(data, code):
    """No --data: E040 says what to pass; a --data that is not there: E066 says the data is missing."""
    with pytest.raises(PipelineError) as e:
        bench_html.main(argparse.Namespace(data=data, json=True, floors=None, config=None, folds=0))
    assert e.value.code == code
