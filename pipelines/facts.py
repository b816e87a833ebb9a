"""ExtractedTable -> long-format facts: one row per non-empty numeric cell.

    build_facts(doc) -> DataFrame[FACT_COLUMNS + INTERNAL_COLUMNS]

A table's facts come from four steps, each its own module: what its columns hold
(pipelines.columns), what each printed row is labelled with (pipelines.rows), where each row sits
in the printed hierarchy (pipelines.tree), and here the cells themselves: one fact per amount,
with the measure of its column (or of its row, in tables whose rows are the measures), its year,
and one identity (data contract v2) — rows that print the same labels twice are told apart by
their other label cells, else by their order (' (2)').
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from pipelines.columns import Column, plan_columns
from pipelines.form_facts import form_facts
from pipelines.identity import IDENTITY
from pipelines.model import FACT_COLUMNS, ExtractedDocument, ExtractedTable, empty_frame
from pipelines.money import parse_amount, to_yuan
from pipelines.rows import PrintedRow, read_rows
from pipelines.tree import Node, ordinal_level, row_tree
from pipelines.vocabulary import family_by_code, row_measure_for_label

# internal columns kept next to the contract's: row position and the printed tree feed the checks
INTERNAL_COLUMNS = ["row_index", "ordinal", "segment", "parent_row_no", "column_measure"]


def build_facts(doc: ExtractedDocument) -> pd.DataFrame:
    rows: list[dict] = []
    for table in doc.tables:
        rows.extend(table_facts(table, doc.info.document_id, doc.info.unit_name, doc.info.fiscal_year,
                                doc.info.doc_kind))
    rows.extend(form_facts(doc))
    if not rows:
        return empty_frame(FACT_COLUMNS + INTERNAL_COLUMNS)
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS + INTERNAL_COLUMNS)
    for column in ("fiscal_year", "page", "row_no", "row_index", "parent_row_no"):
        frame[column] = frame[column].astype("Int64")
    frame["is_total"] = frame["is_total"].astype(bool)
    return frame


def table_facts(table: ExtractedTable, document_id: str, unit_name: str | None, fiscal_year: int | None,
                doc_kind: str | None = None) -> list[dict]:
    columns = plan_columns(table)
    printed = read_rows(table, columns)
    _carry_labels_to_year_rows(printed, columns)
    segments = sorted({c.segment for c in columns})
    nodes = row_tree(printed, table.table_code, segments)
    _row_above_all_is_total(nodes, segments)
    _projects_are_leaves(table, printed, nodes)
    row_measures = _row_measures(table, printed, columns)
    unit = table.unit
    facts: list[dict] = []
    for row in printed:
        for col in columns:
            if col.role is not None:
                continue
            amount = parse_amount(row.cells[col.index].text)
            if amount is None:
                continue
            node = _node_for(nodes, col.segment, row.index)
            facts.append(_fact(table, row, col, node, amount, unit, row_measures.get(row.index),
                               document_id, unit_name, doc_kind, fiscal_year))
    _name_the_views(facts, columns)
    _one_identity_each(facts, printed)
    return facts


def _name_the_views(facts: list[dict], columns: list[Column]) -> None:
    """A summary side printing several classifications side by side (Xi'an: 支出功能分类 /
    部门经济分类 / 政府经济分类, each with its own 本年支出合计): each view's rows are prefixed with
    the view's printed header, so its totals stay distinct."""
    headers: dict[int, str] = {}
    for col in columns:
        if col.role in ("text", "project_name") and col.segment not in headers and col.path:
            # 支出 / 功能分类 / 功能科目名称: the view is the heading under the side
            headers[col.segment] = col.path[1] if len(col.path) >= 3 else col.path[-1]
    by_side: dict[str | None, set[int]] = defaultdict(set)
    for fact in facts:
        by_side[fact["side"]].add(fact["segment"])
    for fact in facts:
        if len(by_side[fact["side"]]) > 1 and fact["side"] is not None and (view := headers.get(fact["segment"])):
            fact["row_path"] = f"{view} / {fact['row_path']}" if fact["row_path"] else view


def _node_for(nodes: dict[tuple[int, int], Node], segment: int, index: int) -> Node | None:
    """The row's node in the column's segment; else its node in the nearest segment before (a
    table whose label columns all sit left of its amounts)."""
    for s in range(segment, -1, -1):
        if (s, index) in nodes:
            return nodes[(s, index)]
    return None


