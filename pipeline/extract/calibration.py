"""Calibrated confidence: the probability that an agreement row is right.

The agreement stage gives each finding a raw score (catalogue / named / generic source, less a
penalty when its parties came from a fallback). This stage maps it and other features of the finding
(how its name was made, the rules that found it, what set its status, its sentences) to a
probability with a logistic model whose weights ship as data (pipeline/resources/calibration.json,
fitted by `make train`, see evaluation/calibrate.py) and are applied here with plain Python, so
scikit-learn is needed to fit them, never to run. "Right" means the row matches a gold agreement
under the shared scorer's matching.

Some features are the article's: how many agreement rows it has, whether the row's sentences also
give another row, whether the row's name appears word for word in the article's sentences (a name
the stage made up, from the parties or a catalogue kind, does not), and whether the learned gate
kept the row. They hold across sets where the topic features did not (the kind is no feature: its
weight followed each set's topics).

The probability is averaged over the spread of the level from one unseen set to the next
(`level_spread` in the file, see probability()), and the fit lowers that level a little so that
rows at >= 0.8 stay right 85% of the time on harder sets than the average one (evaluation/calibrate.py, 3c).

It runs last in the stage order (pipeline/extract/__init__.py): the motive stage ranks agreements
by the raw score, which calibration must not move. Its settings are [calibration] (file = the
resource to apply; "" writes the raw score).
"""
from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist

from pipeline.config import RESOURCES_DIR
from pipeline.errors import PipelineError
from pipeline.extract.agreements.findings import _org_acronym, pair_name
from pipeline.extract.agreements.gate import GATE_RULE
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
    return name.startswith(f"{pair_name(parties)} ")


@lru_cache(maxsize=1)
def _catalogue_kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(ids of the agreement catalogue, ids of its generic entries such as 'Peace Agreement')."""
    rows = catalogue()
    return frozenset(r["id"] for r in rows), frozenset(r["id"] for r in rows if r.get("generic"))


def party_in_name(name: str, parties: list[str]) -> bool:
    """Does the name hold one of its parties, as a word (its name, 'US'/'UK'/'EU' or its acronym)?
    ('Chile-Peru Fisheries Agreement', 'EU Interpretation Accord'): names the stage composes do."""
    low = name.lower()
    forms = {f.lower() for p in parties for f in (p, SHORT.get(p, ""), _org_acronym(p)) if f}
    return any(re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", low) for f in forms)


def name_in_text(name: str, texts: list[str], exact: bool = False) -> bool:
    """Is the name written, word for word, in one of the article's sentences: case aside, or (exact)
    as written, capitals and all? A generic name ('Peace Agreement') is found in 'a peace agreement'
    only case aside; a proper name the text gives is found as written."""
    name = name.strip()
    if not name:
        return False
    if exact:
        return any(name in t for t in texts)
    low = name.lower()
    return any(low in t.lower() for t in texts)


def features(raw: float, name: str, acronym: bool, parties: list[str], status: str,
             status_date: str, sentence_ns: list[int], why: list[str], status_cue: str,
             scores: dict, *, article_rows: int = 1, shares_sentence: bool = False,
             texts: list[str] | None = None) -> dict[str, float]:
    """The named features of one agreement row (absent ones are 0). The same function serves the
    findings at run time and the rows of agreements.csv at training time, so each is read from what
    both hold: the raw score (source, where the parties came from), how the name was made (the
    catalogue, a generic catalogue entry, composed from the parties, holding a party, how many words
    (two or fewer; the log of the count), found word for word in the article's sentences `texts`,
    case aside and as written), the rules that found its mentions
    (`why`, the learned gate among them), what set its status (a cue, a rule, nothing) and whether it
    is dated, its sentences (how many, how early the first, shared with another row of the article),
    its parties and status, and how many agreement rows its article has (`article_rows`). The kind is
    no feature (module docstring)."""
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
        "party_in_name": float(party_in_name(name, parties)),
        "name_in_text": float(name_in_text(name, texts or [])),
        "name_as_written": float(name_in_text(name, texts or [], exact=True)),
        "short_name": float(len(name.split()) <= 2),
        "log_name_words": math.log(max(1, len(name.split()))),
        "acronym": float(bool(acronym)),
        **{f"why_{rule}": float(rule in rules) for rule in WHY_RULES},
        "gated": float(GATE_RULE in why),
        "cue_none": float(not status_cue),
        "cue_rule": float(status_cue.startswith("agreements:")),
        "dated": float(bool(status_date)),
        "log_sentences": math.log(max(1, len(ns))),
        "one_sentence": float(len(ns) <= 1),
        "lead": float(bool(ns) and ns[0] <= 2),
        "log_first": math.log(1 + ns[0]) if ns else 0.0,
        "shares_sentence": float(bool(shares_sentence)),
        "log_article_rows": math.log(max(1, article_rows)),
        f"n_parties={min(len(parties), 3)}": 1.0,
        f"status={status}": 1.0,
    }
    return {k: v for k, v in feats.items() if v}


def raw_scores(agreement_settings: dict) -> dict[str, float]:
    """The base raw scores of the agreement stage under its settings slice ([agreements])."""
    return {source: agreement_settings[f"confidence_{source}"] for source in SOURCES}


def _shared(sentence_sets: list[set]) -> list[bool]:
    """For each row (by its set of sentences): does another row of the article have one of them?"""
    return [any(i != j and mine & theirs for j, theirs in enumerate(sentence_sets))
            for i, mine in enumerate(sentence_sets)]


def finding_features(ag: AgreementFinding, scores: dict, *, article_rows: int = 1, shares_sentence: bool = False,
                     texts: list[str] | None = None) -> dict[str, float]:
    return features(ag.confidence, ag.name, bool(ag.acronym), list(ag.parties), ag.status,
                    ag.status_date, list(ag.sentence_ns), list(dict.fromkeys(ag.why or ())),
                    ag.status_cue or "", scores, article_rows=article_rows, shares_sentence=shares_sentence,
                    texts=texts)


def article_features(agreements: list[AgreementFinding], scores: dict, texts: list[str]) -> list[dict[str, float]]:
    """features() of each agreement finding of one article, whose sentences' texts are `texts`."""
    shared = _shared([set(ag.sentence_ns) for ag in agreements])
    return [finding_features(ag, scores, article_rows=len(agreements), shares_sentence=sh, texts=texts)
            for ag, sh in zip(agreements, shared)]


