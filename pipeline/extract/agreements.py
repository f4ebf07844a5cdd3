"""Agreements: catalogue matches, named instruments not in the catalogue, generic references
and anaphors; one row per (agreement, parties) instance, with status, status date and evidence.

Pure function: (doc, sentences, actors, dates, settings) -> list[AgreementFinding].

Steps: find mentions (catalogue, parenthesised acronyms, named instruments, generic kinds,
anaphors) -> find each mention's parties from the dependency parse (coordination, hyphenated
pairs, possessives, with/between phrases, subjects and agents of the governing verbs, counts
like "the three countries") -> group mentions into instances (a bilateral instrument written
with a holder and a list gives one row per partner; "the third such agreement, after X and Y"
adds existing rows; "a comparable pact with X" adds X's row) -> status per mention from the cue
lexicon with modality, cues counted near the mention or on its governing verb -> generic mentions
fold into the named agreement they stand for (broad words, or a lead mention before the name) ->
most advanced status per instance ("is in force" becomes existing for an agreement mentioned in
passing; a named agreement with no status exists), its sentence as evidence and the date written
next to the status cue as status_date (never a dateline, never a sentence shared with another
agreement).

Data (analysts extend these without touching code; every row has a unique "id"):
  resources/agreements.jsonl       catalogue: name, acronym, kind, aliases, fixed parties, bilateral
  resources/agreement_kinds.jsonl  kind words, generic modifiers, domestic-deal exclusions
  resources/status_cues.jsonl      status cues, modal words, conditions
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex
from spacy.tokens import Doc, Span, Token

from pipeline.extract.actors import canonical_state, org_index, seat_country, state_index, state_mentions
from pipeline.extract.nlp import sentence_at, text_of
from pipeline.records import ActorFinding, AgreementFinding, DateFinding, Mention, Sentence
from pipeline.resources import NotAfter, alternation, load_jsonl, lowered, may_contain, written_in_lowercase

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
ANAPHOR = re.compile(
    r"(?<![\w-])(the|this|that|such an?|such|its|their)\s+((?:(?:new|landmark|historic|draft|bilateral|trilateral|"
    r"joint|final|original|same|latest|first|second|third|fourth|fifth|sixth|seventh|eighth|whole|entire|"
    r"so-called|previous|earlier|deal's|agreement's)\s+)*)"
    r"(agreements?|pacts?|deals?|treaty|accords?|arrangements?|partnership|alliance|truce|ceasefire|cease-fire)(?![\w-])", re.I)
PLURAL_WITH = re.compile(r"(?<![\w-])(?:similar\s+|such\s+|other\s+)?(pacts|agreements|accords|treaties|deals|arrangements)\s+with\b", re.I)
INDEFINITE = re.compile(r"(?<![\w-])(an?|one)\s+((?:(?:new|joint|formal|historic|landmark|entirely new|"
                        r"comprehensive|bilateral|trilateral|comparable|similar|parallel|equivalent)\s+)*)"
                        r"(agreement|pact|deal|treaty|accord)(?![\w-])", re.I)
LIKE = re.compile(r"\b(?:comparable|similar|parallel|equivalent)\b", re.I)
# "Moscow was suspending its participation": the agreement in focus, named by what is done to it
PARTICIPATION = regex.compile(r"\b(?:suspend(?:s|ed|ing)?|halt(?:s|ed|ing)?|end(?:s|ed|ing)?|freez(?:e|es|ing)|froze|"
                           r"resum(?:e|es|ed|ing)|restor(?:e|es|ed|ing))\s+(?:its|their|his|her)\s+(participation)"
                           r"(?!\s+in\s+(?:the|a|an)\b)", re.I)
NAMED = re.compile(
    r"(?<![\w-])((?:[A-Z][\w'’.]*(?:[-–][A-Z][\w'’.]*)*\s+(?:(?:of|on|and|for|the|between|to|in|de)\s+)*)+"
    r"(?:Agreements?|Treaty|Treaties|Pact|Accords?|Arrangement|Memorandum of Understanding|Protocols?|"
    r"Convention|Partnership|Declaration|Charter|Alliance|Guidelines))(?![\w-])")
CALENDAR_WORD = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|"
                 r"July|August|September|October|November|December)\b")
NAMED_HEAD_FIRST = NotAfter(
    r"[\w-]", r"((?:Treaty|Agreement|Accords?|Convention|Protocol|Pact|Charter|Guidelines) (?:of|on|for) (?:the )?"
    r"(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+(?: (?:(?:and|of|on|the|to|for) )*(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+)*)")
# "Framework Agreement on Water Cooperation": a name whose head comes before its topic
HEAD_TAIL = re.compile(r" (?:on|of|for) (?:the )?(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+"
                       r"(?: (?:(?:and|of|on|the|to|for) )*(?!" + CALENDAR_WORD + r")[A-Z][\w'’-]+)*")
# "a memorandum of understanding on semiconductor supply chains": a generic instrument named by its
# lower-case topic, up to where the clause goes on; "..., and another on disaster response" names a second.
TOPIC_WORD = r"[a-z][\w'’-]*"
TOPIC_TAIL = re.compile(
    r"\s+(?P<prep>on|for|concerning|regarding)\s+(?:the\s+)?"
    r"(?P<topic>" + TOPIC_WORD + r"(?:\s+(?:(?:and|of|in|for)\s+)?" + TOPIC_WORD + r"){0,5})"
    r"(?=\s*[,.;:)!?]|\s*$|\s+(?:(?:to|that|which|who|with|after|before|at|between|by|under|signed|was|were|is|are|"
    r"will|would|from|on|as|during|while|last|this|next)\b|in\s+(?:[A-Z]|\d)))")
ANOTHER_TOPIC = re.compile(r"\s*,?\s+and\s+(?P<lead>another|a second|one)" + TOPIC_TAIL.pattern)
SENTENCE_STOP = re.compile(r"[.;!?]")
TOPIC_STOP = frozenset({"how", "what", "whether", "which", "when", "where", "why", "it", "its", "their", "his", "her",
                        "a", "an", "this", "that", "these", "those", "each", "both", "all", "any", "such"})
# "the Global Combat Air Programme (GCAP) treaty": the acronym inside the name
ACRONYM_INSIDE = regex.compile(
    r"(?<![\w-])((?:[A-Z][\w'’-]+\s+(?:(?:of|on|and|for|the)\s+)*)+)\(([A-Z][A-Za-z]{1,7})\)\s+"
    r"(treaty|agreement|pact|accord|arrangement|convention|memorandum of understanding)(?![\w-])")
# "Status of Visiting Forces Agreement", "Trade and Economic Partnership Agreement": a catalogue
# name inside a longer title
TITLE_BEFORE = re.compile(r"(?<![\w'’-])((?:[A-Z][a-z][\w'’-]*\s+)+)(?:and|of|for|on)\s+$")
AGREEMENT_ON = re.compile(r"(?<![\w-])(?:an?|the)\s+(agreement|accord|treaty)\s+on\s+(?:a\s+|the\s+)?[\"“]([^\"”]{3,80})[\"”]", re.I)
AGREEMENT_ON_NP = re.compile(
    r"\b(?:signed|reached|concluded|inked|struck|sealed|signing|conclude|sign|have|has|had)\s+(?:an?|the)\s+(agreement|accord|treaty)\s+"
    r"(on|concerning|regarding)\s+(?:the\s+)?([a-z][\w-]*(?:\s+(?:and\s+|of\s+)?[a-z][\w-]*){1,6}?)"
    r"(?=\s*[,.;:]|\s+(?:to|in|that|which|with|after|before|at|for|between|by)\b)")
QUOTED_LEADING = re.compile(r"[\"“]((?:Agreement|Treaty|Accord|Convention|Protocol|Memorandum) (?:on|for|of|between|concerning)\b[^\"”]{3,80}?)[\"”]")
QUOTED = re.compile(r"[\"“]([A-Za-z][^\"”]{2,80}?\b(?:agreement|treaty|pact|accord|arrangement|Agreement|Treaty|Pact|Accord|Arrangement)s?)\b[\"”]")
ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]{1,7}|[A-Z]{2,}(?:\s[A-Z]{2,})?)\)")
PLACE_DEAL = NotAfter(r"[\w-]", r"the\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+(agreement|accords?|deal|treaty|pact|protocol|declaration)s?(?![\w-])")
ORDINAL = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)|latest|last)"
PRIOR_LIST = regex.compile(ORDINAL + r"\b.{0,80}?\b(?:following|after)\b(?:\s+those\s+with|\s+(?:[\w-]+\s+){0,4}?with\b)?", re.I)
COUNT = regex.compile(r"\b(?:the\s+)?(two|three|four|five|both)\s+(?:countries|nations|sides|governments|states|parties|members|allies|neighbou?rs|leaders|delegations|capitals)\b", re.I)
NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
SHORT = {"United States": "US", "United Kingdom": "UK", "European Union": "EU"}   # as in "US-Japan"
COPULA_SUBJECTS = {"it", "they", "both", "we", "he", "she"}
LEADING = re.compile(r"^(?:the|a|an|this|that|such|such an?|its|their|new|so-called)\s+", re.I)
# Verbs whose subject comments on an agreement rather than being party to it.
NOT_PARTY_VERBS = {"say", "tell", "concern", "worry", "fear", "raise", "complain", "criticize", "criticise",
                   "welcome", "praise", "condemn", "oppose", "warn", "reject", "accuse", "report", "note",
                   "claim", "believe", "think", "alarm", "slam", "denounce", "hail", "applaud", "urge",
                   "call", "question", "doubt", "prompt", "mark", "bring", "cause", "include"}
# "X has proposed a pact with Y, a diplomat said": a reporting verb parsed as the mention's clause.
REPORTING_VERBS = {"say", "tell", "add", "report", "announce", "confirm", "note", "state"}
# "the pacts the EU signed with X": the subject of these verbs in a relative clause on the mention is a party.
RELCL_SIGNING = {"sign", "conclude", "negotiate", "reach", "ink", "strike", "seal", "agree", "ratify", "forge", "clinch"}
# "Qatar brokered the truce": the subject is a mediator, not a party.
BROKER_VERBS = {"broker", "mediate", "facilitate", "host", "witness", "sponsor", "oversee", "guarantee"}
# "a truce brokered by Qatar": the agent is a mediator, not a party.
MEDIATOR_VERBS = {"broker", "mediate", "facilitate", "host", "witness", "back", "guarantee", "sponsor", "oversee",
                  "welcome", "praise", "criticize", "criticise", "condemn", "announce", "report"}


@dataclass
class _Hit:
    """One span that names or refers to an agreement."""

    start: int
    end: int
    key: str                    # catalogue id, "named:<name>", "generic:<kind>" or "anaphor"
    name: str
    acronym: str = ""
    kind: str = "other"
    source: str = "catalogue"   # catalogue | named | generic | anaphor | indefinite
    fixed: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    bilateral: bool = False
    plural: bool = False
    parties: list[str] = field(default_factory=list)
    party_source: str = ""      # role | fallback | inherited | fixed
    status: str = "unspecified"
    prior: list[str] = field(default_factory=list)   # parties of earlier instances ("the third, after X and Y")
    new: bool = False           # "a new deal": a further instrument of the kind being discussed
    like: bool = False          # "a comparable pact with X": the instrument in focus, with another partner
    draft: bool = False         # "the draft agreement": refers to an unsigned instrument
    cue: tuple[int, int] = (-1, -1)   # character span of the status cue
    with_list: list[str] = field(default_factory=list)   # parties after "with" ("a VFA with X and Y")
    topics: list | None = None  # the article's instance party lists, for "the two countries"
    own: bool = False           # a generic instrument given its own acronym: never folded into another
    also: bool = False          # "..., and another on X": in the clause of the hit before it


# ---------------------------------------------------------------- resources

@lru_cache(maxsize=1)
def catalogue() -> tuple[dict, ...]:
    return load_jsonl("agreements.jsonl")


@lru_cache(maxsize=1)
def status_cues() -> tuple[tuple[str, str, regex.Pattern, int], ...]:
    """(type, status-or-effect, pattern, near) rows of resources/status_cues.jsonl; near < 0 means
    the cue must come before the mention, within -near characters. Compiled with the regex module:
    they run over every mention's clause, about twice as fast as with re (same matches: see
    tests/test_agreements.py)."""
    out = []
    for row in load_jsonl("status_cues.jsonl"):
        near = int(row.get("near", 0))
        out.append((row["type"], row.get("status") or row.get("effect", ""), regex.compile(row["pattern"], regex.I),
                    -near if row.get("before") else near))
    return tuple(out)


def _cue_union() -> str:
    return "|".join(f"(?:{pat.pattern})" for typ, _s, pat, _n in status_cues() if typ == "cue") or "(?!)"


@lru_cache(maxsize=1)
def _any_status_cue() -> regex.Pattern:
    """Matches where any status cue does: a window without a match has no status to read."""
    return regex.compile(_cue_union(), regex.I)


@lru_cache(maxsize=1)
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


@lru_cache(maxsize=1)
def _kind_words() -> tuple[tuple[str, re.Pattern], ...]:
    """(kind, whole-word pattern) in priority order."""
    return tuple((r["kind"], re.compile(r"\b(?:" + r["pattern"] + r")\b", re.I))
                 for r in load_jsonl("agreement_kinds.jsonl") if r["type"] == "kind")


@lru_cache(maxsize=1)
def _generic_regexes() -> tuple[str, re.Pattern, re.Pattern, re.Pattern | None]:
    """(modifier alternation, generic-reference regex, exclusion regex, the generic regex without
    IGNORECASE for lowered text: None when the kind rows are not written in lowercase)."""
    rows = load_jsonl("agreement_kinds.jsonl")
    modifier = "(?:" + "|".join(r["pattern"] for r in rows if r["type"] in ("kind", "modifier")) + ")"
    generic = re.compile(
        r"(?<![\w-])((?:(?:a|an|the|this|that|such|their|its|new|bilateral|trilateral|historic|landmark|broader|"
        r"wider|formal|joint|comprehensive|permanent|draft|proposed|long-term)\s+)*)"
        r"((?:[\w-]+\s+){0,2}?" + modifier + r"(?:\s+(?:and\s+)?" + modifier + r")?"
        r"(?:\s+(?!" + FUNCTION_WORDS + r"\b)[a-z][\w-]*){0,2}?)\s+(" + HEAD + r")(?![\w-])", re.I)
    exclude = re.compile(r"\b(?:" + "|".join(r["pattern"] for r in rows if r["type"] == "exclude") + r")\b", re.I)
    return modifier, generic, exclude, re.compile(generic.pattern) if written_in_lowercase(generic.pattern) else None


@lru_cache(maxsize=1)
def modal_rows() -> tuple[tuple[str, regex.Pattern, frozenset], ...]:
    """(effect, pattern, statuses it applies to) for the modal rows of resources/status_cues.jsonl."""
    return tuple((row["effect"], regex.compile(row["pattern"], regex.I),
                  frozenset(row.get("applies_to") or STRONG))
                 for row in load_jsonl("status_cues.jsonl") if row["type"] == "modal")


def _surface_unit(ch: str) -> str:
    """A catalogue form's character as a regex: hyphens may be dashes, spaces or nothing, a space
    any run of white space, an apostrophe straight or curly."""
    return {"-": r"[-–\s]?", " ": r"\s+", "'": "['’]"}.get(ch) or re.escape(ch)


@lru_cache(maxsize=1)
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


@lru_cache(maxsize=1)
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


def _fold(s: str) -> str:
    """Lookup key: lower case, letters and digits only ('Cross-Servicing' == 'cross servicing')."""
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def kind_of(name: str) -> str:
    for kind, pat in _kind_words():
        if pat.search(name):
            return kind
    return "other"


def title_name(phrase: str) -> str:
    """'bilateral security deal' -> 'Bilateral Security Agreement' (deal/pact read as agreement)."""
    words = re.sub(r"[\"“”]", "", phrase).split()
    small = {"of", "on", "and", "for", "the", "to", "in", "a", "an"}
    out = []
    for i, w in enumerate(words):
        if re.fullmatch(r"deals?|pacts?", w, re.I):
            w = "Agreement"
        out.append(w if (w.lower() in small and i) or any(c.isupper() for c in w[1:]) else
                   "-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


# ---------------------------------------------------------------- status

def status_at(text: str, lo: int, hi: int, m_start: int | None = None, m_end: int | None = None,
              context_lo: int | None = None, others: tuple[int, ...] = ()) -> str:
    """The most advanced status asserted in text[lo:hi] about the mention at m_start..m_end, each
    cue checked for modality in the words just before it (must / would / expected to / unless / not).
    'restored' is returned for restorations (written as in_force)."""
    return status_cue_at(text, lo, hi, m_start, m_end, context_lo, others)[0]


def status_cue_at(text: str, lo: int, hi: int, m_start: int | None = None, m_end: int | None = None,
                  context_lo: int | None = None, others: tuple[int, ...] = (),
                  tied: tuple[tuple[int, int], ...] = ()) -> tuple[str, int, int]:
    """status_at with the character span of the cue that gave it ((status, -1, -1) when none).
    tied: spans of words syntactically tied to the mention (its governing verbs): a cue there
    counts whatever its distance from the mention."""
    best, best_at = "unspecified", (-1, -1)
    window = text[lo:hi]
    starts = cue_starts(window)
    if not starts:
        return best, -1, -1
    m_start = lo if m_start is None else m_start
    m_end = hi if m_end is None else m_end
    modals = modal_rows()
    conditions = [pat for typ, _eff, pat, _near in status_cues() if typ == "condition"]
    for typ, status, pat, near in status_cues():
        if typ != "cue":
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
            ctx = text[max(lo if context_lo is None else context_lo, cs - 60):cs]
            got = _apply_modality(status, ctx, modals)
            if STATUS_RANK[got] > STATUS_RANK[best]:
                best, best_at = got, (cs, ce)
    return best, best_at[0], best_at[1]


def cue_matches(pat: regex.Pattern, window: str, starts: list[int]) -> list:
    """pat.finditer(window), trying pat only at starts: every position where the union of the
    cues matches (a cue can start nowhere else), skipping those inside its previous match."""
    out, last_end = [], 0
    for at in starts:
        if at >= last_end and (m := pat.match(window, at)) is not None:
            out.append(m)
            last_end = max(m.end(), at + 1)
    return out


def _apply_modality(status: str, before: str, modals) -> str:
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


# ---------------------------------------------------------------- mentions

def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _catalogue_hits(text: str, sents: list[Sentence] | None = None) -> list[_Hit]:
    phrase_re, acronym_re, phrases, acronyms = _catalogue_regex()
    hits: list[_Hit] = []
    for m in phrase_re.finditer(text):
        surface = m.group(1)
        row = _conditional_row(surface, text, m.start(), sents) or phrases.get(_fold(surface))
        if row is None:
            continue         # a generic phrase out of its entry's context: left to the generic readers
        if surface[:1].isupper() and _inside_longer_title(text, m.start()):
            continue
        tail = HEAD_TAIL.match(text, m.end()) if row.get("generic") else None
        if tail and not all(w in state_index() or w in ("on", "of", "for", "the", "and", "to")
                            for w in tail.group(0).split()):
            # "a memorandum of understanding on the Harbour Link": named by its topic
            name = title_name(row["name"] + tail.group(0))
            hits.append(_Hit(m.start(), tail.end(), "named:" + _fold(name), name, "",
                             kind_of(tail.group(0)) if kind_of(tail.group(0)) != "other" else row["kind"], "named"))
            continue
        topical = _topic_hits(row, text, m.start(), m.end()) if row.get("topic_tail") and m.end() == m.end(1) else []
        if topical:
            hits.extend(topical)
            continue
        hits.append(_row_hit(row, m.start(), m.end(), plural=m.end() > m.end(1)
                             or bool(re.search(r"(?:ies|s)$", surface) and not surface.lower().endswith(row["name"].lower()[-3:]))))
    taken = [(h.start, h.end) for h in hits]
    for m in acronym_re.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            hits.append(_row_hit(acronyms[m.group(1)], m.start(), m.end(), plural=bool(m.group(2))))
    return hits


def _topic_hits(row: dict, text: str, start: int, end: int) -> list[_Hit]:
    """'a memorandum of understanding on trade and investment, and another on disaster response':
    one named instrument per lower-case topic after a generic catalogue form ([] when none)."""
    hits: list[_Hit] = []
    at, pattern, lo = end, TOPIC_TAIL, start
    while (m := pattern.match(text, at)) is not None:
        words = m.group("topic").split()
        while words and words[-1] in ("and", "of", "in", "for"):
            words.pop()
        if not words or words[0] in TOPIC_STOP or words[-1] in TOPIC_STOP:
            break
        kept = re.match(r"\S+(?:\s+\S+){%d}" % (len(words) - 1), m.group("topic"))
        topic = " ".join(words)
        name = title_name(f"{row['name']} {m.group('prep')} {topic}")
        kind = kind_of(topic)
        if hits:
            lo = m.start("lead")
        hits.append(_Hit(lo, m.start("topic") + kept.end(), "named:" + _fold(name), name, "",
                         kind if kind != "other" else row["kind"], "named", also=bool(hits)))
        stop = SENTENCE_STOP.search(text, hits[-1].end)
        nxt = ANOTHER_TOPIC.search(text, hits[-1].end, stop.start() if stop else len(text))
        if nxt is None:
            break
        at, pattern = nxt.start(), ANOTHER_TOPIC
    return hits


def _inside_longer_title(text: str, start: int) -> bool:
    """'Status of | Visiting Forces Agreement': capitalised words other than states, months or
    sentence openers joined to the catalogue name by of/and/for/on."""
    m = TITLE_BEFORE.search(text[max(0, start - 60):start])
    if not m:
        return False
    words = m.group(1).split()
    return not any(w in state_index() or w in org_index() or canonical_state(w.rstrip("'’s")) or re.fullmatch(
        r"The|A|An|In|Under|After|Following|New|This|That|Both|Between|January|February|March|April|May|June|"
        r"July|August|September|October|November|December", w) for w in words)


def _row_hit(row: dict, start: int, end: int, plural: bool = False) -> _Hit:
    generic = bool(row.get("generic"))
    return _Hit(start, end, row["id"], row["name"], row.get("acronym", ""), row["kind"],
                "generic" if generic else "catalogue", tuple(row.get("parties", [])),
                tuple(row.get("include_parties", [])), bool(row.get("bilateral")), plural)


def _named_hits(text: str, taken: list[tuple[int, int]], defined: dict[str, str],
                sents: list[Sentence] | None = None) -> list[_Hit]:
    """Capitalised instrument names not in the catalogue, quoted names, 'the Pretoria agreement',
    acronyms defined in parentheses after them."""
    hits: list[_Hit] = []

    def add(start: int, end: int, name: str, acronym: str = "") -> None:
        name = LEADING.sub("", name.strip(" \"“”,.")).strip()
        core = [w for w in re.split(r"[\s-]+", name) if w.lower() not in ("of", "on", "and", "for", "the", "to", "in")]
        if len(core) < 2 or _overlaps(taken, start, end):
            return
        if all(w in state_index() or re.fullmatch(r"Agreements?|Treaty|Pact|Accords?|Deal", w, re.I) for w in core):
            return                 # "Japan Agreement": a party, not a name
        phrases = _catalogue_regex()[2]
        as_agreement = re.sub(r"(?i)\b(?:deal|pact|accord)s?$", "agreement", name)
        row = (phrases.get(_fold(name)) or phrases.get(_fold(as_agreement))
               or _conditional_row(name, text, start, sents) or _conditional_row(as_agreement, text, start, sents))
        if row:                    # "the Paris deal" is the Paris Agreement
            hits.append(_row_hit(row, start, end))
            taken.append((start, end))
            return
        hits.append(_Hit(start, end, "named:" + _fold(name), title_name(name), acronym, kind_of(name), "named"))
        taken.append((start, end))

    for m in AGREEMENT_ON.finditer(text):
        add(m.start(), m.end(), f"{m.group(2).strip(' .,;:!?')} {m.group(1)}")
    for m in AGREEMENT_ON_NP.finditer(text):
        name = f"{m.group(1)} {m.group(2)} the {m.group(3)}"
        if kind_of(m.group(3)) != "other":      # "an agreement on the transfer of defence equipment"
            add(m.start(1) - 0, m.end(3), name)
    for m in NAMED_HEAD_FIRST.finditer(text):          # "the Treaty of Aachen", "Convention on Cluster Munitions"
        add(m.start(1), m.end(1), m.group(1))
    for m in QUOTED_LEADING.finditer(text):
        add(m.start(), m.end(), m.group(1))
    for m in QUOTED.finditer(text):
        if m.group(1)[0].isupper() and not _overlaps(taken, m.start(), m.end()):
            add(m.start(), m.end(), m.group(1))
    for m in ACRONYM_INSIDE.finditer(text):
        name = m.group(1).strip()
        lead = re.match(r"(?:(?:The|A|An|This|That|Under|In|After|Following)\s+)+", name)
        start = m.start(1) + (lead.end() if lead else 0)
        name = name[lead.end():] if lead else name
        add(start, m.end(), f"{name} {m.group(3)}", m.group(2))
        defined.setdefault(m.group(2), "named:" + _fold(f"{name} {m.group(3)}"))
    for m in NAMED.finditer(text):
        name = m.group(1)
        start = m.start(1)
        cut = [c for c in re.finditer(r"\b[A-Za-z][a-z]{2,}\.\s+", name)]
        if cut:                 # "on Friday. The Gulf Boundary Agreement": not across a sentence end
            start += cut[-1].end()
            name = name[cut[-1].end():]
        tail = HEAD_TAIL.match(text, m.end())
        if tail and not all(w in state_index() or w in ("on", "of", "for", "the", "and", "to")
                            for w in tail.group(0).split()):
            name += tail.group(0)
            m_end = tail.end()
        else:
            m_end = m.end()
        # drop a sentence-initial determiner / state prefix ("US-Japan Defense Pact" keeps its parties apart)
        lead = re.match(r"(?:(?:The|A|An|This|That|Under|In|After|Following)\s+)+", name)
        if lead:
            start += lead.end()
            name = name[lead.end():]
        acr = ACRONYM_DEF.match(text, m_end + 1) if text[m_end:m_end + 2] == " (" else None
        add(start, m_end, name, acr.group(1) if acr else "")
        if acr:
            defined[acr.group(1)] = "named:" + _fold(LEADING.sub("", name))
    for m in PLACE_DEAL.finditer(text):
        place = m.group(1)
        if place in state_index() or place in org_index() or re.fullmatch(
                r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|New|Final|Historic|Landmark)", place):
            continue
        add(m.start(1), m.end(), f"{place} {m.group(2).capitalize()}")
    return hits


# Punctuation no generic reference can hold (its words, modifiers and head are letters, digits,
# hyphens and spaces): the text between two of these is scanned only when it has a head word.
GENERIC_STOPS = re.compile(r"[.,;:!?()\[\]\"“”]")
HEAD_WORD = re.compile(r"(?<![\w-])" + HEAD + r"(?![\w-])", re.I)


def _generic_matches(text: str, generic: re.Pattern, lowercase: re.Pattern | None = None):
    """generic.finditer(text), scanning only the stretches between punctuation that hold a head
    word (the same matches: a match never crosses that punctuation; a test checks that no kind
    or modifier pattern asks for it). lowercase: generic without IGNORECASE, which scans the
    lowered text (resources.lowered) about twice as fast; each match it finds is then matched by
    generic at the same place in text, with the same bounds, which takes the same path."""
    low = lowered(text) if lowercase is not None else None
    stops = [m.start() for m in GENERIC_STOPS.finditer(text)]
    scanned = -1
    for h in HEAD_WORD.finditer(text):
        i = bisect.bisect_left(stops, h.start())
        hi = stops[i] if i < len(stops) else len(text)
        if hi == scanned:
            continue
        scanned = hi
        lo = stops[i - 1] + 1 if i else 0
        if low is None:
            yield from generic.finditer(text, lo, hi)
        else:
            for m in lowercase.finditer(low, lo, hi):
                yield generic.match(text, m.start(), hi)


HYPOTHETICAL = re.compile(r"\b(?:any|no)\s+(?:[\w-]+\s+)?$", re.I)


def _generic_hits(text: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    hits = []
    modifier, generic, not_between_states, lowercase = _generic_regexes()
    for m in _generic_matches(text, generic, lowercase):
        s, e = m.start(2), m.end()
        if _overlaps(taken, s, e):
            continue
        phrase = f"{m.group(2)} {m.group(3)}"
        if not_between_states.search(phrase):
            continue                 # "a defence budget deal", "a plea deal"
        words = phrase.split()
        # keep the kind words only ("signed a policing cooperation agreement" -> Policing Cooperation Agreement)
        while words and not re.fullmatch(modifier + r"|bilateral|trilateral|" + HEAD, words[0], re.I) \
                and not re.match(modifier, " ".join(words), re.I):
            words.pop(0)
            s = text.index(words[0], s) if words else s
        if len(words) < 2 or HYPOTHETICAL.search(text, max(0, s - 16), s):
            continue                 # (too short; "any defence deal must ...", "no trade deal": no instrument)
        mods = m.group(1).lower().split()
        phrase = " ".join(w for w in mods if w in ("bilateral", "trilateral")) + " " + " ".join(words)
        kind = kind_of(phrase)
        hits.append(_Hit(s, e, f"generic:{kind}" if kind != "other" else "generic:" + _fold(phrase),
                         title_name(phrase.strip()), "", kind, "generic", plural=bool(re.search(r"s$", m.group(3))),
                         new=bool(re.search(r"\bnew\s+$", text[max(0, s - 12):s], re.I))))
        taken.append((s, e))
    return hits


TRUCE_WORDS = ("ceasefire", "cease-fire", "truce", "armistice")    # one is in every match of the two below


BARE_TRUCE = regex.compile(r"\b(?:agreed (?:to|on|upon)|reached|signed|brokered|declared|announced|accepted|"
                        r"violated|broke|extended|negotiated|sought)\s+(?:an?|the)\s+((?:[a-z-]+\s+)?(?:ceasefire|cease-fire|truce|armistice))\b",
                        re.I)


SUBJECT_TRUCE = re.compile(r"(?<![\w-])(?:an?|the)\s+((?:[a-z]+\s+)?(?:ceasefire|cease-fire|truce|armistice))\s+"
                           r"(?=(?:agreed|announced|brokered|signed|reached|declared|collapsed|broke|held|had|has|was|"
                           r"between|that|took|came|went|began|ended)\b)", re.I)


def _truce_hits(text: str, taken: list[tuple[int, int]]) -> list[_Hit]:
    """'agreed to a ceasefire', 'brokered a truce', 'a truce agreed by X and Y broke down': a ceasefire
    agreement without the word agreement."""
    row = next((r for r in catalogue() if r["name"] == "Ceasefire Agreement"), None)
    if row is None or not may_contain(lowered(text), TRUCE_WORDS):
        return []
    hits = []
    for m in [*BARE_TRUCE.finditer(text), *SUBJECT_TRUCE.finditer(text)]:
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_row_hit(row, m.start(1), m.end(1)))
            taken.append((m.start(1), m.end(1)))
    return hits


def _reference_hits(text: str, taken: list[tuple[int, int]], defined: dict[str, str]) -> list[_Hit]:
    """Anaphors ('the pact', 'such an agreement'), indefinite bare references ('signed a pact') and
    later uses of acronyms defined in parentheses."""
    hits = []
    for acr, key in defined.items():
        for m in re.finditer(r"(?<![\w-])" + re.escape(acr) + r"s?(?![\w-])", text):
            if not _overlaps(taken, m.start(), m.end()):
                hits.append(_Hit(m.start(), m.end(), key, "", acr, source="anaphor"))
                taken.append((m.start(), m.end()))
    for m in ANAPHOR.finditer(text):
        if not _overlaps(taken, m.start(3), m.end()):
            hits.append(_Hit(m.start(), m.end(), "anaphor", "", source="anaphor",
                             plural=m.group(3).lower().endswith("s"),
                             draft=bool(re.search(r"\bdraft\b", m.group(2), re.I))))
            taken.append((m.start(), m.end()))
    for m in PLURAL_WITH.finditer(text):
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_Hit(m.start(1), m.end(1), "anaphor", "", source="anaphor", plural=True,
                             like=bool(re.match(r"(?:similar|such|comparable)\b", m.group(0), re.I))))
            taken.append((m.start(1), m.end(1)))
    for m in INDEFINITE.finditer(text):
        if not _overlaps(taken, m.start(), m.end()):
            hits.append(_Hit(m.start(), m.end(), "indefinite", "", source="indefinite",
                             new=bool(re.search(r"\bnew\b", m.group(2), re.I)), like=bool(LIKE.search(m.group(2)))))
            taken.append((m.start(), m.end()))
    for m in PARTICIPATION.finditer(text):
        if not _overlaps(taken, m.start(1), m.end(1)):
            hits.append(_Hit(m.start(1), m.end(1), "anaphor", "", source="anaphor"))
            taken.append((m.start(1), m.end(1)))
    return hits


def find_mentions(text: str, sents: list[Sentence] | None = None) -> list[_Hit]:
    """Every agreement mention in text, leftmost first (no parties or status yet). sents (optional)
    lets a conditional catalogue alias check its context in the mention's own sentence."""
    hits = _catalogue_hits(text, sents)
    taken = [(h.start, h.end) for h in hits]
    defined: dict[str, str] = {}
    hits += _named_hits(text, taken, defined, sents)
    hits += _generic_hits(text, taken)
    hits += _truce_hits(text, taken)
    hits += _reference_hits(text, taken, defined)
    for h in hits:      # 'a Defence Cooperation Agreement (DCA)': an instrument of its own
        h.own = h.source == "generic" and OWN_ACRONYM.match(text, h.end) is not None
    return sorted(hits, key=lambda h: (h.start, -h.end))


