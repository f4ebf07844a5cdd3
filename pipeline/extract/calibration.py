"""Calibrated confidence: the probability that an agreement row is right.

The agreement stage gives each finding a raw score (catalogue / named / generic source, less a
penalty when its parties came from a fallback). This stage maps a few features of the finding to a
probability with a logistic model whose weights ship as data (pipeline/resources/calibration.json,
fitted by `make train`, see evaluation/calibrate.py) and are applied here with plain Python, so
scikit-learn is needed to fit them, never to run. "Right" means the row matches a gold agreement
under the shared scorer's matching.

It runs last in the stage order (pipeline/extract/__init__.py): the motive stage ranks agreements
by the raw score, which calibration must not move. Its settings are [calibration] (file = the
resource to apply; "" writes the raw score).
"""
from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pipeline.resources import read_json
from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError
from pipeline.records import AgreementFinding

SOURCES = ("catalogue", "named", "generic")
# the penalty the agreement stage takes off the raw score, by where the parties came from
PARTY_PENALTIES = {0.0: "clear", 0.1: "fallback", 0.15: "weak"}


def source_of(raw: float, scores: dict) -> tuple[str, str]:
    """(source, parties) that the agreement stage's raw score encodes, given its base scores
    ({"catalogue": 0.9, "named": 0.7, "generic": 0.5}, the [agreements] confidence_* settings the
    model was fitted under), less 0, 0.1 or 0.15: ('unknown', 'unknown') if none."""
    for source in SOURCES:
        base = scores[source]
        for penalty, parties in PARTY_PENALTIES.items():
            if abs(round(max(0.1, min(1.0, base - penalty)), 2) - raw) < 1e-6:
                return source, parties
    return "unknown", "unknown"


def features(raw: float, kind: str, acronym: bool, n_parties: int, status: str, n_sentences: int,
             scores: dict) -> dict[str, float]:
    """The named features of one agreement row (absent ones are 0). The same function serves the
    findings at run time and the rows of agreements.csv at training time."""
    source, parties = source_of(raw, scores)
    n_sentences = max(1, n_sentences)
    return {
        "raw": raw,
        f"source={source}": 1.0,
        f"parties_from={parties}": 1.0,
        "acronym": float(bool(acronym)),
        f"n_parties={min(n_parties, 3)}": 1.0,
        "log_sentences": math.log(n_sentences),
        "one_sentence": float(n_sentences == 1),
        f"kind={kind}": 1.0,
        f"status={status}": 1.0,
    }


def raw_scores(agreement_settings: dict) -> dict[str, float]:
    """The base raw scores of the agreement stage under its settings slice ([agreements])."""
    return {source: agreement_settings[f"confidence_{source}"] for source in SOURCES}


def finding_features(ag: AgreementFinding, scores: dict) -> dict[str, float]:
    return features(ag.confidence, ag.kind, bool(ag.acronym), len(ag.parties), ag.status,
                    len(ag.sentence_ns), scores)


def row_features(row: dict, scores: dict) -> dict[str, float]:
    """features() of a row of agreements.csv written with calibration switched off."""
    def n(cell: str) -> int:
        return len([x for x in (cell or "").split(";") if x.strip()])
    return features(float(row["confidence"]), row.get("kind", ""), bool(row.get("acronym")),
                    n(row.get("parties", "")), row.get("status", ""), n(row.get("sentence_ids", "")), scores)


def probability(model: dict, feats: dict[str, float]) -> float:
    """The model's probability for these features, clipped to its range and rounded to 2 places."""
    weights = model["weights"]
    z = model["intercept"] + sum(weights.get(k, 0.0) * v for k, v in feats.items())
    p = 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0
    lo, hi = model.get("clip", (0.01, 0.99))
    return round(min(hi, max(lo, p)), 2)


@lru_cache(maxsize=8)
def load_model(name: str, folder: Path = RESOURCES_DIR) -> dict:
    """The calibration file pipeline/resources/<name>: {"id", "intercept", "weights", ...}."""
    path = folder / name
    model = read_json(path, "E044", "run `make train`, or set [calibration] file = \"\" to keep the raw score")
    ok = (isinstance(model, dict) and model.get("id") and isinstance(model.get("intercept"), (int, float))
          and isinstance(model.get("weights"), dict)
          and all(isinstance(v, (int, float)) for v in model["weights"].values())
          and isinstance(model.get("raw_scores"), dict)
          and all(isinstance(model["raw_scores"].get(s), (int, float)) for s in SOURCES))
    if not ok:
        raise PipelineError("E044", str(path), "the calibration needs an 'id', a number 'intercept', a "
                            "'weights' object of numbers and the 'raw_scores' it was fitted under; run "
                            "`make train` to write it again")
    return model


def apply(agreements: list[AgreementFinding], model: dict | None) -> list[AgreementFinding]:
    """The findings with confidence replaced by the model's probability (unchanged without one)."""
    if model is None:
        return agreements
    return [replace(ag, confidence=probability(model, finding_features(ag, model["raw_scores"])))
            for ag in agreements]


class Stage:
    """The calibration stage: built from its settings slice [calibration], it returns the
    agreements found so far with calibrated confidence."""

    name = "agreements"

    def __init__(self, config: dict) -> None:
        self.model = load_model(config["file"]) if config.get("file") else None

    def __call__(self, doc, sents, upstream) -> list[AgreementFinding]:
        return apply(upstream.agreements, self.model)
