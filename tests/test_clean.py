import pytest

from pipeline.read import clean as clean_mod
from pipeline.read.clean import clean, clean_lines, detect_language, guess_title
from pipeline.errors import PipelineError
from pipeline.records import RawArticle

BODY = "Japan and Chile signed a logistics agreement on Thursday, officials said in a statement."


@pytest.mark.parametrize("line", [
    "Video", "Publications", "Board", "view : 1356", "Views: 2,048", "view more", "Read more",
    "Share this article", "Link copied", "Please enter your password first", "original",
    "Please direct questions or comments to [desk@example.org]", "desk@example.org",
    "www.example.org/news/world/12345.html", "https://example.org/a/b?c=1",
    "창닫기확인", "회원가입을 하세요", "• • •", "Research Fellow, Director", "1,356", "12 | 34",
])
def test_clean_drops_boilerplate_lines(line, settings):
    assert clean_lines(f"{line}\n{BODY}\n{line}", settings["clean"]["short_line_words"]) == [BODY]


@pytest.mark.parametrize("line", [
    BODY,
    "Posted on : May.2,2021 10:15 KST",
    "Published: June 3, 2022 - 09:30",
    "Korea and Japan agree to resume defence talks",
    "By Jane Roe, Tokyo correspondent",
    "2021-07-30 08:15:02",
])
def test_clean_keeps_article_lines_verbatim(line, settings):
    assert clean_lines(f"Video\n  {line}  \n", settings["clean"]["short_line_words"]) == [line]


@pytest.mark.parametrize("raw,expected", [
    ("The   two\tsides  signed the deal on Friday, the ministry said.", "The two sides signed the deal on Friday, the ministry said."),
])
def test_clean_normalises_whitespace_only(raw, expected, settings):
    assert clean_lines(raw, settings["clean"]["short_line_words"]) == [expected]


@pytest.mark.parametrize("text,published", [
    (f"Board\nPosted on : Apr.3,2019 11:20 KST\n{BODY}", "2019-04-03"),
    (f"Chile signs pact\nPublished: July 9, 2021 08:00\n{BODY}", "2021-07-09"),
    (f"{BODY}\n* This commentary was published on October 4, 2020 in The Daily Example and is reposted here.", "2020-10-04"),
    (f"{BODY}\n* This commentary was published on October 4 in The Daily Example.", ""),
    (f"Jane Roe12 March 2018\n{BODY}", "2018-03-12"),
])
def test_clean_detects_publication_date_in_text(text, published, settings):
    a = clean(RawArticle("a", "a.txt", "text", text), settings)
    assert a.published == published
    assert a.published_source == ("text" if published else "")


@pytest.mark.parametrize("meta,published,source", [
    ({"published": "2020-01-02"}, "2020-01-02", "sidecar"),
    ({"url": "https://example.org/2019/11/05/story"}, "2019-11-05", "sidecar"),
])
def test_clean_publication_date_from_metadata_wins(meta, published, source, settings):
    a = clean(RawArticle("a", "a.txt", "text", f"Posted on : Apr.3,2019\n{BODY}", meta=meta, meta_source="sidecar")
              if "published" in meta else RawArticle("a", "a.txt", "text", BODY, meta=meta, meta_source="sidecar"),
              settings)
    assert (a.published, a.published_source) == (published, source)


@pytest.mark.parametrize("html", [
    "<html><head><title>Pact signed | Example Post</title><meta property='og:site_name' content='Example Post'>"
    "<meta name='author' content='Jane Roe'><meta property='article:published_time' content='2022-02-03'></head>"
    "<body><nav>Home | Video | Log in</nav><article><h1>Pact signed</h1><p>" + BODY + "</p>"
    "<p>The two countries said the pact would deepen their defence ties.</p></article>"
    "<footer>Copyright 2022 Example Post</footer></body></html>",
])
def test_clean_html_body_and_metadata(html, settings):
    a = clean(RawArticle("h", "h.html", "html", html), settings)
    assert BODY in a.text and "Log in" not in a.text and "Copyright" not in a.text
    assert (a.title, a.author, a.site, a.published, a.published_source) == (
        "Pact signed", "Jane Roe", "Example Post", "2022-02-03", "html")


@pytest.mark.parametrize("content,fmt,code", [
    ("<html><body><nav>Home</nav></body></html>", "html", "E008"),
    ("Video\nBoard\nview more", "text", "E008"),
    ("서울과 도쿄는 오늘 국방 협력에 관한 회담을 재개하기로 합의했다고 밝혔다. 양국은 정보 공유를 확대한다.", "text", "E009"),
    ("Le gouvernement français et le Japon ont signé mardi un accord de coopération dans le domaine de la défense.", "text", "E009"),
])
def test_clean_refuses_empty_or_non_english(content, fmt, code, settings):
    with pytest.raises(PipelineError) as e:
        clean(RawArticle("x", "x.txt", fmt, content), settings)
    assert e.value.code == code and "x.txt" in str(e.value)


@pytest.mark.parametrize("text,lang", [(BODY, "en"), ("Правительство России подписало соглашение.", "ru")])
def test_clean_detect_language(text, lang, settings):
    assert detect_language(text, settings) == lang


@pytest.mark.parametrize("lines,title", [
    (["Seoul and Tokyo agree to restore intelligence pact", BODY], "Seoul and Tokyo agree to restore intelligence pact"),
    ([BODY], ""),
])
def test_clean_guess_title(lines, title):
    assert guess_title(lines) == title


@pytest.mark.parametrize("precise_finds_text", [True, False])
def test_clean_html_falls_back_when_the_precise_extraction_finds_nothing(settings, monkeypatch, precise_finds_text):
    import trafilatura

    real = trafilatura.bare_extraction
    calls = []

    def fake(content, **kw):
        calls.append(kw["favor_precision"])
        if kw["favor_precision"] and not precise_finds_text:
            return None
        return real(content, **kw)
    monkeypatch.setattr(trafilatura, "bare_extraction", fake)
    page = ("<html><body><article><p>The two navies agreed on Tuesday to share radar data along the strait, "
            "officials said, in a step meant to speed up rescues at sea.</p></article></body></html>")
    a = clean(RawArticle("a", "a.html", "html", page), settings)
    assert "share radar data" in a.text
    assert calls == ([True] if precise_finds_text else [True, False])


def test_clean_reads_the_text_for_a_date_only_without_a_sidecar_date(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(clean_mod.pubdate, "from_text", lambda lines: calls.append(lines) or "2024-03-05")
    raw = RawArticle("a1", "a1.txt", "text", f"{BODY}\n", {"published": "2023-01-02"})
    assert clean(raw, settings).published == "2023-01-02" and calls == []
    raw = RawArticle("a2", "a2.txt", "text", f"{BODY}\n", {})
    art = clean(raw, settings)
    assert (art.published, art.published_source) == ("2024-03-05", "text") and len(calls) == 1
