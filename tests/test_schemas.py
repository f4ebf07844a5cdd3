import pytest

from pipeline.schemas import CORPUS_TABLES, DATES, TABLES, SchemaError, validate

SPEC_COLUMNS = {
    "articles": "article_id source_path title url site author published published_source language n_sentences text_sha256",
    "sentences": "sentence_id article_id n char_start char_end text",
    "agreements": "agreement_id article_id name acronym kind parties status status_date sentence_ids evidence confidence",
    "actors": "actor_id article_id name type country role aliases n_mentions sentence_ids",
    "dates": "date_id article_id sentence_id char_start char_end text value anchor",
    "motives": "motive_id article_id sentence_id char_start char_end text cue agreement actor",
    "errors": "path line code message",
}
# Columns the contract adds after the review columns (TABLES.md: motives end with agreement_id; then
# every review table ends with `why`, agreements with `why, status_cue`: README, "Why a row exists").
AFTER_REVIEW = {"motives": ["agreement_id", "why"], "agreements": ["why", "status_cue"], "actors": ["why"],
                "dates": ["why"]}


@pytest.mark.parametrize("table", sorted(SPEC_COLUMNS))
def test_schemas_columns_follow_the_contract(table):
    cols = TABLES[table].columns
    spec = SPEC_COLUMNS[table].split()
    assert cols[:len(spec)] == spec
    if TABLES[table].reviewable:
        assert cols[len(spec):] == ["review_status", "reviewer", "review_note", "source_link",
                                    *AFTER_REVIEW.get(table, [])]


REGISTER_SPEC = {
    "register": "register_id name acronym kind parties status status_date first_reported last_reported n_articles "
                "agreement_ids conflict review_status reviewer review_note merge_into split source_link",
    "status_events": "register_id status event_date published article_id agreement_id sentence_id evidence",
}


@pytest.mark.parametrize("table", sorted(REGISTER_SPEC))
def test_schemas_register_tables_follow_the_contract(table):
    assert CORPUS_TABLES[table].columns[:len(REGISTER_SPEC[table].split())] == REGISTER_SPEC[table].split()
    assert table not in TABLES      # built once per run from the others, never per article


def _date_row(**kw):
    row = {c: "" for c in DATES.columns}
    row.update(date_id="dt-1", article_id="a", text="May", value="XXXX-05", review_status="pending")
    row.update(kw)
    return row


@pytest.mark.parametrize("rows,fragment", [
    ([_date_row(value="May 2015")], "value='May 2015'"),
    ([_date_row(), _date_row()], "duplicate date_id"),
    ([_date_row(review_status="maybe")], "review_status='maybe'"),
])
def test_schemas_validate_collects_failures(rows, fragment):
    with pytest.raises(SchemaError) as e:
        validate(DATES, rows)
    assert fragment in str(e.value)


@pytest.mark.parametrize("value", ["2015-04-13", "XXXX-05", "2015-W15", "2014-SU", "XXXX-XX-XX", "201X"])
def test_schemas_accept_timex_values(value):
    validate(DATES, [_date_row(value=value)])


@pytest.mark.parametrize("table, prefix", [("agreements", "ag"), ("actors", "ac"), ("dates", "dt"), ("motives", "mo")])
def test_schemas_review_tables_own_prefix_summary_and_name(table, prefix):
    """Each review table's schema holds its id prefix, summary columns (all its own columns) and
    display name; rows are made with that prefix."""
    from pipeline.records import (
        ActorFinding, AgreementFinding, Article, DateFinding, Extraction, Mention, MotiveFinding, Sentence,
    )
    from pipeline.schemas import ID_PREFIX, REVIEW_TABLES, SUMMARY_COLUMNS
    from pipeline.write.tables import rows_for

    text = "Peru and Ghana signed a fish pact on Tuesday to share catch data."
    ex = Extraction(article=Article("x1", "x1.txt", text), sentences=[Sentence("x1", 0, 0, len(text), text)],
                    actors=[ActorFinding("Peru", "state", mentions=[Mention(0, 4, "Peru", 0)])],
                    dates=[DateFinding(0, 36, 43, "Tuesday", "XXXX-XX-XX")],
                    agreements=[AgreementFinding("Fish Pact", parties=["Ghana", "Peru"], sentence_ns=[0])],
                    motives=[MotiveFinding(0, 44, len(text), text[44:], "to", "Fish Pact")])

    schema = TABLES[table]
    assert table in REVIEW_TABLES and schema.id_prefix == ID_PREFIX[table] == prefix
    assert schema.label == table
    assert SUMMARY_COLUMNS[table] and set(SUMMARY_COLUMNS[table]) <= set(schema.columns)
    assert rows_for(ex)[table][0][schema.key].startswith(f"{prefix}-")


def test_schemas_are_where_the_cli_and_review_read_the_review_tables():
    from pipeline.cli import build_parser
    from pipeline.schemas import ID_PREFIX, REVIEW_TABLES, SUMMARY_COLUMNS
    from pipeline.write import review

    args = build_parser().parse_args(["review", "pending", "--table", REVIEW_TABLES[-1]])
    assert args.table == REVIEW_TABLES[-1]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["review", "pending", "--table", "articles"])
    assert review.PREFIX == ID_PREFIX and review.SUMMARY_COLUMNS == SUMMARY_COLUMNS
