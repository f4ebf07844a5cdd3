"""The parts of an article that hold names but no actors: bylines, reporting and picture credits,
datelines, 'NAME | OUTLET' lines, headline-like lines, and the authors they name."""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.extract.actors.gazetteer import Gazetteer
from pipeline.extract.actors.people import strip_honorifics
from pipeline.extract.actors.states import state_mentions
from pipeline.resources import alternation


def byline_spans(gz: Gazetteer, text: str) -> list[tuple[int, int]]:
    """Bylines, reporting/editing credits and picture credits: their names are not actors."""
    spans = []
    lines = line_starts(text)
    starts = gz.cue_regex("byline_starts", r"^[ \t(\[]*(?:{alt})\b[:\s]", re.M)
    for m in at_line_starts(starts, text, lines):
        end = text.find("\n", m.start())
        spans.append((m.start(), end if end >= 0 else len(text)))
    for m in re.finditer(r"\(([^()\n]{3,120})\)", text):
        inner = m.group(1)
        if "/" in inner or gz.cue_regex("credit_words", r"^(?:{alt})\b[:\s]", 0).search(inner):
            spans.append(m.span())
    for m in at_line_starts(OUTLET_LINE, text, lines):         # 'NAME | OUTLET' lines
        spans.append(m.span())
    for pattern in DATELINES:                                   # 'CITY, date (Agency) -'
        spans.extend(m.span() for m in at_line_starts(pattern, text, lines))
    return spans


def line_starts(text: str) -> list[int]:
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def at_line_starts(pattern: re.Pattern, text: str, lines: list[int]) -> Iterator[re.Match]:
    """pattern.finditer(text) for a pattern that opens with ^ under re.M, tried at the line starts
    alone (re would try it at every position of the text)."""
    pos = 0
    for start in lines:
        if start >= pos and (m := pattern.match(text, start)):
            yield m
            pos = m.end()


OUTLET_LINE = re.compile(r"^[^\n]{0,80}\|[^\n]*$", re.M)
DATELINES = (      # the dash is followed by the first sentence: a capital letter or a quote
    re.compile(r"^[ \t]*[A-Z]{2}[A-Z.'’ -]*?(?:,[^\n()]{0,40}?)?\s*(?:\([^()\n]{2,40}\)\s*)?[-–—]+[ \t]+(?=[A-Z\"“‘'])",
               re.M),
    re.compile(r"^[ \t]*[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,2}(?:,[^\n()]{0,40}?)?\s*\([^()\n]{2,40}\)\s*[-–—]+"
               r"[ \t]+(?=[A-Z\"“‘'])", re.M),
)


def author_names(gz: Gazetteer, text: str) -> list[frozenset[str]]:
    """Lower-cased name words of the article's authors: names on a 'By A and B' line, a line
    holding only a name near the top (under the headline), and the subject of a closing bio
    line ('X is a senior fellow at Y.')."""
    names: list[str] = []
    particles = [p for p in gz.cues("name_particles") if p not in ("and", "of", "for", "the", "on", "in", "at", "&")]
    name = r"[A-Z][\w’'.-]+(?:[ \t]+(?:[A-Z][\w’'.-]+|(?:" + alternation(particles) + r")))*[ \t]+[A-Z][\w’'.-]+"
    honor = r"(?:(?:" + alternation(gz.cues("honorifics")) + r")\.?[ \t]+)?"
    for m in re.finditer(r"^[ \t]*By[ \t:]+([^\n]+)$", text, re.M):
        names.extend(re.findall(name, m.group(1)))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines[1:8], 1):
        if len(line.split()) >= 12:
            break
        body = "\n".join(lines[i + 1:-1])
        m = not line.startswith("By ") and re.fullmatch(honor + "(" + name + ")", line)
        if (m and not state_mentions(gz, line) and not gz.org_regex.search(line)      # a name the body
                and not re.search(r"\b" + re.escape(m.group(1).split()[-1]) + r"\b", body)):  # uses is no byline
            names.append(m.group(1))
    if lines:
        m = re.match(honor + "(" + name + r")\s+(?:is|was|serves as|has been)\s+(?:a|an|the)\s", lines[-1])
        if m and gz.cue_regex("bio_cues", r"\b(?:{alt})").search(lines[-1]):
            names.append(m.group(1))
    return [frozenset(strip_honorifics(gz, n).lower().split()) for n in names]


def title_line_spans(text: str) -> list[tuple[int, int]]:
    """Headline-like lines: short lines with no sentence punctuation that come first or are in
    Title Case ('The End of X and the Vanishing Y'); not a caption ('X. (Photo: Y)')."""
    spans, first = [], True
    small = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "as", "from", "vs"}
    for m in re.finditer(r"^[^\n]*\S[^\n]*$", text, re.M):
        line = m.group(0).strip()
        if not _SENTENCE_PUNCT.search(line):         # tested first: it rules out most prose lines
            words = [w for w in _WORD.findall(line) if w.lower() not in small]
            lower = sum(not w[:1].isupper() for w in words)
            if 2 <= len(words) <= 20 and (first or lower <= min(2, len(words) // 4)):
                spans.append(m.span())
        first = False
    return spans


_SENTENCE_PUNCT = re.compile(r"[.!?:;\"”]$|[.!?]\s")
_WORD = re.compile(r"[A-Za-z][\w’'-]*")


def named_outside(name: str, text: str, spans: list[tuple[int, int]]) -> bool:
    for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
        if not any(a <= m.start() < b for a, b in spans):
            return True
    return False
