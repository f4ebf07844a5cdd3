"""The command line as a new user meets it: program names, --version, pipes closed early, bad
worker counts, an empty input folder, the run summary, evaluate with nothing to score, missing
benchmark data, and the README's --config example."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib

import pytest

from pipeline import __version__
from pipeline.cli import main
from pipeline.config import PROJECT_ROOT, load_settings
from pipeline.run import RunSummary
from tables_fixture import write_outputs

PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=600, **kw)


def _console_script():
    """The function [project.scripts] installs as agreement-pipeline."""
    module, _, func = PYPROJECT["project"]["scripts"]["agreement-pipeline"].partition(":")
    return getattr(importlib.import_module(module), func)


@pytest.mark.parametrize("entry,prog", [("console", "agreement-pipeline"), ("module", "python -m pipeline")])
def test_cli_help_names_the_program_it_was_called_as(capsys, entry, prog):
    if entry == "module":
        out = _cli("--help").stdout
    else:
        with pytest.raises(SystemExit) as e:
            _console_script()(["--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
    assert out.startswith(f"usage: {prog} ")


@pytest.mark.parametrize("flag", ["--version"])
def test_cli_version_matches_the_package(flag):
    r = _cli(flag)
    assert r.returncode == 0
    assert r.stdout.strip() == f"python -m pipeline {__version__}"
    assert __version__ == PYPROJECT["project"]["version"]


@pytest.mark.parametrize("args", [("review", "status", "--output", "{out}"),
                                  ("evaluate", "--outputs", "{out}", "--gold", "{gold}")])
def test_cli_closed_pipe_exits_quietly(tmp_path, args):
    out = write_outputs(tmp_path / "out")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"article_id": "fjord_patrol", "agreements": []}) + "\n", encoding="utf-8")
    argv = [a.format(out=out, gold=gold) for a in args]
    p = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.close()                    # the reader is gone before the command writes (`| head -0`)
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=600) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.parametrize("workers", ["-3", "two"])
def test_cli_negative_workers_refused(tmp_path, workers):
    r = _cli("run", "--input", str(tmp_path), "--output", str(tmp_path / "out"), "--workers", workers)
    assert r.returncode == 2 and "[E063]" in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [-3])
def test_cli_negative_workers_in_settings_refused(tmp_path, value, capsys):
    cfg = tmp_path / "my.toml"
    cfg.write_text(f"[run]\nworkers = {value}\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Norway and Iceland signed an accord.\n", encoding="utf-8")
    assert main(["run", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--config", str(cfg)]) == 2
    assert "[E063] [run] workers" in capsys.readouterr().err


@pytest.mark.parametrize("files", [[], ["only.meta.json"]])
def test_cli_empty_input_folder_is_an_error(tmp_path, files, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for f in files:
        (src / f).write_text("{}", encoding="utf-8")
    assert main(["run", "--input", str(src), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"[E064] {src}" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("ok,failed,expected", [(5, 4, "articles 9 (ok 5, failed 4)"),
                                                (3, 0, "articles 3 (ok 3, failed 0)")])
def test_cli_summary_line_cannot_be_misread(ok, failed, expected):
    s = RunSummary(read=ok + 1, failed=failed, rows={"articles": ok, "sentences": 7, "errors": failed})
    assert s.line().startswith(expected + "; rows: sentences 7")


@pytest.mark.parametrize("gold_ids", [["not_in_outputs", "nor_this"]])
def test_cli_evaluate_without_a_matching_article_fails(tmp_path, gold_ids):
    out = write_outputs(tmp_path / "out")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"article_id": i, "agreements": []}) + "\n" for i in gold_ids), encoding="utf-8")
    r = _cli("evaluate", "--outputs", str(out), "--gold", str(gold))
    assert r.returncode == 1 and "[E065]" in r.stderr and str(out) in r.stderr
    assert "F1" not in r.stdout


@pytest.mark.parametrize("bench,name", [("dates", "temporal/train.jsonl"), ("motives", "causal/subtask1_dev.jsonl"),
                                        ("html", "boilerplate/gold.jsonl")])
def test_cli_bench_without_data_says_the_data_is_missing(tmp_path, capsys, bench, name):
    missing = tmp_path / "shared" / "bench" / name
    assert main(["bench", bench, "--data", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"[E066] {missing}" in err and "not found" in err and "scorer" not in err


def _config_examples() -> list[str]:
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```toml\n(.*?)```", section, flags=re.S)


@pytest.mark.parametrize("example", _config_examples())
def test_cli_readme_config_example_runs_here(tmp_path, example):
    cfg = tmp_path / "my.toml"
    cfg.write_text(example, encoding="utf-8")
    settings = load_settings(cfg)
    name = tomllib.loads(example).get("model", {}).get("name")
    if name:      # an example that names a model names one make setup installs
        assert importlib.util.find_spec(name) is not None, f"README's --config example names {name}, not installed"
    assert settings["run"]["workers"] >= 0


@pytest.mark.parametrize("formats", ['["xlsx"]', '"sqlite"'])
def test_cli_unknown_output_format_in_settings_refused(tmp_path, formats, capsys):
    cfg = tmp_path / "my.toml"
    cfg.write_text(f"[output]\nformats = {formats}\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Norway and Iceland signed an accord.\n", encoding="utf-8")
    assert main(["run", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--config", str(cfg)]) == 2
    assert "[E067] [output] formats" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
