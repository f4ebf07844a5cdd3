"""Clean: raw text or HTML -> the article text every offset points into, plus metadata.

Text files are cleaned line by line: boilerplate lines (menu crumbs, counters, share/login
prompts, contact e-mail lines, bare URLs, non-English interface lines, short label lines) are
dropped; the article's own lines are kept verbatim with whitespace normalised. HTML goes
through trafilatura first (body + metadata: [clean] html_favour, html_tables,
html_fallback_share), then the line rules chosen by [clean] html_line_rules (trafilatura has
already left most page furniture out; the settings were chosen on held-out folds of the
article-body benchmark, `python -m pipeline bench html --folds`). The language is judged by
read/language.py.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from pipeline.read import language as _language, pubdate
from pipeline.errors import PipelineError
from pipeline.records import Article, RawArticle
from pipeline.resources import compiled_patterns, load_jsonl

WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
SENT_END = re.compile(r"[.!?:\"'”’)\]]\s*$")
BYLINE = re.compile(r"^by\s+(?P<name>[A-Z][\w.'\- ]+?)(?:\s*(?:\||,| in | and [A-Z]|$))", re.I)
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


def _furniture_ids() -> frozenset[str]:
    return frozenset(r["id"] for r in load_jsonl(_LINE_RULES) if r.get("furniture"))


LINE_RULE_SETS = ("all", "patterns", "furniture", "none")


def is_boilerplate(line: str, short_words: int, rules: str = "all") -> str | None:
    """The id of the rule that calls this (whitespace-normalised) line boilerplate, else None.
    rules: "all" (the data-file rules, then lines without letters, in another script or short
    labels), "patterns" (the data-file rules only), "furniture" (only the data-file rules marked
    furniture: a line that is nothing but a menu word, counter, address or separator), "none"."""
    if rules == "none":
        return None
    furniture = _furniture_ids() if rules == "furniture" else None
    for rule_id, pat in compiled_patterns(_LINE_RULES):
        if (furniture is None or rule_id in furniture) and pat.fullmatch(line):
            return rule_id
    if rules != "all":
        return None
    if not any(c.isalpha() for c in line):
        # Numbers and punctuation only: a timestamp dateline stays, counters and rules go.
        return None if pubdate.full_dates(line) else "no-letters"
    if letters_share_latin(line) < 0.5:
        return "non-latin"
    words = line.split()
    if len(words) < short_words and not SENT_END.search(line) and not re.search(r"\d", line):
        return "short-label"
    return None


def judge_lines(text: str, short_words: int, rules: str = "all") -> Iterator[tuple[str, str | None]]:
    """Each non-blank (whitespace-normalised) line of text with the id of the rule that drops
    it (None: kept)."""
    for raw in text.splitlines():
        line = normalise_ws(raw)
        if line:
            yield line, is_boilerplate(line, short_words, rules)


def clean_lines(text: str, short_words: int, rules: str = "all") -> list[str]:
    return [line for line, rule in judge_lines(text, short_words, rules) if not rule]


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


FAVOUR = {"precision": {"favor_precision": True}, "balanced": {}, "recall": {"favor_recall": True}}


def _bare(content: str, favour: str, tables: bool):
    """trafilatura's extraction of one page (None when it finds nothing)."""
    import trafilatura  # imported here: text-only runs never pay for it

    return trafilatura.bare_extraction(
        content, with_metadata=True, include_comments=False, include_tables=tables, **FAVOUR[favour],
        date_extraction_params={"extensive_search": False, "original_date": True})


def _text(doc) -> str:
    return (doc.text or "").strip() if doc is not None else ""


def _from_html(raw: RawArticle, c: dict) -> tuple[str, dict]:
    """Body and metadata of a page. With html_favour "precision" (or "recall"), the balanced
    extraction is used instead when the favoured one finds no text, or a text shorter than
    html_fallback_share of the balanced one (the favoured setting then cut the article itself)."""
    favour, tables, share = c["html_favour"], bool(c["html_tables"]), float(c["html_fallback_share"])
    if favour not in FAVOUR:
        raise PipelineError("E016", "settings", f"[clean] html_favour is {favour!r}, not one of {sorted(FAVOUR)}")
    try:
        doc = _bare(raw.content, favour, tables)
        if favour != "balanced" and (not _text(doc) or share > 0):
            balanced = _bare(raw.content, "balanced", tables)
            if len(_text(doc)) < max(share * len(_text(balanced)), 1):
                doc = balanced
    except PipelineError:
        raise
    except Exception as e:  # trafilatura raises many types on broken markup
        raise PipelineError("E010", raw.source_path, f"HTML could not be parsed ({type(e).__name__}: {e})",
                            raw.line)
    if not _text(doc):
        raise PipelineError("E008", raw.source_path, "no article text found in the HTML (0 chars)", raw.line)
    meta = {"title": doc.title or "", "author": doc.author or "", "site": doc.sitename or "",
            "url": doc.url or "", "published": pubdate.normalise_published(doc.date or "")}
    return doc.text, meta


