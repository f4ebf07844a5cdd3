"""People: honorifics, roles and countries read from titles and appositions ('US Secretary of
Defense Jane Roe', 'Wang Yi, Foreign Minister of China'), and the merging of a person's mentions."""
from __future__ import annotations

import re

from spacy.tokens import Span

from pipeline.extract.actors.gazetteer import APOS, Gazetteer
from pipeline.records import ActorFinding


def strip_honorifics(gz: Gazetteer, name: str) -> str:
    """'Mr Santos' -> 'Santos', 'Dr. Mark Esper' -> 'Mark Esper'; possessives dropped."""
    name = re.sub(APOS + r"s?$", "", name.strip())
    pattern = gz.cue_regex("honorifics", r"^(?:(?:{alt})(?!\w)\.?\s+)+", 0)
    return pattern.sub("", name).strip()


_TOKEN = re.compile(r"[\w.’'&-]+|[^\w\s]")


def press_apposition(gz: Gazetteer, text: str, end: int) -> bool:
    """'X, Tokyo correspondent' / 'X, staff writer': the article's author or staff."""
    m = re.match(r"\s*,\s*([^,\n]{0,40})", text[end:end + 60])
    return bool(m and gz.cue_regex("press_roles", r"\b(?:{alt})s?\b").search(m.group(1)))


def has_stray_lowercase(gz: Gazetteer, name: str) -> bool:
    """'Garrett hit Rudolph': a lower-case word that is no name particle ('bin', 'of', 'de')."""
    particles = gz.cue_set("name_particles")
    return any(w[:1].islower() and w.lower() not in particles and w.split("-")[0].lower() not in particles
               for w in re.findall(r"[\w’'-]+", name)[1:])


def title_chunk(gz: Gazetteer, text: str, sent_start: int, start: int) -> list[str]:
    """Words written just before a name that can belong to a title: capitalised words,
    'of/for/to/the', title words in lower case, 'former'."""
    title_words = gz.title_words
    words = _TOKEN.findall(text[sent_start:start])
    chunk: list[str] = []
    for w in reversed(words):
        bare = re.sub(APOS + "s$", "", w)
        if (w[:1].isupper() and w[:1].isalpha()) or w.lower() in title_words or w.lower() in (
                "of", "for", "to", "the", "then-president") or (bare and gz.is_state_word(bare)):
            chunk.append(w)
        else:
            break
    chunk.reverse()
    while chunk and chunk[0].lower() in ("of", "for", "to", "the"):
        chunk.pop(0)
    return chunk


def role_before(gz: Gazetteer, text: str, sent_start: int, start: int) -> tuple[str, str]:
    """(role, country) from a title before a name: 'US Secretary of Defense Jane Roe' ->
    ('Secretary of Defense', 'United States'); 'Japan's Ambassador to Britain' -> ('Ambassador to
    Britain', 'Japan'); 'Army Chief General X' -> ('Army Chief', '')."""
    chunk = title_chunk(gz, text, sent_start, start)
    if not chunk:
        return "", ""
    phrase = " ".join(chunk)
    phrase = re.sub(r"\s+([’'])\s*s\b", r"\1s", phrase)
    phrase = re.sub(r"\b(?:then|ex)-", "former ", phrase, flags=re.I)      # 'then-President X'
    ranks = gz.cue_regex("ranks", r"(?:^|\s)(?:{alt})$", 0)
    stripped = phrase
    while True:
        new = ranks.sub("", stripped).strip()
        if new == stripped or not new:
            break
        stripped = new
    titles = gz.cue_regex("titles", r"(?<![\w-])(?:{alt})(?![\w-])")
    hits = list(titles.finditer(stripped))
    if not hits:
        return ("", "") if stripped != phrase or not ranks.search(phrase) else (phrase, "")
    first = hits[0]
    prefix, rest = stripped[:first.start()].strip(), stripped[first.start():].strip()
    former = ""
    country = ""
    kept = []
    prefix = gz.state_word_regex.sub(lambda m: "\x00" + gz.state_of_word(m.group(1)).replace(" ", "\x01"), prefix)
    for w in prefix.split():
        if w.lower() in ("former", "ex-", "then-", "then-president"):
            former = "former "
        elif w.startswith("\x00"):
            country = w[1:].replace("\x01", " ")
            kept = []
        elif w.lower() not in ("the", "a", "an", "of"):
            kept.append(w)
    if re.match(r"then-", rest, re.I):
        former, rest = "former ", rest[5:]
    tail = re.search(r"\s(?:of|for)\s+(?:the\s+)?([A-Z][\w.’' -]+)$", rest)
    if tail and not country and gz.canonical_state(tail.group(1).strip()):
        country = gz.canonical_state(tail.group(1).strip()) or ""
        rest = rest[:tail.start()]
    role = (former + " ".join(kept + [rest])).strip()
    if re.search(r"\b(?:of|for|to|the|and)$", role):
        return "", ""
    return role, country


