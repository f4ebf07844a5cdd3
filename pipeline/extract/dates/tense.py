"""The tense of the verb that governs a temporal expression, which picks past or future for
expressions that leave it open ("May", "Friday", "the third quarter")."""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.extract.nlp import text_of

FUTURE_AUX = {"will", "'ll", "shall", "wo", "would", "going", "gon"}
FUTURE_LEADS = ("as soon as ", "as early as ", "no sooner than ")         # 'as soon as Tuesday'
FUTURE_HEADS = {"expect", "schedule", "plan", "due", "set", "intend", "aim", "slate", "hope", "prepare", "propose"}
# verbs that put what they govern ahead of the time of writing in the present perfect ('has
# scheduled a meeting Thursday'); a past passive ('was scheduled for Monday') may be over
SCHEDULE_HEADS = {"schedule", "reschedule", "plan", "slate"}
SCHEDULE_AUX = {"has", "have", "'ve"}
# a lead that puts a date ahead of the sentence's time whatever the tense ('named him, effective Feb. 1')
ALWAYS_FUTURE_LEADS = ("effective ",)


def _governor(doc: Doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tok = span.root
    for _ in range(4):
        if tok.head is tok:
            break
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def tense(doc: Doc, start: int, end: int) -> str:
    """Tense of the verb that governs the expression: 'future' ("will meet", "is expected to
    sign", "is scheduled for", "is meeting"), 'past' ("met", "has met"), or '' when the
    sentence does not say (present tense, no verb). A lead that sets the earliest time of
    something still to come ("could leave as soon as Friday") points to the future unless the
    verb is in the past ("as early as May, they had warned"); 'effective' and a verb of
    scheduling in the present perfect ("has scheduled a meeting Thursday") point to the future."""
    told = _verb_tense(doc, start, end)
    before = text_of(doc)[max(0, start - 16):start].lower()
    if before.endswith(ALWAYS_FUTURE_LEADS) or told != "past" and before.endswith(FUTURE_LEADS):
        return "future"
    return told


AUX_DEPS = ("aux", "auxpass")


def _aux(tok) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in AUX_DEPS}


def _verb_tense(doc: Doc, start: int, end: int) -> str:
    verb = _governor(doc, start, end)
    if verb is None:
        return ""
    chain = [verb]
    head = verb
    while head.dep_ in ("xcomp", "conj") and head.head is not head and len(chain) < 4:
        head = head.head
        chain.append(head)
    for v in chain:
        kids = [c for c in v.children if c.dep_ in AUX_DEPS]
        low = {c.lower_ for c in kids}
        if low & FUTURE_AUX:
            return "future"
        if "had" in low or v is verb and "to" in low and "had" in _aux(v.head) | _aux(v.head.head):
            return "past"         # a plan in the past perfect ('had been due to expire Friday') is over
        if v is verb and v.tag_ == "VB" and "to" in low and (v.head.lemma_.lower() in FUTURE_HEADS | {"be"} or v.head is v):
            return "future"
        if v.lemma_.lower() in SCHEDULE_HEADS and low & SCHEDULE_AUX:
            return "future"
        if v.lemma_.lower() in FUTURE_HEADS and (v.tag_ in ("VBZ", "VBP") or low & {"is", "are", "'s", "'re", "am"}) \
                and v is not verb:
            return "future"
        if v.tag_ == "VBN" and v.lemma_.lower() in FUTURE_HEADS and low & {"is", "are", "'s", "'re", "am"}:
            return "future"
        if v.tag_ == "VBD" or any(c.tag_ == "VBD" for c in kids) or low & {"has", "have", "had", "'ve"}:
            return "past"
        if v.tag_ == "VBG" and low & {"is", "are", "'s", "'re", "am"}:
            return "future"
        if v.tag_ in ("VBZ", "VBP") and v is verb:
            return "present"
    return ""
