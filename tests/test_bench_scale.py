"""The scale benchmark: synthetic corpus, figures, floors (the measurements themselves run in
`make bench`; no timing is asserted here)."""
from __future__ import annotations

import argparse
import json
import re

import pytest

from evaluation import bench_scale, synth


@pytest.mark.parametrize("i,seed", [(0, 0), (17, 3)])
def test_bench_scale_synth_is_deterministic_and_filled(i, seed):
    aid, text, meta = synth.article(i, seed)
    assert synth.article(i, seed) == (aid, text, meta)
    assert "{" not in text and "}" not in text
    assert 200 <= len(text.split()) <= 900
    assert aid == f"synth_{seed}_{i:06d}"


@pytest.mark.parametrize("n", [60])
def test_bench_scale_synth_varies_articles(n):
    texts = [synth.article(i)[1] for i in range(n)]
    titles = {t.split("\n", 1)[0] for t in texts}
    assert len(set(texts)) == n and len(titles) > n // 2
    assert sum(1 for i in range(n) if synth.article(i)[2]) not in (0, n)  # some have sidecars
    years = {m for t in texts for m in re.findall(r"\b20[12]\d\b", t)}
    assert len(years) >= 5


@pytest.mark.parametrize("small,large", [(5, 12)])
def test_bench_scale_synth_corpus_prefix_and_sidecars(tmp_path, small, large):
    synth.write_corpus(tmp_path / "s", small)
    words = synth.write_corpus(tmp_path / "l", large)
    s_files = sorted(p.name for p in (tmp_path / "s").iterdir())
    l_files = sorted(p.name for p in (tmp_path / "l").iterdir())
    assert set(s_files) <= set(l_files) and words > 0
    for p in (tmp_path / "l").glob("*.meta.json"):
        meta = json.loads(p.read_text())
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["published"])
        assert (tmp_path / "l" / p.name.replace(".meta.json", ".txt")).exists()


def _child(seconds, workers=1, rss=500.0, tables=1.0, parsed=0, cached=0, wall=None, register=0.0, cpu=(0.0, 0.0)):
    return {"seconds": seconds, "workers": workers, "rss_main_mb": rss, "rss_worker_mb": 400.0,
            "tables_mb": tables, "parsed": parsed, "cached": cached, "wall_s": wall or seconds,
            "register_s": register, "cpu_main_s": cpu[0], "cpu_children_s": cpu[1]}


def _figures(**over):
    raw = {"seconds": 10.0, "startup_s": 1.0, "articles": 100, "words": 40000, "rss_main_mb": 400.0}
    runs = dict(one=_child(12.0, cpu=(11.5, 0.25)), two=_child(6.0, workers=2, rss=150, cpu=(1.5, 12.5)),
                large=_child(60.0, workers=2, rss=170, tables=9.0, register=1.5),
                cached=_child(1.0, cached=1000, wall=2.5), added=_child(3.0, parsed=10))
    runs.update(over)
    return bench_scale.figures(raw, runs["one"], runs["two"], runs["two"], runs["large"],
                               runs["cached"], runs["added"], 1000, 100, 40000)


@pytest.mark.parametrize("key,expected", [
    ("pipeline_vs_raw", 11.0 / 12.0), ("pipeline_vs_raw_steady", 10.0 / 12.0),
    ("speedup_2_workers", 12.0 / 6.0), ("cached_rerun_s", 2.5),
    ("rss_small_mb", 150 + 2 * 400.0), ("rss_large_mb", 170 + 2 * 400.0),
    ("rss_budget_used", (170 + 800) / (1.2 * 950 + 9.0)), ("raw_words_per_s", 4000.0),
    ("register_s", 1.5), ("register_share", 1.5 / 60.0),
    ("cpu_1_worker_s", 11.75), ("cpu_2_workers_main_s", 1.5), ("cpu_2_workers_children_s", 12.5),
])
def test_bench_scale_figures(key, expected):
    assert _figures()[key] == pytest.approx(expected)


