"""Within one printed row: a total column equals the sum of its part columns
(合计 = 基本支出 + 项目支出, 基本支出 = 人员支出 + 日常公用支出, …; pipelines/vocab/identities.yaml).

    check_rows(context) -> [Finding]

An identity applies to a table that prints the total column and at least one part column; a part
cell left empty counts as zero. A table with a column no measure rule names is not checked here:
that column may be one of the parts. ``minus`` parts are deducted (年末结转和结余 = 年初结转和结余 +
本年收入 − 本年支出). In a final account the budget columns printed beside the outturn (预算数 /
决算数) obey the same identities: each identity also applies, as ``<id>_<stage>``, to the measures the
``stages`` of vocab/identities.yaml rename it to (合计 → budget_initial, 基本支出 → basic_budget).
"""
from __future__ import annotations

from decimal import Decimal

from pipelines.checks.context import CheckContext, rules
from pipelines.checks.findings import Finding
from pipelines.checks.tree import cell_key, row_number, segment_of
from pipelines.checks.wording import location, measure_name, money, number, place

ZERO = Decimal(0)
UNNAMED = "unmapped"


def row_identities() -> list[dict]:
    """Every identity, then its budget-column variants (one per stage)."""
    spec = rules("identities.yaml")
    identities = spec["row_identities"]
    return identities + [staged(identity, stage) for stage in spec.get("stages", []) for identity in identities]


def staged(identity: dict, stage: dict) -> dict:
    """The identity between a stage's columns: 合计 is the stage's total, any other measure gets its suffix."""
    def rename(measure: str) -> str:
        return stage["total"] if measure == "total" else f"{measure}{stage['suffix']}"

    renamed = {key: [rename(m) for m in identity.get(key, [])]
               for key in ("parts", "minus", "requires_any", "requires_all", "unless_any")}
    return {**identity, **renamed, "id": f"{identity['id']}{stage['suffix']}", "total": rename(identity["total"])}


def _printed_rows(facts) -> tuple[dict, dict]:
    """(table, row, year) -> {measure: fact}, and table -> the measures it prints."""
    rows: dict[tuple, dict[str, object]] = {}
    present: dict[tuple, set] = {}
    # tables whose rows are their measures (三公 items as rows): each column is one row of measures
    by_column = {f.table_code for f in facts
                 if isinstance(column := getattr(f, "column_measure", None), str) and column != f.measure}
    for fact in facts:
        if fact.table_code == "summary":
            continue  # its rows are single amounts; the summary is checked against other tables
        table_key = (fact.table_code, segment_of(fact))
        present.setdefault(table_key, set()).add(fact.measure)
        row = ("column", fact.column_measure) if fact.table_code in by_column else row_number(fact)
        rows.setdefault((table_key, row, fact.fiscal_year), {}).setdefault(fact.measure, fact)
    return rows, present


def _applies(identity: dict, measures: set) -> bool:
    return (identity["total"] in measures
            and (not identity.get("requires_any") or bool(measures & set(identity["requires_any"])))
            and set(identity.get("requires_all", [])) <= measures
            and not measures & set(identity.get("unless_any", [])))


def _terms(parts: list[str], minus: list[str], cells: dict, unit) -> str:
    """基本支出1,782.90 + 项目支出526.00 − 本年支出…, an empty cell shown as （空）"""
    def term(measure: str) -> str:
        return f"{measure_name(measure)}{number(cells[measure].amount, unit) if measure in cells else '（空）'}"
    text = " + ".join(term(p) for p in parts)
    return text + "".join(f" − {term(m)}" for m in minus)


def _finding(identity: dict, cells: dict, parts: list[str], minus: list[str],
             context: CheckContext) -> Finding | None:
    total = cells.get(identity["total"])
    printed_parts = [cells[p] for p in parts if p in cells]
    printed_minus = [cells[m] for m in minus if m in cells]
    if total is None and not printed_parts and not printed_minus:
        return None
    first = total or (printed_parts + printed_minus)[0]
    unit = first.unit
    expected = sum((f.amount for f in printed_parts), ZERO) - sum((f.amount for f in printed_minus), ZERO)
    actual = total.amount if total is not None else ZERO
    where = place(first, context.titles)
    total_name = measure_name(identity["total"])
    terms = _terms(parts, minus, cells, unit)
    named = " + ".join(measure_name(p) for p in parts) + "".join(f" − {measure_name(m)}" for m in minus)
    printed = [f for f in [total] + printed_parts + printed_minus if f is not None]
    anchor = total if total is not None else first
    return Finding(
        identity["id"], expected, actual, location(first),
        message=f"{where}{total_name}{money(actual, unit)}，但{terms} = {money(expected, unit)}，"
                f"相差{money(abs(actual - expected), unit)}",
        summary=f"{where}{total_name}{money(actual, unit)}，等于"
                + (named if minus else f"{'、'.join(measure_name(p) for p in parts)}之和"),
        claim=f"{where}{total_name} = {named}",
        table_code=first.table_code, page=int(anchor.page), unit=unit,
        rounding=context.rounding(printed, unit), rounding_note=context.rounding_note(first.table_code),
        cells=frozenset(cell_key(f) for f in printed),
        # a deducted part moves the identity as the total does
        actual_cells=frozenset({cell_key(f) for f in [total] + printed_minus if f is not None}),
        anchor=cell_key(anchor), anchor_yuan=anchor.amount_yuan,
        row=context.row_ref(first),
        order=int(getattr(anchor, "Index", 0) or 0),
    )


def check_rows(context: CheckContext) -> list[Finding]:
    rows, present = _printed_rows(context.rows)
    findings: list[Finding] = []
    for (table_key, _, _), cells in rows.items():
        measures = present[table_key]
        if UNNAMED in measures:
            continue  # a column no rule names may be one of the parts (extraction.column_mapped says which)
        for identity in row_identities():
            if not _applies(identity, measures):
                continue
            parts = [p for p in identity["parts"] if p in measures]
            minus = [m for m in identity.get("minus", []) if m in measures]
            if (finding := _finding(identity, cells, parts, minus, context)) is not None:
                findings.append(finding)
    return findings
