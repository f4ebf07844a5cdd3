"""Cues that, read in their sentence, state no motive: schedules, appeals, reciprocal accusations,
deal content, a speaker's own plans, figures moving; and the ground a resistance argues."""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from pipeline.extract.motives.cues import CueHit, cue_rows
from pipeline.extract.motives.links import REPORTING, _actor_at
from pipeline.extract.motives.spans import TOPIC, clause_node
from pipeline.extract.nlp import text_of
from pipeline.records import ActorFinding, AgreementFinding
from pipeline.resources import word_list

STOPPING = word_list("motive_words.jsonl", "stopping")
ARGUING = word_list("motive_words.jsonl", "arguing")
PERSONAL = word_list("motive_words.jsonl", "personal")
# Verbs of a timetable: "due to expire", "due to meet" say when, not why.
SCHEDULE = word_list("motive_words.jsonl", "schedule")
# Steps every agreement goes through: "will need to ratify it" says what comes next, not why.
RATIFYING = word_list("motive_words.jsonl", "ratifying")
# Verbs of a procedure: "cannot take effect unless ratified" is a rule of the deal, not a reason.
PROCEDURAL = word_list("motive_words.jsonl", "procedural")
AGREEMENT_EVENTS = word_list("motive_words.jsonl", "agreement_events")
# Verbs of a figure moving: "trade rose because of coal prices" explains a number, not a party.
MOVES = word_list("motive_words.jsonl", "moves")
CAUSE_MARKS = word_list("motive_words.jsonl", "cause_marks")
# Nouns of a stretch of time: "over a period of 60 days" says how long, "ten months of talks since X
# began" says since when, not why.
TIME_UNITS = word_list("motive_words.jsonl", "time_units")
AGREEMENT_NOUNS = word_list("motive_words.jsonl", "agreement_nouns")


def _in_mentions(tok: Token, agreements: list[AgreementFinding]) -> bool:
    return any(m.start <= tok.idx < m.end for ag in agreements for m in ag.mentions)


def _names_actor(tokens, actors: list[ActorFinding]) -> bool:
    return any(_actor_at(actors, t.idx, t.idx + len(t.text)) for t in tokens)


def _modified_verb(tok: Token) -> Token | None:
    """The verb a causal marker modifies: the head of its adverbial clause or prepositional phrase."""
    node = tok
    for _ in range(3):
        if node.dep_ in ("advcl", "prep") and node.head.i != node.i:
            return node.head
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _timespan(tok: Token) -> bool:
    return tok.lemma_.lower() in TIME_UNITS and (tok.ent_type_ in ("DATE", "TIME") or tok.dep_ == "pobj")


def temporal(doc: Doc, hit: CueHit) -> bool:
    """A causal-looking marker that here marks time: "over" or "since" whose object is a stretch of
    time ("over a period of 60 days", "since last year"), or "since" opening a clause that dates a
    duration the governing verb names ("ends ten months of fighting since the war began")."""
    shown = doc.char_span(hit.start_char, hit.end_char, alignment_mode="expand")
    for m in shown or ():
        if m.lower_ not in ("over", "since"):
            continue
        if m.dep_ == "prep":
            obj = [c for c in m.children if c.dep_ == "pobj"]
            if obj and (_timespan(obj[0]) or obj[0].ent_type_ in ("DATE", "TIME")):
                return True
        elif m.dep_ == "mark" and m.lower_ == "since" and m.head.dep_ == "advcl":
            verb = m.head.head
            if any(c.dep_ in ("dobj", "npadvmod", "attr", "nsubj") and any(
                    t.lemma_.lower() in TIME_UNITS and t.ent_type_ == "DATE" for t in c.subtree)
                   for c in verb.children):
                return True
    return False


