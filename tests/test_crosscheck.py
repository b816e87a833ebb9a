"""pipelines.crosscheck: a prose-only document checked against the tables document of the same
unit, year and kind (generated pair in a temporary DuckDB file, and the js-zx-2019 corpus pair)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipelines import crosscheck, warehouse
from pipelines.model import (
    FACT_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentInfo, empty_frame,
)

UNIT = "江苏省政协办公厅"
YEAR = 2019
KIND = "部门预算"
PROSE_ID, TABLES_ID = "doc-prose", "doc-tables"
INCOME = Decimal("13377.11")
THREE_PUBLIC = Decimal("660.10")


def info(document_id: str, sha: str, unit: str | None = UNIT) -> DocumentInfo:
    return DocumentInfo(document_id=document_id, source_path=f"{document_id}.pdf", sha256=sha, pages=20,
                        unit_name=unit, fiscal_year=YEAR, doc_kind=KIND, amount_unit="万元")


def prose_rows(document_id=PROSE_ID) -> pd.DataFrame:
    return pd.DataFrame([
        {"document_id": document_id, "topic": "income_total", "fiscal_year": YEAR, "amount": INCOME,
         "unit": "万元", "page": 3, "sentence": "2019年收入总计13,377.11万元。"},
        {"document_id": document_id, "topic": "three_public_total", "fiscal_year": YEAR,
         "amount": THREE_PUBLIC, "unit": "万元", "page": 9,
         "sentence": "2019年一般公共预算安排的“三公”经费支出预算为660.10万元。"},
    ], columns=PROSE_COLUMNS)


def fact(document_id, table_code, measure, amount, *, side=None, item="合计", is_total=True, page=1):
    return {
        "document_id": document_id, "unit_name": UNIT, "fiscal_year": YEAR, "table_code": table_code,
        "side": side, "item": item, "func_code": None, "econ_dept_code": None, "econ_gov_code": None,
        "project_name": None, "project_category": None, "measure": measure, "amount": amount,
        "unit": "万元", "amount_yuan": amount * 10000, "is_total": is_total, "page": page,
    }


def fact_rows(document_id=TABLES_ID, income=INCOME, three_public=THREE_PUBLIC) -> pd.DataFrame:
    return pd.DataFrame([
        fact(document_id, "summary", "total", income, side="income", item="收入总计"),
        fact(document_id, "summary", "total", income, side="expenditure", item="支出总计"),
        fact(document_id, "income", "total", income, item="合计", page=2),
        fact(document_id, "three_public", "total", three_public, item="2019年预算数", page=8,
             is_total=False),
    ], columns=FACT_COLUMNS)


def load_pair(con, tables_facts: pd.DataFrame, *, tables_first: bool = False) -> None:
    def load_prose():
        warehouse.load_document(con, info(PROSE_ID, "1" * 64), empty_frame(FACT_COLUMNS), None,
                                prose_rows(), empty_frame(VALIDATION_COLUMNS))

    def load_tables():
        warehouse.load_document(con, info(TABLES_ID, "2" * 64), tables_facts, None,
                                empty_frame(PROSE_COLUMNS), empty_frame(VALIDATION_COLUMNS))

    for step in ((load_tables, load_prose) if tables_first else (load_prose, load_tables)):
        step()
    statuses = dict(con.execute("SELECT document_id, status FROM documents").fetchall())
    # a prose-only document and a tables document complement each other: neither supersedes
    assert statuses == {PROSE_ID: "loaded", TABLES_ID: "loaded"}


def xdoc_rows(con, document_id=PROSE_ID) -> pd.DataFrame:
    return crosscheck._frame(con, "SELECT * FROM validation_results WHERE document_id = ? AND "
                                  "starts_with(check_id, 'prose_xdoc.') ORDER BY check_id", [document_id])


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "budget.duckdb")
    yield connection
    connection.close()


# ---------------------------------------------------------------- without the warehouse
def test_pair_matches():
    rows = crosscheck.check_document_pair(prose_rows(), fact_rows(), PROSE_ID, TABLES_ID)
    assert list(rows.columns) == VALIDATION_COLUMNS
    assert sorted(rows.check_id) == ["prose_xdoc.income_total", "prose_xdoc.three_public_total"]
    assert rows.passed.all(), rows.message.tolist()
    assert set(rows.document_id) == {PROSE_ID}
    assert all(location.startswith(f"tables document {TABLES_ID} ") for location in rows.location)


def test_pair_mismatch_names_both_numbers_and_the_other_document():
    rows = crosscheck.check_document_pair(prose_rows(), fact_rows(income=Decimal("13477.11")), PROSE_ID,
                                          TABLES_ID)
    failed = rows[~rows.passed.astype(bool)]
    assert failed.check_id.tolist() == ["prose_xdoc.income_total"]
    message = failed.message.iloc[0]
    assert "13,377.11" in message and "13,477.11" in message and TABLES_ID in message
    assert failed.expected.iloc[0] == Decimal("13477.11") and failed.actual.iloc[0] == INCOME
    # the three_public topic still passes
    assert rows[rows.check_id == "prose_xdoc.three_public_total"].passed.all()


# ---------------------------------------------------------------- through the warehouse
def test_no_rows_without_a_tables_document(con):
    warehouse.load_document(con, info(PROSE_ID, "1" * 64), empty_frame(FACT_COLUMNS), None, prose_rows(),
                            empty_frame(VALIDATION_COLUMNS))
    warehouse.load_document(con, info("other-unit", "3" * 64, unit="江苏省人大常委会办公厅"),
                            fact_rows("other-unit"), None, empty_frame(PROSE_COLUMNS),
                            empty_frame(VALIDATION_COLUMNS))
    assert crosscheck.refresh_cross_document_findings(con).empty
    assert xdoc_rows(con).empty


@pytest.mark.parametrize("tables_first", [False, True], ids=["prose-first", "tables-later-run"])
def test_generated_pair_passes(con, tables_first):
    load_pair(con, fact_rows(), tables_first=tables_first)
    written = crosscheck.refresh_cross_document_findings(con)
    stored = xdoc_rows(con)
    assert len(stored) == len(written) == 2
    assert stored.passed.all(), stored.message.tolist()
    assert sorted(stored.expected) == [THREE_PUBLIC, INCOME]
    # running again replaces the rows, never duplicates them
    crosscheck.refresh_cross_document_findings(con)
    assert len(xdoc_rows(con)) == 2
    assert xdoc_rows(con, TABLES_ID).empty


def test_generated_pair_mismatch_fails(con):
    load_pair(con, fact_rows(income=Decimal("13477.11")))
    crosscheck.refresh_cross_document_findings(con)
    stored = xdoc_rows(con)
    failed = stored[~stored.passed.astype(bool)]
    assert failed.check_id.tolist() == ["prose_xdoc.income_total"]
    assert "13,377.11" in failed.message.iloc[0] and "13,477.11" in failed.message.iloc[0]
    assert failed.location.iloc[0].startswith(f"tables document {TABLES_ID} summary p.1")


def test_reloading_the_prose_document_keeps_cross_rows_refreshable(con):
    load_pair(con, fact_rows())
    crosscheck.refresh_cross_document_findings(con)
    # the prose document's own load replaces all its validation rows; the refresh brings them back
    warehouse.load_document(con, info(PROSE_ID, "1" * 64), empty_frame(FACT_COLUMNS), None, prose_rows(),
                            empty_frame(VALIDATION_COLUMNS))
    assert xdoc_rows(con).empty
    crosscheck.refresh_cross_document_findings(con)
    assert len(xdoc_rows(con)) == 2


# ---------------------------------------------------------------- the corpus pair, through the CLI
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")
@pytest.mark.parametrize("separate_runs", [False, True], ids=["one-run", "tables-in-a-later-run"])
def test_corpus_js_zx_2019_pair(tmp_path, separate_runs):
    from assets.cli import main

    database = tmp_path / "budget.duckdb"
    files = [str(CORPUS / "js-zx-2019-doc.pdf"), str(CORPUS / "js-zx-2019-tables.pdf")]
    for batch in ([files[:1], files[1:]] if separate_runs else [files]):
        assert main(["ingest", *batch, "--db", str(database)]) == 0
    con = warehouse.connect(database, read_only=True)
    try:
        documents = crosscheck._frame(con, "SELECT document_id, source_path, unit_name, status "
                                           "FROM documents ORDER BY source_path", [])
        prose_doc = documents[documents.source_path.str.endswith("js-zx-2019-doc.pdf")].iloc[0]
        assert prose_doc.unit_name == "江苏省政协办公厅"  # read from the prose: its cover is an image
        assert set(documents.status) == {"loaded"}
        rows = xdoc_rows(con, prose_doc.document_id)
    finally:
        con.close()
    assert not rows.empty
    tables_id = documents[documents.source_path.str.endswith("js-zx-2019-tables.pdf")].document_id.iloc[0]
    assert all(f"tables document {tables_id}" in location for location in rows.location)
    print(rows[["check_id", "passed", "expected", "actual", "location"]].to_string())