@pytest.mark.parametrize("floors,n_problems", [
    ({"pipeline_vs_raw": 0.8, "speedup_2_workers": 1.6, "cached_rerun_s": 5.0, "rss_budget_used": 1.0}, 0),
    ({"pipeline_vs_raw": 0.95}, 1),
    ({"cached_rerun_s": 2.0}, 1),
    ({"register_share": 0.05}, 0),
    ({"register_share": 0.01}, 1),
    ({"no_such_figure": 1.0}, 1),
])
def test_bench_scale_floors(floors, n_problems):
    assert len(bench_scale.check_floors(_figures(), floors)) == n_problems


@pytest.mark.parametrize("floors_text,code", [("[scale]\npipeline_vs_raw = 0.8\n", 0),
                                              ("[scale]\nspeedup_2_workers = 3.0\n", 1)])
def test_bench_scale_main_exit_code_follows_floors(tmp_path, monkeypatch, capsys, floors_text, code):
    floors = tmp_path / "floors.toml"
    floors.write_text(floors_text)
    monkeypatch.setattr(bench_scale, "measure", lambda n, work, log=print, data=None: _figures())
    args = argparse.Namespace(n=1000, json=False, floors=str(floors), data=None)
    assert bench_scale.main(args) == code
    out = capsys.readouterr().out
    for label in ("articles/s", "words/s", "pipeline / raw", "speedup", "cached re-run", "peak RSS", "register step"):
        assert label in out


def test_bench_scale_ratio_is_the_mean_of_the_side_by_side_pairs():
    raw = {"seconds": 10.0, "startup_s": 1.0, "articles": 100, "words": 40000, "rss_main_mb": 400.0}
    slow_raw = dict(raw, seconds=21.0)          # the machine was twice as slow for the second pair
    one, slow_one = _child(11.0), _child(22.0)
    f = bench_scale.figures(raw, _child(5.0), _child(3.0, workers=2), _child(3.0, workers=2),
                            _child(60.0, workers=2, tables=9.0), _child(1.0), _child(3.0), 1000, 100, 40000,
                            pairs=[(raw, one), (slow_raw, slow_one)])
    assert f["pipeline_vs_raw_pairs"] == pytest.approx([1.0, 1.0])
    assert f["pipeline_vs_raw"] == pytest.approx(1.0)
    assert f["pipeline_vs_raw_steady"] == pytest.approx((10 / 11 + 21 / 22) / 2)
    assert f["speedup_2_workers"] == pytest.approx(5.0 / 3.0)   # against the 1-worker run made alone


