"""The per-article cache: keys, entry integrity, environment hashes, pruning (no model)."""
from __future__ import annotations

import os
import time
from dataclasses import replace

import pytest

from pipeline import cache
from pipeline.records import Article, Extraction, RawArticle, Sentence

ENV = "0123456789abcdef"


def _article(**kw) -> Article:
    base = dict(article_id="a1", source_path="a1.txt", text="Two states signed a pact.\nIt was news.",
                title="Pact signed", published="2024-05-01", published_source="sidecar")
    base.update(kw)
    return Article(**base)


def _extraction(article: Article) -> Extraction:
    return Extraction(article=article, sentences=[Sentence(article.article_id, 0, 0, 25, article.text[:25])])


@pytest.mark.parametrize("change", [
    {"text": "Two states signed a treaty.\nIt was news."},
    {"title": "Another headline"},
    {"published": "2023-01-01"},
    {"article_id": "a2"},
    {"source_path": "sub/a1.txt"},
])
def test_cache_article_key_covers_text_and_metadata(change):
    assert cache.article_key(_article(), ENV) != cache.article_key(_article(**change), ENV)


@pytest.mark.parametrize("env_a,env_b", [(ENV, "fedcba9876543210")])
def test_cache_article_key_depends_on_environment(env_a, env_b):
    assert cache.article_key(_article(), env_a) != cache.article_key(_article(), env_b)
    assert cache.article_key(_article(), env_a) == cache.article_key(_article(), env_a)


@pytest.mark.parametrize("change", [{"content": "other body"}, {"meta": {"published": "2020-01-01"}},
                                    {"source_path": "x/b.txt"}, {"line": 3}])
def test_cache_raw_key_covers_content_and_metadata(change):
    raw = RawArticle("b", "b.txt", "text", "body text", meta={"title": "T"})
    assert cache.raw_key(raw, ENV) != cache.raw_key(replace(raw, **change), ENV)


@pytest.mark.parametrize("damage", ["truncate", "flip", "other_key", "garbage"])
def test_cache_entry_damage_reads_as_miss(damage):
    key = cache.article_key(_article(), ENV)
    data = cache.dumps(key, _extraction(_article()))
    assert cache.loads(key, data).extraction == _extraction(_article())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data[:-1] + bytes([data[-1] ^ 1])
    elif damage == "other_key":
        other = cache.article_key(_article(title="x"), ENV)
        assert cache.loads(other, data) is None
        return
    else:
        data = b"not a cache entry at all"
    assert cache.loads(key, data) is None


def test_cache_entry_gives_rows_without_unpickling_the_extraction():
    from pipeline.write.tables import pack, rows_for
    ex = _extraction(_article())
    key = cache.article_key(ex.article, ENV)
    entry = cache.loads(key, cache.dumps(key, ex))
    assert entry.rows == pack(rows_for(ex)) and entry.rows_current
    assert entry._ex is None                    # the report page was current: never needed
    assert entry.extraction == ex


def test_cache_rows_of_older_table_code_are_made_again_and_stored(tmp_path, monkeypatch):
    from pipeline.write.tables import pack, rows_for
    store = cache.Cache(tmp_path / "c", ENV)
    ex = _extraction(_article())
    key = cache.article_key(ex.article, ENV)
    with monkeypatch.context() as m:
        m.setattr(cache, "rows_version", lambda: "older")
        store.put(key, ex)
    stale = cache.loads(key, store.path(key).read_bytes())
    assert not stale.rows_current
    entry = store.get(key)
    assert entry.rows == pack(rows_for(ex)) and entry.extraction == ex and store.hits == 1
    assert cache.loads(key, store.path(key).read_bytes()).rows_current     # rewritten once


