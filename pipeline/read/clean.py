"""Clean: raw text or HTML -> the article text every offset points into, plus metadata.

Text files are cleaned line by line: boilerplate lines (menu crumbs, counters, share/login
prompts, contact e-mail lines, bare URLs, non-English interface lines, short label lines) are
dropped; the article's own lines are kept verbatim with whitespace normalised. HTML goes
through trafilatura first (body + metadata), then the same line cleaning.
"""
from __future__ import annotations

import re
import unicodedata

from pipeline.read import pubdate
from pipeline.errors import PipelineError
from pipeline.records import Article, RawArticle
from pipeline.resources import compiled_patterns

WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
SENT_END = re.compile(r"[.!?:\"'”’)\]]\s*$")
BYLINE = re.compile(r"^by\s+(?P<name>[A-Z][\w.'\- ]+?)(?:\s*(?:\||,| in | and [A-Z]|$))", re.I)
ENGLISH_WORDS = frozenset("""the of and to a in is that for on with as by at from it be was were are has have
had will would said not this which or an its their his her they he she but also after who
been more than about over into two new other could can one".""".split())
_LINE_RULES = "boilerplate.jsonl"


def normalise_ws(line: str) -> str:
    return WS.sub(" ", line).strip()


NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def letters_share_latin(text: str) -> float:
    """Share of the letters that are Latin (ASCII letters are counted in C, only the rest by name)."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, NOT_ASCII_LETTERS))
    others = [c for c in NON_ASCII.findall(text) if c.isalpha()]
    if not ascii_letters and not others:
        return 0.0
    latin = ascii_letters + sum(1 for c in others if "LATIN" in unicodedata.name(c, ""))
    return latin / (ascii_letters + len(others))


def english_share(text: str) -> float:
    words = re.findall(r"[A-Za-z]+", text.lower())
    return sum(1 for w in words if w in ENGLISH_WORDS) / len(words) if words else 0.0


def is_boilerplate(line: str, short_words: int) -> str | None:
    """The id of the rule that calls this (whitespace-normalised) line boilerplate, else None."""
    for rule_id, pat in compiled_patterns(_LINE_RULES):
        if pat.fullmatch(line):
            return rule_id
    if not any(c.isalpha() for c in line):
        # Numbers and punctuation only: a timestamp dateline stays, counters and rules go.
        return None if pubdate.full_dates(line) else "no-letters"
    if letters_share_latin(line) < 0.5:
        return "non-latin"
    words = line.split()
    if len(words) < short_words and not SENT_END.search(line) and not re.search(r"\d", line):
        return "short-label"
    return None


def clean_lines(text: str, short_words: int) -> list[str]:
    kept = []
    for raw in text.splitlines():
        line = normalise_ws(raw)
        if line and not is_boilerplate(line, short_words):
            kept.append(line)
    return kept


def guess_title(lines: list[str]) -> str:
    for line in lines[:3]:
        if 3 <= len(line.split()) <= 25 and not re.search(r"[.!?]$", line) and not BYLINE.match(line):
            return line
    return ""


def guess_author(raw_lines: list[str]) -> str:
    for line in raw_lines[:15]:
        m = BYLINE.match(normalise_ws(line))
        if m:
            return m.group("name").strip()
    return ""


def detect_language(text: str, settings: dict) -> str:
    """'en' for English; otherwise a best guess ('ko', 'zh', 'ja', 'ru', 'ar', 'und')."""
    c = settings["clean"]
    if letters_share_latin(text) >= c["min_latin_share"]:
        return "en" if english_share(text) >= c["min_english_share"] else "und"
    counts = {"ko": 0, "zh": 0, "ja": 0, "ru": 0, "ar": 0}
    for ch in text:
        name = unicodedata.name(ch, "")
        if "HANGUL" in name:
            counts["ko"] += 1
        elif "HIRAGANA" in name or "KATAKANA" in name:
            counts["ja"] += 1
        elif "CJK" in name:
            counts["zh"] += 1
        elif "CYRILLIC" in name:
            counts["ru"] += 1
        elif "ARABIC" in name:
            counts["ar"] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else "und"


def _from_html(raw: RawArticle) -> tuple[str, dict]:
    import trafilatura  # imported here: text-only runs never pay for it

    # favour precision (page furniture left out), and fall back to the default balance when that
    # finds no text at all (measured on the boilerplate benchmark: tests/test_clean.py)
    doc = None
    for precise in (True, False):
        try:
            doc = trafilatura.bare_extraction(
                raw.content, with_metadata=True, include_comments=False, include_tables=False,
                favor_precision=precise, date_extraction_params={"extensive_search": False, "original_date": True})
        except Exception as e:  # trafilatura raises many types on broken markup
            raise PipelineError("E010", raw.source_path, f"HTML could not be parsed ({type(e).__name__}: {e})",
                                raw.line)
        if doc is not None and (doc.text or "").strip():
            break
    if doc is None or not (doc.text or "").strip():
        raise PipelineError("E008", raw.source_path, "no article text found in the HTML (0 chars)", raw.line)
    meta = {"title": doc.title or "", "author": doc.author or "", "site": doc.sitename or "",
            "url": doc.url or "", "published": pubdate.normalise_published(doc.date or "")}
    return doc.text, meta


MAX_CHARS = 1_000_000      # spaCy's default nlp.max_length: a longer text fails in the parser (E088)


def clean(raw: RawArticle, settings: dict) -> Article:
    """RawArticle -> Article (pure). Raises PipelineError E008/E009/E010."""
    html_meta: dict = {}
    body = raw.content
    if raw.fmt == "html":
        body, html_meta = _from_html(raw)
    raw_lines = body.splitlines()
    lines = clean_lines(body, settings["clean"]["short_line_words"])
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        raise PipelineError("E037", raw.source_path, f"article text is {len(text):,} characters after cleaning, "
                            f"over the model's limit of {MAX_CHARS:,}; split it into several articles", raw.line)
    # Language is judged on the cleaned text, or on the whole body when cleaning left nothing
    # (a foreign-script article loses every line as 'non-English interface').
    language = detect_language(text or body, settings)
    if language != "en" and (text or sum(c.isalpha() for c in body) >= 20):
        raise PipelineError("E009", raw.source_path, f"text is not English (detected '{language}')", raw.line)
    if not text.strip():
        raise PipelineError("E008", raw.source_path, "no text after cleaning (0 chars)", raw.line)

    meta = raw.meta
    published, source = "", ""
    # published_source keeps the contract's vocabulary: a JSONL record's own field counts as a
    # sidecar; a date read from the URL is credited to where the URL came from.
    url_source = "sidecar" if meta.get("url") else "html"
    # (each source is read only when the ones before it give no date)
    for value, src in ((lambda: meta.get("published", ""), "sidecar"),
                       (lambda: html_meta.get("published", ""), "html"),
                       (lambda: pubdate.from_text([normalise_ws(x) for x in raw_lines]), "text"),
                       (lambda: pubdate.from_url(meta.get("url") or html_meta.get("url", "")), url_source)):
        iso = pubdate.normalise_published(value())
        if iso:
            published, source = iso, src
            break

    def pick(key: str, fallback: str = "") -> str:
        return meta.get(key) or html_meta.get(key) or fallback

    return Article(
        article_id=raw.article_id, source_path=raw.source_path, text=text,
        title=pick("title", guess_title(lines)), url=pick("url"), site=pick("site"),
        author=pick("author", guess_author(raw_lines)), published=published,
        published_source=source, language=language)