# ---------------------------------------------------------------- parties

@dataclass
class _PartyIndex:
    """Character spans of party references in the article: states, organisations, people (-> country)."""

    spans: list[tuple[int, int, str]]       # sorted
    frequency: Counter
    topics: list[list[str]] = field(default_factory=list)   # parties of instances opened so far

    def __post_init__(self) -> None:
        self._starts = [s for s, _e, _c in self.spans]
        self._latest_first = sorted(self.spans, key=lambda x: -x[0])

    def within(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The spans inside lo..hi, in order (found by bisection: they are asked for per mention)."""
        out = []
        for k in range(bisect.bisect_left(self._starts, lo), len(self.spans)):
            s, e, c = self.spans[k]
            if s >= hi:
                break
            if e <= hi:
                out.append((s, e, c))
        return out

    def inside(self, lo: int, hi: int) -> list[str]:
        return _unique(c for _s, _e, c in self.within(lo, hi))

    def before(self, pos: int, n: int, states_only: bool = False) -> list[str]:
        out: list[str] = []
        for s, e, c in self._latest_first:
            if states_only and c not in state_index():
                continue
            if e <= pos and c not in out:
                out.append(c)
            if len(out) == n:
                break
        return out


def _unique(items) -> list[str]:
    out: list[str] = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return out


def party_index(text: str, actors: list[ActorFinding]) -> _PartyIndex:
    spans = [(s, e, c) for s, e, _surf, c in state_mentions(text)]
    taken = [(s, e) for s, e, _ in spans]
    for a in actors:
        if a.type == "state":
            continue
        target = (seat_country(a.name) or a.name) if a.type == "organization" else a.country
        if not target or (a.type == "organization" and target == a.name and not _party_org(a.name)):
            continue       # (a seat of government stands for its state: 'the Kremlin refused to extend the deal')
        for m in a.mentions:
            if not _overlaps(taken, m.start, m.end):
                spans.append((m.start, m.end, target))
    spans.sort()
    return _PartyIndex(spans, Counter(c for _s, _e, c in spans))


def _party_org(name: str) -> bool:
    """Organisations that can be party to an agreement: those in the gazetteer, blocs, armed groups."""
    return name in org_index() or bool(re.search(
        r"\b(?:Union|Bloc|Alliance|Organi[sz]ation|Community|Council|Forces|Front|Movement|Army|Rebels|"
        r"Liberation|Authority|Government|Taliban|Hamas|Hezbollah|Houthis?|Jihad|Brigades?|Militias?)\b", name))


def _subtree_span(tok: Token) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _count_parties(text: str, lo: int, hi: int, idx: _PartyIndex) -> list[str]:
    m = COUNT.search(text, lo, hi)
    if not m:
        return []
    states_only = bool(re.search(r"countries|nations|states|governments|neighbou?rs", m.group(0), re.I))
    n = NUMBERS[m.group(1).lower()]
    for topic in reversed(idx.topics):       # "the two governments": the pair the article is about
        members = [p for p in topic if not states_only or p in state_index()]
        if len(members) == n:
            return members
    recent = idx.before(m.start(), n + 3, states_only)    # the most mentioned of the parties just before
    keep = sorted(recent, key=lambda p: (-idx.frequency[p], recent.index(p)))[:n]
    return [p for p in recent if p in keep]


def _collect(tok: Token, idx: _PartyIndex, text: str, skip: tuple[int, int]) -> list[str]:
    """Parties written inside tok's subtree (outside the mention itself); counts resolved."""
    lo, hi = _subtree_span(tok)
    found = [c for s, e, c in idx.within(lo, hi) if not (s >= skip[0] and e <= skip[1])]
    return _unique(found + _count_parties(text, lo, hi, idx))


def role_parties(span: Span, idx: _PartyIndex, text: str, with_list: list[str] | None = None) -> list[str]:
    """Parties of the agreement named by span from the parse around it: pre-modifiers
    ('US-Japan ACSA', 'China security deal'), possessives, with/between/among phrases, and the
    subject, agent and object of the verbs that govern it."""
    found: list[str] = []
    root = span.root
    # inside the noun phrase, before the mention: "the Japan-Australia RAA", "Japan's ACSAs"
    np_start = min(root.left_edge.idx, span.start_char)
    found += idx.inside(np_start, span.start_char)
    found += idx.inside(span.start_char, span.end_char)      # "Japan-Philippines Visiting Forces Agreement"
    tok, path = root, set()
    skip = (span.start_char, span.end_char)
    inner = [t for t in span if t.i != root.i]    # the parser may not make the head noun the root
    while tok is not None and tok.i not in path:
        path.add(tok.i)
        children = [c for t in [tok, *inner] for c in t.children]
        inner = []
        for child in children:
            if child.i in path or span.start <= child.i < span.end:
                continue
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in ("with", "between", "among", "amongst", "by")) \
                    or (child.dep_ == "prep" and child.lower_ == "for" and tok.i == root.i):
                got = _collect(child, idx, text, skip)
                found += got
                if with_list is not None and child.lower_ == "with":
                    with_list += got
            elif child.dep_ in ("acl", "relcl") and tok.i == root.i and child.lemma_.lower() not in MEDIATOR_VERBS:
                # "a memorandum reached between the three countries", "the pact signed by X and Y",
                # "the partnerships the EU signed with Japan and Chile"
                for g in child.children:
                    if g.dep_ == "agent" or (g.dep_ == "prep" and g.lower_ in ("with", "between", "among", "by")) \
                            or (g.dep_ == "nsubj" and child.dep_ == "relcl" and child.lemma_.lower() in RELCL_SIGNING):
                        got = _collect(g, idx, text, skip)
                        found += got
                        if with_list is not None and g.lower_ == "with":
                            with_list += got
            elif child.dep_ == "agent":
                found += _collect(child, idx, text, skip)
            elif tok.pos_ in ("VERB", "AUX") and child.dep_ in ("nsubj", "nsubjpass", "dobj", "dative") \
                    and tok.lemma_.lower() not in NOT_PARTY_VERBS \
                    and not (child.dep_ == "nsubj" and tok.lemma_.lower() in BROKER_VERBS):
                if child.lower_ in COPULA_SUBJECTS or child.pos_ == "PRON":
                    if child.lower_ in ("they", "both", "we"):
                        found += idx.before(child.idx, 2)
                    continue
                if child.dep_ == "dobj" and tok.lemma_ not in ("ask", "urge", "press", "invite", "join", "persuade"):
                    continue
                found += _collect(child, idx, text, skip)
        if tok.pos_ in ("VERB", "AUX"):
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            own = subj and all(span.start <= c.i < span.end for c in subj)
            climb = tok.dep_ in ("xcomp", "conj") or (tok.dep_ in ("ccomp", "advcl") and (
                not subj or all(s.pos_ == "PRON" for s in subj))) \
                or (own and tok.dep_ in ("pcomp", "acl", "advcl", "ccomp", "parataxis")) \
                or (tok.dep_ == "parataxis" and tok.lemma_.lower() in REPORTING_VERBS)
            if not climb:
                break
        if tok.head is tok:
            break
        tok = tok.head
    return _unique(found)


