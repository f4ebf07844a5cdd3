"""The agreement register (pipeline/write/register.py): merge keys, history, status and conflicts,
the analysts' decisions across re-runs, the `register` command; on our own articles through the
whole pipeline; and against a register gold derived from the shared dev and train gold."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.schemas import REGISTER, STATUS_EVENTS, validate
from pipeline.write import csvio, register


# ---------------------------------------------------------------- hand-built rows
def _ag(aid: str, article: str, name: str, parties: str, status: str = "signed", status_date: str = "",
        acronym: str = "", kind: str = "defense", n: int = 0) -> dict:
    return {"agreement_id": aid, "article_id": article, "name": name, "acronym": acronym, "kind": kind,
            "parties": parties, "status": status, "status_date": status_date, "sentence_ids": f"{article}:{n}",
            "evidence": f"sentence {n} of {article}", "confidence": "0.90", "review_status": "pending",
            "reviewer": "", "review_note": "", "source_link": f"report/{article}.html#s{n}"}


def _arts(**published) -> list[dict]:
    return [{"article_id": a, "published": p, "title": a} for a, p in published.items()]


def _by_ids(reg) -> dict[frozenset, dict]:
    return {frozenset(r["agreement_ids"].split("; ")): r for r in reg.rows}


@pytest.mark.parametrize("rows,groups", [
    # a pairwise catalogued instrument: one row per party set
    ([_ag("a1", "x", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA"),
      _ag("a2", "y", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA"),
      _ag("a3", "y", "Acquisition and Cross-Servicing Agreement", "Chile; Japan", acronym="ACSA")],
     [{"a1", "a2"}, {"a3"}]),
    # a named multilateral treaty: one row whatever subset of parties an article names
    ([_ag("b1", "x", "Paris Agreement", "Peru", kind="climate"),
      _ag("b2", "y", "Paris Agreement", "Chile; Peru", kind="climate")],
     [{"b1", "b2"}]),
    # generic instruments: kind + party set + name words (party names and heads aside)
    ([_ag("c1", "x", "Estonia-Latvia Border Patrol Pact", "Estonia; Latvia"),
      _ag("c2", "y", "Border Patrol Agreement", "Estonia; Latvia"),
      _ag("c3", "z", "Fisheries Agreement", "Estonia; Latvia"),
      _ag("c4", "z", "Border Patrol Agreement", "Estonia; Lithuania")],
     [{"c1", "c2"}, {"c3"}, {"c4"}]),
    # a row naming only one of the parties joins the one group that holds it
    ([_ag("d1", "x", "Visiting Forces Agreement", "Peru", acronym="VFA"),
      _ag("d2", "y", "Visiting Forces Agreement", "Peru; Spain", acronym="VFA")],
     [{"d1", "d2"}]),
    # ... but not when two groups hold it
    ([_ag("e1", "x", "Visiting Forces Agreement", "Peru", acronym="VFA"),
      _ag("e2", "y", "Visiting Forces Agreement", "Peru; Spain", acronym="VFA"),
      _ag("e3", "z", "Visiting Forces Agreement", "Chile; Peru", acronym="VFA")],
     [{"e1"}, {"e2"}, {"e3"}]),
])
def test_register_merges_rows_of_one_agreement(rows, groups):
    reg = register.assemble(rows, _arts(x="2020-01-01", y="2021-01-01", z="2022-01-01"))
    assert sorted(map(sorted, (set(r["agreement_ids"].split("; ")) for r in reg.rows))) == sorted(map(sorted, groups))
    validate(REGISTER, reg.rows)
    validate(STATUS_EVENTS, reg.events)


def test_register_keeps_apart_two_similar_names_of_one_article():
    """One article naming two instruments of one kind and party set side by side tells them apart,
    however many words their names share; another article naming one of them joins that one, and a
    third naming them more loosely joins at most one of the two."""
    rows = [_ag("f1", "x", "Annex on Fishing Quotas", "Chile; Peru", kind="fisheries"),
            _ag("f2", "x", "Annex on Fishing Licences", "Chile; Peru", kind="fisheries"),
            _ag("f3", "y", "Chile-Peru Annex on Fishing Quotas", "Chile; Peru", kind="fisheries"),
            _ag("f4", "z", "Annex on Fishing", "Chile; Peru", kind="fisheries")]
    reg = register.assemble(rows, _arts(x="2020-01-01", y="2021-01-01", z="2022-01-01"))
    groups = [set(r["agreement_ids"].split("; ")) for r in reg.rows]
    assert not any({"f1", "f2"} <= g for g in groups)
    assert any({"f1", "f3"} <= g for g in groups) and len(groups) == 2
    # in two articles, the same two names are one instrument named two ways (words shared)
    apart = [dict(rows[1], article_id="w", sentence_ids="w:0", source_link="report/w.html#s0"), rows[0]]
    assert len(register.assemble(apart, _arts(x="2020-01-01", w="2021-01-01")).rows) == 1


def test_register_unions_parties_and_names_which_article_names_each():
    rows = [_ag("b1", "x", "Paris Agreement", "Peru", kind="climate"),
            _ag("b2", "y", "Paris Agreement", "Chile; Peru", kind="climate")]
    reg = register.assemble(rows, _arts(x="2020-01-01", y="2021-01-01"))
    (row,) = reg.rows
    assert row["parties"] == "Chile; Peru" and row["n_articles"] == 2
    assert register.party_articles(reg.members[row["register_id"]]) == {"Chile": ["y"], "Peru": ["x", "y"]}
    assert (row["first_reported"], row["last_reported"]) == ("2020-01-01", "2021-01-01")


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0]])
def test_register_id_is_a_hash_of_the_key_not_of_an_article(order):
    base = [_ag("a1", "x", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA"),
            _ag("a2", "y", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA"),
            _ag("a3", "z", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA")]
    arts = _arts(x="2020", y="2021", z="2022")
    full = register.assemble([base[i] for i in order], arts).rows[0]["register_id"]
    alone = register.assemble([base[order[0]]], arts).rows[0]["register_id"]
    assert full == alone


@pytest.mark.parametrize("claims,status,status_date,conflict", [
    # proposed -> signed on a date -> ratified: the latest dated claim
    ([("proposed", "", "2021-01-10"), ("signed", "2021-03-02", "2021-03-05"), ("ratified", "", "2021-09-01")],
     "ratified", "2021-09-01", ""),
    # a later article saying "not yet signed" contradicts the signing
    ([("signed", "2021-03-02", "2021-03-05"), ("under_negotiation", "", "2021-10-01")],
     "under_negotiation", "2021-10-01", "under_negotiation in a1 (2021-10-01) after signed in a0 (2021-03-02)"),
    # talks reported about an earlier time are history, not a contradiction
    ([("signed", "2021-03-02", "2021-03-05"), ("under_negotiation", "2020-06", "2021-10-01")],
     "signed", "2021-03-02", ""),
    # ended, then talks again: no contradiction
    ([("signed", "2015", "2015-05-01"), ("terminated", "2019-02", "2019-02-10"), ("proposed", "", "2020-01-01")],
     "proposed", "2020-01-01", ""),
    # terminated, then in force with no dated event between
    ([("terminated", "2019-02-01", "2019-02-02"), ("in_force", "", "2020-05-05")],
     "in_force", "2020-05-05", "in_force in a1 (2020-05-05) after terminated in a0 (2019-02-01) with no dated event between"),
    # terminated, then back in force on a stated date: a dated event explains it
    ([("terminated", "2019-02-01", "2019-02-02"), ("in_force", "2020-04-01", "2020-05-05")],
     "in_force", "2020-04-01", ""),
    # nothing dated: the most advanced claim, no date
    ([("proposed", "", ""), ("signed", "", "")], "signed", "", ""),
])
def test_register_status_is_the_latest_dated_claim_and_contradictions_are_flagged(claims, status, status_date,
                                                                                    conflict):
    rows = [_ag(f"g{i}", f"a{i}", "Harbour Pilotage Agreement", "Chile; Peru", status=s, status_date=d)
            for i, (s, d, _) in enumerate(claims)]
    arts = [{"article_id": f"a{i}", "published": p} for i, (_, _, p) in enumerate(claims)]
    (row,) = register.assemble(rows, arts).rows
    assert (row["status"], row["status_date"], row["conflict"]) == (status, status_date, conflict)


def test_register_events_are_in_date_order_with_their_sources():
    rows = [_ag("g1", "late", "Harbour Pilotage Agreement", "Chile; Peru", "ratified", "", n=4),
            _ag("g2", "early", "Harbour Pilotage Agreement", "Chile; Peru", "signed", "2019-05-02", n=2),
            _ag("g3", "nodate", "Harbour Pilotage Agreement", "Chile; Peru", "proposed", "", n=1)]
    reg = register.assemble(rows, _arts(late="2020-02-01", early="2019-05-03", nodate=""))
    assert [(e["article_id"], e["sentence_id"]) for e in reg.events] == [
        ("nodate", "nodate:1"), ("early", "early:2"), ("late", "late:4")]


def test_register_leaves_out_rejected_agreement_rows():
    rows = [_ag("a1", "x", "Paris Agreement", "Peru", kind="climate"),
            dict(_ag("a2", "y", "Paris Agreement", "Chile", kind="climate"), review_status="rejected")]
    (row,) = register.assemble(rows, _arts(x="2020", y="2021")).rows
    assert row["agreement_ids"] == "a1" and row["parties"] == "Peru"


# ---------------------------------------------------------------- review decisions across runs
def _tables(*rows: dict) -> dict[str, list[dict]]:
    arts = sorted({r["article_id"] for r in rows})
    return {"agreements": list(rows), "articles": [{"article_id": a, "published": "2022-01-01", "title": a} for a in arts]}


BASE = [_ag("k1", "x", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA", kind="logistics"),
        _ag("k2", "y", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA", kind="logistics"),
        _ag("k3", "y", "Peru-Japan Logistics Accord", "Japan; Peru", kind="other"),
        _ag("k4", "z", "Reciprocal Access Agreement", "Chile; Japan", acronym="RAA", kind="access")]
NEW_ARTICLE = _ag("k5", "w", "Acquisition and Cross-Servicing Agreement", "Japan; Peru", acronym="ACSA",
                  kind="logistics")


def _edit(out: Path, find, **values) -> str:
    path = out / "register.csv"
    header = csvio.read_header(path)
    rows = csvio.read_csv(path)
    hit = [r for r in rows if find(r)]
    assert len(hit) == 1
    hit[0].update(values)
    csvio.write_csv_atomic(path, header, rows)
    return hit[0]["register_id"]


def _row(out: Path, find) -> dict:
    (hit,) = [r for r in csvio.read_csv(out / "register.csv") if find(r)]
    return hit


ACSA = lambda r: "k1" in r["agreement_ids"]            # noqa: E731
ACCORD = lambda r: "k3" in r["agreement_ids"]          # noqa: E731


@pytest.mark.parametrize("then", ["rerun", "new article"])
def test_register_review_accept_and_edit_survive(tmp_path, then):
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    _edit(out, ACSA, review_status="accepted", reviewer="kim", review_note="checked")
    _edit(out, ACCORD, review_status="edited", status="in_force", name="Peru-Japan Logistics Accord (2019)")
    tables = _tables(*BASE, NEW_ARTICLE) if then == "new article" else _tables(*BASE)
    register.build(out, tables, pages=False)
    acsa, accord = _row(out, ACSA), _row(out, ACCORD)
    assert (acsa["review_status"], acsa["reviewer"], acsa["review_note"]) == ("accepted", "kim", "checked")
    assert ("k5" in acsa["agreement_ids"]) == (then == "new article")
    assert (accord["review_status"], accord["status"], accord["name"]) == ("edited", "in_force",
                                                                          "Peru-Japan Logistics Accord (2019)")
    assert [r["register_id"] for r in csvio.read_csv(out / "reviewed" / "register.csv")] == sorted(
        [acsa["register_id"], accord["register_id"]])


@pytest.mark.parametrize("then", ["rerun", "new article"])
def test_register_review_merge_into_survives(tmp_path, then):
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    target = _row(out, ACSA)["register_id"]
    source = _edit(out, ACCORD, merge_into=target, reviewer="kim")
    register.build(out, _tables(*BASE), pages=False)
    tables = _tables(*BASE, NEW_ARTICLE) if then == "new article" else _tables(*BASE)
    register.build(out, tables, pages=False)
    rows = csvio.read_csv(out / "register.csv")
    assert source not in {r["register_id"] for r in rows}
    merged = _row(out, ACSA)
    assert merged["register_id"] == target
    assert {"k1", "k2", "k3"} <= set(merged["agreement_ids"].split("; ")) and merged["n_articles"] == (
        "3" if then == "new article" else "2")
    ledger = csvio.read_csv(out / register.DECISIONS)
    assert [(d["decision"], d["register_id"], d["target"]) for d in ledger] == [("merge_into", source, target)]


def test_review_status_counts_the_register_and_its_decisions(tmp_path, capsys):
    from types import SimpleNamespace

    from pipeline.write import review
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    csvio.write_csv_atomic(out / "agreements.csv", list(BASE[0]), BASE)
    target = _row(out, ACSA)["register_id"]
    _edit(out, lambda r: "k4" in r["agreement_ids"], review_status="accepted", reviewer="kim")
    _edit(out, ACCORD, merge_into=target, reviewer="kim")
    register.build(out, _tables(*BASE), pages=False)
    assert review.cli(SimpleNamespace(output=str(out), review_command="status")) == 0
    lines = capsys.readouterr().out.splitlines()
    (reg,) = [line.split() for line in lines if line.split()[:1] == ["register"] and line.split()[1].isdigit()]
    assert reg[:4] == ["register", "2", "1", "1"]       # 2 rows: 1 pending, 1 accepted (the other merged away)
    assert any("1 merge_into, 0 split" in line for line in lines)


@pytest.mark.parametrize("then", ["rerun", "new article"])
def test_register_review_split_survives(tmp_path, then):
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    before = _edit(out, ACSA, split="yes")
    register.build(out, _tables(*BASE), pages=False)
    tables = _tables(*BASE, NEW_ARTICLE) if then == "new article" else _tables(*BASE)
    register.build(out, tables, pages=False)
    groups = {r["agreement_ids"] for r in csvio.read_csv(out / "register.csv")}
    assert "k1" in groups and "k2" in groups            # each per-article row now a row of its own
    if then == "new article":                           # a later article of the same agreement: a new row
        assert any(r["register_id"] == before and r["agreement_ids"] == "k5"
                   for r in csvio.read_csv(out / "register.csv"))


def test_register_review_follows_a_row_rekeyed_by_a_new_article(tmp_path):
    out = tmp_path / "out"
    only_peru = _ag("v1", "x", "Visiting Forces Agreement", "Peru", acronym="VFA", kind="access")
    register.build(out, _tables(only_peru), pages=False)
    old = _edit(out, lambda r: True, review_status="accepted", reviewer="kim")
    register.build(out, _tables(only_peru, _ag("v2", "y", "Visiting Forces Agreement", "Peru; Spain",
                                               acronym="VFA", kind="access")), pages=False)
    (row,) = csvio.read_csv(out / "register.csv")
    assert row["register_id"] != old and (row["review_status"], row["reviewer"]) == ("accepted", "kim")


@pytest.mark.parametrize("cell,value,fragment", [
    ("review_status", "maybe", "review_status 'maybe'"),
    ("merge_into", "the other one", "merge_into 'the other one'"),
    ("split", "perhaps", "split 'perhaps'"),
])
def test_register_review_invalid_decision_stops_before_writing(tmp_path, cell, value, fragment):
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    _edit(out, ACSA, **{cell: value})
    saved = (out / "register.csv").read_bytes()
    with pytest.raises(PipelineError) as e:
        register.build(out, _tables(*BASE), pages=False)
    assert e.value.code == "E070" and fragment in str(e.value) and "line " in str(e.value)
    assert (out / "register.csv").read_bytes() == saved


def test_register_merge_into_a_missing_row_warns_and_keeps_the_decision(tmp_path):
    out = tmp_path / "out"
    register.build(out, _tables(*BASE), pages=False)
    _edit(out, ACCORD, merge_into="reg-0123456789abcdef")
    reg = register.build(out, _tables(*BASE), pages=False)
    assert any(w.startswith("[E071]") for w in reg.warnings)
    assert len(csvio.read_csv(out / register.DECISIONS)) == 1


# ---------------------------------------------------------------- the command and the pages
def test_register_command_rebuilds_from_the_tables_without_the_model(tmp_path):
    out = tmp_path / "out"
    tables = _tables(*BASE)
    csvio.write_csv_atomic(out / "agreements.csv", list(BASE[0]), tables["agreements"])
    csvio.write_csv_atomic(out / "articles.csv", ["article_id", "published", "title"], tables["articles"])
    code = ("import sys; from pipeline.cli import main; rc = main(['register', '--output', sys.argv[1]]); "
            "assert 'spacy' not in sys.modules, 'the register imported spaCy'; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(csvio.read_csv(out / "register.csv")) == 3 and len(csvio.read_csv(out / "status_events.csv")) == 4
    page = (out / "report" / "register" / "index.html").read_text(encoding="utf-8")
    script = re.search(r"<script>(.*)</script>", page, re.S).group(1)
    from pipeline.write.register_report import script_hash
    assert f"script-src '{script_hash(script)}'" in page          # the one inline script, allowed by its hash


def test_register_command_without_tables_says_what_to_do(tmp_path, capsys):
    from pipeline.cli import main
    assert main(["register", "--output", str(tmp_path)]) == 2
    assert "[E073]" in capsys.readouterr().err


def test_register_agreement_page_links_each_timeline_point_to_its_sentence(tmp_path):
    out = tmp_path / "out"
    rows = [_ag("g1", "a1", "Harbour Pilotage Agreement", "Chile; Peru", "signed", "2019-05-02", n=3),
            _ag("g2", "a2", "Harbour Pilotage Agreement", "Chile; Peru", "ratified", "2020-01", n=5),
            _ag("g3", "a3", "Harbour Pilotage Agreement", "Chile; Peru", "in_force", "2020-06-01", n=1)]
    reg = register.build(out, _tables(*rows))
    page = (out / "report" / "register" / f"{reg.rows[0]['register_id']}.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert all(f'xlink:href="../{a}.html#s{n}"' in svg for a, n in (("a1", 3), ("a2", 5), ("a3", 1)))


# One party's agreements with two others, dated, for the corpus-level timeline (a party page).
PARTY_ROWS = [_ag("h1", "a1", "Harbour Pilotage Agreement", "Chile; Peru", "proposed", "2018-02-01", n=2),
              _ag("h2", "a2", "Harbour Pilotage Agreement", "Chile; Peru", "signed", "2019-05-02", n=4),
              _ag("h3", "a3", "Desert Telescope Accord", "Bolivia; Chile", "signed", "2020-07-09", kind="science", n=1),
              _ag("h4", "a4", "Glacier Monitoring Pact", "Chile; Peru", "ratified", "2021-03", kind="climate", n=6)]


def test_register_party_page_draws_all_its_agreements_each_point_linked_to_its_sentence(tmp_path):
    from pipeline.write import register_report
    out = tmp_path / "out"
    reg = register.build(out, _tables(*PARTY_ROWS))
    folder = out / "report" / "register"
    index = (folder / "index.html").read_text(encoding="utf-8")
    party = register_report.party_page("Chile")
    assert f'href="{party}"' in index                       # reachable from the register
    page = (folder / party).read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    for aid, article, n in (("h1", "a1", 2), ("h2", "a2", 4), ("h3", "a3", 1), ("h4", "a4", 6)):
        assert f'xlink:href="../{article}.html#s{n}"' in svg, aid      # every event, to its sentence
    # one section per other party: the pair Chile-Peru holds two agreements, Chile-Bolivia one
    peru = page[page.index(f'id="{register_report.partner_anchor("Peru")}"'):]
    peru = peru[:peru.index("</table>")]
    assert "Harbour Pilotage Agreement" in peru and "Glacier Monitoring Pact" in peru
    assert "Desert Telescope Accord" not in peru
    # the register row of a pair links to that pair's section, which exists
    href = register_report.pair_href("Chile", "Peru")
    assert f'href="{href}"' in index and href.split("#")[0] == party
    assert len(reg.rows) == 3


def test_register_pages_drawn_in_a_pool_are_the_pages_drawn_one_by_one(tmp_path, monkeypatch):
    from pipeline.write import register_report
    if not register_report._can_fork():
        # another thread runs in this process (left by an earlier test of the suite), so the pool
        # would not fork here: run this test alone in a fresh interpreter, where it can
        if "fork" not in register_report.multiprocessing.get_all_start_methods():
            pytest.skip("this platform cannot fork: pages are drawn one by one")
        assert not os.environ.get("POOL_TEST_ALONE"), "a fresh interpreter should have no other thread"
        test_id = f"{Path(__file__).relative_to(PROJECT_ROOT)}::{sys._getframe().f_code.co_name}"
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_id],
                              cwd=PROJECT_ROOT, env={**os.environ, "POOL_TEST_ALONE": "1"},
                              capture_output=True, text=True)
        assert done.returncode == 0 and " passed" in done.stdout, done.stdout + done.stderr
        return
    rows = PARTY_ROWS + [_ag("h5", "a5", "Desert Telescope Accord", "Bolivia; Chile", "ratified", "2021-01-02",
                             kind="science", n=3),
                         _ag("h6", "a6", "Desert Telescope Accord", "Bolivia; Chile", "in_force", "2022-02-03",
                             kind="science", n=2)]
    pages = {}
    forks = []
    real = register_report.multiprocessing.get_context
    monkeypatch.setattr(register_report.multiprocessing, "get_context", lambda m: forks.append(m) or real(m))
    for workers, batch in ((1, None), (2, None), (2, 1)):
        monkeypatch.setattr(register_report, "PAGE_WORKERS", workers)
        monkeypatch.setattr(register_report, "POOL_FROM", 1)
        out = tmp_path / f"out{workers}-{batch}"
        register.build(out, _tables(*rows), settings={"output": {"register_batch": batch} if batch else {}})
        pages[workers, batch] = {p.name: p.read_bytes() for p in (out / "report" / "register").glob("*.html")}
    # the second and third builds drew in a pool, one a build: the third's, started at its first
    # page batch (of one page), drew every later batch's pictures too
    assert forks == ["fork", "fork"]
    assert sum(b"<svg" in v for v in pages[2, None].values()) >= 3    # agreement and party pictures
    assert pages[1, None] == pages[2, None] == pages[2, 1]


def test_register_built_on_disk_in_small_batches_writes_what_a_roomy_build_writes(tmp_path):
    """The build groups its rows in a scratch SQLite file and makes its pages a batch at a time
    ([output] register_cache_mb, register_batch): the smallest settings write the same files as
    the defaults, the scratch file is gone afterwards, and a re-run renders no page."""
    from pipeline.write import register_report
    rows = PARTY_ROWS + [_ag("h5", "a5", "Desert Telescope Accord", "Bolivia; Chile", "ratified", "2021-01-02",
                             kind="science", n=3), *BASE]
    outs = {}
    for name, limits in (("roomy", {}), ("tight", {"register_cache_mb": 1, "register_batch": 1})):
        out = tmp_path / name
        reg = register.build(out, _tables(*rows), settings={"output": limits})
        outs[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                      if p.is_file() and ".cache" not in p.parts}
        assert not list(out.glob(".register-*")) and not list(out.glob(".spool-*"))
        assert reg.n_members == len(rows) and reg.n_events == len(rows)
    assert outs["tight"] == outs["roomy"]
    assert sum(n.startswith("report/register/") for n in outs["roomy"]) > 5
    again = register.assemble(_tables(*rows)["agreements"], _tables(*rows)["articles"])
    assert register_report.write_pages(tmp_path / "tight", again, 1) == 0


def test_register_picture_bytes_do_not_depend_on_the_pictures_drawn_before(monkeypatch):
    """One Figure is reused for every picture of a process: a picture must come out the same
    whether it is drawn first, after a taller one, or after one whose dates fit in one year."""
    from pipeline.write import register_report

    def lane(label, *dates):
        return (label, [{"status": s, "event_date": d, "published": "", "href": f"../{label}.html#s{i}"}
                        for i, (s, d) in enumerate(zip(("proposed", "signed", "in_force"), dates))])
    wide = [lane(f"Pact {i} · Neighbourland", f"{2001 + i}-03-04", f"{2009 + i}-11") for i in range(12)]
    statuses = [lane("signed", "2019-05-02", "2019-06"), lane("ratified", "2019-09-30")]
    short = [lane("River Ferry Accord", "2020-02-01", "2021-07-15")]

    def draw(lanes, by_status=False):
        return register_report.timeline_svg(lanes, lanes_are_statuses=by_status)
    monkeypatch.setattr(register_report, "_CANVAS", {})
    alone = {"wide": draw(wide), "statuses": None, "short": None}
    monkeypatch.setattr(register_report, "_CANVAS", {})
    alone["statuses"] = draw(statuses, True)
    monkeypatch.setattr(register_report, "_CANVAS", {})
    alone["short"] = draw(short)
    after = [draw(short), draw(wide), draw(statuses, True), draw(short), draw(wide)]
    assert after == [alone["short"], alone["wide"], alone["statuses"], alone["short"], alone["wide"]]
    assert all(v.startswith("<svg") for v in alone.values())
    assert alone["statuses"].count('xlink:href="../') == 3 and alone["wide"].count('xlink:href="../') == 24


def test_register_pages_a_new_article_redraws_only_the_pages_it_touches(tmp_path):
    from pipeline.write import register_report
    out = tmp_path / "out"
    tables = _tables(*PARTY_ROWS)
    reg = register.assemble(tables["agreements"], tables["articles"])
    first = register_report.write_pages(out, reg)
    assert first == len(list((out / "report" / "register").glob("*.html")))
    assert register_report.write_pages(out, register.assemble(tables["agreements"], tables["articles"])) == 0
    tables = _tables(*PARTY_ROWS, _ag("h7", "a7", "Desert Telescope Accord", "Bolivia; Chile", "in_force", "2023-01-05",
                                      kind="science", n=1))
    again = register_report.write_pages(out, register.assemble(tables["agreements"], tables["articles"]))
    # the index, the accord's page and the pages of its two parties; not the other agreements' pages
    # nor Peru's
    assert again == 4 < first


# ---------------------------------------------------------------- our own articles, whole pipeline
# Four short reports about one invented agreement, written for this test.
OWN = {
    "cable_a_proposal": ("2021-01-12", "Tallinn floats a cable pact\n\nEstonia proposed a maritime security agreement "
                         "with Finland on Monday to protect the undersea cables that cross the Gulf of Finland. "
                         "Officials in Helsinki said they would study the idea."),
    "cable_b_signing": ("2021-03-05", "Neighbours sign cable pact\n\nEstonia and Finland signed a Maritime Security "
                        "Agreement on 2 March 2021 in Tallinn. The two governments said the pact lets their coast "
                        "guards share patrol data."),
    "cable_c_ratified": ("2021-09-01", "Finnish parliament backs cable pact\n\nThe Finnish parliament ratified the "
                         "Maritime Security Agreement with Estonia on 30 August 2021. Estonia ratified it in June."),
}
DOUBT = ("cable_d_doubt", "2021-10-04", "Cable pact stalls\n\nEstonia and Finland are still negotiating the Maritime "
         "Security Agreement, which has not yet been signed, a coast guard official said on Friday.")


def write_own(folder: Path, articles: dict[str, tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, (published, text) in articles.items():
        (folder / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
        (folder / f"{stem}.meta.json").write_text(json.dumps({"published": published}), encoding="utf-8")
    return folder


@pytest.mark.model
def test_register_own_articles_one_row_three_events_then_a_conflict(tmp_path, settings):
    from pipeline.run import run
    corpus, out = write_own(tmp_path / "in", OWN), tmp_path / "out"
    run(corpus, out, settings)
    (row,) = csvio.read_csv(out / "register.csv")
    events = csvio.read_csv(out / "status_events.csv")
    assert (row["status"], row["n_articles"], row["conflict"]) == ("ratified", "3", "")
    assert [e["status"] for e in events] == ["proposed", "signed", "ratified"]
    assert events[1]["event_date"] == "2021-03-02"
    stem, published, text = DOUBT
    write_own(corpus, {stem: (published, text)})
    run(corpus, out, settings)
    (row,) = csvio.read_csv(out / "register.csv")
    assert row["n_articles"] == "4" and "cable_d_doubt" in row["conflict"] and "cable_b_signing" in row["conflict"]


# ---------------------------------------------------------------- against the shared gold
# The register gold: gold agreements of one set (dev, or train) are one real agreement when they
# have the same acronym, or the same name once the words naming their parties are taken out
# ("EU-UK Trade and Cooperation Agreement" = "Trade and Cooperation Agreement" for the EU and the UK),
# and the same parties, or one party list inside the other (a treaty named with some of its parties);
# or, in two articles, the same parties and a descriptive word in common (the shared scorer's rule for
# an instrument named in several ways: a formal title in one article, a description in another).
# Parties are compared as states: the gold lists a bloc agreement's parties as the text names them
# (GOLD.md: the bloc in one article, its member states in another), so a bloc stands for its members.
# Predicted per-article rows are matched to the gold agreements of their article with the shared
# scorer's matching; merge precision and recall are pairwise over the matched rows: of the pairs the
# register puts in one row, the share the gold puts in one agreement, and the other way round.
BLOCS = {   # bloc (and another name of it): its member states (2025)
    "EFTA": ("European Free Trade Association", ["Iceland", "Liechtenstein", "Norway", "Switzerland"]),
    "Mercosur": ("Mercosul", ["Argentina", "Bolivia", "Brazil", "Paraguay", "Uruguay"]),
    "Gulf Cooperation Council": ("GCC", ["Bahrain", "Kuwait", "Oman", "Qatar", "Saudi Arabia", "United Arab Emirates"]),
    "ASEAN": ("Association of Southeast Asian Nations", ["Brunei", "Cambodia", "Indonesia", "Laos", "Malaysia",
                                                        "Myanmar", "Philippines", "Singapore", "Thailand", "Vietnam"]),
    "Pacific Alliance": ("Alianza del Pacifico", ["Chile", "Colombia", "Mexico", "Peru"]),
    "European Union": ("EU", ["Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czech Republic", "Denmark",
                              "Estonia", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland", "Italy",
                              "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland", "Portugal",
                              "Romania", "Slovakia", "Slovenia", "Spain", "Sweden"]),
}


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_score", PROJECT_ROOT.parent / "shared" / "tools" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def gold_groups(gold: list[dict], score) -> dict[tuple[str, int], int]:
    """(article_id, index of the agreement in its gold line) -> real-agreement number."""
    items = [(g["article_id"], i, a) for g in gold for i, a in enumerate(g.get("agreements", []))]
    members = {score.norm(n): {score.norm(m) for m in states} for bloc, (alias, states) in BLOCS.items()
               for n in (bloc, alias)}

    def named(a: dict) -> set[str]:
        return {score.norm(p) for p in a.get("parties", [])}

    def states(a: dict) -> set[str]:
        return {m for p in named(a) for m in members.get(p, {p})}

    def party_words(a: dict) -> set[str]:
        return {w for p in named(a) for w in p.split()} | {"eu", "uk", "us", "u", "s"}

    def core(a: dict) -> str:
        return " ".join(w for w in score.norm(a.get("name")).split() if w not in party_words(a))

    def descriptive(a: dict) -> set[str]:
        return {w for w in score.toks(a.get("name")) if w not in party_words(a) and w not in score.HEADS}
    up = list(range(len(items)))

    def find(i):
        while up[i] != i:
            i = up[i]
        return i
    for x in range(len(items)):
        for y in range(x + 1, len(items)):
            a, b = items[x][2], items[y][2]
            pa, pb = states(a), states(b)
            same_name = (a.get("acronym") and a.get("acronym") == b.get("acronym")) or core(a) == core(b)
            named_two_ways = (items[x][0] != items[y][0] and pa and pa == pb      # one article lists both: two
                              and descriptive(a) & descriptive(b))
            if (same_name and (pa <= pb or pb <= pa)) or named_two_ways:
                up[find(y)] = find(x)
    return {(aid, i): find(k) for k, (aid, i, _) in enumerate(items)}


def merge_scores(out: Path, gold: list[dict]) -> dict:
    score = _scorer()
    groups = gold_groups(gold, score)
    reg_of = {a: r["register_id"] for r in csvio.read_csv(out / "register.csv") for a in r["agreement_ids"].split("; ")}
    preds = defaultdict(list)
    for row in csvio.read_csv(out / "agreements.csv"):
        preds[row["article_id"]].append(row)
    matched = []                                    # (register_id, gold group)
    for g in gold:
        p = preds[g["article_id"]]
        for i, j in score.greedy(p, g.get("agreements", []), score.agreement_sim, 0.5):
            matched.append((reg_of[p[i]["agreement_id"]], groups[(g["article_id"], j)]))
    both = same_reg = same_gold = 0
    for x in range(len(matched)):
        for y in range(x + 1, len(matched)):
            r, g = matched[x][0] == matched[y][0], matched[x][1] == matched[y][1]
            same_reg += r
            same_gold += g
            both += r and g
    return {"precision": both / same_reg if same_reg else 1.0, "recall": both / same_gold if same_gold else 1.0,
            "pairs_register": same_reg, "pairs_gold": same_gold, "matched_rows": len(matched),
            "gold_agreements": len(set(groups.values())), "register_rows": len(set(reg_of.values()))}


@pytest.fixture(scope="module")
def dev_run(tmp_path_factory, shared_dir):
    from pipeline.config import load_settings
    from pipeline.run import run
    out = tmp_path_factory.mktemp("register-dev") / "out"
    run(shared_dir / "corpus" / "dev", out, load_settings())
    return out


@pytest.mark.model
def test_register_dev_merge_precision_and_recall(dev_run, shared_dir):
    gold = [json.loads(line) for line in (shared_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    s = merge_scores(dev_run, gold)
    print(f"\nregister merge on dev: {json.dumps(s)}")
    assert s["pairs_gold"] > 0
    assert s["precision"] >= 0.95 and s["recall"] >= 0.95, s


@pytest.mark.model
def test_register_dev_gsomia_lists_every_article_in_date_order(dev_run, shared_dir):
    gold = [json.loads(line) for line in (shared_dir / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    reporting = {g["article_id"] for g in gold for a in g["agreements"]
                 if a.get("acronym") == "GSOMIA" and set(a["parties"]) == {"Japan", "South Korea"}}
    rows = [r for r in csvio.read_csv(dev_run / "register.csv")
            if r["acronym"] == "GSOMIA" and r["parties"] == "Japan; South Korea"]
    assert len(rows) == 1
    events = [e for e in csvio.read_csv(dev_run / "status_events.csv") if e["register_id"] == rows[0]["register_id"]]
    assert {e["article_id"] for e in events} == reporting and len(reporting) >= 3
    dates = [register.when(e) for e in events]
    assert [d for d in dates if d] == sorted(d for d in dates if d)
    assert dates == sorted(dates, key=lambda d: (d != "", d))          # undated first, then by date


@pytest.mark.model
def test_register_train_merge_scores_reported(tmp_path, shared_dir, settings):
    """Train, the studied split only (eval/SPLITS.md seals t03, t06, ...: never read here); printed,
    not asserted beyond sanity."""
    from evaluation.splits import gold_in_split, link_split
    from pipeline.run import run
    corpus, out = tmp_path / "studied", tmp_path / "out"
    link_split(shared_dir / "corpus" / "train", "studied", corpus)
    run(corpus, out, settings)
    gold = [json.loads(line) for line in (shared_dir / "gold" / "train.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    s = merge_scores(out, gold_in_split(gold, "studied"))
    print(f"\nregister merge on train, studied split: {json.dumps(s)}")
    assert 0.0 <= s["precision"] <= 1.0 and s["matched_rows"] > 0


def test_register_gold_grouping_joins_names_that_differ_only_by_party_words():
    score = _scorer() if (PROJECT_ROOT.parent / "shared" / "tools" / "score.py").exists() else None
    if score is None:
        pytest.skip("../shared/tools/score.py is absent: the shared scorer is needed for this test")
    gold = [{"article_id": "x", "agreements": [{"name": "Peru-Chile Fisheries Agreement", "parties": ["Chile", "Peru"]}]},
            {"article_id": "y", "agreements": [{"name": "Fisheries Agreement", "parties": ["Chile", "Peru"]},
                                                {"name": "Fisheries Agreement", "parties": ["Chile", "Ecuador"]}]}]
    g = gold_groups(gold, score)
    assert g[("x", 0)] == g[("y", 0)] != g[("y", 1)]



def test_register_gold_grouping_reads_a_bloc_as_its_members_and_a_title_as_its_description():
    score = _scorer() if (PROJECT_ROOT.parent / "shared" / "tools" / "score.py").exists() else None
    if score is None:
        pytest.skip("../shared/tools/score.py is absent: the shared scorer is needed for this test")
    gulf = ["Peru", "Bahrain", "Kuwait", "Oman", "Qatar", "Saudi Arabia", "United Arab Emirates"]
    gold = [{"article_id": "x", "agreements": [{"name": "Andes-Gulf Investment Protection Treaty", "acronym": "AGIPT",
                                                "parties": gulf}]},
            {"article_id": "y", "agreements": [{"name": "GCC-Peru Investment Accord", "parties": ["GCC", "Peru"]},
                                                {"name": "Oman-Peru Investment Protection Memorandum", "parties": ["Oman", "Peru"]}]},
            {"article_id": "z", "agreements": [{"name": "Gulf Cooperation Council-Peru Shipping Accord",
                                                "parties": ["Gulf Cooperation Council", "Peru"]}]},
            # one article listing two instruments of one party set: two agreements, words shared or not
            {"article_id": "w", "agreements": [{"name": "Annex on Fishing Quotas", "parties": ["Chile", "Peru"]},
                                                {"name": "Annex on Fishing Licences", "parties": ["Chile", "Peru"]}]}]
    g = gold_groups(gold, score)
    assert g[("x", 0)] == g[("y", 0)]               # the bloc is its members; "investment" in both names
    assert g[("y", 1)] not in (g[("y", 0)], g[("x", 0)])   # one member only: not the same parties
    assert g[("z", 0)] != g[("x", 0)]               # the same parties, nothing in common in the names
    assert g[("w", 0)] != g[("w", 1)]


def test_register_build_again_from_the_same_spooled_rows_is_skipped_until_an_analyst_edits(tmp_path, monkeypatch):
    """A cached re-run gives the build the same spooled rows: once a build has left the review
    files as it found them, the next one with the same rows and files builds and writes nothing;
    an analyst's edit makes it build again."""
    from pipeline.write import spool

    out = tmp_path / "out"

    def spooled() -> dict:
        tables = {}
        for name, rows in _tables(*BASE).items():
            tables[name] = spool.Spool(tmp_path)
            tables[name].extend(rows)
        return tables
    register.build(out, spooled())          # writes register.csv: not yet a fixed point
    register.build(out, spooled())          # finds what it writes
    written = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    built = []
    real = register.assemble
    monkeypatch.setattr(register, "assemble", lambda *a, **k: built.append(1) or real(*a, **k))
    register.build(out, spooled())
    assert built == []
    assert {p: p.stat().st_mtime_ns for p in written} == written
    rid = _edit(out, ACSA, review_status="accepted", reviewer="kim")
    register.build(out, spooled())
    assert built == [1]
    assert _row(out, ACSA)["review_status"] == "accepted"
    assert rid in (out / "reviewed" / "register.csv").read_text(encoding="utf-8")
