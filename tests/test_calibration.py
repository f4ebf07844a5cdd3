"""Calibrated confidence: the shipped model applied with plain Python (pipeline/extract/calibration.py)
and its fitting (evaluation/calibrate.py, `python -m pipeline train`)."""
import json
import math
import sys
from dataclasses import asdict

import pytest

from pipeline.errors import PipelineError
from pipeline.extract import calibration
from pipeline.records import AgreementFinding, Extraction

SCORES = {"catalogue": 0.9, "named": 0.7, "generic": 0.5}


@pytest.mark.parametrize("raw,expected", [
    (0.9, ("catalogue", "clear")), (0.8, ("catalogue", "fallback")), (0.75, ("catalogue", "weak")),
    (0.7, ("named", "clear")), (0.55, ("named", "weak")), (0.4, ("generic", "fallback")),
    (0.35, ("generic", "weak")), (0.33, ("unknown", "unknown")),
])
def test_calibration_reads_source_and_parties_from_the_raw_score(raw, expected):
    assert calibration.source_of(raw, SCORES) == expected


def _finding(**kw) -> AgreementFinding:
    base = {"name": "Harbour Pilots Agreement", "acronym": "HPA", "kind": "logistics", "parties": ["Chile", "Peru"],
            "status": "signed", "sentence_ns": [0, 3], "confidence": 0.7}
    return AgreementFinding(**{**base, **kw})


def test_calibration_features_of_a_finding_equal_those_of_its_csv_row():
    ag = _finding(status_date="2031-04", why=["agreements:named", "agreements:anaphor", "SC999"],
                  status_cue='SC999: "signed" (sentence 3)')
    row = {"confidence": "0.70", "name": "Harbour Pilots Agreement", "kind": "logistics", "acronym": "HPA",
           "parties": "Chile; Peru", "status": "signed", "status_date": "2031-04", "sentence_ids": "a:0; a:3",
           "why": "agreements:named; agreements:anaphor; SC999", "status_cue": 'SC999: "signed" (sentence 3)'}
    feats = calibration.finding_features(ag, SCORES)
    assert feats == calibration.row_features(row, SCORES, texts=[])
    assert {k: feats.get(k, 0.0) for k in ("source=named", "why_named", "why_anaphor", "dated", "lead",
                                            "composed", "cue_none", "one_sentence")} == {
        "source=named": 1.0, "why_named": 1.0, "why_anaphor": 1.0, "dated": 1.0, "lead": 1.0,
        "composed": 0.0, "cue_none": 0.0, "one_sentence": 0.0}


@pytest.mark.parametrize("name,parties,expected", [
    ("Chile-Peru Fisheries Agreement", ["Peru", "Chile"], True),          # named after its two parties
    ("Trilateral Fisheries Accord", ["Chile", "Peru", "Bolivia"], True),
    ("Harbour Pilots Agreement", ["Chile", "Peru"], False),              # a name the text gave
    ("Chile-Peru Fisheries Agreement", ["Chile"], False),                # one party: nothing composed
])
def test_calibration_tells_a_name_composed_from_the_parties(name, parties, expected):
    assert calibration.composed_name(name, parties) is expected
    feats = calibration.finding_features(_finding(name=name, parties=parties), SCORES)
    assert feats.get("composed", 0.0) == float(expected)


def test_calibration_tells_a_generic_catalogue_entry_from_a_specific_one():
    from pipeline.extract.agreements.lexicon import catalogue
    generic = next(r["id"] for r in catalogue() if r.get("generic"))
    specific = next(r["id"] for r in catalogue() if not r.get("generic"))
    g = calibration.finding_features(_finding(why=[generic]), SCORES)
    s = calibration.finding_features(_finding(why=[specific]), SCORES)
    assert (g["catalogue"], g["catalogue_generic"]) == (1.0, 1.0)
    assert (s["catalogue"], s.get("catalogue_generic", 0.0)) == (1.0, 0.0)
    assert calibration.finding_features(_finding(why=["agreements:named"]), SCORES).get("catalogue", 0.0) == 0.0


