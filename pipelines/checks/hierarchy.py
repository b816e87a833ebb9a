"""Within a table, down its printed tree: each parent row is the sum of its children, and the
total row the sum of the top-level rows, in every amount column.

    check_hierarchy(context) -> [Finding]

Rows are grouped the way the table prints them (pipelines.checks.tree): in a consolidated
department's economic table, 301 under 501 and 301 under 505 are two parents with their own
children, and the 合计 is the sum of the five blocks.
"""
from __future__ import annotations

from decimal import Decimal

from pipelines.checks.context import CheckContext, rules
from pipelines.checks.findings import Finding
from pipelines.checks.tree import Tree, cell_key, primary_code, row_number
from pipelines.checks.wording import cell, listing, location, measure_name, money, place

ZERO = Decimal(0)
LEVEL_BY_CODE_LENGTH = {3: "类", 5: "款"}  # parents: 类 = Σ 款 (or 项), 款 = Σ 项
CHILD_CODE_LENGTHS = (5, 7)
SKIPPED_MEASURES = {"unmapped"}  # a column no rule names: what it holds (a 数量, a 序号) is not known


def _spec() -> dict:
    return rules("identities.yaml")["hierarchy"]


def _summands(tree: Tree, parent_no: int, children: list[int], label_table: bool) -> list[int] | None:
    """The children that add up to the parent, or None when the printed tree does not say which do."""
    kind, code = primary_code(tree.rows[parent_no])
    if kind is None:
        return children if label_table else None
    if len(code) not in LEVEL_BY_CODE_LENGTH:
        return None  # not a 类 or 款 code: nothing the classification says sums into it
    for child in children:
        child_kind, child_code = primary_code(tree.rows[child])
        if (child_kind != kind or len(child_code) not in CHILD_CODE_LENGTHS
                or not (child_code.startswith(code) and len(child_code) > len(code))):
            return None  # a 其中 row, or a row of another classification: not a plain breakdown
    return children


def _top_level_summands(tree: Tree, label_table: bool) -> list[int] | None:
    """The top-level rows, when they are one plain list (one code kind, none inside another)."""
    top = tree.top_level()
    if not top:
        return None
    if label_table:
        return top
    codes = [primary_code(tree.rows[n]) for n in top]
    kinds = {kind for kind, _ in codes}
    if len(kinds) != 1 or None in kinds:
        return None
    values = [code for _, code in codes]
    if any(a != b and b.startswith(a) for a in values for b in values):
        return None  # a 款 printed beside its 类 at the top level: the tree is not known
    return top


def sum_finding(check_id: str, tree: Tree, parent, parts: list, what: str, context: CheckContext) -> Finding:
    """``parent`` = the sum of ``parts``; ``what`` names the parts (其明细, 其各一级行)."""
    expected = sum((p.amount for p in parts), ZERO)
    actual = parent.amount
    gap = money(abs(actual - expected), parent.unit)
    return Finding(
        check_id, expected, actual, f"{location(parent)} [{parent.measure}]",
        message=f"{cell(parent, context.titles)}，但{what}{listing(parts)} = {money(expected, parent.unit)}，"
                f"相差{gap}",
        summary=f"{cell(parent, context.titles)}，等于{what}（{len(parts)}项）之和",
        claim=f"{place(parent, context.titles)}{measure_name(parent.measure)} = {what}之和",
        table_code=tree.table_code, page=int(parent.page), unit=parent.unit,
        rounding=context.rounding([parent] + parts, parent.unit),
        rounding_note=context.rounding_note(tree.table_code),
        cells=frozenset(cell_key(f) for f in [parent] + parts), actual_cells=frozenset({cell_key(parent)}),
        anchor=cell_key(parent),
        anchor_yuan=parent.amount_yuan, row=tree.ref(row_number(parent)),
        order=int(getattr(parent, "Index", 0) or 0),
    )


def check_tree(tree: Tree, context: CheckContext, label_table: bool) -> list[Finding]:
    findings: list[Finding] = []
    children = tree.children()
    totals = tree.totals()
    top = _top_level_summands(tree, label_table) if len(totals) == 1 else None
    for (measure, _year), cells in tree.cells.items():
        if measure in SKIPPED_MEASURES:
            continue
        for parent_no, kids in children.items():
            parent = cells.get(parent_no)
            summands = _summands(tree, parent_no, kids, label_table) if parent is not None else None
            parts = [cells[k] for k in summands or [] if k in cells]
            if not parts:
                continue
            _, code = primary_code(parent)
            level = LEVEL_BY_CODE_LENGTH.get(len(code)) if code else None
            check_id = f"hierarchy.{level}_eq_sum_of_children" if level else "hierarchy.row_eq_sum_of_children"
            findings.append(sum_finding(check_id, tree, parent, parts, "其明细", context))
        total = cells.get(totals[0]) if top else None
        parts = [cells[n] for n in top or [] if n in cells]
        if total is not None and parts:
            coded = primary_code(tree.rows[top[0]])[0] is not None
            check_id = "hierarchy.total_eq_sum_of_classes" if coded else "hierarchy.total_eq_sum_of_rows"
            findings.append(sum_finding(check_id, tree, total, parts, "其各一级行", context))
    return findings


def check_hierarchy(context: CheckContext) -> list[Finding]:
    """Every table's printed tree (``context.trees``)."""
    spec = _spec()
    findings: list[Finding] = []
    for (table_code, _segment), tree in context.trees.items():
        if table_code in spec["skip_tables"]:
            continue
        findings += check_tree(tree, context, table_code in spec["label_tables"])
    return findings