def test_bench_scale_side_by_side_pairs_raw_and_pipeline_on_two_cores(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(bench_scale, "_cores", lambda: [0, 1])
    monkeypatch.setattr(bench_scale, "_start", lambda argv, cpu=None: started.append((argv[0], cpu, argv)) or argv)
    monkeypatch.setattr(bench_scale, "_finish", lambda h: {"mode": h[0]})
    raw, one = bench_scale.side_by_side(tmp_path / "c", tmp_path / "o", "force", 1)
    assert (raw["mode"], one["mode"]) == ("child-raw", "child-run")
    assert [(m, c) for m, c, _ in started] == [("child-raw", 1), ("child-run", 0)]     # swapped for k = 1
    assert started[0][2][-1] == str(tmp_path / "o.stop") and (tmp_path / "o.stop").exists()


def test_bench_scale_cached_rerun_target_is_over_the_first_cached_n_articles(tmp_path, monkeypatch):
    """For N above CACHED_N the target figure is a re-run over the first CACHED_N articles in a
    folder of their own, sharing the full run's cache entries; the re-run over all N is shown too.
    The tables are sized in a run of their own."""
    from pathlib import Path
    monkeypatch.setattr(bench_scale, "CACHED_N", 5)
    monkeypatch.setattr(bench_scale, "SMALL", 4)
    runs = []

    def child(argv):
        corpus, out = Path(argv[1]), Path(argv[2])
        entry = out / ".cache" / "e0" / "x" / "e.pkl"
        if not entry.exists():
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_bytes(b"entry")
        n = sum(1 for _ in corpus.glob("*.txt"))
        runs.append((out.name, n, entry.stat().st_ino))
        sizing = len(argv) > 4 and "sizing" in argv[4]
        return dict(_child(n / 10, workers=2, cached=n), stage_ms={}, tables_mem_mb=7.0 if sizing else 0.0)
    raw = {"seconds": 1.0, "startup_s": 0.5, "articles": 4, "words": 900, "rss_main_mb": 400.0}
    monkeypatch.setattr(bench_scale, "_child", child)
    monkeypatch.setattr(bench_scale, "side_by_side", lambda small, out, flags, k: (raw, child(["child-run", small, out])))
    f = bench_scale.measure(12, tmp_path / "w", log=lambda msg: None)
    assert (f["cached_rerun_n"], f["cached_rerun_s"], f["cached_rerun_full_s"]) == (5, pytest.approx(0.5), pytest.approx(1.2))
    inode = {name: ino for name, _n, ino in runs}
    assert inode["out_cached"] == inode["out_full"]                  # hard links to the full run's entries
    assert [n for name, n, _ in runs if name == "out_cached"] == [5, 5, 5]   # its first run, then two re-runs
    assert "over all 12" in bench_scale.render(f)
    assert f["tables_mem_mb"] == 7.0            # from a run of its own, not the one whose peak RSS counts


def _real_folder(root, names=("a.txt", "b.html")):
    """A shared-corpus-like folder: dev/ and train/ with articles in our own words, a sidecar
    and a stray file that the real mode leaves out."""
    for part, name in (("dev", names[0]), ("train", names[1])):
        (root / part).mkdir(parents=True, exist_ok=True)
        (root / part / name).write_text(f"The {part} council signed a water accord on Monday.\n")
    (root / "dev" / "a.meta.json").write_text("{}")
    (root / "train" / "notes.csv").write_text("x")
    return root


def test_bench_scale_real_corpus_repeats_dev_and_train_under_new_names(tmp_path):
    sources = bench_scale.real_sources(_real_folder(tmp_path / "shared"))
    assert [(p.parent.name, p.name) for p in sources] == [("dev", "a.txt"), ("train", "b.html")]
    words = bench_scale.write_real_corpus(tmp_path / "c", 5, sources)
    names = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert names == ["real_000000_a.txt", "real_000001_b.html", "real_000002_a.txt",
                     "real_000003_b.html", "real_000004_a.txt"]
    assert (tmp_path / "c" / "real_000003_b.html").read_bytes() == sources[1].read_bytes()
    assert words == 5 * 9
    bench_scale.write_real_corpus(tmp_path / "c", 2, sources, start=5)   # the articles added later
    assert len(list((tmp_path / "c").iterdir())) == 7


def test_bench_scale_real_corpus_reads_a_plain_folder_and_refuses_an_empty_one(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "x.txt").write_text("Two ministers met in the capital.\n")
    assert [p.name for p in bench_scale.real_sources(tmp_path / "plain")] == ["x.txt"]
    (tmp_path / "empty" / "dev").mkdir(parents=True)
    with pytest.raises(bench_scale.PipelineError) as e:
        bench_scale.real_sources(tmp_path / "empty")
    assert e.value.code == "E110"


def test_bench_scale_real_mode_names_its_corpus_in_the_report(tmp_path):
    write, corpus = bench_scale.corpus_writer(_real_folder(tmp_path / "shared"))
    assert corpus.startswith("real articles (2 files")
    write(tmp_path / "c", 3)
    assert len(list((tmp_path / "c").iterdir())) == 3
    f = dict(_figures(), corpus=corpus)
    assert bench_scale.render(f).startswith("real articles (2 files")
    assert bench_scale.corpus_writer(None)[1] == "synthetic corpus"
    assert bench_scale.render(_figures()).startswith("synthetic corpus")


def test_bench_scale_main_passes_the_real_folder_and_refuses_an_empty_one(tmp_path, monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(bench_scale, "measure",
                        lambda n, work, log=print, data=None: seen.append((n, data)) or _figures())
    shared = _real_folder(tmp_path / "shared")
    assert bench_scale.main(argparse.Namespace(n=141, json=True, floors=None, data=str(shared))) == 0
    assert seen == [(141, shared)]
    (tmp_path / "empty").mkdir()
    with pytest.raises(bench_scale.PipelineError):
        bench_scale.main(argparse.Namespace(n=141, json=True, floors=None, data=str(tmp_path / "empty")))
    assert len(seen) == 1
