"""Reading gold JSONL files (shared/spec/GOLD.md)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.errors import PipelineError


def read_jsonl_gold(path: str | Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise PipelineError("E040", str(path), f"cannot read gold file ({e})")
