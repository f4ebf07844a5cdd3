"""Agreements lexicon: kind and status vocabularies, catalogue loaders, name and reference patterns
(data in resources/agreements.jsonl, agreement_kinds.jsonl, status_cues.jsonl)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import regex

from pipeline.extract.actors import state_mentions
from pipeline.extract.lexicons import Lexicon, Scope
from pipeline.extract.nlp import sentence_at
from pipeline.records import Sentence
from pipeline.resources import (
    NotAfter,
    alternation,
    lowered,
    pattern_text,
    word_list,
    written_in_lowercase,
)

KINDS = ("logistics", "intelligence-sharing", "access", "basing", "defense", "trade", "arms-control",
         "nuclear", "peace", "climate", "other")
STATUSES = ("proposed", "under_negotiation", "signed", "ratified", "in_force", "suspended", "terminated",
            "existing", "unspecified")
# Most advanced wins; "existing" (mentioned in passing) only when nothing more is asserted.
# "standing" (internal): "is in force", "remains in force" -- a state, not an event; written as in_force
# for an agreement the article is about, as existing for one mentioned in passing (one sentence).
STATUS_RANK = {"unspecified": 0, "existing": 1, "proposed": 2, "under_negotiation": 3, "signed": 4,
               "ratified": 5, "standing": 6, "in_force": 7, "suspended": 8, "terminated": 9, "restored": 10}
DATE_VALUE = re.compile(r"[\dX]{4}(?:-[\dX]{2}(?:-[\dX]{2})?)?")
DATED = {"signed", "ratified", "in_force", "suspended", "terminated", "standing"}
STRONG = {"signed", "ratified", "in_force", "suspended", "terminated", "restored", "standing"}

HEAD = r"(?:agreements?|treat(?:y|ies)|pacts?|accords?|deals?|arrangements?|memorand(?:um|a|ums) of understanding|protocols?|alliance|partnerships?)"
# Kind words, generic modifiers and exclusions are data (resources/agreement_kinds.jsonl), compiled
# on first use by _kind_words() and _generic_regexes().
FUNCTION_WORDS = (r"(?:the|a|an|in|of|about|to|with|for|and|or|on|that|this|its|their|his|her|our|is|are|was|were|"
                  r"be|been|has|have|had|not|no|as|at|by|from|over|under|any|such|new|would|will|could|should)")
ANAPHOR = re.compile(pattern_text("agreement_patterns.jsonl", "anaphor"), re.I)
PLURAL_WITH = re.compile(pattern_text("agreement_patterns.jsonl", "plural_with"), re.I)
INDEFINITE = re.compile(pattern_text("agreement_patterns.jsonl", "indefinite"), re.I)
LIKE = re.compile(pattern_text("agreement_patterns.jsonl", "like"), re.I)
POSSESSED = re.compile(pattern_text("agreement_patterns.jsonl", "possessed"))
# "Moscow was suspending its participation": the agreement in focus, named by what is done to it
PARTICIPATION = regex.compile(pattern_text("agreement_patterns.jsonl", "participation"), re.I)
NAMED = re.compile(pattern_text("agreement_patterns.jsonl", "named"))
CALENDAR_WORD = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
                 r"July|August|September|October|November|December)\b")
NAMED_HEAD_FIRST = NotAfter(
    r"[\w-]", r"((?:Treaty|Agreement|Accords?|Convention|Protocol|Pact|Charter|Guidelines|Declaration|Memorandum|"
    r"Code of Conduct|Compact|Framework|Annex) (?:of|on|for) (?:the )?"
    r"(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+(?: (?:(?:and|of|on|the|to|for) )*(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+)*)")
# "Framework Agreement on Water Cooperation": a name whose head comes before its topic
HEAD_TAIL = re.compile(r" (?:on|of|for) (?:the )?(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+"
                       r"(?: (?:(?:and|of|on|the|to|for) )*(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+)*")
# "a memorandum of understanding on semiconductor supply chains": a generic instrument named by its
# lower-case topic, up to where the clause goes on; "..., and another on disaster response" names a second.
# (a treaty-event participle ends the topic: 'a memorandum on energy signed with X' is on energy)
TOPIC_WORD = r"(?!(?:signed|reached|agreed|concluded|adopted|approved|ratified|initialled|initialed)\b)[a-z][\w'’-]*"
TOPIC_END = (r"(?=\s*[,.;:)!?]|\s*$|\s+(?:(?:to|that|which|who|with|after|before|at|between|by|under|signed|was|were|"
             r"is|are|will|would|from|on|as|during|while|last|this|next)\b|in\s+(?:[A-Z]|\d)))")
TOPIC_TAIL = re.compile(
    r"\s+(?P<prep>on|for|concerning|regarding)\s+(?:the\s+)?"
    r"(?P<topic>" + TOPIC_WORD + r"(?:\s+(?:(?:and|of|in|for)\s+)?" + TOPIC_WORD + r"){0,5})" + TOPIC_END)
# "a framework agreement on Earth observation": the lower-case words that go on after a capitalised
# topic (HEAD_TAIL) belong to it, up to where the clause goes on (TOPIC_END); function words
# (topic_tail_not_words) never start them, so 'on the Harbour Link in the south' stays 'Harbour Link'
TOPIC_TAIL_NOT = word_list("agreement_words.jsonl", "topic_tail_not_words")
LOWER_AFTER_TITLE = re.compile(
    r"(?:\s+(?!(?:" + "|".join(sorted(TOPIC_TAIL_NOT)) + r")\b)" + TOPIC_WORD + r"){1,3}" + TOPIC_END)
ANOTHER_TOPIC = re.compile(r"\s*,?\s+and\s+(?P<lead>another|a second|one)" + TOPIC_TAIL.pattern)
SENTENCE_STOP = re.compile(r"[.;!?]")
TOPIC_STOP = word_list("agreement_words.jsonl", "topic_stop")
# "the Global Combat Air Programme (GCAP) treaty": the acronym inside the name
ACRONYM_INSIDE = regex.compile(pattern_text("agreement_patterns.jsonl", "acronym_inside"))
# "Status of Visiting Forces Agreement", "Trade and Economic Partnership Agreement": a catalogue
# name inside a longer title
TITLE_BEFORE = re.compile(r"(?<![\w'’-])((?:[A-Z][a-z][\w'’-]*\s+)+)(?:and|of|for|on)\s+$")
# "the Kuala Lumpur Peace Accord": a catalogue form right after a determiner and capitalised words
# (a place, a project) is the head of a longer title
TITLE_PREFIX = re.compile(r"(?<![\w'’-])(?:the|a|an|this|that)\s+((?:[A-Z][a-z]+\s+){1,3})$")
TITLE_PREFIX_NOT = frozenset(word_list("agreement_words.jsonl", "title_prefix_not"))
AGREEMENT_ON = re.compile(pattern_text("agreement_patterns.jsonl", "agreement_on"), re.I)
AGREEMENT_ON_NP = re.compile(pattern_text("agreement_patterns.jsonl", "agreement_on_np"))
QUOTED_LEADING = re.compile(pattern_text("agreement_patterns.jsonl", "quoted_leading"))
QUOTED = re.compile(pattern_text("agreement_patterns.jsonl", "quoted"))
ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]{1,7}|[A-Z]{2,}(?:\s[A-Z]{2,})?)\)")
PLACE_DEAL = NotAfter(r"[\w-]", r"the\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(agreement|accords?|deal|treaty|pact|protocol|declaration)s?(?![\w-])")
ORDINAL = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)|latest|last)"
PRIOR_LIST = regex.compile(ORDINAL + r"\b.{0,80}?\b(?:following|after)\b(?:\s+those\s+with|\s+(?:[\w-]+\s+){0,4}?with\b)?", re.I)
COUNT = regex.compile(pattern_text("agreement_patterns.jsonl", "count"), re.I)
NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
# as in "US-Japan" (findings.pair_name). Tried at stop 22: the United States written in full in composed names
# ('Guyana-United States'): +2 rows on the studied sets, -1 on dev and -2 on heldout3/4/7 + sealed train
SHORT = {"United States": "US", "United Kingdom": "UK", "European Union": "EU"}
COPULA_SUBJECTS = word_list("agreement_words.jsonl", "copula_subjects")
LEADING = re.compile(pattern_text("agreement_patterns.jsonl", "leading"), re.I)
# Verbs whose subject comments on an agreement rather than being party to it.
NOT_PARTY_VERBS = word_list("agreement_words.jsonl", "not_party_verbs")
# "X has proposed a pact with Y, a diplomat said": a reporting verb parsed as the mention's clause.
REPORTING_VERBS = word_list("agreement_words.jsonl", "reporting_verbs")
# "the pacts the EU signed with X": the subject of these verbs in a relative clause on the mention is a party.
RELCL_SIGNING = word_list("agreement_words.jsonl", "relcl_signing")
# the prepositions of a mention's post-modifier chain ('memorandum of understanding on X in the field of Y')
DEEP_CHAIN_PREPS = word_list("agreement_words.jsonl", "deep_chain_preps")
# the prepositions whose object, when a capital, stands for its state ('a pact with Manila')
CAPITAL_ROLE_PREPS = word_list("agreement_words.jsonl", "capital_role_preps")
# "Qatar brokered the truce": the subject is a mediator, not a party.
BROKER_VERBS = word_list("agreement_words.jsonl", "broker_verbs")
# "a truce brokered by Qatar": the agent is a mediator, not a party.
MEDIATOR_VERBS = word_list("agreement_words.jsonl", "mediator_verbs")
# "a framework agreement (FA)": a generic instrument given its own acronym
OWN_ACRONYM = re.compile(r"\s*\(\s*[A-Z][A-Za-z]{1,7}\s*\)")


# ---------------------------------------------------------------- resources
# The stage's lexicon (extract/lexicons.py): the rows of these files, the packaged ones unless the
# agreements Stage is given others; every function below that reads them is built once per lexicon.
LEXICON_FILES = ("agreements.jsonl", "status_cues.jsonl", "agreement_kinds.jsonl", "agreements_organs.jsonl")


@lru_cache(maxsize=1)
def packaged_lexicon() -> Lexicon:
    """The lexicon of pipeline/resources/ (one per process)."""
    return Lexicon()


def lexicon_of(catalogue: Iterable[dict] | None = None, status_cues: Iterable[dict] | None = None,
               kinds: Iterable[dict] | None = None, organs: Iterable[dict] | None = None) -> Lexicon:
    """A lexicon of these rows (agreements.jsonl, status_cues.jsonl, agreement_kinds.jsonl,
    agreements_organs.jsonl); a file not given is the packaged one."""
    given = dict(zip(LEXICON_FILES, (catalogue, status_cues, kinds, organs)))
    return Lexicon({name: rows for name, rows in given.items() if rows is not None})


LEXICON = Scope("agreements lexicon", packaged_lexicon)


def _rows(name: str) -> tuple[dict, ...]:
    return LEXICON.active().rows(name)


@LEXICON.cached
def catalogue() -> tuple[dict, ...]:
    return _rows("agreements.jsonl")


@LEXICON.cached
def status_cues() -> tuple[tuple[str, str, regex.Pattern, int], ...]:
    """(type, status-or-effect, pattern, near) rows of resources/status_cues.jsonl; near < 0 means
    the cue must come before the mention, within -near characters. Compiled with the regex module:
    they run over every mention's clause, about twice as fast as with re (same matches: see
    tests/test_agreements.py)."""
    out = []
    for row in _rows("status_cues.jsonl"):
        near = int(row.get("near", 0))
        out.append((row["type"], row.get("status") or row.get("effect", ""), regex.compile(row["pattern"], regex.I),
                    -near if row.get("before") else near))
    return tuple(out)


@LEXICON.cached
def status_cue_ids() -> tuple[str, ...]:
    """The id of each row of status_cues(), in the same order."""
    return tuple(row["id"] for row in _rows("status_cues.jsonl"))


def first_chars(pattern: str) -> frozenset[str] | None:
    """The lowercase ASCII characters a match of pattern (compiled with IGNORECASE) can start
    with, read from its parse: zero-width items (\\b, lookarounds) are passed over, a branch or
    group gives the union of its alternatives. None when that is not known for sure (a class
    such as \\w, a repeat that can be empty, an empty branch, a construct re cannot parse): the
    pattern must then be tried at every start."""
    try:                                    # CPython's private parser: unknown (None) where it is absent
        import re._constants as c
        import re._parser as sre
    except ImportError:
        return None

    def first(items) -> set[str] | None:
        for op, av in items:
            if op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
                continue                    # zero width: the next item consumes the first character
            if op is c.LITERAL:
                return {chr(av).lower()} if av < 128 and chr(av).isalnum() else None
            if op is c.IN:
                out: set[str] = set()
                for kind, arg in av:
                    if kind is c.LITERAL and arg < 128 and chr(arg).isalnum():
                        out.add(chr(arg).lower())
                    elif kind is c.RANGE and arg[1] < 128 and all(chr(x).isalnum() for x in range(arg[0], arg[1] + 1)):
                        out.update(chr(x).lower() for x in range(arg[0], arg[1] + 1))
                    else:
                        return None
                return out
            if op is c.BRANCH:
                out = set()
                for alt in av[1]:
                    got = first(alt)
                    if got is None:
                        return None
                    out |= got
                return out
            if op is c.SUBPATTERN:
                return first(av[-1])
            if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
                return first(av[2])
            return None
        return None                         # can match the empty string

    try:
        got = first(sre.parse(pattern))
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    return frozenset(got) if got else None


@LEXICON.cached
def status_cue_rows() -> tuple[tuple[str, str, regex.Pattern, int, str, frozenset[str] | None], ...]:
    """The "cue" rows of status_cues() with their ids and first characters (first_chars): what
    status_cue_read tries over each window, taken once per lexicon."""
    return tuple((typ, status, pat, near, cue_id, first_chars(pat.pattern))
                 for (typ, status, pat, near), cue_id in zip(status_cues(), status_cue_ids()) if typ == "cue")


@LEXICON.cached
def status_conditions() -> tuple[regex.Pattern, ...]:
    """The patterns of the "condition" rows of status_cues()."""
    return tuple(pat for typ, _eff, pat, _near in status_cues() if typ == "condition")


def _cue_union() -> str:
    return "|".join(f"(?:{pat.pattern})" for typ, _s, pat, _n in status_cues() if typ == "cue") or "(?!)"


@LEXICON.cached
def _any_status_cue() -> regex.Pattern:
    """Matches where any status cue does: a window without a match has no status to read."""
    return regex.compile(_cue_union(), regex.I)


@LEXICON.cached
def _any_status_cue_lowered() -> re.Pattern | None:
    """_any_status_cue for lowered text (resources.lowered), under re without IGNORECASE: about
    three times faster. None when a cue is not written in lowercase (see written_in_lowercase)."""
    src = _cue_union()
    if not written_in_lowercase(src):
        return None
    try:
        return re.compile(src)
    except re.error:            # a construct only the regex module knows
        return None


def cue_starts(window: str) -> list[int]:
    """Every offset in window where some status cue matches (overlapping matches included)."""
    fast = _any_status_cue_lowered()
    low = lowered(window) if fast is not None else None
    if low is None:
        return [m.start() for m in _any_status_cue().finditer(window, overlapped=True)]
    out, pos = [], 0
    while (m := fast.search(low, pos)) is not None:
        out.append(m.start())
        pos = m.start() + 1
    return out


@LEXICON.cached
def _kind_words() -> tuple[tuple[str, re.Pattern], ...]:
    """(kind, whole-word pattern) in priority order."""
    return tuple((r["kind"], re.compile(r"\b(?:" + r["pattern"] + r")\b", re.I))
                 for r in _rows("agreement_kinds.jsonl") if r["type"] == "kind")


@LEXICON.cached
def _generic_regexes() -> tuple[str, re.Pattern, re.Pattern, re.Pattern | None]:
    """(modifier alternation, generic-reference regex, exclusion regex, the generic regex without
    IGNORECASE for lowered text: None when the kind rows are not written in lowercase)."""
    rows = _rows("agreement_kinds.jsonl")
    modifier = "(?:" + "|".join(r["pattern"] for r in rows if r["type"] in ("kind", "modifier")) + ")"
    generic = re.compile(
        r"(?<![\w-])((?:(?:a|an|the|this|that|such|their|its|new|bilateral|trilateral|historic|landmark|broader|"
        r"wider|formal|joint|comprehensive|permanent|draft|proposed|long-term)\s+)*)"
        r"((?:[\w-]+\s+){0,2}?" + modifier + r"(?:\s+(?:and\s+)?" + modifier + r")?"
        r"(?:\s+(?!" + FUNCTION_WORDS + r"\b)[a-z][\w-]*){0,2}?)\s+(" + HEAD + r")(?![\w-])", re.I)
    exclude = re.compile(r"\b(?:" + "|".join(r["pattern"] for r in rows if r["type"] == "exclude") + r")\b", re.I)
    return modifier, generic, exclude, re.compile(generic.pattern) if written_in_lowercase(generic.pattern) else None


@LEXICON.cached
def modal_rows() -> tuple[tuple[str, regex.Pattern, frozenset], ...]:
    """(effect, pattern, statuses it applies to) for the modal rows of resources/status_cues.jsonl."""
    return tuple((row["effect"], regex.compile(row["pattern"], regex.I),
                  frozenset(row.get("applies_to") or STRONG))
                 for row in _rows("status_cues.jsonl") if row["type"] == "modal")


def _surface_unit(ch: str) -> str:
    """A catalogue form's character as a regex: hyphens may be dashes, spaces or nothing, a space
    any run of white space, an apostrophe straight or curly."""
    return {"-": r"[-–\s]?", " ": r"\s+", "'": "['’]"}.get(ch) or re.escape(ch)


@LEXICON.cached
def _catalogue_regex() -> tuple[re.Pattern, re.Pattern, dict[str, dict], dict[str, dict]]:
    """(phrase regex, acronym regex, lower phrase -> row, acronym -> row)."""
    phrases: dict[str, dict] = {}
    acronyms: dict[str, dict] = {}
    surfaces: set[str] = set()
    for row in catalogue():
        conditional = {_fold(f) for f in row.get("conditional_aliases", [])}
        for form in [row["name"], *row.get("aliases", [])]:
            if _fold(form) not in conditional:      # a generic name ('Trilateral ... Arrangement') is conditional too
                phrases.setdefault(_fold(form), row)
            surfaces.add(form.lower().replace("–", "-").replace("’", "'"))
        for form in row.get("conditional_aliases", []):
            surfaces.add(form.lower().replace("–", "-").replace("’", "'"))
        if row.get("acronym"):
            acronyms.setdefault(row["acronym"], row)
    phrase_re = re.compile(r"(?<![\w-])(" + alternation(surfaces, _surface_unit) + r")(?:e?s)?(?![\w-])", re.I)
    acronym_re = NotAfter(r"[\w-]", r"(" + alternation(acronyms, _surface_unit) + r")(s)?(?![\w-])")
    return phrase_re, acronym_re, phrases, acronyms


@LEXICON.cached
def _conditional_phrases() -> dict[str, tuple[dict, ...]]:
    """lower folded phrase -> catalogue rows that list it under conditional_aliases: a generic phrase
    ('armistice agreement', 'civil nuclear deal') that names one catalogued instrument only when the
    row's context is present (see _context_ok); otherwise it is read as any other generic reference."""
    out: dict[str, list[dict]] = {}
    for row in catalogue():
        for form in row.get("conditional_aliases", []):
            out.setdefault(_fold(form), []).append(row)
    return {k: tuple(v) for k, v in out.items()}


