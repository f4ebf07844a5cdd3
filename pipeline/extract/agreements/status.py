"""Status of one agreement mention: cues of resources/status_cues.jsonl read in the clause that
governs the mention, with modality."""
from __future__ import annotations

import re

import regex
from spacy.tokens import Span, Token

from pipeline.extract.agreements.lexicon import (
    REPORTING_VERBS,
    STATUS_RANK,
    cue_starts,
    modal_rows,
    status_conditions,
    status_cue_rows,
)
from pipeline.extract.agreements.windows import (
    INSTRUMENT_WORDS,
    PROCEDURE_WORDS,
    _definite_reference,
    _shares_object,
)
from pipeline.resources import word_list


def status_at(text: str, lo: int, hi: int, m_start: int | None = None, m_end: int | None = None,
              context_lo: int | None = None, others: tuple[int, ...] = ()) -> str:
    """The most advanced status asserted in text[lo:hi] about the mention at m_start..m_end, each
    cue checked for modality in the words just before it (must / would / expected to / unless / not).
    'restored' is returned for restorations (written as in_force)."""
    return status_cue_at(text, lo, hi, m_start, m_end, context_lo, others)[0]


def status_cue_at(text: str, lo: int, hi: int, m_start: int | None = None, m_end: int | None = None,
                  context_lo: int | None = None, others: tuple[int, ...] = (),
                  tied: tuple[tuple[int, int], ...] = (), span: Span | None = None) -> tuple[str, int, int]:
    """status_at with the character span of the cue that gave it ((status, -1, -1) when none)."""
    return status_cue_read(text, lo, hi, m_start, m_end, context_lo, others, tied, span)[:3]


def status_cue_read(text: str, lo: int, hi: int, m_start: int | None = None, m_end: int | None = None,
                    context_lo: int | None = None, others: tuple[int, ...] = (),
                    tied: tuple[tuple[int, int], ...] = (), span: Span | None = None) -> tuple[str, int, int, str]:
    """status_cue_at plus the id of the status_cues.jsonl row of the cue ('' when none).
    tied: spans of words syntactically tied to the mention (its governing verbs): a cue there
    counts whatever its distance from the mention. span: the mention in the parse, when there is
    one: a cue verb is then read on its dependency path (see cue_reading)."""
    best, best_at, best_id = "unspecified", (-1, -1), ""
    window = text[lo:hi]
    starts = cue_starts(window)
    if not starts:
        return best, -1, -1, ""
    m_start = lo if m_start is None else m_start
    m_end = hi if m_end is None else m_end
    modals = modal_rows()
    conditions = status_conditions()
    # the characters the cues found start with: a row that cannot start with any of them cannot
    # match at a start (first_chars; only for ASCII, where IGNORECASE folds as lower() does)
    heads = {window[at] for at in starts}
    heads = {ch.lower() for ch in heads} if all(ch < "\x80" for ch in heads) else None
    for _typ, status, pat, near, cue_id, first in status_cue_rows():
        if heads is not None and first is not None and first.isdisjoint(heads):
            continue
        for m in cue_matches(pat, window, starts):
            cs, ce = lo + m.start(), lo + m.end()
            bound = any(a < ce and cs < b for a, b in tied)
            if near > 0 and not bound and not (m_start - near <= ce <= m_start or m_end <= cs <= m_end + near
                                               or (cs <= m_start and ce >= m_end)):
                continue
            if near < 0 and not m_start + near <= ce <= m_start:
                continue
            if any(0 <= o - ce <= 6 and o != m_start for o in others):
                continue    # "the conclusion of the RAA": the cue belongs to the next mention
            if status in ("terminated", "suspended") and any(c.search(text[ce:ce + 80]) for c in conditions):
                continue
            ctx_lo = max(lo if context_lo is None else context_lo, cs - 60)
            cue = span.doc.char_span(cs, ce, alignment_mode="expand") if span is not None else None
            ctx = text[ctx_lo:cs] if cue is None else _own_clause_words(text, ctx_lo, cs, cue.root)
            got = _apply_modality(status, ctx, modals)
            if got == "unspecified" and status in ("terminated", "suspended") and cue is not None \
                    and _reported_would(cue.root):
                # 'said it would suspend the pact': the reported form of 'will suspend', an announcement
                got = _apply_modality(status, re.sub(r"\bwould\b", " ", ctx, flags=re.IGNORECASE), modals)
            if span is not None:
                got = cue_reading(span, cs, ce, got, status, cue=cue)
            if cue_id in PREDICATE_CUES and got == status and (cue is None or not _asserted_of(cue.root, span)):
                got = "standing"    # ('under a pact which remains in force'): a state told in passing
            if STATUS_RANK[got] > STATUS_RANK[best]:
                best, best_at, best_id = got, (cs, ce), cue_id
    return best, best_at[0], best_at[1], best_id


