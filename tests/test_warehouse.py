"""pipelines.warehouse against a temporary DuckDB file: exact money, idempotency, supersede."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from pipelines import warehouse
from pipelines.model import (
    FACT_COLUMNS, INDICATOR_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentInfo, empty_frame,
)


def document_info(document_id="doc-a", sha="a" * 64, unit="烟台市社会保险服务中心"):
    return DocumentInfo(document_id=document_id, source_path=f"{document_id}.pdf", sha256=sha,
                        pages=12, unit_name=unit, supervisor="烟台市人力资源和社会保障局",
                        fiscal_year=2024, doc_kind="单位预算", amount_unit="万元")


def fact_rows(document_id="doc-a", amount=Decimal("119327.10")) -> pd.DataFrame:
    rows = [
        # summary category printed by name only, with its 3-digit code
        {"func_code": "208", "item": "社会保障和就业支出", "amount": amount},
        {"func_code": "20801", "item": "人力资源和社会保障管理事务", "amount": Decimal("10.05")},
        {"func_code": "2080109", "item": "社会保险经办机构", "amount": Decimal("0.01")},
    ]
    frame = pd.DataFrame([
        {
            "document_id": document_id, "unit_name": "烟台市社会保险服务中心", "fiscal_year": 2024,
            "table_code": "general_expenditure", "side": None, "item": row["item"],
            "func_code": row["func_code"], "econ_dept_code": None, "econ_gov_code": None,
            "project_name": None, "project_category": None, "measure": "total",
            "amount": row["amount"], "unit": "万元",
            "amount_yuan": row["amount"] * warehouse_unit(), "is_total": False, "page": 5,
        }
        for row in rows
    ], columns=FACT_COLUMNS)
    econ = dict(frame.iloc[0])
    econ.update(table_code="basic_expenditure", item="工资福利支出", func_code=None,
                econ_dept_code="301", amount=Decimal("5.00"), amount_yuan=Decimal("50000.00"))
    return pd.concat([frame, pd.DataFrame([econ], columns=FACT_COLUMNS)], ignore_index=True)


def warehouse_unit() -> Decimal:
    return Decimal(10000)


def indicator_rows(document_id="doc-a") -> pd.DataFrame:
    return pd.DataFrame([{
        "document_id": document_id, "project_name": "社保经办项目", "level1": "产出指标",
        "level2": "数量指标", "level3": "参保人数", "operator": "≥", "target_value": 95.0,
        "target_unit": "%", "target_text": "≥95%", "page": 20,
    }], columns=INDICATOR_COLUMNS)


def prose_rows(document_id="doc-a") -> pd.DataFrame:
    return pd.DataFrame([{
        "document_id": document_id, "topic": "income_total", "fiscal_year": 2024,
        "amount": Decimal("119327.10"), "unit": "万元", "page": 3,
        "sentence": "2024年收入预算119327.10万元。",
    }], columns=PROSE_COLUMNS)


def validation_rows(document_id="doc-a") -> pd.DataFrame:
    return pd.DataFrame([{
        "document_id": document_id, "check_id": "row_sum.general_expenditure", "severity": "error",
        "passed": True, "expected": Decimal("119327.10"), "actual": Decimal("119327.10"),
        "location": "general_expenditure p5", "message": "合计等于各项之和。",
    }], columns=VALIDATION_COLUMNS)


def load(con, info=None, facts=None):
    info = info or document_info()
    return warehouse.load_document(
        con, info, fact_rows(info.document_id) if facts is None else facts,
        indicator_rows(info.document_id), prose_rows(info.document_id),
        validation_rows(info.document_id))


def content(con):
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in warehouse.WAREHOUSE_TABLES if t != "documents"}


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "nested" / "budget.duckdb")
    yield connection
    connection.close()


def test_schema_follows_model_column_order(con):
    for table, columns in warehouse.TABLE_COLUMNS.items():
        described = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        assert described == columns
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                             "WHERE table_name = 'facts'").fetchall())
    assert types["amount"] == "DECIMAL(24,6)"
    assert types["amount_yuan"] == "DECIMAL(24,6)"


def test_six_decimal_amounts_are_kept_exactly(con):
    """Beijing prints 万元 with six decimals: 9,616.338314 万元 is 96,163,383.14 元."""
    facts = fact_rows(amount=Decimal("9616.338314"))
    facts.loc[0, "amount_yuan"] = Decimal("9616.338314") * 10000
    load(con, facts=facts)
    amount, yuan = con.execute("SELECT amount, amount_yuan FROM facts WHERE func_code = '208'").fetchone()
    assert (amount, yuan) == (Decimal("9616.338314"), Decimal("96163383.14"))


def test_a_v1_warehouse_is_migrated_in_place(tmp_path):
    """A warehouse written before data contract v2: new columns are added, money widened, rows kept."""
    import duckdb

    path = tmp_path / "v1.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE TABLE facts (document_id VARCHAR, amount DECIMAL(18,2), unit VARCHAR)")
        old.execute("INSERT INTO facts VALUES ('doc-a', 119327.10, '万元')")
    con = warehouse.connect(path)
    try:
        columns = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                   "WHERE table_name = 'facts'").fetchall())
        assert set(warehouse.TABLE_COLUMNS["facts"]) <= set(columns)
        assert columns["amount"] == "DECIMAL(24,6)"
        assert con.execute("SELECT amount, row_path FROM facts").fetchall() == [(Decimal("119327.10"), None)]
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'facts' "
                              "AND column_name = 'row_no'").fetchone()[0]
        assert "continuation" in comment
    finally:
        con.close()


def test_default_path_is_overridable(monkeypatch, tmp_path):
    monkeypatch.delenv(warehouse.DATABASE_PATH_ENV, raising=False)
    assert warehouse.default_database_path() == warehouse.DEFAULT_DATABASE_PATH
    monkeypatch.setenv(warehouse.DATABASE_PATH_ENV, str(tmp_path / "x.duckdb"))
    assert warehouse.default_database_path() == tmp_path / "x.duckdb"


def test_amounts_round_trip_exactly(con):
    assert load(con) == "loaded"
    amount, amount_yuan = con.execute(
        "SELECT amount, amount_yuan FROM facts WHERE func_code = '208'").fetchone()
    assert isinstance(amount, Decimal) and amount == Decimal("119327.10")  # exact, not a float
    assert amount_yuan == Decimal("1193271000.00")
    cent = con.execute("SELECT amount_yuan FROM facts WHERE func_code = '2080109'").fetchone()[0]
    assert cent == Decimal("100.00")
    assert con.execute("SELECT amount FROM prose_amounts").fetchone()[0] == Decimal("119327.10")
    assert con.execute("SELECT sum(amount) FROM facts WHERE table_code = 'general_expenditure'"
                       ).fetchone()[0] == Decimal("119337.16")


def test_float_amounts_are_refused(con):
    facts = fact_rows()
    facts.loc[0, "amount"] = 0.1
    with pytest.raises(ValueError, match="float"):
        load(con, facts=facts)


def test_dimensions_come_from_facts(con):
    load(con)
    assert con.execute("SELECT * FROM dim_function ORDER BY func_code").fetchall() == [
        ("208", "类", "社会保障和就业支出", None),
        ("20801", "款", "人力资源和社会保障管理事务", "208"),
        ("2080109", "项", "社会保险经办机构", "20801"),
    ]
    assert con.execute("SELECT * FROM dim_econ_dept").fetchall() == [("301", "类", "工资福利支出", None)]


def test_loading_twice_changes_nothing(con):
    load(con)
    first_content = content(con)
    first_document = con.execute("SELECT * FROM documents").fetchall()
    assert load(con) == "loaded"
    assert content(con) == first_content
    assert con.execute("SELECT * FROM documents").fetchall() == first_document
    assert warehouse.table_row_counts(con)["facts"] == 4
    assert warehouse.already_loaded(con, "a" * 64)
    assert not warehouse.already_loaded(con, "b" * 64)


def test_failure_row_and_later_success(con):
    warehouse.record_failure(con, "doc-a", "doc-a.pdf", "a" * 64, None, "不是有效的PDF文件")
    assert con.execute("SELECT status, error FROM documents").fetchall() == [("failed", "不是有效的PDF文件")]
    assert not warehouse.already_loaded(con, "a" * 64)
    load(con)
    assert con.execute("SELECT status, error FROM documents").fetchall() == [("loaded", None)]


def test_newer_document_supersedes_older(con):
    load(con, document_info("doc-old", "1" * 64))
    load(con, document_info("doc-new", "2" * 64))
    statuses = dict(con.execute("SELECT document_id, status FROM documents").fetchall())
    assert statuses == {"doc-old": "superseded", "doc-new": "loaded"}
    for table in ("facts", "performance_indicators", "prose_amounts"):
        ids = {r[0] for r in con.execute(f"SELECT DISTINCT document_id FROM {table}").fetchall()}
        assert ids == {"doc-new"}, table
    # re-ingesting the old bytes does not bring the old version back
    assert load(con, document_info("doc-old", "1" * 64)) == "superseded"
    assert {r[0] for r in con.execute("SELECT DISTINCT document_id FROM facts").fetchall()} == {"doc-new"}


def test_other_units_are_not_superseded(con):
    load(con, document_info("doc-a", "1" * 64))
    load(con, document_info("doc-b", "2" * 64, unit="烟台市财政局"))
    assert {r[0] for r in con.execute("SELECT status FROM documents").fetchall()} == {"loaded"}


def test_error_mid_load_leaves_previous_content(con):
    load(con)
    before = content(con), con.execute("SELECT * FROM documents").fetchall()
    bad = fact_rows()
    bad.loc[2, "amount"] = "十二万"  # not a number: the CAST inside the transaction fails
    with pytest.raises(Exception):
        load(con, facts=bad)
    after = content(con), con.execute("SELECT * FROM documents").fetchall()
    assert after == before


def test_empty_frames_load(con):
    info = document_info()
    status = warehouse.load_document(con, info, empty_frame(FACT_COLUMNS), empty_frame(INDICATOR_COLUMNS),
                                     empty_frame(PROSE_COLUMNS), empty_frame(VALIDATION_COLUMNS))
    assert status == "loaded"
    assert warehouse.table_row_counts(con)["facts"] == 0


def public_and_archived(con, document_id):
    """(public rows, archived rows) of a document in facts, performance_indicators, prose_amounts."""
    public = {t: con.execute(f"SELECT * FROM {t} WHERE document_id = ? ORDER BY ALL", [document_id]).fetchall()
              for t in warehouse.SUPERSEDED_ROW_TABLES}
    archived = {t: con.execute(f"SELECT * FROM {a} WHERE document_id = ? ORDER BY ALL", [document_id]).fetchall()
                for t, a in warehouse.ARCHIVE_TABLES.items()}
    return public, archived


def test_superseded_rows_are_archived_not_deleted(con):
    load(con, document_info("doc-old", "1" * 64))
    old_rows, _ = public_and_archived(con, "doc-old")
    assert all(old_rows.values())
    load(con, document_info("doc-new", "2" * 64))
    public, archived = public_and_archived(con, "doc-old")
    assert all(rows == [] for rows in public.values())  # the data contract: facts has loaded docs only
    assert archived == old_rows
    # re-ingesting the old bytes keeps exactly one archived copy
    load(con, document_info("doc-old", "1" * 64))
    assert public_and_archived(con, "doc-old") == (public, old_rows)
    assert "facts_superseded" not in warehouse.WAREHOUSE_TABLES  # internal, not counted as public


def test_forgetting_the_newer_version_restores_the_older(con):
    load(con, document_info("doc-old", "1" * 64))
    old_rows, _ = public_and_archived(con, "doc-old")
    load(con, document_info("doc-new", "2" * 64))
    assert warehouse.forget_document(con, "doc-new") == ["doc-new"]
    assert con.execute("SELECT document_id, status, error FROM documents").fetchall() == [
        ("doc-old", "loaded", None)]
    public, archived = public_and_archived(con, "doc-old")
    assert public == old_rows and all(rows == [] for rows in archived.values())
    assert public_and_archived(con, "doc-new") == ({t: [] for t in public}, {t: [] for t in public})
    # and it can be superseded again
    load(con, document_info("doc-new", "2" * 64))
    assert public_and_archived(con, "doc-old")[1] == old_rows


def test_only_the_newest_superseded_version_comes_back(con):
    for number, document_id in enumerate(["doc-1", "doc-2", "doc-3"], start=1):
        load(con, document_info(document_id, str(number) * 64))
    warehouse.forget_document(con, "doc-3")
    statuses = dict(con.execute("SELECT document_id, status FROM documents").fetchall())
    assert statuses == {"doc-1": "superseded", "doc-2": "loaded"}
    assert {r[0] for r in con.execute("SELECT DISTINCT document_id FROM facts").fetchall()} == {"doc-2"}


def test_forgetting_a_superseded_version_drops_its_archive(con):
    load(con, document_info("doc-old", "1" * 64))
    load(con, document_info("doc-new", "2" * 64))
    before = public_and_archived(con, "doc-new")
    assert warehouse.forget_document(con, "doc-old") == ["doc-old"]
    assert public_and_archived(con, "doc-old") == ({t: [] for t in before[0]}, {t: [] for t in before[0]})
    assert public_and_archived(con, "doc-new") == before
    assert con.execute("SELECT status FROM documents").fetchall() == [("loaded",)]


def test_a_version_superseded_before_archiving_cannot_be_restored_silently(con):
    load(con, document_info("doc-old", "1" * 64))
    load(con, document_info("doc-new", "2" * 64))
    for archive in warehouse.ARCHIVE_TABLES.values():  # as in a warehouse written before archiving
        con.execute(f"DELETE FROM {archive}")
    warehouse.forget_document(con, "doc-new")
    ((status, error),) = con.execute("SELECT status, error FROM documents").fetchall()
    assert status == "failed" and "ingest the file again" in error
    assert not warehouse.already_loaded(con, "1" * 64)  # so a new ingest does not skip it
