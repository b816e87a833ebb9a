"""pipelines.review.prior_year across documents: a 2026 budget's prior-year figures (its 三公 table's
2025 column and the base its prose implies) against the 2025 budget of the same unit in a temporary
warehouse; the rows are replaced on every refresh and follow the documents."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pipelines import warehouse
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentInfo, empty_frame
from pipelines.review.prior_year import refresh_prior_year_findings
from pipelines.units import unit_key

UNIT = "烟台市测试中心"


def info(document_id: str, year: int) -> DocumentInfo:
    return DocumentInfo(document_id=document_id, source_path=f"{document_id}.pdf", sha256=document_id * 8,
                        pages=30, unit_name=UNIT, fiscal_year=year, doc_kind="单位预算", amount_unit="万元",
                        unit_key=unit_key(UNIT))


def facts(document_id: str, rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{
        **{c: None for c in FACT_COLUMNS}, "document_id": document_id, "unit_name": UNIT, "doc_kind": "单位预算",
        "fiscal_year": year, "table_code": "three_public", "measure": measure, "amount": Decimal(amount),
        "unit": "万元", "amount_yuan": Decimal(amount) * 10000, "is_total": False, "page": 14, "row_no": 1,
    } for year, measure, amount in rows], columns=FACT_COLUMNS)


def prose(document_id: str, year: int, sentence: str) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": document_id, "topic": "three_public_total", "fiscal_year": year,
                          "amount": Decimal("40.00"), "unit": "万元", "amount_yuan": Decimal("400000.00"),
                          "page": 21, "sentence": sentence}], columns=PROSE_COLUMNS)


def load(con, document_id, year, fact_rows, sentence=None):
    warehouse.load_document(con, info(document_id, year), facts(document_id, fact_rows), None,
                            prose(document_id, year, sentence) if sentence else empty_frame(PROSE_COLUMNS),
                            empty_frame(VALIDATION_COLUMNS))


def rows(con) -> pd.DataFrame:
    cursor = con.execute("SELECT check_id, passed, page, expected, actual, message, document_id FROM validation_results "
                         "WHERE starts_with(check_id, 'prior_xdoc.') ORDER BY check_id, page")
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def test_prior_year_figures_against_the_prior_year_document(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    # the 2025 budget printed 三公 52.00 (reception 5.00); the 2026 budget's 2025 column says 50.00
    load(con, "doc-2025", 2025, [(2025, "total", "52.00"), (2025, "reception", "5.00")])
    load(con, "doc-2026", 2026, [(2025, "total", "50.00"), (2025, "reception", "5.00"), (2026, "total", "40.00")],
         "2026年“三公”经费预算40.00万元，比上年减少10.00万元，下降20.00%。")
    written = refresh_prior_year_findings(con)
    found = rows(con)
    assert len(found) == len(written) == 3 and set(found.document_id) == {"doc-2026"}
    failing = found[~found.passed]
    assert sorted(zip(failing.check_id, failing.page)) == [
        ("prior_xdoc.prose_prior_year", 21), ("prior_xdoc.three_public_prior_column", 14)]
    column = failing[failing.check_id == "prior_xdoc.three_public_prior_column"].iloc[0]
    assert (column.expected, column.actual) == (Decimal("52"), Decimal("50"))
    assert "2025年单位预算" in column.message and "印为「50.00万元」" in column.message
    assert found[found.passed].check_id.tolist() == ["prior_xdoc.three_public_prior_column"]  # reception agrees


def test_rows_are_replaced_and_leave_with_the_prior_document(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    load(con, "doc-2025", 2025, [(2025, "total", "50.00")])
    load(con, "doc-2026", 2026, [(2025, "total", "50.00"), (2026, "total", "40.00")],
         "2026年“三公”经费预算40.00万元，比上年减少10.00万元，下降20.00%。")
    refresh_prior_year_findings(con)
    refresh_prior_year_findings(con)
    found = rows(con)
    assert len(found) == 2 and found.passed.all()
    warehouse.forget_document(con, "doc-2025")
    refresh_prior_year_findings(con)
    assert rows(con).empty


def test_no_prior_year_document_no_rows(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    load(con, "doc-2026", 2026, [(2025, "total", "50.00")])
    assert refresh_prior_year_findings(con).empty and rows(con).empty


def test_the_prior_documents_own_statement_when_no_table_prints_it(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    prior_prose = pd.DataFrame([{"document_id": "doc-2025", "topic": "operating_funds", "fiscal_year": 2025,
                                 "amount": Decimal("134.81"), "unit": "万元", "amount_yuan": Decimal("1348100.00"),
                                 "page": 20, "sentence": "2025年机关运行经费财政拨款预算为134.81万元。"}],
                               columns=PROSE_COLUMNS)
    warehouse.load_document(con, info("doc-2025", 2025), facts("doc-2025", [(2025, "total", "50.00")]), None,
                            prior_prose, empty_frame(VALIDATION_COLUMNS))
    sentence = "2026年机关运行经费财政拨款预算为132.74万元，较2025年预算减少12.07万元。"
    current = pd.DataFrame([{"document_id": "doc-2026", "topic": "operating_funds", "fiscal_year": 2026,
                             "amount": Decimal("132.74"), "unit": "万元", "amount_yuan": Decimal("1327400.00"),
                             "page": 21, "sentence": sentence}], columns=PROSE_COLUMNS)
    warehouse.load_document(con, info("doc-2026", 2026), facts("doc-2026", [(2025, "total", "50.00")]), None,
                            current, empty_frame(VALIDATION_COLUMNS))
    refresh_prior_year_findings(con)
    found = rows(con)
    prose_rows = found[found.check_id == "prior_xdoc.prose_prior_year"]
    # 132.74 + 12.07 = 144.81, but the 2025 budget stated 134.81
    assert len(prose_rows) == 1 and not prose_rows.iloc[0].passed
    assert (prose_rows.iloc[0].expected, prose_rows.iloc[0].actual) == (Decimal("134.81"), Decimal("144.81"))
    assert "134.81万元" in prose_rows.iloc[0].message
