"""resources: data rows with unique ids, and word alternations built as tries."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex

from pipeline import resources
from pipeline.errors import PipelineError
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


def first_trie(forms, unit=re.escape) -> str:
    """alternation() as first written (a dict trie, depths memoised per node): the faster
    builder must give the very same string."""
    root: dict = {}
    for form in set(forms):
        node = root
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}
    longest: dict[int, int] = {}

    def depth(node: dict) -> int:
        if id(node) not in longest:
            longest[id(node)] = max((1 + depth(child) for ch, child in node.items() if ch), default=0)
        return longest[id(node)]

    def build(node: dict) -> str:
        keys = sorted((ch for ch in node if ch), key=lambda ch: (-depth(node[ch]), ch))
        alts = [unit(ch) + build(node[ch]) for ch in keys]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root) if root else "(?!)"


def _strings(rows) -> set[str]:
    return {v for row in rows for value in row.values() for v in (value if isinstance(value, list) else [value])
            if isinstance(v, str)}


@pytest.mark.parametrize("forms", [
    [], [""], ["a", ""], ["ab", "a", "b"], ["abc", "ab", "abd", "b", "ba"], FORMS,
    *(sorted(_strings(load_jsonl(name))) for name in
      ["states.jsonl", "organizations.jsonl", "actor_cues.jsonl", "agreements.jsonl", "not_actors.jsonl"]),
])
@pytest.mark.parametrize("unit", [re.escape, lambda ch: {"-": r"[-–\s]?", " ": r"\s+"}.get(ch) or re.escape(ch)])
def test_resources_alternation_is_the_string_the_first_trie_builder_gave(forms, unit):
    assert alternation(forms, unit) == first_trie(forms, unit)


def test_resources_alternation_of_nothing_matches_nothing():
    assert re.search(alternation([]), "anything") is None


@pytest.mark.parametrize("name", ["agreements.jsonl", "states.jsonl", "motive_cues.jsonl", "status_cues.jsonl",
                                  "motive_words.jsonl", "agreement_words.jsonl", "errors.jsonl",
                                  "motive_patterns.jsonl", "agreement_patterns.jsonl"])
def test_resources_rows_have_unique_ids(name):
    ids = [row["id"] for row in load_jsonl(name)]
    assert len(ids) == len(set(ids)) > 0


EXTRACT = Path(__file__).resolve().parent.parent / "pipeline" / "extract"


@pytest.mark.parametrize("name", ["motive_words.jsonl", "agreement_words.jsonl"])
def test_resources_word_lists_are_words_read_by_a_module(name):
    """Each row of a word-list resource holds words (or takes another row's) and names the module
    of pipeline/extract/ that reads it, which does read it by its id."""
    rows = {row["id"]: row for row in load_jsonl(name)}
    for row in rows.values():
        assert row.get("words") or row.get("with"), row["id"]
        assert all(isinstance(w, str) and w.strip() == w != "" for w in row.get("words", ())), row["id"]
        assert set(row.get("with", ())) <= set(rows), row["id"]
        source = (EXTRACT / row["used_in"]).read_text(encoding="utf-8")
        assert f'word_list("{name}", "{row["id"]}")' in source, row["id"]


@pytest.mark.parametrize("name", ["motive_patterns.jsonl", "agreement_patterns.jsonl"])
def test_resources_patterns_compile_and_are_read_by_a_module(name):
    """Each row of a pattern resource is a regex the module it names compiles (by its id)."""
    rows = load_jsonl(name)
    assert rows
    for row in rows:
        regex.compile(row["pattern"])
        source = (EXTRACT / row["used_in"]).read_text(encoding="utf-8")
        assert f'pattern_text("{name}", "{row["id"]}")' in source, row["id"]


def test_resources_pattern_text_refuses_an_unknown_id(tmp_path):
    (tmp_path / "p.jsonl").write_text('{"id": "quay", "pattern": "quays?"}\n', encoding="utf-8")
    assert resources.pattern_text("p.jsonl", "quay", tmp_path) == "quays?"
    with pytest.raises(PipelineError, match=r"E050.*'pier'"):
        resources.pattern_text("p.jsonl", "pier", tmp_path)


def test_resources_word_list_takes_the_rows_it_names_and_refuses_an_unknown_id(tmp_path):
    (tmp_path / "words.jsonl").write_text(
        '{"id": "harbours", "words": ["quay", "pier"]}\n'
        '{"id": "coasts", "with": ["harbours"], "words": ["cliff"]}\n', encoding="utf-8")
    assert resources.word_list("words.jsonl", "harbours", tmp_path) == {"quay", "pier"}
    assert resources.word_list("words.jsonl", "coasts", tmp_path) == {"quay", "pier", "cliff"}
    with pytest.raises(PipelineError, match=r"E050.*'dunes'"):
        resources.word_list("words.jsonl", "dunes", tmp_path)


SAMPLE = ("Seoul and Tokyo signed the third such agreement, following those with Canberra and Wellington, "
          "after the two countries agreed to a ceasefire; the Acquisition and Cross-Servicing (ACSA) agreement "
          "was suspended as Moscow was suspending its participation. Posted on: 12 May 2024. Published: June 3, "
          "2024, amid security concerns over missiles and trade.")


@pytest.mark.parametrize("module", ["extract.agreements", "extract.motives", "read.pubdate", "extract.dates.candidates"])
def test_resources_patterns_on_the_regex_module_match_as_under_re(module):
    """Hot patterns compiled with the regex module (faster) find exactly what re would."""
    import importlib

    import regex

    mod = importlib.import_module(f"pipeline.{module}")
    patterns = [p for p in vars(mod).values() if isinstance(p, regex.Pattern)]
    patterns += [p for v in vars(mod).values() if isinstance(v, list) for p in v if isinstance(p, regex.Pattern)]
    assert patterns, module
    for p in patterns:
        plain = re.compile(p.pattern, re.I if p.flags & regex.I else 0)
        assert [m.span() for m in p.finditer(SAMPLE)] == [m.span() for m in plain.finditer(SAMPLE)], p.pattern


NOT_AFTER_TEXT = ("the Paris agreement, xthe Oslo accords, the Minsk deal and the-Minsk deal; Treaty of Rome, "
                  "preTreaty of Lisbon, -Treaty of Nice, Treaty on Ice. RCEP, xRCEP and AUKUS-RCEPs (RCEPs).")


@pytest.mark.parametrize("core", [
    r"the\s+([A-Z][a-z]+)\s+(agreement|accords?|deal)s?(?![\w-])",
    r"(Treaty (?:of|on) [A-Z]\w+)",
    r"(RCEP|AUKUS)(s)?(?![\w-])",
])
def test_resources_not_after_finds_what_the_lookbehind_regex_finds(core):
    from pipeline.resources import NotAfter
    fast, plain = NotAfter(r"[\w-]", core), re.compile(r"(?<![\w-])" + core)
    for lo in range(0, len(NOT_AFTER_TEXT), 5):
        text = NOT_AFTER_TEXT[lo:]
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], lo
    assert len(list(fast.finditer(NOT_AFTER_TEXT))) >= 2     # (the text has matches to compare)


def test_resources_lowered_refuses_every_character_scanned_apart():
    """Where lowered gives text.lower(), a pattern in lowercase (ASCII letters, \\d, \\s, \\w, \\b,
    punctuation) scans it without IGNORECASE as it scans the text with IGNORECASE, under re and
    the regex module alike: checked over every code point."""
    import re
    import string

    import regex

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    kept = resources._SCANNED_APART.sub("", every)        # the characters lowered lets through
    assert resources.lowered("Plain text, 2015’s “quotes” — é ü ß") is not None
    low = kept.lower()
    assert len(low) == len(kept)                         # each lowers to one character
    changed = {c: x for c, x in zip(kept, low) if c != x}
    assert all(x.isalpha() or not x.isascii() for x in changed.values())    # none to ASCII punctuation
    for engine in (re, regex):
        # IGNORECASE takes c for an ASCII letter just where c.lower() is that letter
        taken = set(engine.findall("|".join(string.ascii_lowercase), kept, engine.I))
        assert taken == set(string.ascii_lowercase) | {c for c, x in changed.items() if x in string.ascii_lowercase}
        assert all([x for x in string.ascii_lowercase if engine.fullmatch(x, c, engine.I)] == [c.lower()] for c in taken)
        for cls in (r"\d", r"\s", r"\w"):                # lower() keeps each class, so \b too
            member = set(engine.findall(cls, kept))
            assert all((c in member) == (x in member) for c, x in changed.items()), (engine, cls)
    for cls in (r"\d", r"\s"):                            # the engines agree on the classes the full-date forms use
        assert set(re.findall(cls, kept)) == set(regex.findall(cls, kept)), cls


@pytest.mark.parametrize("pattern, expected", [
    (r"\bwithdr(?:aw|ew)\b\s+(?:\S+\s+){0,3}?out(?! of)", True),
    (r"(?P<Year>\d{4})[-./](?P=Year)(?<!x)(?=y)", True),     # group names are not letters of the text
    (r"parliament[’']s", True),                                # curly apostrophe: not a letter
    (r"\bTreaty\b", False),
    (r"[A-Z]{2,4}", False),
    (r"(?i:pact)", False),
    (r"caf\u00e9", False),                                    # a character spelt by its code
    (r"\p{Lu}", False),
    (r"café", False),                                          # a letter outside ASCII
])
def test_resources_written_in_lowercase(pattern, expected):
    assert resources.written_in_lowercase(pattern) is expected