def test_calibration_reads_how_the_status_was_set():
    by_cue = calibration.finding_features(_finding(status_cue='SC999: "signed" (sentence 3)'), SCORES)
    by_rule = calibration.finding_features(_finding(status_cue="agreements:named_exists"), SCORES)
    none = calibration.finding_features(_finding(status_cue=""), SCORES)
    assert [f.get("cue_rule", 0.0) for f in (by_cue, by_rule, none)] == [0.0, 1.0, 0.0]
    assert [f.get("cue_none", 0.0) for f in (by_cue, by_rule, none)] == [0.0, 0.0, 1.0]


def test_calibration_tells_a_gated_row_and_a_name_the_text_does_not_write():
    texts = ["Chile and Peru signed the Harbour Pilots Agreement on Monday.", "A fisheries deal may follow."]
    kept = calibration.finding_features(_finding(why=["agreements:described", "learned:agreement_gate"]), SCORES,
                                        texts=texts)
    assert kept["gated"] == 1.0 and kept["name_in_text"] == 1.0 and kept["name_as_written"] == 1.0
    made_up = calibration.finding_features(_finding(name="Chile-Peru Fisheries Agreement"), SCORES, texts=texts)
    assert not {"gated", "name_in_text", "name_as_written"} & set(made_up) and made_up["party_in_name"] == 1.0
    generic = calibration.finding_features(_finding(name="Fisheries Deal"), SCORES, texts=texts)
    assert generic["name_in_text"] == 1.0 and "name_as_written" not in generic     # only case aside


def test_calibration_reads_the_article_the_same_from_findings_and_from_csv_rows():
    """Row count and sentences shared with another row: the same at run time (findings) and at
    training time (the rows of agreements.csv)."""
    texts = ["The Harbour Pilots Agreement and the Reef Accord were signed.", "Nothing here.", "",
             "The Reef Accord took effect."]
    a = _finding(sentence_ns=[0, 3])
    b = _finding(name="Reef Accord", acronym="", sentence_ns=[0, 3], why=["agreements:named"])
    c = _finding(name="Tuna Memorandum", acronym="", sentence_ns=[1])
    feats = calibration.article_features([a, b, c], SCORES, texts)
    rows = [{"confidence": f"{f.confidence:.2f}", "name": f.name, "kind": f.kind, "acronym": f.acronym,
             "parties": "; ".join(f.parties), "status": f.status, "status_date": f.status_date,
             "sentence_ids": "; ".join(f"x:{n}" for n in f.sentence_ns), "why": "; ".join(f.why), "status_cue": ""}
            for f in (a, b, c)]
    assert feats == calibration.rows_features(rows, SCORES, texts)
    assert [f.get("shares_sentence", 0.0) for f in feats] == [1.0, 1.0, 0.0]
    assert [f["log_article_rows"] for f in feats] == pytest.approx([math.log(3)] * 3)
    assert [f.get("name_as_written", 0.0) for f in feats] == [1.0, 1.0, 0.0]
    alone = calibration.article_features([c], SCORES, texts)[0]
    assert "log_article_rows" not in alone and "shares_sentence" not in alone


MODEL = {"id": "CAL-test", "intercept": -1.0, "weights": {"acronym": 2.0, "status=signed": 1.5},
         "raw_scores": SCORES, "clip": [0.01, 0.99]}


def test_calibration_probability_is_the_logistic_of_the_weighted_features():
    feats = calibration.finding_features(_finding(), SCORES)
    assert calibration.probability(MODEL, feats) == round(1 / (1 + math.exp(-(-1.0 + 2.0 + 1.5))), 2)
    feats = calibration.finding_features(_finding(acronym="", status="proposed"), SCORES)
    assert calibration.probability(MODEL, feats) == round(1 / (1 + math.exp(1.0)), 2)


def test_calibration_probability_never_claims_certainty():
    model = {**MODEL, "intercept": 40.0}
    assert calibration.probability(model, {}) == 0.99
    assert calibration.probability({**MODEL, "intercept": -400.0}, {}) == 0.01