# ---------------------------------------------------------------- instances

@dataclass
class _Instance:
    key: str
    name: str
    acronym: str
    kind: str
    source: str
    parties: list[str]
    party_source: str
    bilateral: bool
    hits: list[tuple[_Hit, int]] = field(default_factory=list)    # (hit, sentence n)
    status: str = "unspecified"
    evidence_n: int = -1
    evidence_rank: tuple = ()
    last: int = 0
    from_list: bool = False     # opened by "the third such agreement, after X and Y"


def _compatible(a: list[str], b: list[str]) -> bool:
    sa, sb = set(a), set(b)
    return not sa or not sb or sa <= sb or sb <= sa


def _windows(hits: list[_Hit], sent: Sentence) -> list[tuple[int, int]]:
    """Status window of each hit in one sentence: from the previous hit group to the next one;
    coordinated hits ('the RAA and the ACSA', '... on trade, and another on energy') share one window."""
    groups: list[list[int]] = []
    for i, h in enumerate(hits):
        if groups and (h.also or re.fullmatch(r"[\s,()]*(?:and|or|as well as)?[\s,()]*(?:the\s+|an?\s+)?",
                                              sent.text[hits[groups[-1][-1]].end - sent.start:h.start - sent.start])):
            groups[-1].append(i)
        else:
            groups.append([i])
    out: list[tuple[int, int]] = [(0, 0)] * len(hits)
    for g_i, g in enumerate(groups):
        lo = hits[groups[g_i - 1][-1]].end if g_i else sent.start
        hi = hits[groups[g_i + 1][0]].start if g_i + 1 < len(groups) else sent.end
        for i in g:
            out[i] = (lo, hi)
    return out


