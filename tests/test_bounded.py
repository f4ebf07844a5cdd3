"""Whole-table passes with memory that does not grow with the table (write/bounded): the end of a
run checks and merges spooled tables of any length holding hashes or the analysts' IDs only, with
the results of the plain checks."""
from __future__ import annotations

import tracemalloc

import pytest

from pipeline.schemas import TABLES, SchemaError, validate
from pipeline.write import bounded, review


class Rows:
    """A re-iterable table made afresh at each pass (as a spool reads its file back)."""

    def __init__(self, n: int, make):
        self.n, self.make = n, make

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return (self.make(i) for i in range(self.n))


def _sentence(i: int) -> dict:
    return {"sentence_id": f"article-{i // 40:06d}:{i % 40}-{'x' * 60}", "article_id": f"article-{i // 40:06d}",
            "n": i % 40, "char_start": 0, "char_end": 5, "text": "Words."}


def _outcome(check, schema, rows) -> str:
    try:
        check(schema, rows)
    except SchemaError as e:
        return str(e)
    return "valid"


def test_bounded_hashset_says_whether_a_value_was_added_before():
    seen = bounded.HashSet(3)
    assert [seen.add(v) for v in ("a", "b", "a", 0, 0, "b")] == [True, True, False, True, False, False]


@pytest.mark.parametrize("change", ["none", "repeat a key", "empty a required cell", "drop a column",
                                    "unknown review status", "one row more than len()"])
def test_bounded_validate_table_says_what_schemas_validate_says(monkeypatch, change):
    """Any problem sends the rows to schemas.validate, so the error names the same rows in the same words."""
    monkeypatch.setattr(bounded, "HASHED_FROM", 10)
    rows = [{c: f"{c}-{i}" for c in TABLES["dates"].columns} | {"review_status": "pending", "value": "2024"}
            for i in range(30)]
    if change == "repeat a key":
        rows[17]["date_id"] = rows[3]["date_id"]
    elif change == "empty a required cell":
        rows[12]["text"] = ""
    elif change == "drop a column":
        del rows[29]["why"]
    elif change == "unknown review status":
        rows[0]["review_status"] = "fine"
    table = Rows(30, lambda i: rows[i])
    if change == "one row more than len()":     # a table that grew after len()
        table.n = 29
        table.__class__ = type("Grown", (Rows,), {"__iter__": lambda self: iter(rows)})
    assert _outcome(bounded.validate_table, TABLES["dates"], table) == _outcome(validate, TABLES["dates"], list(table))
    if change not in ("none", "one row more than len()"):
        assert _outcome(bounded.validate_table, TABLES["dates"], table) != "valid"


def test_bounded_two_keys_of_one_hash_are_decided_by_their_values(monkeypatch):
    """-1 and -2 are different keys of one hash in CPython: not taken for a repeat."""
    assert hash(-1) == hash(-2)
    monkeypatch.setattr(bounded, "HASHED_FROM", 2)
    schema = TABLES["errors"].__class__("keyed", ["k"], key="k")
    assert _outcome(bounded.validate_table, schema, [{"k": -1}, {"k": -2}, {"k": 3}]) == "valid"
    assert "duplicate k -1" in _outcome(bounded.validate_table, schema, [{"k": -1}, {"k": -2}, {"k": -1}])


def _peak(check, rows) -> int:
    tracemalloc.start()
    try:
        check(TABLES["sentences"], rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_bounded_validate_table_holds_hashes_not_the_keys():
    """50,000 keys of about 80 characters: schemas.validate holds them all (over 5 MB), the pass
    about 1 MB."""
    table = Rows(50_000, _sentence)
    assert _peak(bounded.validate_table, table) < 1_500_000 < 5_000_000 < _peak(validate, table)


def test_bounded_ids_among_keeps_only_the_ids_asked_about():
    rows = [{"id": f"r{i}"} for i in range(10)]
    assert bounded.ids_among(rows, "id", {"r3", "r7", "gone"}) == {"r3", "r7"}
    assert bounded.ids_among(iter(()), "id", set()) == set()


def test_bounded_merge_without_analyst_rows_writes_this_runs_rows_as_they_are():
    """No analyst row on disk for the table: the merge hands back this run's rows, not a copy."""
    fresh = [{c: "" for c in TABLES["motives"].columns} | {"motive_id": f"mo-{i}", "article_id": "a",
                                                         "text": "to trade", "review_status": "pending"}
             for i in range(3)]
    out, orphans = review.merge("motives", fresh, [], current_articles={"a": "sha"})
    assert out is fresh and orphans == []


def test_bounded_merge_asks_only_about_the_analysts_ids(monkeypatch):
    """An accepted row, a row whose ID cell was emptied and a row gone from the run: the merge
    keeps the decision, gives the emptied row its ID back and orphans the gone one, while it
    holds none of the other IDs of the table."""
    cols = TABLES["motives"].columns
    fresh = [{c: "" for c in cols} | {"motive_id": f"mo-{i}", "article_id": "a", "text": f"reason {i}",
                                     "review_status": "pending"} for i in range(200)]
    prev = [dict(fresh[5], review_status="accepted", reviewer="kim"),
            dict(fresh[9], motive_id="", review_status="rejected"),
            dict(fresh[0], motive_id="mo-gone", text="an old reason", review_status="accepted")]
    asked: list[set] = []
    real = review.ids_among
    monkeypatch.setattr(review, "ids_among", lambda rows, key, wanted: (asked.append(set(wanted)),
                                                                       real(rows, key, wanted))[1])
    out, orphans = review.merge("motives", fresh, prev, current_articles={"a": "sha"})
    assert asked == [{"mo-5", "", "mo-gone"}]
    by_id = {r["motive_id"]: r for r in out}
    assert (by_id["mo-5"]["review_status"], by_id["mo-5"]["reviewer"]) == ("accepted", "kim")
    assert by_id["mo-9"]["review_status"] == "rejected"
    assert [o["row_id"] for o in orphans] == ["mo-gone"] and len(out) == 200
