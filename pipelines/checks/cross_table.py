"""Between tables: the same amount printed in two tables agrees (pipelines/vocab/cross_tables.yaml).

    check_cross_tables(context) -> [Finding]

Amounts are compared in 元 (Shanghai prints the 三公 table in 万元 and the others in 元) and
reported in the left table's unit. Rows are paired on their whole classification: a consolidated
department's 30101 under 50101 is compared with 30101 under 50101, not with 30101 under 50501.
"""
from __future__ import annotations

from decimal import Decimal

from pipelines.checks.context import CheckContext, rules
from pipelines.checks.findings import Finding
from pipelines.checks.selection import Selected, describe, select, select_rows
from pipelines.checks.tree import CODE_KINDS, cell_key
from pipelines.checks.wording import cell, code_of, location, measure_name, money, place, table_name, text
from pipelines.model import UNIT_TO_YUAN

ZERO = Decimal(0)


def cross_identities() -> list[dict]:
    return rules("cross_tables.yaml")["identities"]


def _compare(identity: dict, left: Selected, right: Selected, context: CheckContext) -> Finding:
    unit = left.unit
    expected = right.amount_yuan / UNIT_TO_YUAN[unit]
    actual = left.amount
    first = left.first
    return Finding(
        identity["id"], expected, actual, location(first),
        message=f"{describe(left, context)}，但{describe(right, context)}，相差{money(abs(actual - expected), unit)}",
        summary=f"{describe(left, context)}，与{describe(right, context)}一致",
        claim=f"{place(first, context.titles)}{measure_name(first.measure)} = "
              f"{place(right.first, context.titles)}{measure_name(right.first.measure)}",
        severity=identity.get("severity", "error"), table_code=first.table_code, page=int(first.page), unit=unit,
        rounding=context.rounding(left.facts + right.facts, unit),
        rounding_note=context.rounding_note(first.table_code) or context.rounding_note(right.first.table_code),
        cells=frozenset(cell_key(f) for f in left.facts + right.facts),
        actual_cells=frozenset(cell_key(f) for f in left.facts), anchor=cell_key(first),
        anchor_yuan=left.amount_yuan, row=context.row_ref(first), order=int(getattr(first, "Index", 0) or 0),
    )


def _missing(identity: dict, left, context: CheckContext) -> Finding:
    right_table = identity["right"]["table"]
    return Finding(
        identity["id"], ZERO, left.amount, location(left),
        message=f"{cell(left, context.titles)}，但{table_name(right_table, context.titles)}没有{code_of(left)}这一行",
        severity=identity.get("severity", "error"), table_code=left.table_code, page=int(left.page), unit=left.unit,
        rounding=context.rounding([left], left.unit), cells=frozenset({cell_key(left)}),
        actual_cells=frozenset({cell_key(left)}), anchor=cell_key(left),
        anchor_yuan=left.amount_yuan, row=context.row_ref(left), order=int(getattr(left, "Index", 0) or 0),
    )


def _printed_kinds(rows) -> set[str]:
    return {kind for kind in CODE_KINDS if any(text(getattr(r, kind, None)) for r in rows)}


def _by_classification(rows, kinds: list[str]) -> dict[tuple, list]:
    grouped: dict[tuple, list] = {}
    for row in rows:
        key = tuple(text(getattr(row, k, None)) for k in kinds)
        if any(key):
            grouped.setdefault(key, []).append(row)
    return grouped


def pair_rows(left_rows: list, right_rows: list) -> tuple[list[tuple], list]:
    """(left, right) pairs on every code both tables print, and the left rows the right lacks.

    A classification printed several times on both sides (301|501 and 301|505 in a table without
    the 政府 code column) pairs in printed order when both print it equally often; otherwise those
    rows are not compared (which row is meant is not printed)."""
    kinds = [k for k in CODE_KINDS if k in _printed_kinds(left_rows) & _printed_kinds(right_rows)]
    if not kinds:
        return [], []
    right = _by_classification(right_rows, kinds)
    pairs, missing = [], []
    for key, lefts in _by_classification(left_rows, kinds).items():
        rights = right.get(key)
        if not rights:
            missing += lefts
        elif len(rights) == len(lefts):
            pairs += list(zip(lefts, rights))
    return pairs, missing


def _compare_rows(identity: dict, context: CheckContext) -> list[Finding]:
    year = context.fiscal_year
    left_rows = select_rows(context, identity["left"], year)
    right_rows = select_rows(context, identity["right"], year)
    if not left_rows or not right_rows:
        return []  # one of the tables is absent or prints no codes
    pairs, missing = pair_rows(left_rows, right_rows)
    findings = [_compare(identity, Selected([a]), Selected([b]), context) for a, b in pairs]
    for row in missing:
        if (under := rows_under(row, right_rows)):
            findings.append(_compare(identity, Selected([row]), Selected(under), context))
        elif identity["left"].get("unmatched") == "report" and row.amount != 0:
            # a class printed as 0.00 (the 决算 总表 prints every class) that the other table omits agrees
            findings.append(_missing(identity, row, context))
    return findings


def rows_under(row, rows: list) -> list:
    """A class the other table does not print as a row of its own (Beijing's 支出总表 prints only
    项): the rows it prints under that class, at their shallowest level, stand for it."""
    code = text(getattr(row, "func_code", None))
    if not code or text(getattr(row, "econ_dept_code", None)) or text(getattr(row, "econ_gov_code", None)):
        return []
    under = [r for r in rows if (c := text(getattr(r, "func_code", None))) and c.startswith(code) and len(c) > len(code)]
    if not under:
        return []
    shallowest = min(len(text(r.func_code)) for r in under)
    return [r for r in under if len(text(r.func_code)) == shallowest]


def check_cross_tables(context: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for identity in cross_identities():
        if identity["left"].get("rows") == "each":
            findings += _compare_rows(identity, context)
            continue
        left = select(context, identity["left"], context.fiscal_year)
        right = select(context, identity["right"], context.fiscal_year)
        if left is not None and right is not None:
            findings.append(_compare(identity, left, right, context))
    return findings