def test_calibration_stage_changes_only_the_confidence(tmp_path):
    (tmp_path / "cal.json").write_text(json.dumps(MODEL))
    ex = Extraction(article=None, sentences=[], agreements=[_finding(), _finding(acronym="", status="proposed")])
    stage = calibration.Stage({"file": ""})
    stage.model = calibration.load_model("cal.json", tmp_path)     # a model of our own, not the shipped one
    out = stage(None, [], ex)
    assert [a.confidence for a in out] == [0.92, 0.27]
    for before, after in zip(ex.agreements, out):
        assert {**asdict(before), "confidence": None} == {**asdict(after), "confidence": None}


def test_calibration_switched_off_keeps_the_raw_score():
    ex = Extraction(article=None, sentences=[], agreements=[_finding()])
    assert calibration.Stage({"file": ""})(None, [], ex) == ex.agreements


def test_calibration_shipped_file_is_valid_and_named_in_the_settings(settings):
    model = calibration.load_model(settings["calibration"]["file"])
    assert model["id"].startswith("CAL-") and model["raw_scores"] == calibration.raw_scores(settings["agreements"])
    p = calibration.probability(model, calibration.finding_features(_finding(), model["raw_scores"]))
    assert 0.0 < p < 1.0


@pytest.mark.parametrize("text", ["{not json", json.dumps({"id": "x", "intercept": "high", "weights": {}}),
                                  json.dumps({"id": "x", "intercept": 0, "weights": {}})])
def test_calibration_broken_file_is_e044(tmp_path, text):
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(PipelineError) as e:
        calibration.load_model("bad.json", tmp_path)
    assert e.value.code == "E044" and "make train" in str(e.value)


# ---------------------------------------------------------------- fitting (scikit-learn, the train extra)

def _records(n_articles=20):
    """Rows of our own making where an acronym and several mentions make a row right more often."""
    recs = []
    for a in range(n_articles):
        for k in range(4):
            acronym, mentions = k % 2 == 0, 1 + (k + a) % 3
            right = acronym or (mentions >= 2 and a % 3 != 0)
            row = {"confidence": "0.90" if acronym else "0.50", "kind": "trade", "acronym": "FTA" if acronym else "",
                   "parties": "Chile; Peru", "status": "signed",
                   "sentence_ids": "; ".join(f"x:{i}" for i in range(mentions))}
            recs.append({"set": "dev" if a < 10 else "train_studied", "article": f"x{a}", "right": right,
                         "raw": float(row["confidence"]), "features": calibration.row_features(row, SCORES, texts=[])})
    return recs


def test_calibrate_fit_is_deterministic_and_learns_the_signal():
    pytest.importorskip("sklearn")
    import numpy as np

    from evaluation.calibrate import _fit, _matrix, _model, cross_validate
    recs = _records()
    names = sorted({k for r in recs for k in r["features"]})
    x, y = _matrix(recs, names), np.array([r["right"] for r in recs])
    first, again = _model(_fit(x, y), names), _model(_fit(x, y), names)
    assert first == again and first["weights"]["acronym"] > 0
    assert cross_validate(recs, names, 4, 0) == cross_validate(recs, names, 4, 0)


def test_calibrate_level_shift_lowers_a_level_that_sets_held_out_whole_miss():
    """Probabilities of held-out sets that claim 0.9 for rows right half the time give a negative
    shift that brings them to about 0.5; rows right as often as claimed give none."""
    from evaluation.calibrate import level_shift
    recs = [{"right": i % 2 == 0} for i in range(40)]
    u = level_shift(recs, {i: 0.9 for i in range(40)})
    assert u < -2.0 and 1 / (1 + math.exp(-(math.log(9) + u))) == pytest.approx(0.5, abs=1e-6)
    recs = [{"right": i % 10 != 0} for i in range(40)]
    assert level_shift(recs, {i: 0.9 for i in range(40)}) == pytest.approx(0.0, abs=1e-6)
    assert level_shift(recs, {}) == 0.0


def test_calibrate_holds_out_whole_sets():
    """Each named set's rows are predicted by a fit on the other sets only: a set whose rows are all
    wrong while every other set is right gets a high (wrong) probability, which no fit on it could give."""
    pytest.importorskip("sklearn")
    from evaluation.calibrate import held_out_sets
    recs = _records()
    recs += [{**r, "set": "odd", "right": False} for r in recs[:8]]
    names = sorted({k for r in recs for k in r["features"]})
    held = held_out_sets(recs, names, ("odd",))
    assert sorted(held) == list(range(len(recs) - 8, len(recs)))
    assert all(held[i] > 0.5 for i in held if recs[i]["features"].get("acronym"))


