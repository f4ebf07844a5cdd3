"""The run in three stages a user can run one at a time, each reading the previous one's artifact:

    clean   --input X --output DIR   DIR/clean/: <file>.txt (the cleaned text every offset
                                     indexes), index.json (each article's metadata, the read and
                                     clean errors) and articles.csv (the contract's columns)
    extract --output DIR             DIR/extract/: <file>.json (one article's Extraction,
                                     versioned) and index.json, from DIR/clean/ alone
    tables  --output DIR             the tables, the review merge, reviewed/, the register, the
                                     report and the copies, from DIR/extract/ alone (no model)

Each stage is a piece of the one-pass `run` (pipeline/run.py): the same reading, the same
cache and workers, the same writing; so the three in sequence write the tables and report
pages `run` writes, byte for byte. The artifacts' layout is documented in README (Tables).
"""
from __future__ import annotations

import dataclasses
import json
import sys
import time
import types
import typing
from pathlib import Path
from collections.abc import Iterator

from pipeline import __version__
from pipeline.errors import PipelineError
from pipeline.read import clean
from pipeline.read.ingest import read_inputs
from pipeline.resources import read_json
from pipeline.records import Article, Extraction
from pipeline.run import (RunSummary, add_entries, check_input, check_workers, extract_entries,
                          locked_output, new_tables, read_articles, write_tables)
from pipeline.schemas import TABLES
from pipeline.write import csvio, exports, files, output, register, spool
from pipeline.write.tables import pack, page_name, rows_for, text_sha256

VERSION = 1                 # of the clean and extract artifacts' layout (README, Tables)
CLEAN_DIR, EXTRACT_DIR, INDEX = "clean", "extract", "index.json"


def file_stem(article_id: str) -> str:
    """An article's file name in the stage folders without its suffix: the id itself unless it
    cannot be a file name (the same rule as its report page's name)."""
    return page_name(article_id)[:-len(".html")]


# ---------------------------------------------------------------- artifacts
def _write_json(path: Path, data) -> None:
    files.write_text_if_changed(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", durable=False)


def read_index(out_dir: Path, stage: str) -> dict:
    """DIR/<stage>/index.json: E090 when the stage has not run, E091 when it is unreadable or
    of another version."""
    path = Path(out_dir) / stage / INDEX
    before = "clean --input X" if stage == CLEAN_DIR else "extract"
    if not path.is_file():
        raise PipelineError("E090", str(path), f"no {stage} stage here; run `python -m pipeline {before} "
                            f"--output {out_dir}` first")
    index = _read_json(path, stage)
    if not isinstance(index, dict) or index.get("version") != VERSION or index.get("stage") != stage:
        raise PipelineError("E091", str(path), f"not a {stage} index of version {VERSION}; run "
                            f"`python -m pipeline {before} --output {out_dir}` again")
    return index


def _read_json(path: Path, stage: str):
    return read_json(path, "E091", f"the {stage} artifact is damaged; run the {stage} stage again")


def write_index(folder: Path, stage: str, articles: list[dict], summary: RunSummary) -> None:
    """<stage>/index.json: the articles in input order (each with its file), and the errors
    so far (the errors table's rows) with the count of inputs that failed."""
    _write_json(folder / INDEX, {"version": VERSION, "stage": stage, "pipeline": __version__,
                                 "articles": articles, "errors": summary.errors, "failed": summary.failed})


def write_extraction(folder: Path, key: str, ex: Extraction) -> dict:
    """extract/<file>.json of one article (its cache key and Extraction); its index item."""
    name = f"{file_stem(ex.article.article_id)}.json"
    _write_json(folder / name, {"version": VERSION, "key": key, "extraction": to_data(ex)})
    return {"article_id": ex.article.article_id, "file": name}


def _prune(folder: Path, keep: set[str]) -> None:
    """Remove the stage files of articles no longer in the input."""
    for p in folder.iterdir():
        if p.is_file() and p.name != INDEX and p.name not in keep and p.suffix in (".txt", ".json", ".csv"):
            p.unlink(missing_ok=True)


def to_data(record):
    """A record (dataclasses, lists, plain values) as JSON data."""
    return dataclasses.asdict(record)


def from_data(cls, data):
    """The value of type cls in JSON data made by to_data (dataclasses rebuilt field by field)."""
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: from_data(hints[f.name], data[f.name])
                      for f in dataclasses.fields(cls) if f.name in data})
    origin = typing.get_origin(cls)
    if origin is list:
        (item,) = typing.get_args(cls)
        return [from_data(item, x) for x in data]
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(cls):
            if dataclasses.is_dataclass(option) and isinstance(data, dict):
                return from_data(option, data)
        return data
    return data


