"""Performance-target forms -> facts: every amount a form's funds block prints (资金总额 / 财政拨款 /
其他资金 …, a 部门整体 form's 预算支出总额 and 年度主要任务 budgets), so nothing printed is lost.

One table_code per form kind (project_performance, performance_overall, special_fund_performance,
transfer_performance), the measure from the fund label (docs/vocabulary.md). item is the amount's
label (the fund label, or a 年度主要任务 task), row_path its labels joined by ' / '. Each form is a
printed table of its own (the internal segment numbers it): its label–amount block is one row
(row_no 1; its lines are that row's measures, so 资金总额 = 财政拨款 + 其他资金 is checked within the
row), each line of a budget sub-table another, and a list form's project row its line in the list.
A form printed again (福州 p52 = p28) yields its facts once. Where a document prints several forms
for one project name (烟台市司法局: 实施公车统管费用 once per 实施单位), row_path starts with the
form's 实施单位 so that every fact keeps one identity.
"""
from __future__ import annotations

from collections import Counter

from pipelines.model import ExtractedDocument, PerformanceForm
from pipelines.money import parse_amount, to_yuan
from pipelines.read.forms import form_vocab, fund_table_code

IMPLEMENTING_UNIT = "实施单位"
FORM_TABLE_CODES = frozenset(k.table_code for k in form_vocab().kinds)


def form_facts(doc: ExtractedDocument) -> list[dict]:
    """Fact rows (the contract's columns and facts.py's internal ones) of every form's amounts."""
    forms = [f for f in doc.performance_forms if f.funds and f.reprint_of is None]
    names = Counter((f.kind, f.project_name or None) for f in forms)
    rows: list[dict] = []
    for index, form in enumerate(forms):
        prefix = None
        if names[(form.kind, form.project_name or None)] > 1:
            prefix = form.fields.get(IMPLEMENTING_UNIT) or f"第{form.page}页"
        rows += _facts_of(form, index, doc, prefix)
    return rows


def _facts_of(form: PerformanceForm, index: int, doc: ExtractedDocument, prefix: str | None) -> list[dict]:
    info = doc.info
    unit = form.unit or info.amount_unit or "万元"
    project = form.project_name or (info.unit_name if form.kind == "overall" else None) or None
    rows = []
    for fund in form.funds:
        amount = parse_amount(fund.text)
        if amount is None:
            continue
        labels = (fund.item,) if fund.item else fund.labels
        path = " / ".join(((prefix,) if prefix else ()) + labels)
        table_code = fund_table_code(form.kind)
        rows.append({
            "document_id": info.document_id, "unit_name": info.unit_name, "doc_kind": info.doc_kind,
            "fiscal_year": info.fiscal_year, "table_code": table_code, "side": None,
            "item": fund.item or fund.labels[0], "func_code": None, "econ_dept_code": None,
            "econ_gov_code": None, "project_name": project, "project_category": None,
            "measure": fund.measure, "amount": amount, "unit": unit, "amount_yuan": to_yuan(amount, unit),
            "is_total": fund.is_total, "page": fund.page, "row_no": fund.row, "row_path": path,
            "row_index": fund.row - 1, "ordinal": None, "segment": index, "parent_row_no": None,
        })
    return rows
