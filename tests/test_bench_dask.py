"""The Dask benchmark's figures and floors, from made-up runs (the measurements themselves run in
`make bench-dask`; no timing is asserted here)."""
from __future__ import annotations

import pytest

from evaluation import bench_dask


def _run(engine, seconds, parsed=100, rss=200.0, cpu_driver=5.0, cpu_workers=20.0):
    return {"engine": engine, "seconds": seconds, "parsed": parsed, "errors": 0, "workers": 2,
            "rss_driver_mb": rss, "rss_worker_mb": 400.0, "cpu_driver_s": cpu_driver,
            "cpu_workers_s": cpu_workers, "load_average": [2.0, 2.0, 2.0]}


def _figures():
    runs = [_run("dask", 10.0), _run("local", 9.0), _run("dask", 12.0), _run("local", 10.0)]
    small = _run("dask", 10.0, parsed=100, rss=200.0, cpu_driver=5.0)
    large = _run("dask", 90.0, parsed=1000, rss=230.0, cpu_driver=14.0)
    return bench_dask.figures(100, runs, small, large, 1000)


def test_bench_dask_figures_compare_the_faster_runs_and_report_every_pair():
    f = _figures()
    assert f["dask_vs_local"] == pytest.approx(9.0 / 10.0)
    assert f["dask_vs_local_pairs"] == pytest.approx([0.9, 10.0 / 12.0])
    assert len(f["runs"]) == 4 and f["driver_rss_ratio"] == pytest.approx(230.0 / 200.0)


def test_bench_dask_projection_is_capped_by_the_drivers_own_cost():
    f = _figures()
    # the driver's CPU between 100 and 1000 articles: 9 s over 900 articles = 10 ms each
    assert f["driver_ms_per_article"] == pytest.approx(10.0)
    assert f["driver_limit_articles_per_s"] == pytest.approx(100.0)
    # a worker: 100 articles in 20 CPU seconds, 5 per second
    assert f["projected"]["10"] == pytest.approx(50.0)
    assert f["projected"]["100"] == pytest.approx(100.0)
    assert f["driver_bottleneck_workers"] == pytest.approx(20.0)
    assert "expected on 100 workers" in bench_dask.render(f)


@pytest.mark.parametrize("floors,problems", [({"dask_vs_local": 0.8, "driver_rss_ratio": 1.2}, 0),
                                             ({"dask_vs_local": 0.95}, 1), ({"driver_rss_ratio": 1.1}, 1),
                                             ({"unknown_figure": 1.0}, 1)])
def test_bench_dask_floors(floors, problems):
    assert len(bench_dask.check_floors(_figures(), floors)) == problems


def test_bench_dask_reads_its_section_of_the_floors(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text('[scale]\nspeedup_2_workers = 1.5\n[dask]\ndask_vs_local = 0.85\nn = 500\n', encoding="utf-8")
    assert bench_dask.read_floors(str(path)) == {"dask_vs_local": 0.85}


def test_bench_dask_compares_runs_holding_the_same_parts():
    """A larger corpus that alone makes the driver load the language identifier (a fixed cost)
    is compared with the small run made again with the identifier loaded first."""
    runs = [_run("dask", 10.0), _run("local", 9.0)]
    small = dict(_run("dask", 10.0, rss=100.0), language_identifier=False)
    large = dict(_run("dask", 90.0, parsed=1000, rss=190.0), language_identifier=True)
    same = dict(_run("dask", 10.0, rss=170.0), language_identifier=True)
    f = bench_dask.figures(100, runs, small, large, 1000, same)
    assert f["driver_rss_ratio"] == pytest.approx(1.9)
    assert f["driver_rss_ratio_same_components"] == pytest.approx(190.0 / 170.0)
    assert f["language_identifier"] == [False, True]
    assert bench_dask.check_floors(f, {"driver_rss_ratio_same_components": 1.2}) == []
    assert "same parts" in bench_dask.render(f)
    # without a third run the two ratios are one
    g = bench_dask.figures(100, runs, small, large, 1000)
    assert g["driver_rss_ratio_same_components"] == g["driver_rss_ratio"]


def _split(parse_ms, startup=0.0, other=0.0):
    return {"processes": 2, "articles": 100, "chunks": 4, "startup_s": startup, "model_s": 2.0,
            "parse_s": parse_ms / 10.0, "parse_ms_per_article": parse_ms, "other_threads_s": other,
            "at_last_chunk_s": 2.0 + startup + other + parse_ms / 10.0, "rest_s": 1.0}


def test_bench_dask_compares_the_workers_parsing_cpu_of_the_same_chunks():
    runs = [dict(_run("dask", 10.0), probe=_split(150.0, startup=1.0, other=0.5)),
            dict(_run("local", 9.0), probe=_split(140.0)),
            dict(_run("dask", 12.0), probe=_split(160.0, startup=1.2, other=0.7)),
            dict(_run("local", 10.0), probe=_split(160.0))]
    f = bench_dask.figures(100, runs, _run("dask", 10.0), _run("dask", 90.0, parsed=1000), 1000)
    assert f["dask_vs_local_parse_cpu"] == pytest.approx(155.0 / 150.0)
    assert f["workers_cpu_split"]["dask"]["startup_s"] == pytest.approx(1.1)
    assert f["runs"][0]["probe"]["other_threads_s"] == 0.5
    text = bench_dask.render(f)
    assert "dask / local (the same chunks) 1.033" in text and "start-up 1.1 s" in text
    # runs made without the probe: no split, and the report says nothing of it
    g = _figures()
    assert "workers_cpu_split" not in g and "same chunks" not in bench_dask.render(g)


def test_bench_probe_records_each_chunk_and_leaves_its_results(tmp_path, monkeypatch):
    from evaluation import bench_probe

    loaded = []

    def chunk(items, settings):
        return [(key.upper(), None) for key, _ in items]

    chunk.warm_up = lambda settings: loaded.append(settings["model"]["name"])
    monkeypatch.setattr(bench_probe, "_ORIGINAL", chunk)
    monkeypatch.setattr(bench_probe, "_state", {"end": None})
    monkeypatch.setenv(bench_probe.ENV, str(tmp_path))
    settings = {"model": {"name": "m"}}
    bench_probe.probed.warm_up(settings)
    assert bench_probe.probed([("a", None), ("b", None)], settings) == [("A", None), ("B", None)]
    assert bench_probe.probed([("c", None)], settings) == [("C", None)]
    split = bench_probe.split(tmp_path)
    assert (split["processes"], split["articles"], split["chunks"]) == (1, 3, 2)
    assert loaded == ["m", "m", "m"]        # the stand-in has no cache; the real warm_up loads once
    assert split["at_last_chunk_s"] >= split["parse_s"] >= 0.0


def test_bench_probe_install_replaces_process_chunk_for_both_engines(tmp_path, monkeypatch):
    from evaluation import bench_probe
    from pipeline import scheduler

    monkeypatch.setattr(scheduler, "process_chunk", scheduler.process_chunk)
    monkeypatch.delenv(bench_probe.ENV, raising=False)
    bench_probe.install(tmp_path / "probe")
    try:
        assert scheduler.process_chunk is bench_probe.probed
        assert scheduler.process_chunk.warm_up is bench_probe.warm      # the Dask engine's warm-up task
        assert (tmp_path / "probe").is_dir()
    finally:
        import os
        os.environ.pop(bench_probe.ENV, None)
