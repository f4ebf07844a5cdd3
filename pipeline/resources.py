"""Load the data files under pipeline/resources/ (JSONL rows with ids), once per process."""
from __future__ import annotations

import json
import re
from functools import lru_cache

from .config import RESOURCES_DIR
from .errors import PipelineError


@lru_cache(maxsize=None)
def load_jsonl(name: str) -> tuple[dict, ...]:
    """Rows of resources/<name>; every row must have a unique 'id'."""
    path = RESOURCES_DIR / name
    rows, ids = [], set()
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise PipelineError("E050", str(path), f"line {i} is not valid JSON ({e.msg})")
            if not isinstance(row, dict) or not row.get("id"):
                raise PipelineError("E050", str(path), f"line {i} has no 'id'")
            if row["id"] in ids:
                raise PipelineError("E050", str(path), f"line {i} repeats id {row['id']}")
            ids.add(row["id"])
            rows.append(row)
    return tuple(rows)


@lru_cache(maxsize=None)
def compiled_patterns(name: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(id, compiled full-line regex) for a resource of {'id', 'pattern'} rows."""
    out = []
    for row in load_jsonl(name):
        try:
            out.append((row["id"], re.compile(row["pattern"], re.I)))
        except re.error as e:
            raise PipelineError("E050", str(RESOURCES_DIR / name), f"{row['id']}: bad pattern ({e})")
    return tuple(out)
