"""The printed hierarchy of a table's rows: which row each row belongs under.

    row_tree(rows, table_code, segments) -> dict[(segment, row index), Node]

A row's level comes, in this order of trust, from its classification code (3 / 5 / 7 digits),
from its label's indentation (the blank space before it, in steps), from an outline code
(A- / 01- / 0101-) or from its ordinal (一、 / （一） / 1. / 其中：). A table that prints
codes on most rows is read by its codes; one that indents its labels by its indentation. The
rows above a deeper row are its ancestors; row_path joins their labels. A total row (合计 / 总计,
or an unlabelled first or last row) sits above everything and has no parent.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipelines.rows import PrintedRow
from pipelines.vocabulary import class_code_for_label, econ_code_for_label, strip_ordinal

INDENT_STEP = 3.0  # points: smaller differences in a label's blank space are not levels
ECONOMIC_TABLES = {"general_basic", "basic_expenditure", "fiscal_basic", "general_expenditure_econ",
                   "general_project", "final_general_basic"}
_ORDINAL_KIND = [
    (re.compile(r"^[一二三四五六七八九十]+[、．.]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d+[、．.](?!\d)"), 3),
    (re.compile(r"^[（(]\d+[）)]"), 4),
    (re.compile(r"^其中[:：]"), 5),
]
_TOTAL_WORDS = ("合计", "总计")


@dataclass
class Node:
    label: str | None  # as printed, ordinal removed
    depth: int  # 0 for a total
    is_total: bool
    parent: int | None  # row index of the parent row
    path: str | None  # labels from the top-level ancestor down to this row, ' / ' joined
    codes: dict[str, str]  # classification codes, printed or looked up by name under the parent


def ordinal_level(label: str) -> int | None:
    for pattern, level in _ORDINAL_KIND:
        if pattern.match(label):
            return level
    return None


def is_total_label(label: str | None) -> bool:
    return bool(label) and (any(w in label for w in _TOTAL_WORDS) or label.endswith("小计"))


def _indent_levels(rows: list[PrintedRow], segment: int) -> dict[int, int]:
    """Row index -> indentation level (1 = flush left), when the labels step in. The steps are the
    blank spaces that several labels share, and the smallest; a label at none of them (centred
    合计, a name that fills its cell) gets no level from its indentation."""
    gaps = {r.index: round(r.indents[segment]) for r in rows
            if r.labels.get(segment) and r.indents.get(segment) is not None}
    if not gaps:
        return {}
    # the flush-left label is the top level even when it is the only one (a unit above its rows)
    shared = sorted({v for v, n in Counter(gaps.values()).items() if n >= 2} | {min(gaps.values())})
    steps: list[float] = []
    for value in shared:
        if not steps or value - steps[-1] >= INDENT_STEP:
            steps.append(value)
    if len(steps) < 2:
        return {}
    levels = {}
    for index, gap in gaps.items():
        if any(abs(gap - s) <= 1 for s in steps):
            levels[index] = sum(1 for s in steps if gap >= s - 1)
    return levels


def _code_depth(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}.get(len(code), 3)


def row_tree(rows: list[PrintedRow], table_code: str, segments: list[int]) -> dict[tuple[int, int], Node]:
    nodes: dict[tuple[int, int], Node] = {}
    for segment in segments:
        nodes.update(_segment_tree(rows, table_code, segment))
    return nodes


def _segment_tree(rows: list[PrintedRow], table_code: str, segment: int) -> dict[tuple[int, int], Node]:
    labelled = [r for r in rows if r.labels.get(segment) or r.codes_in(segment)]
    coded = [r for r in labelled if r.codes_in(segment)]
    by_codes = len(coded) * 2 >= len(labelled) > 0
    indents = {} if by_codes else _indent_levels(rows, segment)
    unit_codes = by_codes and any(r.unit_code for r in rows)
    last_index = rows[-1].index if rows else -1
    stack: list[tuple[int, int, str, dict[str, str]]] = []  # (depth, row index, path, codes)
    nodes: dict[tuple[int, int], Node] = {}
    for row in rows:
        raw = row.labels.get(segment)
        label = strip_ordinal(raw) if raw else None
        codes = dict(row.codes_in(segment))
        unlabelled_edge = not label and not codes and row.index in (0, last_index) and labelled
        if is_total_label(label) or unlabelled_edge:
            stack.clear()
            nodes[(segment, row.index)] = Node(label, 0, True, None, label, codes)
            continue
        if label is None and not codes:
            continue  # a row with nothing to name it in this segment (the other side of a summary)
        depth = _depth(row, segment, raw, by_codes, indents)
        if unit_codes:
            depth = 3 * depth + _unit_rank(row)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1] if stack else None
        _codes_by_name(codes, label, table_code, parent[3] if parent else {})
        path = f"{parent[2]} / {label}" if parent and label else label
        nodes[(segment, row.index)] = Node(label, depth, False, parent[1] if parent else None, path, codes)
        stack.append((depth, row.index, path or "", codes))
    return nodes


def _unit_rank(row: PrintedRow) -> int:
    """Rows sharing one classification code in a table with a unit-code column (Xi'an 采购表:
    fund type 1 全额, then the unit 234001, then its items): the code column orders them."""
    if not row.unit_code:
        return 2
    return 0 if len(row.unit_code) <= 2 else 1


def _depth(row: PrintedRow, segment: int, raw: str | None, by_codes: bool, indents: dict[int, int]) -> int:
    code = row.leading_code(segment)
    if by_codes and code:
        return _code_depth(code)
    if row.index in indents:
        return indents[row.index]
    if segment in row.outline:
        return row.outline[segment]
    if raw and (level := ordinal_level(raw)) is not None:
        return level
    if code:
        return _code_depth(code)
    return 1


def _codes_by_name(codes: dict[str, str], label: str | None, table_code: str, parent_codes: dict[str, str]) -> None:
    """Codes a row prints only as a name: a 类 of 支出功能分类 in summary tables, an economic class
    or item (under its printed parent) in the economic tables."""
    if codes or not label:
        return
    if table_code in ECONOMIC_TABLES:
        for kind in ("econ_dept_code", "econ_gov_code"):
            if (code := econ_code_for_label(label, kind, parent_codes.get(kind))) is not None:
                codes[kind] = code
                return
    if not parent_codes and (code := class_code_for_label(label)) is not None:
        codes["func_code"] = code
