"""Article-body benchmark of the HTML cleaning: `python -m pipeline bench html --data GOLD [--folds K]`.

The pages beside the gold file (pages/<id>.html, shared/bench/boilerplate) are read and cleaned
exactly as articles are (ingest + clean: trafilatura, then the line rules); the cleaned text is
scored with the benchmark's own metric (score.py beside the data, imported by path) against the
gold body, and so is trafilatura alone with its defaults (comments off) on the same pages.

The pipeline reads English articles only: a page it refuses as not English (E009) or empty is
left out of the comparison and counted (the refused pages are listed by id).

Folds (--folds K, default 5; 0 skips them): how the HTML settings of [clean] (html_favour,
html_tables, html_fallback_share, html_line_rules) were chosen, re-measured. The pages are dealt
into K folds by a hash of their id; for each fold, every setting of GRID is scored on the other
K-1 folds and the best one (the first in GRID order on a tie) cleans the held-out fold. The
held-out texts of all folds are then scored together (folds_f1) against trafilatura alone on the
same pages (folds_vs_trafilatura); the setting each fold chose is printed, and the shipped
default is the one most folds choose (never a choice made on all pages at once).

Prints F1, precision and recall of both, the difference, and pages per second. With --floors
FILE, a [boilerplate] section (f1, vs_trafilatura, folds_f1, folds_vs_trafilatura) is checked
and the exit code is 1 when a figure is below its floor.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from contextlib import contextmanager
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

from evaluation.bench_dates import load_scorer
from evaluation.floors import report, require_data
from pipeline.config import load_settings
from pipeline.errors import PipelineError
from pipeline.read import clean, language
from pipeline.read.ingest import read_inputs

KEYS = ("html_favour", "html_tables", "html_fallback_share", "html_line_rules")
# every setting the folds choose among, in the order that wins a tie: trafilatura's own balance
# and tables first, a fallback before none, the lightest line rules that do anything first
GRID = tuple(dict(zip(KEYS, (favour, tables, share, rules)))
             for favour in ("balanced", "precision", "recall")
             for tables in (True, False)
             for share in ((0.0,) if favour == "balanced" else (0.5, 0.0))
             for rules in ("furniture", "none", "patterns", "all"))


def label(setting: dict) -> str:
    return (f"{setting['html_favour']}, tables {'on' if setting['html_tables'] else 'off'}, fallback "
            f"{setting['html_fallback_share']:g}, rules {setting['html_line_rules']}")


def fold_of(page: str, k: int) -> int:
    return int(hashlib.sha1(page.encode("utf-8")).hexdigest(), 16) % k


@contextmanager
def memoised():
    """Within the block, trafilatura's extraction and the language verdict are computed once per
    input (the folds clean every page under every setting of GRID)."""
    bare, detect = clean._bare, language.detect_language
    clean._bare = lru_cache(maxsize=None)(bare)
    seen: dict = {}

    def detect_once(text, settings):
        key = (text, settings["language"]["min_english_probability"], settings["language"]["sample_chars"])
        if key not in seen:
            seen[key] = detect(text, settings)
        return seen[key]
    language.detect_language = detect_once
    try:
        yield
    finally:
        clean._bare, language.detect_language = bare, detect


def clean_pages(raws: dict, settings: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(page -> cleaned text, page -> error code) for every page, cleaned with these settings."""
    texts, refused = {}, {}
    for page, item in raws.items():
        try:
            texts[page] = clean.clean(item, settings).text
        except PipelineError as e:
            refused[page] = e.code
    return texts, refused


def folds(raws: dict, gold: dict, alone: dict, settings: dict, scorer, k: int) -> dict:
    """Choose the HTML settings on K-1 folds, score the held-out fold; see the module docstring."""
    outcome = {}
    for i, setting in enumerate(GRID):
        s = deepcopy(settings)
        s["clean"].update(setting)
        outcome[i] = clean_pages(raws, s)[0]
    pages = sorted(p for p in raws if p in gold)
    held_texts, chosen = {}, []
    for f in range(k):
        train = [gold[p] for p in pages if fold_of(p, k) != f]
        best = max(range(len(GRID)), key=lambda i: (
            round(scorer.score([g for g in train if g["id"] in outcome[i]], outcome[i])["f1"], 9), -i))
        chosen.append(best)
        held_texts.update({p: outcome[best][p] for p in pages if fold_of(p, k) == f and p in outcome[best]})
    read = [gold[p] for p in sorted(held_texts)]
    mine, theirs = scorer.score(read, held_texts), scorer.score(read, alone)
    per_fold = []
    for f in range(k):
        rows = [g for g in read if fold_of(g["id"], k) == f]
        per_fold.append({"fold": f, "pages": len(rows), "setting": label(GRID[chosen[f]]),
                         "f1": round(scorer.score(rows, held_texts)["f1"], 4),
                         "trafilatura_f1": round(scorer.score(rows, alone)["f1"], 4)})
    majority = Counter(chosen).most_common(1)[0][0]
    return {"folds": k, "folds_read": len(read), "folds_f1": round(mine["f1"], 4),
            "folds_precision": round(mine["precision"], 4), "folds_recall": round(mine["recall"], 4),
            "folds_trafilatura_f1": round(theirs["f1"], 4),
            "folds_vs_trafilatura": round(mine["f1"] - theirs["f1"], 4),
            "folds_per_fold": per_fold, "folds_majority": GRID[majority],
            "folds_majority_is_shipped": all(settings["clean"][key] == GRID[majority][key] for key in KEYS)}


