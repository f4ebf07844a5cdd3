"""Descriptive instruments read from the dependency parse: an instrument noun named by its topic
rather than by a title ("an agreement on the demarcation of the river border", "a declaration of
respect for sovereignty", "a joint declaration"), whatever words the topic uses.

A head noun from INSTRUMENT_HEADS written in lower case, not already inside another mention, gives
a mention when it has a topic (an on/concerning/regarding/over/for phrase with a lower-case object;
"of" too for outcome documents) or is a joint declaration, and is anchored as an instrument: a
treaty-event verb governs it (sign, ratify, approve, suspend ...), or it has a between/with phrase
or a prospect modifier ('a potential agreement on ...'). Its key is its folded topic name, so a
later mention with the same topic joins the same row; a definite one that fits an instrument
already named is folded by instances.consolidate like any generic one.

A bare noun compound ('the lithium deal') is no topic here: tried, it added more false rows than
rows on the sets read by totals only (heldout3, heldout4, sealed train), so compounds stay with the
kind lexicon (mentions._generic_hits).

Reuses the Doc the stage is given (no second parse): one regex pass over the text finds the few
tokens that can be a head.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.extract.actors import canonical_state, org_index, state_index
from pipeline.extract.agreements.lexicon import (
    _fold,
    catalogue,
    _generic_regexes,
    kind_of,
    name_words,
    title_name,
)
from pipeline.extract.agreements.mentions import _Hit
from pipeline.extract.agreements.wording import NOT_TOPIC, _hyphen_joined, _lower_word, _take_written_modifiers, \
    _whole_words, _written_before
from pipeline.resources import pattern_text, word_list

# Outcome documents of a summit: 'a joint declaration', 'a declaration of principles' (GOLD.md)
OUTCOME_HEADS = word_list("agreement_words.jsonl", "outcome_heads")
# Lemmas of nouns that name an instrument (lower case: a title-case one is a name, read elsewhere)
INSTRUMENT_HEADS = word_list("agreement_words.jsonl", "instrument_heads")
# Lower-case written forms of those nouns (a first pass over the text)
HEAD_FORMS = re.compile(pattern_text("agreement_patterns.jsonl", "head_forms"))
# Verbs whose object or subject is an instrument as such (not a topic of talk)
EVENT_VERBS = word_list("agreement_words.jsonl", "event_verbs")
TOPIC_PREPS = word_list("agreement_words.jsonl", "topic_preps")
# Objects of "an agreement on ..." that are no topic of an instrument ("agreement on the need to ...")
NOT_TOPIC_OBJECT = word_list("agreement_words.jsonl", "not_topic_object")
MAX_TOPIC_WORDS = 6
# "a potential agreement on ...": an instrument under consideration
PROSPECT = word_list("agreement_words.jsonl", "prospect")
# "an agreement to <verb> ...", "a treaty <verb>ing ...", "an agreement on <verb>ing ...": verbs whose
# clause gives no content of an instrument ("an agreement to resume talks", "a deal to buy jets")
NOT_PURPOSE = word_list("agreement_words.jsonl", "not_purpose_verbs")
# 'ratified the treaty establishing the X agency': a founding instrument's title, definite or not
FOUNDING_VERBS = word_list("agreement_words.jsonl", "founding_verbs")
# the governing verbs after whose object a to-clause tells the instrument's content ('signed an
# agreement last year to set up ...', parsed as the verb's adverbial clause)
# subordinators that make the instrument a hypothetical one ('until an arrangement ... is agreed')
HYPOTHETICAL_MARKS = frozenset({"until", "unless", "if", "before", "once", "till"})
PURPOSE_GOVERNORS = frozenset({"sign", "ink", "conclude", "reach", "strike", "seal", "clinch", "finalize",
                               "finalise", "initial", "draft", "negotiate", "adopt", "approve", "agree"})


def _governing_event(tok: Token) -> bool:
    """A treaty-event verb takes the instrument as subject, object or prepositional object (at
    most two steps up: 'signed the deal', 'withdrew from the pact', 'approval of the deal')."""
    cur = tok
    for _ in range(3):
        if cur.dep_ not in ("dobj", "nsubjpass", "nsubj", "pobj", "prep", "attr", "appos", "conj", "oprd") \
                or cur.head is cur:
            return False
        cur = cur.head
        lemma = cur.lemma_.lower()
        if lemma in EVENT_VERBS or (cur.pos_ == "NOUN" and lemma in ("signing", "signature", "ratification",
                                                                       "approval", "adoption", "conclusion",
                                                                       "suspension", "termination")):
            return True
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("xcomp", "pcomp"):
            return False
    return False


def _with_phrase(tok: Token) -> bool:
    """'a fishing pact between X and Y', 'a potential agreement on ...': parties or a prospect written
    on the noun itself."""
    return any((c.dep_ == "prep" and c.lower_ in ("between", "with", "among"))
               or (c.dep_ == "amod" and c.lower_ in PROSPECT) for c in tok.children)


# A proper name inside a topic phrase is part of what the instrument covers ('a framework agreement on
# Earth observation', 'an agreement on the interpretation of the X Charter', 'on jointly developing the
# X field'), so it stays in the name: when its path to the topic's head runs only through these
# dependencies and prepositions, and it is no state or organisation (a party) and no person or date.
TOPIC_NAME_DEPS = word_list("agreement_words.jsonl", "topic_name_deps")
TOPIC_NAME_PREPS = word_list("agreement_words.jsonl", "topic_name_preps")
TOPIC_NAME_NOT_ENTS = word_list("agreement_words.jsonl", "topic_name_not_ents")


def _topic_name(t: Token, head: Token) -> bool:
    """t, a proper-name token under head, is a word of head's topic (see TOPIC_NAME_DEPS)."""
    if not t.is_alpha:
        return False
    # (a name that modifies a common noun names a thing, 'the Kora field', whatever entity the small
    # model guesses for it; a name standing alone is checked against person and date entities)
    if t.ent_type_ in TOPIC_NAME_NOT_ENTS and not (t.dep_ in ("compound", "amod") and t.head.pos_ == "NOUN"):
        return False
    cur = t
    while cur.i != head.i:
        if cur.dep_ not in TOPIC_NAME_DEPS or (cur.dep_ == "prep" and cur.lower_ not in TOPIC_NAME_PREPS):
            return False
        cur = cur.head
    # the whole proper name, not one word of it: 'Energy Charter Treaty' is a topic, 'South Korea' a party
    name = t
    while name.dep_ in ("compound", "flat") and name.head.pos_ == "PROPN":
        name = name.head
    full = " ".join(x.text for x in t.doc[name.left_edge.i:name.i + 1] if x.pos_ == "PROPN")
    return not any(canonical_state(x) or x in state_index() or x in org_index() for x in (full, t.text))


