"""`budget export`: each format read back and compared exactly with the warehouse; the .xlsx
opened by LibreOffice (headless, skipped where it is not installed) gives the same numbers."""
from __future__ import annotations

import csv
import random
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from fixtures import synthetic as s
from pipelines import export, query, warehouse, workbook
from pipelines.model import INDICATOR_COLUMNS, PROSE_COLUMNS

# amounts that test exactness: six printed decimals (Beijing), 15 significant digits (the most a
# double holds), more than 15 (written as text in the .xlsx), negative, zero
BEIJING = s.info("beijing-2026", "北京市信访办公室", "北京市/北京市信访办公室", 2026, "部门预算")
BEIJING_ROWS = [
    s.fact("summary", "total", "9616.338314", row=1, item="一般公共预算拨款收入", side="income"),
    s.fact("summary", "total", "9616.338314", row=1, item="一般公共服务支出", func="201", side="expenditure"),
    s.fact("summary", "total", "123456789012.345678", row=2, item="收入总计", side="income", total=True),
    s.fact("summary", "total", "-0.010000", row=2, item="支出总计", side="expenditure", total=True),
    s.fact("general_expenditure", "total", "9999999999999.99", row=1, item="合计", total=True, unit="元"),
    s.fact("general_expenditure", "total", "0.00", row=2, item="一般公共服务支出", func="201", unit="元"),
    s.fact("three_public", "total", "9.90", row=1, year=2025),
    s.fact("three_public", "total", "4.30", row=1),
    s.fact("three_public", "reception", "4.30", row=1),
]
BEIJING_FINDINGS = [s.finding(BEIJING, "row_sum.total_eq_basic_plus_project", False, table="summary",
                              page=4, expected="9616.338314", actual="9616.338315",
                              message="第4页收支总表：合计不等于各项之和。")]
BEIJING_PROSE = pd.DataFrame([{
    "document_id": BEIJING.document_id, "topic": "income_total", "fiscal_year": 2026,
    "amount": D("9616.338314"), "unit": "万元", "amount_yuan": D("96163383.14"), "page": 3,
    "sentence": "2026年收入预算9616.338314万元。"}], columns=PROSE_COLUMNS)
BEIJING_INDICATORS = pd.DataFrame([{
    "document_id": BEIJING.document_id, "project_name": "信访接待", "level1": "产出指标",
    "level2": "数量指标", "level3": "接待人次", "operator": "≥", "target_value": 95.0,
    "target_unit": "%", "target_text": "≥95%", "page": 20}], columns=INDICATOR_COLUMNS)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    path = tmp_path_factory.mktemp("warehouse") / "budget.duckdb"
    con = warehouse.connect(path)
    s.load_all(con)
    s.load(con, BEIJING, BEIJING_ROWS, BEIJING_FINDINGS, prose=BEIJING_PROSE, indicators=BEIJING_INDICATORS)
    con.close()
    warehouse.publish_snapshot(path)
    return path


@pytest.fixture(scope="module")
def exported(published, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    con = query.open_published(published)
    summary = export.export(con, out)
    con.close()
    return out, summary


@pytest.fixture
def con(published):
    connection = query.open_published(published)
    yield connection
    connection.close()


def warehouse_rows(con, dataset: str, filters=export.Filters()):
    cursor = con.execute(export.DATASETS_BY_NAME[dataset].sql(filters))
    return [d[0] for d in cursor.description], cursor.fetchall()


def column_types(con, dataset: str) -> dict[str, str]:
    sql = export.DATASETS_BY_NAME[dataset].sql(export.Filters())
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE ({sql})").fetchall()}


def test_every_dataset_is_exported(exported):
    out, summary = exported
    assert summary.rows == {"documents": 8, "facts": 73, "performance_indicators": 1, "prose_amounts": 1,
                            "findings": 3}
    assert sorted(p.name for p in (out / "xlsx").iterdir()) == sorted(
        export.workbook_name({"unit_name": d.unit_name, "fiscal_year": d.fiscal_year, "doc_kind": d.doc_kind,
                              "document_id": d.document_id})
        for d in [doc for doc, _, _ in s.DOCUMENTS] + [BEIJING])


@pytest.mark.parametrize("dataset", [d.name for d in export.DATASETS])
def test_parquet_round_trips_exactly(exported, con, dataset):
    out, _ = exported
    columns, expected = warehouse_rows(con, dataset)
    folder = out / "parquet" / dataset
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        {f"fiscal_year={row[columns.index('fiscal_year')]}" for row in expected})
    reader = duckdb.connect()
    cursor = reader.execute(f"SELECT {', '.join(columns)} FROM read_parquet('{folder}/**/*.parquet', "
                            "hive_partitioning = true)")
    assert sorted(cursor.fetchall(), key=repr) == sorted(expected, key=repr)
    # DECIMAL stays DECIMAL in the files (no float on the way)
    types = {r[0]: r[1] for r in reader.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder}/**/*.parquet')").fetchall()}
    for name, declared in column_types(con, dataset).items():
        if declared.startswith("DECIMAL"):
            assert types[name] == declared, name