MAX_CHARS = 1_000_000      # spaCy's default nlp.max_length: a longer text fails in the parser (E088)


def body_and_rules(raw: RawArticle, settings: dict) -> tuple[str, dict, str]:
    """(body, metadata from the HTML, line rules to apply): the content itself and "all" for
    text; trafilatura's body and [clean] html_line_rules for HTML (E008/E010/E016)."""
    if raw.fmt != "html":
        return raw.content, {}, "all"
    c = settings["clean"]
    body, html_meta = _from_html(raw, c)
    rules = c["html_line_rules"]
    if rules not in LINE_RULE_SETS:
        raise PipelineError("E016", "settings", f"[clean] html_line_rules is {rules!r}, "
                                                f"not one of {list(LINE_RULE_SETS)}")
    return body, html_meta, rules


class Unjudged:
    """A cleaned input whose language the cheap checks left open (read/language.py: no letters,
    the English shortcut), from clean(..., defer_language=True): the identifier judges it where
    the article is parsed (scheduler.process_chunk), so that the process that only reads (the
    driver of a Dask run, the parent of a worker pool) never holds the identifier (~75 MB).
    article: the Article it is when the verdict is English (its language "en", the only one an
    Article can have); None when cleaning left no text (it fails either way: E009 or E008, and
    body is the text judged). error() gives what clean() would have raised for a verdict.
    slot: the run's place for that error among the read errors (set by run.read_articles)."""

    __slots__ = ("article", "body", "letters", "line", "slot", "source_path")

    def __init__(self, article: Article | None, body: str, source_path: str, line: int | None, letters: bool):
        self.article, self.body, self.source_path, self.line, self.letters = article, body, source_path, line, letters
        self.slot = 0

    @property
    def text(self) -> str:
        """What the identifier judges (as clean() would)."""
        return self.article.text if self.article is not None else self.body

    def error(self, language: str) -> PipelineError | None:
        text = self.article.text if self.article is not None else ""
        return _verdict_error(language, text, lambda: self.letters, self.source_path, self.line)


def _verdict_error(language: str, text: str, letters, source_path: str, line: int | None) -> PipelineError | None:
    """E009 (not English) or E008 (no text) for a cleaned text and its language, else None.
    letters(): whether the body has 20 letters or more (asked only when the text is empty)."""
    if language != "en" and (text or letters()):
        return PipelineError("E009", source_path, f"text is not English (detected '{language}')", line)
    if not text.strip():
        return PipelineError("E008", source_path, "no text after cleaning (0 chars)", line)
    return None


def clean(raw: RawArticle, settings: dict, defer_language: bool = False) -> Article | Unjudged:
    """RawArticle -> Article (pure). Raises PipelineError E008/E009/E010. defer_language: a text
    the cheap language checks do not settle comes back as an Unjudged (never raising E009 or,
    for an empty text, E008: its verdict decides)."""
    c = settings["clean"]
    body, html_meta, rules = body_and_rules(raw, settings)
    raw_lines = body.splitlines()
    lines = clean_lines(body, c["short_line_words"], rules)
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        raise PipelineError("E037", raw.source_path, f"article text is {len(text):,} characters after cleaning, "
                            f"over the model's limit of {MAX_CHARS:,}; split it into several articles", raw.line)
    # Language is judged on the cleaned text, or on the whole body when cleaning left nothing
    # (a foreign-script article loses every line as 'non-English interface').
    letters = lambda: sum(c.isalpha() for c in body) >= 20
    # (defer given only when asked: a stand-in with the plain signature, as bench html's, still fits)
    language = _language.detect_language(text or body, settings, defer=True) if defer_language else \
        _language.detect_language(text or body, settings)
    pending = None
    if language is None:
        if not text:
            return Unjudged(None, body, raw.source_path, raw.line, letters())
        pending, language = Unjudged(None, "", raw.source_path, raw.line, True), "en"
    error = _verdict_error(language, text, letters, raw.source_path, raw.line)
    if error is not None:
        raise error

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

    article = Article(
        article_id=raw.article_id, source_path=raw.source_path, text=text,
        title=pick("title", guess_title(lines)), url=pick("url"), site=pick("site"),
        author=pick("author", guess_author(raw_lines)), published=published,
        published_source=source, language=language)
    if pending is not None:
        pending.article = article
        return pending
    return article