PREDICATE_CUES = word_list("agreement_words.jsonl", "cues_predicate")


def _asserted_of(verb: Token, span: Span) -> bool:
    """The cue verb ('remains in force', 'stays in effect') is the predicate of a main or coordinated
    clause whose subject is the mention, or a definite reference to an agreement ('that accord', 'the
    memorandum', 'it'), not a relative or adverbial clause nor an indefinite subject ('and a pact with X
    remains in force': met in passing)."""
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("relcl", "acl", "advcl", "pcomp", "pobj", "xcomp"):
        return False
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and verb.dep_ == "conj":
        subj = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in subj.children):
        return False
    if subj.left_edge.i <= span.root.i <= subj.right_edge.i:
        return True
    return subj.lower_ == "it" or _definite_reference(subj)


def told_of(span: Span, cs: int, ce: int) -> bool:
    """The cue at cs..ce is the predicate of the sentence's main clause and the mention is its subject:
    'The pact, signed in May, entered into force in October', 'The accord has been in force since 2016',
    'The pact was signed in 2019 and took effect in 2020' (the article tells the event of the agreement
    itself; not one met in passing in a relative, adverbial or appositive phrase: '..., which took effect in
    2019', 'after a pact took effect', 'the pact, in force since 2010, ...')."""
    cue = span.doc.char_span(cs, ce, alignment_mode="expand")
    if cue is None:
        return False
    verb, steps = cue.root, 0
    while verb.pos_ not in ("VERB", "AUX") and verb.dep_ in ("prep", "pobj", "advmod", "acomp", "attr", "dobj") \
            and verb.head is not verb and steps < 3:
        verb, steps = verb.head, steps + 1
    if verb.pos_ not in ("VERB", "AUX") or span.start <= verb.i < span.end:
        return False
    top = verb
    while top.dep_ == "conj" and top.head is not top:
        top = top.head
    if top.dep_ != "ROOT" and not (top.dep_ == "ccomp" and top.head.dep_ == "ROOT"
                                   and top.head.lemma_.lower() in REPORTING_VERBS):
        return False
    return _asserted_of(verb, span) and (verb.dep_ != "conj" or verb.i > span.root.i)


# Words that frame a cue below them as a prospect, not an event: "aiming for the deal to enter into force",
# "an attempt to sign the pact", "nothing stands in the way of it entering into force"
FRAME_PROPOSED = word_list("agreement_words.jsonl", "frame_proposed")
FRAME_PENDING = word_list("agreement_words.jsonl", "frame_pending")
# Auxiliaries of a cue verb: the event is not asserted as done
AUX_PROPOSED = word_list("agreement_words.jsonl", "aux_proposed")
AUX_PENDING = word_list("agreement_words.jsonl", "aux_pending")
FRAME_PATH = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "prep", "acl", "relcl", "advcl", "csubj"})
# Words above a cue that say its event did not happen ('stopped short of announcing a withdrawal', 'refused
# to ratify'), or was put off ('postponed the signing of the pact')
FRAME_NOT_DONE = word_list("agreement_words.jsonl", "frame_not_done")
FRAME_POSTPONED = word_list("agreement_words.jsonl", "frame_postponed")
FRAME_UP = FRAME_PATH | {"dobj"}           # the links _negative_frame climbs


FOREIGN_CLAUSES = frozenset({"relcl", "acl", "appos"})


