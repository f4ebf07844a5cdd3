"""Chunk functions for the Dask engine tests, importable by worker processes (which get this
folder on their sys.path from the test process). They stand in for scheduler.process_chunk:
`fake_chunk` makes results without a model; `die_once` also kills its worker process once, as
a crash, an out-of-memory kill or a segfault would, steered by an environment variable that the
workers inherit from the test."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline import cache
from pipeline.records import Extraction

DIE_ONCE_MARKER = "PIPELINE_TEST_DIE_ONCE_MARKER"     # the first chunk to create this file kills its worker


def fake_chunk(items, settings):
    return [(cache.dumps(k, Extraction(article=a, sentences=[])), None) for k, a in items]


def die_once(items, settings):
    try:
        os.close(os.open(Path(os.environ[DIE_ONCE_MARKER]), os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return fake_chunk(items, settings)
    os._exit(1)