def clause_window(span: Span) -> tuple[int, int]:
    """Character range of the clause the mention belongs to: the subtree of its governing verb,
    without coordinated or parenthetical clauses that do not contain it."""
    tok = span.root
    if tok.pos_ in ("VERB", "AUX"):     # the head noun parsed as a verb ("a new fisheries deal"): no clause
        return span.sent.start_char, span.sent.end_char
    seen = set()
    while (tok.pos_ not in ("VERB", "AUX") or (tok.dep_ in ("pcomp", "xcomp", "acl") and tok.tag_ in ("VBG", "VB")
                                               and tok.head.pos_ in ("VERB", "AUX", "NOUN", "ADP"))) \
            and tok.head is not tok and tok.i not in seen:
        seen.add(tok.i)     # climb over "on renewing", "to sign" to the clause they complete
        tok = tok.head
    if tok.dep_ == "parataxis" and tok.lemma_.lower() in REPORTING_VERBS and tok.head is not tok:
        tok = tok.head      # "X proposed a pact with Y, a diplomat said" parsed with the pact under "said"
    if tok.pos_ not in ("VERB", "AUX"):
        return span.sent.start_char, span.sent.end_char
    lo, hi = _subtree_span(tok)
    for child in tok.children:
        if child.dep_ in ("conj", "parataxis", "advcl") and child.pos_ in ("VERB", "AUX") \
                and not (child.left_edge.i <= span.root.i <= child.right_edge.i) \
                and not _refers_back(child, span):
            c_lo, c_hi = _subtree_span(child)
            if c_lo > span.end_char:
                hi = min(hi, c_lo)
            elif c_hi < span.start_char:
                lo = max(lo, c_hi)
    return lo, hi


