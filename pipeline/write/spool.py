"""Tables kept on disk while a run grows them, so the run's memory stays flat in the corpus size.

A Spool is an append-only sequence of row dicts that holds at most one block of rows in memory:
full blocks are pickled into an unnamed temporary file (gone when the spool is closed or the
process dies, so a killed run leaves nothing behind) and read back block by block each time the
spool is iterated, as often as the writers need (validation, fingerprint, CSV, index, register).
Rows come back equal to what was appended, in the same order: the files written from a spool are
byte for byte those written from a list of the same rows. The spool is scratch space only: every
output is still written to a temp file beside it and renamed into place (write/files.py).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator

BLOCK_ROWS = 1000       # rows pickled together (the keys of a block's dicts are stored once)


class Spool:
    """Rows appended in order, kept in an unnamed file under folder (None: the system's temp
    folder); iterate it any number of times; len() is the number of rows. With columns, rows
    may also come as tuples of their values in that order (extend_packed: a cache entry's packed
    rows, stored as they are) and are read back as the dicts of those columns."""

    def __init__(self, folder: Path | str | None = None, columns: list[str] | None = None):
        self.folder = folder
        self.columns = columns
        self._file = None
        self._blocks: list[tuple[int, int]] = []      # (offset, length) of each pickled block
        self._end = 0
        self._buffer: list[dict] = []
        self._n = 0
        self._hash = hashlib.sha256()                 # of the pickled blocks, in order

    # -------------------------------------------------------------- writing
    def append(self, row: dict) -> None:
        self._buffer.append(row)
        self._n += 1
        if len(self._buffer) >= BLOCK_ROWS:
            self._flush()

    def extend(self, rows: Iterable[dict]) -> None:
        """append() of each row, a block's room at a time (the same blocks, no call per row)."""
        rows = rows if isinstance(rows, list) else list(rows)
        i = 0
        while i < len(rows):
            part = rows[i:i + BLOCK_ROWS - len(self._buffer)]
            self._buffer.extend(part)
            self._n += len(part)
            i += len(part)
            if len(self._buffer) >= BLOCK_ROWS:
                self._flush()

    def extend_packed(self, rows: list[tuple]) -> None:
        """Rows as tuples of their values in self.columns' order (tables.pack): no dict is made
        (a cached re-run adds every row of the corpus); iterating gives dict(zip(columns, row)),
        the dict the row's values make."""
        self.extend(rows)

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._file is None:
            folder = self.folder if self.folder is not None and os.path.isdir(self.folder) else None
            self._file = tempfile.TemporaryFile(dir=folder, prefix=".spool-", suffix=".tmp")
        data = pickle.dumps(self._buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._file.flush()
        self._hash.update(data)
        self._blocks.append((self._end, len(data)))
        self._end += len(data)
        self._buffer = []

    # -------------------------------------------------------------- reading
    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[dict]:
        blocks, tail = list(self._blocks), list(self._buffer)    # what is there now
        cols = self.columns
        for rows in chain((pickle.loads(self._read(offset, length)) for offset, length in blocks), (tail,)):
            if cols is None:
                yield from rows
            else:
                for r in rows:
                    yield dict(zip(cols, r)) if r.__class__ is tuple else r

    def _read(self, offset: int, length: int) -> bytes:
        """A block, read at its offset (two passes may be under way at once)."""
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), length, offset)
        self._file.seek(offset)                 # not POSIX (Windows): no pread
        return self._file.read(length)

    def digest(self) -> str:
        """sha256 of the rows' pickled bytes (the full blocks as stored, then the rows not yet
        stored), with no pass over the file: equal digests mean equal rows (the bytes unpickle to
        the rows); equal rows give equal digests when they were appended alike (same order, same
        sharing of equal strings: what write/output's memo of written files rests on, where a
        different digest only costs formatting the file again)."""
        h = self._hash.copy()
        h.update(pickle.dumps(self._buffer, protocol=pickle.HIGHEST_PROTOCOL))
        return f"{self._n}:{h.hexdigest()}"

    def like(self) -> "Spool":
        """A new empty spool in the same folder."""
        return Spool(self.folder)

    def close(self) -> None:
        """Free the file (the spool is empty afterwards)."""
        if self._file is not None:
            self._file.close()
        self._file, self._blocks, self._end, self._buffer, self._n = None, [], 0, [], 0
        self._hash = hashlib.sha256()

    def __repr__(self) -> str:
        return f"Spool({self._n} rows)"


def like(rows) -> list | Spool:
    """An empty container of the kind rows is: a spool beside a spool, else a list."""
    return rows.like() if isinstance(rows, Spool) else []


class View:
    """A re-iterable view: each iteration calls make() afresh (e.g. the reviewed rows of a
    spooled table), so nothing is held between two passes."""

    def __init__(self, make, basis: tuple | None = None):
        self._make = make
        self.basis = basis      # (spool, what make does to it): the view's rows are a function of these

    def __iter__(self):
        return iter(self._make())


def close_all(tables: dict) -> None:
    for rows in tables.values():
        if isinstance(rows, Spool):
            rows.close()
