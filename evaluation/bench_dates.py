"""TempEval-3 benchmark of the date stage: `python -m pipeline bench dates --data FILE`.

Each document goes through the same stage as an article (the spaCy model, then dates.find
with the document creation date as the publication date). The predictions are scored with
the scorer shipped beside the data (score.py, imported by path), in two views:

- all:      every TIMEX3 type, the stage in TimeML mode (dates.TIMEML: durations, sets, vague
            references as PRESENT_REF/PAST_REF/FUTURE_REF, a part of day on a day as ...TNI),
            also without the REF values (noref_ keys);
- calendar: the expressions dates.csv is drawn from in calendar mode (dates.calendar_only of the
            calendar mode's findings, TIMEX3 values) against the DATE/TIME gold only.

With --folds K the documents are split into K folds (document i goes to fold i mod K in the
file's order); for each fold, the parts of TimeML mode (every dates.TimeML.every() combination)
are chosen by value F1 on the other folds (a tie keeps the packaged choice) and scored on the
held-out one. The mean held-out
figures are the fold_ keys (fold_noref_ the same parts without REF values), each fold's value and
relaxed F1 with and without REF values are the fold_*_f1s lists, and the choice of each fold is printed: this, not the figure on the
whole set, is how a part of TimeML mode is chosen (dates.TIMEML holds the most frequent choice).

Prints strict and relaxed extraction F1, value accuracy, value F1 and documents per second; with
--baseline also the figures of plain spaCy DATE/TIME entities valued by dateparser.parse.
With --floors FILE, a [temporal] section (keys like value_f1, calendar_value_f1) is checked and
the exit code is 1 when a figure is below its floor.
"""
from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import replace
from pathlib import Path

from pipeline.extract import dates, nlp
from pipeline.config import load_settings
from pipeline.errors import PipelineError
from evaluation.floors import report, require_data

CALENDAR_TYPES = ("DATE", "TIME")