def _fact(table: ExtractedTable, row: PrintedRow, col: Column, node: Node | None, amount, unit: str,
          row_measure: str | None, document_id, unit_name, doc_kind, fiscal_year) -> dict:
    measure = column_measure = col.measure
    if row_measure is not None:  # 三公 items printed as rows: the row names the measure
        measure = row_measure if col.measure in ("total", "unmapped") else f"{row_measure}_{col.measure}"
    if col.change or row.change:
        measure, column_measure = f"{measure}_change", f"{column_measure}_change"
    year = col.year or row.year or fiscal_year
    if col.year_offset is not None and fiscal_year is not None and col.year is None:
        year = fiscal_year + col.year_offset
    codes = node.codes if node is not None else row.codes_in(col.segment)
    is_total = bool(node and node.is_total)
    label = node.label if node is not None else None
    return {
        "document_id": document_id, "unit_name": unit_name, "doc_kind": doc_kind, "fiscal_year": year,
        "table_code": table.table_code, "side": col.side, "item": label,
        "func_code": codes.get("func_code"), "econ_dept_code": codes.get("econ_dept_code"),
        "econ_gov_code": codes.get("econ_gov_code"),
        "project_name": None if is_total else row.project_name,
        "project_category": row.project_category, "measure": measure, "amount": amount, "unit": unit,
        "amount_yuan": to_yuan(amount, unit) if unit else None, "is_total": is_total, "page": row.cells[col.index].page,
        "row_no": row.index + 1, "row_path": node.path if node is not None else None,
        "row_index": row.index,
        "ordinal": ordinal_level(row.labels.get(col.segment) or "") if row.labels.get(col.segment) else None,
        "segment": col.segment,
        "parent_row_no": node.parent + 1 if node is not None and node.parent is not None else None,
        # the column's own measure: it differs from `measure` where the row names the measure (三公
        # items printed as rows), so row identities read those rows as one row of measures
        "column_measure": column_measure,
    }


def _carry_labels_to_year_rows(rows: list[PrintedRow], columns: list[Column]) -> None:
    """A unit printed once beside its 年度 rows (2025年 / 2026年 / 增减变化金额) labels them all."""
    if not any(c.role == "year" for c in columns):
        return
    for previous, row in zip(rows, rows[1:]):
        if (row.year or row.change) and not row.labels and previous.labels:
            row.labels = dict(previous.labels)
            row.indents = dict(previous.indents)


def _row_above_all_is_total(nodes: dict[tuple[int, int], Node], segments: list[int]) -> None:
    """A table without a 合计 row whose first row is the ancestor of every other row (Shenzhen:
    the unit's row above its classes): that row is the table's total, not a parent in row_path."""
    for segment in segments:
        mine = {index: node for (s, index), node in nodes.items() if s == segment}
        if not mine or any(n.is_total for n in mine.values()):
            continue
        first = min(mine)
        if len(mine) < 2 or not all(_descends_from(mine, index, first) for index in mine if index != first):
            continue
        top = mine[first]
        top.is_total, top.depth = True, 0
        prefix = f"{top.path} / " if top.path else ""
        for index, node in mine.items():
            if index == first:
                continue
            if node.parent == first:
                node.parent = None
            if prefix and node.path and node.path.startswith(prefix):
                node.path = node.path[len(prefix):]


def _descends_from(nodes: dict[int, Node], index: int, ancestor: int) -> bool:
    parent = nodes[index].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = nodes[parent].parent if parent in nodes else None
    return False


def _projects_are_leaves(table: ExtractedTable, rows: list[PrintedRow], nodes: dict[tuple[int, int], Node]) -> None:
    """In a project table, a row with no rows under it names a project (its label as printed)."""
    family = family_by_code(table.table_code)
    if family is None or not family.project_rows:
        return
    parents = {n.parent for n in nodes.values() if n.parent is not None}
    for row in rows:
        if row.project_name:
            continue
        node = next((n for (s, i), n in nodes.items() if i == row.index), None)
        if node is not None and not node.is_total and row.index not in parents and node.label:
            row.project_name = node.label


def _row_measures(table: ExtractedTable, rows: list[PrintedRow], columns: list[Column]) -> dict[int, str]:
    """Row index -> measure, for a table whose rows are its measures (三公 items as rows)."""
    family = family_by_code(table.table_code)
    if family is None or not family.row_measures:
        return {}
    if not all(c.measure in ("total", "unmapped") or c.measure in _FUND_MEASURES
               for c in columns if c.role is None):
        return {}  # the columns already name the 三公 items
    found = {r.index: m for r in rows if (m := row_measure_for_label(next(iter(r.labels.values()), None)))}
    return found if len(found) >= 2 else {}


_FUND_MEASURES = {"general_budget", "gov_fund", "state_capital", "fiscal_subtotal"}


def _one_identity_each(facts: list[dict], rows: list[PrintedRow]) -> None:
    """Rows printing the same labels twice get their other label cells, then their order, in
    row_path (all of the row's facts alike), so that the data contract's fact identity holds."""
    details = {r.index: [d for ds in r.details.values() for d in ds] for r in rows}
    for attempt in ("details", "order"):
        ranks = _clashing_rows(facts)
        if not ranks:
            return
        for fact in facts:
            rank = ranks.get(fact["row_index"])
            if rank is None:
                continue
            base = fact["row_path"] or fact["item"] or ""
            if attempt == "details" and details.get(fact["row_index"]):
                fact["row_path"] = f"{base} / {' / '.join(details[fact['row_index']])}".strip(" /")
            elif attempt == "order" and rank:
                fact["row_path"] = f"{base} ({rank + 1})".strip()


def _clashing_rows(facts: list[dict]) -> dict[int, int]:
    """Row index -> its place among the rows that share a fact identity (0 for the first)."""
    groups: dict[tuple, set[int]] = defaultdict(set)
    for fact in facts:
        groups[tuple(fact[k] for k in IDENTITY)].add(fact["row_index"])
    ranks: dict[int, int] = {}
    for indexes in groups.values():
        if len(indexes) > 1:
            for rank, index in enumerate(sorted(indexes)):
                ranks[index] = max(rank, ranks.get(index, 0))
    return ranks
