"""Supersede only what is better (issue 7, case 3): a new version of the same unit, year and kind
replaces the current one only when it is not damaged; the change is recorded (one version_changes
row per fact added, removed or changed, and a summary line in the CLI); a version that loses a
table or more than 5 % of the facts waits as `pending` until `budget ingest --accept-new-version`."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from assets import cli
from fixtures import mutations
from pipelines import versions, warehouse
from pipelines.model import FACT_COLUMNS, VALIDATION_COLUMNS, DocumentInfo, empty_frame

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
UNIT, YEAR, KIND = "烟台市社会保险服务中心", 2024, "单位预算"


def info(document_id: str) -> DocumentInfo:
    return DocumentInfo(document_id=document_id, source_path=f"{document_id}.pdf", sha256=document_id * 4,
                        pages=10, unit_name=UNIT, fiscal_year=YEAR, doc_kind=KIND, amount_unit="万元")


def facts(document_id: str, amounts: dict[tuple[str, str], str]) -> pd.DataFrame:
    """One fact per (table_code, row label): amount in 万元."""
    return pd.DataFrame([{
        "document_id": document_id, "unit_name": UNIT, "doc_kind": KIND, "fiscal_year": YEAR,
        "table_code": table, "side": None, "item": label, "func_code": None, "econ_dept_code": None,
        "econ_gov_code": None, "project_name": None, "project_category": None, "measure": "total",
        "amount": Decimal(amount), "unit": "万元", "amount_yuan": Decimal(amount) * 10000,
        "is_total": False, "page": 3, "row_no": n, "row_path": label,
    } for n, ((table, label), amount) in enumerate(amounts.items(), start=1)], columns=FACT_COLUMNS)


def load(con, document_id, amounts, validation=None, **options) -> str:
    return warehouse.load_document(con, info(document_id), facts(document_id, amounts), None, None,
                                   validation if validation is not None else empty_frame(VALIDATION_COLUMNS),
                                   **options)


BASE = {("income", f"row {i}"): f"{i}.00" for i in range(1, 39)} | {
    ("three_public", "overseas"): "1.00", ("three_public", "reception"): "2.00"}


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "budget.duckdb")
    yield connection
    connection.close()


def statuses(con) -> dict[str, tuple[str, str | None]]:
    return {d: (s, e) for d, s, e in con.execute("SELECT document_id, status, error FROM documents").fetchall()}


def public_ids(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT document_id FROM facts").fetchall()}


def test_a_revision_supersedes_and_records_every_change(con):
    assert load(con, "v1", BASE) == "loaded"
    revised = dict(BASE)
    revised[("income", "row 5")] = "5.01"  # one amount corrected
    revised[("income", "row 39")] = "39.00"  # one row added
    assert load(con, "v2", revised) == "loaded"
    assert statuses(con) == {"v1": ("superseded", None), "v2": ("loaded", None)}
    assert public_ids(con) == {"v2"}
    rows = con.execute("SELECT previous_document_id, change, table_code, row_path, old_amount_yuan, "
                       "new_amount_yuan, page, previous_page FROM version_changes WHERE document_id = 'v2' "
                       "ORDER BY change").fetchall()
    assert rows == [("v1", "added", "income", "row 39", None, Decimal("390000.00"), 3, None),
                    ("v1", "changed", "income", "row 5", Decimal("50000.00"), Decimal("50100.00"), 3, 3)]
    assert versions.changes_of(con, "v2").summary() == "1 facts added, 0 removed, 1 changed"


def test_a_version_that_loses_facts_is_held_back_until_accepted(con):
    load(con, "v1", BASE)
    shorter = dict(list(BASE.items())[5:])  # 5 of 40 facts gone: 12.5 % > 5 %
    assert load(con, "v2", shorter) == "pending"
    status, error = statuses(con)["v2"]
    assert status == "pending"
    assert error == ("held back: compared with the current version v1, this version loses 5 of its 40 "
                     "facts (12.5%) (0 facts added, 5 removed, 0 changed); the current version stays. If "
                     "the new file is right, confirm it with `budget ingest --accept-new-version FILE`")
    assert statuses(con)["v1"] == ("loaded", None)
    assert public_ids(con) == {"v1"}  # the analysts' tables still hold the current version only
    assert con.execute("SELECT count(*) FROM version_changes WHERE document_id = 'v2' AND change = 'removed'"
                       ).fetchone() == (5,)
    ((check, severity, passed, category, message),) = con.execute(
        "SELECT check_id, severity, passed, category, message FROM validation_results "
        "WHERE document_id = 'v2'").fetchall()
    assert (check, severity, passed, category) == ("version.held_back", "error", False, "cross_document")
    assert "少了当前版本 40 个数据中的 5 个（12.5%）" in message and "--accept-new-version" in message

    assert warehouse.accept_version(con, "v2") == "loaded"
    assert statuses(con) == {"v1": ("superseded", None), "v2": ("loaded", None)}
    assert public_ids(con) == {"v2"}
    assert con.execute("SELECT count(*) FROM facts").fetchone() == (35,)
    assert con.execute("SELECT count(*) FROM validation_results WHERE check_id = 'version.held_back'"
                       ).fetchone() == (0,)


def test_a_few_lost_facts_are_a_revision_not_a_loss(con):
    load(con, "v1", BASE)
    del_one = dict(list(BASE.items())[1:])  # 1 of 40: 2.5 %
    assert load(con, "v2", del_one) == "loaded"


def test_a_version_that_loses_a_table_is_held_back(con):
    load(con, "v1", BASE)
    without_three_public = {k: v for k, v in BASE.items() if k[0] != "three_public"}  # 2 of 40 facts
    assert load(con, "v2", without_three_public) == "pending"
    assert "loses table three_public" in statuses(con)["v2"][1]
    # confirmed up front: loaded at once
    assert load(con, "v3", without_three_public | {("income", "x"): "1.00"}, accept_new_version=True) == "loaded"
    assert {d: s for d, (s, _) in statuses(con).items()} == {"v1": "superseded", "v2": "superseded",
                                                              "v3": "loaded"}


def test_a_damaged_version_never_replaces_the_current_one(con):
    load(con, "v1", BASE)
    damage = pd.DataFrame([{
        "document_id": "v2", "check_id": "damage.pages", "severity": "error", "passed": False,
        "expected": None, "actual": None, "location": "page 1: stream 46 does not decode",
        "table_code": None, "page": 1, "unit": None, "category": "completeness", "message": "文件已损坏",
    }], columns=VALIDATION_COLUMNS)
    assert load(con, "v2", BASE, validation=damage, accept_new_version=True) == "failed"
    status, error = statuses(con)["v2"]
    assert error.startswith("the file is damaged (page 1: stream 46 does not decode), so it does not "
                            "replace the intact current version v1, which stays loaded")
    assert statuses(con)["v1"] == ("loaded", None) and public_ids(con) == {"v1"}
    for table in warehouse.DOCUMENT_ROW_TABLES:  # a failed document keeps no rows
        assert con.execute(f"SELECT count(*) FROM {table} WHERE document_id = 'v2'").fetchone() == (0,)


def without_pages(pages: set[int], target: Path) -> Path:
    return mutations.without_pages(SAMPLE, pages, target)


def test_cli_holds_back_a_version_missing_a_table_and_accepts_it_when_asked(tmp_path, capsys):
    database = str(tmp_path / "budget.duckdb")
    shorter = without_pages({15, 16}, tmp_path / "shorter.pdf")  # the 国有资本经营预算 table
    assert cli.main(["ingest", str(SAMPLE), "--db", database]) == cli.EXIT_OK
    capsys.readouterr()
    assert cli.main(["ingest", str(shorter), "--db", database]) == cli.EXIT_PENDING == 4
    out = capsys.readouterr().out
    assert f"pending    {shorter}" in out
    assert "changes: compared with " in out and "0 facts added, 8 removed, 0 changed" in out
    assert "note: held back: compared with the current version" in out
    assert "loses table state_capital_expenditure" in out
    # run again without the flag: still held back, and said so
    assert cli.main(["ingest", str(shorter), "--db", database]) == cli.EXIT_PENDING
    assert f"Pending: {shorter} was held back earlier" in capsys.readouterr().out
    assert cli.main(["ingest", str(shorter), "--db", database, "--accept-new-version"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert f"loaded     {shorter}" in out and "changes: replaces " in out
    assert "0 facts added, 8 removed, 0 changed (SELECT * FROM version_changes WHERE document_id = " in out
