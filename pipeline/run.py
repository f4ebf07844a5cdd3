"""The batch run: ingest -> clean -> nlp -> extractors -> tables -> write.

This module wires the stages; it holds no extraction logic. All file writes go through io.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import actors, agreements, clean, dates, io, motives, nlp, output, report
from .errors import PipelineError
from .ingest import read_inputs
from .records import Article, Extraction
from .schemas import TABLES
from .tables import rows_for


@dataclass
class RunSummary:
    read: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.rows.items() if k not in ("articles", "errors"))
        return (f"articles read {self.read}, failed {self.failed}; rows: {counts}; "
                f"errors {len(self.errors)}; {self.seconds:.1f} s")


def analyse(article: Article, doc, settings: dict) -> Extraction:
    """All extractors over one parsed article (pure: no I/O)."""
    sents = nlp.sentences(doc, article.article_id)
    ex = Extraction(article=article, sentences=sents)
    anchor = article.published if settings["dates"]["use_published_anchor"] else ""
    ex.actors = actors.extract(doc, sents)
    ex.dates = dates.extract(doc, sents, anchor)
    ex.agreements = agreements.extract(doc, sents, ex.actors, ex.dates, settings)
    ex.motives = motives.extract(doc, sents, ex.agreements, ex.actors)
    return ex


def _progress(total: int, settings: dict):
    if total >= settings["run"]["progress_min_articles"] and sys.stderr.isatty():
        from tqdm import tqdm
        return tqdm(total=total, unit="article", file=sys.stderr)
    return None


def extract_all(articles: list[Article], settings: dict, errors: list[dict]) -> list[Extraction]:
    """Parse and analyse articles; a failure in one article becomes an E015 row, not a crash."""
    if not articles:
        return []
    model = nlp.load_model(settings["model"]["name"])
    bar = _progress(len(articles), settings)
    out = []
    docs = model.pipe((a.text for a in articles), batch_size=settings["model"]["batch_size"])
    for article, doc in zip(articles, docs):
        try:
            out.append(analyse(article, doc, settings))
        except Exception as e:  # one bad article must not stop the batch
            errors.append(PipelineError("E015", article.source_path,
                                        f"{type(e).__name__}: {e}").row())
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return out


def build_tables(extractions: list[Extraction], errors: list[dict]) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for ex in extractions:
        for name, rows in rows_for(ex).items():
            tables[name].extend(rows)
    tables["errors"] = errors
    return tables


def run(input_path: Path, out_dir: Path, settings: dict) -> RunSummary:
    t0 = time.perf_counter()
    summary = RunSummary()
    io.ensure_writable(out_dir)
    articles: list[Article] = []
    for item in read_inputs(input_path, settings):
        if isinstance(item, PipelineError):
            summary.errors.append(item.row())
            if item.code != "E014":  # a broken sidecar still lets its article be read
                summary.failed += 1
            continue
        summary.read += 1
        try:
            articles.append(clean.clean(item, settings))
        except PipelineError as e:
            summary.errors.append(e.row())
            summary.failed += 1
    extractions = extract_all(articles, settings, summary.errors)
    summary.failed += len(articles) - len(extractions)
    tables = build_tables(extractions, summary.errors)
    for ex in extractions:
        report.write_article(out_dir, ex)
    output.finalise(out_dir, tables)
    summary.rows = {name: len(rows) for name, rows in tables.items()}
    summary.seconds = time.perf_counter() - t0
    return summary
