import pytest

from pipeline.read import clean as clean_mod
from pipeline.read import language as language_mod
from pipeline.read.clean import clean, clean_lines, guess_title
from pipeline.read.language import detect_language
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


@pytest.mark.parametrize("text,lang", [
    (BODY, "en"), ("Правительство России подписало соглашение.", "ru"),
    ("Die Regierung hat am Dienstag ein neues Abkommen mit den Nachbarländern unterzeichnet.", "de"),
    ("O governo assinou nesta terça-feira um acordo de cooperação com os países vizinhos.", "pt"),
    ("1,356 | 2,048", "und"), ("— · —", "und"),
])
def test_clean_detect_language(text, lang, settings):
    assert detect_language(text, settings) == lang


# English the old stop-word share refused: short, or made of names, numbers and headings
@pytest.mark.parametrize("text", [
    "GIRLS BASKETBALL\nEastside d. Westview 55-40\nLakeland d. Hilltop 47-45",
    "Warm up for five minutes. Then do three rounds of twenty jumping jacks and a plank.",
    "Ingredients\n2 ripe pears\n1 cup sugar\n1 tsp cinnamon",
    "Kim and Park met Tanaka in Busan; Lee spoke to Suzuki by phone.",
])
def test_clean_detect_language_keeps_short_english(text, settings):
    assert detect_language(text, settings) == "en"


@pytest.mark.parametrize("threshold,lang", [(0.01, "en"), (1.01, "fr")])
def test_clean_detect_language_refusal_threshold_is_the_setting(threshold, lang, settings):
    mine = {**settings, "language": {**settings["language"], "min_english_probability": threshold}}
    # English everywhere but one French clause: English at the shipped threshold, refused at
    # a threshold no probability reaches (then the best other language is named)
    text = BODY + " Les deux pays ont signé un accord."
    assert detect_language(text, mine) == lang


def test_clean_language_sample_takes_start_middle_and_end():
    text = " ".join(f"w{i}" for i in range(3000))
    start, middle, end = language_mod.sample(text, 300).split("\n")
    assert start.startswith("w0 ") and end.endswith("w2999") and max(map(len, (start, middle, end))) <= 100
    assert 1000 < int(middle.split()[0][1:]) < 2000
    assert language_mod.sample("short text", 300) == "short text"


def test_clean_short_english_html_body_is_read(settings):
    page = ("<html><body><article><h1>Scores</h1><p>GIRLS BASKETBALL</p><p>Eastside d. Westview 55-40</p>"
            "<p>Lakeland d. Hilltop 47-45</p><p>Northgate d. Southpoint 38-30</p></article></body></html>")
    a = clean(RawArticle("s", "s.html", "html", page), settings)
    assert a.language == "en" and "Eastside d. Westview 55-40" in a.text


@pytest.mark.parametrize("lines,title", [
    (["Seoul and Tokyo agree to restore intelligence pact", BODY], "Seoul and Tokyo agree to restore intelligence pact"),
    ([BODY], ""),
])
def test_clean_guess_title(lines, title):
    assert guess_title(lines) == title


LONG = ("The two navies agreed on Tuesday to share radar data along the strait, officials said, in a step "
        "meant to speed up rescues at sea. ")
SHORT = "The two navies agreed on Tuesday to share radar data along the strait, officials said."


@pytest.mark.parametrize("precise, share, calls, kept", [
    (LONG, 0.0, [True], LONG),                 # no fallback asked: the precise text alone
    ("", 0.0, [True, False], LONG + SHORT),    # the precise extraction found nothing
    (LONG, 0.5, [True, False], LONG),          # over half the balanced text: the precise one is kept
    (SHORT, 0.5, [True, False], LONG + SHORT),  # under half of it: the precise setting cut the article
])
def test_clean_html_falls_back_to_the_balanced_extraction(settings, monkeypatch, precise, share, calls, kept):
    import trafilatura

    seen = []

    class Doc:
        def __init__(self, text):
            self.text, self.title, self.author, self.sitename, self.url, self.date = text, "", "", "", "", ""

    def fake(content, **kw):
        seen.append(kw.get("favor_precision", False))
        return Doc(precise if kw.get("favor_precision") else LONG + SHORT)
    monkeypatch.setattr(trafilatura, "bare_extraction", fake)
    mine = {**settings, "clean": {**settings["clean"], "html_favour": "precision", "html_fallback_share": share,
                                  "html_line_rules": "none"}}
    a = clean(RawArticle("a", "a.html", "html", "<html><body><p>page</p></body></html>"), mine)
    assert seen == calls and a.text == kept.strip()


@pytest.mark.parametrize("rules, kept", [
    ("all", ["Ministers sign port deal at dawn.", BODY]),
    ("patterns", ["Ministers sign port deal at dawn.", "Pier Four", BODY]),
    ("furniture", ["Ministers sign port deal at dawn.", "Share this article", "Pier Four", BODY]),
    ("none", ["Ministers sign port deal at dawn.", "Share this article", "Read more", "Pier Four", BODY]),
])
def test_clean_html_line_rules_setting(rules, kept):
    # furniture: a line that is nothing but a menu word; patterns: also share prompts; all: also short labels
    text = f"Ministers sign port deal at dawn.\nShare this article\nRead more\nPier Four\n{BODY}"
    assert clean_lines(text, 4, rules) == kept


