"""The batch run: streaming, chunking, cache use, parallel workers, per-article failures."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipeline import extract, run as run_mod, scheduler
from evaluation import synth
from pipeline.records import Article, Extraction


def _tree(folder: Path) -> dict[str, bytes]:
    """Every output file except the cache, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(folder).parts}


def _settings(settings: dict, batch_size: int = 2) -> dict:
    s = copy.deepcopy(settings)
    s["model"]["batch_size"] = batch_size
    return s


def _article(i: int) -> Article:
    return Article(article_id=f"a{i}", source_path=f"a{i}.txt", text=f"Article number {i}.")


# ---------------------------------------------------------------- without the model
@pytest.mark.parametrize("workers,expected", [(3, 3), (1, 1)])
def test_run_resolve_workers_explicit(workers, expected):
    assert scheduler.resolve_workers(workers) == expected


@pytest.mark.parametrize("workers", [0, None])
def test_run_resolve_workers_zero_means_all_cores(workers):
    import os
    assert scheduler.resolve_workers(workers) == len(os.sched_getaffinity(0))


def _fake_chunks(monkeypatch, record: list):
    """Replace parsing by a recorder: each chunk's article ids, results made without a model."""
    from pipeline import cache

    def fake(items, settings):
        record.append([a.article_id for _, a in items])
        return [(cache.dumps(k, Extraction(article=a, sentences=[])), None) for k, a in items]
    monkeypatch.setattr(scheduler, "process_chunk", fake)
    monkeypatch.setattr(scheduler._Dispatcher, "_start_pool", lambda self: None)
    monkeypatch.setattr(scheduler._Dispatcher, "_to_pool", scheduler._Dispatcher._inline)


def _mixed(n: int, cached_every: int) -> list:
    """Articles where every cached_every-th one arrives with its cache Entry (a cache hit)."""
    from pipeline import cache
    out = []
    for i in range(n):
        a, key = _article(i), f"{i:064x}"
        if cached_every and i % cached_every == 0:
            out.append(scheduler.Prepared(None, key, cache.loads(key, cache.dumps(key, Extraction(article=a, sentences=[])))))
        else:
            out.append(scheduler.Prepared(a, key))
    return out


@pytest.mark.parametrize("n,cached_every", [(40, 3), (25, 0), (30, 1)])
def test_run_stream_keeps_input_order(monkeypatch, settings, n, cached_every):
    _fake_chunks(monkeypatch, [])
    errors: list = []
    out = list(scheduler.extract_stream(_mixed(n, cached_every), _settings(settings, 4), errors, workers=1))
    assert [e.extraction.article.article_id for e in out] == [f"a{i}" for i in range(n)] and errors == []


@pytest.mark.parametrize("n,cached_every,workers", [(90, 4, 4), (90, 0, 2), (200, 7, 3)])
def test_run_chunks_do_not_depend_on_workers(monkeypatch, settings, n, cached_every, workers):
    """The same articles go to the model together whatever --workers is (byte-identical output)."""
    one: list = []
    _fake_chunks(monkeypatch, one)
    list(scheduler.extract_stream(_mixed(n, cached_every), _settings(settings, 5), [], workers=1))
    many: list = []
    _fake_chunks(monkeypatch, many)
    list(scheduler.extract_stream(_mixed(n, cached_every), _settings(settings, 5), [], workers=workers))
    assert sorted(one) == sorted(many) and len(one) > 1


