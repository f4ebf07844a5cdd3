"""`python -m pipeline train` (`make train`): re-fit the calibrated confidence of agreement rows.

1. Run the pipeline with calibration switched off ([calibration] file = "", the raw score)
   over the studied gold sets: the shared dev set, the studied part of the shared train set
   (eval/SPLITS.md; the sealed part is never run here), eval/heldout, heldout2, heldout5, heldout6
   and heldout8, and over two blind sets, eval/heldout4 and heldout7, whose gold serves only here (see 3).
2. Label every agreement row of a gold article right when it matches a gold agreement under the
   scorer's matching (evaluation.evaluate.agreements_right).
3. Describe each row by pipeline.extract.calibration.row_features (the same features the run
   computes from a finding: how its name was made, the rules that found it, what set its status,
   its sentences and parties) and fit a logistic regression (scikit-learn, the `train` extra).
   Rows of the sets studied long (LONG_STUDIED: rules were written for their errors, 82-100% of their
   rows are right) carry one more feature, `studied_long` = 1; the run never sets it, because the
   articles it reads are new. So those sets teach which features matter while the others set the
   level, and the probability is one for an article nobody studied. The level comes from the blind
   sets heldout4 and heldout7 (LEVEL_SETS: nobody reads them per article, so no rule is written from
   them) and from the sets studied only lately, heldout6 and heldout8 (RECENT_SETS: 80% and 73% of
   their rows right, like the blind sets' 76-82%), which also show which rows are wrong on an unseen
   article: names composed from the parties ('A-B Peace Agreement', 'Trilateral ...'), generic
   catalogue entries, names of two words, rows whose status no cue set. History: until stop 15 the
   level came from train-studied while it was freshly studied; until stop 18 from heldout4 and
   heldout7 alone, with features of the raw score, kind, status, parties and sentences only, and
   on the check sets (sealed train, heldout3, 9, 10) 80% of the rows at >= 0.8 were right; the
   features above raised the out-of-fold share right at >= 0.8 on the unseen-like rows from 0.84
   (126 rows) to 0.90 (120 rows), ECE 0.078 -> 0.050. Cross-validation chose C (0.1, 0.3, 1:
   0.3), kept the kind and status features (dropping them did not help), and found no gain in
   interactions (a composed name's sentence count) or a second, Platt-style rescaling.
4. Measure it by cross-validation holding out whole articles (folds stratified by article, seeded),
   and print the out-of-fold reliability table, ECE and the share right at confidence >= 0.8,
   beside the same figures for the raw score.
5. Fit on every row and write the weights to pipeline/resources/calibration.json, which the run
   applies with plain Python. The same inputs give the same file (fixed seed, sorted features,
   rounded weights); its id is a hash of its weights.
"""
from __future__ import annotations

import hashlib
import json
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from evaluation.evaluate import agreements_right, calibration_report, calibration_table
from evaluation.gold import read_jsonl_gold
from evaluation.splits import gold_in_split, link_split
from pipeline.config import PROJECT_ROOT, RESOURCES_DIR, load_settings
from pipeline.errors import PipelineError
from pipeline.extract.calibration import raw_scores, row_features
from pipeline.write.csvio import read_csv

C = 0.3                 # inverse L2 strength of the logistic regression (chosen by article-held-out CV, see 3)
LONG_STUDIED = ("dev", "train_studied", "heldout", "heldout2", "heldout5")   # STUDIED_LONG = 1 while fitting, never at run time
LEVEL_SETS = ("heldout4", "heldout7")   # blind: read by totals only; their gold sets the level of the probability
# studied only lately (few rules written for their errors yet: 73-80% of their rows are right, like the
# blind sets): they set the level with LEVEL_SETS. Move a set to LONG_STUDIED once rules are written for it.
RECENT_SETS = ("heldout6", "heldout8")
STUDIED_LONG = "studied_long"
CLIP = (0.01, 0.99)     # a probability never claims certainty
DECIMALS = 6


