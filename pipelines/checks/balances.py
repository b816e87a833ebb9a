"""Within a final account's two-sided summary (收入支出决算总表, 财政拨款收入支出决算总表), side by side
and column by column: its totals are the sums of the rows printed above them
(pipelines/vocab/identities.yaml, ``balances``).

    check_balances(context) -> [Finding]

    balance.current_eq_sum_of_rows       本年收入合计 = the rows above it (一般公共预算财政拨款收入 …)
    balance.total_eq_current_plus_rows   总计 = 本年收入合计 + the rows between (使用非财政拨款结余, 年初结转和结余)
    balance.row_eq_its_breakdown         年初财政拨款结转和结余 = the fund rows printed under it

A row that breaks down the row above it (the 年初财政拨款结转和结余 of each fund) is no summand of
总计, nor is a row printed under another (其中：…); a side whose layout is not the one described (a
balance row above 本年收入合计, two 总计 rows) is not checked.
"""
from __future__ import annotations

from pipelines.checks.context import CheckContext, rules
from pipelines.checks.findings import Finding
from pipelines.checks.hierarchy import sum_finding
from pipelines.checks.selection import labelled
from pipelines.checks.tree import Tree, row_number

SUB_ROW_ORDINAL = 5  # pipelines.tree: a 其中： row


def _spec() -> dict:
    return rules("identities.yaml")["balances"]


def _ordered(cells: dict[int, object]) -> list:
    return [cells[n] for n in sorted(cells)]


def _one(rows: list, labels: list[str]):
    found = [r for r in rows if labelled(r, labels)]
    return found[0] if len(found) == 1 else None


def _sub_row(tree: Tree, row) -> bool:
    """A row printed under another (其中：…, or placed under a parent by the reader): no summand."""
    ordinal = getattr(row, "ordinal", None)
    return tree.parent.get(row_number(row)) is not None or (ordinal is not None and ordinal == SUB_ROW_ORDINAL)


def _column(tree: Tree, cells: dict[int, object], context: CheckContext, spec: dict) -> list[Finding]:
    """The identities of one side's column (its cells by row number)."""
    rows = [r for r in _ordered(cells) if not _sub_row(tree, r)]
    current, grand = _one(rows, spec["current_totals"]), _one(rows, spec["grand_totals"])
    findings: list[Finding] = []
    if current is not None:
        above = rows[:rows.index(current)]
        if above and not any(labelled(r, spec["balance_rows"]) or bool(r.is_total) for r in above):
            findings.append(sum_finding("balance.current_eq_sum_of_rows", tree, current, above, "其上方各行", context))
    if current is not None and grand is not None and rows.index(current) < rows.index(grand):
        between = rows[rows.index(current) + 1:rows.index(grand)]
        summands = [r for r in between if not labelled(r, spec["breakdowns"])]
        findings.append(sum_finding("balance.total_eq_current_plus_rows", tree, grand, [current] + summands,
                                    "其构成", context))
        findings += _breakdowns(tree, between, spec, context)
    return findings


def _breakdowns(tree: Tree, rows: list, spec: dict, context: CheckContext) -> list[Finding]:
    """A row followed by breakdown rows (一般公共预算财政拨款 …) is their sum."""
    findings, index = [], 0
    while index < len(rows):
        parts = []
        while index + 1 + len(parts) < len(rows) and labelled(rows[index + 1 + len(parts)], spec["breakdowns"]):
            parts.append(rows[index + 1 + len(parts)])
        if parts and not labelled(rows[index], spec["breakdowns"]):
            findings.append(sum_finding("balance.row_eq_its_breakdown", tree, rows[index], parts, "其分项", context))
        index += 1 + len(parts)
    return findings


def check_balances(context: CheckContext) -> list[Finding]:
    spec = _spec()
    findings: list[Finding] = []
    for (table_code, _segment), tree in context.trees.items():
        if table_code not in spec["tables"]:
            continue
        for (_measure, _year), cells in tree.cells.items():
            findings += _column(tree, {n: f for n, f in cells.items() if row_number(f) is not None}, context, spec)
    return findings