def _phrase_words(obj: Token) -> list[Token]:
    """The words of a prepositional object's phrase, without determiners, possessives, numbers,
    names, and the clauses or appositions hung on it."""
    words: list[Token] = []
    for t in obj.subtree:
        path, cur = [], t
        while cur.i != obj.i:
            path.append(cur.dep_)
            cur = cur.head
        if any(d in ("relcl", "acl", "appos", "punct", "advcl", "parataxis") for d in path):
            continue
        if t.dep_ in ("det", "poss", "nummod", "case", "advmod") and t.i != obj.i:
            continue
        if t.pos_ == "PROPN" and _topic_name(t, obj):
            words.append(t)
            continue
        if t.pos_ in ("PROPN", "NUM", "PRON", "VERB", "AUX", "PUNCT") and t.dep_ != "amod":
            continue
        words.append(t)
    while words and words[-1].pos_ in ("ADP", "CCONJ"):
        words.pop()
    return words


def _prep_topic(tok: Token) -> tuple[Token, list[Token]] | None:
    """'an agreement on the joint production of patrol boats': the preposition and the words of its
    object's phrase, at most MAX_TOPIC_WORDS."""
    preps = TOPIC_PREPS | {"of"} if tok.lemma_.lower() in OUTCOME_HEADS else TOPIC_PREPS
    for c in tok.rights:
        if c.dep_ != "prep" or c.lower_ not in preps:
            continue
        obj = next((g for g in c.children if g.dep_ == "pobj"), None)
        if obj is None:     # 'an agreement on sharing the river's flow': a gerund clause is its topic
            gerund = next((g for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG"), None)
            words = _clause_words(gerund) if gerund is not None else []
            return (c, words) if words else None
        if obj.pos_ != "NOUN" or not _lower_word(obj) or obj.lower_ in NOT_TOPIC_OBJECT:
            return None
        words = _phrase_words(obj)
        if not words or len(words) > MAX_TOPIC_WORDS * (3 if any(w.dep_ == "conj" for w in words) else 1):
            return None         # (a coordinated list may be longer: it is split into topics, or dropped)
        return c, words
    return None


def descriptive_hits(doc: Doc, taken: list[tuple[int, int]], candidates: bool = True) -> list[_Hit]:
    """The descriptive instruments of the article (see the module docstring), leftmost first; with
    candidates, also the ones the rules alone do not keep (a bare noun compound, no anchoring verb),
    each carrying its features for the learned gate (gate.py)."""
    _modifier, _generic, exclude, _low = _generic_regexes()
    hits: list[_Hit] = []
    for m in HEAD_FORMS.finditer(doc.user_data.get("text") or doc.text):   # (only tokens that can be a head)
        span = doc.char_span(m.start(), m.end())
        if span is None or len(span) != 1:
            continue
        tok = span[0]
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in INSTRUMENT_HEADS:
            continue
        if any(s < tok.idx + len(tok) and tok.idx < e for s, e in taken) or tok.dep_ == "appos":
            continue        # (in apposition: 'the BECA, a pact on mapping', a description of a named one)
        dets = [c.lower_ for c in tok.children if c.dep_ in ("det", "poss", "nummod")]
        if any(d in ("no", "any", "every") for d in dets) or (not dets and tok.tag_ == "NN"):
            continue        # 'no agreement on the text', 'reached agreement on most lines': consensus
        governed = _governed_topic(tok, dets)
        if governed:        # 'runs the Rio Verde dam under a bilateral agreement': named by what it governs
            hits.append(_governed_hit(tok, governed, dets))
            taken.append((hits[-1].start, hits[-1].end))
            continue
        prep = _prep_topic(tok)
        joint = tok.lemma_.lower() in OUTCOME_HEADS and any(c.dep_ == "amod" and c.lower_ == "joint" for c in tok.children)
        if prep is None and not joint:
            purpose = _purpose_hit(tok, dets)
            if purpose is not None:     # 'signed an agreement to set up a joint shipping line'
                hits.append(purpose)
                taken.append((purpose.start, purpose.end))
                continue
        compound = _compound_topic(tok) if prep is None and not joint else []
        broad = _broad_compound(tok) if prep is None and not joint and not compound else []
        if prep is None and not joint and not compound and not broad:
            continue        # ('a joint declaration' signed or adopted is an outcome document of its own)
        anchored = _governing_event(tok) or _with_phrase(tok)
        if not anchored and not candidates:
            continue
        if broad:
            compound = broad
        head_word = "agreement" if tok.lemma_.lower() in ("deal", "pact", "accord") else tok.lemma_.lower()
        if compound:        # 'signed the normalisation annex': an outcome document named by its topic
            topics = [("".join(w.lower_ + w.whitespace_ for w in compound).strip(), compound[0].idx, tok.idx + len(tok))]
            names = [title_name(f"{topics[0][0]} {head_word}")]
        elif prep is None:
            topics = [("", min(c.idx for c in tok.children if c.lower_ == "joint"), tok.idx + len(tok))]
            names = [title_name(f"joint {head_word}")]
        else:
            p, words = prep
            topics = _topic_list(tok, words) if tok.tag_ == "NNS" else []
            if not topics and len(words) > MAX_TOPIC_WORDS:
                continue
            if not topics:
                topics = [(" ".join(w.lower_ for w in words), tok.idx, words[-1].idx + len(words[-1]))]
            names = [title_name(f"{head_word} {p.lower_} {t}") for t, _s, _e in topics]
        for k, ((topic, start, end), name) in enumerate(zip(topics, names)):
            if topic and exclude.search(topic) and not (compound and _further_with_partner(tok)):
                continue        # ('a similar labour agreement with X' is one between parties, no domestic deal)
            kind = kind_of(topic)
            features = candidate_features(tok, dets, topic, "compound" if broad else "prep" if prep else
                                          "joint" if joint else "kind_compound", anchored) \
                if (broad or not anchored) else ()
            hits.append(_Hit(start, end, "described:" + _fold(name), name, "", kind, "generic",
                             plural=tok.tag_ == "NNS" and len(topics) == 1, new=any(c.lower_ == "new" for c in tok.lefts),
                             definite=any(d in ("the", "this", "that", "these", "those") for d in dets),
                             prospect=any(c.dep_ == "amod" and c.lower_ in PROSPECT for c in tok.children),
                             also=k > 0, features=features))
            taken.append((start, end))
    return hits


def _clause_words(verb: Token, least: int = 3) -> list[Token]:
    """The words of a content clause ('to set up a joint logistics company', 'creating the X group',
    'sharing the flow of the river'): the verb, its particle and its object's phrase (or, with no
    object, its first prepositional phrase), without determiners, punctuation, coordinated parts or
    clauses hung on them; [] when the verb gives no content (NOT_PURPOSE) or the phrase is long."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() in NOT_PURPOSE or not _lower_word(verb):
        return []
    obj = next((c for c in verb.rights if c.dep_ in ("dobj", "attr")), None) \
        or next((c for c in verb.rights if c.dep_ == "prep" and any(g.dep_ == "pobj" for g in c.children)), None)
    if obj is None:
        return []
    words = [verb, *(c for c in verb.children if c.dep_ == "prt")]
    for t in obj.subtree:
        path, cur = [], t
        while cur.i != obj.i:
            path.append(cur.dep_)
            cur = cur.head
        if any(d in ("relcl", "acl", "advcl", "conj", "cc", "punct", "parataxis", "poss") for d in path) \
                or any(a.dep_ == "appos" and a.i > 0 and a.doc[a.left_edge.i - 1].text == ","
                       for a in (t, *t.ancestors) if a.i != obj.i and obj.i in {x.i for x in a.ancestors}) \
                or t.dep_ in ("det", "poss", "nummod", "punct", "cc", "case") and t.i != obj.i or t.pos_ in ("PRON", "NUM"):
            continue
        words.append(t)
    words.sort(key=lambda t: t.i)
    while words and words[-1].pos_ in ("ADP", "CCONJ", "PART"):
        words.pop()
    return words if least <= len(words) <= MAX_TOPIC_WORDS + 1 else []    # ('to fix the point': too thin to name)


def _purpose_hit(tok: Token, dets: list[str]) -> _Hit | None:
    """'signed an agreement to set up a joint logistics company', 'a memorandum creating a naval task
    group', 'signed a treaty establishing a confederation': an indefinite instrument with no topic of
    its own, signed (or drafted, negotiated ...), whose content a to-clause or an -ing clause tells:
    named by that clause ('Agreement to Set Up Joint Logistics Company'); None when it is not so."""
    definite = dets[:1] == ["the"]
    if (dets[:1] not in (["a"], ["an"]) and not definite) or not (_governing_event(tok) or _with_phrase(tok)):
        return None
    if any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARKS for c in tok.head.children):
        return None         # ('until a new arrangement covering X is agreed': no instrument yet)
    clause = next((c for c in tok.rights if c.dep_ == "acl" and c.pos_ == "VERB"
                   and (c.tag_ == "VBG" or any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))), None)
    if clause is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in PURPOSE_GOVERNORS:
        # ('signed an agreement in 2023 to expand ...': the to-clause hangs on the signing verb)
        clause = next((c for c in tok.head.rights if c.dep_ == "advcl" and c.i > tok.i and c.tag_ == "VB"
                       and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                       and not any(t.dep_ in ("nsubj", "dobj", "punct") or t.pos_ == "VERB"
                                   for t in tok.doc[tok.i + 1:c.left_edge.i])), None)
    if definite and (clause is None or clause.dep_ != "acl" or clause.tag_ != "VBG"
                     or clause.lemma_.lower() not in FOUNDING_VERBS):
        return None         # ('the agreement to end the war' is the one in focus; 'the treaty establishing X' a title)
    words = _clause_words(clause) if clause is not None else []
    if not words:
        return None
    head_word = "agreement" if tok.lemma_.lower() in ("deal", "pact", "accord") else tok.lemma_.lower()
    link = "to " if clause.tag_ == "VB" else ""
    phrase = " ".join(t.text if t.pos_ == "PROPN" else t.lower_ for t in words)
    name = title_name(f"{head_word} {link}{phrase}")
    end = words[-1].idx + len(words[-1]) if clause.dep_ == "acl" else tok.idx + len(tok)
    # named by its content: an instrument of its own, never folded into another (as one named by what it governs)
    return _Hit(tok.idx, end, "described:" + _fold(name), name, "", kind_of(phrase), "generic", own=True,
                content=phrase, prospect=any(c.dep_ == "amod" and c.lower_ in PROSPECT for c in tok.children))


# 'the two sides agreed to ...': counted plural subjects that stand for the parties
GROUP_SUBJECTS = word_list("agreement_words.jsonl", "group_subjects")
AGREED = re.compile(r"(?<![\w-])agreed(?![\w-])")


def agreed_hits(doc: Doc, taken: list[tuple[int, int]], names: list[str] = ()) -> list[_Hit]:
    """'X and Y agreed in May to open their land border', 'the two delegations agreed to swap
    prisoners': an agreement reached with no instrument noun, whose parties are a coordinated or
    counted subject, is an instrument of its own named by its content clause (GOLD.md: agreed ->
    signed). None when the sentence names another instrument (the clause then describes that one),
    when the clause gives no content (NOT_PURPOSE), names an instrument itself ('agreed to draw up a
    pact'), or the agreeing is negated, modal or hypothetical; and none when a noun of the clause is a
    word of an instrument the article names (names): 'agreed to cease hostilities' then tells of the
    'Cessation of Hostilities Agreement'."""
    text = doc.user_data.get("text") or doc.text
    named = {w for n in names for w in name_words(n)}
    hits: list[_Hit] = []
    for m in AGREED.finditer(text):
        span = doc.char_span(m.start(), m.end())
        if span is None or len(span) != 1:
            continue
        tok = span[0]
        sent = tok.sent
        if tok.lemma_.lower() != "agree" or tok.pos_ != "VERB" \
                or any(s < sent.end_char and sent.start_char < e for s, e in taken):
            continue
        if any(c.dep_ in ("neg", "mark") or (c.dep_ == "aux" and c.tag_ == "MD") for c in tok.children):
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None or not (any(c.dep_ == "conj" for c in subj.children)
                                or (subj.lower_ in GROUP_SUBJECTS
                                    and any(c.dep_ in ("nummod", "det", "predet") and c.lower_ in ("two", "three", "four", "both")
                                            for c in subj.children))):
            continue
        clause = next((c for c in tok.rights if c.dep_ in ("xcomp", "advcl") and c.pos_ == "VERB" and c.tag_ == "VB"
                       and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
        words = _clause_words(clause, least=2) if clause is not None else []
        if not words or HEAD_FORMS.search(text[clause.left_edge.idx:clause.right_edge.idx + len(clause.right_edge)]) \
                or any(t.pos_ == "NOUN" and name_words(t.lower_) & named for t in words):
            continue
        phrase = " ".join(t.text if t.pos_ == "PROPN" else t.lower_ for t in words)
        name = title_name(f"agreement to {phrase}")
        hits.append(_Hit(tok.idx, tok.idx + len(tok), "described:" + _fold(name), name, "", kind_of(phrase),
                         "generic", own=True, content=phrase))
    return hits


def _governed_topic(tok: Token, dets: list[str]) -> list[Token]:
    """'operates the Rio Verde dam under an agreement with X', 'hosts the fuel bank under a host state
    agreement': an indefinite instrument with no topic of its own, under which its clause's verb acts on
    a named thing (a proper name, or a compound of two words or more): the words of that thing's
    phrase ([] when the clause is not so)."""
    if dets[:1] not in (["a"], ["an"]) or tok.dep_ != "pobj" or tok.head.lower_ != "under" or _prep_topic(tok):
        return []
    verb = tok.head.head
    for _ in range(3):      # ('run the dam under ...' may hang 'under' on the object or a time phrase)
        if verb.pos_ == "VERB" or verb.head is verb:
            break
        verb = verb.head
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None) if verb.pos_ == "VERB" else None
    if obj is None or obj.pos_ not in ("NOUN", "PROPN"):
        return []
    lo = max([t.i for c in obj.lefts if c.dep_ in ("det", "poss", "nummod") for t in c.subtree], default=obj.left_edge.i - 1) + 1
    words = [t for t in obj.doc[lo:obj.i + 1] if t.is_alpha and t.lower_ not in NOT_TOPIC]
    if not words or words[-1].i != obj.i or not (len(words) >= 2 or obj.pos_ == "PROPN") \
            or any(t.i != words[0].i + k for k, t in enumerate(words)):
        return []
    return words


def _governed_hit(tok: Token, words: list[Token], dets: list[str]) -> _Hit:
    """The mention of an instrument named by what it governs: the thing's words, the instrument's own
    lower-case compound ('host state') and its head ('Fuel Bank Host State Agreement')."""
    own: list[Token] = []
    for t in reversed(tok.doc[tok.left_edge.i:tok.i]):     # 'a host state agreement': its own compound
        if t.dep_ != "compound" or t.pos_ != "NOUN" or not _lower_word(t) or t.lower_ in NOT_TOPIC:
            break
        own.insert(0, t)
    head_word = "agreement" if tok.lemma_.lower() in ("deal", "pact", "accord") else tok.lemma_.lower()
    thing = " ".join(t.text if t.pos_ == "PROPN" else t.lower_ for t in words)
    name = title_name(" ".join([thing, *(c.lower_ for c in own), head_word]))
    start = min([tok.idx, *(c.idx for c in own)])
    # named by its own thing: an instrument of its own, never folded into another (as one with its own acronym)
    return _Hit(start, tok.idx + len(tok), "described:" + _fold(name), name, "", kind_of(name), "generic", own=True)


# Heads of outcome documents that a lower-case noun compound names ('the normalisation annex', 'a
# maritime memorandum'); agreement/deal/pact compounds stay with the kind lexicon (see the module docstring)
COMPOUND_HEADS = word_list("agreement_words.jsonl", "compound_heads")
TOPIC_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _compound_topic(tok: Token) -> list[Token]:
    """The lower-case noun compounds before an outcome-document head, or before any head written as a
    further one of a kind with its partner ('a similar labour mobility agreement with X', 'a comparable
    swap arrangement between X and Y') ([] when none or another head)."""
    if tok.lemma_.lower() not in COMPOUND_HEADS:
        if not _further_with_partner(tok):
            return []
        words = []          # the compound chain right before the head ('labour' -> 'mobility' -> 'agreement')
        for t in reversed(tok.doc[tok.left_edge.i:tok.i]):
            if t.dep_ != "compound" or t.pos_ != "NOUN" or not _lower_word(t) or t.lower_ in NOT_TOPIC:
                break
            words.insert(0, t)
        return words
    words = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and _lower_word(c)]
    if not words or words[-1].i != tok.i - 1 or words[0].lower_ in NOT_TOPIC:
        return []
    # ('a policing cooperation memorandum': the gerund or noun before the compound is a word of the topic too)
    return [*_written_before(tok.doc, words[0].i, {tok.i, *(w.i for w in words)}), *words]


# 'a similar ... agreement with X': another instrument of the kind in focus, with a partner of its own
FURTHER = word_list("agreement_words.jsonl", "further")


def _further_with_partner(tok: Token) -> bool:
    return any(c.dep_ == "amod" and c.lower_ in FURTHER for c in tok.children) and any(
        c.dep_ == "prep" and c.lower_ in ("with", "between") and any(g.dep_ == "pobj" for g in c.children)
        for c in tok.children)


def _topic_list(tok: Token, words: list[Token]) -> list[tuple[str, int, int]]:
    """'the annexes on power-sharing, wealth-sharing and transitional arrangements': a plural head over a
    coordinated topic list names one instrument per topic: (topic, start, end) of each, [] when the
    topic is no list of short items."""
    lo, hi = words[0].idx, words[-1].idx + len(words[-1])
    text = tok.doc.text[lo:hi]
    if not any(w.dep_ == "conj" for w in words):
        return []
    parts, pos = [], 0
    for m in [*TOPIC_SPLIT.finditer(text), None]:
        end = m.start() if m else len(text)
        part = text[pos:end].strip()
        if not part or len(part.split()) > 3 or not part[:1].islower():
            return []
        parts.append((part, lo + pos, lo + end))
        pos = m.end() if m else pos
    if len(parts) < 2:
        return []
    return [(part, tok.idx if k == 0 else s, e) for k, (part, s, e) in enumerate(parts)]


def _broad_compound(tok: Token) -> list[Token]:
    """'the minerals deal', 'a coast guard cooperation arrangement': the lower-case noun and adjective
    modifiers right before any instrument head, without words that give no topic ([] when none)."""
    words: list[Token] = []
    for t in reversed(tok.doc[tok.left_edge.i:tok.i]):
        if words and _hyphen_joined(t) and t.i - 1 >= tok.left_edge.i:     # 'a ship-repair agreement'
            words.insert(0, t)
            continue
        if words and words[0].text == "-" and t.dep_ in ("compound", "amod", "nmod", "punct") \
                and t.pos_ in ("NOUN", "ADJ") and _lower_word(t):
            words.insert(0, t)      # (the word before the hyphen hangs on the word after it, or on the head)
            continue
        gerund = t.pos_ == "VERB" and t.tag_ == "VBG" and t.dep_ == "amod"      # 'a policing cooperation memorandum'
        if t.dep_ not in ("compound", "amod", "nmod") or (t.pos_ not in ("NOUN", "ADJ") and not gerund) or not _lower_word(t) \
                or (t.pos_ == "ADJ" and kind_of(t.lower_) == "other") \
                or t.lower_ in NOT_TOPIC or t.head.i not in (tok.i, *(w.i for w in words)):
            break
        words.insert(0, t)
    return _whole_words(words)


def candidate_features(tok: Token, dets: list[str], topic: str, form: str, anchored: bool) -> tuple[str, ...]:
    """What the learned gate reads of a candidate mention: its form, head, determiner, anchoring,
    dependency, the verb that governs it and its topic words (word features are kept in training only
    when several articles have them)."""
    verb = tok.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and verb.dep_ not in ("ROOT",):
        verb = verb.head
    words = topic.split()
    feats = [f"form={form}", f"head={tok.lemma_.lower()}", f"det={dets[0] if dets else 'none'}",
             f"anchored={int(anchored)}", f"dep={tok.dep_}", f"gov={verb.lemma_.lower()}",
             f"ntopic={min(len(words), 3)}", f"plural={int(tok.tag_ == 'NNS')}",
             f"kindword={int(kind_of(topic) != 'other')}",
             f"withprep={int(any(c.dep_ == 'prep' and c.lower_ in ('with', 'between', 'among') for c in tok.children))}",
             f"subj_or_obj={int(tok.dep_ in ('nsubj', 'nsubjpass', 'dobj'))}"]
    feats += [f"tw={w}" for w in words]
    return tuple(feats)


def _parsed_topic(h: _Hit, doc: Doc) -> _Hit | None:
    """'a memorandum of understanding, in January, on jointly running the ferry line', 'a framework
    agreement on a partnership in the field of health': a generic catalogue form that takes a topic
    (topic_tail) whose lower-case topic the text regex could not read (a determiner, a comma, an
    aside before it), read from the parse instead: the instrument named by its topic, as _topic_hits
    names it (None when the parse gives no topic)."""
    row = next((r for r in catalogue() if r["id"] == h.rule), None)
    span = doc.char_span(h.start, h.end, alignment_mode="expand")
    if row is None or not row.get("topic_tail") or span is None or h.plural:
        return None
    # ('signed a memorandum, in May, on jointly running ...': the on-phrase hangs on the signing verb;
    # read there only when it is a gerund clause, never a date or a noun: 'signed it on Friday')
    verb = span.root.head if span.root.dep_ == "dobj" and span.root.head.lemma_.lower() in PURPOSE_GOVERNORS else None
    for tok in (span.root, span[-1], *([verb] if verb is not None else [])):
        for c in tok.rights:
            if c.dep_ != "prep" or c.lower_ not in ("on", "concerning", "regarding", "covering") or c.i < span.end:
                continue
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if tok is verb and (obj is None or obj.dep_ != "pcomp" or obj.tag_ != "VBG"):
                continue
            if obj is None or obj.pos_ not in ("NOUN", "VERB") or not _lower_word(obj) or obj.lower_ in NOT_TOPIC_OBJECT:
                return None
            words = _phrase_words(obj) if obj.pos_ == "NOUN" else [
                t for t in obj.subtree if (_lower_word(t) and t.pos_ in ("VERB", "NOUN", "ADJ"))
                or (t.pos_ == "PROPN" and _topic_name(t, obj))][:MAX_TOPIC_WORDS]
            if not words or len(words) > MAX_TOPIC_WORDS:
                return None
            topic = " ".join(w.lower_ for w in words)
            name = title_name(f"{row['name']} {c.lower_} {topic}")
            kind = kind_of(topic)
            return _Hit(h.start, h.end, "named:" + _fold(name), name, "", kind if kind != "other" else row["kind"],
                        "named", rule=row["id"])
    return None


def with_descriptive(hits: list[_Hit], doc: Doc) -> list[_Hit]:
    """hits plus the descriptive instruments; an anaphor or indefinite reference ('an agreement')
    whose head is a descriptive one gives way to it; a generic catalogue form named by a topic the
    parse gives (_parsed_topic) becomes that named instrument."""
    hits = [(_parsed_topic(h, doc) or h) if h.source == "generic" and h.rule else h for h in hits]
    for h in hits:
        if h.source == "generic" and not h.rule and h.key.startswith("generic:"):
            _take_written_modifiers(h, doc)
    is_ref = [h.source in ("anaphor", "indefinite") and h.key in ("anaphor", "indefinite") for h in hits]
    refs = [h for h, r in zip(hits, is_ref) if r]
    # (not `h not in refs`: that compares every field of every pair; a hit equal to a reference
    # is one by the same test)
    taken = [(h.start, h.end) for h, r in zip(hits, is_ref) if not r]
    found = descriptive_hits(doc, taken)
    found += agreed_hits(doc, [(h.start, h.end) for h in hits] + [(d.start, d.end) for d in found],
                         [h.name for h in [*hits, *found] if h.name])
    if not found:
        return hits
    # (a candidate, which the gate may drop, never displaces a reference the rules read)
    found = [d for d in found if not d.features or not any(r.start < d.end and d.start < r.end for r in refs)]
    drop = {id(r) for r in refs for d in found if r.start < d.end and d.start < r.end}
    out = [h for h in hits if id(h) not in drop] + found
    return sorted(out, key=lambda h: (h.start, -h.end))


__all__ = ["EVENT_VERBS", "INSTRUMENT_HEADS", "agreed_hits", "descriptive_hits", "with_descriptive"]