def _own_clause_words(text: str, lo: int, cs: int, verb: Token) -> str:
    """text[lo:cs], the words before a cue (verb: its root token) that its modality is read from, without
    the words of a relative, participle or appositive clause that the cue verb is not part of ('the pact,
    which would let troops train without case-by-case approvals, was ratified': 'would' and 'without' are
    the relative clause's)."""
    out, at = [], lo
    for tok in verb.doc.char_span(lo, cs, alignment_mode="contract") or ():
        clause = next((a for a in [tok, *tok.ancestors] if a.dep_ in FOREIGN_CLAUSES and a.pos_ in ("VERB", "AUX")), None)
        if clause is not None and not clause.left_edge.i <= verb.i <= clause.right_edge.i:
            out.append(text[at:tok.idx])
            at = tok.idx + len(tok)
            out.append(" ")
    out.append(text[at:cs])
    return "".join(out)


def _reported_would(verb: Token) -> bool:
    """The cue verb has 'would' and is the complement of a reporting verb ('the government said it would
    withdraw from the pact', 'announced that they would suspend it', '..., announcing that it would quit the
    pact'): the reported form of 'will'."""
    return verb.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "would" for c in verb.children) \
        and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in REPORTING_VERBS \
        and verb.head.tag_ in ("VBD", "VBZ", "VBN", "VBG") and not any(c.dep_ == "neg" for c in verb.children)


def _negative_frame(verb: Token) -> str:
    """'unspecified' when a word on the cue's path up (its object, complement or prepositional links, at
    most four steps) says the event did not happen, 'under_negotiation' when one puts it off, else ''."""
    cur = verb
    for _ in range(4):
        if cur.dep_ not in FRAME_UP or cur.head is cur:
            return ""
        cur = cur.head
        lemma = cur.lemma_.lower()
        if lemma in FRAME_NOT_DONE:
            return "unspecified"
        if lemma in FRAME_POSTPONED:
            return "under_negotiation"
    return ""
DONE = ("signed", "ratified", "in_force", "standing", "restored")


def _theme(verb: Token, cue: Span | None = None) -> Token | None:
    """What the event happens to: the object, else the passive subject, else the object shared with a
    coordinated verb ('signed but never ratified the pact'), else the subject of a verb without an object
    ('talks began'). A common noun of the cue itself (cue: its span) is no object: 'the tariffs took effect'
    happens to the tariffs, 'the pact was signed and took effect' to the pact (a party inside a cue stays:
    'pulled the U.S. out')."""
    by = {c.dep_: c for c in verb.children if cue is None or not (cue.start <= c.i < cue.end and c.pos_ == "NOUN")}
    if not {"dobj", "nsubjpass"} & set(by):
        # 'X signed but never ratified the pact': a verb without its own object shares the object of the verb
        # coordinated after it (with no subject of its own)
        for conj in (c for c in verb.children if c.dep_ == "conj" and _shares_object(c)):
            return next(c for c in conj.children if c.dep_ == "dobj")
    return by.get("dobj") or by.get("nsubjpass") or (by.get("nsubj") if "dobj" not in by else None)


