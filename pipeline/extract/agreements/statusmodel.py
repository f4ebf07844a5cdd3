"""The learned status check of the agreement stage: a multinomial logistic model that may override the
status the cue rules gave a row.

The rules read a status from cue words on the governing clause (status.py). On unseen articles they
go wrong in ways no single cue fixes: a past signing told as background of an agreement that exists,
a requirement or future read as done, another event's cue in the same sentence. The model reads, for
each row, the rules' status and cue, and the parse around each of its mentions (the governing verb's
lemma, tense and modal, negation, whether the mention is subject or object, whether the cue verb is a
relative or participial clause on the mention, how far after the article's lead the row is first met,
how many sentences mention it, its source). Its prediction replaces the rules' status only when its
probability reaches the threshold chosen by cross-validation (evaluation/train_agreements.py, whole
articles held out); when training finds no gain over the rules the file says enabled: false and the
rules' status stands.

Weights: resources/agreement_status.json (scikit-learn at training time only, `make train`); applied
here in plain Python: softmax over classes of bias + sum of the weights of the features present.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.resources import load_weights, parse_weights

WEIGHTS_FILE = "agreement_status.json"
STATUS_MODEL_RULE = "learned:status_model"      # status_cue / why of a row whose status the model set
MODALS = frozenset({"will", "would", "could", "can", "should", "may", "might", "must", "shall"})


@dataclass(frozen=True)
class StatusModel:
    classes: tuple[str, ...]
    weights: dict[str, dict[str, float]]     # class -> feature -> weight
    bias: dict[str, float]
    threshold: float
    enabled: bool = True

    def probabilities(self, features) -> dict[str, float]:
        fs = set(features)
        z = {c: self.bias.get(c, 0.0) + sum(self.weights.get(c, {}).get(f, 0.0) for f in fs) for c in self.classes}
        top = max(z.values(), default=0.0)
        e = {c: math.exp(v - top) for c, v in z.items()}
        total = sum(e.values()) or 1.0
        return {c: v / total for c, v in e.items()}

    def decide(self, features, status: str) -> str:
        """The status to write: the model's when enabled and sure enough, else the rules' status."""
        if not self.enabled or not self.classes:
            return status
        probs = self.probabilities(features)
        best = max(probs, key=probs.get)
        return best if probs[best] >= self.threshold else status


RULES = StatusModel((), {}, {}, 1.0, enabled=False)


def status_features(inst, finding, doc: Doc, lead_n: int) -> tuple[str, ...]:
    """What the model reads of a row (see the module docstring)."""
    ns = sorted({n for _h, n in inst.hits})
    by = inst.status_by[0] or "none"
    feats = {f"rule={finding.status}", f"cue={by}", f"source={inst.source}",
             f"mentions={min(len(ns), 3)}", f"parties={min(len(finding.parties), 3)}",
             f"after_lead={min(max(ns[0] - lead_n, 0), 4) if ns and lead_n >= 0 else -1}",
             f"rule&mentions={finding.status}&{min(len(ns), 3)}"}
    for h, _n in inst.hits:
        span = doc.char_span(h.start, h.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        tok = span.root
        feats.add(f"hit_status={h.status}")
        feats.add(f"dep={tok.dep_}")
        verb, steps = tok, 0
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and steps < 4:
            verb, steps = verb.head, steps + 1
        if verb.pos_ in ("VERB", "AUX"):
            feats.add(f"gov={verb.lemma_.lower()}")
            feats.add(f"tag={verb.tag_}")
            feats.add(f"vdep={verb.dep_}")
            for c in verb.children:
                if c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS:
                    feats.add(f"modal={c.lower_}")
                if c.dep_ == "neg":
                    feats.add("neg=1")
                if c.dep_ in ("aux", "auxpass") and c.lemma_.lower() == "have":
                    feats.add("perfect=1")
        if h.cue[0] >= 0:
            cue = doc.char_span(h.cue[0], h.cue[1], alignment_mode="expand")
            if cue is not None and len(cue):
                root = cue.root
                feats.add(f"cue_dep={root.dep_}")
                feats.add(f"cue_tag={root.tag_}")
                if root.dep_ in ("relcl", "acl") and span.start <= root.head.i < span.end:
                    feats.add("cue_on_mention=1")
        sent = tok.sent
        for t in sent:
            if t.lower_ in MODALS:
                feats.add("sent_modal=1")
            if t.dep_ == "neg":
                feats.add("sent_neg=1")
    return tuple(sorted(feats))


def _status_model(data: dict) -> StatusModel:
    return StatusModel(tuple(str(c) for c in data["classes"]),
                       {str(c): {str(k): float(v) for k, v in w.items()} for c, w in data["weights"].items()},
                       {str(c): float(v) for c, v in data["bias"].items()}, float(data["threshold"]),
                       bool(data.get("enabled", True)))


def from_json(data: dict, where: str = WEIGHTS_FILE) -> StatusModel:
    return parse_weights(data, _status_model, where, "agreement status model")


@lru_cache(maxsize=1)
def load() -> StatusModel:
    """The shipped model (resources/agreement_status.json); the rules alone when the file is absent."""
    return load_weights(WEIGHTS_FILE, from_json, RULES, "agreement status model")
