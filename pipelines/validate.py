"""Findings: the accounting identities between and within a document's tables, and prose vs tables.

Every check yields one result row (passed or not), so an analyst can see what was checked as
well as what failed. An inconsistency in a document is a finding, never an exception.
"""
from __future__ import annotations

import difflib
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

import pandas as pd
import yaml

from pipelines import identity
from pipelines.completeness import record_findings
from pipelines.form_facts import FORM_TABLE_CODES
from pipelines.money import parse_amount
from pipelines.model import UNIT_TO_YUAN, VALIDATION_COLUMNS, ExtractedDocument, empty_frame
from pipelines.vocabulary import VOCAB_DIR

ZERO = Decimal("0")


@lru_cache(maxsize=None)
def row_identities() -> list[dict]:
    with open(VOCAB_DIR / "identities.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["row_identities"]


CATEGORY_BY_PREFIX = {"row_sum": "arithmetic", "hierarchy": "arithmetic", "cross": "cross_table",
                      "performance": "cross_table", "prose": "prose", "prose_xdoc": "cross_document",
                      "extraction": "completeness", "completeness": "completeness"}


class Findings:
    def __init__(self, document_id: str):
        self.document_id = document_id
        self.rows: list[dict] = []

    def add(self, check_id: str, expected: Decimal, actual: Decimal, location: str, message: str,
            severity: str = "error", tolerance: Decimal = ZERO, *, table_code: str | None = None,
            page: int | None = None, unit: str | None = None, category: str | None = None) -> None:
        passed = abs(expected - actual) <= tolerance
        self.rows.append({
            "document_id": self.document_id, "check_id": check_id, "severity": severity,
            "passed": bool(passed), "expected": expected, "actual": actual, "location": location,
            "table_code": table_code, "page": page, "unit": unit,
            "category": category or CATEGORY_BY_PREFIX.get(check_id.split(".", 1)[0], "arithmetic"),
            "message": message if not passed else message.split("；")[0],
        })

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=VALIDATION_COLUMNS) if self.rows else empty_frame(VALIDATION_COLUMNS)
        frame["passed"] = frame["passed"].astype(bool)  # so ~frame.passed filters even when empty
        frame["page"] = frame["page"].astype("Int64")
        return frame


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _first(frame: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(**frame.iloc[0].to_dict())


def _where(row) -> str:
    code = _text(row.func_code) or _text(row.econ_dept_code)
    label = (" ".join(x for x in (code, _text(row.item) or _text(row.project_name)) if x)
             # facts read back from the warehouse carry no row_index: name the column instead
             or (f"row {row.row_index + 1}" if hasattr(row, "row_index") else f"[{row.measure}]"))
    return f"{row.table_code} p.{row.page} {label}"


def _fmt(amount: Decimal, unit: str) -> str:
    return f"{amount:,.2f} {unit}"


# ---------------------------------------------------------------- within a row
def check_rows(facts: pd.DataFrame, findings: Findings) -> None:
    # one pass over the facts into plain dicts: per-row pandas groups are slow on long documents
    rows: dict[tuple, tuple[object, dict]] = {}
    present: dict[tuple, set] = {}
    for fact in facts.itertuples(index=False):
        if fact.table_code == "summary":
            continue  # its rows are single amounts; the summary is checked against other tables
        table_key = (fact.table_code, fact.side if isinstance(fact.side, str) else None,  # NaN != NaN
                     fact.segment if fact.table_code in FORM_TABLE_CODES else None)  # each form its own table
        present.setdefault(table_key, set()).add(fact.measure)
        first, amounts = rows.setdefault((table_key, fact.row_index, fact.fiscal_year), (fact, {}))
        amounts.setdefault(fact.measure, fact.amount)
    for (table_key, _, _), (first, amounts) in rows.items():
        measures = present[table_key]
        for identity in row_identities():
            if identity["total"] not in measures or not measures & set(identity["requires_any"]):
                continue
            if measures & set(identity.get("unless_any", [])):
                continue
            parts = [p for p in identity["parts"] if p in measures]
            if identity["total"] not in amounts and not any(p in amounts for p in parts):
                continue
            expected = sum((amounts.get(p, ZERO) for p in parts), ZERO)
            actual = amounts.get(identity["total"], ZERO)
            findings.add(
                identity["id"], expected, actual, _where(first),
                f"{_where(first)}: {identity['total']} {_fmt(actual, first.unit)}；but "
                + " + ".join(f"{p} {amounts.get(p, ZERO):,.2f}" for p in parts)
                + f" = {_fmt(expected, first.unit)}",
            )


# ---------------------------------------------------------------- hierarchy
def check_hierarchy(facts: pd.DataFrame, findings: Findings) -> None:
    uncoded_totals = facts[facts.is_total & facts[["func_code", "econ_dept_code"]].isna().all(axis=1)]
    for code_column in ("func_code", "econ_dept_code"):
        coded = facts[facts[code_column].notna()]
        for (table_code, measure, side, year), group in coded.groupby(
                ["table_code", "measure", "side", "fiscal_year"], dropna=False, sort=False):
            if table_code in ("summary", "fiscal_summary") and code_column == "func_code":
                continue
            by_code: dict[str, object] = {}
            for row in group.itertuples():
                by_code.setdefault(getattr(row, code_column), row)
            for code, row in by_code.items():
                children = [r for c, r in by_code.items() if len(c) == len(code) + 2 and c.startswith(code)]
                if len(code) not in (3, 5) or not children:
                    continue
                expected = sum((r.amount for r in children), ZERO)
                level = "类" if len(code) == 3 else "款"
                findings.add(
                    f"hierarchy.{level}_eq_sum_of_children", expected, row.amount,
                    f"{_where(row)} [{measure}]",
                    f"{_where(row)} {measure} {_fmt(row.amount, row.unit)}；but its "
                    f"{len(children)} sub-items sum to {_fmt(expected, row.unit)}",
                )
            # the total row equals the sum of the top-level codes
            t = uncoded_totals
            totals = t[(t.table_code == table_code) & (t.measure == measure)
                       & (t.side.isna() if pd.isna(side) else t.side == side)]
            top = [r for c, r in by_code.items() if len(c) == 3]
            if not totals.empty and top:
                total_row = _first(totals)
                expected = sum((r.amount for r in top), ZERO)
                findings.add(
                    "hierarchy.total_eq_sum_of_classes", expected, total_row.amount,
                    f"{_where(total_row)} [{measure}]",
                    f"{_where(total_row)} {measure} {_fmt(total_row.amount, total_row.unit)}；"
                    f"but its {len(top)} top-level items sum to {_fmt(expected, total_row.unit)}",
                )


def check_listed_rows(facts: pd.DataFrame, findings: Findings) -> None:
    """Tables of plain rows (projects): the total row equals the sum of the rows."""
    for table_code in ("project_expenditure",):
        table = facts[facts.table_code == table_code]
        for measure, group in table.groupby("measure", sort=False):
            totals, rows = group[group.is_total], group[~group.is_total]
            if totals.empty or rows.empty:
                continue
            total_row = _first(totals)
            expected = sum(rows["amount"], ZERO)
            findings.add("hierarchy.total_eq_sum_of_rows", expected, total_row.amount, f"{_where(total_row)} [{measure}]",
                         f"{_where(total_row)} {measure} {_fmt(total_row.amount, total_row.unit)}；"
                         f"but the {len(rows)} rows sum to {_fmt(expected, total_row.unit)}")


# ---------------------------------------------------------------- between tables
def _total_row(facts, table_code, measure, side=None, prefer=("本年", "当年")):
    """The table's total row for a measure; ``measure`` may list fallbacks: 'total|basic'."""
    for candidate in measure.split("|"):
        rows = facts[(facts.table_code == table_code) & (facts.measure == candidate) & facts.is_total]
        if not rows.empty:
            break
    if side is not None:
        rows = rows[rows.side == side]
    if rows.empty:
        return None
    preferred = rows[rows["item"].fillna("").str.contains("|".join(prefer))]
    return _first(preferred if not preferred.empty else rows)


def _compare(findings, check_id, left, right, left_name, right_name, severity="error"):
    """Compare two facts in 元 (tables may print different units); report in the left's unit."""
    if left is None or right is None:
        return
    scale = UNIT_TO_YUAN[left.unit]
    findings.add(check_id, right.amount_yuan / scale, left.amount, _where(left),
                 f"{left_name} ({_where(left)}) is {_fmt(left.amount, left.unit)}；but {right_name} "
                 f"({_where(right)}) is {_fmt(right.amount, right.unit)}", severity=severity)


def check_cross_tables(facts: pd.DataFrame, year: int | None, findings: Findings) -> None:
    f = facts
    # the two-sided summaries balance
    for table_code in ("summary", "fiscal_summary"):
        table = f[(f.table_code == table_code) & f.is_total & (f.measure == "total")]
        for _, row in table.groupby("row_index", sort=False):
            income, spending = row[row.side == "income"], row[row.side == "expenditure"]
            if not income.empty and not spending.empty:
                _compare(findings, f"cross.{table_code}_balances", _first(spending), _first(income),
                         "expenditure total", "income total")
    pairs = [
        ("cross.summary_income_eq_income_table", ("summary", "total", "income"), ("income", "total", None)),
        ("cross.summary_expenditure_eq_expenditure_table", ("summary", "total", "expenditure"), ("expenditure", "total", None)),
        ("cross.fiscal_summary_general_eq_general_table", ("fiscal_summary", "general_budget", "expenditure"), ("general_expenditure", "total", None)),
        ("cross.general_basic_eq_general_basic_column", ("general_basic", "total|basic", None), ("general_expenditure", "basic", None)),
        ("cross.general_basic_personnel_eq_general", ("general_basic", "personnel", None), ("general_expenditure", "personnel", None)),
        ("cross.general_basic_public_eq_general", ("general_basic", "public_operating", None), ("general_expenditure", "public_operating", None)),
        ("cross.basic_table_eq_expenditure_basic", ("basic_expenditure", "total", None), ("expenditure", "basic", None)),
        ("cross.basic_table_general_eq_general_basic", ("basic_expenditure", "general_budget", None), ("general_basic", "total|basic", None)),
        ("cross.project_table_eq_expenditure_project", ("project_expenditure", "total", None), ("expenditure", "project", None)),
        ("cross.project_table_general_eq_general_project", ("project_expenditure", "general_budget", None), ("general_expenditure", "project", None)),
        ("cross.fiscal_expenditure_eq_fiscal_summary", ("fiscal_expenditure", "total", None), ("fiscal_summary", "total", "expenditure")),
    ]
    totals = f[f.is_total]  # _total_row looks only at total rows: filter the facts once
    for check_id, left, right in pairs:
        _compare(findings, check_id, _total_row(totals, *left), _total_row(totals, *right),
                 f"{left[0]} {left[1]}", f"{right[0]} {right[1]}")
    # category rows: summary and fiscal summary against the tables they summarise
    class_pairs = [
        ("cross.summary_class_eq_expenditure_table", "summary", "total", "expenditure", "total"),
        ("cross.fiscal_summary_class_eq_general", "fiscal_summary", "general_budget", "general_expenditure", "total"),
        ("cross.fiscal_summary_class_eq_gov_fund", "fiscal_summary", "gov_fund", "gov_fund_expenditure", "total"),
        ("cross.fiscal_summary_class_eq_state_capital", "fiscal_summary", "state_capital", "state_capital_expenditure", "total"),
    ]
    for check_id, left_table, left_measure, right_table, right_measure in class_pairs:
        right_rows = f[(f.table_code == right_table) & (f.measure == right_measure) & f.func_code.notna()]
        if right_rows.empty:
            continue  # that table prints no functional codes (or is absent)
        left_rows = f[(f.table_code == left_table) & (f.measure == left_measure) & f.func_code.notna()
                      & (f.side == "expenditure")]
        right_by_code = {r.func_code: r for r in right_rows.itertuples()}
        for left_row in left_rows.itertuples():
            right_row = right_by_code.get(left_row.func_code)
            if right_row is None:
                scale = UNIT_TO_YUAN[left_row.unit]
                findings.add(check_id, ZERO, left_row.amount, _where(left_row),
                             f"{_where(left_row)} {left_measure} {_fmt(left_row.amount, left_row.unit)}；"
                             f"but {right_table} has no row {left_row.func_code}")
                continue
            _compare(findings, check_id, left_row, right_row, f"{left_table} {left_measure}", f"{right_table} {right_measure}")
    # economic codes: the basic-expenditure table's 一般公共预算 column against the general basic table
    left_rows = f[(f.table_code == "basic_expenditure") & (f.measure == "general_budget") & f.econ_dept_code.notna()]
    general_basic = f[(f.table_code == "general_basic") & f.econ_dept_code.notna()]
    basic_measure = "total" if (general_basic.measure == "total").any() else "basic"
    right_by_code = {r.econ_dept_code: r for r in general_basic[general_basic.measure == basic_measure].itertuples()}
    for left_row in left_rows.itertuples():
        if (right_row := right_by_code.get(left_row.econ_dept_code)) is not None:
            _compare(findings, "cross.basic_table_econ_eq_general_basic", left_row, right_row,
                     "basic_expenditure 一般公共预算", "general_basic total")
    # 三公 parts against the economic lines that fund them (projects may carry some: a warning)
    three = f[(f.table_code == "three_public") & (f.fiscal_year == year)] if year else f.iloc[0:0]
    econ = f[(f.table_code == "general_basic") & (f.measure == basic_measure)]
    for measure, econ_code in (("reception", "30217"), ("vehicle_operation", "30231"), ("vehicle_purchase", "31013")):
        left = three[three.measure == measure]
        right = econ[econ.econ_dept_code == econ_code]
        if not left.empty and not right.empty:
            _compare(findings, f"cross.three_public_{measure}_eq_econ_{econ_code}", _first(left), _first(right),
                     f"三公 {measure}", f"general_basic {econ_code}", severity="warning")


# ---------------------------------------------------------------- performance forms
def check_performance(doc: ExtractedDocument, facts: pd.DataFrame, findings: Findings) -> None:
    projects = facts[(facts.table_code == "project_expenditure") & (facts.measure == "total") & ~facts.is_total
                     & facts.project_name.notna()]
    if projects.empty:
        return  # no project table (北京, 西安 print only the forms): nothing to compare with
    by_name: dict[str, list] = {}
    for r in projects.itertuples():
        by_name.setdefault(r.project_name, []).append(r)
    for form in doc.performance_forms:
        if form.kind != "project" or form.reprint_of is not None or form.total_funds is None:
            continue
        unit = form.unit or doc.info.amount_unit or "万元"
        location = f"performance p.{form.page} {form.project_name}"
        match = _same_project(by_name.get(form.project_name, []), form.total_funds, unit)
        if match is None and by_name:
            close = difflib.get_close_matches(form.project_name, list(by_name), n=1, cutoff=0.75)
            if close:
                match = _same_project(by_name[close[0]], form.total_funds, unit)
                findings.add("performance.project_name_matches", ZERO, Decimal(1), location,
                             f"{location}: the form names the project 「{form.project_name}」；but the project table "
                             f"prints 「{close[0]}」 (p.{match.page})", severity="warning")
        if match is None:
            findings.add("performance.project_in_project_table", form.total_funds, ZERO, location,
                         f"{location}: 资金总额 {_fmt(form.total_funds, unit)}；but no project of that name "
                         "is in the project expenditure table", severity="warning")
            continue
        expected = match.amount_yuan / UNIT_TO_YUAN[unit]
        findings.add("performance.funds_eq_project_amount", expected, form.total_funds, location,
                     f"{location}: 资金总额 {_fmt(form.total_funds, unit)}；but the project table "
                     f"(p.{match.page}) prints {_fmt(match.amount, match.unit)}")


def _same_project(rows: list, total: Decimal, unit: str):
    """Of the project rows printing the form's name (烟台市司法局 prints 实施公车统管费用 once per
    实施单位), the one printing the form's amount, else the first."""
    return next((r for r in rows if r.amount_yuan == total * UNIT_TO_YUAN[unit]), rows[0] if rows else None)


# ---------------------------------------------------------------- prose
PROSE_TARGETS = {
    # topic: (table_code, measure, side, total row?, code)
    "income_total": [("summary", "total", "income"), ("income", "total", None)],
    "expenditure_total": [("summary", "total", "expenditure"), ("expenditure", "total", None)],
    "basic_total": [("expenditure", "basic", None)],
    "project_total": [("expenditure", "project", None)],
    "three_public_total": [("three_public", "three_public_subtotal", None), ("three_public", "total", None)],
    "overseas": [("three_public", "overseas", None)],
    "vehicle_subtotal": [("three_public", "vehicle_subtotal", None)],
    "vehicle_purchase": [("three_public", "vehicle_purchase", None)],
    "vehicle_operation": [("three_public", "vehicle_operation", None)],
    "reception": [("three_public", "reception", None)],
    "operating_funds": [("three_public", "operating_funds", None), ("operating_funds", "total", None),
                        ("general_basic", "public_operating", None)],
    "procurement_total": [("procurement", "total", None)],
    "income_expenditure_total": [("summary", "total", "income"), ("income", "total", None)],
    "meeting": [("three_public", "meeting", None)],
    "training": [("three_public", "training", None)],
    "general_budget_basic_total": [("general_basic", "total", None), ("general_basic", "basic", None),
                                   ("general_expenditure", "basic", None)],
    "fiscal_basic_total": [("fiscal_basic", "total", None), ("fiscal_summary", "basic", "expenditure")],
    "personnel_total": [("general_basic", "personnel", None), ("general_expenditure", "personnel", None)],
    "public_operating_total": [("general_basic", "public_operating", None),
                               ("general_expenditure", "public_operating", None)],
    "general_budget_income": [("income", "general_budget", None)],
    "state_capital_income": [("income", "state_capital", None)],
    "gov_fund_income": [("income", "gov_fund", None)],
}


def _prose_target(facts: pd.DataFrame, topic: str, year: int | None):
    for table_code, measure, side in PROSE_TARGETS.get(topic, []):
        rows = facts[(facts.table_code == table_code) & (facts.measure == measure)]
        if year is not None:
            rows = rows[rows.fiscal_year == year]
        if side is not None:
            rows = rows[rows.side == side]
        if rows.empty:
            continue
        totals = rows[rows.is_total]
        if table_code == "three_public" or totals.empty:
            return _first(rows) if len(rows) == 1 or table_code == "three_public" else (_first(totals) if not totals.empty else None)
        preferred = totals[totals["item"].fillna("").str.contains("本年|当年")]
        return _first(preferred if not preferred.empty else totals)
    return None


def check_prose(prose: pd.DataFrame, facts: pd.DataFrame, findings: Findings, *,
                check_prefix: str = "prose", tables_label: str | None = None) -> None:
    """Each prose amount against the table cell PROSE_TARGETS maps its topic to.

    ``facts`` may come from another document (pipelines.crosscheck: a prose-only document against
    the tables document of the same unit, year and kind); ``tables_label`` then names it in the
    location and message (e.g. "tables document a7aeca568d65a104")."""
    seen = set()
    for row in prose.itertuples():
        key = (row.topic, row.fiscal_year, row.amount)
        if key in seen:
            continue
        seen.add(key)
        target = _prose_target(facts, row.topic, row.fiscal_year)
        if target is None:
            continue
        scale = UNIT_TO_YUAN[row.unit]
        stated = Decimal(row.amount)
        table_value = target.amount_yuan / scale
        # prose may round: allow half a unit of its last printed digit
        exponent = stated.as_tuple().exponent
        tolerance = Decimal(5) * Decimal(10) ** (exponent - 1)
        where = f"{tables_label} {_where(target)}" if tables_label else _where(target)
        location = f"{where} (prose p.{row.page})" if tables_label else f"prose p.{row.page}"
        findings.add(f"{check_prefix}.{row.topic}", table_value, stated, location,
                     f"The text on p.{row.page} states {row.topic} {_fmt(stated, row.unit)}；but {where} "
                     f"prints {_fmt(target.amount, target.unit)} (“{_text(row.sentence)[:60]}”)",
                     severity="error", tolerance=tolerance)


def check_columns_mapped(doc: ExtractedDocument, findings: Findings) -> None:
    """A column no measure rule recognises still loads (measure 'unmapped'); say which one."""
    from pipelines.facts import plan_columns

    for table in doc.tables:
        for column in plan_columns(table):
            if column.measure == "unmapped" and any(
                    parse_amount(row[column.index].text) is not None for row in table.rows):
                header = " / ".join(column.path)
                findings.add("extraction.column_mapped", ZERO, Decimal(1), f"{table.table_code} p.{table.pages[0]}",
                             f"{table.table_code} p.{table.pages[0]}: column 「{header}」；has no measure yet, so its "
                             "amounts load with measure 'unmapped' (add an alias in pipelines/vocab/measures.yaml)",
                             severity="warning")


def validate_document(doc: ExtractedDocument, facts: pd.DataFrame, indicators: pd.DataFrame,
                      prose: pd.DataFrame, completeness=None) -> pd.DataFrame:
    findings = Findings(doc.info.document_id)
    if completeness is not None:
        record_findings(completeness, findings)
        identity.record_findings(facts, findings)
    check_columns_mapped(doc, findings)
    if not facts.empty:
        check_rows(facts, findings)
        check_hierarchy(facts, findings)
        check_listed_rows(facts, findings)
        check_cross_tables(facts, doc.info.fiscal_year, findings)
        check_performance(doc, facts, findings)
        if not prose.empty:
            check_prose(prose, facts, findings)
    return findings.frame()