@pytest.mark.parametrize("n", [3])
def test_cache_store_get_put_and_delete(tmp_path, n):
    store = cache.Cache(tmp_path / "c", ENV)
    arts = [_article(article_id=f"a{i}", text=f"Text number {i}.") for i in range(n)]
    keys = [cache.article_key(a, ENV) for a in arts]
    assert all(store.get(k) is None for k in keys)
    for k, a in zip(keys, arts):
        store.put(k, _extraction(a))
    assert [store.get(k).extraction.article for k in keys] == arts
    assert (store.hits, store.misses) == (n, n)
    import shutil
    shutil.rmtree(tmp_path / "c")  # safe to delete: everything is a miss again
    assert store.get(keys[0]) is None


@pytest.mark.parametrize("corrupt", [True, False])
def test_cache_raw_index_points_at_entries(tmp_path, corrupt):
    store = cache.Cache(tmp_path / "c", ENV)
    a = _article()
    key = cache.article_key(a, ENV)
    rkey = cache.raw_key(RawArticle("a1", "a1.txt", "text", "raw body"), store.raw_env)
    assert store.get_raw(rkey) is None
    store.put_raw(rkey, key)
    assert store.get_raw(rkey) is None          # pointer without an entry: clean again
    store.put(key, _extraction(a))
    if corrupt:
        store.raw_path(rkey).write_text("zz-not-a-key")
        assert store.get_raw(rkey) is None
    else:
        got_key, entry = store.get_raw(rkey)
        assert (got_key, entry.extraction) == (key, _extraction(a))


@pytest.mark.parametrize("n", [2])
def test_cache_write_is_atomic_and_leaves_no_temp(tmp_path, n):
    target = tmp_path / "d" / "e.bin"
    for i in range(n):
        cache.write_bytes_atomic(target, b"x" * (i + 1))
    assert target.read_bytes() == b"x" * n
    assert [p.name for p in target.parent.iterdir()] == ["e.bin"]


def _package(tmp_path, files: dict[str, str]):
    pkg = tmp_path / "pkg"
    for name, text in files.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    return pkg


PACKAGE = ("__init__.py", "records.py", "run.py", "read/clean.py", "extract/actors.py",
           "extract/agreements/status.py", "write/report.py", "resources/states.jsonl")


@pytest.mark.parametrize("edited,changes", [
    ("extract/actors.py", True), ("extract/newstage.py", True), ("extract/agreements/status.py", True),
    ("extract/newfolder/stage.py", True), ("resources/states.jsonl", True), ("resources/new.jsonl", True),
    ("read/clean.py", True), ("records.py", True), ("write/report.py", False), ("write/new.py", False),
])
def test_cache_code_hash_covers_every_file_but_the_write_area(tmp_path, edited, changes):
    """No list of module names: a file added anywhere outside write/, in any folder, is in the key."""
    files = {n: "x = 1\n" for n in PACKAGE}
    before = cache.code_hash(_package(tmp_path, files))
    files[edited] = "x = 2\n"
    assert (cache.code_hash(_package(tmp_path, files)) != before) is changes


@pytest.mark.parametrize("edited,changes", [
    ("read/clean.py", True), ("read/language.py", True), ("records.py", True),
    ("extract/actors.py", False), ("extract/newstage.py", False), ("write/report.py", False),
])
def test_cache_clean_code_hash_covers_the_read_stage_and_shared_modules(tmp_path, edited, changes):
    files = {n: "x = 1\n" for n in PACKAGE}
    before = cache.clean_code_hash(_package(tmp_path, files))
    files[edited] = "x = 2\n"
    assert (cache.clean_code_hash(_package(tmp_path, files)) != before) is changes


@pytest.mark.parametrize("edited", ["states.jsonl", "agreements.jsonl"])
def test_cache_resources_hash_tracks_every_resource(tmp_path, edited):
    res = tmp_path / "res"
    res.mkdir()
    for n in ("states.jsonl", "agreements.jsonl"):
        (res / n).write_text('{"id": "1"}\n')
    before = cache.resources_hash(res)
    (res / edited).write_text('{"id": "2"}\n')
    assert cache.resources_hash(res) != before


