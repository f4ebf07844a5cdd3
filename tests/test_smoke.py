"""Smoke test: the whole pipeline from the command line on the project's corpus/ folder."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.schemas import TABLES

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


def _input(tmp_path: Path) -> Path:
    corpus = PROJECT_ROOT / "corpus"
    if corpus.is_dir() and any(p.suffix in ARTICLE_SUFFIXES for p in corpus.rglob("*")):
        return corpus
    from evaluation import synth
    synth.write_corpus(tmp_path / "corpus", 3, seed=11)
    return tmp_path / "corpus"


def _run(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", "--input", str(src), "--output", str(out)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


@pytest.mark.model
@pytest.mark.parametrize("runs", [2])
def test_smoke_run_writes_every_table_and_repeats_identically(tmp_path, runs):
    src, out = _input(tmp_path), tmp_path / "out"
    results, trees = [], []
    for _ in range(runs):
        results.append(_run(src, out))
        trees.append(_files(out))
    for r in results:
        assert r.returncode == 0, r.stderr[-3000:]
        assert re.match(r"articles \d+ \(ok \d+, failed \d+\)", r.stderr.splitlines()[-1])
    for schema in TABLES.values():
        header = (out / schema.file).read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(schema.columns)
    assert len(list(out.glob("*.csv"))) >= len(TABLES) == 7
    assert (out / "articles.csv").read_text(encoding="utf-8").count("\n") > 1
    assert trees[0] == trees[1]
