"""One .xlsx workbook per document, laid out like its printed tables, plus its findings.

Sheets: 说明 (the document, its sheets, how exact the numbers are), one sheet per table in the
order printed (rows in row_no order; the two sides of a summary table side by side; a column per
measure, and per year where a table prints two), and 审核发现 (the document's findings).

Exactness. An .xlsx number is an IEEE double: exact for a decimal of at most 15 significant
digits, which every printed amount seen so far is (9,616.338314 万元 has 10). Such an amount is
written as a number (Excel and LibreOffice read back the same decimal); a longer one is written
as text, so no digit is lost. The CSV and Parquet exports are the exact copies for machines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pipelines.labels import measure_label, measure_labels, table_title

MAX_EXACT_DIGITS = 15  # an IEEE double holds any decimal of 15 significant digits exactly enough
INDEX_SHEET = "说明"
FINDINGS_SHEET = "审核发现"

# row label columns, in printed order: (facts column, header)
LABEL_COLUMNS = (
    ("func_code", "功能分类科目编码"),
    ("econ_dept_code", "部门预算经济分类科目编码"),
    ("econ_gov_code", "政府预算经济分类科目编码"),
    ("item", "科目（项目）名称"),
    ("project_name", "项目名称"),
    ("project_category", "项目类别"),
)
SIDE_NAMES = {"income": "收入", "expenditure": "支出"}
SIDE_ORDER = (None, "income", "expenditure")

FINDING_COLUMNS = (
    ("severity", "严重程度"), ("category", "类别"), ("check_id", "检查项"), ("table_code", "表"),
    ("page", "页码"), ("location", "位置"), ("expected", "应为"), ("actual", "实为"),
    ("unit", "单位"), ("message", "说明"),
)

FACT_FIELDS = ("table_code", "side", "row_no", "func_code", "econ_dept_code", "econ_gov_code", "item",
               "project_name", "project_category", "measure", "fiscal_year", "amount", "unit", "page")

_BOLD = Font(bold=True)
_GREY = Font(color="808080", size=8)


def excel_value(amount: Decimal) -> float | str:
    """The cell value for an exact amount: a number when a double holds it exactly enough to read
    back the same decimal, else its exact text."""
    digits = amount.normalize().as_tuple().digits
    if len(digits) <= MAX_EXACT_DIGITS:
        return float(amount)
    return format(amount, "f")


def number_format(amount: Decimal) -> str:
    """#,##0.00, or as many decimals as the amount has (Beijing prints six)."""
    exponent = amount.normalize().as_tuple().exponent
    decimals = max(2, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return "#,##0." + "0" * decimals


@dataclass
class Column:
    header: str  # what the printed table says
    code: str  # what the warehouse calls it: a facts column, or [side.]measure[.year]
    side: str | None = None
    measure: str | None = None
    fiscal_year: int | None = None
    label_field: str | None = None


@dataclass
class SheetLayout:
    table_code: str
    unit: str | None
    pages: list[int]
    columns: list[Column]
    rows: list[list] = field(default_factory=list)  # cell values, None for an empty cell
    row_numbers: list[int | None] = field(default_factory=list)


def table_layout(table_code: str, facts: list[dict]) -> SheetLayout:
    """The printed table rebuilt from its facts: one sheet row per row_no, one column per row
    label the table uses and per (side, measure, year) it prints."""
    sides = [s for s in SIDE_ORDER if any(f["side"] == s for f in facts)]
    sides += sorted({f["side"] for f in facts if f["side"] not in SIDE_ORDER})
    columns = [column for side in sides for column in _block_columns(facts, side, sided=len(sides) > 1)]
    cells: dict[tuple, object] = {}
    for fact in facts:
        for column in columns:
            if column.side != fact["side"]:
                continue
            if column.label_field is not None:
                value = fact[column.label_field]
                if value is not None:
                    cells.setdefault((fact["row_no"], column.code), value)
            elif (column.measure, column.fiscal_year) == (fact["measure"], fact["fiscal_year"]):
                cells[(fact["row_no"], column.code)] = fact["amount"]
    row_numbers = sorted({f["row_no"] for f in facts}, key=lambda n: (n is None, n))
    layout = SheetLayout(table_code, _first(f["unit"] for f in facts),
                         sorted({f["page"] for f in facts if f["page"] is not None}), columns)
    for number in row_numbers:
        layout.row_numbers.append(number)
        layout.rows.append([cells.get((number, c.code)) for c in columns])
    return layout


def _block_columns(facts: list[dict], side: str | None, sided: bool) -> list[Column]:
    block = [f for f in facts if f["side"] == side]
    prefix = f"{SIDE_NAMES.get(side, side)}：" if sided and side else ""
    code_prefix = f"{side}." if sided and side else ""
    columns = [Column(f"{prefix}{header}" if name == "item" else header, f"{code_prefix}{name}", side,
                      label_field=name)
               for name, header in LABEL_COLUMNS if any(f[name] is not None for f in block)]
    order = {m.code: i for i, m in enumerate(measure_labels())}
    pairs = sorted({(f["measure"], f["fiscal_year"]) for f in block},
                   key=lambda p: (order.get(p[0], len(order)), p[0], p[1] or 0))
    several_years = len({year for _, year in pairs}) > 1
    for measure, year in pairs:
        header = measure_label(measure)
        code = f"{code_prefix}{measure}"
        if several_years:
            header, code = f"{year}年{header}", f"{code}.{year}"
        columns.append(Column(header, code, side, measure, year))
    return columns


def _first(values):
    return next((v for v in values if v is not None), None)


# --- writing -----------------------------------------------------------------------------------

def document_facts(con: duckdb.DuckDBPyConnection, document_id: str) -> dict[str, list[dict]]:
    """The document's facts by table, tables in the order printed (first page)."""
    cursor = con.execute(
        f"SELECT {', '.join(FACT_FIELDS)} FROM facts WHERE document_id = ? "
        "ORDER BY min(page) OVER (PARTITION BY table_code), table_code, row_no, side, measure, fiscal_year",
        [document_id])
    by_table: dict[str, list[dict]] = {}
    for row in cursor.fetchall():
        fact = dict(zip(FACT_FIELDS, row))
        by_table.setdefault(fact["table_code"], []).append(fact)
    return by_table


def write_workbook(con: duckdb.DuckDBPyConnection, document: dict, findings: list[dict], path: Path) -> Path:
    """Write one document's workbook to ``path``; ``document`` is its documents row."""
    workbook = Workbook(write_only=True)
    layouts = [table_layout(code, facts) for code, facts in document_facts(con, document["document_id"]).items()]
    names = _sheet_names([table_title(layout.table_code) for layout in layouts])
    _write_index(workbook.create_sheet(INDEX_SHEET), document, layouts, names)
    for layout, name in zip(layouts, names):
        _write_table(workbook.create_sheet(name), document, layout)
    _write_findings(workbook.create_sheet(FINDINGS_SHEET), findings)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_index(sheet, document: dict, layouts: list[SheetLayout], names: list[str]) -> None:
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    sheet.append([_bold(f"{document['unit_name'] or ''} {document['fiscal_year'] or ''}年"
                        f"{document['doc_kind'] or ''}", sheet)])
    for label, key in (("单位", "unit_name"), ("年度", "fiscal_year"), ("类型", "doc_kind"),
                       ("主管部门", "supervisor"), ("地区", "region"), ("文件", "source_path"),
                       ("document_id", "document_id")):
        sheet.append([label, document.get(key)])
    sheet.append([])
    sheet.append([_bold(h, sheet) for h in ("工作表", "表", "table_code", "单位", "页码")])
    for layout, name in zip(layouts, names):
        sheet.append([name, table_title(layout.table_code), layout.table_code, layout.unit,
                      ", ".join(str(p) for p in layout.pages)])
    sheet.append([FINDINGS_SHEET, "未通过的检查（findings）"])
    sheet.append([])
    sheet.append(["说明", "金额为印刷数，单位见各表；超过15位有效数字的金额以文本保存，以免丢失数字。"
                          "机器读取请用同一导出中的 CSV 或 Parquet（精确小数）。"])


def _write_table(sheet, document: dict, layout: SheetLayout) -> None:
    for index, column in enumerate(layout.columns):
        sheet.column_dimensions[_letter(index)].width = 14 if column.measure else 24
    sheet.freeze_panes = "A5"
    sheet.append([_bold(f"{document['unit_name'] or ''} {document['fiscal_year'] or ''}年"
                        f"{document['doc_kind'] or ''} — {table_title(layout.table_code)}", sheet)])
    pages = ", ".join(str(p) for p in layout.pages)
    sheet.append([f"单位：{layout.unit or ''}", f"页码：{pages}", f"table_code：{layout.table_code}"])
    sheet.append([_bold(c.header, sheet) for c in layout.columns])
    sheet.append([_grey(c.code, sheet) for c in layout.columns])
    for values in layout.rows:
        sheet.append([_cell(sheet, v) for v in values])


def _write_findings(sheet, findings: list[dict]) -> None:
    for index, (name, _) in enumerate(FINDING_COLUMNS):
        sheet.column_dimensions[_letter(index)].width = 80 if name == "message" else 14
    sheet.freeze_panes = "A3"
    sheet.append([_bold(header, sheet) for _, header in FINDING_COLUMNS])
    sheet.append([_grey(name, sheet) for name, _ in FINDING_COLUMNS])
    for finding in findings:
        sheet.append([_cell(sheet, finding[name]) for name, _ in FINDING_COLUMNS])


def _cell(sheet, value):
    if not isinstance(value, Decimal):
        return value
    cell = WriteOnlyCell(sheet, value=excel_value(value))
    cell.number_format = number_format(value)
    return cell


def _bold(text, sheet):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _BOLD
    return cell


def _grey(text, sheet):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _GREY
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(titles: list[str]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    names: list[str] = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub("_", title)[:31]
        name, number = base, 2
        while name in names or name in (INDEX_SHEET, FINDINGS_SHEET):
            suffix = f"({number})"
            name, number = base[:31 - len(suffix)] + suffix, number + 1
        names.append(name)
    return names
