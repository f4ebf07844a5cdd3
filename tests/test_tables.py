import pytest

from pipeline.records import ActorFinding, AgreementFinding, Article, DateFinding, Extraction, Mention, MotiveFinding, Sentence
from pipeline.schemas import TABLES, validate
from pipeline.write.tables import join_list, pack, rows_for, stable_id

TEXT = "Japan and Chile signed a pact on Friday. It aims to ease logistics."


def _extraction(text=TEXT):
    s0, s1 = Sentence("a1", 0, 0, 40, text[:40]), Sentence("a1", 1, 41, len(text), text[41:])
    return Extraction(
        article=Article("a1", "a1.txt", text, published="2024-05-03"),
        sentences=[s0, s1],
        actors=[ActorFinding("Japan", "state", mentions=[Mention(0, 5, "Japan", 0)])],
        dates=[DateFinding(0, 31, 37, "Friday", "2024-05-03", "2024-05-03")],
        agreements=[AgreementFinding("Logistics Pact", parties=["Chile", "Japan"], status="signed",
                                     sentence_ns=[0, 1], evidence_n=0)],
        motives=[MotiveFinding(1, 44, 66, text[44:66], "aims to", "Logistics Pact", agreement_n=0)])


@pytest.mark.parametrize("values,expected", [(["b", "a", "b", ""], "a; b"), ([], "")])
def test_tables_join_list_sorted_unique(values, expected):
    assert join_list(values) == expected


@pytest.mark.parametrize("parts", [("ag", "a1", "x", "y")])
def test_tables_stable_id_depends_only_on_content(parts):
    assert stable_id(*parts) == stable_id(*parts)
    assert stable_id(*parts) != stable_id(*parts[:-1], "z")


def test_tables_rows_validate_and_link_to_sources():
    rows = rows_for(_extraction())
    for name, table_rows in rows.items():
        validate(TABLES[name], table_rows)
    assert rows["agreements"][0]["sentence_ids"] == "a1:0; a1:1"
    assert rows["agreements"][0]["source_link"] == "report/a1.html#s0"
    assert rows["motives"][0]["source_link"] == "report/a1.html#s1"
    assert rows["articles"][0]["n_sentences"] == 2


def test_tables_rows_hold_exactly_their_columns_in_order_so_packing_loses_nothing():
    rows = rows_for(_extraction())
    packed = pack(rows)
    for name, table_rows in rows.items():
        assert table_rows and all(list(row) == TABLES[name].columns for row in table_rows), name
        assert [dict(zip(TABLES[name].columns, values)) for values in packed[name]] == table_rows


@pytest.mark.parametrize("edit", ["Japan and Chile signed a pact on Monday. It aims to ease logistics."])
def test_tables_ids_change_when_the_text_changes(edit):
    a, b = rows_for(_extraction()), rows_for(_extraction(edit))
    assert a["actors"][0]["actor_id"] != b["actors"][0]["actor_id"]
    assert rows_for(_extraction())["actors"][0]["actor_id"] == a["actors"][0]["actor_id"]


def test_tables_motive_agreement_id_is_the_row_id_of_the_linked_agreement_object():
    ex = _extraction()
    twin = AgreementFinding("Logistics Pact", parties=["Chile", "Peru"], sentence_ns=[1], evidence_n=1)
    ex.agreements.append(twin)   # same name, other parties: a name alone cannot tell the two apart
    ex.motives = [MotiveFinding(1, 44, 66, TEXT[44:66], "aims to", "Logistics Pact", agreement_n=1),
                  MotiveFinding(1, 44, 66, TEXT[44:66], "aims to", "Logistics Pact"),
                  MotiveFinding(1, 44, 66, TEXT[44:66], "aims to", "Logistics Pact", agreement_n=5)]
    rows = rows_for(ex)
    ids = [a["agreement_id"] for a in rows["agreements"]]
    assert [m["agreement_id"] for m in rows["motives"]] == [ids[1], "", ""]
    assert rows["motives"][0]["agreement_id"] != ids[0]


def test_tables_motives_written_before_agreement_id_existed_keep_their_review_and_gain_the_column():
    from pipeline.write.review import merge
    fresh = rows_for(_extraction())["motives"]
    assert fresh[0]["agreement_id"] == rows_for(_extraction())["agreements"][0]["agreement_id"]
    old = {c: v for c, v in fresh[0].items() if c != "agreement_id"}      # a table of an older run
    old.update(review_status="accepted", reviewer="ana", review_note="clear purpose")
    rows, orphans = merge("motives", fresh, [old])
    assert orphans == [] and len(rows) == 1
    assert (rows[0]["review_status"], rows[0]["reviewer"]) == ("accepted", "ana")
    assert rows[0]["agreement_id"] == fresh[0]["agreement_id"]
