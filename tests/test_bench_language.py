"""bench language: the English check measured on the article-body benchmark's pages, on windows
of their gold bodies and on snippets written for this project."""
from __future__ import annotations

import argparse
import json
import shutil

import pytest

from evaluation import bench_language
from pipeline.errors import PipelineError

# The pages of ../shared/bench/boilerplate whose article is not in English (read by a person:
# Korean, Japanese, Russian, German, Italian, Portuguese); every other of its 92 pages is English.
NOT_ENGLISH = sorted([
    "0ec95c7261d122f304728e90c983450ef1ce1e0b423546835c397d50aaf0d0f2",
    "9da36ae4714bfccc72374c6c146e9d1cd3cca39e2110bd67ccdbcc806f4cf139",
    "85439e26c41c75901820d01a13e8cea7836abb58635ea3986f71a163ab0311d3",
    "f105de6e63ca91ea482f60193f6252092557f969f2fd128ff68c0d4d6b90dd7d",
    "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1",
    "c4a3637c6696f238cf9fe1c7fbb17bbb6731a71d4f5fe399b9b4fc3294a96a6b",
    "ba07d1e64775f4090e39116c382111f5a2cfe9528dd179673f4e9bfcea370c15",
    "20b2b64916b00b25203c9f1bf14248922f4d522f18328e9f876cce116df0083e",
    "11ea381ad92b5448cf66eae62f52ac565361a244c8881615fc6a7bb523cc0c32",
    "23aaecd14171f96cfd201a8a46666097e286ad71f74f29347a78c5ecba50da1e",
    "b3c19dd5f0612d098788fa5173e491b3280da6226b492f8fe110f4ab1896cca8",
    "cc03ddb5ef7d5f1fdb8a87f5e6dfd058a2a70acedf2551655a898dc5c18eb79e",
    "f6ac15a4d98511396da23e4428deb5605422b1c8bbc8284e771f6896bdccf57f",
])
ENGLISH = ("<html><body><article><p>The two coast guards agreed on Tuesday to share radar data along the "
           "strait, officials said. Patrol boats will report sightings within an hour.</p></article></body></html>")
GERMAN = ("<html><body><article><p>Die beiden Staaten haben am Dienstag ein Abkommen über den Austausch von "
          "Radardaten unterzeichnet, sagten die Minister der Regierung.</p></article></body></html>")


def test_bench_language_refuses_exactly_the_pages_that_are_not_english(shared_dir, settings):
    data = shared_dir / "bench" / "boilerplate" / "gold.jsonl"
    if not data.is_file():
        pytest.skip(f"{data} is absent: the article-body benchmark is needed for this test")
    assert sorted(bench_language.non_english_pages()) == NOT_ENGLISH
    res = bench_language.run_bench(data, settings)
    assert res["pages"] == 92 and res["refused_pages"] == NOT_ENGLISH and res["wrong_pages"] == []
    assert res["refusal_rate"] == res["not_english_share"] == round(13 / 92, 4)
    assert res["snippet_errors"] == 0 and res["snippets_correct"] == 1.0


def test_bench_language_snippets_are_short_and_of_both_kinds():
    snips = bench_language.snippets()
    assert {en for _i, en, _t in snips} == {True, False}
    assert all(1 <= len(t.split()) <= 60 for _i, _en, t in snips)


@pytest.mark.parametrize("n, expected", [(3, ["a b c", "d e f"]), (10, ["a b c d e f"])])
def test_bench_language_windows_spread_over_the_body(n, expected):
    assert bench_language.windows("a b c d e f", n, per_page=2) == expected


@pytest.mark.parametrize("floor, code", [(0.5, 0), (1.01, 1)])
def test_bench_language_main_prints_and_gates(tmp_path, shared_dir, capsys, floor, code, monkeypatch):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "en1.html").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "pages" / "de1.html").write_text(GERMAN, encoding="utf-8")
    gold = [{"id": "en1", "url": "", "body": "The two coast guards agreed to share radar data."},
            {"id": "de1", "url": "", "body": "Die beiden Staaten haben ein Abkommen unterzeichnet."}]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    shutil.copy(shared_dir / "bench" / "boilerplate" / "score.py", tmp_path / "score.py")
    monkeypatch.setattr(bench_language, "non_english_pages", lambda: {"de1": "de"})
    floors = tmp_path / "floors.toml"
    floors.write_text(f"[language]\npages_correct = {floor}\n")
    args = argparse.Namespace(data=str(tmp_path / "gold.jsonl"), json=False, floors=str(floors), config=None)
    assert bench_language.main(args) == code
    out = capsys.readouterr().out
    assert "refused 1 (0.500) against a not-English share of 0.500" in out and "ms/article" in out


def test_bench_language_needs_the_benchmark_folder(tmp_path):
    with pytest.raises(PipelineError) as e:
        bench_language.main(argparse.Namespace(data=str(tmp_path / "gold.jsonl"), json=True, floors=None, config=None))
    assert e.value.code == "E066"     # the data file is not there (E040: no --data at all)
