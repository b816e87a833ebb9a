"""A table's columns: what each one holds, decided by its header and confirmed by its cells.

    plan_columns(table) -> list[Column]

A header's words give a column its role (code, unit code, label text, project, year, a column to
ignore, or an amount with its measure); the cells have the last word where the two disagree: a
column whose cells are amounts is an amount column even when its header contains 单位 or 项目
(事业单位经营支出, 对附属单位补助支出), and a column of sentences (绩效目标) is not an amount column
whatever its header. Code columns group by the classification their header names (功能分类 /
部门经济分类 / 政府经济分类 / 单位编码), so two neighbouring code groups never merge into one code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.model import ExtractedTable
from pipelines.read.cells import CODE_NAME_PATTERN, CODE_PATTERN, is_amount_cell
from pipelines.vocabulary import column_meaning, compact, family_by_code, label_role

LABEL_ROLES = ("code", "unit_code", "text", "project_name", "project_category", "year")
BUDGET_STAGES = ("budget", "budget_adjusted")  # ColumnMeaning.final of a 决算 table's budget columns
AMOUNT_SHARE = 0.6  # of a column's non-empty cells, for the cells to overrule the header
_MONEY_WORDS = re.compile(r"支出|收入|经费|资金|预算|金额|合计|总计|拨款|费")
_CODE_KINDS = (("econ_gov_code", re.compile(r"政府(预算)?(支出)?经济")),
               ("econ_dept_code", re.compile(r"部门(预算)?(支出)?经济|经济(分类|科目)")),
               ("func_code", re.compile(r"功能")))


@dataclass
class Column:
    index: int
    path: tuple[str, ...]
    role: str | None  # one of LABEL_ROLES, "ignore", or None for an amount column
    measure: str | None
    year: int | None
    year_offset: int | None
    change: bool
    side: str | None
    segment: int
    code_group: int | None = None
    code_kind: str | None = None  # func_code / econ_dept_code / econ_gov_code named by the header
    # for text columns right after a code group: that group's place among its segment's groups
    # (0 = the segment's first classification, 1 = a second one such as 政府预算经济分类)
    after_code_group: int | None = None


def _side(path: tuple[str, ...]) -> str | None:
    top = compact(path[0]) if path else ""
    if "收入" in top:
        return "income"
    if "支出" in top:
        return "expenditure"
    return None


def _cells(table: ExtractedTable, index: int) -> list[str]:
    return [t for t in (compact(row[index].text) for row in table.rows if index < len(row)) if t]


def _content_role(header_role: str | None, path: tuple[str, ...], cells: list[str]) -> str | None:
    """The header's role, overruled by what the column's cells print."""
    if not cells:
        return "ignore" if header_role is None and not path else header_role
    amounts = sum(1 for c in cells if is_amount_cell(c))
    mostly_amounts = amounts >= AMOUNT_SHARE * len(cells)
    if header_role == "text" and mostly_amounts and any(_MONEY_WORDS.search(p) for p in path):
        return None  # 事业单位经营支出 / 对附属单位补助支出: amounts, whatever 单位 suggests
    if header_role is None and amounts == 0 and all(len(c) > 6 for c in cells):
        return "ignore"  # a column of sentences (绩效目标, 项目简介) under an amount-like header
    if header_role in ("code", "unit_code") and not any(CODE_PATTERN.match(c) or c.isdigit()
                                                         or CODE_NAME_PATTERN.match(c) for c in cells):
        return "text"  # a 合计 / name printed where codes were expected: read it as a label
    return header_role


def _code_kind(path: tuple[str, ...]) -> str | None:
    text = "".join(path)
    return next((kind for kind, pattern in _CODE_KINDS if pattern.search(text)), None)


def plan_columns(table: ExtractedTable) -> list[Column]:
    family = family_by_code(table.table_code)
    sided = bool(family and family.sided)
    columns: list[Column] = []
    segment, group, previous_was_amount = 0, -1, False
    previous_code_parent: tuple[str, ...] | None = None
    budget_columns = False  # a 预算数 / 调整预算数 column beside the outturn
    for i, path in enumerate(table.header_paths):
        role = _content_role(label_role(path), path, _cells(table, i))
        if sided and role in ("project_name", "project_category"):
            role = "text"
        if role in LABEL_ROLES and previous_was_amount:
            segment += 1
        meaning = column_meaning(path, final=bool(family and family.is_final)) if role is None else None
        measure = meaning.measure if meaning else None
        budget_columns = budget_columns or bool(meaning and meaning.final in BUDGET_STAGES)
        if role is None and measure is None:
            measure = "unmapped" if path else "total"
        code_group = None
        if role == "code":
            parent = path[:-1] if len(path) > 1 else path
            if previous_code_parent is None or parent != previous_code_parent:
                group += 1
            code_group = group
            previous_code_parent = parent
        elif role is not None:
            previous_code_parent = None
        columns.append(Column(
            i, path, role, measure, meaning.year if meaning else None,
            meaning.year_offset if meaning else None, bool(meaning and meaning.change),
            _side(path) if sided else None, segment, code_group,
            _code_kind(path) if role == "code" else None,
            _rank_in_segment(columns, group, segment)
            if role in ("text", "project_name") and columns and columns[-1].role == "code" else None))
        if role is not None and role != "ignore":
            previous_was_amount = False
        elif role is None:
            previous_was_amount = True
    if not budget_columns:
        _outturn_alone_is_total(columns)
    return columns


def _rank_in_segment(columns: list[Column], group: int, segment: int) -> int:
    groups = sorted({c.code_group for c in columns if c.role == "code" and c.segment == segment})
    return groups.index(group) if group in groups else 0


def _outturn_alone_is_total(columns: list[Column]) -> None:
    """决算数 beside a budget column is the outturn (actual); printed alone it is the total (a fund
    column such as 一般公共预算财政拨款 is no budget column)."""
    for column in columns:
        if column.measure == "actual":
            column.measure = "total"


def non_money_numbers(table: ExtractedTable) -> list[tuple[int, str]]:
    """(page, text) of the numbers printed in columns read as not money (序号, 数量, 自评分数 …):
    read and set aside on purpose, so the completeness check counts them as read."""
    ignored = [c.index for c in plan_columns(table) if c.role == "ignore"]
    return [(row[i].page, row[i].text) for row in table.rows for i in ignored
            if i < len(row) and compact(row[i].text)]
