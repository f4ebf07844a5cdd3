"""The learned part of the agreement stage: a keep/drop gate for candidate rows.

The rules keep a descriptive instrument ('an agreement on X', describe.py) only when a treaty-event
verb or a with/between phrase anchors it, and leave bare noun compounds ('the minerals deal', 'a
returns agreement with X') to the kind lexicon: written as rules, the broader readings added as many
false rows as true ones on unseen articles. So those readings are made as candidates (a mention with
`features`), and a row made of candidates only is kept when this gate's score reaches its threshold.
The gate is a logistic regression over the candidate's parse features (form, head noun, determiner,
anchoring, dependency, governing verb, topic words) and its row's (parties found, status, mentions);
a row with any mention the rules keep is never gated.

The weights are a JSON file (resources/agreement_gate.json) written by evaluation/train_agreements.py
(scikit-learn at training time only, `make train`); here they are applied in plain Python:
score = sigmoid(bias + sum of the weights of the features present). When training finds no gain over
the rules on held-out articles it writes enabled: false, and the rules decide (a generic row is kept,
a row of candidates only is dropped); so does a missing file.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.agreements.describe import (
    _governing_event,
    _with_phrase,
    candidate_features,
)
from pipeline.resources import load_weights, parse_weights

WEIGHTS_FILE = "agreement_gate.json"
GATE_RULE = "learned:agreement_gate"     # in `why` of a row the gate kept


@dataclass(frozen=True)
class Gate:
    weights: dict[str, float]
    bias: float
    threshold: float
    enabled: bool = True        # False: the rules decide (training found no gain over them)

    def score(self, features) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in set(features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keep(self, features, by_rules: bool = True) -> bool:
        return self.score(features) >= self.threshold if self.enabled else by_rules


RULES = Gate({}, 0.0, 0.0, enabled=False)   # the rules alone: a generic row kept, a row of candidates only dropped
KEEP_ALL = Gate({}, 30.0, 0.0)   # keeps every row (training)
NONE = Gate({}, -30.0, 1.0)     # keeps no gated row


def row_features(inst, doc) -> tuple[str, ...]:
    """The features of a gated row: its first candidate's (or, for a generic row, those of its first
    mention's head read from the parse), and the row's own."""
    first = next((h for h, _n in inst.hits if h.features), None)
    if first is not None:
        feats = first.features
    else:
        h = next((h for h, _n in inst.hits if h.source not in ("anaphor", "indefinite")), inst.hits[0][0])
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if span is None or not len(span):
            feats = ("form=generic",)
        else:
            tok = span.root
            dets = [c.lower_ for c in tok.children if c.dep_ in ("det", "poss", "nummod")]
            words = [t.lower_ for t in span if t.i != tok.i and t.is_alpha and t.dep_ not in ("det", "poss")]
            feats = candidate_features(tok, dets, " ".join(words), "generic",
                                       _governing_event(tok) or _with_phrase(tok))
    n = len(inst.parties)
    return (*feats, f"parties={min(n, 3)}", f"status={inst.status}",
            f"mentions={min(len({n for _h, n in inst.hits}), 3)}", f"catalogued={int(bool(inst.hits[0][0].rule))}")


def _candidates_only(inst) -> bool:
    """Every mention that can make a row is a candidate (references, 'the pact', 'an agreement', never
    make a row on their own: instances._keep)."""
    own = [h for h, _n in inst.hits if h.source not in ("anaphor", "indefinite")]
    return bool(own) and all(h.features for h in own)


def rules_keep(inst) -> bool:
    """What the rules alone decide for a gated row: a row of candidate mentions (and references) only
    is dropped."""
    return not _candidates_only(inst)


def gated(inst) -> bool:
    """A row the gate decides: made of candidate mentions (and references) only, or a generic
    instrument (no name)."""
    return _candidates_only(inst) or (inst.source == "generic" and not inst.key.startswith("new:"))


def from_json(data: dict, where: str = WEIGHTS_FILE) -> Gate:
    return parse_weights(data, lambda d: Gate({str(k): float(v) for k, v in d["weights"].items()}, float(d["bias"]),
                                              float(d["threshold"]), bool(d.get("enabled", True))),
                         where, "agreement gate")


@lru_cache(maxsize=1)
def load() -> Gate:
    """The shipped gate (resources/agreement_gate.json); the rules alone when the file is absent."""
    return load_weights(WEIGHTS_FILE, from_json, RULES, "agreement gate")