def training_sets(shared: Path) -> list[tuple[str, Path, Path, str | None]]:
    """(name, articles, gold, split) of the studied gold sets and the blind set that sets the level."""
    sets = [("dev", shared / "corpus" / "dev", shared / "gold" / "dev.jsonl", None),
            ("train_studied", shared / "corpus" / "train", shared / "gold" / "train.jsonl", "studied"),
            *[(name, PROJECT_ROOT / "eval" / name / "articles", PROJECT_ROOT / "eval" / name / "gold.jsonl", None)
              for name in ("heldout", "heldout2", "heldout5", *RECENT_SETS, *LEVEL_SETS)]]
    for name, articles, gold, _split in sets:
        if not articles.is_dir() or not gold.is_file():
            raise PipelineError("E046", str(articles if not articles.is_dir() else gold),
                                f"the {name} set is needed to fit the calibration; pass --shared DIR "
                                "holding corpus/ and gold/")
    return sets


def collect(shared: Path, work: Path, settings: dict) -> list[dict]:
    """One record per agreement row of a gold article: set, article, features, right."""
    from pipeline.run import run
    raw = {**settings, "calibration": {**settings["calibration"], "file": ""}}
    scores = raw_scores(settings["agreements"])
    records = []
    for name, articles, gold_path, split in training_sets(shared):
        gold = read_jsonl_gold(gold_path)
        if split:
            gold = gold_in_split(gold, split)
            linked = work / f"{name}-input"
            if not linked.exists():
                link_split(articles, split, linked)
            articles = linked
        out = work / name
        summary = run(articles, out, raw)
        print(f"{name}: {summary.line()}", file=sys.stderr)
        rows = defaultdict(list)
        for row in read_csv(out / "agreements.csv"):
            rows[row["article_id"]].append(row)
        for g in gold:
            preds = rows[g["article_id"]]
            for row, right in zip(preds, agreements_right(preds, g.get("agreements", []))):
                feats = row_features(row, scores)
                if name in LONG_STUDIED:
                    feats[STUDIED_LONG] = 1.0
                records.append({"set": name, "article": g["article_id"], "right": right,
                                "raw": float(row["confidence"]), "features": feats})
    return records


def _matrix(records: list[dict], names: list[str]):
    import numpy as np
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(records), len(names)))
    for r, rec in enumerate(records):
        for k, v in rec["features"].items():
            if k in index:
                x[r, index[k]] = v
    return x


def _fit(x, y):
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, solver="lbfgs", max_iter=5000).fit(x, y)


def _model(fitted, names: list[str]) -> dict:
    """The shipped form: intercept and weights for the run; the studied_long weight is kept apart
    (the run never sets that feature) so that the file shows how optimistic those sets are."""
    coef = {n: round(float(w), DECIMALS) for n, w in zip(names, fitted.coef_[0])}
    offset = coef.pop(STUDIED_LONG, 0.0)
    return {"intercept": round(float(fitted.intercept_[0]), DECIMALS),
            "weights": {n: w for n, w in coef.items() if w}, "clip": list(CLIP),
            "studied_long_offset": offset}


def _probability(model: dict, feats: dict) -> float:
    from pipeline.extract.calibration import probability
    return probability(model, feats)


def cross_validate(records: list[dict], names: list[str], folds: int, seed: int) -> list[float]:
    """Out-of-fold probabilities (as the run would write them), folds holding out whole articles."""
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold
    x, y = _matrix(records, names), np.array([r["right"] for r in records])
    groups = [f"{r['set']}/{r['article']}" for r in records]
    out = [0.0] * len(records)
    for train, test in StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y, groups):
        model = _model(_fit(x[train], y[train]), names)
        for i in test:
            out[i] = _probability(model, records[i]["features"])
    return out


def _log_loss(pairs: list[tuple[float, bool]]) -> float:
    return -sum(math.log(p if ok else 1 - p) for p, ok in pairs) / len(pairs)