# ---------------------------------------------------------------- clean
def clean_stage(input_path: Path, out_dir: Path, settings: dict) -> RunSummary:
    """DIR/clean/ from the raw inputs (no model)."""
    t0 = time.perf_counter()
    summary = RunSummary()
    if not Path(input_path).exists():
        raise PipelineError("E001", str(input_path), "input path does not exist")
    check_input(Path(input_path))
    with locked_output(out_dir, summary):
        folder = Path(out_dir) / CLEAN_DIR
        folder.mkdir(parents=True, exist_ok=True)
        articles, shas, written = [], [], set()
        for article in read_articles(Path(input_path), settings, summary):
            stem = file_stem(article.article_id)
            files.write_text_if_changed(folder / f"{stem}.txt", article.text, durable=False)
            meta = {k: v for k, v in to_data(article).items() if k != "text"}
            articles.append({**meta, "file": f"{stem}.txt"})
            written.add(f"{stem}.txt")
            shas.append(text_sha256(article.text))
        rows = [{**a, "n_sentences": "", "text_sha256": sha} for a, sha in zip(articles, shas, strict=True)]
        csvio.write_csv_atomic(folder / "articles.csv", TABLES["articles"].columns, rows)
        _prune(folder, written | {"articles.csv"})
        write_index(folder, CLEAN_DIR, articles, summary)
    summary.rows = {"articles": len(articles)}
    summary.seconds = time.perf_counter() - t0
    return summary


def read_clean(out_dir: Path, index: dict) -> Iterator[Article]:
    """The Articles of DIR/clean/, in input order, as the clean stage made them."""
    folder = Path(out_dir) / CLEAN_DIR
    for meta in index["articles"]:
        path = folder / meta["file"]
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise PipelineError("E092", str(path), f"a cleaned text of the index cannot be read "
                                f"({type(e).__name__}); run the clean stage again") from None
        yield from_data(Article, {**meta, "text": text})


def explain_file(path: Path, settings: dict, out=None) -> int:
    """`clean FILE --stdout`: each article's cleaned text, then every dropped line with the id
    of the rule that dropped it (pipeline/resources/boilerplate.jsonl, or no-letters, non-latin,
    short-label). Returns the exit code (1 when an article could not be cleaned)."""
    out = out or sys.stdout
    code = 0
    for raw in read_inputs(Path(path), settings):
        if isinstance(raw, PipelineError):
            print(str(raw), file=sys.stderr)
            code = 1
            continue
        try:
            body, _meta, rules = clean.body_and_rules(raw, settings)
        except PipelineError as e:
            print(str(e), file=sys.stderr)
            code = 1
            continue
        judged = list(clean.judge_lines(body, settings["clean"]["short_line_words"], rules))
        print(f"== {raw.article_id} ({raw.source_path}): cleaned text", file=out)
        print("\n".join(line for line, rule in judged if not rule), file=out)
        print(f"== {raw.article_id}: dropped lines (rule<TAB>line)", file=out)
        for line, rule in judged:
            if rule:
                print(f"{rule}\t{line}", file=out)
        try:                    # the checks after the line rules: length, language, empty text
            clean.clean(raw, settings)
        except PipelineError as e:
            print(str(e), file=sys.stderr)
            code = 1
    return code