def _refers_back(clause: Token, span: Span) -> bool:
    """'X and Y signed the pact in 1994, but it collapsed in 1998': a following clause whose subject
    'it' is the agreement, when the agreement is the subject or object of the first clause."""
    return clause.i > span.root.i and span.root.dep_ in ("dobj", "nsubj", "nsubjpass") \
        and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "it" for c in clause.children)


def governing_verbs(span: Span) -> tuple[tuple[int, int], ...]:
    """Character spans of the verb the mention is subject or object of ('the treaty ... has been
    abandoned', 'suspended the pact'), with its particle ('broke down'); at most three steps up
    through prepositions and appositions."""
    tok, steps = span.root, 0
    if tok.pos_ in ("VERB", "AUX"):
        return ()
    while tok.pos_ not in ("VERB", "AUX") and tok.head is not tok and steps < 3:
        if tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "prep", "appos", "compound", "conj", "attr"):
            return ()
        tok, steps = tok.head, steps + 1
    if tok.pos_ not in ("VERB", "AUX"):
        return ()
    out = [(tok.idx, tok.idx + len(tok))]
    out += [(c.idx, c.idx + len(c)) for c in tok.children if c.dep_ == "prt"]
    return tuple(out)


def _prior_list(sent: Sentence, text: str, idx: _PartyIndex) -> tuple[list[str], int]:
    """'the third such agreement Japan has concluded, following Australia and the UK' ->
    (['Australia', 'United Kingdom'], offset where the list starts)."""
    m = PRIOR_LIST.search(sent.text)
    if not m:
        return [], -1
    lo = sent.start + m.end()
    out: list[str] = []
    pos = lo
    for s, e, c in idx.spans:
        if s < lo or e > sent.end:
            continue
        if not re.fullmatch(r"[\s,]*(?:and|or|as well as)?\s*(?:the\s+|those\s+with\s+(?:the\s+)?)?", text[pos:s]):
            break
        if c not in out:
            out.append(c)
        pos = e
    return out, lo


