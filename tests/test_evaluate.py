import csv
import importlib.util
import json

import pytest

from evaluation.evaluate import (
    calibration_table,
    flat,
    match,
    score,
    sim_actor,
    sim_agreement,
)
from evaluation.floors import check_floors

GOLD = [{
    "article_id": "a1", "published": "2024-05-03",
    "agreements": [{"name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA",
                    "parties": ["Japan", "Chile"], "status": "signed", "date": None, "evidence": []}],
    "actors": [{"name": "Japan", "type": "state"}, {"name": "Chile", "type": "state"},
               {"name": "Ana Ruiz", "type": "person"}],
    "dates": [{"text": "Friday", "value": "2024-05-03"}, {"text": "last week", "value": "2024-W17"}],
    "motives": [{"agreement": "ACSA", "actor": None, "text": "to ease the supply of fuel during joint drills"}],
}]
TABLES = {
    "articles": [{"article_id": "a1", "published": "2024-05-03"}],
    "agreements": [{"article_id": "a1", "name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA",
                    "parties": "Chile; Japan", "status": "signed"},
                   {"article_id": "a1", "name": "Memorandum of Understanding", "acronym": "", "parties": "", "status": "proposed"}],
    "actors": [{"article_id": "a1", "name": "Japan", "type": "state"}, {"article_id": "a1", "name": "U.S.", "type": "state"},
               {"article_id": "a1", "name": "Ruiz", "type": "person"}],
    "dates": [{"article_id": "a1", "text": "Friday", "value": "2024-05-03"}, {"article_id": "a1", "text": "last week", "value": "2024-W16"}],
    "motives": [{"article_id": "a1", "text": "The pact is meant to ease the supply of fuel during joint drills."}],
}