def cue_reading(span: Span, cs: int, ce: int, status: str, raw: str = "", cue: Span | None = None) -> str:
    """A cue verb read on its dependency path to the mention: another event's cue ('since the
    country quit the bloc', 'talks began', a relative clause on a noun outside the mention's phrase)
    counts for nothing ("unspecified"); an event of the talks
    about the agreement ('joined the talks on the pact', 'negotiations for a pact began') is under
    negotiation; an event under a prospect frame ('aiming for it to enter into force', 'an attempt to
    sign it') or a modal or future auxiliary is proposed or under negotiation, not done, and one in a
    condition of such an event ('will apply once parliament has ratified it') counts for nothing; a
    negated one counts for nothing. raw: the cue's status before the words in front of it were read
    (status): a future entry into force set for a date ('will enter into force on 1 May') is read from it."""
    if (cue := cue or span.doc.char_span(cs, ce, alignment_mode="expand")) is None:    # (cue: if the caller has it)
        return status
    verb, root = cue.root, span.root
    if verb.pos_ not in ("VERB", "AUX", "NOUN") or root.pos_ in ("VERB", "AUX") or span.start <= verb.i < span.end:
        return status       # (the instrument noun parsed as a verb: no path to read)
    inside = any(verb.left_edge.i <= t.i <= verb.right_edge.i for t in span) \
        or (root.left_edge.i <= verb.i <= root.right_edge.i and not any(
            c.dep_ == "conj" and c.left_edge.i <= verb.i <= c.right_edge.i for c in root.children)
            and not _clause_of_its_own(verb, span))
    own = _own_clause(verb, span)
    if verb.dep_ == "relcl" and not own and not root.left_edge.i <= verb.head.i <= root.right_edge.i \
            and not any(verb.left_edge.i <= t.i <= verb.right_edge.i for t in span):
        return "unspecified"    # 'X follows the Y accord, which took effect in 2019': Y's event, not X's
    theme = _theme(verb, cue) if verb.pos_ != "NOUN" else None
    if not inside and not own and theme is not None and theme.pos_ in ("NOUN", "PROPN") \
            and theme.lemma_.lower() not in INSTRUMENT_WORDS | PROCEDURE_WORDS and not theme.text.isupper() \
            and not any(c.dep_ == "poss" and c.lower_ == "its" for c in theme.children):
        return "unspecified"
    if not inside and verb.pos_ == "NOUN" and any(
            c.dep_ == "prep" and c.lower_ in ("of", "from", "on") and any(o.dep_ == "pobj" for o in c.children)
            for c in verb.children):
        return "unspecified"    # 'the signing of another code', 'withdrawal from the bloc': another event's object
    if status in ("terminated", "suspended"):
        return _ending_reading(verb, status)
    raw = raw or status
    if raw in DONE and _talks_theme(verb, theme, span):
        return status if STATUS_RANK[status] < STATUS_RANK["under_negotiation"] else "under_negotiation"
    if raw in DONE and _clause_under_theme(theme, span):
        return "unspecified"
    if raw in ("in_force", "standing") and status == "under_negotiation" and _dated_future(verb):
        return "ratified"
    if status == "under_negotiation" and verb.pos_ == "VERB" and _offered(verb):
        return "proposed"
    if status not in DONE:
        return status
    if any(c.dep_ == "neg" for c in verb.children):
        return "unspecified"
    if own:
        # the mention's own relative or participle clause in the past ('the convention that five states
        # signed in 2018', 'the pact, signed in 2012,') asserts its event whatever frames the clause
        # above ('argue that a pipeline needs ...'); cited as the frame of something else, it exists
        return "existing" if raw == "signed" and _background(span) else status
    frame = _negative_frame(verb)
    if frame:
        return frame
    if _subordinate_to_prospect(verb):
        return "unspecified"
    if raw == "ratified" and verb.pos_ == "NOUN" and verb.lemma_.lower() == "ratification" \
            and not _ratification_done(verb):
        return "signed"     # 'sent to the senate for ratification', 'ratification is expected': signed, not yet ratified
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & AUX_PROPOSED:
        return "proposed"
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() == "have" and "to" in auxes:
        return "proposed"       # 'it still has to be ratified': a requirement, as 'must be ratified'

    if verb.dep_ == "ROOT" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return "under_negotiation"      # a headline's 'X to sign pact with Y': it will happen
    cur, steps = verb, 0
    while cur.head is not cur and steps < 6 and (cur.dep_ in FRAME_PATH or (cur.i == root.i and cur.dep_ in (
            "pobj", "dobj", "nsubj", "nsubjpass"))) and not _past_time_clause(cur):
        cur, steps = cur.head, steps + 1
        lemma = cur.lemma_.lower()
        if lemma in FRAME_PROPOSED:
            return "proposed"
        if lemma in FRAME_PENDING:
            return "under_negotiation"
    if auxes & AUX_PENDING:
        return "ratified" if status in ("in_force", "standing") and _dated_future(verb) else "under_negotiation"
    return status


