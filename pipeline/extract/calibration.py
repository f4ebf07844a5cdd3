"""Calibrated confidence: the probability that an agreement row is right.

The agreement stage gives each finding a raw score (catalogue / named / generic source, less a
penalty when its parties came from a fallback). This stage maps it and other features of the finding
(how its name was made, the rules that found it, what set its status, its sentences) to a
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

from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError
from pipeline.extract.agreements.findings import _org_acronym
from pipeline.extract.agreements.lexicon import SHORT, catalogue
from pipeline.records import AgreementFinding
from pipeline.resources import read_json

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


# the agreement stage's rule names in `why` (pipeline/extract/agreements) that describe how a row was found
WHY_RULES = ("named", "generic", "described", "anaphor", "indefinite", "prior_list")
COMPOSED_PREFIXES = ("Trilateral ", "Bilateral ", "Multilateral ")


def composed_name(name: str, parties: list[str]) -> bool:
    """Was the name composed from the parties by the agreement stage ('Chile-Peru Investment Agreement',
    'Trilateral Trade Agreement') rather than read from the text or the catalogue?"""
    if name.startswith(COMPOSED_PREFIXES):
        return True
    if len(parties) != 2:
        return False
    a, b = sorted(SHORT.get(p) or _org_acronym(p) for p in parties)
    return name.startswith(f"{a}-{b} ")


@lru_cache(maxsize=1)
def _catalogue_kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(ids of the agreement catalogue, ids of its generic entries such as 'Peace Agreement')."""
    rows = catalogue()
    return frozenset(r["id"] for r in rows), frozenset(r["id"] for r in rows if r.get("generic"))


def features(raw: float, name: str, acronym: bool, kind: str, parties: list[str], status: str,
             status_date: str, sentence_ns: list[int], why: list[str], status_cue: str,
             scores: dict) -> dict[str, float]:
    """The named features of one agreement row (absent ones are 0). The same function serves the
    findings at run time and the rows of agreements.csv at training time, so each is read from what
    both hold: the raw score (source, where the parties came from), how the name was made (the
    catalogue, a generic catalogue entry, composed from the parties, two words or fewer), the rules
    that found its mentions (`why`), what set its status (a cue, a rule, nothing) and whether it is
    dated, its sentences (how many, how early the first), its parties, kind and status."""
    source, parties_from = source_of(raw, scores)
    ids, generic_ids = _catalogue_kinds()
    rules = {w.removeprefix("agreements:") for w in why if w.startswith("agreements:")}
    ns = sorted(sentence_ns)
    feats = {
        f"source={source}": 1.0,
        f"parties_from={parties_from}": 1.0,
        "catalogue": float(any(w in ids for w in why)),
        "catalogue_generic": float(any(w in generic_ids for w in why)),
        "composed": float(composed_name(name, parties)),
        "short_name": float(len(name.split()) <= 2),
        "acronym": float(bool(acronym)),
        **{f"why_{rule}": float(rule in rules) for rule in WHY_RULES},
        "cue_none": float(not status_cue),
        "cue_rule": float(status_cue.startswith("agreements:")),
        "dated": float(bool(status_date)),
        "log_sentences": math.log(max(1, len(ns))),
        "one_sentence": float(len(ns) <= 1),
        "lead": float(bool(ns) and ns[0] <= 2),
        "log_first": math.log(1 + ns[0]) if ns else 0.0,
        f"n_parties={min(len(parties), 3)}": 1.0,
        f"kind={kind}": 1.0,
        f"status={status}": 1.0,
    }
    return {k: v for k, v in feats.items() if v}


def raw_scores(agreement_settings: dict) -> dict[str, float]:
    """The base raw scores of the agreement stage under its settings slice ([agreements])."""
    return {source: agreement_settings[f"confidence_{source}"] for source in SOURCES}


def finding_features(ag: AgreementFinding, scores: dict) -> dict[str, float]:
    return features(ag.confidence, ag.name, bool(ag.acronym), ag.kind, list(ag.parties), ag.status,
                    ag.status_date, list(ag.sentence_ns), list(dict.fromkeys(ag.why or ())),
                    ag.status_cue or "", scores)


def _cells(cell: str) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


def row_features(row: dict, scores: dict) -> dict[str, float]:
    """features() of a row of agreements.csv written with calibration switched off."""
    ns = [int(x.rsplit(":", 1)[1]) for x in _cells(row.get("sentence_ids", "")) if x.rsplit(":", 1)[-1].isdigit()]
    return features(float(row["confidence"]), row.get("name", ""), bool(row.get("acronym")), row.get("kind", ""),
                    _cells(row.get("parties", "")), row.get("status", ""), row.get("status_date", ""), ns,
                    _cells(row.get("why", "")), row.get("status_cue", ""), scores)


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