# ---------------------------------------------------------------- extract
def extract_stage(out_dir: Path, settings: dict, workers: int | None = None, force: bool = False) -> RunSummary:
    """DIR/extract/ from DIR/clean/ (the model parses the cache's misses, as in `run`)."""
    t0 = time.perf_counter()
    summary = RunSummary()
    workers = check_workers(settings["run"]["workers"] if workers is None else workers,
                            "[run] workers" if workers is None else "--workers")
    index = read_index(out_dir, CLEAN_DIR)
    summary.errors, summary.failed = list(index["errors"]), int(index["failed"])
    with locked_output(out_dir, summary):
        folder = Path(out_dir) / EXTRACT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        entries = extract_entries(lambda store: read_clean(out_dir, index), out_dir, settings, workers,
                                  force, summary)
        done = [write_extraction(folder, entry.key, entry.extraction) for entry in entries]
        _prune(folder, {d["file"] for d in done})
        write_index(folder, EXTRACT_DIR, done, summary)
    summary.rows = {"articles": len(done)}
    summary.seconds = time.perf_counter() - t0
    return summary


class StageEntry:
    """One article of DIR/extract/ as run.add_entries takes it (the shape of a cache Entry)."""

    def __init__(self, key: str, extraction: Extraction):
        self.key, self.extraction = key, extraction
        self.rows = pack(rows_for(extraction))


def read_extract(out_dir: Path, index: dict) -> Iterator[StageEntry]:
    """The Extractions of DIR/extract/, in input order."""
    folder = Path(out_dir) / EXTRACT_DIR
    for item in index["articles"]:
        path = folder / item["file"]
        data = _read_json(path, EXTRACT_DIR) if path.is_file() else None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise PipelineError("E092", str(path), f"an extraction of the index is missing or of another "
                                f"version than {VERSION}; run `python -m pipeline extract --output {out_dir}` again")
        yield StageEntry(data["key"], from_data(Extraction, data["extraction"]))


# ---------------------------------------------------------------- tables
def tables_stage(out_dir: Path, others: str | None = None, formats: list[str] | None = None,
                 settings: dict | None = None) -> RunSummary:
    """The tables, reviews, register, report and copies from DIR/extract/ alone (no model)."""
    t0 = time.perf_counter()
    summary = RunSummary()
    formats = exports.check_formats(settings["output"]["formats"] if formats is None else formats)
    index = read_index(out_dir, EXTRACT_DIR)
    for item in index["articles"]:          # before anything is written
        if not (Path(out_dir) / EXTRACT_DIR / item["file"]).is_file():
            raise PipelineError("E092", str(Path(out_dir) / EXTRACT_DIR / item["file"]), "an extraction of the "
                                f"index is missing; run `python -m pipeline extract --output {out_dir}` again")
    summary.errors, summary.failed = list(index["errors"]), int(index["failed"])
    with locked_output(out_dir, summary):
        previous = output.check_reviews(out_dir)
        register.check(out_dir)
        tables = new_tables(Path(out_dir))
        try:
            add_entries(Path(out_dir), tables, read_extract(out_dir, index))
            return write_tables(Path(out_dir), tables, summary, previous, others, formats, t0, settings)
        finally:
            spool.close_all(tables)



def stage_line(stage: str, summary: RunSummary, folder: Path) -> str:
    """The last line a clean or extract stage prints."""
    parsed = f", parsed {summary.parsed}, from the cache {summary.cached}" if stage == EXTRACT_DIR else ""
    return (f"{stage}: articles {summary.ok + summary.failed} (ok {summary.ok}, failed {summary.failed}{parsed}); "
            f"errors {len(summary.errors)}; wrote {folder}; {summary.seconds:.1f} s")