FRAME_BACKGROUND = word_list("agreement_words.jsonl", "frame_background")
BACKGROUND_UP = frozenset({"pobj", "prep", "dobj", "nsubj", "nsubjpass", "attr", "appos", "conj"})


def _anchor(span: Span) -> Token:
    """The noun the mention stands on: its root, or for an acronym in brackets after the name ('the
    Harbour Accord (HA)') the name it is in apposition to."""
    root = span.root
    return root.head if root.dep_ == "appos" and root.head.i < root.i else root


def _clause_of_its_own(verb: Token, span: Span) -> bool:
    """'X-Y peace accord on hold as a blast revives border tensions' (a headline parsed with the clause under
    the agreement noun): a clause with a subject and an object of its own, neither of them the mention nor an
    instrument word, tells another event."""
    by = {c.dep_: c for c in verb.children}
    subj, obj = by.get("nsubj"), by.get("dobj")
    if subj is None or obj is None or obj.pos_ not in ("NOUN", "PROPN"):
        return False
    return all(not (t.left_edge.i <= span.root.i <= t.right_edge.i) and t.lemma_.lower() not in INSTRUMENT_WORDS
               for t in (subj, obj))


def _own_clause(verb: Token, span: Span) -> bool:
    """The cue verb heads a relative or participle clause on the mention itself, told in the past with
    no modal or future auxiliary: 'the pact that Chile signed in 2019', 'the pact, signed in 2019,'.
    A relative clause that starts right after the mention but hangs, in the parse, on the noun the
    mention depends on through 'of' ('one of the pillars of the pact that both signed') is the
    mention's too; so is one right after the mention whatever noun the parse hangs it on (linking.adjacent_clause)."""
    # (imported here: linking reads this module)
    from pipeline.extract.agreements.linking import adjacent_clause
    if verb.pos_ != "VERB" or verb.dep_ not in ("relcl", "acl") or verb.tag_ not in ("VBD", "VBN"):
        return False
    if adjacent_clause(verb, span):
        return True
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & (AUX_PROPOSED | AUX_PENDING | {"to"}):
        return False
    root = _anchor(span)
    if verb.head.i == root.i:
        return True
    return verb.dep_ == "relcl" and root.dep_ == "pobj" and root.head.lower_ == "of" \
        and root.head.head.i == verb.head.i and verb.left_edge.i == root.right_edge.i + 1


def _background(span: Span) -> bool:
    """The mention is cited as the standing frame of another thing: a word of frame_background on its
    path up ('builds on', 'party to', 'remains the basis') or 'existing' on it."""
    root = _anchor(span)
    if any(c.dep_ == "amod" and c.lower_ in FRAME_BACKGROUND for c in root.children):
        return True
    cur = root
    for _ in range(6):
        if cur.dep_ not in BACKGROUND_UP or cur.head is cur:
            return False
        cur = cur.head
        lemma = cur.lemma_.lower()
        if lemma in FRAME_BACKGROUND and (lemma != "remain" or any(
                c.dep_ == "attr" or (c.dep_ == "prep" and c.lower_ == "in") for c in cur.children)) \
                and (lemma != "build" or any(c.dep_ == "prep" and c.lower_ == "on" for c in cur.children)):
            return True
    return False


# Marks of a clause whose event is a condition or a time reference of the clause above it
CONDITION_MARKS = word_list("agreement_words.jsonl", "condition_marks")
TALK_WORDS = word_list("agreement_words.jsonl", "talk_words")
END_TALK_VERBS = word_list("agreement_words.jsonl", "end_talk_verbs")
# Common nouns that can leave an agreement (a party); another subject of 'left' is a cause
ACTOR_NOUNS = word_list("agreement_words.jsonl", "actor_nouns")


