"""A final account's printed budget against the budget document: checks between two documents of
the warehouse.

A final account (决算) may print, beside its outturn, the budget it executed (年初预算数 per code, the
三公 table's 预算数). That budget is the one the unit published a year and a half earlier; once the
warehouse holds both documents, the two are compared code by code.

    document_pairs(con) -> [(final account, budget document)]
    check_final_against_budget(final_facts, budget_facts, final_id, budget_id, label) -> DataFrame
    budget_document_findings(con) -> DataFrame[VALIDATION_COLUMNS]
    refresh_budget_document_findings(con) -> DataFrame   # computes and writes them, one transaction

A pair is a loaded 部门决算 and a loaded 部门预算 (单位决算 and 单位预算) of the same unit_key and
fiscal_year; where several budget documents qualify, the one with the most facts (its tables
document). The rules are data (vocab/cross_tables.yaml ``budget_document``): each selects cells of
the final account and of the budget as the cross-table rules do. The rows belong to the final
account, with check_id ``budget_xdoc.<rule id>``, category cross_document; their location is the
final account's cell, then the budget document's: ``final_general_expenditure p.10 2080109 社会保险经办机构
(budget document <id> general_expenditure p.12 2080109 社会保险经办机构)``. A budget amount wrong in a
项 and in the 款, 类 and 合计 that sum it (the same difference down one branch) is one finding, at the
项. Refreshed after every batch, so pairs loaded in either order, in one run or two, are checked.

Plain Python + duckdb (no Dagster).
"""
from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd

from pipelines.checks.context import CheckContext, build_context, rules
from pipelines.checks.cross_table import pair_rows, rows_under
from pipelines.checks.findings import Finding, findings_frame
from pipelines.checks.selection import Selected, describe, select, select_rows
from pipelines.checks.tree import cell_key
from pipelines.checks.wording import cell, code_of, location, measure_name, money, place, table_name
from pipelines.crosscheck import _frame
from pipelines.model import FACT_COLUMNS, UNIT_TO_YUAN, VALIDATION_COLUMNS, empty_frame
from pipelines.warehouse import STATUS_LOADED, replace_check_rows

CHECK_PREFIX = "budget_xdoc"
ZERO = Decimal(0)


def budget_rules() -> list[dict]:
    return rules("cross_tables.yaml")["budget_document"]