def test_calibrate_without_scikit_learn_is_e045(monkeypatch):
    from evaluation import calibrate
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(PipelineError) as e:
        calibrate.main(type("Args", (), {"shared": "../shared"})())
    assert e.value.code == "E045"


@pytest.mark.model
def test_calibration_in_a_run_changes_only_the_confidence_column(tmp_path, settings):
    """corpus/ (articles written for this project) run with and without calibration: the tables are
    byte-identical but for agreements.confidence, which is the shipped model's probability."""
    from pipeline.config import PROJECT_ROOT
    from pipeline.run import run
    from pipeline.write.csvio import read_csv
    raw = {**settings, "calibration": {"file": ""}}
    run(PROJECT_ROOT / "corpus", tmp_path / "raw", raw)
    run(PROJECT_ROOT / "corpus", tmp_path / "cal", settings)
    for name in ("articles", "sentences", "actors", "dates", "motives"):
        assert (tmp_path / "raw" / f"{name}.csv").read_bytes() == (tmp_path / "cal" / f"{name}.csv").read_bytes()
    model = calibration.load_model(settings["calibration"]["file"])
    before, after = read_csv(tmp_path / "raw" / "agreements.csv"), read_csv(tmp_path / "cal" / "agreements.csv")
    assert before and len(before) == len(after)
    texts, by_article = {}, {}
    for s in read_csv(tmp_path / "raw" / "sentences.csv"):
        texts.setdefault(s["article_id"], []).append(s["text"])
    for b in before:
        by_article.setdefault(b["article_id"], []).append(b)
    feats = {id(r): f for art, rows in by_article.items()
             for r, f in zip(rows, calibration.rows_features(rows, model["raw_scores"], texts.get(art, [])))}
    for b, a in zip(before, after):
        assert {**b, "confidence": ""} == {**a, "confidence": ""}
        assert a["confidence"] == f"{calibration.probability(model, feats[id(b)]):.2f}"


def test_calibrate_flags_as_studied_the_sets_the_learned_parts_are_fitted_on():
    """A set the rules or the agreement gate were fitted on must carry the studied flag, or its
    optimism would set the level of the probability; the blind level sets must not."""
    from evaluation.calibrate import LEVEL_SETS, STUDIED
    from evaluation.gold import STUDIED_SETS
    assert {spec.split("=", 1)[0].replace("-", "_") for spec in STUDIED_SETS} == set(STUDIED)
    assert not set(LEVEL_SETS) & set(STUDIED)


def test_calibration_counts_the_words_of_the_name():
    """A longer name (more specific) is a feature of its own, read the same from findings and rows."""
    short = calibration.finding_features(_finding(name="Salmon Accord"), SCORES)
    long = calibration.finding_features(_finding(name="Upper Basin Salmon Quota Accord"), SCORES)
    assert long["log_name_words"] == pytest.approx(math.log(5)) and short["log_name_words"] == pytest.approx(math.log(2))
    assert "log_name_words" not in calibration.finding_features(_finding(name="Accord"), SCORES)


def test_calibration_spread_averages_the_probability_over_levels():
    """With a level spread the probability is the mean of the logistic over equally likely levels:
    nearer 0.5 than without, the same order of rows, and the plain logistic with no spread."""
    feats = calibration.finding_features(_finding(), SCORES)          # acronym + signed: z = 2.5
    plain = calibration.probability(MODEL, feats)
    spread = calibration.probability({**MODEL, "level_spread": 1.0}, feats)
    assert plain == round(1 / (1 + math.exp(-2.5)), 2) and 0.5 < spread < plain
    levels = [2.5 + q for q in calibration._LEVELS]
    assert spread == round(sum(1 / (1 + math.exp(-z)) for z in levels) / len(levels), 2)
    low = calibration.finding_features(_finding(acronym=""), SCORES)    # z = 0.5
    assert calibration.probability({**MODEL, "level_spread": 1.0}, low) < spread
    assert calibration.probability({**MODEL, "level_spread": 0.0}, feats) == plain