def _prospective(verb: Token) -> bool:
    """The verb's event is ahead or required: a future or modal auxiliary, or an infinitive
    under a prospect frame ('it is expected to enter into force')."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & (AUX_PROPOSED | AUX_PENDING):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in FRAME_PROPOSED | FRAME_PENDING


TIME_MARKS = frozenset({"when", "after", "since", "as", "while", "because"})


def _past_time_clause(verb: Token) -> bool:
    """'When X signed the pact in 2023, officials called it a template': an adverbial clause of time or cause
    told in the past states its event as a fact, whatever frames the clause it hangs on ('called' here names,
    it does not urge)."""
    return verb.dep_ == "advcl" and verb.tag_ == "VBD" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in TIME_MARKS for c in verb.children)


def _subordinate_to_prospect(verb: Token) -> bool:
    """'It will enter into force once all members have ratified it', 'must be approved before it
    can apply': the cue verb sits in an 'after / once / until / if' clause of a clause whose event
    is still ahead, so its event is a condition, not a fact; so is a gerund that is the subject of such a
    clause ('joining the pact would open doors': a supposed event)."""
    if verb.dep_ == "csubj" and verb.tag_ == "VBG":
        return _prospective(verb.head)
    cur = verb
    for _ in range(3):
        if cur.dep_ != "advcl" or cur.head is cur:
            return False
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in cur.children) \
                or any(c.dep_ == "advmod" and c.lower_ in ("once", "when") for c in cur.children):
            return _prospective(cur.head)
        cur = cur.head
    return False


def _talks_theme(verb: Token, theme: Token | None, span: Span) -> bool:
    """'Negotiations on the pact began in 2020', 'joined the talks on the pact': what the verb is
    about is the talks on the agreement (a talks noun whose phrase holds the mention), not the
    agreement; concluding or completing them is signing (GOLD.md), so those verbs do not count."""
    if verb.lemma_.lower() in END_TALK_VERBS:
        return False
    for c in [theme] + [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]:
        if c is not None and c.lemma_.lower() in TALK_WORDS and c.left_edge.i <= span.root.i <= c.right_edge.i:
            return True
    return False


COMPLETE_VERBS = word_list("agreement_words.jsonl", "complete_verbs")


def _ratification_done(noun: Token) -> bool:
    """A ratification noun asserts the ratification only when it is told as done: after / following /
    since it, someone's ratification ('the senate's ratification of'), or the object of a completed
    act ('completed the ratification', 'instruments of ratification were deposited'); 'for
    ratification', 'the ratification process', 'ratification is expected' do not."""
    if any(c.dep_ == "poss" for c in noun.children):
        return True
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in ("after", "following", "since", "upon"):
        return True
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() == "instrument":
        noun = head.head
        head = noun.head
    return noun.dep_ in ("dobj", "nsubjpass", "nsubj") and head.pos_ == "VERB" \
        and head.lemma_.lower() in COMPLETE_VERBS and head.tag_ in ("VBD", "VBN", "VBZ") and not _prospective(head) \
        and not any(c.dep_ == "neg" for c in head.children)


def _clause_under_theme(theme: Token | None, span: Span) -> bool:
    """'approved a plan to negotiate the pact': what was approved is the plan; the agreement lies in
    a clause under it ('to negotiate ...'), which says its own status. ('signed the final text of the
    pact', 'reached a consensus on the pact' keep the cue: no clause between.)"""
    root = span.root
    if theme is None or theme.pos_ != "NOUN" or theme.i == root.i \
            or theme.lemma_.lower() in INSTRUMENT_WORDS | TALK_WORDS | PROCEDURE_WORDS \
            or not theme.left_edge.i <= root.i <= theme.right_edge.i:
        return False
    cur, steps = root.head, 0
    while cur.i != theme.i and cur.head is not cur and steps < 8:
        if cur.pos_ == "VERB":
            return True
        cur, steps = cur.head, steps + 1
    return False


FRAME_OFFER = word_list("agreement_words.jsonl", "frame_offer")


def _offered(verb: Token) -> bool:
    """'I am willing to work with them to negotiate a new deal', 'wants to negotiate a pact': talks
    offered or wished for, not under way (proposed)."""
    cur, steps = verb, 0
    while cur.head is not cur and steps < 5 and cur.dep_ in FRAME_PATH | {"conj", "acomp"}:
        cur, steps = cur.head, steps + 1
        if cur.lemma_.lower() in FRAME_PROPOSED | FRAME_OFFER or any(
                c.dep_ == "acomp" and c.lemma_.lower() in FRAME_OFFER for c in cur.children):
            return True     # ('she is willing ... to negotiate': the purpose clause hangs on 'is')
    return False


