"""Chunk functions for the Dask engine tests, importable by worker processes (which get this
folder on their sys.path from the test process). They stand in for scheduler.process_chunk:
`fake_chunk` makes results without a model (`judged_chunk` judges languages first, as
process_chunk does); `die_once` also kills its worker process once, as
a crash, an out-of-memory kill or a segfault would; `die_on_killer` kills every worker that
gets the article named by KILLER, every time, and `killer_crashed` is what the local engine
would give back for it had the crash been caught. Both are steered by environment variables
that the workers inherit from the test."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline import cache, scheduler
from pipeline.records import Extraction

DIE_ONCE_MARKER = "PIPELINE_TEST_DIE_ONCE_MARKER"     # the first chunk to create this file kills its worker


def fake_chunk(items, settings):
    return [(cache.dumps(k, Extraction(article=a, sentences=[])), None) for k, a in items]


_PROCESS_CHUNK = scheduler.process_chunk


def judged_chunk(items, settings):
    """The real process_chunk, so its judging of the languages the reader left open
    (read/clean.Unjudged), with fake_chunk's parsing instead of the model's."""
    real, scheduler._parse_chunk = scheduler._parse_chunk, fake_chunk
    try:
        return _PROCESS_CHUNK(items, settings)
    finally:
        scheduler._parse_chunk = real


def die_once(items, settings):
    try:
        os.close(os.open(Path(os.environ[DIE_ONCE_MARKER]), os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return fake_chunk(items, settings)
    os._exit(1)


KILLER = "PIPELINE_TEST_KILLER_ARTICLE"     # the article (file name) that kills every worker it runs on
DEATHS = "PIPELINE_TEST_DEATHS_LOG"         # each death by it appends the size of its chunk to this file


def _is_killer(article) -> bool:
    return Path(article.source_path).name == os.environ[KILLER]


def die_on_killer(items, settings):
    """Kills its worker whenever the chunk holds the KILLER article."""
    if any(_is_killer(a) for _, a in items):
        log = os.open(os.environ[DEATHS], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(log, f"{len(items)}\n".encode())
        os.close(log)
        os._exit(1)
    return fake_chunk(items, settings)


def killer_crashed(items, settings):
    """fake_chunk, with the KILLER article reported as having crashed its worker twice."""
    return [(None, scheduler.WORKER_CRASH) if _is_killer(a) else fake_chunk([(k, a)], settings)[0]
            for k, a in items]
