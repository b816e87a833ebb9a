"""Each 项目支出绩效目标表 against the project table: its 资金总额 is its project's amount (where
the document prints a project table; project forms only, a reprinted form once).

    check_performance(forms, context, amount_unit) -> [Finding]

A consolidated department's project table may print one project name several times (one row per
实施单位, with no unit column): a form is matched to the row of its name whose amount it states,
each row used by one form at most; when no row of that name has its amount, the finding lists
them all, once.
"""
from __future__ import annotations

import difflib
from decimal import Decimal

from pipelines.checks.context import CheckContext, half_unit_of
from pipelines.checks.findings import Finding
from pipelines.checks.tree import cell_key
from pipelines.checks.wording import money, table_place, text
from pipelines.model import UNIT_TO_YUAN, PerformanceForm

ZERO = Decimal(0)
NAME_CUTOFF = 0.75  # how alike a form's project name must be to a printed one to be taken for it


def _projects(context: CheckContext) -> dict[str, list]:
    by_name: dict[str, list] = {}
    for fact in context.by_table.get("project_expenditure", []):
        if fact.measure == "total" and not bool(fact.is_total) and text(fact.project_name):
            by_name.setdefault(fact.project_name, []).append(fact)
    return by_name


def _form_place(form: PerformanceForm) -> str:
    return f"第{form.page}页绩效目标表“{form.project_name}”"


def _choose(form: PerformanceForm, rows: list, used: set, unit: str):
    """The row whose amount the form states (not yet taken by another form), else None."""
    funds_yuan = form.total_funds * UNIT_TO_YUAN[unit]
    for row in rows:
        if row.amount_yuan == funds_yuan and cell_key(row) not in used:
            return row
    return None


def _funds_finding(form: PerformanceForm, rows: list, unit: str, location: str, context: CheckContext) -> Finding:
    row = rows[0]
    expected = row.amount_yuan / UNIT_TO_YUAN[unit]
    project_place = table_place(row.table_code, row.page, context.titles)
    if len(rows) == 1:
        printed = f"{project_place}该项目为{money(row.amount, row.unit)}"
    else:
        amounts = "、".join(money(r.amount, r.unit) for r in rows)
        printed = f"{project_place}印有{len(rows)}个同名项目（{amounts}），没有一个等于该金额"
    return Finding(
        "performance.funds_eq_project_amount", expected, form.total_funds, location,
        message=f"{_form_place(form)}年度资金总额{money(form.total_funds, unit)}，但{printed}",
        summary=f"{_form_place(form)}年度资金总额{money(form.total_funds, unit)}，与{project_place}该项目金额一致",
        claim=f"{_form_place(form)}年度资金总额 = 项目支出表该项目金额",
        table_code="project_expenditure", page=form.page, unit=unit,
        rounding=context.rounding(rows[:1], unit) + half_unit_of(form.total_funds),
        cells=frozenset({("form", form.page)} | {cell_key(r) for r in rows}),
        actual_cells=frozenset({("form", form.page)}), anchor=("form", form.page),
        anchor_yuan=form.total_funds * UNIT_TO_YUAN[unit], order=form.page * 10_000,
    )


def check_performance(forms: list[PerformanceForm], context: CheckContext, amount_unit: str | None) -> list[Finding]:
    by_name = _projects(context)
    findings: list[Finding] = []
    if not by_name:
        return findings  # no project table (北京, 西安 print only the forms): nothing to compare with
    used: set = set()
    for form in forms:
        if form.kind != "project" or form.reprint_of is not None or form.total_funds is None:
            continue  # a 部门整体 / 专项资金 / 转移支付 form is about no one project; a reprint is compared once
        unit = form.unit or amount_unit or "万元"
        location = f"performance p.{form.page} {form.project_name}"
        rows = by_name.get(form.project_name)
        if rows is None and by_name:
            close = difflib.get_close_matches(form.project_name, list(by_name), n=1, cutoff=NAME_CUTOFF)
            if close:
                rows = by_name[close[0]]
                findings.append(Finding(
                    "performance.project_name_matches", ZERO, Decimal(1), location,
                    message=f"{_form_place(form)}所列项目名称与"
                            f"{table_place(rows[0].table_code, rows[0].page, context.titles)}所印“{close[0]}”不一致",
                    severity="warning", table_code="project_expenditure", page=form.page, unit=None,
                    cells=frozenset({("form", form.page, "name")}), order=form.page * 10_000))
        if rows is None:
            findings.append(Finding(
                "performance.project_in_project_table", form.total_funds, ZERO, location,
                message=f"{_form_place(form)}年度资金总额{money(form.total_funds, unit)}，但项目支出表中没有该名称的项目",
                severity="warning", table_code="project_expenditure", page=form.page, unit=unit,
                cells=frozenset({("form", form.page)}), order=form.page * 10_000))
            continue
        chosen = _choose(form, rows, used, unit)
        if chosen is not None:
            used.add(cell_key(chosen))
        findings.append(_funds_finding(form, [chosen] if chosen is not None else rows, unit, location, context))
    return findings