def _dated_future(verb: Token) -> bool:
    """A future event with a date and no condition of its own."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    return bool(auxes & AUX_PENDING) and not auxes & AUX_PROPOSED and not _subordinate_to_prospect(verb) \
        and not any(c.dep_ == "neg" for c in verb.children) and _on_a_date(verb)


def _on_a_date(verb: Token) -> bool:
    """'will enter into force on 1 May / from October': a future entry into force set for a date
    (the procedures that precede it are complete), not one under a condition ('once ratified')."""
    if any(c.dep_ in ("advcl", "mark") and (c.lower_ in CONDITION_MARKS or any(
            m.dep_ == "mark" and m.lower_ in CONDITION_MARKS for m in c.children)) for c in verb.children):
        return False
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "from", "in", "by") and any(
                o.dep_ == "pobj" and o.ent_type_ == "DATE" and not any(m.lower_ in CONDITION_MARKS for m in o.subtree)
                for o in c.children):
            return True
        if c.dep_ == "npadvmod" and c.ent_type_ == "DATE" and c.lower_ not in ("now", "today"):
            return True
    return False


def _ending_reading(verb: Token, status: str) -> str:
    """A withdrawal or suspension cue: counts unless negated or under a frame that makes it a
    threat or an option ('threatens to quit the pact', 'is weighing a withdrawal'); an announced one
    ('will withdraw', 'gave notice of its exit') counts (see GOLD.md)."""
    if any(c.dep_ == "neg" for c in verb.children) or _negative_frame(verb) == "unspecified":
        return "unspecified"    # ('stopped short of announcing a withdrawal')
    if verb.lemma_.lower() == "leave" and any(
            c.dep_ == "nsubj" and c.pos_ == "NOUN" and not c.ent_type_ and c.lemma_.lower() not in ACTOR_NOUNS
            for c in verb.children):
        return "unspecified"    # 'the provocations left the pact a dead letter': a cause, not a party leaving
    cur, steps = verb, 0
    while cur.head is not cur and steps < 4 and cur.dep_ in FRAME_PATH:
        cur, steps = cur.head, steps + 1
        if cur.lemma_.lower() in FRAME_PROPOSED - {"able"} or cur.lemma_.lower() in ("threat", "option"):
            return "unspecified"
    return status


def cue_matches(pat: regex.Pattern, window: str, starts: list[int]) -> list:
    """pat.finditer(window), trying pat only at starts: every position where the union of the
    cues matches (a cue can start nowhere else), skipping those inside its previous match."""
    out, last_end = [], 0
    for at in starts:
        if at >= last_end and (m := pat.match(window, at)) is not None:
            out.append(m)
            last_end = max(m.end(), at + 1)
    return out


# the month May, which the modal words (case-insensitive) would read as 'may': 'signed in May', 'May 2024'
MONTH_MAY = re.compile(r"\b(?:(?:in|since|until|by|from|of|last|next|early|late|mid|this|on|before|after|through|"
                       r"between|and)\s+May\b|May\s+\d)")


def _apply_modality(status: str, before: str, modals) -> str:
    before = MONTH_MAY.sub(lambda m: m.group(0).replace("May", "month"), before)
    before = " ".join(before.split()[-6:])
    effects = {eff for eff, pat, applies in modals if status in applies and pat.search(before)}
    if not effects:
        return status
    if "none" in effects:
        return "unspecified"
    if status in ("terminated", "suspended", "restored"):
        # "will withdraw" announces a withdrawal; "should revive", "plans to withdraw" do not
        plain = re.sub(r"\b(?:will|shall|going to)\b", " ", before, flags=re.I)
        if any(status in applies and pat.search(plain) for _e, pat, applies in modals):
            return "unspecified"
        return status
    if "proposed" in effects:
        return "proposed"
    if "under_negotiation" in effects:
        return "under_negotiation"
    return status
