"""The Dask engine: a LocalCluster of worker processes gives the local engine's outputs byte for
byte, survives a worker killed mid-run, and reports an article that kills every worker it runs
on (E081) while the run goes on.

No test waits on a clock. The runs are bounded by the engine itself (a LocalCluster never gives
up a nanny, and work without a worker fails with E130 after dask_engine.NO_WORKERS_TIMEOUT);
`hang_guard` is only a safety net under that: should a run hang all the same, faulthandler
prints every thread's stack and ends the session, so CI fails with the place it hung instead of
blocking. (pytest's own faulthandler_timeout only prints; it is not set in pyproject.toml, which
would share faulthandler's single timer with this guard.)"""
from __future__ import annotations

import copy
import csv
import faulthandler
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="Dask is an optional extra: pip install .[dask] (make setup installs it)")

import dask_faults  # noqa: E402  (tests/ is on sys.path, and the workers get the same sys.path)

from evaluation import synth  # noqa: E402
from pipeline import run as run_mod, scheduler  # noqa: E402

SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"
HANG_GUARD = 600        # seconds: far above any run here (the slowest takes about 30 s)


@pytest.fixture(autouse=True)
def hang_guard():
    faulthandler.dump_traceback_later(HANG_GUARD, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not {".cache", "history"} & set(p.relative_to(folder).parts)}


def _settings(settings: dict, engine: str, batch_size: int = 3) -> dict:
    s = copy.deepcopy(settings)
    s["run"]["engine"] = engine
    s["model"]["batch_size"] = batch_size
    return s


def _corpus(folder: Path, n: int) -> Path:
    synth.write_corpus(folder, n)
    return folder


def _errors(out: Path) -> list[dict]:
    with open(out / "errors.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("n,workers", [(12, 2)])
def test_dask_engine_gives_the_local_engines_outputs(tmp_path, settings, monkeypatch, n, workers):
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.fake_chunk)
    src = _corpus(tmp_path / "in", n)
    local = run_mod.run(src, tmp_path / "local", _settings(settings, "local"), workers=1)
    dask = run_mod.run(src, tmp_path / "dask", _settings(settings, "dask"), workers=workers)
    assert (dask.engine, dask.workers, dask.parsed) == ("dask", workers, n)
    assert "engine dask, 2 workers" in dask.line()
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "local")


@pytest.mark.parametrize("n,workers", [(12, 2)])
def test_dask_run_leaves_no_thread_so_the_registers_drawing_processes_fork(tmp_path, settings, monkeypatch,
                                                                          n, workers):
    """Dask keeps idle threads (its offload and callback pools) after its client and cluster are
    closed; the register forks its drawing processes only when no other thread runs, so the
    engine ends them: the register draws in those processes after a Dask run as after a local
    one. A second Dask run in the same process still works (Dask makes the threads again)."""
    import threading

    from pipeline.write import register_report
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("the register's drawing processes are forked: not on this platform")
    if threading.active_count() != 1:
        pytest.skip("another thread runs in this test process before the run")
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.fake_chunk)
    src = _corpus(tmp_path / "in", n)
    for out in ("dask1", "dask2"):
        summary = run_mod.run(src, tmp_path / out, _settings(settings, "dask"), workers=workers, force=True)
        assert (summary.engine, summary.parsed) == ("dask", n)
        assert register_report._can_fork(), [t.name for t in threading.enumerate()]
    assert _tree(tmp_path / "dask1") == _tree(tmp_path / "dask2")


@pytest.mark.parametrize("n", [12])
def test_dask_worker_killed_mid_run_has_its_chunk_run_elsewhere(tmp_path, settings, monkeypatch, n):
    src = _corpus(tmp_path / "in", n)
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.fake_chunk)
    run_mod.run(src, tmp_path / "local", _settings(settings, "local"), workers=1)
    marker = tmp_path / "died"
    monkeypatch.setenv(dask_faults.DIE_ONCE_MARKER, str(marker))
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.die_once)
    summary = run_mod.run(src, tmp_path / "dask", _settings(settings, "dask"), workers=2)
    assert marker.exists()                      # a worker did die
    assert summary.exit_code == 0 and summary.parsed == n and not summary.errors
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "local")