def test_clean_reads_the_text_for_a_date_only_without_a_sidecar_date(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(clean_mod.pubdate, "from_text", lambda lines: calls.append(lines) or "2024-03-05")
    raw = RawArticle("a1", "a1.txt", "text", f"{BODY}\n", {"published": "2023-01-02"})
    assert clean(raw, settings).published == "2023-01-02" and calls == []
    raw = RawArticle("a2", "a2.txt", "text", f"{BODY}\n", {})
    art = clean(raw, settings)
    assert (art.published, art.published_source) == ("2024-03-05", "text") and len(calls) == 1


@pytest.mark.parametrize("key, value", [("html_favour", "precise"), ("html_line_rules", "some")])
def test_clean_html_setting_out_of_its_choices_is_e016(settings, key, value):
    mine = {**settings, "clean": {**settings["clean"], key: value}}
    page = "<html><body><article><p>" + BODY + "</p></article></body></html>"
    with pytest.raises(PipelineError) as e:
        clean(RawArticle("h", "h.html", "html", page), mine)
    assert e.value.code == "E016" and value in str(e.value) and "make" not in str(e.value)


def test_clean_language_identifier_missing_is_e017(settings, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_langid(name, *a, **kw):
        if name.startswith("py3langid"):
            raise ImportError("No module named 'py3langid'")
        return real_import(name, *a, **kw)
    language_mod._identifier.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_langid)
    try:
        with pytest.raises(PipelineError) as e:
            detect_language(BODY, settings)
    finally:
        monkeypatch.undo()
        language_mod._identifier.cache_clear()
    assert e.value.code == "E017" and "make setup" in str(e.value)


LONG_ENGLISH = ("The two governments said on Monday that they had agreed to extend the river treaty for "
                "another ten years. The ministers, who met in the border town, also said that the new text "
                "would be signed by the end of the month and that it was the result of long talks with the "
                "farmers who use the water. Officials from both sides have been asked to draft the annex.")
LONG_SPANISH = ("Los dos gobiernos anunciaron el lunes que habían acordado prorrogar el tratado del río "
                "durante otros diez años. Los ministros, reunidos en la ciudad fronteriza, dijeron también que "
                "el nuevo texto se firmará antes de fin de mes y que es el resultado de largas conversaciones "
                "con los agricultores que usan el agua del río para sus cultivos de invierno.")


def _count_identifier_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = language_mod.probabilities
    monkeypatch.setattr(language_mod, "probabilities", lambda t: calls.append(t) or real(t))
    return calls


@pytest.mark.parametrize("text,lang,asked", [
    (LONG_ENGLISH, "en", 0),                # clearly English: the identifier is not asked
    (LONG_SPANISH, "es", 1),                # not English: asked, and refused as before
    (BODY, "en", 1),                        # English but short: asked
    (LONG_ENGLISH.replace("the", "тхе"), "en", 1),   # letters not ASCII: asked
])
def test_clean_language_shortcut_skips_the_identifier_only_when_conclusive(text, lang, asked, settings, monkeypatch):
    calls = _count_identifier_calls(monkeypatch)
    assert detect_language(text, settings) == lang
    assert len(calls) == asked
    off = {**settings, "language": {**settings["language"], "shortcut_words": 0}}
    assert detect_language(text, off) == lang       # the same verdict from the identifier itself


def test_clean_language_shortcut_stands_aside_for_a_strict_threshold(settings, monkeypatch):
    calls = _count_identifier_calls(monkeypatch)
    strict = {**settings, "language": {**settings["language"], "min_english_probability": 1.01}}
    assert detect_language(LONG_ENGLISH, strict) != "en" and len(calls) == 1


def test_clean_language_shortcut_counts_function_words_and_words():
    assert language_mod.clearly_english(LONG_ENGLISH, 40, 0.15)
    assert not language_mod.clearly_english(LONG_ENGLISH, 400, 0.15)      # too few words
    assert not language_mod.clearly_english(LONG_ENGLISH, 40, 0.9)        # too few function words
    assert not language_mod.clearly_english(LONG_ENGLISH, 0, 0.0)         # 0 words: off
    assert not language_mod.clearly_english(LONG_SPANISH, 40, 0.15)


# ---------------------------------------------------------------- the language judged later (a run's workers)
SPANISH = ("El consejo municipal aprobó ayer un plan para arreglar los puentes del río antes del invierno.\n"
           "Los vecinos pidieron que las obras empiecen cuanto antes y que duren poco.")
SHORT_ENGLISH = "Two harbours agreed to share their cranes."        # too short for the shortcut
FOREIGN_SCRIPT = "Городской совет вчера одобрил план ремонта мостов через реку до зимы."


@pytest.mark.parametrize("text,verdict", [(SPANISH, "es"), (SHORT_ENGLISH, "en"), (FOREIGN_SCRIPT, "ru")])
def test_clean_deferred_language_gives_cleans_own_verdict_where_it_is_judged(text, verdict, settings):
    """With defer_language, a text the shortcut does not settle is not judged here; its verdict,
    given later, is the error clean() raises (or, English, the article clean() returns)."""
    raw = RawArticle(article_id="x", source_path="x.txt", fmt="text", content=text)
    pending = clean(raw, settings, defer_language=True)
    assert isinstance(pending, clean_mod.Unjudged)
    assert detect_language(pending.text, settings) == verdict
    error = pending.error(verdict)
    try:
        expected = clean(raw, settings)
    except PipelineError as e:
        assert error is not None and error.row() == e.row()
    else:
        assert error is None and pending.article == expected


def test_clean_deferred_language_judges_nothing_the_shortcut_settles(settings, monkeypatch):
    calls = _count_identifier_calls(monkeypatch)
    raw = RawArticle(article_id="x", source_path="x.txt", fmt="text", content=LONG_ENGLISH)
    assert clean(raw, settings, defer_language=True) == clean(raw, settings) and calls == []