def test_parquet_is_readable_by_another_engine(exported, con):
    pq = pytest.importorskip("pyarrow.parquet")
    out, _ = exported
    table = pq.read_table(out / "parquet" / "facts").to_pylist()
    amounts = sorted((r["document_id"], r["row_no"], r["measure"], r["side"] or "", r["amount"]) for r in table)
    columns, rows = warehouse_rows(con, "facts")
    get = {name: columns.index(name) for name in ("document_id", "row_no", "measure", "side", "amount")}
    assert amounts == sorted((r[get["document_id"]], r[get["row_no"]], r[get["measure"]], r[get["side"]] or "",
                              r[get["amount"]]) for r in rows)


def _from_csv(text: str, duckdb_type: str):
    """A CSV field back to the warehouse's Python value, by the column's type."""
    if text == "":
        return None
    if duckdb_type.startswith("DECIMAL"):
        return D(text)
    if duckdb_type in ("INTEGER", "BIGINT"):
        return int(text)
    if duckdb_type == "BOOLEAN":
        return {"true": True, "false": False}[text]
    if duckdb_type == "DOUBLE":
        return float(text)
    if duckdb_type == "TIMESTAMP":
        return datetime.fromisoformat(text)
    return text


@pytest.mark.parametrize("dataset", [d.name for d in export.DATASETS])
def test_csv_round_trips_exactly(exported, con, dataset):
    out, _ = exported
    path = out / "csv" / f"{dataset}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows Chinese
    columns, expected = warehouse_rows(con, dataset)
    types = column_types(con, dataset)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert header == columns
        got = [tuple(_from_csv(v, types[c]) for v, c in zip(row, header)) for row in reader]
    assert got == [tuple(v if v != "" else None for v in row) for row in expected]
    # amounts are plain exact decimal text: no exponent, no rounding
    if "amount" in columns:
        text = path.read_text(encoding="utf-8-sig")
        assert "123456789012.345678" in text or dataset != "facts"
        assert "E+" not in text and "e+" not in text


def _facts_by_document(con, document_id):
    return workbook.document_facts(con, document_id)


def _sheet_cells(sheet) -> tuple[list[str], list[list]]:
    """A table sheet's column codes (its 4th row) and body rows."""
    rows = list(sheet.iter_rows(values_only=True))
    codes = [c for c in rows[3] if c is not None]
    return codes, [(list(r) + [None] * len(codes))[:len(codes)] for r in rows[4:]]


def _column_code(fact: dict, codes: list[str]) -> str:
    sided = any("." in c and c.split(".")[0] in ("income", "expenditure") for c in codes)
    code = f"{fact['side']}.{fact['measure']}" if sided and fact["side"] else fact["measure"]
    return code if code in codes else f"{code}.{fact['fiscal_year']}"


def _as_decimal(value) -> D:
    """A number read back from an .xlsx or its CSV: the shortest decimal of the double, or exact text."""
    return D(repr(value)) if isinstance(value, float) else D(str(value))


def _assert_sheet_holds_the_table(codes, body, facts):
    row_numbers = sorted({f["row_no"] for f in facts})
    assert len(body) == len(row_numbers)
    numbers = 0
    for fact in facts:
        cell = body[row_numbers.index(fact["row_no"])][codes.index(_column_code(fact, codes))]
        assert cell is not None and _as_decimal(cell) == fact["amount"], (fact, cell)
        numbers += 1
    labels = {name for name, _ in workbook.LABEL_COLUMNS}  # codes [side.]label or [side.]measure[.year]
    measure_columns = [i for i, c in enumerate(codes) if c.split(".")[-1] not in labels]
    assert sum(1 for row in body for i in measure_columns if row[i] not in (None, "")) == numbers


def test_xlsx_lays_out_each_printed_table_and_round_trips_exactly(exported, con):
    out, _ = exported
    for doc in [d for d, _, _ in s.DOCUMENTS] + [BEIJING]:
        path = out / "xlsx" / export.workbook_name(vars(doc))
        book = load_workbook(path, read_only=True)
        facts = _facts_by_document(con, doc.document_id)
        names = book.sheetnames
        assert names[0] == workbook.INDEX_SHEET and names[-1] == workbook.FINDINGS_SHEET
        assert len(names) == len(facts) + 2
        for name, (table_code, table_facts) in zip(names[1:-1], facts.items()):
            sheet = book[name]
            assert sheet["C2"].value == f"table_code：{table_code}"
            codes, body = _sheet_cells(sheet)
            _assert_sheet_holds_the_table(codes, body, table_facts)
        book.close()


