"""Plain records passed between stages (no I/O, no behaviour)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawArticle:
    """One input article as read from disk, before cleaning."""

    article_id: str
    source_path: str            # relative to the input folder (posix)
    fmt: str                    # "text" or "html"
    content: str
    meta: dict = field(default_factory=dict)        # url, title, published, site, author
    meta_source: str = ""       # "sidecar" or "jsonl" when meta came from one
    line: int | None = None     # JSONL line number


@dataclass
class Article:
    """A cleaned article: the text every offset points into, plus its metadata."""

    article_id: str
    source_path: str
    text: str
    title: str = ""
    url: str = ""
    site: str = ""
    author: str = ""
    published: str = ""
    published_source: str = ""
    language: str = "en"

    @property
    def published_year(self) -> int | None:
        return int(self.published[:4]) if self.published[:4].isdigit() else None


@dataclass(frozen=True)
class Sentence:
    article_id: str
    n: int
    start: int
    end: int
    text: str

    @property
    def sentence_id(self) -> str:
        return f"{self.article_id}:{self.n}"


@dataclass
class Mention:
    """A span of the cleaned text that names an actor."""

    start: int
    end: int
    text: str
    sentence_n: int


@dataclass
class ActorFinding:
    name: str                   # canonical
    type: str                   # state | organization | person
    country: str = ""
    role: str = ""
    mentions: list[Mention] = field(default_factory=list)
    why: list[str] = field(default_factory=list)    # ids of the rules and entries that produced it

    @property
    def aliases(self) -> list[str]:
        return sorted({m.text for m in self.mentions})

    @property
    def sentence_ns(self) -> list[int]:
        return sorted({m.sentence_n for m in self.mentions})


@dataclass
class SpanFinding:
    """A finding that is one span of one sentence (dates, motives): where it is and its words."""

    sentence_n: int
    start: int
    end: int
    text: str


@dataclass
class DateFinding(SpanFinding):
    value: str                  # TIMEX3-style
    anchor: str = ""
    why: list[str] = field(default_factory=list)    # the rule that read it (dates:<rule function>)


@dataclass
class AgreementFinding:
    name: str
    acronym: str = ""
    kind: str = "other"
    parties: list[str] = field(default_factory=list)
    status: str = "unspecified"
    status_date: str = ""
    sentence_ns: list[int] = field(default_factory=list)
    evidence_n: int = 0         # sentence that best supports name + parties + status
    confidence: float = 0.5
    mentions: list[Mention] = field(default_factory=list)   # spans naming it (for the report)
    why: list[str] = field(default_factory=list)    # catalogue ids / rule names of its mentions, its status cue
    status_cue: str = ""        # what set the status: '<cue id> <words> @<start>-<end>' or a rule name


@dataclass
class MotiveFinding(SpanFinding):
    cue: str = ""
    agreement: str = ""
    actor: str = ""
    agreement_n: int = -1   # index of the linked agreement in Extraction.agreements (-1: none)
    why: list[str] = field(default_factory=list)    # cue ids, or learned:motive_classifier


@dataclass
class Extraction:
    """Everything found in one article: the unit cached, merged and written."""

    article: Article
    sentences: list[Sentence]
    actors: list[ActorFinding] = field(default_factory=list)
    dates: list[DateFinding] = field(default_factory=list)
    agreements: list[AgreementFinding] = field(default_factory=list)
    motives: list[MotiveFinding] = field(default_factory=list)
    key: str = ""               # the cache key it was made under: the same key, the same extraction
    extra: dict[str, list] = field(default_factory=dict)    # findings of a stage with no field above, by its name

    def findings(self, name: str) -> list:
        """The findings of the stage called name (a field above, or extra's)."""
        return getattr(self, name) if name in EXTRACTION_FIELDS else self.extra.get(name, [])

    def put(self, name: str, findings: list) -> None:
        """Set the findings of the stage called name."""
        if name in EXTRACTION_FIELDS:
            setattr(self, name, findings)
        else:
            self.extra[name] = findings


EXTRACTION_FIELDS = frozenset({"actors", "dates", "agreements", "motives"})
