"""The quality floors only go up: a commit that lowers one must say so ('floor lowered:' in
its message, or, for a merge, in a commit it brings in). Checked over the history of eval/floors.toml."""
import subprocess
import tomllib

import pytest

from pipeline.config import PROJECT_ROOT

FLOORS = "eval/floors.toml"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout


def _floors_at(rev: str) -> dict:
    try:
        return tomllib.loads(_git("show", f"{rev}:{FLOORS}"))
    except subprocess.CalledProcessError:
        return {}


def _loosened(section: str, key: str, old: float, new: float) -> bool:
    """A floor goes down, or a ceiling ([scale] and [dask] maximums such as cached_rerun_s) goes up."""
    from evaluation import bench_dask, bench_scale
    directions = {"scale": bench_scale.FLOOR_DIRECTIONS, "dask": bench_dask.FLOOR_DIRECTIONS}.get(section, {})
    ceiling = directions.get(key) == "max"
    return new > old if ceiling else new < old


def _lowered(old: dict, new: dict) -> list[str]:
    return [f"[{section}] {key}: {old[section][key]} -> {value}"
            for section, values in new.items() for key, value in values.items()
            if key in old.get(section, {}) and _loosened(section, key, old[section][key], value)]


def _history():
    try:
        revs = _git("log", "--format=%H", "--", FLOORS).split()
    except (OSError, subprocess.CalledProcessError):
        return []
    return revs


@pytest.mark.parametrize("old,new,n", [({"dev": {"a": 0.5}}, {"dev": {"a": 0.4}}, 1), ({"dev": {"a": 0.5}}, {"dev": {"a": 0.6, "b": 0.1}}, 0),
                                       ({"scale": {"cached_rerun_s": 6.0}}, {"scale": {"cached_rerun_s": 5.0}}, 0),
                                       ({"scale": {"cached_rerun_s": 5.0}}, {"scale": {"cached_rerun_s": 6.0}}, 1),
                                       ({"dask": {"driver_rss_ratio": 1.2}}, {"dask": {"driver_rss_ratio": 1.3}}, 1),
                                       ({"dask": {"dask_vs_local": 0.9}}, {"dask": {"dask_vs_local": 0.8}}, 1)])
def test_floors_lowered_detects_decreases(old, new, n):
    assert len(_lowered(old, new)) == n


def test_floors_never_lowered_silently():
    revs = _history()
    if not revs:
        pytest.skip("not a git checkout with history of eval/floors.toml")
    for rev in revs:
        old, new = _floors_at(f"{rev}~1"), _floors_at(rev)
        # a merge's message is its own and those of the commits it brings in (first parent..rev):
        # a branch commit that lowered a floor and said why explains the merge that carries it
        message = _git("log", "--format=%B", f"{rev}~1..{rev}") if old else _git("log", "-1", "--format=%B", rev)
        lowered = _lowered(old, new)
        assert not lowered or "floor lowered:" in message.lower(), (rev[:10], lowered)
    working = tomllib.loads((PROJECT_ROOT / FLOORS).read_text())
    assert not _lowered(_floors_at("HEAD"), working), "uncommitted change lowers a floor"
