"""The printed rows of each table as the table groups them: who is whose parent.

    table_trees(facts) -> {(table_code, segment): Tree}

A table's tree is its facts' ``parent_row_no`` (the reader's printed hierarchy: codes, ordinals,
indentation, unit sections). Where a table carries no tree (facts read back from the warehouse,
or a reader that does not know it), the parent of a coded row is the nearest row above it whose
code of the same kind is a prefix of its own: still the printed grouping, so a 301 under 501 and
a 301 under 505 stay two rows.

A *cell* is one printed number: (table_code, segment, row_no, measure, fiscal_year).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.checks.findings import RowRef
from pipelines.checks.wording import text

CODE_KINDS = ("func_code", "econ_dept_code", "econ_gov_code")


def _value(row, name):
    value = getattr(row, name, None)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def row_number(row) -> int | None:
    """The row's printed position in its table (row_no, or row_index + 1 for older facts)."""
    value = _value(row, "row_no")
    if value is None and (index := _value(row, "row_index")) is not None:
        value = index + 1
    return int(value) if value is not None else None


def segment_of(row):
    """The label segment (the two sides of a summary table are two trees)."""
    segment = _value(row, "segment")
    return segment if segment is not None else _value(row, "side")


def primary_code(row) -> tuple[str | None, str | None]:
    """(kind, code) of the classification that places the row in its table's tree."""
    for kind in CODE_KINDS:
        if code := text(getattr(row, kind, None)):
            return kind, code
    return None, None


def classification(row) -> tuple:
    """What the row is, in any table that prints it: its codes, or its label path; 'total' for a total."""
    codes = tuple(text(getattr(row, kind, None)) for kind in CODE_KINDS)
    if any(codes):
        return ("code",) + codes
    if bool(getattr(row, "is_total", False)):
        return ("total", text(getattr(row, "side", None)))
    return ("label", text(getattr(row, "row_path", None)) or text(getattr(row, "item", None))
            or text(getattr(row, "project_name", None)))


def cell_key(row) -> tuple:
    return (row.table_code, segment_of(row), row_number(row), row.measure, _value(row, "fiscal_year"))


@dataclass
class Tree:
    """One label segment of one printed table."""
    table_code: str
    segment: object
    rows: dict[int, object] = field(default_factory=dict)  # row_no -> a fact of that row
    parent: dict[int, int | None] = field(default_factory=dict)
    cells: dict[tuple, dict[int, object]] = field(default_factory=dict)  # (measure, year) -> row_no -> fact

    def children(self) -> dict[int, list[int]]:
        children: dict[int, list[int]] = {}
        for row_no in sorted(self.rows):
            if (parent := self.parent.get(row_no)) is not None:
                children.setdefault(parent, []).append(row_no)
        return children

    def top_level(self) -> list[int]:
        return [n for n in sorted(self.rows)
                if self.parent.get(n) is None and not bool(self.rows[n].is_total)]

    def totals(self) -> list[int]:
        return [n for n in sorted(self.rows) if bool(self.rows[n].is_total)]

    def ancestors(self, row_no: int) -> list[int]:
        chain, seen = [], {row_no}
        while (row_no := self.parent.get(row_no)) is not None and row_no not in seen:
            chain.append(row_no)
            seen.add(row_no)
        return chain

    def summed_by(self, row_no: int) -> int | None:
        """The row that sums this one: its parent, or the table's total for a top-level row."""
        if (parent := self.parent.get(row_no)) is not None:
            return parent
        totals = self.totals()
        return totals[0] if len(totals) == 1 and not bool(self.rows[row_no].is_total) else None

    def ref(self, row_no: int) -> RowRef:
        row = self.rows[row_no]
        depth = 0 if bool(row.is_total) else 1 + len(self.ancestors(row_no))
        return RowRef(self.table_code, self.segment, row_no, classification(row), self.summed_by(row_no), depth)


def _tree_from_codes(rows: dict[int, object]) -> dict[int, int | None]:
    """Parents by printed order and code prefix, per code kind."""
    parent: dict[int, int | None] = {}
    stacks: dict[str, list[tuple[str, int]]] = {}
    for row_no in sorted(rows):
        kind, code = primary_code(rows[row_no])
        parent[row_no] = None
        if kind is None:
            continue
        stack = stacks.setdefault(kind, [])
        while stack and not (code.startswith(stack[-1][0]) and len(code) > len(stack[-1][0])):
            stack.pop()
        parent[row_no] = stack[-1][1] if stack else None
        stack.append((code, row_no))
    return parent


def table_trees(facts) -> dict[tuple, Tree]:
    """``facts``: rows with attribute access (DataFrame.itertuples)."""
    trees: dict[tuple, Tree] = {}
    printed_parent: dict[tuple, dict[int, int | None]] = {}
    for fact in facts:
        row_no = row_number(fact)
        if row_no is None:
            continue
        key = (fact.table_code, segment_of(fact))
        tree = trees.get(key) or trees.setdefault(key, Tree(*key))
        tree.rows.setdefault(row_no, fact)
        tree.cells.setdefault((fact.measure, _value(fact, "fiscal_year")), {}).setdefault(row_no, fact)
        parent = _value(fact, "parent_row_no")
        printed_parent.setdefault(key, {})[row_no] = int(parent) if parent is not None else None
    for key, tree in trees.items():
        parents = printed_parent.get(key, {})
        has_tree = any(p is not None for p in parents.values())
        tree.parent = parents if has_tree else _tree_from_codes(tree.rows)
    return trees
