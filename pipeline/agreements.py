"""Agreements: catalogue matches, named instruments not in the catalogue, generic references;
one row per (agreement, parties) instance, with status and status date.

Pure function: (doc, sentences, actors, dates, settings) -> list[AgreementFinding].
"""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc

from .actors import state_mentions
from .nlp import sentence_at
from .records import ActorFinding, AgreementFinding, DateFinding, Mention, Sentence
from .resources import load_jsonl

STATUS_ORDER = ["unspecified", "existing", "proposed", "under_negotiation", "signed", "ratified",
                "in_force", "suspended", "terminated"]
STATUS_CUES = [
    ("terminated", r"\b(withdr[ae]w\w*|pull(?:ed|ing|s)? out|terminat\w+|scrap\w*|abandon\w*|exit\w*|quit)\b"),
    ("suspended", r"\b(suspend\w*)\b"),
    ("in_force", r"\b(entered into force|enters into force|came into (?:force|effect)|took effect|in force|normaliz\w+|restor\w+)\b"),
    ("ratified", r"\b(ratif\w+)\b"),
    ("signed", r"\b(signed|signs|signing|inked|concluded|sealed|clinched|agreed to|reached)\b"),
    ("under_negotiation", r"\b(negotiat\w+|talks|discussions|underway|likely to sign|planning to|preparing to)\b"),
    ("proposed", r"\b(propos\w+|must conclude|should conclude|would establish|expected to ask|call(?:ed|s)? for|urg\w+)\b"),
]
MODAL = re.compile(r"\b(would|could|should|must|may|might|expected to|likely to|plan(?:s|ning)? to|hope[sd]? to|not (?:currently )?signed|have not)\b", re.I)
GENERIC = re.compile(
    r"\b(?:(?:a|an|the|new|bilateral|trilateral|historic|landmark|strategic|comprehensive|security|defen[cs]e|"
    r"trade|peace|ceasefire|policing|cooperation|information[- ]sharing|intelligence[- ]sharing|partnership|"
    r"free[- ]trade|military|economic|nuclear|arms[- ]control)\s+){1,4}"
    r"(agreement|treaty|pact|accord|deal|arrangement|memorandum of understanding|protocols?)\b", re.I)
NAMED = re.compile(
    r"\b((?:[A-Z][\w'’.-]*(?:\s+|[-–]))*?(?:[A-Z][\w'’.-]*\s+)*(?:Agreement|Treaty|Pact|Accords?|Arrangement|"
    r"Memorandum of Understanding|Protocols?|Convention|Partnership))\b")
KIND_WORDS = [("peace", r"peace|ceasefire|cessation of hostilities"), ("trade", r"trade|economic|free[- ]trade"),
              ("intelligence-sharing", r"information[- ]sharing|intelligence"), ("logistics", r"logistic"),
              ("arms-control", r"arms|nuclear forces|missile"), ("climate", r"climate"),
              ("defense", r"defen[cs]e|security|military|strategic")]


@lru_cache(maxsize=1)
def catalogue() -> tuple[dict, ...]:
    return load_jsonl("agreements.jsonl")


@lru_cache(maxsize=1)
def _catalogue_regex() -> tuple[re.Pattern, dict[str, dict]]:
    forms: dict[str, dict] = {}
    for row in catalogue():
        for f in [row["name"].lower(), *(a.lower() for a in row.get("aliases", []))]:
            forms[f] = row
        if row.get("acronym"):
            forms[row["acronym"]] = row
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(" + alternation + r")s?(?![\w-])", re.I), forms


def _lookup(surface: str, forms: dict[str, dict]) -> dict | None:
    s = surface.rstrip("s") if surface not in forms and surface.lower() not in forms else surface
    if s in forms and s.isupper():  # acronyms match case-sensitively
        return forms[s]
    row = forms.get(s.lower())
    if row and (s.lower() != (row.get("acronym") or "").lower() or s.isupper()):
        return row
    return None


def kind_of(name: str) -> str:
    for kind, pat in KIND_WORDS:
        if re.search(pat, name, re.I):
            return kind
    return "other"


def status_in(sentence: str) -> str:
    """The most advanced status a sentence asserts, respecting modality."""
    best = "unspecified"
    modal = bool(MODAL.search(sentence))
    for status, pat in STATUS_CUES:
        if re.search(pat, sentence, re.I):
            if modal and status in ("signed", "ratified", "in_force"):
                status = "proposed" if re.search(r"must|should|would|expected", sentence, re.I) else "under_negotiation"
            if STATUS_ORDER.index(status) > STATUS_ORDER.index(best):
                best = status
    return best


def _parties(sentence: Sentence) -> list[str]:
    return sorted({canon for _s, _e, _surf, canon in state_mentions(sentence.text)})


def extract(doc: Doc, sents: list[Sentence], actors: list[ActorFinding], dates: list[DateFinding],
            settings: dict) -> list[AgreementFinding]:
    conf = settings["agreements"]
    text = doc.text
    pattern, forms = _catalogue_regex()
    hits: list[tuple[int, int, str, str, str, list[str], float]] = []  # start,end,name,acronym,kind,fixed parties,conf
    for m in pattern.finditer(text):
        row = _lookup(m.group(1), forms)
        if row:
            hits.append((m.start(), m.end(), row["name"], row.get("acronym", ""), row["kind"],
                         list(row.get("parties", [])), conf["confidence_catalogue"]))
    covered = [(h[0], h[1]) for h in hits]
    for m in NAMED.finditer(text):
        name = re.sub(r"^(The|A|An)\s+", "", m.group(1))
        if len(name.split()) < 2 or any(s < m.end() and m.start() < e for s, e in covered):
            continue
        hits.append((m.start(), m.end(), name, "", kind_of(name), [], conf["confidence_named"]))
        covered.append((m.start(), m.end()))
    for m in GENERIC.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in covered):
            continue
        phrase = re.sub(r"^(a|an|the)\s+", "", m.group(0), flags=re.I)
        if len(phrase.split()) < 2:
            continue
        name = phrase.title()
        hits.append((m.start(), m.end(), name, "", kind_of(name), [], conf["confidence_generic"]))
        covered.append((m.start(), m.end()))

    instances: dict[tuple[str, tuple[str, ...]], AgreementFinding] = {}
    by_name: dict[str, AgreementFinding] = {}
    date_by_sent = {d.sentence_n: d for d in dates}
    for start, end, name, acronym, kind, fixed, confidence in sorted(hits):
        sent = sentence_at(sents, start)
        if sent is None:
            continue
        parties = fixed or _parties(sent)
        if not parties and name in by_name:
            inst = by_name[name]
        else:
            inst = instances.get((name, tuple(parties)))
            if inst is None:
                inst = AgreementFinding(name=name, acronym=acronym, kind=kind, parties=parties,
                                        confidence=confidence, evidence_n=sent.n)
                instances[(name, tuple(parties))] = inst
                by_name.setdefault(name, inst)
        inst.mentions.append(Mention(start, end, text[start:end], sent.n))
        if sent.n not in inst.sentence_ns:
            inst.sentence_ns.append(sent.n)
        status = status_in(sent.text)
        if STATUS_ORDER.index(status) > STATUS_ORDER.index(inst.status):
            inst.status, inst.evidence_n = status, sent.n
            d = date_by_sent.get(sent.n)
            inst.status_date = d.value if d and status in ("signed", "ratified", "in_force", "terminated", "suspended") else inst.status_date
    return list(instances.values())