def extract(doc: Doc, sents: list[Sentence], actors: list[ActorFinding], dates: list[DateFinding],
            settings: dict) -> list[AgreementFinding]:
    conf = settings["agreements"]
    text = text_of(doc)
    idx = party_index(text, actors)
    hits = find_mentions(text, sents)
    by_sent: dict[int, list[_Hit]] = {}
    for h in hits:
        sent = sentence_at(sents, h.start)
        if sent is not None:
            by_sent.setdefault(sent.n, []).append(h)
    instances: list[_Instance] = []
    pending: list[tuple[_Hit, int]] = []     # "signed a pact" before the pact is named
    for n in sorted(by_sent):
        sent = sents[n]
        sent_hits = by_sent[n]
        prior, prior_at = _prior_list(sent, text, idx)
        windows = _windows(sent_hits, sent)
        clause = (sent.start, sent.end)
        for h, win in zip(sent_hits, windows):
            lo, hi = win
            span = doc.char_span(h.start, h.end, alignment_mode="expand")
            if not h.also:      # "and another on X" is read in the clause before it
                clause = clause_window(span) if span is not None else (sent.start, sent.end)
            lo, hi = max(lo, clause[0]), min(hi, clause[1])
            tied = governing_verbs(span) if span is not None else ()
            h.status, c_s, c_e = status_cue_at(text, lo, hi, h.start, h.end, context_lo=sent.start,
                                               others=tuple(o.start for o, w in zip(sent_hits, windows) if w != win),
                                               tied=tied)
            h.cue = (c_s, c_e)
            with_list: list[str] = []
            parties = role_parties(span, idx, text, with_list) if span is not None else []
            h.with_list = [p for p in with_list if p not in prior]
            h.topics = idx.topics
            if prior:
                parties = [p for p in parties if p not in prior]
                h.prior = prior
            h.parties, h.party_source = parties, "role" if parties else ""
        for h in sent_hits:
            _place(h, n, sent, instances, idx, text, prior, pending)
    for p_hit, p_n in pending:
        _open_unnamed(p_hit, p_n, sents[p_n], text, instances)
    instances = [i for i in consolidate([i for i in instances if _keep(i)], idx, sents, text) if _has_parties(i)]
    owners: dict[int, set[int]] = {}
    for k, inst in enumerate(instances):
        for _h, n in inst.hits:
            owners.setdefault(n, set()).add(k)
    shared = {n for n, ks in owners.items() if len(ks) > 1}
    return _dedupe([_finding(inst, sents, dates, conf, text, shared) for inst in instances])


def _dedupe(findings: list[AgreementFinding]) -> list[AgreementFinding]:
    """One row per (name, acronym, parties): merge rows that ended up identical."""
    out: dict[tuple, AgreementFinding] = {}
    for f in findings:
        key = (f.name, f.acronym, tuple(f.parties))
        if key not in out:
            out[key] = f
            continue
        g = out[key]
        g.sentence_ns = sorted(set(g.sentence_ns) | set(f.sentence_ns))
        g.mentions += f.mentions
        if STATUS_RANK[f.status] > STATUS_RANK[g.status]:
            g.status, g.status_date, g.evidence_n = f.status, f.status_date, f.evidence_n
    return list(out.values())


MEDIATED_BY = re.compile(r"\b(?:brokered|mediated|hosted|facilitated|sponsored|guaranteed|overseen|witnessed)\s+by\s+(?:the\s+)?$", re.I)


def _fallback_parties(h: _Hit, sent: Sentence, idx: _PartyIndex, text: str = "") -> list[str]:
    """The states of the sentence, except mediators ('brokered by Qatar')."""
    return _unique(c for s, e, c in idx.within(sent.start, sent.end) if canonical_state(c)
                   and not (text and MEDIATED_BY.search(text[max(sent.start, s - 40):s])))


def _place(h: _Hit, n: int, sent: Sentence, instances: list[_Instance], idx: _PartyIndex, text: str,
           prior: list[str], pending: list[tuple[_Hit, int]] | None = None) -> None:
    """Attach a mention to an existing instance or open a new one (or several for a bilateral
    instrument written with a hub and a list: 'Japan's ACSAs with New Zealand and the Netherlands')."""
    recent = [i for i in instances if n - i.last <= 3]
    if h.source == "indefinite" and h.like and h.with_list and recent:
        # "talks on a comparable pact with France": the instrument in focus, with a new partner
        target = max(recent, key=lambda i: (i.last, -len(i.hits)))
        hub = _hub(target.parties, idx) if len(target.parties) == 2 else ""
        for p in h.with_list:
            if p in target.parties:
                continue
            parties = [hub, p] if hub else [p]
            same = [i for i in instances if i.key == target.key and set(i.parties) == set(parties)]
            if same:
                _attach(same[0], h, n)
            else:
                _open(instances, target.key, target.name, target.acronym, target.kind, target.source,
                      target.bilateral, parties, "role", h, n, None)
                instances[-1].from_list = True     # a row of its own, kept though only referred to
        return
    if h.source in ("anaphor", "indefinite"):
        target = _resolve_reference(h, n, instances, recent)
        if target is None:
            if pending is not None and h.source == "indefinite" and h.parties:
                pending.append((h, n))
            return
        key, name, acronym, kind = target.key, target.name, target.acronym, target.kind
        fixed, include, bilateral, source = (), (), target.bilateral, target.source
        if h.new and target.status not in ("proposed", "under_negotiation", "signed", "ratified"):
            # "negotiate a new deal" after leaving a climate accord: a new climate agreement, proposed;
            # "reached a new agreement" right after one was signed is that agreement
            kind = target.kind
            key, name, acronym, source = f"new:{kind}", title_name(f"new {kind if kind != 'other' else ''} agreement"), "", "generic"
            h.parties = h.parties or list(target.parties)
            h.party_source = h.party_source or "inherited"
            if STATUS_RANK[h.status] < STATUS_RANK["proposed"] or h.status in STRONG:
                h.status = "proposed"
            h.source = "generic"
    else:
        key, name, acronym, kind = h.key, h.name, h.acronym, h.kind
        fixed, include, bilateral, source = h.fixed, h.include, h.bilateral, h.source
        for p_hit, p_n in list(pending or []):
            # "Japan and Britain signed a pact ... The so-called acquisition and cross-servicing agreement ..."
            if n - p_n <= 1 and h.source in ("catalogue", "named"):
                union = _unique([*p_hit.parties, *h.parties])
                if not bilateral or len(union) <= 2:
                    h.parties = union
                    h.party_source = h.party_source or "role"
                    if STATUS_RANK[p_hit.status] > STATUS_RANK[h.status]:
                        h.status, h.cue = p_hit.status, p_hit.cue
                pending.remove((p_hit, p_n))
    if h.source == "anaphor" or (h.source == "indefinite" and not h.new):
        _attach(target, h, n)
        # "similar agreements with X and Y": the kind in focus is bilateral even when not catalogued
        pairwise = bilateral or (h.like and len(target.parties) == 2)
        if pairwise and h.plural and len(h.with_list) >= 1 and not prior:
            # "its network of such agreements, which already includes pacts with X, Y and Z"
            prior = [p for p in h.with_list if p not in target.parties]
        if prior and pairwise:
            here = [p for p in idx.inside(sent.start, sent.end) if p not in prior]
            holders = [p for p in target.parties if p in here] or [p for p in target.parties if p not in prior]
            hub = _hub(holders or here, idx)
            for p in prior:
                _add(instances, key, name, acronym, kind, source, bilateral, [hub, p] if hub else [p], "role",
                     h, n, "existing")
        return
    if h.source == "generic" and h.plural and not h.parties:
        return      # "trade deals struck before the summit": deals in general, not one instrument
    parties = list(fixed) or _unique([*include, *h.parties])
    party_source = "fixed" if fixed else h.party_source
    hub_parties = parties
    if prior and bilateral:
        hub = _hub(parties or [p for p in idx.inside(sent.start, sent.end) if p not in prior], idx)
        for p in prior:
            _add(instances, key, name, acronym, kind, source, bilateral, [hub, p] if hub else [p], "role",
                 h, n, "existing")
    if not parties:
        same = [i for i in instances if i.key == key] if h.source not in ("anaphor", "indefinite") else [target]
        if h.source == "generic" and not same:
            same = [i for i in recent if i.kind == kind and kind != "other"]
        if same:
            _attach(max(same, key=lambda i: i.last), h, n)
            return
        parties, party_source = _fallback_parties(h, sent, idx, text), "fallback"
        hub_parties = parties
    if bilateral and len(h.with_list) >= 2 and len(hub_parties) == len(h.with_list):
        # "Manila has visiting forces agreements with Washington and Canberra": the holder is unnamed here
        others = [p for p in sorted(idx.frequency, key=lambda p: -idx.frequency[p]) if p not in h.with_list]
        if others:
            hub_parties = [others[0], *h.with_list]
    if h.source == "generic" and h.plural and len(h.with_list) >= 2:
        bilateral = True      # "the partnerships the EU signed with Japan and Chile": one per partner
    if bilateral and len(hub_parties) > 2:
        hub = _hub([p for p in hub_parties if p not in h.with_list] or hub_parties, idx)
        for p in hub_parties:
            if p != hub:
                _add(instances, key, name, acronym, kind, source, bilateral, [hub, p], party_source, h, n)
        return
    _add(instances, key, name, acronym, kind, source, bilateral, parties, party_source, h, n)


