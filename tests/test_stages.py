"""The run in stages (clean -> extract -> tables), each reading only the previous stage's folder.
Articles are written in our own sentences."""
from __future__ import annotations

import csv
import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.cli import main
from pipeline.config import PROJECT_ROOT
from pipeline.records import Extraction
from pipeline.schemas import TABLES
from tests.tables_fixture import extractions

PACT = ("Home\n"
        "Share this story\n"
        "Estonia and Finland signed the Baltic Ferry Safety Pact on 4 March 2022 in Tallinn.\n"
        "The two governments said the pact was meant to reduce accidents on the busy crossing.\n")
TALKS = ("Ghana and Togo opened talks on a Border Market Agreement in Lome on Monday.\n"
         "Officials said the deal would ease the movement of traders between the two countries.\n")


def _corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "ferry_pact.txt").write_text(PACT, encoding="utf-8")
    (src / "ferry_pact.meta.json").write_text(json.dumps({"title": "Ferry pact signed", "published": "2022-03-05",
                                                          "url": "https://news.example/ferry-pact"}), encoding="utf-8")
    (src / "border_talks.txt").write_text(TALKS, encoding="utf-8")
    (src / "menu_only.txt").write_text("Home\nMenu\n", encoding="utf-8")     # nothing left: E008
    return src