# Modals of an obligation a deal lays down ("the parties must withdraw", "the pact shall apply"), against
# "will", "would", "could" of an expected benefit ("the pact will give India access to ...").
OBLIGING = word_list("motive_words.jsonl", "obliging")
# Modals that, under "under the agreement", state its terms ("under the deal, ships will be inspected").
STIPULATING = word_list("motive_words.jsonl", "stipulating")
# Verbs whose complement is a claim someone makes: a stated benefit inside one is a motive.
CLAIMING = word_list("motive_words.jsonl", "claiming")


def _names_agreement(tok: Token, agreements: list[AgreementFinding]) -> bool:
    return any(t.lemma_.lower() in AGREEMENT_NOUNS or _in_mentions(t, agreements) for t in tok.subtree
               if t.i <= tok.i)


def stipulation(tok: Token, agreements: list[AgreementFinding]) -> bool:
    """A benefit or need cue in a clause stating an obligation an agreement lays down, not why anyone
    wants it: an agreement as subject with shall/must ("the accord shall give each party access to
    ..."), or a term "under the agreement" ("under the deal, both armies must pull back", "under
    the pact, inspectors will board ..."), with no one reported as claiming it ("officials say
    that under the pact ships must ..." stays a motive)."""
    verb = clause_node(tok)
    if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    modals = {c.lower_ for c in verb.children if c.dep_ == "aux" and c.tag_ == "MD"}
    if not modals or not modals <= STIPULATING:
        return False
    up = verb
    while up.head.i != up.i:
        up = up.head
        if up.lemma_.lower() in CLAIMING:
            return False
    under = any(c.dep_ == "prep" and c.lower_ == "under" and any(
        _names_agreement(o, agreements) for o in c.children if o.dep_ == "pobj") for c in verb.children)
    if under:
        return True
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return bool(modals <= OBLIGING and subj and subj[0].lower_ not in PERSONAL and _names_agreement(subj[0], agreements))


