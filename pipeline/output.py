"""The write stage: merge the analysts' review columns, validate, write every table atomically,
then the report index. Called once per run with the complete tables."""
from __future__ import annotations

from pathlib import Path

from . import io, report, review
from .schemas import REVIEW_TABLES, TABLES, validate


def merge_reviews(out_dir: Path, tables: dict[str, list[dict]]) -> list[dict]:
    """Merge the review columns on disk into the fresh review tables (in place); returns the
    orphaned reviewed rows."""
    orphans: list[dict] = []
    for name in REVIEW_TABLES:
        previous = io.read_csv(out_dir / TABLES[name].file)
        tables[name], lost = review.merge(name, tables[name], previous)
        orphans.extend(lost)
    return orphans


def write_tables(out_dir: Path, tables: dict[str, list[dict]]) -> None:
    """Validate every table first, then write each atomically: all or nothing per file."""
    for name, rows in tables.items():
        validate(TABLES[name], rows)
    for name, rows in tables.items():
        io.write_csv_atomic(out_dir / TABLES[name].file, TABLES[name].columns, rows)


def finalise(out_dir: Path, tables: dict[str, list[dict]]) -> None:
    merge_reviews(out_dir, tables)
    write_tables(out_dir, tables)
    report.write_index(out_dir, tables["articles"])