def _open_unnamed(h: _Hit, n: int, sent: Sentence, text: str, instances: list[_Instance]) -> None:
    """'The EU and Mercosur clinched a deal that forges a trade bloc': an unnamed instrument whose
    parties sign it; its kind is read from its own clause. Nothing is opened without a kind."""
    if len(h.parties) < 2 or STATUS_RANK[h.status] < STATUS_RANK["signed"]:
        return
    kind = kind_of(text[h.start:sent.end])
    if kind == "other":
        return
    h.source = "generic"
    _add(instances, f"generic:{kind}", title_name(f"{kind} agreement"), "", kind, "generic", False,
         list(h.parties), "role", h, n)


def _hub(parties: list[str], idx: _PartyIndex) -> str:
    """The party common to a list of bilateral instruments: the most mentioned, then the first written."""
    first = {c: s for s, _e, c in reversed(idx.spans)}
    return max(parties, key=lambda p: (idx.frequency[p], -first.get(p, 0))) if parties else ""


def _resolve_reference(h: _Hit, n: int, instances: list[_Instance], recent: list[_Instance]) -> _Instance | None:
    if h.key not in ("anaphor", "indefinite"):
        same = [i for i in instances if i.key == h.key]
        return max(same, key=lambda i: i.last) if same else None
    if h.draft:
        recent = [i for i in recent if STATUS_RANK[i.status] < STATUS_RANK["signed"]] or recent
    if not recent:
        return None
    if h.parties:
        fits = [i for i in recent if set(h.parties) <= set(i.parties) or not i.parties]
        if fits:
            return max(fits, key=lambda i: i.last)
        if h.source == "indefinite":
            return None
    return max(recent, key=lambda i: (i.last, -len(i.hits)))


def _add(instances, key, name, acronym, kind, source, bilateral, parties, party_source, h, n,
         status: str | None = None) -> None:
    for inst in sorted(instances, key=lambda i: -i.last):
        if inst.key == key and set(inst.parties) == set(parties):
            _attach(inst, h, n, status)
            return
    if status == "existing":      # an earlier instance listed by name: never folded into another
        return _open(instances, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status)
    for inst in sorted(instances, key=lambda i: (i.from_list, -i.last)):
        union = set(inst.parties) | set(parties)
        fits = _compatible(inst.parties, parties) or (bilateral and len(union) <= 2)
        if inst.from_list and len(parties) < 2 and n in {m for _h, m in inst.hits}:
            continue
        by_kind = source == "generic" and inst.kind == kind and kind != "other" and not key.startswith("new:") \
            and not h.own
        if (inst.key == key or by_kind) and fits and not (bilateral and len(union) > 2):
            if len(union) > len(inst.parties):
                inst.parties, inst.party_source = _unique([*inst.parties, *parties]), party_source
            _attach(inst, h, n, status)
            return
    _open(instances, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status)


def _open(instances, key, name, acronym, kind, source, bilateral, parties, party_source, h, n, status) -> None:
    inst = _Instance(key, name, acronym, kind, source, list(parties), party_source, bilateral,
                     from_list=status == "existing")
    instances.append(inst)
    if h.topics is not None and not inst.from_list and len(parties) >= 2:
        h.topics.append(list(parties))
    _attach(inst, h, n, status)


def _attach(inst: _Instance, h: _Hit, n: int, status: str | None = None) -> None:
    st = status or h.status
    inst.hits.append((h, n))
    inst.last = max(inst.last, n)
    if not inst.acronym and h.acronym:
        inst.acronym = h.acronym
    if inst.source in ("generic",) and h.source in ("catalogue", "named"):
        inst.key, inst.name, inst.source, inst.kind = h.key, h.name, h.source, h.kind
    elif inst.source == "generic" and h.source == "generic" and _specificity(h.name) > _specificity(inst.name):
        inst.name = h.name
    rank = (STATUS_RANK[st], len(h.parties), -n)
    if STATUS_RANK[st] > STATUS_RANK[inst.status]:
        inst.status = st
    if not inst.evidence_rank or rank > inst.evidence_rank:
        inst.evidence_rank, inst.evidence_n = rank, n


def _specificity(name: str) -> tuple[int, int]:
    return (int(bool(re.match(r"(?:Bilateral|Trilateral)\b", name))), len(name.split()))


def _merge(into: _Instance, other: _Instance) -> None:
    into.hits += other.hits
    into.last = max(into.last, other.last)
    if len(other.parties) > len(into.parties) and _compatible(into.parties, other.parties):
        into.parties, into.party_source = other.parties, other.party_source
    if STATUS_RANK[other.status] > STATUS_RANK[into.status]:
        into.status = other.status
    if other.evidence_rank > into.evidence_rank:
        into.evidence_rank, into.evidence_n = other.evidence_rank, other.evidence_n


def consolidate(instances: list[_Instance], idx: _PartyIndex, sents: list[Sentence] | None = None,
                text: str = "") -> list[_Instance]:
    """Fold a generic reference ('an arms control treaty') into the one named or catalogued
    agreement of the same kind whose parties agree with it; give a bilateral instrument with one
    known party the article's main other party."""
    out = _fold_aliases(list(instances), text)
    for g in [i for i in out if i.source == "generic" and i.kind != "other" and not i.key.startswith("new:")
              and not _own_instrument(i)]:
        cands = [i for i in out if i is not g and i.source in ("catalogue", "named") and i.kind == g.kind
                 and _compatible(i.parties, g.parties) and not _replaces(g, i)]
        if len(cands) == 1:
            _merge(cands[0], g)
            out.remove(g)
    for g in [i for i in out if i.source == "generic" and not i.key.startswith("new:") and not i.from_list
              and not _own_instrument(i)]:
        target = _fold_target(g, [i for i in out if i is not g and i.source in ("catalogue", "named")
                                  and not i.from_list and not _replaces(g, i)])
        if target is not None:
            _merge(target, g)
            out.remove(g)
    for inst in out:
        two_sided = inst.bilateral or (inst.source in ("named", "generic") and inst.status in ("signed", "ratified", "in_force"))
        if two_sided and len(inst.parties) < 2:
            # a bilateral instrument with a party unnamed near it: a state in its own sentence ("talks
            # on a trade deal with X ... after X and Y reached agreement"), else the article's main other party
            near = _sentence_states(inst, idx, sents)
            mediators = {c for st, _e, c in idx.spans if text and MEDIATED_BY.search(text[max(0, st - 40):st])}
            others = [(0, p) for p in near] + [
                (c, p) for c, p in sorted(((c, p) for p, c in idx.frequency.items()
                                           if p not in inst.parties and c >= 2), reverse=True)
                if p not in near and p not in mediators]
            if others:
                inst.parties = inst.parties + [p for _c, p in others[:2 - len(inst.parties)]]
                inst.party_source = "inherited"
    return out


# "the Lombok Treaty, formally the Agreement on the Framework for Security Cooperation", "a logistics
# pact, officially known as an Acquisition and Cross-Servicing Agreement": two names of one instrument.
ALIAS_LINK = re.compile(r"^\s*[,(]?\s*(?:(?P<formal>formally|officially)\s+(?:known as|called|titled|named)?|"
                        r"(?:also |better |commonly |popularly )?(?:known as|called|dubbed|nicknamed))\s*(?:the\s+|an?\s+)?$",
                        re.I)


def _fold_aliases(instances: list[_Instance], text: str) -> list[_Instance]:
    """Merge a named instrument into the one written just before it with 'formally', 'officially
    known as', 'known as' or 'dubbed' between them. The merged instance keeps a catalogue identity
    if either has one, else the formal name (the one after 'formally'/'officially'), else the first."""
    out = list(instances)
    for a in instances:
        for b in instances:
            if a is b or a not in out or b not in out or not {a.source, b.source} & {"named", "catalogue"}:
                continue
            link = next((m for ha, _na in a.hits for hb, _nb in b.hits if 0 <= hb.start - ha.end <= 40
                         for m in [ALIAS_LINK.match(text[ha.end:hb.start])] if m), None)
            if link is None or not _compatible(a.parties, b.parties):
                continue
            keep, other = (b, a) if b.source == "catalogue" or (a.source != "catalogue" and link.group("formal")) else (a, b)
            _merge(keep, other)
            keep.acronym = keep.acronym or other.acronym
            out.remove(other)
    return out


OWN_ACRONYM = re.compile(r"\s*\(\s*[A-Z][A-Za-z]{1,7}\s*\)")


