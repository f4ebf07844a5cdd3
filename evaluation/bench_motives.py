"""Causal News Corpus benchmark of the motive detector: `python -m pipeline bench motives --data FILE`.

Each sentence of a subtask-1 file ({"id", "text", "label"}, label 1 = the sentence states a
cause-effect relation) goes through the spaCy model and motives.is_causal, the same cue
detector the article extractor uses. Prints precision, recall and F1 of the causal label and
sentences per second. With --floors FILE, a [causal] section (keys p, r, f1) is checked and
the exit code is 1 when a figure is below its floor.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from pipeline.extract import motives, nlp
from pipeline.config import load_settings
from pipeline.errors import PipelineError
from evaluation.floors import report, require_data


def load_rows(path: Path) -> list[dict]:
    """Subtask-1 rows; each needs a text and a 0/1 label."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise PipelineError("E040", str(path), f"benchmark data unreadable ({e})")
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "text" not in row or row.get("label") not in (0, 1):
            raise PipelineError("E040", str(path), f"row {i} lacks 'text' or a 0/1 'label'; "
                                                   "give --data a subtask1_*.jsonl of shared/bench/causal")
    return rows


def prf(gold: list[int], pred: list[bool]) -> dict[str, float | int]:
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    fp = sum(1 for g, p in zip(gold, pred) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred) if g and not p)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def predict(texts: list[str], model) -> tuple[list[bool], float]:
    """(is_causal per text, seconds including parsing)."""
    t0 = time.perf_counter()
    out = [motives.is_causal(doc) for doc in model.pipe(texts, batch_size=64)]
    return out, time.perf_counter() - t0


# The plain baseline: a sentence is causal when it holds one of these words.
BASELINE_CUES = re.compile(r"\b(?:because|due to|amid|after|following|in response to|in order to|so that|"
                           r"aimed at|to counter|caused|led to|as a result|prompted|therefore)\b", re.I)


def run_bench(data: Path, model) -> dict:
    rows = load_rows(data)
    pred, seconds = predict([r["text"] for r in rows], model)
    gold = [int(r["label"]) for r in rows]
    res = {"sentences": len(rows), "causal": sum(gold), "seconds": round(seconds, 2),
           "sentences_per_second": round(len(rows) / seconds, 1) if seconds else 0.0}
    res.update(prf(gold, pred))
    res["all_causal_f1"] = prf(gold, [True] * len(gold))["f1"]
    res["baseline_cue_f1"] = prf(gold, [bool(BASELINE_CUES.search(r["text"])) for r in rows])["f1"]
    return res


def format_text(res: dict) -> str:
    return "\n".join([
        f"Causal News Corpus subtask 1 ({res['sentences']} sentences, {res['causal']} causal; "
        f"{res['seconds']:.1f} s, {res['sentences_per_second']:.1f} sentences/s)",
        f"  causal sentence detection: P {res['p']:.3f}  R {res['r']:.3f}  F1 {res['f1']:.3f}   "
        f"(tp {res['tp']} fp {res['fp']} fn {res['fn']})",
        f"  reference: labelling every sentence causal gives F1 {res['all_causal_f1']:.3f}; "
        f"a plain cue-word list gives F1 {res['baseline_cue_f1']:.3f}",
    ])


def main(args) -> int:
    data = require_data(args, "../shared/bench/causal/subtask1_dev.jsonl")
    settings = load_settings(getattr(args, "config", None))
    model = nlp.load_model(settings["model"]["name"])
    return report(run_bench(Path(data), model), args, "causal", format_text)