def test_xlsx_keeps_more_than_15_digits_as_text_and_lays_sides_and_years_out(exported):
    out, _ = exported
    book = load_workbook(out / "xlsx" / export.workbook_name(vars(BEIJING)), read_only=True)
    summary = list(book["收支总体情况表"].iter_rows(values_only=True))
    assert summary[2] == ("收入：科目（项目）名称", "合计", "功能分类科目编码", "支出：科目（项目）名称", "合计")
    assert summary[3] == ("income.item", "income.total", "expenditure.func_code", "expenditure.item",
                          "expenditure.total")
    assert summary[4] == ("一般公共预算拨款收入", 9616.338314, "201", "一般公共服务支出", 9616.338314)
    assert summary[5] == ("收入总计", "123456789012.345678", None, "支出总计", -0.01)
    three_public = list(book["一般公共预算“三公”经费支出情况表"].iter_rows(values_only=True))
    assert three_public[2:5] == [("2025年合计", "2026年合计", "2026年公务接待费"),
                                 ("total.2025", "total.2026", "reception.2026"), (9.9, 4.3, 4.3)]
    findings = list(book[workbook.FINDINGS_SHEET].iter_rows(values_only=True))
    assert findings[2] == ("error", "arithmetic", "row_sum.total_eq_basic_plus_project", "summary", 4,
                           "summary p.4", 9616.338314, 9616.338315, "万元", "第4页收支总表：合计不等于各项之和。")
    book.close()


def test_an_xlsx_number_reads_back_as_the_same_decimal():
    """Every decimal of at most 15 significant digits survives openpyxl's %.16g text and a double."""
    generator = random.Random(11)
    for _ in range(20000):
        digits = generator.randint(1, 15)
        value = D(generator.randint(-10 ** digits + 1, 10 ** digits - 1)).scaleb(-generator.randint(0, 8))
        cell = workbook.excel_value(value)
        assert isinstance(cell, float)
        assert D(repr(float("%.16g" % cell))) == value
    assert workbook.excel_value(D("123456789012.3456789")) == "123456789012.3456789"


def test_filters_choose_documents(published, tmp_path):
    con = query.open_published(published)
    summary = export.export(con, tmp_path, formats=("csv",),
                            filters=export.Filters(units=("社会保险",), years=(2024,)))
    con.close()
    assert summary.rows["documents"] == 1
    with open(tmp_path / "csv" / "facts.csv", encoding="utf-8-sig") as handle:
        assert {row["document_id"] for row in csv.DictReader(handle)} == {"centre-2024"}
    assert not (tmp_path / "parquet").exists() and not (tmp_path / "xlsx").exists()
    con = query.open_published(published)
    by_key = export.export(con, tmp_path / "k", formats=("csv",),
                           filters=export.Filters(units=(s.OFFICE_KEY,), kinds=("部门预算",)))
    con.close()
    assert by_key.rows["documents"] == 2


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV filter: comma, double quote, UTF-8, from row 1, default column formats, language, quote
# text cells: no, detect numbers: yes, save cell contents as shown: NO (the value, not its format),
# formulas: no, trim spaces: no, sheet: -1 (every sheet to its own file; LibreOffice >= 7.2)
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_converts_the_xlsx_to_csv_with_the_same_numbers(exported, con, tmp_path):
    out, _ = exported
    source = tmp_path / "book.xlsx"
    shutil.copyfile(out / "xlsx" / export.workbook_name(vars(BEIJING)), source)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", ALL_SHEETS_CSV, "--outdir", str(tmp_path / "csv"), str(source)],
                   check=True, capture_output=True, timeout=180)
    facts = _facts_by_document(con, BEIJING.document_id)
    book = load_workbook(source, read_only=True)
    for name, table_facts in zip(book.sheetnames[1:-1], facts.values()):
        with open(tmp_path / "csv" / f"book-{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        codes = [c for c in rows[3] if c]
        body = [[None if v == "" else D(v) if _is_number(v) else v for v in row[:len(codes)]]
                for row in rows[4:]]
        _assert_sheet_holds_the_table(codes, body, table_facts)
    book.close()


def _is_number(text: str) -> bool:
    try:
        D(text)
    except ArithmeticError:
        return False
    return text.strip() != "" and not text.isalpha()