def _context_ok(row: dict, text: str, start: int, sents: list[Sentence] | None = None) -> bool:
    """Is the context of a catalogue row present for a conditional alias written at start?
    context_any: at least one of these; context_all: every one of these (default, when neither is
    given: every fixed party). An item is a state (any surface form: 'Washington', 'U.S.') or a word
    matched at a word start ('Korea' also matches 'Korean'; lower-case items ignore case).
    context_scope 'sentence' looks in the mention's sentence (when sentences are known), else the article."""
    lo, hi = 0, len(text)
    if row.get("context_scope") == "sentence" and sents:
        sent = sentence_at(sents, start)
        if sent is not None:
            lo, hi = sent.start, sent.end
    scope = text[lo:hi]
    states = {c for _s, _e, _surface, c in state_mentions(scope)}

    def present(item: str) -> bool:
        return item in states or re.search(r"(?<![\w])" + re.escape(item), scope,
                                           re.I if item.islower() else 0) is not None

    any_of = row.get("context_any", [])
    all_of = row.get("context_all") or ([] if any_of else row.get("parties", []))
    if not any_of and not all_of:
        return False
    return (not any_of or any(present(i) for i in any_of)) and all(present(i) for i in all_of)


def _conditional_row(form: str, text: str, start: int, sents: list[Sentence] | None = None) -> dict | None:
    """The first row whose conditional alias is form and whose context holds here."""
    return next((r for r in _conditional_phrases().get(_fold(form), ()) if _context_ok(r, text, start, sents)), None)


