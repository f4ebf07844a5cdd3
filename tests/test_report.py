"""report: static pages with every span highlighted, sentences anchored, text escaped."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.write import report
from pipeline.records import ActorFinding, AgreementFinding, Article, DateFinding, Extraction, Mention, MotiveFinding, Sentence
from pipeline.write.tables import rows_for
from pipeline.write import csvio

VOID = {"meta", "br", "img", "link", "input", "hr"}


class TagChecker(HTMLParser):
    """Fails on any close tag that does not match the innermost open one; collects text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.in_main = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "main":
            self.in_main += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main:
            self.text.append(data)


def check(fragment: str) -> TagChecker:
    c = TagChecker()
    c.feed(fragment)
    c.close()
    assert c.errors == [] and c.stack in ([], ["html", "body"], ["html"]), (c.errors, c.stack)
    return c


def _span(start, end, rank, kind="actor", row_id="x"):
    return report.Span(start, end, rank, kind, f"{kind}: {row_id}", row_id)


TEXT = "Alpha and Beta signed the Gamma Pact on 1 May 2020 to counter Delta."


@pytest.mark.parametrize("spans", [
    [_span(0, 5, 3), _span(10, 14, 3)],                                        # side by side
    [_span(0, 68, 0, "sentence"), _span(51, 67, 1, "motive"), _span(62, 67, 3)],  # nested
    [_span(0, 20, 1, "motive"), _span(10, 30, 2, "agreement")],                # crossing
    [_span(5, 15, 3), _span(5, 15, 4, "date")],                                # same range
    [_span(0, 40, 1, "motive"), _span(10, 20, 2, "agreement"), _span(15, 50, 3)],  # crossing two
    [_span(60, 200, 3), _span(3, 3, 3), _span(-1, 4, 3)],                      # out of range, empty
])
def test_report_render_text_nests_and_keeps_text(spans):
    html_text = report.render_text(TEXT, spans)
    c = check(f"<main>{html_text}</main>")
    assert "".join(c.text) == TEXT
    valid = [s for s in spans if 0 <= s.start < s.end <= len(TEXT)]
    assert html_text.count("data-id=") == len({s for s in valid if s.kind != "sentence"})
    assert html_text.count('class="lab"') == len({s for s in valid if s.kind != "sentence"})


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>',
                                     "</main><script src=//evil.invalid/a.js></script>"])
def test_report_escapes_article_text(hostile):
    text = f"Norway and Iceland signed an accord. {hostile} It was welcomed."
    ex = Extraction(article=Article("t1", "t1.txt", text, title=hostile, url="javascript:alert(1)"),
                    sentences=[Sentence("t1", 0, 0, 36, text[:36]), Sentence("t1", 1, 37, len(text), text[37:])])
    ex.actors = [ActorFinding("Norway", "state", mentions=[Mention(0, 6, "Norway", 0)])]
    page = report.article_html(ex)
    c = check(page)
    assert "script" not in c.tags and "img" not in c.tags
    assert 'href="javascript' not in page
    assert "default-src 'none'" in page
    assert hostile in "".join(c.text)


def _extraction() -> Extraction:
    text = ("Lithuania and Poland signed the Border Patrol Accord (BPA) on 2 June 2021.\n"
            "Warsaw wanted the BPA to deter smuggling across the frontier.")
    s0, s1 = text.split("\n")
    o1 = len(s0) + 1
    sents = [Sentence("lt1", 0, 0, len(s0), s0), Sentence("lt1", 1, o1, len(text), s1)]
    ex = Extraction(article=Article("lt1", "lt1.txt", text, published="2021-06-03"), sentences=sents)
    bpa = text.index("Border Patrol Accord (BPA)")
    ex.agreements = [AgreementFinding("Border Patrol Accord", "BPA", parties=["Lithuania", "Poland"],
                                      status="signed", sentence_ns=[0, 1], evidence_n=0, mentions=[
                                          Mention(bpa, bpa + 26, "Border Patrol Accord (BPA)", 0),
                                          Mention(text.index("BPA", o1), text.index("BPA", o1) + 3, "BPA", 1)])]
    ex.actors = [ActorFinding("Lithuania", "state", mentions=[Mention(0, 9, "Lithuania", 0)]),
                 ActorFinding("Poland", "state", mentions=[Mention(14, 20, "Poland", 0),
                                                            Mention(o1, o1 + 6, "Warsaw", 1)])]
    d = text.index("2 June 2021")
    ex.dates = [DateFinding(0, d, d + 11, "2 June 2021", "2021-06-02", "2021-06-03")]
    m = text.index("the BPA to deter")
    ex.motives = [MotiveFinding(1, m, len(text) - 1, text[m:-1], "to deter", "BPA", "Poland")]
    return ex


@pytest.mark.parametrize("kind,count", [("agreement", 2), ("actor", 3), ("date", 1), ("motive", 1)])
def test_report_article_page_highlights_every_span(tmp_path, kind, count):
    ex = _extraction()
    report.write_article(tmp_path, ex.article.article_id, "k1", lambda: report.article_html(ex))
    page = (tmp_path / "report" / "lt1.html").read_text(encoding="utf-8")
    c = check(page)
    assert {"s0", "s1"} <= set(c.ids)
    assert len(re.findall(f'<mark class="k-{kind}" data-kind="{kind}" data-id=', page)) == count
    for rows in rows_for(ex).values():
        for row in rows:
            for key in ("agreement_id", "actor_id", "date_id", "motive_id"):
                if key in row:
                    assert row[key] in page          # side list and spans carry the row IDs


