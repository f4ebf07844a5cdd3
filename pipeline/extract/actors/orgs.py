"""Organisations: state bodies ('the Turkish parliament'), acronyms, and the checks that keep out
what is no actor (agreements, places, titles, outlets, affiliations, companies)."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from pipeline.extract.actors.gazetteer import APOS, Gazetteer


def state_body(gz: Gazetteer, doc: Doc, m: re.Match) -> str:
    """Name of a state body matched by _body_regex, or '' when the phrase is not one.

    A body named with a demonym ('the South Korean military') is one unless the noun modifies
    another noun ('Chinese military buildup'); one named with a state name or possessive
    ('Turkey's parliament') only when it is the subject of a clause. The name keeps a demonym as
    written ('Philippine Senate', never respelt 'Filipino Senate'); a state name becomes the
    state's first demonym ('Turkish parliament'). Variants merge on the state (see extract)."""
    state, noun = m.group(1), m.group(2)
    span = doc.char_span(m.start(2), m.end(2), alignment_mode="expand")
    if span is None:
        return ""
    head = span[-1]
    if head.i + 1 < len(doc) and doc[head.i + 1].pos_ in ("NOUN", "PROPN") and head.dep_ in ("amod", "compound"):
        return ""
    is_demonym = state in gz.demonym_index and state.replace(" ", "").isalpha()
    if not is_demonym and head.dep_ not in ("nsubj", "nsubjpass"):
        return ""
    return f"{state if is_demonym else gz.first_demonym(gz.canonical_state(state) or '')} {noun}"


def acts_as_subject(doc: Doc, start: int, end: int, text: str) -> bool:
    """A seat of government acts ('The Kremlin said', 'a statement from the White House') rather
    than being a place ('toured the White House', 'a ceremony at the White House')."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if span.root.dep_ in ("nsubj", "nsubjpass", "poss", "agent"):
        return True
    return bool(re.search(r"\b(?:by|from)\s+(?:the\s+)?$", text[max(0, start - 12):start]))


def clean_name(name: str) -> str:
    name = re.sub(r"\s*\([^)]*$", "", name.strip())            # 'Agreement (RAA' -> 'Agreement'
    name = re.sub(r"^(the|a|an)\s+", "", name, flags=re.I)
    name = re.sub(APOS + r"s$", "", name)
    return re.sub(r"[\s,.;:'’\"“”(]+$", "", name).strip()


_ACRONYM_WORD = r"(?:[A-Z][\w’'-]*|of|and|for|the|on|in|to|&)"
_ACRONYM_DEFINITION = re.compile(r"(" + _ACRONYM_WORD + r"(?:\s+" + _ACRONYM_WORD
                                 + r")*)\s*\(([A-Z][A-Za-z]{1,9})\)")
_ACRONYM_PAREN = re.compile(r"\([A-Z][A-Za-z]{1,9}\)")
_DEFINITION_CHARS = re.compile(r"[\w\s’'&-]*")      # all a definition may hold before its '('


def acronym_definitions(text: str) -> dict[str, str]:
    """'Long Name (LN)' in the text: acronym -> long name (the run of capitalised words before it).

    The matches of _ACRONYM_DEFINITION.finditer(text), found without trying that regex at every
    position: a definition ends at an '(LN)' and starts in the run of characters it may hold right
    before it (found reading the text backwards), so only that run is searched."""
    out = {}
    backwards = text[::-1]
    for paren in _ACRONYM_PAREN.finditer(text):
        run_start = len(text) - _DEFINITION_CHARS.match(backwards, len(text) - paren.start()).end()
        m = _ACRONYM_DEFINITION.search(text, run_start, paren.end())
        if m:
            out[m.group(2)] = re.sub(r"^(?:(?:of|and|for|the|on|in|to|&)\s+)+", "", m.group(1))
    return out


def agreement_like(gz: Gazetteer, name: str, text: str, acronyms: dict[str, str]) -> bool:
    """An agreement or document, not an actor: 'Paris Climate Agreement', 'RCEP', 'the USMCA deal'."""
    heads = gz.cue_regex("agreement_heads", r"\b(?:{alt})\b", 0)
    if name.lower() in gz.not_actor_forms:
        return True
    if heads.search(name):          # but 'Collective Security Treaty Organization' is an organisation
        return not gz.cue_regex("org_heads", r"\b(?:{alt})$", 0).search(name)
    if re.fullmatch(r"[A-Z][A-Za-z-]{1,9}", name):
        if heads.search(acronyms.get(name, "")):
            return True
        return before_agreement_noun(gz, name, text)
    return False


_NOT_AFTER_WORD = re.compile(r"(?<![\w-])")


def before_agreement_noun(gz: Gazetteer, name: str, text: str) -> bool:
    r"""name, as a whole word, right before an agreement noun somewhere in text ('RCEP deal',
    'AUKUS-style pact'): what re.search(r"(?<![\w-])NAME(?:\s+|-)(?:nouns)\b") finds, but with
    str.find, not a big regex compiled for each name."""
    noun = gz.cue_regex("agreement_nouns", r"(?:\s+|-)(?:{alt})\b", 0)
    at = text.find(name)
    while at >= 0:
        if _NOT_AFTER_WORD.match(text, at) and noun.match(text, at + len(name)):
            return True
        at = text.find(name, at + 1)
    return False


def inside_agreement_name(gz: Gazetteer, text: str, start: int) -> bool:
    """'the Treaty on the [Non-Proliferation of Nuclear Weapons]', 'the Agreement on the
    Establishment of Peace and [Interstate Relations]': a Title Case run that a capitalised
    agreement head opens is the agreement's name, not an organisation."""
    before = text[max(0, start - 160):start].split("\n")[-1]
    return bool(gz.cue_regex("agreement_heads", r"\b(?:{alt})\s+(?:on|of|for|concerning|regarding)\s+"
                           r"(?:(?:the|and|of|on|for|in|to|&)\s+|[A-Z][\w’'-]*,?\s+)*$", 0).search(before))


def place_context(gz: Gazetteer, text: str, end: int) -> bool:
    """'the Karabakh region', 'its Nakhchivan exclave': a name before a lower-case place noun."""
    return bool(gz.cue_regex("place_nouns", r"^\s+(?:{alt})\b", 0).match(text[end:end + 30]))


def qualified_org_end(gz: Gazetteer, text: str, end: int) -> int:
    """End of 'OSCE [Minsk Group]', 'NATO [Parliamentary Assembly]': capitalised words after a
    known organisation that end in a unit noun (Group, Assembly, Council, ...) and hold no title
    ('NATO Secretary-General' is a title). 0 when there are none."""
    m = re.match(r"(?:[ ][A-Z][\w’'-]+){1,3}(?![\w’'-])", text[end:end + 80])
    if not m:
        return 0
    words = m.group(0).split()
    titles = {t.lower() for t in [*gz.cues("titles"), *gz.cues("ranks")] if " " not in t}
    best = 0
    for k in range(1, len(words) + 1):
        if words[k - 1].lower() in titles:
            break
        tail = " ".join(words[:k])
        if gz.cue_regex("org_unit_heads", r"(?:^|\s)(?:{alt})$", 0).search(tail):
            best = end + len(" ".join([""] + words[:k]))
    return best


def spelling_key(name: str) -> str:
    k = re.sub(r"^the\s+", "", name.lower()).replace("-", "").replace(" ", "")
    return re.sub(r"isation", "ization", k).replace("defence", "defense")


def as_written(surface: str, canonical: str) -> str:
    """A known organisation's name keeps the article's spelling ('Shanghai Cooperation
    Organization' / '... Organisation'); other aliases ('UN', 'NATO's long name') give the
    canonical name."""
    surface = re.sub(r"^the\s+", "", surface)
    return surface if spelling_key(surface) == spelling_key(canonical) else canonical


def part_of_title(gz: Gazetteer, text: str, start: int, end: int) -> bool:
    """'External Affairs Minister', 'Army Chief', 'Secretary of Defense', 'Chief of Defence Staff':
    an organisation written as part of somebody's title."""
    if gz.cue_regex("titles", r"^[ \t]*(?:{alt})\b").search(text[end:end + 40]):
        return True
    return bool(re.search(r"\b(?:Secretary|Minister|Ministers|Chief|Head|Director|Commander|"
                          r"Ambassador|Secretary-General|Chairman|Chair|President)s?\s+(?:of|for|to)\s+"
                          r"(?:the\s+)?$", text[max(0, start - 50):start], re.I))


def outlet_context(gz: Gazetteer, text: str, start: int, end: int) -> bool:
    """'The Guardian quoted ...', 'RIA Novosti news agency', 'told the Herald'."""
    if gz.cue_regex("outlet_cues", r"^[\s,]*(?:{alt})\b").search(text[end:end + 30]):
        return True
    return bool(re.search(r"\b(?:told|according to|reported by|quoted by|said in an interview with)\s+"
                          r"(?:the\s+)?(?:\w+" + APOS + r"s\s+)?$", text[max(0, start - 40):start]))


def affiliation_context(gz: Gazetteer, text: str, sent_start: int, start: int) -> bool:
    """'a lecturer at Lakeside University', 'member of the committee of Army, Navy and X'."""
    before = text[sent_start:start]
    for m in gz.cue_regex("affiliation_cues", r"\b(?:{alt})s?\s+(?:\w+\s+){0,2}?(?:at|of|from|in|with)\s+").finditer(before):
        words = re.findall(r"[^\s,]+", before[m.end():])
        if all(w[:1].isupper() or w in ("the", "and", "of", "for", "&") or re.fullmatch(r"\([A-Z]+\)", w)
               for w in words):
            return True
    return False


def common_word_entity(ent: Span) -> bool:
    """A one-word entity the tagger reads as a common word ('Attendees', 'Historic')."""
    return len(ent) == 1 and ent[0].tag_ not in ("NNP", "NNPS")


def modifier_of_common_noun(ent: Span) -> bool:
    """'NFL icon', 'Cabinet meeting', 'Orchid state guesthouse': a name used as a noun modifier."""
    root = ent.root
    head = root.head
    return (root.dep_ in ("compound", "amod", "nmod") and head.i >= ent.end and head.pos_ == "NOUN"
            and head.text[:1].islower())


def org_country(gz: Gazetteer, name: str) -> str:
    """Country stated by the organisation's name ('Korea Coast Guard', 'Philippine Navy')."""
    for word in re.findall(r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?", name):
        for w in (word, word.split()[0]):
            c = gz.state_of_word(re.sub(APOS + "s$", "", w))      # not capitals ('Paris Club')
            if c:
                return c
    return ""


def org_key(name: str) -> str:
    """Merge key for variants of one body: 'Foreign Ministry' = 'Ministry of Foreign Affairs',
    'Defense Department' = 'Department of Defense'."""
    k = re.sub(r"^the\s+", "", name.strip().lower())
    k = re.sub(r"^(ministry|department|office)\s+of\s+(?:the\s+)?(.+?)(?:\s+affairs)?$", r"\2 \1", k)
    k = re.sub(r"^(.+?)\s+affairs\s+(ministry|department|office)$", r"\1 \2", k)
    return k.replace("defence", "defense")


def generic_org(gz: Gazetteer, name: str) -> bool:
    return name.lower() in gz.cue_set("generic_orgs")


def non_actor_head(gz: Gazetteer, name: str) -> bool:
    """'Lakeside University', 'Harbour Institute for Policy Studies', 'Northwind Inc.': the head noun
    (last word, or the word before 'of'/'for') marks an affiliation, company, event or outlet."""
    heads = set(gz.cues("org_non_actor_heads"))
    words = [w.rstrip(".,") for w in re.split(r"\s+(?:of|for|on)\s+", name)[0].split()]
    return bool(words) and (words[-1] in heads or name.split()[-1].rstrip(".,") in heads)