def test_cache_key_changes_when_a_file_is_added_under_extract(tmp_path):
    """The installed package: a new stage file under pipeline/extract/ gives a new code hash."""
    import shutil
    from pipeline.config import PACKAGE_DIR
    pkg = tmp_path / "pipeline"
    shutil.copytree(PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_hash(pkg)
    (pkg / "extract" / "treaties.py").write_text("STAGE = 1\n")
    assert cache.code_hash(pkg) != before


@pytest.mark.parametrize("section,key,value,changes", [
    ("agreements", "confidence_named", 0.71, True),
    ("run", "workers", 7, False),
    ("run", "cache_dir", "/elsewhere", False),
])
def test_cache_environment_follows_settings(settings, section, key, value, changes):
    import copy
    other = copy.deepcopy(settings)
    other[section][key] = value
    assert (cache.environment_hash(other) != cache.environment_hash(settings)) is changes


@pytest.mark.parametrize("cache_dir,expected", [("", "out/.cache"), ("/srv/c", "/srv/c")])
def test_cache_root_default_and_configured(tmp_path, cache_dir, expected):
    from pathlib import Path
    assert cache.cache_root(Path("out"), {"run": {"cache_dir": cache_dir}}) == Path(expected)


@pytest.mark.parametrize("n_old", [4])
def test_cache_prune_drops_unused_entries_and_old_environments(tmp_path, n_old):
    root = tmp_path / "c"
    for i in range(n_old):
        old = root / f"{i:016x}" / "x"
        old.mkdir(parents=True)
        past = time.time() - 1000 * (i + 1)
        os.utime(old.parent, (past, past))
    store = cache.Cache(root, ENV)
    keep, drop = _article(), _article(article_id="gone")
    k_keep, k_drop = cache.article_key(keep, ENV), cache.article_key(drop, ENV)
    store.put(k_keep, _extraction(keep))
    store.put(k_drop, _extraction(drop))
    stale = store.path(k_keep).parent / ".x.pkl.123.tmp"
    stale.write_bytes(b"partial")
    os.utime(stale, (time.time() - 2 * cache.STALE_TMP_SECONDS,) * 2)
    fresh = cache.Cache(root, ENV)
    assert fresh.get(k_keep) is not None
    fresh.prune(drop_unused=True)
    assert fresh.path(k_keep).exists() and not fresh.path(k_drop).exists() and not stale.exists()
    envs = sorted(d.name for d in root.iterdir())
    assert len(envs) == cache.KEEP_ENVS and ENV in envs
    assert f"{0:016x}" in envs  # the newest older environment is kept


# ---------------------------------------------------------------- issue 16: an entry proves its article
@pytest.mark.parametrize("damage", ["points_at_other_article", "pointers_swapped"])
def test_cache_raw_pointer_must_prove_its_article(tmp_path, damage):
    store = cache.Cache(tmp_path / "c", ENV)
    a, b = _article(), _article(article_id="a2", source_path="a2.txt", text="Other text.\nMore.")
    ka, kb = cache.article_key(a, ENV), cache.article_key(b, ENV)
    ra = cache.raw_key(RawArticle("a1", "a1.txt", "text", "raw a"), store.raw_env)
    rb = cache.raw_key(RawArticle("a2", "a2.txt", "text", "raw b"), store.raw_env)
    store.put(ka, _extraction(a))
    store.put(kb, _extraction(b))
    store.put_raw(ra, ka)
    store.put_raw(rb, kb)
    assert store.get_raw(ra, "a1")[0] == ka and store.get_raw(rb, "a2")[0] == kb
    if damage == "points_at_other_article":          # a pointer (its own key kept) names b's entry
        store.raw_path(ra).write_text(f"{kb}\n{ra}\n")
    else:                                            # the two pointer files swapped
        pa, pb = store.raw_path(ra), store.raw_path(rb)
        da, db = pa.read_bytes(), pb.read_bytes()
        pa.write_bytes(db)
        pb.write_bytes(da)
    assert store.get_raw(ra, "a1") is None
    if damage == "pointers_swapped":
        assert store.get_raw(rb, "a2") is None
