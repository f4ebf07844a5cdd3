"""Train the motive sentence classifier (pipeline/extract/motives/learned.py) on studied gold.

usage: python -m evaluation.train_motives [--set NAME=ARTICLES_DIR:GOLD.jsonl ...] [--out FILE] [--dry-run]

Only studied sets (default: ../shared/corpus/dev, the studied split of ../shared/corpus/train, eval/heldout,
eval/heldout2, eval/heldout5, eval/heldout6, eval/heldout8 and, from stop 22, eval/heldout9-12) are read. Each article goes through the pipeline's own read, parse and extraction
stages; the motive stage runs without a classifier and records every sentence's features, whether
its rules found cue clauses, and its fallback span (learned.py). A sentence is labelled 1 when a
gold motive of the article lies in it (the gold text found in the article, else the sentence
most like it).

scikit-learn (training only): logistic regression, fixed seed, over binary features; a word
feature (lem=, root=, cue=, ...) is kept only when it occurs in at least MIN_ARTICLES training
articles, so no feature stands for a single article. Cross-validation holds out whole articles
(GroupKFold): the regularisation C and the two thresholds (keep, add) are chosen on the
out-of-fold scores, by the motive F1 of the shared scorer (../shared/tools/score.py: greedy match,
motive_sim >= 0.5). The rules were written while reading dev, so there they already find nearly
every motive while on unseen articles they find half: the choice maximises the F1 over the sets
other than dev, among the settings that keep dev at DEV_FLOOR or above. Then the model is fitted
on all articles and its non-zero weights written as JSON (resources/motive_classifier.json),
applied at run time in plain Python.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from evaluation.gold import STUDIED_SETS as DEFAULT_SETS
from evaluation.gold import parsed, training_set
from pipeline.config import PROJECT_ROOT, RESOURCES_DIR, load_settings

DEV_FLOOR = 0.78   # issue 15: dev motives stay >= 0.78. At 0.79 (to stop 19) a 0.005 move of the cross-validated dev F1 flipped the choice to a setting 0.02 worse on the other sets
KEEP_MARGIN = 0.01  # a re-fit keeps the shipped setting unless another beats it out of fold by this much
# (smoothed F1, about two rows here): out-of-fold figures of neighbouring settings differ by noise, and a
# choice that flips by 0.003 between stops (stops 20 and 21, gate and motives alike) moves right rows on
# new articles for no measured gain. The shipped setting must still meet the guards (DEV_FLOOR).
SCORER = "../shared/tools/score.py"
SEED = 0
FOLDS = 5
MIN_ARTICLES = 3
WORD_PREFIXES = ("lem=", "root=", "cue=", "subj_agreement_verb=", "mark=", "vprep=", "be_subj=")
C_GRID = (0.1, 0.3, 1.0)
KEEP_GRID = tuple(x / 100 for x in range(0, 45, 5))
ADD_GRID = tuple(x / 100 for x in range(30, 100, 5))


def _scorer():
    path = (PROJECT_ROOT / SCORER).resolve()
    if not path.exists():
        raise SystemExit(f"the shared scorer {path} is needed to train (it sets the thresholds)")
    sys.path.insert(0, str(path.parent))
    import score  # noqa: PLC0415
    return score


def read_set(spec: str, settings: dict, model) -> list[dict]:
    """Per article of the set that has gold: its sentences' traces, rule motives and gold motives."""
    from pipeline.extract import motives  # noqa: PLC0415
    name, articles, gold = training_set(spec, settings)
    detector = motives.Detector(motives.ARTICLE_SCOPES)
    out = []
    for art, doc, sents, ex in parsed(articles, model, settings, ("actors", "dates", "agreements")):
        trace: list = []
        rules = motives.extract(doc, sents, ex.agreements, ex.actors, detector, None, trace)
        out.append({"set": name, "id": art.article_id, "text": art.text, "sents": sents, "trace": trace, "rules": rules,
                    "gold": [m["text"] for m in gold[art.article_id].get("motives", [])]})
    return out


def labels(art: dict, score) -> list[int]:
    """1 for each traced sentence holding (part of) a gold motive."""
    text, sents = art["text"], art["sents"]
    hit = set()
    for g in art["gold"]:
        at = text.find(g)
        if at >= 0:
            hit.update(s.n for s in sents if s.start < at + len(g) and at < s.end)
        else:
            best = max(sents, key=lambda s: score.motive_sim(s.text, g), default=None)
            if best is not None and score.motive_sim(best.text, g) >= 0.5:
                hit.add(best.n)
    return [int(n in hit) for n, *_rest in art["trace"]]