def run_bench(gold_path: Path, settings: dict, k: int = 0) -> dict:
    scorer = load_scorer(gold_path)
    gold = {g["id"]: g for g in scorer.load_jsonl(gold_path)}
    import trafilatura

    raws, unread = {}, []
    for item in read_inputs(gold_path.parent / "pages", settings):
        if isinstance(item, PipelineError):
            unread.append(item.code)
        else:
            raws[Path(item.source_path).stem] = item
    t0 = time.perf_counter()
    ours, refused = clean_pages(raws, settings)
    seconds = time.perf_counter() - t0
    alone = {p: trafilatura.extract(raws[p].content, include_comments=False) or "" for p in raws}
    read = [gold[p] for p in sorted(ours) if p in gold]
    mine, theirs = scorer.score(read, ours), scorer.score(read, alone)
    codes = unread + list(refused.values())
    res = {"pages": len(gold), "read": len(read), "refused": len(codes),
           "refused_codes": sorted(set(codes)), "refused_pages": sorted(refused),
           "seconds": round(seconds, 2),
           "pages_per_second": round(len(raws) / seconds, 1) if seconds else 0.0,
           "f1": round(mine["f1"], 4), "precision": round(mine["precision"], 4), "recall": round(mine["recall"], 4),
           "trafilatura_f1": round(theirs["f1"], 4), "trafilatura_precision": round(theirs["precision"], 4),
           "trafilatura_recall": round(theirs["recall"], 4),
           "vs_trafilatura": round(mine["f1"] - theirs["f1"], 4)}
    if k:
        with memoised():
            res.update(folds(raws, gold, alone, settings, scorer, k))
    return res


def format_text(res: dict) -> str:
    lines = [
        f"Article-body benchmark ({res['pages']} pages; {res['read']} read, {res['refused']} refused "
        f"{'/'.join(res['refused_codes']) or '-'}; {res['seconds']:.1f} s, {res['pages_per_second']:.1f} pages/s)",
        f"  pipeline cleaning:  F1 {res['f1']:.3f}  P {res['precision']:.3f}  R {res['recall']:.3f}",
        f"  trafilatura alone:  F1 {res['trafilatura_f1']:.3f}  P {res['trafilatura_precision']:.3f}  "
        f"R {res['trafilatura_recall']:.3f}   (same pages; difference {res['vs_trafilatura']:+.3f})",
        f"  refused: {', '.join(p[:12] for p in res['refused_pages']) or '-'}",
    ]
    if "folds_f1" in res:
        lines += [
            f"Held-out folds ({res['folds']} folds by page, {res['folds_read']} pages read; settings chosen on the other folds):",
            f"  pipeline cleaning:  F1 {res['folds_f1']:.3f}  P {res['folds_precision']:.3f}  R {res['folds_recall']:.3f}",
            f"  trafilatura alone:  F1 {res['folds_trafilatura_f1']:.3f}   (same pages; difference "
            f"{res['folds_vs_trafilatura']:+.3f})",
            *(f"  fold {f['fold']}: {f['pages']:3d} pages  F1 {f['f1']:.3f} vs {f['trafilatura_f1']:.3f}  ({f['setting']})"
              for f in res["folds_per_fold"]),
            f"  most folds chose: {label(res['folds_majority'])}"
            f"{' (the shipped setting)' if res['folds_majority_is_shipped'] else ' (NOT the shipped setting)'}",
        ]
    return "\n".join(lines) + "\n"


def boilerplate_gold(args) -> Path:
    """The --data gold file of shared/bench/boilerplate, with its pages/ folder beside it."""
    path = Path(require_data(args, "../shared/bench/boilerplate/gold.jsonl"))
    if not (path.parent / "pages").is_dir():
        raise PipelineError("E040", str(path), "no pages/ folder beside the gold file; "
                                               "give --data the gold.jsonl of shared/bench/boilerplate")
    return path


def main(args) -> int:
    path = boilerplate_gold(args)
    k = getattr(args, "folds", 0) or 0
    return report(run_bench(path, load_settings(getattr(args, "config", None)), k), args, "boilerplate", format_text)