@pytest.mark.parametrize("n,killer", [(12, 4)])
def test_dask_article_that_kills_its_worker_twice_is_reported_and_the_run_goes_on(tmp_path, settings, monkeypatch,
                                                                                  n, killer):
    src = _corpus(tmp_path / "in", n)
    name = sorted(p.name for p in src.glob("*.txt"))[killer]
    deaths = tmp_path / "deaths"
    monkeypatch.setenv(dask_faults.KILLER, name)
    monkeypatch.setenv(dask_faults.DEATHS, str(deaths))
    # what the local engine writes when the article is reported as having crashed its worker
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.killer_crashed)
    run_mod.run(src, tmp_path / "local", _settings(settings, "local"), workers=1)
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.die_on_killer)
    summary = run_mod.run(src, tmp_path / "dask", _settings(settings, "dask"), workers=2)
    assert summary.parsed == n - 1
    assert [(e["code"], Path(e["path"]).name) for e in _errors(tmp_path / "dask")] == [("E081", name)]
    # its chunk was given up after two deaths, then the article alone killed two workers more
    assert sorted(deaths.read_text().split()) == ["1", "1", "3", "3"]
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "local")


@pytest.mark.parametrize("wait,code", [(1, "E130")])
def test_dask_scheduler_without_workers_is_a_coded_error_not_a_hang(tmp_path, settings, monkeypatch, wait, code):
    import distributed

    from pipeline.engines import dask_engine
    from pipeline.errors import PipelineError
    monkeypatch.setattr(dask_engine, "NO_WORKERS_TIMEOUT", wait)
    s = _settings(settings, "dask")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        s["run"]["scheduler"] = empty.scheduler_address
        with pytest.raises(PipelineError) as e:
            run_mod.run(_corpus(tmp_path / "in", 2), tmp_path / "out", s, workers=2)
    assert (e.value.code, e.value.path) == (code, empty.scheduler_address)


@pytest.mark.parametrize("engine,code", [("spark", "E083")])
def test_dask_unknown_engine_is_a_coded_error(tmp_path, settings, engine, code):
    from pipeline.errors import PipelineError
    s = copy.deepcopy(settings)
    s["run"]["engine"] = engine
    with pytest.raises(PipelineError) as e:
        list(scheduler.extract_stream([], s, []))
    assert e.value.code == code


@pytest.mark.model
@pytest.mark.skipif(not SHARED_DEV.is_dir(), reason="../shared/corpus/dev is absent (CI always has it)")
def test_dask_engine_on_dev_is_byte_identical_to_local(tmp_path, settings):
    local = run_mod.run(SHARED_DEV, tmp_path / "local", _settings(settings, "local", 32), workers=1)
    dask = run_mod.run(SHARED_DEV, tmp_path / "dask", _settings(settings, "dask", 32), workers=2)
    assert dask.parsed == local.parsed == 23
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "local")


@pytest.mark.parametrize("n", [6])
def test_dask_driver_leaves_the_language_identifier_to_the_workers(tmp_path, settings, monkeypatch, n):
    """Texts the English shortcut does not settle are judged by the workers with their chunk: the
    driver never loads the identifier (~75 MB), and the outputs, errors.csv included, are the
    local engine's."""
    from pipeline.read import language
    src = _corpus(tmp_path / "in", n)
    (src / "zz_es.txt").write_text("El consejo municipal aprobó ayer un plan para arreglar los puentes del río "
                                   "antes del invierno, y los vecinos pidieron que las obras duren poco.\n",
                                   encoding="utf-8")
    (src / "zz_en.txt").write_text("Two harbours agreed to share their cranes.\n", encoding="utf-8")
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.judged_chunk)
    language._identifier.cache_clear()
    dask = run_mod.run(src, tmp_path / "dask", _settings(settings, "dask"), workers=2)
    assert language._identifier.cache_info().currsize == 0
    local = run_mod.run(src, tmp_path / "local", _settings(settings, "local"), workers=1)
    assert language._identifier.cache_info().currsize == 1       # inline, the run's process judged them
    assert dask.parsed == local.parsed == n + 1
    assert [(e["code"], e["path"]) for e in _errors(tmp_path / "dask")] == [("E009", "zz_es.txt")]
    assert _tree(tmp_path / "dask") == _tree(tmp_path / "local")


@pytest.mark.parametrize("variable", ["MALLOC_TRIM_THRESHOLD_"])
def test_dask_local_cluster_workers_keep_glibcs_malloc_defaults(settings, monkeypatch, variable):
    """Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (parsing then costs about
    11% more CPU); the engine's LocalCluster leaves it unset, as the local engine's workers are."""
    import os

    from pipeline.engines import dask_engine
    monkeypatch.delenv(variable, raising=False)
    d = dask_engine.DaskDispatcher(_settings(settings, "dask"), 1)
    try:
        d._started()
        seen = d.client.run(os.environ.get, variable)
    finally:
        d.close()
    assert list(seen.values()) == [None]
