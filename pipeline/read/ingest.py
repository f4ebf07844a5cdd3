"""Ingest: files, folders, JSONL and sidecars -> RawArticle records (+ coded errors).

Folders are walked recursively in a stable (sorted, posix path) order. Every input yields
either a RawArticle or a PipelineError naming the file (and line) and what to do.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from pipeline.errors import PipelineError
from pipeline.read import pubdate
from pipeline.read.decode import decode_text, read_bytes, read_json_file
from pipeline.records import RawArticle

TEXT_EXT = {".txt"}
HTML_EXT = {".html", ".htm"}
JSONL_EXT = {".jsonl"}
SIDECAR_SUFFIX = ".meta.json"
META_FIELDS = ("url", "title", "published", "site", "author")


def discover(root: Path, problems: list[PipelineError] | None = None) -> list[Path]:
    """Every candidate input under root (or root itself), sorted; hidden files skipped. With
    problems, a folder that cannot be read and a broken symbolic link each add an E002 there
    (they are never skipped without a word)."""
    if not root.exists():
        raise PipelineError("E001", str(root), "input path does not exist")
    if root.is_file():
        return [root]

    def unreadable(e: OSError) -> None:
        if problems is not None:
            where = Path(e.filename or root)
            rel = where.relative_to(root.parent).as_posix() if where.is_relative_to(root.parent) else str(where)
            problems.append(PipelineError("E002", rel, f"cannot read folder ({e.strerror or e}); its articles "
                                          "were not read: check its permissions"))

    keyed: list[tuple[str, Path]] = []    # (path under root, posix): the order; made a folder at a time
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        under = here.relative_to(root).as_posix()
        prefix = "" if under == "." else under + "/"
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if n.startswith("."):
                continue
            if os.path.isfile(os.path.join(folder, n)):
                keyed.append((prefix + n, here / n))
            elif problems is not None and os.path.islink(os.path.join(folder, n)):
                p = here / n
                problems.append(PipelineError("E002", p.relative_to(root.parent).as_posix(),
                                              "symbolic link points at nothing; fix or remove the link"))
    keyed.sort(key=lambda kp: kp[0])
    return [p for _, p in keyed]


def _strip_nul(s: str) -> str:
    return s.replace("\x00", "") if "\x00" in s else s


def _meta_from(record: dict, where: str = "", line: int | None = None,
               problems: list[PipelineError] | None = None) -> dict:
    """The metadata fields of a sidecar or JSONL record. A field that is not text (a number, an
    object) or a publication date that is no date is left out, with an E036 in problems."""
    out = {}
    for k in META_FIELDS:
        v = record.get(k)
        if v in (None, ""):
            continue
        if not isinstance(v, str):
            if problems is not None:
                problems.append(PipelineError("E036", where, f"field '{k}' is {type(v).__name__} {json.dumps(v)[:40]}, "
                                              "not text; it was ignored: write it as a JSON string", line))
            continue
        v = _strip_nul(v).strip()
        if k == "published" and v and not pubdate.normalise_published(v):
            if problems is not None:
                problems.append(PipelineError("E036", where, f"field 'published' {v!r} is not a date; it was "
                                              "ignored: write it YYYY-MM-DD (or YYYY-MM, YYYY)", line))
            continue
        if v:
            out[k] = v
    return out


def _read_sidecar(path: Path, display: str) -> tuple[dict, list[PipelineError]]:
    full = os.fspath(path)
    stem = full[: -len(path.suffix)] if path.suffix else full
    if not os.path.exists(stem + SIDECAR_SUFFIX):      # most articles have none: a plain stat
        return {}, []
    side = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
    side_display = str(Path(display).with_name(side.name))
    try:
        data = read_json_file(side)
        if not isinstance(data, dict):
            raise ValueError("top level is not a JSON object")
    except (OSError, ValueError) as e:
        return {}, [PipelineError("E014", side_display, f"sidecar is not a JSON object ({e})")]
    problems: list[PipelineError] = []
    meta = _meta_from(data, side_display, None, problems)
    return meta, problems


def listing(root: Path) -> tuple[list[Path], list[PipelineError]]:
    """(discover(root), the E002 problems met on the way): what read_inputs walks, taken once by
    a run that also counts the inputs before reading them (a walk of 2,000 files is not free)."""
    problems: list[PipelineError] = []
    return discover(root, problems), problems


def read_inputs(root: Path, settings: dict,
                found: tuple[list[Path], list[PipelineError]] | None = None) -> Iterator[RawArticle | PipelineError]:
    """Yield RawArticles and PipelineErrors for everything under root, in a stable order.
    found: listing(root), when the caller has it."""
    max_bytes = int(settings["ingest"]["max_bytes"])
    fallbacks = settings["ingest"]["fallback_encodings"]
    base = root if root.is_dir() else root.parent
    seen: dict[str, str] = {}

    def claim(article: RawArticle) -> RawArticle | PipelineError:
        where = article.source_path + (f":{article.line}" if article.line else "")
        if article.article_id in seen:
            return PipelineError("E011", article.source_path,
                                 f"article id '{article.article_id}' already used by {seen[article.article_id]}",
                                 article.line)
        seen[article.article_id] = where
        return article

    paths, problems = listing(root) if found is None else found
    yield from problems
    prefix = "" if os.fspath(base) == "." else os.path.join(os.fspath(base), "")
    for path in paths:
        full = os.fspath(path)
        rel = full[len(prefix):].replace(os.sep, "/") if prefix and full.startswith(prefix) else \
            path.relative_to(base).as_posix()
        name = path.name.lower()
        if name.endswith(SIDECAR_SUFFIX):
            continue
        suffix = path.suffix.lower()
        if suffix not in TEXT_EXT | HTML_EXT | JSONL_EXT:
            if name.lower() in ("readme.md", "readme.txt", "sources.tsv") or name.endswith("-sources.tsv"):
                continue  # documentation of the corpus, not an article
            yield PipelineError("E006", rel, f"unsupported file type '{suffix or '(none)'}'")
            continue
        try:
            data = read_bytes(path, rel, max_bytes)
            if not data.strip():
                raise PipelineError("E003", rel, "file is empty")
            text, _enc = decode_text(data, rel, fallbacks)
        except PipelineError as e:
            yield e
            continue
        if suffix in JSONL_EXT:
            for item in _jsonl_records(text, rel):
                yield claim(item) if isinstance(item, RawArticle) else item
            continue
        meta, side_errors = _read_sidecar(path, rel)
        yield from side_errors
        yield claim(RawArticle(
            article_id=path.name[: -len(path.suffix)], source_path=rel,
            fmt="html" if suffix in HTML_EXT else "text", content=_strip_nul(text),
            meta=meta, meta_source="sidecar" if meta else ""))


def _jsonl_records(text: str, rel: str) -> Iterator[RawArticle | PipelineError]:
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield PipelineError("E012", rel, f"not valid JSON ({e.msg} at column {e.colno})", i)
            continue
        if not isinstance(rec, dict):
            yield PipelineError("E013", rel, "line is not a JSON object", i)
            continue
        body_key = "text" if isinstance(rec.get("text"), str) and rec["text"].strip() else \
            "html" if isinstance(rec.get("html"), str) and rec["html"].strip() else None
        rid = _strip_nul(str(rec.get("id") or "")).strip()
        if not rid or body_key is None:
            lacking = [k for k, ok in (("id", bool(rid)), ("text or html", body_key is not None)) if not ok]
            yield PipelineError("E013", rel, f"record lacks {' and '.join(lacking)}", i)
            continue
        if body_key == "text" and isinstance(rec.get("html"), str) and rec["html"].strip():
            yield PipelineError("E036", rel, "record has both 'text' and 'html'; 'text' was read and 'html' "
                                "ignored: keep only one of them", i)
        problems: list[PipelineError] = []
        meta = _meta_from(rec, rel, i, problems)
        yield from problems
        yield RawArticle(article_id=rid, source_path=rel, fmt=body_key if body_key == "html" else "text",
                         content=_strip_nul(rec[body_key]), meta=meta, meta_source="jsonl" if meta else "", line=i)