def _index(folder: Path) -> dict:
    return json.loads((folder / "index.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- clean
def test_stages_clean_writes_texts_metadata_articles_csv_and_errors(tmp_path):
    out = tmp_path / "out"
    assert main(["clean", "--input", str(_corpus(tmp_path)), "--output", str(out)]) == 1   # one input failed
    folder = out / "clean"
    text = (folder / "ferry_pact.txt").read_text(encoding="utf-8")
    assert "Home" not in text.splitlines() and "Share this story" not in text
    assert text.startswith("Estonia and Finland signed")
    index = _index(folder)
    assert index["version"] == stages.VERSION and index["failed"] == 1
    assert [a["article_id"] for a in index["articles"]] == ["border_talks", "ferry_pact"]
    assert [e["code"] for e in index["errors"]] == ["E008"]
    with open(folder / "articles.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == TABLES["articles"].columns
    assert rows[1]["article_id"] == "ferry_pact" and rows[1]["published"] == "2022-03-05"
    assert rows[1]["title"] == "Ferry pact signed" and rows[1]["n_sentences"] == "" and len(rows[1]["text_sha256"]) == 64
    assert not (out / "articles.csv").exists()     # the contract's table is the tables stage's


def test_stages_clean_file_stdout_names_the_rule_of_each_dropped_line(tmp_path, capsys):
    src = _corpus(tmp_path)
    assert main(["clean", str(src / "ferry_pact.txt"), "--stdout"]) == 0
    printed = capsys.readouterr().out
    kept, dropped = printed.split("dropped lines", 1)
    assert "Estonia and Finland signed the Baltic Ferry Safety Pact" in kept
    assert "BP001\tHome" in dropped and "BP003\tShare this story" in dropped
    assert "Estonia" not in dropped


def test_stages_clean_file_stdout_shows_the_drops_of_a_file_that_fails(tmp_path, capsys):
    src = _corpus(tmp_path)
    assert main(["clean", str(src / "menu_only.txt"), "--stdout"]) == 1
    printed = capsys.readouterr()
    assert "BP001\tHome" in printed.out and "BP001\tMenu" in printed.out
    assert "[E008]" in printed.err


def test_stages_clean_needs_an_output_or_stdout(tmp_path, capsys):
    assert main(["clean", "--input", str(_corpus(tmp_path))]) == 2
    assert "[E093]" in capsys.readouterr().err


# ---------------------------------------------------------------- extract
def test_stages_extract_refuses_without_the_clean_stage(tmp_path, capsys):
    assert main(["extract", "--output", str(tmp_path / "out")]) == 2
    assert "[E090]" in capsys.readouterr().err


@pytest.mark.model
def test_stages_extract_reads_only_the_clean_folder(tmp_path):
    out = tmp_path / "out"
    src = _corpus(tmp_path)
    main(["clean", "--input", str(src), "--output", str(out)])
    shutil.rmtree(src)                               # the raw input is gone: only clean/ is read
    edited = out / "clean" / "border_talks.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA third sentence was added by hand.",
                      encoding="utf-8")
    assert main(["extract", "--output", str(out), "--workers", "1"]) == 1      # the E008 is carried on
    index = _index(out / "extract")
    assert [a["article_id"] for a in index["articles"]] == ["border_talks", "ferry_pact"]
    assert [e["code"] for e in index["errors"]] == ["E008"]
    data = json.loads((out / "extract" / "border_talks.json").read_text(encoding="utf-8"))
    assert data["version"] == stages.VERSION
    ex = stages.from_data(Extraction, data["extraction"])
    assert ex.sentences[-1].text == "A third sentence was added by hand."
    assert ex.article.text == edited.read_text(encoding="utf-8")


# ---------------------------------------------------------------- tables
def _write_extract(out: Path) -> list[Extraction]:
    folder = out / "extract"
    folder.mkdir(parents=True)
    exs = extractions()
    done = [stages.write_extraction(folder, f"{n:064x}", ex) for n, ex in enumerate(exs)]
    summary = stages.RunSummary(errors=[{"path": "gone.txt", "line": "", "code": "E008",
                                         "message": "[E008] gone.txt: no text after cleaning (0 chars)."}],
                                failed=1)
    stages.write_index(folder, stages.EXTRACT_DIR, done, summary)
    return exs


def test_stages_extraction_json_round_trips_exactly(tmp_path):
    exs = _write_extract(tmp_path)
    for ex, item in zip(exs, _index(tmp_path / "extract")["articles"], strict=True):
        data = json.loads((tmp_path / "extract" / item["file"]).read_text(encoding="utf-8"))
        assert stages.from_data(Extraction, data["extraction"]) == ex


def test_stages_tables_reads_only_the_extract_folder_without_the_model(tmp_path):
    out = tmp_path / "out"
    _write_extract(out)
    code = ("import sys; from pipeline.cli import main; rc = main(['tables', '--output', sys.argv[1]]); "
            "assert 'spacy' not in sys.modules, 'the tables stage imported spaCy'; sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr                 # the carried E008 row
    with open(out / "articles.csv", newline="", encoding="utf-8") as f:
        articles = list(csv.DictReader(f))
    assert [a["article_id"] for a in articles] == ["fjord_patrol", "port_logistics"]
    assert articles[0]["n_sentences"] == "3"
    with open(out / "errors.csv", newline="", encoding="utf-8") as f:
        assert [e["code"] for e in csv.DictReader(f)] == ["E008"]
    agreements = (out / "agreements.csv").read_text(encoding="utf-8")
    assert "Fjord Patrol Accord" in agreements and "Port Logistics Agreement" in agreements
    assert (out / "report" / "fjord_patrol.html").is_file() and (out / "register.csv").is_file()


def test_stages_tables_refuses_a_missing_extraction(tmp_path, capsys):
    out = tmp_path / "out"
    _write_extract(out)
    (out / "extract" / "port_logistics.json").unlink()
    assert main(["tables", "--output", str(out)]) == 2
    assert "[E092]" in capsys.readouterr().err
    assert not (out / "articles.csv").exists() and not (out / "report").exists()     # nothing written


# ---------------------------------------------------------------- the three = run
def _same_tree(a: Path, b: Path, leave_out=(".cache", "history", "clean", "extract")) -> list[str]:
    cmp = filecmp.dircmp(a, b, ignore=list(leave_out))
    diffs: list[str] = []

    def walk(c, prefix=""):
        diffs.extend(prefix + n for n in c.left_only + c.right_only + c.diff_files + c.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        diffs.extend(prefix + n for n in mismatch + errors)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")
    walk(cmp)
    return sorted(set(diffs))


@pytest.mark.model
def test_stages_in_sequence_write_what_run_writes_byte_for_byte(tmp_path):
    src = _corpus(tmp_path)
    assert main(["run", "--input", str(src), "--output", str(tmp_path / "run"), "--workers", "1"]) == 1
    staged = tmp_path / "staged"
    assert main(["clean", "--input", str(src), "--output", str(staged)]) == 1
    assert main(["extract", "--output", str(staged), "--workers", "1"]) == 1
    assert main(["tables", "--output", str(staged)]) == 1
    assert _same_tree(tmp_path / "run", staged) == []
    assert (staged / "report" / "ferry_pact.html").is_file()
