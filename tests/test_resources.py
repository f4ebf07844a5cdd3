"""resources: data rows with unique ids, and word alternations built as tries."""
from __future__ import annotations

import re

import pytest

from pipeline.resources import alternation, load_jsonl

FORMS = ["US", "U.S.", "USA", "United States", "United Kingdom", "Uganda", "UK"]


def old_style(forms) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


@pytest.mark.parametrize("text", [
    "the USA and the US, U.S. troops, United Kingdom and Uganda; USB sticks, a UKIP flyer, the UK",
    "United Statesmen met the United States delegation in Uganda's capital",
])
def test_resources_alternation_matches_like_a_longest_first_alternation(text):
    trie = re.compile(r"(?<!\w)(" + alternation(FORMS) + r")(?!\w)")
    plain = re.compile(r"(?<!\w)(" + old_style(FORMS) + r")(?!\w)")
    assert [m.span(1) for m in trie.finditer(text)] == [m.span(1) for m in plain.finditer(text)] != []


@pytest.mark.parametrize("unit, text, expected", [
    (None, "cross-servicing", ["cross-servicing"]),
    ({"-": r"[-\s]?"}.get, "cross servicing and crossservicing", ["cross servicing", "crossservicing"]),
])
def test_resources_alternation_takes_a_unit_per_character(unit, text, expected):
    pattern = alternation(["cross-servicing"], (lambda ch: unit(ch) or re.escape(ch)) if unit else re.escape)
    assert re.findall(pattern, text) == expected


def test_resources_alternation_of_nothing_matches_nothing():
    assert re.search(alternation([]), "anything") is None


@pytest.mark.parametrize("name", ["agreements.jsonl", "states.jsonl", "motive_cues.jsonl", "status_cues.jsonl"])
def test_resources_rows_have_unique_ids(name):
    ids = [row["id"] for row in load_jsonl(name)]
    assert len(ids) == len(set(ids)) > 0