def _write(folder):
    for name, rows in TABLES.items():
        cols = sorted({k for r in rows for k in r})
        with open(folder / f"{name}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)


@pytest.mark.parametrize("field,expected", [
    ("agreements", {"tp": 1, "fp": 1, "fn": 0}), ("parties", {"tp": 2, "fp": 0, "fn": 0}),
    ("actors", {"tp": 2, "fp": 1, "fn": 1}), ("states", {"tp": 1, "fp": 1, "fn": 1}),
    ("dates_span", {"tp": 2, "fp": 0, "fn": 0}), ("dates_value", {"tp": 1, "fp": 1, "fn": 1}),
    ("motives", {"tp": 1, "fp": 0, "fn": 0}),
])
def test_evaluate_counts_by_field(tmp_path, field, expected):
    _write(tmp_path)
    res = score(tmp_path, GOLD)
    assert {k: res[field][k] for k in expected} == expected
    assert res["status_acc"] == 1.0 and res["published_acc"] == 1.0


@pytest.mark.parametrize("preds,golds,pairs", [
    ([{"name": "ACSA", "acronym": "ACSA", "parties": "Japan; Chile"}, {"name": "ACSA", "acronym": "ACSA", "parties": "Japan; Peru"}],
     [{"name": "Acquisition and Cross-Servicing Agreement", "acronym": "ACSA", "parties": ["Japan", "Peru"]}], [(1, 0)]),
])
def test_evaluate_parties_break_ties_between_instances(preds, golds, pairs):
    assert match(preds, golds, sim_agreement, 0.5) == pairs


@pytest.mark.parametrize("a,b,sim", [("Roe", "Jane Roe", 0.8), ("the U.S.", "United States", 1.0), ("Japan", "China", 0.0)])
def test_evaluate_actor_similarity(a, b, sim):
    assert sim_actor(a, b) == sim


@pytest.mark.parametrize("floors,n_problems", [({"agreements_f1": 0.5}, 0), ({"agreements_f1": 0.9}, 1), ({"nosuch": 0.1}, 1)])
def test_evaluate_floors(tmp_path, floors, n_problems):
    _write(tmp_path)
    assert len(check_floors(flat(score(tmp_path, GOLD)), floors)) == n_problems


@pytest.mark.model
def test_evaluate_agrees_with_the_shared_scorer(tmp_path, shared_dir, settings):
    """Every figure the shared scorer prints, equal on the dev set."""
    from pipeline.run import run
    gold_path = shared_dir / "gold" / "dev.jsonl"
    run(shared_dir / "corpus" / "dev", tmp_path, settings)
    theirs = _shared_json(shared_dir, tmp_path, gold_path)
    ours = score(tmp_path, [json.loads(line) for line in open(gold_path) if line.strip()])
    assert {k: ours[k] for k in theirs} == theirs


# ---------------------------------------------------------------- the shared scorer's rules

def _shared_scorer(shared_dir):
    spec = importlib.util.spec_from_file_location("shared_score", shared_dir / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shared_json(shared_dir, outputs, gold_path) -> dict:
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _shared_scorer(shared_dir).main(["score.py", str(outputs), str(gold_path), "--json"])
    return json.loads(buf.getvalue())


@pytest.mark.parametrize("pred_parties,gold_parties,paired", [
    ("Chile; Peru", ["Chile", "Peru"], True),       # same parties, a shared descriptive word
    ("Chile; Bolivia", ["Chile", "Peru"], False),   # other parties: the names alone are too far apart
    ("", [], False),                                # no parties: nothing to pair them on
])
def test_evaluate_instrument_named_two_ways_pairs_on_parties_and_a_word(pred_parties, gold_parties, paired):
    pred = {"name": "Mutual Fisheries Treaty", "acronym": "", "parties": pred_parties}
    gold = {"name": "Chile-Peru Fisheries Treaty", "acronym": "", "parties": gold_parties}
    assert (match([pred], [gold], sim_agreement, 0.5) == [(0, 0)]) is paired


def test_evaluate_party_names_and_heads_are_not_descriptive_words():
    pred = {"name": "Chile Peru Treaty", "acronym": "", "parties": "Chile; Peru"}
    gold = {"name": "Peru-Chile Agreement on Ports and Harbours", "acronym": "", "parties": ["Chile", "Peru"]}
    assert sim_agreement(pred, gold) < 0.5


PARITY_GOLD = GOLD + [{
    "article_id": "a2", "published": "2023-11-20",
    "agreements": [{"name": "Chile-Peru Fisheries Treaty", "acronym": None, "parties": ["Chile", "Peru"],
                    "status": "signed", "date": None, "evidence": []},
                   {"name": "Port Access Memorandum", "acronym": None, "parties": ["Peru", "Ecuador"],
                    "status": "proposed", "date": None, "evidence": []}],
    "actors": [{"name": "Chile", "type": "state"}, {"name": "Peru", "type": "state"},
               {"name": "Andean Fisheries Council", "type": "organization"}],
    "dates": [{"text": "20 November 2023", "value": "2023-11-20"}, {"text": "next year", "value": "2024"}],
    "motives": [{"agreement": None, "actor": "Chile", "text": "to protect the anchovy stocks"}],
}]
PARITY_TABLES = {
    "articles": TABLES["articles"] + [{"article_id": "a2", "published": "2023-11-21"}],
    "agreements": TABLES["agreements"] + [
        {"article_id": "a2", "name": "Mutual Fisheries Treaty", "acronym": "", "parties": "Chile; Peru", "status": "signed"},
        {"article_id": "a2", "name": "Memorandum on Port Access", "acronym": "", "parties": "Ecuador; Peru", "status": "signed"},
        {"article_id": "a2", "name": "Fisheries Treaty", "acronym": "", "parties": "Chile", "status": "signed"}],
    "actors": TABLES["actors"] + [{"article_id": "a2", "name": "Chile", "type": "state"},
                                  {"article_id": "a2", "name": "Fisheries Council", "type": "organization"}],
    "dates": TABLES["dates"] + [{"article_id": "a2", "text": "20 November 2023", "value": "2023-11-20"},
                                {"article_id": "a2", "text": "next year", "value": "2025"}],
    "motives": TABLES["motives"] + [{"article_id": "a2", "text": "Chile signed it to protect the anchovy stocks."},
                                    {"article_id": "a2", "text": "to open new markets"}],
}


def test_evaluate_prints_the_shared_scorers_figures_on_a_fixture(tmp_path, shared_dir):
    for name, rows in PARITY_TABLES.items():
        cols = sorted({k for r in rows for k in r})
        with open(tmp_path / f"{name}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in PARITY_GOLD))
    theirs = _shared_json(shared_dir, tmp_path, gold_path)
    ours = score(tmp_path, PARITY_GOLD)
    # the two-way naming rule pairs the Mutual Fisheries Treaty (both parties) before the bare
    # Fisheries Treaty (one party) can take that gold record
    assert (theirs["agreements"]["tp"], theirs["parties"]["tp"], theirs["parties"]["fn"]) == (3, 6, 0)
    assert {k: ours[k] for k in theirs} == theirs


# ---------------------------------------------------------------- calibration table

def test_evaluate_calibration_table_bins_ece_and_high_share():
    cal = calibration_table([(0.9, True), (0.9, False), (0.2, False), (1.0, True)])
    assert [(b["lo"], b["n"], b["right"]) for b in cal["bins"]] == [(0.2, 1, 0.0), (0.9, 3, 0.667)]
    # |0.2 - 0| * 1/4 + |(0.9 + 0.9 + 1.0)/3 - 2/3| * 3/4
    assert cal["ece"] == pytest.approx(0.05 + 0.75 * abs(2.8 / 3 - 2 / 3), abs=1e-3)
    assert (cal["high_n"], cal["high_right"]) == (3, 0.667)


def test_evaluate_confidence_of_rows_counts_right_when_matched(tmp_path):
    TABLES_C = {**TABLES, "agreements": [dict(r, confidence=c) for r, c in zip(TABLES["agreements"], ("0.85", "0.30"))]}
    _write_tables(tmp_path, TABLES_C)
    cal = score(tmp_path, GOLD)["calibration"]
    assert (cal["n"], cal["right"], cal["high_n"], cal["high_right"]) == (2, 0.5, 1, 1.0)
    assert flat(score(tmp_path, GOLD))["confidence_high_right"] == 1.0


def _write_tables(folder, tables):
    for name, rows in tables.items():
        cols = sorted({k for r in rows for k in r})
        with open(folder / f"{name}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)


# ---------------------------------------------------------------- splits (eval/SPLITS.md)

@pytest.mark.parametrize("name,split", [
    ("t03_some_title.txt", "sealed"), ("t48_x.meta.json", "sealed"), ("t51", "sealed"),
    ("t01_x.txt", "studied"), ("t49_new_article.html", "studied"), ("t10", "studied"),
    ("d01_x.txt", None), ("h41.txt", None), ("notes.txt", None), ("t3_one_digit.txt", None),
])
def test_splits_rule_is_a_function_of_the_name(name, split):
    from evaluation.splits import split_of
    assert split_of(name) == split


def _train_folder(tmp_path):
    src = tmp_path / "train"
    src.mkdir()
    for name in ("t01_a.txt", "t02_b.html", "t02_b.meta.json", "t03_c.txt", "t03_c.meta.json", "t06_d.txt", "README.md"):
        (src / name).write_text("x")
    return src


def test_splits_link_only_the_files_of_the_split(tmp_path):
    from evaluation.splits import link_split
    src = _train_folder(tmp_path)
    dest = tmp_path / "sealed"
    assert link_split(src, "sealed", dest) == 3
    assert sorted(p.name for p in dest.iterdir()) == ["t03_c.meta.json", "t03_c.txt", "t06_d.txt"]
    assert all(p.is_symlink() for p in dest.iterdir())


def test_splits_no_file_of_the_split_is_e042(tmp_path):
    from evaluation.splits import link_split
    from pipeline.errors import PipelineError
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "d01.txt").write_text("x")
    with pytest.raises(PipelineError) as e:
        link_split(tmp_path / "dev", "studied", tmp_path / "out")
    assert e.value.code == "E042"


def _split_fixture(tmp_path):
    """Tables and gold for one studied (t01_a) and one sealed (t03_c) article of our own."""
    gold = [dict(GOLD[0], article_id="t01_a"), dict(GOLD[0], article_id="t03_c")]
    tables = {name: [dict(r, article_id=aid) for aid in ("t01_a", "t03_c") for r in rows]
              for name, rows in TABLES.items()}
    out = tmp_path / "outputs"
    out.mkdir()
    _write_tables(out, tables)
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold))
    return out, gold_path


@pytest.mark.parametrize("split", ["studied", "sealed"])
def test_evaluate_split_scores_only_its_gold(tmp_path, capsys, split):
    from pipeline.cli import main
    out, gold_path = _split_fixture(tmp_path)
    assert main(["evaluate", "--outputs", str(out), "--gold", str(gold_path), "--split", split, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert (res["articles"], res["split"], res["agreements"]["tp"]) == (1, split, 1)
    assert "per_article" not in res


def test_evaluate_per_article_rows_for_studied_articles(tmp_path, capsys):
    from pipeline.cli import main
    out, gold_path = _split_fixture(tmp_path)
    assert main(["evaluate", "--outputs", str(out), "--gold", str(gold_path), "--split", "studied", "--per-article"]) == 0
    printed = capsys.readouterr().out
    assert "t01_a" in printed and "t03_c" not in printed


@pytest.mark.parametrize("split_args", [["--split", "sealed"], []])
def test_evaluate_refuses_per_article_figures_of_sealed_articles(tmp_path, capsys, split_args):
    """with --split sealed, and also when the gold holds a sealed article and no split is given"""
    from pipeline.cli import main
    out, gold_path = _split_fixture(tmp_path)
    for extra in (["--per-article"], ["--per-article", "--json"]):
        assert main(["evaluate", "--outputs", str(out), "--gold", str(gold_path), *split_args, *extra]) == 2
        captured = capsys.readouterr()
        assert "[E043]" in captured.err and "t03_c" not in captured.out + captured.err