# British and American spellings of one name fold to one key ('Mutual Defence' == 'Mutual Defense')
SPELLINGS = ((re.compile(r"defence"), "defense"), (re.compile(r"(?<=[a-z])is(ation|ed|ing)\b"), r"iz\1"),
             (re.compile(r"programme"), "program"), (re.compile(r"centre"), "center"),
             (re.compile(r"labour"), "labor"), (re.compile(r"harbour"), "harbor"))


def _fold(s: str) -> str:
    """Lookup key: lower case, letters and digits only ('Cross-Servicing' == 'cross servicing'),
    British spellings as American ones."""
    low = s.lower()
    for pat, rep in SPELLINGS:
        low = pat.sub(rep, low)
    return re.sub(r"[^a-z0-9]+", "", low)


def kind_of(name: str) -> str:
    for kind, pat in _kind_words():
        if pat.search(name):
            return kind
    return "other"


def title_name(phrase: str, as_agreement: bool = True) -> str:
    """'bilateral security deal' -> 'Bilateral Security Agreement' (deal/pact read as agreement, unless
    not as_agreement: a name the text writes with its own head, 'the Warsaw Pact')."""
    words = re.sub(r"[\"“”]", "", phrase).split()
    small = {"of", "on", "and", "for", "the", "to", "in", "a", "an"}
    out = []
    for i, w in enumerate(words):
        if as_agreement and re.fullmatch(r"deals?|pacts?", w, re.I):
            w = "Agreement"
        out.append(w if (w.lower() in small and i) or any(c.isupper() for c in w[1:]) else
                   "-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def name_words(name: str) -> set[str]:
    """The descriptive words of a name, singular ('Investments' and 'investment' are one word)."""
    return {_singular(w) for w in re.findall(r"[a-z]+", name.lower().replace("defence", "defense"))
            if w not in ("agreement", "agreements", "pact", "deal", "treaty", "accord", "arrangement", "the", "of",
                         "on", "and", "for", "a", "an", "to", "in")}


def _singular(word: str) -> str:
    """'investments' -> 'investment', 'forces' -> 'force' (words of more than four letters; not 'ss')."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@LEXICON.cached
def broad_regex() -> re.Pattern:
    rows = [r["pattern"] for r in _rows("agreement_kinds.jsonl") if r["type"] == "broad"]
    return re.compile(r"(?:" + "|".join(rows or ["(?!)"]) + r")", re.I)


# ---------------------------------------------------------------- status
