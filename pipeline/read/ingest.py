"""Ingest: files, folders, JSONL and sidecars -> RawArticle records (+ coded errors).

Folders are walked recursively in a stable (sorted, posix path) order. Every input yields
either a RawArticle or a PipelineError naming the file (and line) and what to do.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from pipeline.errors import PipelineError
from pipeline.read.decode import decode_text, read_bytes, read_json_file
from pipeline.records import RawArticle

TEXT_EXT = {".txt"}
HTML_EXT = {".html", ".htm"}
JSONL_EXT = {".jsonl"}
SIDECAR_SUFFIX = ".meta.json"
META_FIELDS = ("url", "title", "published", "site", "author")


def discover(root: Path) -> list[Path]:
    """Every candidate input under root (or root itself), sorted; hidden files skipped."""
    if not root.exists():
        raise PipelineError("E001", str(root), "input path does not exist")
    if root.is_file():
        return [root]
    files = [p for p in root.rglob("*") if p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _meta_from(record: dict) -> dict:
    return {k: str(record[k]).strip() for k in META_FIELDS if record.get(k) not in (None, "")}


def _read_sidecar(path: Path, display: str) -> tuple[dict, PipelineError | None]:
    side = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)
    if not side.exists():
        return {}, None
    side_display = str(Path(display).with_name(side.name))
    try:
        data = read_json_file(side)
        if not isinstance(data, dict):
            raise ValueError("top level is not a JSON object")
    except (OSError, ValueError) as e:
        return {}, PipelineError("E014", side_display, f"sidecar is not a JSON object ({e})")
    return _meta_from(data), None


def read_inputs(root: Path, settings: dict) -> Iterator[RawArticle | PipelineError]:
    """Yield RawArticles and PipelineErrors for everything under root, in a stable order."""
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

    for path in discover(root):
        rel = path.relative_to(base).as_posix()
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
        meta, side_error = _read_sidecar(path, rel)
        if side_error:
            yield side_error
        yield claim(RawArticle(
            article_id=path.name[: -len(path.suffix)], source_path=rel,
            fmt="html" if suffix in HTML_EXT else "text", content=text,
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
        rid = str(rec.get("id") or "").strip()
        if not rid or body_key is None:
            lacking = [k for k, ok in (("id", bool(rid)), ("text or html", body_key is not None)) if not ok]
            yield PipelineError("E013", rel, f"record lacks {' and '.join(lacking)}", i)
            continue
        meta = _meta_from(rec)
        yield RawArticle(article_id=rid, source_path=rel, fmt=body_key if body_key == "html" else "text",
                         content=rec[body_key], meta=meta, meta_source="jsonl" if meta else "", line=i)
