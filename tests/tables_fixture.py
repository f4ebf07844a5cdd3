"""A small output folder written through the real writer (tables.rows_for + output.finalise) from
hand-built extractions, without the model: for the tests of load_tables, the SQLite and Parquet
copies, the report index and the CLI. Sentences in our own words; one starts with '-' and one
with '=' so the formula-safety apostrophe is exercised."""
from __future__ import annotations

from pathlib import Path

from pipeline.records import (ActorFinding, AgreementFinding, Article, DateFinding, Extraction, Mention,
                              MotiveFinding, Sentence)
from pipeline.schemas import TABLES
from pipeline.write import csvio, output
from pipeline.write.tables import rows_for

TEXT_A = ("Norway and Iceland signed the Fjord Patrol Accord (FPA) on 2 June 2021 to deter smugglers.\n"
          "- Critics said the FPA would cost too much.\n"
          "=Budget lines were published in May.")
TEXT_B = "Chile and Peru are negotiating a Port Logistics Agreement amid rising freight costs."


def _sentences(aid: str, text: str) -> list[Sentence]:
    out, start = [], 0
    for n, line in enumerate(text.split("\n")):
        out.append(Sentence(aid, n, start, start + len(line), line))
        start += len(line) + 1
    return out


def extractions() -> list[Extraction]:
    a = Article("fjord_patrol", "fjord_patrol.txt", TEXT_A, title="Fjord patrol accord signed",
                published="2021-06-03", published_source="sidecar", site="Harbour Wire")
    sa = _sentences(a.article_id, TEXT_A)
    fpa = TEXT_A.index("Fjord Patrol Accord")
    ex_a = Extraction(article=a, sentences=sa)
    ex_a.agreements = [AgreementFinding("Fjord Patrol Accord", "FPA", "defense", ["Iceland", "Norway"], "signed",
                                        "2021-06-02", [0, 1], 0, 0.9,
                                        [Mention(fpa, fpa + len("Fjord Patrol Accord"), "Fjord Patrol Accord", 0)])]
    ex_a.actors = [ActorFinding("Norway", "state", mentions=[Mention(0, 6, "Norway", 0)]),
                   ActorFinding("Iceland", "state", mentions=[Mention(11, 18, "Iceland", 0)])]
    d = TEXT_A.index("2 June 2021")
    m = TEXT_A.index("May")
    ex_a.dates = [DateFinding(0, d, d + 11, "2 June 2021", "2021-06-02", "2021-06-03"),
                  DateFinding(2, m, m + 3, "May", "2021-05", "2021-06-03")]
    mo = TEXT_A.index("to deter smugglers")
    ex_a.motives = [MotiveFinding(0, mo, mo + len("to deter smugglers"), "to deter smugglers", "to deter", "FPA",
                                  "Norway", agreement_n=0)]
    b = Article("port_logistics", "port_logistics.txt", TEXT_B,
                url="https://news.example/2024/05/chile-peru-port-logistics-talks.html")
    ex_b = Extraction(article=b, sentences=_sentences(b.article_id, TEXT_B))
    name = "Port Logistics Agreement"
    p = TEXT_B.index(name)
    ex_b.agreements = [AgreementFinding(name, "", "logistics", ["Chile", "Peru"], "under_negotiation", "", [0], 0,
                                        0.7, [Mention(p, p + len(name), name, 0)])]
    ex_b.actors = [ActorFinding("Chile", "state", mentions=[Mention(0, 5, "Chile", 0)])]
    return [ex_a, ex_b]


def write_outputs(out: Path, with_agreement_id: bool = True) -> Path:
    """Write the tables into out; with_agreement_id adds motives' agreement_id column at the end
    (as the contract's motives.csv has it) when the writer does not write it yet."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    for ex in extractions():
        for name, rows in rows_for(ex).items():
            tables[name].extend(rows)
    output.finalise(out, tables)
    motives = out / TABLES["motives"].file
    header = csvio.read_header(motives)
    if with_agreement_id and "agreement_id" not in header:
        ids = {r["acronym"] or r["name"]: r["agreement_id"] for r in csvio.read_csv(out / "agreements.csv")}
        rows = [dict(r, agreement_id=ids.get(r["agreement"], "")) for r in csvio.read_csv(motives)]
        csvio.write_csv_atomic(motives, header + ["agreement_id"], rows)
    return out