@pytest.mark.parametrize("n,cached_every,batch", [(141, 0, 32), (300, 5, 16), (9, 0, 32)])
def test_run_last_chunks_shrink_when_the_number_of_inputs_is_known(monkeypatch, settings, n, cached_every, batch):
    """With the number of inputs given, the chunks get smaller towards the end (no worker is left
    parsing a last full chunk alone), the same whatever --workers is, every article in one."""
    one: list = []
    _fake_chunks(monkeypatch, one)
    list(scheduler.extract_stream(_mixed(n, cached_every), _settings(settings, batch), [], workers=1, expected=n))
    many: list = []
    _fake_chunks(monkeypatch, many)
    list(scheduler.extract_stream(_mixed(n, cached_every), _settings(settings, batch), [], workers=2, expected=n))
    sizes = [len(c) for c in one]
    assert one == many
    assert sorted(i for c in one for i in c) == sorted(a.article.article_id for a in _mixed(n, cached_every)
                                                       if a.entry is None)
    assert max(sizes) <= batch and sizes == sorted(sizes, reverse=True)
    assert sizes[-1] <= scheduler.TAIL_MIN < batch


@pytest.mark.parametrize("n,expected,pool", [(9, 9, False), (30, 2000, False), (40, 40, True), (141, 141, True)])
def test_run_pool_starts_only_for_more_than_a_full_chunk(monkeypatch, settings, n, expected, pool):
    """Small tail chunks do not start workers for a handful of new articles (e.g. 30 added at the
    end of a cached corpus): only more than [model] batch_size articles to parse do."""
    _fake_chunks(monkeypatch, [])
    started = []
    monkeypatch.setattr(scheduler._Dispatcher, "_start_pool", lambda self: started.append(1))
    out = list(scheduler.extract_stream(_mixed(n, 0), _settings(settings, 32), [], workers=2, expected=expected))
    assert len(out) == n and bool(started) is pool


@pytest.mark.parametrize("n,batch", [(1000, 4)])
def test_run_stream_reads_incrementally(monkeypatch, settings, n, batch):
    """The first result is out long before the corpus is read (memory does not grow with it)."""
    _fake_chunks(monkeypatch, [])
    consumed = []

    def source():
        for i, item in enumerate(_mixed(n, 2)):
            consumed.append(i)
            yield item
    stream = scheduler.extract_stream(source(), _settings(settings, batch), [], workers=1)
    next(stream)
    assert len(consumed) <= 2 * batch
    rest = sum(1 for _ in stream)
    assert rest == n - 1


# ---------------------------------------------------------------- with the model
def _corpus(folder: Path, n: int, start: int = 0) -> Path:
    synth.write_corpus(folder, n, seed=7, start=start)
    return folder


@pytest.mark.model
@pytest.mark.parametrize("n,workers", [(7, 2)])
def test_run_workers_output_byte_identical(tmp_path, settings, nlp, n, workers):
    src = _corpus(tmp_path / "in", n)
    s = _settings(settings, 2)
    one = run_mod.run(src, tmp_path / "o1", s, workers=1)
    many = run_mod.run(src, tmp_path / "o2", s, workers=workers)
    assert many.workers == workers and one.workers == 1
    assert one.line().split(";")[:3] == many.line().split(";")[:3]
    assert _tree(tmp_path / "o1") == _tree(tmp_path / "o2")


@pytest.mark.model
@pytest.mark.parametrize("n,added", [(5, 2)])
def test_run_cache_skips_unchanged_and_parses_only_new(tmp_path, settings, nlp, monkeypatch, n, added):
    src = _corpus(tmp_path / "in", n)
    s = _settings(settings, 2)
    first = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert (first.parsed, first.cached) == (n, 0)
    before = _tree(tmp_path / "o")

    def no_model(name):
        raise AssertionError("the model was loaded on a cached run")
    from pipeline.extract import nlp as nlp_mod
    monkeypatch.setattr(nlp_mod, "load_model", no_model)
    again = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert (again.parsed, again.cached, again.exit_code) == (0, n, 0)
    assert _tree(tmp_path / "o") == before
    monkeypatch.undo()
    _corpus(src, added, start=n)
    more = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert (more.parsed, more.cached, more.read) == (added, n, n + added)