def _cells(cell: str) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


def _ns(row: dict) -> list[int]:
    return [int(x.rsplit(":", 1)[1]) for x in _cells(row.get("sentence_ids", "")) if x.rsplit(":", 1)[-1].isdigit()]


def row_features(row: dict, scores: dict, *, texts: list[str], article_rows: int = 1,
                 shares_sentence: bool = False) -> dict[str, float]:
    """features() of a row of agreements.csv written with calibration switched off, given its
    article's context (`texts`, the article's sentences, is required so that a caller written for
    the per-row features of stop 18 fails instead of scoring without it); rows_features() reads the
    context from all the rows of the article."""
    return features(float(row["confidence"]), row.get("name", ""), bool(row.get("acronym")),
                    _cells(row.get("parties", "")), row.get("status", ""), row.get("status_date", ""), _ns(row),
                    _cells(row.get("why", "")), row.get("status_cue", ""), scores, article_rows=article_rows,
                    shares_sentence=shares_sentence, texts=texts)


def rows_features(rows: list[dict], scores: dict, texts: list[str]) -> list[dict[str, float]]:
    """row_features() of every agreements.csv row of one article (all of them, in order), whose
    sentences (sentences.csv) have the texts `texts`: the same as article_features() at run time."""
    shared = _shared([set(_ns(r)) for r in rows])
    return [row_features(r, scores, article_rows=len(rows), shares_sentence=sh, texts=texts)
            for r, sh in zip(rows, shared)]


# equally likely levels of an unseen set, in standard deviations (the quantiles at the middles of
# LEVEL_POINTS equal slices of the normal distribution): probability() averages over them
LEVEL_POINTS = 20
_LEVELS = tuple(NormalDist().inv_cdf((i + 0.5) / LEVEL_POINTS) for i in range(LEVEL_POINTS))


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def log_odds(model: dict, feats: dict[str, float]) -> float:
    """The model's log-odds for these features (before the level's spread and the clip)."""
    weights = model["weights"]
    return model["intercept"] + sum(weights.get(k, 0.0) * v for k, v in feats.items())


def probability(model: dict, feats: dict[str, float]) -> float:
    """The model's probability for these features, clipped to its range and rounded to 2 places.
    With a `level_spread` s (the spread of the level from one unseen set to the next, in log-odds,
    see evaluation/calibrate.py), it is the mean of the logistic over equally likely levels
    z + s * q (q the normal quantiles _LEVELS): the probability for a row of a set whose own level
    is unknown, which lies nearer 0.5 than the logistic of z alone."""
    z = log_odds(model, feats)
    spread = model.get("level_spread") or 0.0
    p = sum(logistic(z + spread * q) for q in _LEVELS) / len(_LEVELS) if spread else logistic(z)
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
          and isinstance(model.get("level_spread", 0.0), (int, float)) and 0 <= model.get("level_spread", 0.0) <= 5
          and isinstance(model.get("raw_scores"), dict)
          and all(isinstance(model["raw_scores"].get(s), (int, float)) for s in SOURCES))
    if not ok:
        raise PipelineError("E044", str(path), "the calibration needs an 'id', a number 'intercept', a "
                            "'weights' object of numbers, the 'raw_scores' it was fitted under and, if any, a "
                            "'level_spread' from 0 to 5; run "
                            "`make train` to write it again")
    return model


def apply(agreements: list[AgreementFinding], model: dict | None,
          texts: list[str] | None = None) -> list[AgreementFinding]:
    """The findings of one article (its sentences' texts `texts`) with confidence replaced by the
    model's probability (unchanged without a model)."""
    if model is None:
        return agreements
    feats = article_features(agreements, model["raw_scores"], texts or [])
    return [replace(ag, confidence=probability(model, f)) for ag, f in zip(agreements, feats)]


class Stage:
    """The calibration stage: built from its settings slice [calibration], it returns the
    agreements found so far with calibrated confidence."""

    name = "agreements"

    def __init__(self, config: dict) -> None:
        self.model = load_model(config["file"]) if config.get("file") else None

    def __call__(self, doc, sents, upstream) -> list[AgreementFinding]:
        return apply(upstream.agreements, self.model, [s.text for s in sents])
