"""Passes over a whole table (a spool of a corpus' rows) that hold little whatever its length.

- validate_table: schemas.validate, which keeps every key it has seen to find a repeated one (at
  5,000 articles the 140,000 sentence IDs, about 14 MB, held while the table is read back from its
  spool). A long table is checked here in one pass that keeps an 8-byte hash of each key instead
  (HashSet, 12-24 bytes a row). When that pass finds anything at all (a problem, or two keys with
  one hash), schemas.validate checks the rows again and raises its error: the same rows, named in
  the same words. So the result is always schemas.validate's.
- ids_among: the IDs of a table that are in a given set (the review merge asks about the analysts'
  rows only), not all of them.
"""
from __future__ import annotations

from array import array

from pipeline.schemas import Schema, cell_problems, validate

HASHED_FROM = 20_000        # rows: a shorter table is checked by schemas.validate alone (a few MB)


class HashSet:
    """The hashes of up to `capacity` values in a flat table of 8-byte cells (open addressing):
    12-24 bytes a value, where a set holds the values themselves. add(value) is False when a
    value of the same hash was added before (the same value, or another one with its hash)."""

    def __init__(self, capacity: int):
        size = 1 << max(4, (capacity + capacity // 2).bit_length())     # at most 2/3 full
        self._mask = size - 1
        self._cells = array("q", (0,)) * size

    def add(self, value) -> bool:
        h = hash(value) or 1            # 0 marks an empty cell
        cells, mask = self._cells, self._mask
        i = h & mask
        while True:
            found = cells[i]
            if found == 0:
                cells[i] = h
                return True
            if found == h:
                return False
            i = (i + 1) & mask


def validate_table(schema: Schema, rows) -> None:
    """schemas.validate(schema, rows), holding hashes of the keys, not the keys, for a long table
    (rows: a list or a spool: anything with len() that can be read twice)."""
    n = len(rows) if hasattr(rows, "__len__") else 0
    if n >= HASHED_FROM and passes(schema, rows, n):
        return
    validate(schema, rows)


def passes(schema: Schema, rows, n: int) -> bool:
    """schemas.validate's checks in one pass, with the keys' hashes only: True when every row
    passes and no two keys share a hash (so no key repeats); False as soon as a row does not, or
    two keys share a hash, or there are more than n rows (schemas.validate then decides)."""
    columns, key = schema.columns, schema.key
    seen = HashSet(n) if key else None
    for i, row in enumerate(rows):
        if i >= n or not all(c in row for c in columns) or cell_problems(schema, i, row):
            return False
        if seen is not None and not seen.add(row[key]):
            return False
    return True


def ids_among(rows, key: str, wanted: set) -> set:
    """{row[key] for row in rows} ∩ wanted, in one pass that holds no other ID (none when wanted
    is empty)."""
    return {r[key] for r in rows if r[key] in wanted} if wanted else set()