@pytest.mark.model
@pytest.mark.parametrize("n", [4])
def test_run_force_and_settings_change_reparse(tmp_path, settings, nlp, n):
    src = _corpus(tmp_path / "in", n)
    s = _settings(settings, 2)
    run_mod.run(src, tmp_path / "o", s, workers=1)
    assert run_mod.run(src, tmp_path / "o", s, workers=1, force=True).parsed == n
    changed = copy.deepcopy(s)
    changed["agreements"]["confidence_named"] = 0.71
    assert run_mod.run(src, tmp_path / "o", changed, workers=1).parsed == n
    assert run_mod.run(src, tmp_path / "o", changed, workers=1).parsed == 0


@pytest.mark.model
@pytest.mark.parametrize("n,bad", [(4, 2)])
def test_run_article_failure_is_e015_and_retried(tmp_path, settings, nlp, monkeypatch, n, bad):
    src = _corpus(tmp_path / "in", n)
    s = _settings(settings, 2)
    real = extract.analyse
    bad_id = sorted(p.stem for p in src.glob("*.txt"))[bad]

    def flaky(article, doc, settings, stages=None):
        if article.article_id == bad_id:
            raise ValueError("boom")
        return real(article, doc, settings, stages)
    monkeypatch.setattr(extract, "analyse", flaky)
    summary = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert [e["code"] for e in summary.errors] == ["E015"] and bad_id in summary.errors[0]["path"]
    assert (summary.failed, summary.exit_code, summary.rows["articles"]) == (1, 1, n - 1)
    assert "errors 1" in summary.line()
    monkeypatch.undo()
    retry = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert (retry.parsed, retry.cached, retry.exit_code) == (1, n - 1, 0)


@pytest.mark.model
@pytest.mark.parametrize("n,stop_after", [(6, 3)])
def test_run_interrupted_run_resumes_and_survives_damage(tmp_path, settings, nlp, monkeypatch, n, stop_after):
    src = _corpus(tmp_path / "in", n)
    s = _settings(settings, 2)
    clean_run = run_mod.run(src, tmp_path / "ref", s, workers=1, force=True)
    written = []

    def interrupt(out_dir, article_id, made_from, render):
        if len(written) == stop_after:
            raise KeyboardInterrupt
        written.append(article_id)
    monkeypatch.setattr(run_mod.report, "write_article", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_mod.run(src, tmp_path / "o", s, workers=1)
    monkeypatch.undo()
    entries = sorted((tmp_path / "o" / ".cache").rglob("*.pkl"))
    assert len(entries) >= stop_after
    entries[0].write_bytes(entries[0].read_bytes()[:40])      # a damaged entry reads as a miss
    resumed = run_mod.run(src, tmp_path / "o", s, workers=1)
    assert resumed.parsed == n - len(entries) + 1 and resumed.exit_code == 0
    assert _tree(tmp_path / "o") == _tree(tmp_path / "ref") and clean_run.parsed == n


@pytest.mark.model
def test_run_parsing_process_keeps_the_model_out_of_garbage_collection(settings):
    import gc
    article = Article(article_id="g1", source_path="g1.txt", text="Oman and Qatar signed a port deal.")
    out = scheduler.process_chunk([("ab" * 32, article)], settings)
    assert out[0][0] is not None and out[0][1] is None
    assert gc.get_threshold()[0] == scheduler.GC_FIRST_THRESHOLD
    assert gc.get_freeze_count() > 0


@pytest.mark.model
def test_run_parsing_process_renders_the_page_the_run_would_render(settings):
    """The page comes back with the entry, made where the article was parsed: the run's process
    writes it as it is, and it is the page the run's process would render from the entry."""
    from pipeline import cache
    from pipeline.write import report
    article = Article(article_id="p1", source_path="p1.txt",
                      text="Oman and Qatar signed the Gulf Port Accord on 3 May 2024 to cut freight costs.")
    (data, message, page), = scheduler.process_chunk([("cd" * 32, article)], settings)
    entry = cache.loads("cd" * 32, data)
    rows = scheduler.add_packed({name: [] for name in entry.rows}, entry.rows)
    assert message is None and page == report.article_html(entry.extraction, rows)
    assert "Gulf Port Accord" in page


def test_run_table_rows_share_one_copy_of_each_short_value():
    from pipeline.schemas import TABLES
    columns = TABLES["actors"].columns
    tables = {"actors": []}
    for n in range(3):
        row = dict.fromkeys(columns, "")
        row["name"] = "".join(["Ja", "pan"])          # equal values made separately, as the stages make them
        row["aliases"] = "x" * (scheduler.INTERN_MAX + 1) + str(n % 1)
        row["n_mentions"] = n
        scheduler.add_packed(tables, {"actors": [tuple(row.values())]})
    first, *rest = tables["actors"]
    assert all(list(r) == columns for r in tables["actors"])
    assert all(r["name"] is first["name"] for r in rest)
    assert all(r["aliases"] == first["aliases"] and r["aliases"] is not first["aliases"] for r in rest)
    assert [r["n_mentions"] for r in tables["actors"]] == [0, 1, 2]


# ---------------------------------------------------------------- issue 16: kill -9 at any moment
def _children(pid: int) -> set[int]:
    import os
    out = set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(b")", 1)[1].split()[1]) == pid:
                out.add(int(d))
    return out