def role_after(gz: Gazetteer, text: str, end: int, sent_end: int) -> tuple[str, str]:
    """(role, country) from an apposition: 'Wang Yi, Foreign Minister of China' ->
    ('Foreign Minister', 'China'); 'X, America's special envoy for Y' -> ('special envoy for Y',
    'United States'); 'X, a former Nigerian president' -> ('former president', 'Nigeria')."""
    m = re.match(r"\s*,\s*(?:who\s+(?:is|was)\s+)?(?:the\s+|a\s+|an\s+)?([^,;:()\n—–]{3,90})",
                 text[end:sent_end])
    if not m:
        return "", ""
    phrase = re.split(r"\s+(?:who|which|said|says|and|but|has|had|was|is|told)\s", m.group(1))[0].strip(" .")
    if not gz.cue_regex("role_nouns", r"\b(?:{alt})\b").search(phrase) or len(phrase.split()) > 12:
        return "", ""
    if re.match(r"^[a-z]+(?:ed|s)\b", phrase) and not re.match(r"^(?:former|senior|special)\b", phrase):
        return "", ""
    country = ""
    former = "former " if re.match(r"(?:former|ex-)\s*", phrase) else ""
    phrase = re.sub(r"^(?:former|ex-)\s*", "", phrase)
    lead = re.match(r"([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)(" + APOS + r"s)?\s+", phrase)
    field = (lead and not lead.group(2) and lead.group(1) in gz.state_index
             and gz.cue_regex("expert_nouns", r"^(?:\w+\s+)?(?:{alt})\b").search(phrase[lead.end():]))
    if lead and gz.canonical_state(lead.group(1)) and not field:
        country, phrase = gz.canonical_state(lead.group(1)) or "", phrase[lead.end():]
    tail = re.search(r"\s+of\s+(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)$", phrase)
    if tail and gz.canonical_state(tail.group(1)):
        country = country or gz.canonical_state(tail.group(1)) or ""
        phrase = phrase[:tail.start()]
    return (former + phrase).strip(), country


_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and)\s+")


def distributive_roles(gz: Gazetteer, text: str, ents: list[Span]) -> dict[str, tuple[str, str]]:
    """'A, B and C, Foreign Ministers of Japan, South Korea and China(, respectively)':
    person -> (singular role, country), in order."""
    people = [e for e in ents if e.label_ == "PERSON"]
    out: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(people):
        group = [people[i]]
        while (len(group) + i < len(people)           # (not slicing out what may be a long gap)
               and _LIST_GAP.fullmatch(text, group[-1].end_char, people[i + len(group)].start_char)):
            group.append(people[i + len(group)])
        i += len(group)
        if len(group) < 2:
            continue
        m = re.match(r"\s*,\s*(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*?s)\s+of\s+([^.;:\n]{3,200})",
                     text[group[-1].end_char:group[-1].end_char + 260])
        if not m:
            continue
        listed = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.sub(r",?\s*respectively.*$", "", m.group(2)))
        states = [gz.canonical_state(x) for x in listed if x.strip()][:len(group)]
        if len(states) == len(group) and all(states):
            role = re.sub(r"s$", "", m.group(1))
            for ent, state in zip(group, states):
                out[strip_honorifics(gz, ent.text)] = (role, state or "")
    return out


def alias_links(gz: Gazetteer, text: str, ents: list[Span]) -> list[tuple[str, str]]:
    """('Comandante Sol', 'Ana Ruiz') for 'Comandante Sol — the nom de guerre of Ana Ruiz'."""
    people = [e for e in ents if e.label_ == "PERSON"]
    cue = gz.cue_regex("alias_cues", r"^\s*[,—–(-]*\s*(?:{alt})\s+$")
    links = []
    for a, b in zip(people, people[1:]):
        if b.start_char - a.end_char < 60 and cue.match(text[a.end_char:b.start_char]):
            links.append((strip_honorifics(gz, a.text), strip_honorifics(gz, b.text)))
    return links


def merge_people(actors: list[ActorFinding], links: list[tuple[str, str]] | None = None) -> list[ActorFinding]:
    """Fold 'Roe' and 'Mr Roe' into 'Jane Roe', 'García Vega' into 'Luis García Vega'
    (a shorter mention whose words end one full name), an organisation that is only a person's
    surname ('Trump' tagged ORG) into that person, and a stated alias into the real name."""
    people = [a for a in actors if a.type == "person"]
    by_name = {a.name: a for a in people}
    absorbed: set[int] = set()

    def fold(src: ActorFinding, dst: ActorFinding) -> None:
        dst.mentions.extend(src.mentions)
        dst.mentions.sort(key=lambda m: m.start)
        dst.role = dst.role or src.role
        dst.country = dst.country or src.country
        dst.why.extend(w for w in src.why if w not in dst.why)
        absorbed.add(id(src))

    for alias, real in links or []:
        if alias in by_name and real in by_name and alias != real:
            fold(by_name[alias], by_name[real])
    candidates = [a for a in actors if id(a) not in absorbed and (
        a.type == "person" or (a.type == "organization" and len(a.name.split()) <= 2 and not a.country))]
    for p in sorted(candidates, key=lambda a: len(a.name.split())):
        words = p.name.split()
        hosts = [f for f in people if f is not p and id(f) not in absorbed and (
            (p.type == "organization" and f.name == p.name) or len(f.name.split()) > len(words) and (
                f.name.split()[-len(words):] == words or f.name.split()[:len(words)] == words
                or (len(words) == 1 and p.type == "person" and words[0] in f.name.split())))]
        longest = max(hosts, key=lambda f: len(f.name.split()), default=None)
        if longest and all(set(f.name.split()) <= set(longest.name.split()) for f in hosts):
            fold(p, longest)
    out = [a for a in actors if id(a) not in absorbed]
    return sorted(out, key=lambda a: (a.mentions[0].start if a.mentions else 0, a.name))
