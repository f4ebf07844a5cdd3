"""End-to-end checks of the output contract (shared/spec/TABLES.md) on the sample corpus plus
bad inputs: every offset quotes its span exactly, every input yields a row or an error."""
import hashlib
import shutil

import pytest

from pipeline.read.clean import clean
from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.read.ingest import read_inputs
from pipeline.config import PROJECT_ROOT
from pipeline.write.csvio import read_csv
from pipeline.schemas import CORPUS_TABLES, TABLES

pytestmark = pytest.mark.model

BAD = {
    "empty.txt": b"",
    "binary.txt": b"\x00\x89PNG\x00\x00" * 50,
    "korean.txt": "서울과 도쿄는 오늘 국방 협력 회담을 재개하기로 합의했다. 양국은 정보 공유를 확대한다.".encode("cp949"),
    "broken.html": b"<html><body><div><nav>Home</nav>",
    "feed.jsonl": b'{"id": "ok1", "text": "Peru and Japan signed a trade pact on Monday, officials said."}\n{oops\n',
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("contract")
    corpus = root / "in"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    for name, data in BAD.items():
        (corpus / name).write_bytes(data)
    out = root / "out"
    code = main(["run", "--input", str(corpus), "--output", str(out)])
    return corpus, out, code


def test_contract_bad_inputs_fail_the_run_but_not_the_others(run_dir):
    corpus, out, code = run_dir
    assert code == 1
    errors = read_csv(out / "errors.csv")
    by_path = {(e["path"], e["line"]): e["code"] for e in errors}
    assert by_path == {("empty.txt", ""): "E003", ("binary.txt", ""): "E004", ("korean.txt", ""): "E009",
                       ("broken.html", ""): "E008", ("feed.jsonl", "2"): "E012"}
    assert all(e["message"].startswith(f"[{e['code']}] {e['path']}") for e in errors)
    ids = {a["article_id"] for a in read_csv(out / "articles.csv")}
    assert "ok1" in ids and len(ids) == 6


@pytest.mark.parametrize("table", sorted(TABLES))
def test_contract_tables_have_contract_columns(run_dir, table):
    _, out, _ = run_dir
    header = (out / TABLES[table].file).read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == TABLES[table].columns


@pytest.mark.parametrize("table", sorted(CORPUS_TABLES))
def test_contract_register_tables_have_contract_columns(run_dir, table):
    _, out, _ = run_dir
    header = (out / CORPUS_TABLES[table].file).read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == CORPUS_TABLES[table].columns
    assert read_csv(out / CORPUS_TABLES[table].file), f"no {table} rows from the sample corpus"


def test_contract_register_holds_every_agreement_row_once(run_dir):
    _, out, _ = run_dir
    agreements = {r["agreement_id"] for r in read_csv(out / "agreements.csv")}
    held = [a for r in read_csv(out / "register.csv") for a in r["agreement_ids"].split("; ")]
    assert sorted(held) == sorted(agreements)
    events = read_csv(out / "status_events.csv")
    assert sorted(e["agreement_id"] for e in events) == sorted(agreements)


@pytest.mark.parametrize("table", ["sentences", "dates", "motives"])
def test_contract_offsets_quote_the_span_exactly(run_dir, table, settings):
    corpus, out, _ = run_dir
    texts = _cleaned_texts(corpus, settings)
    shas = {a["article_id"]: a["text_sha256"] for a in read_csv(out / "articles.csv")}
    assert {k: hashlib.sha256(v.encode()).hexdigest() for k, v in texts.items()} == shas
    rows = read_csv(out / TABLES[table].file)
    assert rows, f"no {table} rows from the sample corpus"
    for row in rows:
        text = texts[row["article_id"]]
        assert text[int(row["char_start"]):int(row["char_end"])] == row["text"]


def test_contract_agreement_evidence_and_actor_aliases_are_in_their_sentences(run_dir):
    _, out, _ = run_dir
    sent = {r["sentence_id"]: r["text"] for r in read_csv(out / "sentences.csv")}
    for ag in read_csv(out / "agreements.csv"):
        ids = ag["sentence_ids"].split("; ")
        assert ag["evidence"] in {sent[i] for i in ids}
    for ac in read_csv(out / "actors.csv"):
        texts = " ".join(sent[i] for i in ac["sentence_ids"].split("; "))
        assert all(alias in texts for alias in ac["aliases"].split("; "))


def _cleaned_texts(corpus, settings):
    """Each article's cleaned text, rebuilt through the ingest and clean stages."""
    texts = {}
    for item in read_inputs(corpus, settings):
        if not isinstance(item, PipelineError):
            try:
                texts[item.article_id] = clean(item, settings).text
            except PipelineError:
                pass
    return texts


def test_contract_motives_end_with_agreement_id_after_the_review_columns(run_dir):
    _, out, _ = run_dir
    header = (out / "motives.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert header[-6:] == ["review_status", "reviewer", "review_note", "source_link", "agreement_id", "why"]


def test_contract_motive_agreement_ids_name_an_agreement_row_of_the_same_article(run_dir):
    _, out, _ = run_dir
    agreements = {(a["article_id"], a["agreement_id"]) for a in read_csv(out / "agreements.csv")}
    linked = [m for m in read_csv(out / "motives.csv") if m["agreement_id"]]
    assert linked, "no motive of the sample corpus is linked to an agreement"
    assert all((m["article_id"], m["agreement_id"]) in agreements for m in linked)