def _wait_gone(pids: set[int]) -> None:
    """Block until each process has ended (a pidfd turns readable when it exits; no sleeping)."""
    import os
    import select
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ready, _, _ = select.select([fd], [], [], 120)
        finally:
            os.close(fd)
        assert ready, f"worker {pid} outlived the run it worked for"


@pytest.mark.model
@pytest.mark.parametrize("workers", [1, 2])
def test_run_kill_at_any_moment_loses_nothing(tmp_path, settings, nlp, workers):
    """With reviewed tables present, kill -9 (or SIGTERM) of the run at 10 moments per worker
    count (half of them in runs that parse everything again), chosen with a fixed seed among
    the run's file steps (PIPELINE_TRACE=1 lines on its stderr: no sleeping, no timing): tables always parse, workers die with the run, and after
    the next run no decision is lost, no temp file, half snapshot or lock is left."""
    import os
    import random
    import signal
    import subprocess
    import sys

    from pipeline.schemas import TABLES
    from pipeline.write import csvio
    if not hasattr(os, "pidfd_open"):
        pytest.skip("needs Linux pidfd_open to wait for processes without sleeping")
    root = Path(__file__).resolve().parents[1]
    s = _settings(settings, 2)
    rng = random.Random(1600 + workers)
    src = _corpus(tmp_path / "in", 8)
    cfg = tmp_path / "small-batches.toml"
    cfg.write_text("[model]\nbatch_size = 2\n", encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", "--input", str(src), "--output", str(out),
           "--config", str(cfg), "--workers", str(workers)]
    env = {**os.environ, "PIPELINE_TRACE": "1"}
    first = subprocess.run([*cmd, "--force"], env=env, cwd=root, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    steps = {True: sum(ln.startswith("trace:") for ln in first.stderr.splitlines())}
    decided: dict[tuple[str, str], tuple[str, str]] = {}
    killed_with_workers = 0
    for i in range(10):
        forced = i % 2 == 0                  # workers start only to parse; half the runs parse
        if not forced and False not in steps:
            rows = csvio.read_csv(out / "motives.csv")        # a cached run that writes tables
            rows[0].update(review_status="rejected", reviewer="count")
            csvio.write_csv_atomic(out / "motives.csv", list(rows[0]), rows)
            again = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
            assert again.returncode == 0, again.stderr
            steps[False] = sum(ln.startswith("trace:") for ln in again.stderr.splitlines())
        # a run that parses has workers only while it parses (the first part of its file steps):
        # every other such kill lands in that part, so kills with live workers are always tried
        k = rng.randint(1, max(1, steps[forced] // 3) if forced and i % 4 == 0 else steps[forced])
        for table in ("agreements", "actors", "dates"):           # the analyst decides more rows
            rows = csvio.read_csv(out / f"{table}.csv")
            row = rows[(3 * i) % len(rows)]
            row.update(review_status=("accepted", "rejected")[i % 2], reviewer=f"kill{i}")
            csvio.write_csv_atomic(out / f"{table}.csv", list(rows[0]), rows)
            decided[(table, row[TABLES[table].key])] = (row["review_status"], row["reviewer"])
        proc = subprocess.Popen([*cmd, *(["--force"] if forced else [])], env=env, cwd=root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seen, helpers = 0, set()
        for line in proc.stderr:
            if line.startswith(b"trace:"):
                seen += 1
                helpers |= _children(proc.pid)
                if seen == k:
                    proc.send_signal(signal.SIGKILL if rng.random() < 0.75 else signal.SIGTERM)
                    break
        proc.stderr.close()
        proc.wait()
        _wait_gone(helpers)
        killed_with_workers += bool(helpers) and seen == k
        for p in out.rglob("*.csv"):                           # every table parses, even now
            csvio.read_csv(p)
        after = run_mod.run(src, out, s, workers=workers)           # the next run, in this process
        assert after.exit_code == 0, after.errors
        assert not any("stale lock" in w for w in after.warnings) or proc.returncode != 0
        left = [p for p in out.rglob("*") if p.name.endswith((".tmp", ".partial")) or p.name == ".run.lock"]
        assert left == [], (k, left)
        for (table, rid), want in decided.items():
            by_id = {r[TABLES[table].key]: r for r in csvio.read_csv(out / f"{table}.csv")}
            assert (by_id[rid]["review_status"], by_id[rid]["reviewer"]) == want, (k, table, rid)
            assert rid in {r[TABLES[table].key] for r in csvio.read_csv(out / "reviewed" / f"{table}.csv")} \
                or want[0] == "rejected"
    assert workers == 1 or killed_with_workers, "no kill landed while workers were alive"


# ---------------------------------------------------------------- languages judged where articles are parsed
LONG_ENGLISH = ("The two towns said on Monday that they had agreed to share the cost of the new bridge over the "
                "river, and that the work would start in the spring. The mayors met in the town hall for "
                "three hours, and they told reporters that the plan had been discussed for more than a year.")
SPANISH = ("El consejo municipal aprobó ayer un plan para arreglar los puentes del río antes del invierno.\n"
           "Los vecinos pidieron que las obras empiecen cuanto antes y que duren poco.")


@pytest.mark.parametrize("workers", [1])
def test_run_languages_judged_where_parsed_keep_the_errors_in_input_order(tmp_path, settings, monkeypatch, workers):
    """A text the English shortcut does not settle is judged with its chunk, not by the reader;
    its E009 (or E008) still comes among the read errors in input order, as when the reader
    judged it, and an English one is parsed."""
    import dask_faults
    src = tmp_path / "in"
    src.mkdir()
    for name, text in (("a.txt", LONG_ENGLISH), ("b.txt", ""), ("c.txt", SPANISH), ("d.pdf", "x"),
                       ("e.txt", "Two harbours agreed to share their cranes."),
                       ("f.txt", "Городской совет вчера одобрил план ремонта мостов через реку до зимы.")):
        (src / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(scheduler, "process_chunk", dask_faults.judged_chunk)
    summary = run_mod.run(src, tmp_path / "out", _settings(settings, 2), workers=workers)
    assert [(e["code"], e["path"]) for e in summary.errors] == [("E003", "b.txt"), ("E009", "c.txt"),
                                                                 ("E006", "d.pdf"), ("E009", "f.txt")]
    assert "detected 'es'" in summary.errors[1]["message"] and "detected 'ru'" in summary.errors[3]["message"]
    assert (summary.read, summary.parsed, summary.failed) == (4, 2, 4)