def spurious(doc: Doc, hit: CueHit, agreements: list[AgreementFinding], actors: list[ActorFinding],
             text: str | None = None) -> str:
    """A cue that, read in its sentence, does not state why an actor pursues or resists an agreement:
    a schedule ("due to lapse"), an appeal for calm ("urged restraint"), a reciprocal accusation
    ("accused each other of"), the content of a deal ("would stop blocking", "which would establish
    relations"), a speaker's plan ("Moscow said it would ...") or the cause of a figure moving.
    Returns why ('' when the cue stands); for "figure" and "exchange" the cues inside the causal
    clause or the accusation go with it (see dead_range)."""
    tok = doc[hit.start]
    cue = (text_of(doc) if text is None else text)[hit.start_char:hit.end_char].lower()
    if cue_rows()[hit.id].get("needs_agreement"):
        lo, hi = min(hit.start_char, tok.idx), max(hit.end_char, tok.idx + len(tok.text))
        if not any(m.start < hi and lo < m.end for ag in agreements for m in ag.mentions):
            return "content"
    if any(c.dep_ == "mark" and c.lower_ == "whether" for c in clause_node(tok).children):
        return "question"       # "whether X wants a deal": an open question, no reason stated
    if hit.type == "cause" and temporal(doc, hit):
        return "temporal"
    if hit.type in ("benefit", "need") and stipulation(tok, agreements):
        return "stipulation"
    if cue == "due to" and hit.end < len(doc) and (doc[hit.end].tag_ == "VB" or doc[hit.end].lower_ in SCHEDULE):
        return "content"
    if cue == "without" and any(t.lemma_ in ("delay", "hesitation") for t in doc[hit.end:hit.end + 2]):
        return "content"
    if tok.lemma_ == "urge":
        objects = [c for c in tok.children if c.dep_ in ("dobj", "xcomp", "ccomp")]
        if not any(TOPIC.search(" ".join(t.text for t in c.subtree)) for c in objects
                   if c.dep_ == "dobj") or any(c.dep_ in ("xcomp", "ccomp") for c in objects):
            return "content"
    if tok.lemma_ in ("accuse", "blame"):
        after = " ".join(t.lower_ for t in doc[hit.end:hit.end + 2])
        if after in ("each other", "one another") or "each" in after.split()[:1]:
            return "exchange"
    if cue in ("cannot", "can not", "unable to") and clause_node(tok).lemma_ in PROCEDURAL:
        return "content"
    if hit.type == "need" and tok.lemma_ == "need" and any(
            c.dep_ == "xcomp" and c.lemma_ in RATIFYING for c in tok.children):
        return "content"        # "Jakarta will now need to ratify the pact": a step, not a reason
    if hit.type == "resistance":
        node = clause_node(tok)
        if node.dep_ in ("xcomp", "ccomp") and node.head.lemma_ in STOPPING:
            return "content"
    if tok.dep_ == "nsubj" and tok.lower_ in ("it", "which") and tok.head.pos_ == "VERB":
        verb = tok.head
        before = [t for t in doc[max(0, tok.i - 2):tok.i] if not t.is_punct][-1:]
        if tok.lower_ == "which" and verb.dep_ == "relcl" and (
                verb.head.lemma_ in AGREEMENT_NOUNS or _in_mentions(verb.head, agreements)
                or any(_in_mentions(t, agreements) or t.lemma_ in AGREEMENT_NOUNS for t in before)):
            return "content"
        if tok.lower_ == "it" and verb.dep_ == "ccomp" and verb.head.lemma_ in REPORTING:
            speaker = [c for c in verb.head.children if c.dep_ == "nsubj"]
            if speaker and any(a.type in ("state", "organization") and any(
                    speaker[0].left_edge.idx <= m.start < speaker[0].right_edge.idx + len(speaker[0].right_edge.text)
                    for m in a.mentions) for a in actors):
                return "content"
    if hit.type == "cause" and cue in CAUSE_MARKS:
        verb = _modified_verb(tok)
        if verb is not None and verb.lemma_ in MOVES:
            return "figure"
        if verb is not None and verb.pos_ in ("VERB", "AUX") and verb.lemma_ not in AGREEMENT_EVENTS:
            subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].lower_ not in PERSONAL:
                words = list(subj[0].subtree)
                if not _names_actor(words, actors) and not TOPIC.search(" ".join(t.text for t in words)) \
                        and not any(_in_mentions(t, agreements) for t in words):
                    return "figure"
    return ""


def dead_range(tok: Token, why: str) -> tuple[int, int] | None:
    """Tokens [lo, hi] whose cues fall with a dismissed cue: the clause a causal marker introduces
    ("because X ..."), the charge of a reciprocal accusation ("accused each other of X")."""
    if why == "figure":
        head = tok.head if tok.dep_ == "mark" else tok
        return head.left_edge.i, head.right_edge.i
    if why == "exchange":
        charge = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
        if charge:
            return charge[0].left_edge.i, charge[0].right_edge.i
    return None


def argued_reason(doc: Doc, span: Span, node: Token) -> tuple[int, int] | None:
    """The clause giving the reason for the resistance whose clause heads at `node` ("..., arguing
    that X", "argues that X, and refused ..."): token range of the participle clause, or of the
    complement of a finite verb, when that verb and `node` are linked directly or as conjuncts."""
    for tok in span:
        linked = tok.i == node.i or tok.head.i == node.i or node.head.i == tok.i or (
            tok.head.i == node.head.i and tok.dep_ == "conj" and node.dep_ == "conj")
        arguing = tok.lemma_ in ARGUING or (tok.lemma_ == "say" and tok.tag_ == "VBG" and tok.dep_ == "advcl")
        if arguing and tok.pos_ == "VERB" and linked:
            comp = [c for c in tok.children if c.dep_ == "ccomp"]
            if not comp:
                continue
            if tok.dep_ == "advcl" and tok.tag_ == "VBG":
                toks = list(tok.subtree)
            else:
                toks = [t for t in comp[0].subtree if not (t.i == comp[0].left_edge.i and t.lower_ == "that")]
            return toks[0].i, toks[-1].i + 1
    return None