def load_scorer(data_path: Path):
    """The score module shipped beside the benchmark data (score.py), imported by path."""
    path = data_path.parent / "score.py"
    if not path.is_file():
        raise PipelineError("E040", str(path), "the benchmark scorer is missing beside the data; "
                                               "give --data the train.jsonl of shared/bench/temporal")
    spec = importlib.util.spec_from_file_location("temporal_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_gold(path: Path) -> dict[str, dict]:
    try:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise PipelineError("E040", str(path), f"benchmark data unreadable ({e})")
    return {r["id"]: r for r in rows}


def calendar_gold(gold: dict[str, dict]) -> dict[str, dict]:
    """The gold restricted to calendar types (DATE, TIME): what dates.csv is meant to hold."""
    return {k: dict(g, timexes=[t for t in g["timexes"] if t.get("type") in CALENDAR_TYPES])
            for k, g in gold.items()}


def _timexes(did: str, found) -> dict:
    return {"id": did, "timexes": [{"start": f.start, "end": f.end, "value": f.value,
                                    "type": "TIME" if f.kind == "CLOCK" else f.kind} for f in found]}


def parse(gold: dict[str, dict], model) -> dict[str, tuple]:
    """document id -> (doc, sentences, anchor), parsed once for every view."""
    ids = list(gold)
    return {did: (doc, nlp.sentences(doc, did), gold[did].get("dct") or "")
            for did, doc in zip(ids, model.pipe((gold[i]["text"] for i in ids), batch_size=16))}


def predict_timeml(parsed: dict[str, tuple], timeml: dates.TimeML) -> dict[str, dict]:
    """All-types predictions of the stage in TimeML mode with these parts."""
    return {did: _timexes(did, dates.find(doc, sents, anchor, timeml=timeml))
            for did, (doc, sents, anchor) in parsed.items()}


def predict(gold: dict[str, dict], model) -> tuple[dict[str, dict], dict[str, dict], float, float, dict]:
    """(TimeML-mode predictions, calendar-mode dates.csv predictions, seconds in all, seconds in
    the date rules, the parsed documents)."""
    t0 = time.perf_counter()
    parsed = parse(gold, model)
    every, calendar = {}, {}
    in_dates = 0.0
    for did, (doc, sents, anchor) in parsed.items():
        t1 = time.perf_counter()
        found = dates.find(doc, sents, anchor, timeml=dates.TIMEML)
        in_dates += time.perf_counter() - t1
        every[did] = _timexes(did, found)
        calendar[did] = {"id": did, "timexes": [      # calendar mode: the expressions dates.csv is drawn from
            {"start": f.start, "end": f.end, "value": f.value} for f in dates.calendar_only(dates.find(doc, sents, anchor))]}
    return every, calendar, time.perf_counter() - t0, in_dates, parsed


def folds_of(ids: list[str], k: int) -> list[list[str]]:
    """K document-level folds: document i (in the file's order) in fold i mod K."""
    return [ids[i::k] for i in range(k)]


def _subset(d: dict[str, dict], ids) -> dict[str, dict]:
    return {i: d[i] for i in ids}


def cross_validate(gold: dict[str, dict], parsed: dict[str, tuple], scorer, k: int) -> dict:
    """For each of k folds: the TimeML parts with the best value F1 on the other folds, scored on
    the held-out fold. Returns the mean held-out figures (fold_ keys) and each fold's choice."""
    options = dates.TimeML.every()
    raw: dict[tuple, dict[str, list]] = {}    # the findings of each set of candidate scans, found once
    for t in options:
        key = (t.scans(), t.year_ranges, t.rules())
        if key not in raw:
            full = replace(t, refs=True, part_of_day=True, ref_adverbs=t.refs and t.ref_adverbs,
                           ref_adjectives=t.refs and t.ref_adjectives)
            raw[key] = {did: dates.find(doc, sents, anchor, timeml=full) for did, (doc, sents, anchor) in parsed.items()}
    def found_of(t: dates.TimeML) -> dict[str, list]:
        return raw[(t.scans(), t.year_ranges, t.rules())]

    preds = [{did: _timexes(did, dates.as_timeml(found, t)) for did, found in found_of(t).items()} for t in options]
    ids = list(gold)
    held = []
    for fold in folds_of(ids, k):
        train = [i for i in ids if i not in set(fold)]
        best = max(range(len(options)), key=lambda j: (      # a tie keeps the packaged choice of a part
            scorer.score(_subset(gold, train), _subset(preds[j], train))["value"]["F1"], -_distance(options[j]), -j))
        fig = figures(scorer.score(_subset(gold, fold), _subset(preds[best], fold)))
        noref = replace(options[best], refs=False)       # the same choice without its REF values
        noref_pred = {did: _timexes(did, dates.as_timeml(found_of(options[best])[did], noref)) for did in fold}
        fig.update({f"noref_{key}": v for key, v in figures(scorer.score(_subset(gold, fold), noref_pred)).items()})
        held.append((options[best], fig))
    keys = ("strict_f1", "relaxed_f1", "value_f1", "value_accuracy", "noref_relaxed_f1", "noref_value_f1")
    out = {f"fold_{key}": round(sum(f[key] for _, f in held) / k, 4) for key in keys}
    out["folds"] = k
    out["fold_choices"] = [_parts(t) for t, _ in held]
    for key in ("value_f1", "relaxed_f1", "noref_value_f1", "noref_relaxed_f1"):
        out[f"fold_{key}s"] = [round(f[key], 4) for _, f in held]
    return out


def _distance(t: dates.TimeML) -> int:
    """How many parts t sets otherwise than the packaged dates.TIMEML."""
    return sum(getattr(t, p) != getattr(dates.TIMEML, p) for p in dates.TimeML.PARTS)


def _parts(t: dates.TimeML) -> str:
    return t.name()


def baseline_predict(gold: dict[str, dict], model) -> dict[str, dict]:
    """The plain baseline the stage is measured against: spaCy DATE/TIME entities as they come,
    valued by dateparser.parse against the document date (a day, or nothing)."""
    import datetime as dt

    try:
        import dateparser
    except ModuleNotFoundError as e:
        raise PipelineError("E051", "pyproject.toml", "bench dates --baseline needs dateparser, "
                            "declared in the optional extra 'bench'") from e

    ids = list(gold)
    out = {}
    for did, doc in zip(ids, model.pipe((gold[i]["text"] for i in ids), batch_size=16)):
        dct = gold[did].get("dct") or ""
        base = dt.datetime.fromisoformat(dct[:10]) if len(dct) >= 10 else None
        found = []
        for ent in doc.ents:
            if ent.label_ not in CALENDAR_TYPES:
                continue
            parsed = dateparser.parse(ent.text, settings={"RELATIVE_BASE": base} if base else None)
            found.append({"start": ent.start_char, "end": ent.end_char, "type": ent.label_,
                          "value": parsed.strftime("%Y-%m-%d") if parsed else ""})
        out[did] = {"id": did, "timexes": found}
    return out


def figures(res: dict) -> dict[str, float]:
    return {"strict_f1": res["strict"]["F1"], "relaxed_f1": res["relaxed"]["F1"],
            "value_accuracy": res["value_accuracy"], "value_f1": res["value"]["F1"],
            "value_p": res["value"]["P"], "value_r": res["value"]["R"]}


def run_bench(data: Path, model, baseline: bool = False, folds: int = 0) -> dict:
    scorer = load_scorer(data)
    gold = load_gold(data)
    every, calendar, seconds, in_dates, parsed = predict(gold, model)
    out = {"docs": len(gold), "seconds": round(seconds, 2),
           "docs_per_second": round(len(gold) / seconds, 2) if seconds else 0.0,
           "date_rules_docs_per_second": round(len(gold) / in_dates, 1) if in_dates else 0.0,
           "timeml": _parts(dates.TIMEML)}
    out.update({k: round(v, 4) for k, v in figures(scorer.score(gold, every)).items()})
    noref = predict_timeml(parsed, replace(dates.TIMEML, refs=False))
    out.update({f"noref_{k}": round(v, 4) for k, v in figures(scorer.score(gold, noref)).items()})
    out.update({f"calendar_{k}": round(v, 4)
                for k, v in figures(scorer.score(calendar_gold(gold), calendar)).items()})
    if folds:
        if not 2 <= folds <= len(gold):
            raise PipelineError("E057", "--folds", f"--folds {folds} cannot split {len(gold)} documents; "
                                "give a number from 2 to the number of documents")
        out.update(cross_validate(gold, parsed, scorer, folds))
    if baseline:
        plain = baseline_predict(gold, model)
        out.update({f"baseline_{k}": round(v, 4) for k, v in figures(scorer.score(gold, plain)).items()})
    return out


def format_text(res: dict) -> str:
    lines = [f"TempEval-3 ({res['docs']} documents, {res['seconds']:.1f} s, {res['docs_per_second']:.1f} docs/s "
             f"with spaCy; the date rules alone {res['date_rules_docs_per_second']:.0f} docs/s)"]
    for label, p in ((f"timeml mode, all TIMEX3 types ({res['timeml']})", ""),
                     ("timeml mode without REF values", "noref_"),
                     ("calendar mode (DATE/TIME gold, dates.csv rows)", "calendar_")):
        lines.append(f"  {label}:")
        lines.append(f"    strict F1 {res[p + 'strict_f1']:.3f}  relaxed F1 {res[p + 'relaxed_f1']:.3f}  "
                     f"value accuracy {res[p + 'value_accuracy']:.3f}  value F1 {res[p + 'value_f1']:.3f} "
                     f"(P {res[p + 'value_p']:.3f} R {res[p + 'value_r']:.3f})")
    if "folds" in res:
        lines.append(f"  timeml mode, {res['folds']} document folds (parts chosen on the training folds), mean "
                     f"held-out: strict F1 {res['fold_strict_f1']:.3f}  relaxed F1 {res['fold_relaxed_f1']:.3f}  "
                     f"value accuracy {res['fold_value_accuracy']:.3f}  value F1 {res['fold_value_f1']:.3f}")
        lines.append(f"    without REF values (the same parts, refs off), mean held-out: relaxed F1 "
                     f"{res['fold_noref_relaxed_f1']:.3f}  value F1 {res['fold_noref_value_f1']:.3f}")
        lines.append("    per fold, value F1 / relaxed F1 (without REF: value F1 / relaxed F1) and the parts chosen:")
        for i, c in enumerate(res["fold_choices"]):
            lines.append(f"      fold {i}: {res['fold_value_f1s'][i]:.3f} / {res['fold_relaxed_f1s'][i]:.3f} "
                         f"(without REF {res['fold_noref_value_f1s'][i]:.3f} / {res['fold_noref_relaxed_f1s'][i]:.3f})  {c}")
    if "baseline_value_f1" in res:
        lines.append(f"  baseline (spaCy DATE/TIME entities valued by dateparser.parse): strict F1 "
                     f"{res['baseline_strict_f1']:.3f}  relaxed F1 {res['baseline_relaxed_f1']:.3f}  "
                     f"value F1 {res['baseline_value_f1']:.3f}")
    return "\n".join(lines)


def main(args) -> int:
    data = require_data(args, "../shared/bench/temporal/train.jsonl")
    settings = load_settings(getattr(args, "config", None))
    model = nlp.load_model(settings["model"]["name"])
    res = run_bench(Path(data), model, baseline=getattr(args, "baseline", False), folds=getattr(args, "folds", 0) or 0)
    return report(res, args, "temporal", format_text)