def test_calibration_spread_out_of_range_is_e044(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({**MODEL, "level_spread": -1}))
    with pytest.raises(PipelineError) as e:
        calibration.load_model("bad.json", tmp_path)
    assert e.value.code == "E044" and "level_spread" in str(e.value)


def test_calibrate_spread_is_how_far_the_held_out_sets_miss_apart():
    """Two held-out sets missed in opposite directions give a spread; two missed alike give none."""
    from evaluation.calibrate import level_shift, level_spread
    recs = [{"set": "a", "right": i % 2 == 0} for i in range(20)] + [{"set": "b", "right": i % 10 != 0} for i in range(20)]
    held = {i: 0.7 for i in range(40)}
    ua, ub = level_shift(recs, {i: 0.7 for i in range(20)}), level_shift(recs, {i: 0.7 for i in range(20, 40)})
    assert ua < 0 < ub and level_spread(recs, held) == pytest.approx(abs(ub - ua) / math.sqrt(2))
    alike = [{"set": s, "right": i % 2 == 0} for s in "ab" for i in range(20)]
    assert level_spread(alike, held) == pytest.approx(0.0, abs=1e-9)
    assert level_spread(recs, {i: 0.7 for i in range(20)}) == 0.0       # one set: no spread


def test_calibrate_caution_lowers_the_level_until_a_hard_set_keeps_the_high_bin():
    """Rows the model puts at about 0.9: with no spread nothing is lowered; with a wide spread a set
    harder than nine in ten would get fewer than 85% of them right, so the level comes down until
    the rows still at >= 0.8 would hold 85% there."""
    from evaluation.calibrate import HIGH_TARGET, level_caution
    model = {**MODEL, "intercept": 2.2, "weights": {"acronym": 1.0}}
    rows = [{"acronym": 1.0}] * 10 + [{}] * 10
    assert level_caution({**model, "level_spread": 0.0}, rows) == 0.0
    k = level_caution({**model, "level_spread": 1.0}, rows)
    assert k > 0
    lowered = {**model, "level_spread": 1.0, "intercept": 2.2 - k}
    high = [f for f in rows if calibration.probability(lowered, f) >= 0.8]
    z_hard = [2.2 + (1.0 if f else 0.0) - 1.2816 for f in high]
    assert high and sum(1 / (1 + math.exp(-z)) for z in z_hard) / len(high) >= HIGH_TARGET


def test_calibrate_leave_one_set_out_predicts_each_set_without_it():
    """Every row is predicted, each set by a fit without it: a set of wrong rows among right ones
    is predicted right (which no fit on it would say)."""
    pytest.importorskip("sklearn")
    from evaluation.calibrate import leave_one_set_out
    recs = _records()
    recs += [{**r, "set": "odd", "right": False} for r in recs[:8]]
    names = sorted({k for r in recs for k in r["features"]})
    out = leave_one_set_out(recs, names)
    assert sorted(out) == list(range(len(recs)))
    assert all(out[i] > 0.5 for i in range(len(recs) - 8, len(recs)) if recs[i]["features"].get("acronym"))


def test_calibrate_keeps_the_studied_flags_out_of_the_run_weights():
    """The studied flags (the set's and the one on names the text does not write) are fitted but
    never shipped as weights: the run never sets them."""
    pytest.importorskip("sklearn")
    import numpy as np

    from evaluation.calibrate import (
        STUDIED_FLAG,
        STUDIED_NAME_FLAG,
        _fit,
        _matrix,
        _model,
    )
    recs = _records()
    for r in recs:
        if r["set"] == "dev":
            r["features"] = {**r["features"], STUDIED_FLAG: 1.0, STUDIED_NAME_FLAG: 1.0}
    names = sorted({k for r in recs for k in r["features"]})
    model = _model(_fit(_matrix(recs, names), np.array([r["right"] for r in recs])), names)
    assert STUDIED_FLAG not in model["weights"] and STUDIED_NAME_FLAG not in model["weights"]
    assert "studied_offset" in model and "studied_not_written_offset" in model