def document_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(final account, budget document) of the same unit_key and year, the budget with most facts."""
    rows = con.execute(
        """
        SELECT f.document_id, b.document_id,
               (SELECT count(*) FROM facts x WHERE x.document_id = b.document_id) AS n_facts
        FROM documents f JOIN documents b
          ON f.unit_key = b.unit_key AND f.fiscal_year = b.fiscal_year
        WHERE f.status = ? AND b.status = ? AND f.unit_key IS NOT NULL
          AND ((f.doc_kind = '部门决算' AND b.doc_kind = '部门预算')
               OR (f.doc_kind = '单位决算' AND b.doc_kind = '单位预算'))
        ORDER BY f.document_id, n_facts DESC, b.document_id
        """, [STATUS_LOADED, STATUS_LOADED]).fetchall()
    chosen: dict[str, str] = {}
    for final_id, budget_id, n_facts in rows:
        if n_facts > 0:
            chosen.setdefault(final_id, budget_id)
    return sorted(chosen.items())


def _compare(rule: dict, final: Selected, budget: Selected, contexts: tuple[CheckContext, CheckContext],
             budget_id: str, label: str) -> Finding:
    final_context, budget_context = contexts
    unit = final.unit
    expected = budget.amount_yuan / UNIT_TO_YUAN[unit]
    first = final.first
    where = f"同一单位的{label}（{budget_id}）{describe(budget, budget_context)}"
    return Finding(
        f"{CHECK_PREFIX}.{rule['id']}", expected, final.amount,
        f"{location(first)} (budget document {budget_id} {location(budget.first)})",
        message=f"{describe(final, final_context)}，但{where}，相差{money(abs(final.amount - expected), unit)}",
        summary=f"{describe(final, final_context)}，与{where}一致",
        claim=f"{place(first, final_context.titles)}{measure_name(first.measure)}",
        category="cross_document", table_code=first.table_code, page=int(first.page), unit=unit,
        rounding=final_context.rounding(final.facts, unit) + budget_context.rounding(budget.facts, unit),
        cells=frozenset(cell_key(f) for f in final.facts), actual_cells=frozenset(cell_key(f) for f in final.facts),
        anchor=cell_key(first), anchor_yuan=final.amount_yuan, row=final_context.row_ref(first),
        order=int(getattr(first, "Index", 0) or 0),
    )


def _missing(rule: dict, row, final_context: CheckContext, budget_id: str, label: str) -> Finding:
    table = table_name(rule["budget"]["table"])
    return Finding(
        f"{CHECK_PREFIX}.{rule['id']}", ZERO, row.amount, f"{location(row)} (budget document {budget_id})",
        message=f"{cell(row, final_context.titles)}，但同一单位的{label}（{budget_id}）{table}没有{code_of(row)}这一行",
        category="cross_document", table_code=row.table_code, page=int(row.page), unit=row.unit,
        rounding=final_context.rounding([row], row.unit), cells=frozenset({cell_key(row)}),
        actual_cells=frozenset({cell_key(row)}), anchor=cell_key(row), anchor_yuan=row.amount_yuan,
        row=final_context.row_ref(row), order=int(getattr(row, "Index", 0) or 0),
    )


def _rule_findings(rule: dict, contexts: tuple[CheckContext, CheckContext], budget_id: str,
                   label: str) -> list[Finding]:
    final_context, budget_context = contexts
    year = final_context.fiscal_year
    if rule["final"].get("rows") != "each":
        final = select(final_context, rule["final"], year)
        budget = select(budget_context, rule["budget"], year)
        return [] if final is None or budget is None else [_compare(rule, final, budget, contexts, budget_id, label)]
    final_rows = select_rows(final_context, rule["final"], year)
    budget_rows = select_rows(budget_context, rule["budget"], year)
    if not final_rows or not budget_rows:
        return []
    pairs, missing = pair_rows(final_rows, budget_rows)
    findings = [_compare(rule, Selected([a]), Selected([b]), contexts, budget_id, label) for a, b in pairs]
    for row in missing:
        if under := rows_under(row, budget_rows):
            findings.append(_compare(rule, Selected([row]), Selected(under, summed=True), contexts, budget_id, label))
        elif rule["final"].get("unmatched") == "report" and row.amount != 0:
            findings.append(_missing(rule, row, final_context, budget_id, label))
    return findings


def _one_per_branch(findings: list[Finding], final_context: CheckContext) -> None:
    """The same difference in a 项, in its other columns (合计 and 项目支出) and in the 款 / 类 / 合计
    above it is one wrong budget amount carried through the table: reported at the deepest row, the
    others passed with a note (as pipelines.checks.cascade does within a document)."""
    failed = [f for f in findings if not f.passed and f.row is not None and f.row.row_no is not None]
    for finding in sorted(failed, key=lambda f: (-f.row.depth, f.order)):
        tree = final_context.trees.get((finding.row.table_code, finding.row.segment))
        if finding.passed or tree is None:
            continue
        branch = {finding.row.row_no, *tree.ancestors(finding.row.row_no), *tree.totals()}
        for other in failed:
            if (other is not finding and not other.passed and other.difference_yuan == finding.difference_yuan
                    and (other.row.table_code, other.row.segment) == (finding.row.table_code, finding.row.segment)
                    and other.row.row_no in branch):
                other.passed = True
                other.note = f"{other.message}。这一差异与{finding.claim}同源，已在该处作为一项发现报告"
                finding.message += f"；同一差异还见于{other.claim}"


def check_final_against_budget(final_facts: pd.DataFrame, budget_facts: pd.DataFrame, final_id: str,
                               budget_id: str, label: str) -> pd.DataFrame:
    """Validation rows of the final account: its printed budget against the budget document's facts.
    ``label`` names the budget document in messages (2024年单位预算)."""
    if final_facts.empty or budget_facts.empty:
        return empty_frame(VALIDATION_COLUMNS)
    contexts = (build_context(None, _as_read(final_facts)), build_context(None, _as_read(budget_facts)))
    findings: list[Finding] = []
    for rule in budget_rules():
        findings += _rule_findings(rule, contexts, budget_id, label)
    _one_per_branch(findings, contexts[0])
    return findings_frame(final_id, findings)


def _as_read(facts: pd.DataFrame) -> pd.DataFrame:
    facts = facts.copy()
    facts["is_total"] = facts["is_total"].map(lambda v: bool(v) if v is not None and not pd.isna(v) else False)
    return facts


def budget_document_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frames = []
    for final_id, budget_id in document_pairs(con):
        final_facts = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ? "
                                  "ORDER BY page", [final_id])
        budget_facts = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ? "
                                   "ORDER BY page", [budget_id])
        year, kind = con.execute("SELECT fiscal_year, doc_kind FROM documents WHERE document_id = ?",
                                 [budget_id]).fetchone()
        frame = check_final_against_budget(final_facts, budget_facts, final_id, budget_id, f"{year}年{kind}")
        if not frame.empty:
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)[VALIDATION_COLUMNS] if frames else empty_frame(VALIDATION_COLUMNS)


def refresh_budget_document_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Recompute the rows of every loaded final account and replace its previous ``budget_xdoc.*``
    rows, in one transaction (a pair that no longer exists leaves no stale rows). Returns the rows written."""
    return replace_check_rows(con, CHECK_PREFIX, lambda: budget_document_findings(con))