def predicted(art: dict, probs: list[float], keep: float, add: float) -> list[str]:
    """The motive texts extract() would give with these scores and thresholds."""
    p_of = {n: p for (n, *_rest), p in zip(art["trace"], probs)}
    out = [m.text for m in art["rules"] if p_of.get(m.sentence_n, 1.0) >= keep]
    for (n, _f, has_rules, (s, e)), p in zip(art["trace"], probs):
        if not has_rules and p >= add:
            out.append(art["text"][s:e])
    return out


def f1(arts: list[dict], probs: list[list[float]], keep: float, add: float, score) -> tuple[float, int, int, int]:
    tp = fp = fn = 0
    for art, pr in zip(arts, probs):
        pm = list({score.norm(t): t for t in predicted(art, pr, keep, add)}.values())
        gm = list({score.norm(t): t for t in art["gold"]}.values())
        m = score.greedy(pm, gm, score.motive_sim, 0.5)
        tp, fp, fn = tp + len(m), fp + len(pm) - len(m), fn + len(gm) - len(m)
    return (2 * tp / (2 * tp + fp + fn) if tp else 0.0), tp, fp, fn


def vocabulary(arts: list[dict]) -> set[str]:
    """Features kept: every non-word feature, and word features seen in MIN_ARTICLES articles."""
    per_article = Counter(f for art in arts for f in {f for _n, feats, *_r in art["trace"] for f in feats})
    return {f for f, n in per_article.items() if not f.startswith(WORD_PREFIXES) or n >= MIN_ARTICLES}


def fit(arts: list[dict], c: float, score):
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    vocab = sorted(vocabulary(arts) - {"bias"})
    index = {f: i for i, f in enumerate(vocab)}
    x, y = _matrix(arts, index), [v for art in arts for v in labels(art, score)]
    model = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=1000)
    model.fit(x, y)
    return {f: float(w) for f, w in zip(vocab, model.coef_[0])}, float(model.intercept_[0])


def _matrix(arts: list[dict], index: dict[str, int]):
    from scipy.sparse import lil_matrix  # noqa: PLC0415
    rows = [feats for art in arts for _n, feats, *_r in art["trace"]]
    x = lil_matrix((len(rows), max(1, len(index))))
    for i, feats in enumerate(rows):
        for f in feats:
            if f in index:
                x[i, index[f]] = 1.0
    return x.tocsr()


def out_of_fold(arts: list[dict], c: float, score) -> list[list[float]]:
    from sklearn.model_selection import GroupKFold  # noqa: PLC0415

    from pipeline.extract.motives.learned import Classifier  # noqa: PLC0415
    probs: list[list[float]] = [[] for _ in arts]
    for train, test in GroupKFold(n_splits=FOLDS).split(arts, groups=[a["id"] for a in arts]):
        weights, bias = fit([arts[i] for i in train], c, score)
        clf = Classifier(weights, bias, 0.0, 1.0)
        for i in test:
            probs[i] = [clf.score(feats) for _n, feats, *_r in arts[i]["trace"]]
    return probs



def choose(grid: dict, incumbent: tuple | None = None) -> tuple:
    """The setting to ship: the out-of-fold F1 of one grid point differs from its neighbours' by noise
    (on about 100 articles, settings 0.001 apart in F1 pick thresholds far apart), so each setting is
    judged by the mean F1 of itself and its neighbours (the next keep and add thresholds, same C), and the
    best such mean wins among the settings that keep dev at DEV_FLOOR or above (ties: its own F1).
    incumbent: the (C, keep, add) shipped now; it stays while it keeps dev at DEV_FLOOR and its mean is
    within KEEP_MARGIN of the best."""
    def near(i: int, grid_values: tuple) -> list:
        return list(grid_values[max(0, i - 1):i + 2])
    best, held = None, None
    for (c, keep, add), (got, dev_f1, per_set) in grid.items():
        if dev_f1 < DEV_FLOOR:
            continue
        ks, ads = near(KEEP_GRID.index(keep), KEEP_GRID), near(ADD_GRID.index(add), ADD_GRID)
        smoothed = sum(grid[c, k, a][0][0] for k in ks for a in ads) / (len(ks) * len(ads))
        if (c, keep, add) == incumbent:
            held = (got, c, keep, add, per_set, smoothed)
        if best is None or (smoothed, got[0]) > (best[5], best[0][0]):
            best = (got, c, keep, add, per_set, smoothed)
    if held and held[5] >= best[5] - KEEP_MARGIN:
        return held
    return best


