"""Static HTML report: one page per article with every extracted span highlighted, plus an
index. Stub of the foundation issue; the review issue fills it in."""
from __future__ import annotations

from pathlib import Path

from .records import Extraction


def write_article(out_dir: Path, ex: Extraction) -> None:
    """Write report/<article_id>.html for one article."""


def write_index(out_dir: Path, article_rows: list[dict]) -> None:
    """Write report/index.html listing every article."""
