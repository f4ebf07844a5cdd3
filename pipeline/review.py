"""Review merge: analysts' decisions in the review tables survive every re-run.

Stub of the foundation issue; the review issue fills it in. `merge` receives the freshly
extracted rows of one review table and the rows currently on disk, and returns the rows to
write plus the orphaned reviewed rows.
"""
from __future__ import annotations


def merge(table: str, fresh: list[dict], previous: list[dict]) -> tuple[list[dict], list[dict]]:
    """(rows to write, orphans). Foundation behaviour: fresh rows as they are, no orphans."""
    return fresh, []


def cli(args) -> int:
    """`python -m pipeline review status|pending` (filled in by the review issue)."""
    print("review commands are not implemented yet", flush=True)
    return 2