def test_report_page_is_rendered_again_only_when_what_it_is_made_from_changes(tmp_path):
    ex, calls = _extraction(), []

    def render():
        calls.append(1)
        return report.article_html(ex)
    for made_from in ("k1", "k1", "k2"):
        report.write_article(tmp_path, "lt1", made_from, render)
    assert len(calls) == 2
    (tmp_path / "report" / "lt1.html").write_text("damaged", encoding="utf-8")
    report.write_article(tmp_path, "lt1", "k2", render)
    assert len(calls) == 3 and "<mark" in (tmp_path / "report" / "lt1.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("aid,expected", [("004_abc", "004_abc.html"), ("=x y", "=x y.html")])
def test_report_page_name_is_the_article_id(aid, expected):
    assert report.page_name(aid) == expected


@pytest.mark.parametrize("aid", ["../../etc/passwd", ".hidden", "a\\b", "", "x\ny"])
def test_report_page_name_never_leaves_report_dir(tmp_path, aid):
    path = report.page_path(tmp_path, aid)
    assert path.parent == tmp_path / "report" and not path.name.startswith(".")


@pytest.mark.parametrize("n_articles", [2])
def test_report_index_lists_articles_with_counts(tmp_path, n_articles):
    rows = [{"article_id": f"a{i}", "title": f"<b>T{i}</b>", "published": "2024"} for i in range(n_articles)]
    tables = {"agreements": [{"article_id": "a0", "review_status": "accepted"},
                             {"article_id": "a0", "review_status": "pending"}]}
    report.write_index(tmp_path, rows, tables)
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    check(page)
    assert page.count('<a href="a') == n_articles and "&lt;b&gt;T0" in page and "50%" in page


@pytest.mark.model
def test_report_source_links_resolve(tmp_path, settings):
    """Every source_link of every review table points at an existing page and anchor."""
    from pipeline.run import run
    out = tmp_path / "out"
    run(Path(__file__).parent / "data" / "review", out, settings)
    seen = 0
    for table in ("agreements", "actors", "dates", "motives"):
        for row in csvio.read_csv(out / f"{table}.csv"):
            page, _, anchor = row["source_link"].partition("#")
            html_text = (out / page).read_text(encoding="utf-8")
            assert f'id="{anchor}"' in html_text and row[f"{table[:-1]}_id"] in html_text
            seen += 1
    assert seen > 10 and (out / "report" / "index.html").exists()


@pytest.mark.parametrize("aid", ["index", "INDEX", "Index"])
def test_report_article_named_index_keeps_off_the_index(tmp_path, aid):
    path = report.page_path(tmp_path, aid)
    assert path.name.lower() != "index.html" and path.parent == tmp_path / "report"


def test_report_unwritable_folder_is_a_coded_error(tmp_path, monkeypatch):
    import tempfile

    from pipeline.errors import PipelineError

    def refuse(*a, **kw):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PipelineError) as e:
        report.write_index(tmp_path, [])
    assert e.value.code == "E030" and "report" in str(e.value)


def test_report_index_is_made_a_row_at_a_time(tmp_path):
    """The index page comes in parts of at most one article's row each, asked for as it is written
    (so a large run never holds the rows, their join and the page's bytes at once), and the page
    written from them is the same text; written again unchanged, the file is left as it was."""
    rows = [{"article_id": f"b{i}", "title": f"Title {i}", "published": "2025", "site": "example.org"} for i in range(4)]
    tables = {"agreements": [{"article_id": "b1", "name": "Harbour Accord", "acronym": "", "status": "signed",
                              "parties": "Norway; Chile", "review_status": "pending"}]}
    parts = report.index_parts(rows, tables)
    assert not isinstance(parts, (list, str))                   # made as asked for
    parts = list(parts)
    assert len(parts) == len(rows) + 2
    assert [p.count("<tr data-text=") for p in parts] == [0, 1, 1, 1, 1, 0]
    assert "signed" in parts[0] and "Harbour Accord" in parts[2]   # the status filter precedes the rows
    report.write_index(tmp_path, rows, tables)
    path = tmp_path / "report" / "index.html"
    assert path.read_text(encoding="utf-8") == "".join(parts)
    before = path.stat().st_ino
    report.write_index(tmp_path, rows, tables)
    assert path.stat().st_ino == before and [p.name for p in path.parent.iterdir()] == ["index.html"]


def test_files_write_parts_if_changed(tmp_path):
    from pipeline.write import files
    path = tmp_path / "page.html"
    assert files.write_parts_if_changed(path, iter(["a", "é", "c"]), durable=False)
    assert path.read_bytes() == "aéc".encode("utf-8")
    assert not files.write_parts_if_changed(path, iter(["aé", "c"]), durable=False)
    assert files.write_parts_if_changed(path, iter(["x"]), durable=False) and path.read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]     # no temp file left