def shipped_setting(path: str, keys: tuple[str, ...]) -> tuple | None:
    """The setting (the values of keys) of the learned file a re-fit would replace: the incumbent of
    choose / train_agreements.choose_gate. None without the file, without a key, or when it is written
    disabled (the rules decide)."""
    data = json.loads(Path(path).read_text(encoding="utf-8")) if Path(path).exists() else {}
    if data.get("enabled") is False or not set(keys) <= data.keys():
        return None
    return tuple(data[k] for k in keys)


def command_line(doc: str, out: str) -> argparse.ArgumentParser:
    """The options every `make train` script takes: the studied sets, where the weights go, --dry-run."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--set", action="append", dest="sets", help="NAME=ARTICLES_DIR:GOLD.jsonl (studied sets only; the one named dev keeps DEV_FLOOR)")
    ap.add_argument("--out", default=str(RESOURCES_DIR / out))
    ap.add_argument("--dry-run", action="store_true", help="cross-validate and report; write nothing")
    return ap


def scorer_settings_model():
    """The shared scorer, the settings and the spaCy model a training script reads the sets with."""
    settings = load_settings()
    from pipeline.extract import nlp  # noqa: PLC0415
    return _scorer(), settings, nlp.load_model(settings["model"]["name"])


def main(argv: list[str] | None = None) -> int:
    args = command_line(__doc__, "motive_classifier.json").parse_args(argv)
    score, settings, model = scorer_settings_model()
    arts = [a for spec in (args.sets or DEFAULT_SETS) for a in read_set(spec, settings, model)]
    print(f"{len(arts)} articles, {sum(len(a['trace']) for a in arts)} sentences, "
          f"{sum(len(a['gold']) for a in arts)} gold motives")
    dev = [i for i, a in enumerate(arts) if a["set"] == "dev"]
    rest = [i for i, a in enumerate(arts) if a["set"] != "dev"]
    print("rules only: F1 %.3f (tp %d fp %d fn %d)" % f1(arts, [[1.0] * len(a["trace"]) for a in arts], 0, 2, score))
    if dev and rest:    # the figure the cross-validated one below compares with
        print("rules only, sets other than dev: F1 %.3f (tp %d fp %d fn %d)" % f1(
            [arts[i] for i in rest], [[1.0] * len(arts[i]["trace"]) for i in rest], 0, 2, score))
    grid = {}       # (c, keep, add) -> (out-of-fold figures on the sets other than dev, dev's F1, per set)
    for c in C_GRID:
        probs = out_of_fold(arts, c, score)
        for keep in KEEP_GRID:
            for add in ADD_GRID:
                on = lambda ix: f1([arts[i] for i in ix], [probs[i] for i in ix], keep, add, score)  # noqa: E731
                grid[c, keep, add] = (on(rest or dev), on(dev)[0] if dev else 1.0,
                                      {n: round(on([i for i, a in enumerate(arts) if a["set"] == n])[0], 3)
                                       for n in dict.fromkeys(a["set"] for a in arts)})
    incumbent = shipped_setting(args.out, ("C", "keep", "add"))
    best = choose(grid, incumbent)
    if incumbent and best[1:4] == incumbent:
        print(f"the shipped setting (C={best[1]}, keep={best[2]}, add={best[3]}) stays: within {KEEP_MARGIN} of the best smoothed F1")
    print(f"chosen by the out-of-fold F1 averaged over each setting and its neighbours on the grid "
          f"(C={best[1]}, keep={best[2]}, add={best[3]}: own F1 {best[0][0]:.3f}, smoothed {best[5]:.3f})")
    (cv, tp, fp, fn), c, keep, add, per_set, _smoothed = best
    print(f"cross-validated (whole articles held out), sets other than dev: F1 {cv:.3f} tp {tp} fp {fp} fn {fn}; "
          f"C={c} keep={keep} add={add}; per set {per_set}")
    weights, bias = fit(arts, c, score)
    kept = {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 1e-4}
    data = {"about": "motive sentence classifier: logistic regression weights (evaluation/train_motives.py)",
            "seed": SEED, "C": c, "folds": FOLDS, "min_articles": MIN_ARTICLES, "cv_f1": round(cv, 4), "cv_per_set": per_set,
            "keep": keep, "add": add, "bias": round(bias, 4), "weights": kept}
    if not args.dry_run:
        Path(args.out).write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.out}: {len(kept)} weights")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