def _own_instrument(g: _Instance) -> bool:
    """A generic instrument the article names for itself with an acronym: never folded into another."""
    return any(h.own for h, _n in g.hits)


def _replaces(g: _Instance, named: _Instance) -> bool:
    """'a new nuclear deal' after the named one collapsed, 'a new security pact' beside an access
    agreement, 'negotiating a new trade deal' beside one in force: another instrument. ('announced a new
    defence alliance' for a named alliance signed then is the same.)"""
    pending = g.status in ("proposed", "under_negotiation") and named.status not in ("proposed", "under_negotiation")
    return any(h.new for h, _n in g.hits) and (named.status in ("terminated", "suspended") or named.kind not in (g.kind, "other")
                                               or pending)


def _sentence_states(inst: _Instance, idx: _PartyIndex, sents: list[Sentence] | None) -> list[str]:
    """States written in the sentence that first names the instance (else the sentence before it,
    most mentioned first), besides its parties."""
    opening = [n for h, n in inst.hits if h.source not in ("anaphor", "indefinite")]
    if sents is None or not opening:
        return []
    first = min(opening)
    for k in (first, first - 1):      # its sentence, else the one before ("Iran looked elsewhere. Its president ...")
        if k < 0:
            break
        found = [p for p in idx.inside(sents[k].start, sents[k].end) if p not in inst.parties and canonical_state(p)]
        if k != first:      # the sentence before counts only for a party the article is about
            top = max(idx.frequency.values(), default=0)
            found = [p for p in found if 2 * idx.frequency[p] >= top]
        if found:
            return sorted(found, key=lambda p: (-idx.frequency[p], found.index(p))) if k != first else found
    return []


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower().replace("defence", "defense"))
            if w not in ("agreement", "agreements", "pact", "deal", "treaty", "accord", "arrangement", "the", "of",
                         "on", "and", "for", "a", "an", "to", "in")}


def _fold_target(g: _Instance, named: list[_Instance]) -> _Instance | None:
    """The named agreement a generic reference stands for: 'a defence pact' in a lead about the
    Reciprocal Access Agreement, 'the water deal' for the Framework Agreement on Water Cooperation.
    Its parties must fit, and its words must be broad ones or words of the name; with several
    candidates, the one sharing most words, if only one does."""
    broad = _broad_regex()
    own = {w for w in _words(g.name) if not any(p.lower().startswith(w) for p in g.parties)}
    g_first = min(n for _h, n in g.hits)
    g_last = max(n for _h, n in g.hits)

    def lead(i: _Instance) -> bool:
        """every generic mention comes before the agreement is first named, and its kind does not clash
        ('Vietnam, Laos seal maritime pact' over the Boundary Delimitation Agreement)"""
        first = min((n for h, n in i.hits if h.source in ("catalogue", "named")), default=-1)
        return g_last < first and (g.kind in ("other", "defense") or g.kind == i.kind or i.kind == "other") \
            and first - g_first <= 3

    fits = [i for i in named if g.parties and _compatible(i.parties, g.parties)
            and (all(broad.fullmatch(w) or w in _words(i.name) for w in own) or lead(i))]
    if not fits:
        return None
    score = {id(i): len(own & _words(i.name)) + 0.5 * (i.kind == g.kind) for i in fits}
    top = max(score.values())
    best = [i for i in fits if score[id(i)] == top]
    return best[0] if len(best) == 1 else None


@lru_cache(maxsize=1)
def _broad_regex() -> re.Pattern:
    rows = [r["pattern"] for r in load_jsonl("agreement_kinds.jsonl") if r["type"] == "broad"]
    return re.compile(r"(?:" + "|".join(rows or ["(?!)"]) + r")", re.I)


def _has_parties(inst: _Instance) -> bool:
    """A generic instrument counts only when its parties are clear."""
    return bool(inst.parties) or inst.source != "generic" or inst.key.startswith("new:")


def _keep(inst: _Instance) -> bool:
    return inst.from_list or any(h.source not in ("anaphor", "indefinite") for h, _n in inst.hits)


def _finding(inst: _Instance, sents: list[Sentence], dates: list[DateFinding], conf: dict,
             text: str, shared: set[int] = frozenset()) -> AgreementFinding:
    """shared: sentences that mention other agreements too, where an untied date is not borrowed."""
    name = inst.name
    if inst.source == "generic":
        name = _generic_name(name, inst.parties)
    base = {"catalogue": conf["confidence_catalogue"], "named": conf["confidence_named"]}.get(
        inst.source, conf["confidence_generic"])
    confidence = base - {"role": 0.0, "fixed": 0.0, "fallback": 0.1}.get(inst.party_source, 0.15)
    ev = inst.evidence_n
    status_date = ""
    ns = sorted({n for _h, n in inst.hits})
    if inst.status in DATED:
        tied = _tied_date(inst, dates, sents, text)
        if tied is not None:
            status_date, ev = tied
        elif ev not in shared and any(n == ev and sents[ev].start <= h.cue[0] < sents[ev].end for h, n in inst.hits):
            ds = [d.value for d in dates if d.sentence_n == ev and _calendar(d.value)
                  and not _in_dateline(d, sents, text)]
            if ds:
                status_date = ds[0]
    parties = [p for p in inst.parties if not (_fold(name) in _fold(p) and _fold(name) != _fold(p))]
    status = inst.status
    if status == "restored":
        status = "in_force"
    elif status == "standing":      # "is in force": the agreement in focus is in force, another exists
        status = "in_force" if len(ns) >= 2 and not inst.from_list else "existing"
    elif status == "unspecified" and inst.source in ("catalogue", "named") and not inst.from_list \
            and not any(h.plural for h, _n in inst.hits):
        status = "existing"         # a named agreement mentioned with no status asserted: it exists
    return AgreementFinding(
        name=name, acronym=inst.acronym, kind=inst.kind if inst.kind in KINDS else "other",
        parties=sorted(parties), status=status,
        status_date=status_date, sentence_ns=ns,
        evidence_n=ev, confidence=round(max(0.1, min(1.0, confidence)), 2),
        mentions=[Mention(h.start, h.end, text[h.start:h.end], n) for h, n in inst.hits])


def _calendar(value: str) -> bool:
    return bool(DATE_VALUE.fullmatch(value) and re.match(r"\d{4}|XXXX-\d\d", value))


# a date tied to a status cue: "in force since May 2022", "signed in 2014", "In March 2023, X suspended"
CUE_DATE_AFTER, CUE_DATE_BEFORE = 60, 70
FAMILY = {"in_force": ("in_force", "standing"), "standing": ("standing", "in_force")}


DATELINE = re.compile(r"^\W*[A-Z][A-Z .'’-]+(?:\([^)]*\))?,\s*$")


def _in_dateline(d: DateFinding, sents: list[Sentence] | None, text: str) -> bool:
    """'JAKARTA, March 3, 2024 - ...': the publication date in a dateline, no status event."""
    if not sents or not text or not 0 <= d.sentence_n < len(sents):
        return False
    return bool(DATELINE.match(text[sents[d.sentence_n].start:d.start]))


def _tied_date(inst: _Instance, dates: list[DateFinding], sents: list[Sentence] | None = None,
               text: str = "") -> tuple[str, int] | None:
    """(date value, sentence n) of the date written next to the cue of the instance's status,
    checked over every mention that asserts that status (or its in-force twin)."""
    family = FAMILY.get(inst.status, (inst.status,))
    best: tuple[int, str, int] | None = None
    for h, n in inst.hits:
        if h.status not in family or h.cue[0] < 0:
            continue
        cs, ce = h.cue
        at = sentence_at(sents, cs) if sents else None      # the cue may sit in an earlier sentence
        n = at.n if at is not None else n
        for d in dates:
            if d.sentence_n != n or not _calendar(d.value) or _in_dateline(d, sents, text):
                continue
            skip = h.end - h.start if ce <= h.start and h.end <= d.start else 0
            if 0 <= d.start - ce - skip <= CUE_DATE_AFTER:
                gap = d.start - ce - skip
            elif 0 <= cs - d.end <= CUE_DATE_BEFORE:
                gap = cs - d.end + 10
            else:
                continue
            rank = (family.index(h.status), gap)
            if best is None or rank < best[0]:
                best = (rank, d.value, n)
    return (best[1], best[2]) if best else None


def _generic_name(name: str, parties: list[str]) -> str:
    """A generic instrument is named after its parties: 'China-Solomon Islands Security
    Arrangement', 'Trilateral Memorandum of Understanding'."""
    if re.match(r"(?:Bilateral|Trilateral|Multilateral)\b", name) or len(name.split()) > 3:
        return name
    if len(parties) == 2:
        a, b = sorted(SHORT.get(p, p) for p in parties)
        return f"{a}-{b} {name}"
    if len(parties) == 3:
        return f"Trilateral {name}"
    return name


class Stage:
    """The agreements stage; config: [agreements] (the confidences given to each kind of match).
    Reads the actors and dates found before it."""

    name = "agreements"

    def __init__(self, config: dict) -> None:
        self.settings = {"agreements": dict(config)}

    def __call__(self, doc: Doc, sents: list[Sentence], upstream) -> list[AgreementFinding]:
        return extract(doc, sents, upstream.actors, upstream.dates, self.settings)