def main(args) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise PipelineError("E045", "scikit-learn", "`train` fits with scikit-learn, which the run does not "
                            "need; install the train extra: pip install -e '.[train]'")
    settings = load_settings(getattr(args, "config", None))
    with tempfile.TemporaryDirectory(prefix="pipeline-train-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        records = collect(Path(args.shared), work, settings)
    if not records or len({r["right"] for r in records}) < 2:
        raise PipelineError("E046", args.shared, "the studied sets gave no agreement rows of both kinds "
                            "(right and wrong) to fit on")
    names = sorted({k for r in records for k in r["features"]})
    oof = cross_validate(records, names, args.folds, args.seed)
    labels = [r["right"] for r in records]
    cv = calibration_table(list(zip(oof, labels)))
    raw = calibration_table([(r["raw"], r["right"]) for r in records])
    by_set = {s: calibration_table([(p, r["right"]) for p, r in zip(oof, records) if r["set"] == s])
              for s in sorted({r["set"] for r in records})}
    # the rows that behave like an unseen article's (no studied_long flag): what the probability is for
    unseen = calibration_table([(p, r["right"]) for p, r in zip(oof, records) if r["set"] not in LONG_STUDIED])
    import numpy as np
    model = _model(_fit(_matrix(records, names), np.array(labels)), names)
    body = {"method": f"logistic regression (scikit-learn, L2, C={C}) over pipeline.extract.calibration.features, "
                      f"with {STUDIED_LONG} = 1 on the rows of {', '.join(LONG_STUDIED)} (0 at run time)",
            "raw_scores": raw_scores(settings["agreements"]), **model}
    body = {"id": "CAL-" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10], **body,
            "trained_on": {"sets": sorted({r["set"] for r in records}), "articles": len({(r["set"], r["article"]) for r in records}),
                           "rows": len(records), "right": sum(labels)},
            "cross_validation": {"folds": args.folds, "seed": args.seed, "by": "whole articles",
                                 "ece": cv["ece"], "log_loss": round(_log_loss(list(zip(oof, labels))), 4),
                                 "high_threshold": cv["high_threshold"], "high_n": cv["high_n"],
                                 "high_right": cv["high_right"],
                                 "unseen_like": {"sets": [*RECENT_SETS, *LEVEL_SETS], "rows": unseen["n"],
                                                 "ece": unseen["ece"], "high_n": unseen["high_n"],
                                                 "high_right": unseen["high_right"]}}}
    if args.json:
        print(json.dumps({"calibration": body, "cv": cv, "raw": raw, "cv_by_set": by_set, "cv_unseen_like": unseen}))
    else:
        print(f"rows {len(records)} (right {sum(labels)}) from {body['trained_on']['articles']} articles "
              f"of {', '.join(body['trained_on']['sets'])}")
        print("\n".join(["raw score, as the agreement stage gives it:"] + calibration_report(raw)[1:]))
        print("\n".join([f"calibrated, out of fold ({args.folds} folds of whole articles, seed {args.seed}):"]
                        + calibration_report(cv)[1:]))
        for s, t in by_set.items():
            print(f"  {s}: rows {t['n']}, share right {t['right']}, ECE {t['ece']}, "
                  f">= {t['high_threshold']}: {t['high_n']} rows, share right {t['high_right']}")
        print("\n".join([f"  the rows like an unseen article's ({', '.join([*RECENT_SETS, *LEVEL_SETS])}), out of fold:"]
                        + calibration_report(unseen)[1:]))
        print(f"log loss out of fold: {body['cross_validation']['log_loss']}")
    if not args.check:
        from pipeline.write.files import write_text_atomic
        path = Path(args.output) if args.output else RESOURCES_DIR / "calibration.json"
        write_text_atomic(path, json.dumps(body, indent=1, sort_keys=False) + "\n")
        print(f"wrote {path} ({body['id']})", file=sys.stderr)
    return 0
