import json

import pytest

from pipeline.errors import PipelineError
from pipeline.read.ingest import discover, read_inputs

GOOD = "Japan and Chile signed a logistics agreement on Thursday, officials said.\n"


def _items(root, settings):
    return list(read_inputs(root, settings))


def _errors(items):
    return [i for i in items if isinstance(i, PipelineError)]


def _articles(items):
    return [i for i in items if not isinstance(i, PipelineError)]


@pytest.mark.parametrize("names", [["b.txt", "a.html", "sub/c.txt", "sub/a.jsonl"]])
def test_ingest_discovery_is_recursive_and_sorted(tmp_path, names):
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == sorted(names)


@pytest.mark.parametrize("payload,code", [
    (b"", "E003"),
    (b"   \n\n  ", "E003"),
    (b"\x00\x01\x02PNG\x00binary" * 20, "E004"),
])
def test_ingest_bad_files_give_coded_errors(tmp_path, settings, payload, code):
    (tmp_path / "bad.txt").write_bytes(payload)
    (tmp_path / "good.txt").write_text(GOOD)
    items = _items(tmp_path, settings)
    assert [e.code for e in _errors(items)] == [code]
    assert "bad.txt" in str(_errors(items)[0])
    assert [a.article_id for a in _articles(items)] == ["good"]


@pytest.mark.parametrize("text,encoding", [
    ("Seoul and Tokyo agreed to resume talks. 서울과 도쿄가 회담을 재개했다.", "cp949"),
    ("The café in Montréal hosted the signing of the accord.", "latin-1"),
    ("The minister’s “historic” pact was signed — finally.", "cp1252"),
])
def test_ingest_decodes_legacy_encodings(tmp_path, settings, text, encoding):
    (tmp_path / "legacy.txt").write_bytes(text.encode(encoding))
    [article] = _articles(_items(tmp_path, settings))
    assert article.content == text


@pytest.mark.parametrize("lines,codes", [
    (['{"id": "a1", "text": "Japan signed a pact."}', "{not json", '{"id": "a3"}', '["list"]'],
     ["E012", "E013", "E013"]),
])
def test_ingest_jsonl_reports_each_broken_line(tmp_path, settings, lines, codes):
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    items = _items(tmp_path, settings)
    assert [e.code for e in _errors(items)] == codes
    assert [e.line for e in _errors(items)] == [2, 3, 4]
    [a] = _articles(items)
    assert (a.article_id, a.line, a.fmt) == ("a1", 1, "text")


@pytest.mark.parametrize("sidecar,expected_title,error", [
    ({"title": "From the sidecar", "published": "2024-05-01"}, "From the sidecar", None),
    ("{broken json", "", "E014"),
])
def test_ingest_sidecar_wins_or_is_reported(tmp_path, settings, sidecar, expected_title, error):
    (tmp_path / "story.txt").write_text(GOOD)
    (tmp_path / "story.meta.json").write_text(sidecar if isinstance(sidecar, str) else json.dumps(sidecar))
    items = _items(tmp_path, settings)
    [a] = _articles(items)
    assert a.meta.get("title", "") == expected_title
    assert [e.code for e in _errors(items)] == ([error] if error else [])


@pytest.mark.parametrize("layout", [{"x/dup.txt": GOOD, "y/dup.txt": GOOD}])
def test_ingest_duplicate_ids_are_refused(tmp_path, settings, layout):
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    items = _items(tmp_path, settings)
    assert [e.code for e in _errors(items)] == ["E011"]
    assert len(_articles(items)) == 1


@pytest.mark.parametrize("name", ["notes.docx", "scan.pdf"])
def test_ingest_unsupported_types_are_reported(tmp_path, settings, name):
    (tmp_path / name).write_bytes(b"data")
    assert [e.code for e in _errors(_items(tmp_path, settings))] == ["E006"]


@pytest.mark.parametrize("limit", [100])
def test_ingest_huge_file_is_refused(tmp_path, settings, limit):
    big = dict(settings, ingest=dict(settings["ingest"], max_bytes=limit))
    (tmp_path / "huge.txt").write_text(GOOD * 10)
    assert [e.code for e in _errors(_items(tmp_path, big))] == ["E007"]


@pytest.mark.parametrize("missing", ["no/such/folder"])
def test_ingest_missing_input_raises(tmp_path, missing):
    with pytest.raises(PipelineError) as e:
        discover(tmp_path / missing)
    assert e.value.code == "E001"


# ---------------------------------------------------------------- issue 16 reliability audit
def test_ingest_dangling_symlink_and_unreadable_folder_are_reported(tmp_path, settings, monkeypatch):
    import os
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(GOOD)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    items = _items(tmp_path, settings)
    errs = {(e.code, e.path.split("/")[-1]) for e in _errors(items)}
    assert ("E002", "gone.txt") in errs and ("E002", "locked") in errs
    assert [a.article_id for a in _articles(items)] == ["good"]


@pytest.mark.parametrize("encoding", ["utf-16"])
def test_ingest_utf16_with_bom_is_text(tmp_path, settings, encoding):
    (tmp_path / "u.txt").write_bytes(GOOD.encode(encoding))
    items = _items(tmp_path, settings)
    assert _errors(items) == [] and _articles(items)[0].content == GOOD


@pytest.mark.parametrize("sidecar,bad", [
    ({"title": 5, "author": {"a": 1}, "site": "Kept Site"}, ["title", "author"]),
    ({"published": "sometime last spring", "site": "Kept Site"}, ["published"]),
])
def test_ingest_sidecar_fields_of_the_wrong_kind_are_reported(tmp_path, settings, sidecar, bad):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "a.meta.json").write_text(json.dumps(sidecar))
    items = _items(tmp_path, settings)
    errs = _errors(items)
    assert [e.code for e in errs] == ["E036"] * len(bad)
    assert all(f"'{b}'" in str(e) for e, b in zip(errs, bad))
    art = _articles(items)[0]
    assert art.meta == {"site": "Kept Site"}


def test_ingest_jsonl_text_and_html_and_nul_characters(tmp_path, settings):
    recs = [{"id": "a\u0000b", "text": GOOD.replace(" on ", " on\u0000 "), "html": "<p>other</p>"}]
    (tmp_path / "x.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    items = _items(tmp_path, settings)
    errs = _errors(items)
    assert [(e.code, e.line) for e in errs] == [("E036", 1)] and "'html'" in str(errs[0])
    art = _articles(items)[0]
    assert art.article_id == "ab" and "\x00" not in art.content and art.content.strip() == GOOD.strip()


def test_ingest_article_over_the_model_limit_is_refused(settings):
    from pipeline.read.clean import MAX_CHARS, clean
    from pipeline.records import RawArticle
    line = "Officials in both capitals said the talks on the pact would go on next week.\n"
    raw = RawArticle("big", "big.txt", "text", line * (MAX_CHARS // len(line) + 2))
    with pytest.raises(PipelineError) as e:
        clean(raw, settings)
    assert e.value.code == "E037" and "1,000,000" in str(e.value)
