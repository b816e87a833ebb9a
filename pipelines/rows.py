"""Each printed row's labels: classification codes, its label per segment, project, year, indent.

    read_rows(table, columns) -> list[PrintedRow]

Codes come from code columns (类 / 款 / 项 cells, a parent printed once and carried down to its
children) or from a code printed in front of the name in one cell (2010301-行政运行,
[201]一般公共服务支出, 30101 基本工资). Catalogue codes that are not classifications (A-货物,
0101-公共安全服务) are removed from the label and kept as the row's outline depth.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.columns import LABEL_ROLES, Column
from pipelines.model import Cell, ExtractedTable
from pipelines.money import parse_amount
from pipelines.read.cells import CODE_NAME_PATTERN
from pipelines.vocabulary import compact, strip_ordinal

_OUTLINE_CODE = re.compile(r"^(?:([A-Z])|(\d{2}|\d{4}|\d{6}))\s*[-－—]\s*(?=\S)")
_NAMING_HEADER = re.compile(r"名称")
_YEAR_CELL = re.compile(r"^(20\d\d)年?度?$")
_CHANGE_CELL = re.compile(r"增减|变化")
_TOTAL_LABELS = ("小计", "合计")


@dataclass
class PrintedRow:
    index: int
    cells: list[Cell]
    # segment -> {func_code / econ_dept_code / econ_gov_code: code}: two tables side by side on one
    # row (人员经费 | 公用经费) carry a code each
    codes: dict[int, dict[str, str]] = field(default_factory=dict)
    code_order: dict[int, list[str]] = field(default_factory=dict)  # kinds in printed order
    unit_code: str | None = None
    labels: dict[int, str] = field(default_factory=dict)  # segment -> label as printed
    details: dict[int, list[str]] = field(default_factory=dict)  # segment -> its other label cells
    indents: dict[int, float | None] = field(default_factory=dict)
    centred: dict[int, bool] = field(default_factory=dict)
    outline: dict[int, int] = field(default_factory=dict)  # segment -> depth of an A- / 0101- code
    project_name: str | None = None
    project_category: str | None = None
    year: int | None = None  # from a 年度 column
    change: bool = False  # the row is a 增减变化 row (年度 column)

    def codes_in(self, segment: int) -> dict[str, str]:
        return self.codes.get(segment, {})

    def add_code(self, segment: int, kind: str, code: str) -> None:
        codes = self.codes.setdefault(segment, {})
        if kind not in codes:
            codes[kind] = code
            self.code_order.setdefault(segment, []).append(kind)

    def leading_code(self, segment: int) -> str | None:
        kinds = self.code_order.get(segment) or list(self.codes_in(segment))
        return self.codes_in(segment)[kinds[0]] if kinds else None


def code_kind(code: str) -> str | None:
    return {"2": "func_code", "3": "econ_dept_code", "5": "econ_gov_code"}.get(code[:1])


def _code_from_parts(parts: list[str]) -> str | None:
    """Join 类/款/项 cells ('208','01','09') or one printed code ('2080109', '208 01 09', '301 2')."""
    parts = [p for p in (re.sub(r"\s+", " ", p or "").strip() for p in parts)]
    pieces = (parts[0].split(" ") if parts[0] else []) if len(parts) == 1 else parts
    if not any(pieces) or not all(re.fullmatch(r"\d*", p) for p in pieces):
        return None
    head, *rest = pieces
    if len(pieces) == 1:
        return head if len(head) in (3, 5, 7) else None
    return head + "".join(p.zfill(2) for p in rest if p)


def split_code_name(text: str) -> tuple[str | None, str]:
    """'2010301-行政运行' -> ('2010301', '行政运行'); '[201]一般公共服务支出' -> ('201', …)."""
    compacted = compact(text)
    if match := CODE_NAME_PATTERN.match(compacted):
        return match.group(1), compacted[match.end():]
    return None, compacted


def _outline(text: str) -> tuple[int | None, str]:
    """'A-货物' -> (1, '货物'); '0101-公共安全服务' -> (2, '公共安全服务')."""
    if match := _OUTLINE_CODE.match(text):
        depth = 1 if match.group(1) else len(match.group(2)) // 2
        return depth, text[match.end():]
    return None, text


def _move_overflow_to_previous(rows: list[PrintedRow], row: PrintedRow, column: int) -> None:
    """A cell that opens with the end of the previous row's wrapped label, then its own code
    (支出⏎2159802-制造业): the first lines go back to the row above."""
    text = row.cells[column].text or ""
    lines = text.split("\n")
    if len(lines) < 2 or not rows or CODE_NAME_PATTERN.match(compact(lines[0])):
        return
    for k in range(1, len(lines)):
        if CODE_NAME_PATTERN.match(compact(lines[k])):
            previous = rows[-1].cells[column]
            previous.text = (previous.text or "") + "".join(lines[:k])
            row.cells[column].text = "\n".join(lines[k:])
            return


_AMOUNT_CHARS = set("0123456789.,-")


_ORDINAL_PREFIX = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、．.]|其中[:：])+")
_DECIMAL = re.compile(r"^-?\d[\d,]*\.\d+$")


def _return_label_characters(row: PrintedRow, columns: list[Column]) -> None:
    """A label wider than its cell and the amount beside it interleave: the characters of words go
    back to the label, the number to the amount's cell, whichever of the two cells holds them
    (助0.00 in the amount's cell; 对个人和家庭的补助0.00 or 资本性支出(基本建0设.0)0 in the label's)."""
    pairs: list[tuple[Column, Column]] = []
    last_label = None
    for col in columns:
        if col.role in ("text", "project_name"):
            last_label = col
        elif col.role is None and last_label is not None and last_label.segment == col.segment:
            pairs.append((last_label, col))
            last_label = None
    for label, amount in pairs:
        label_cell, amount_cell = row.cells[label.index], row.cells[amount.index]
        text = compact(amount_cell.text)
        if text and parse_amount(text) is None and any(ch.isdigit() for ch in text):
            number = "".join(ch for ch in text if ch in _AMOUNT_CHARS)
            words = "".join(ch for ch in text if ch not in _AMOUNT_CHARS)
            if parse_amount(number) is not None and words:
                amount_cell.text = number
                label_cell.text = (label_cell.text or "") + words
        elif not text:
            _take_number_from_label(label_cell, amount_cell)


def _take_number_from_label(label_cell: Cell, amount_cell: Cell) -> None:
    text = compact(label_cell.text)
    prefix = _ORDINAL_PREFIX.match(text)
    head, body = (text[:prefix.end()], text[prefix.end():]) if prefix else ("", text)
    number = "".join(ch for ch in body if ch in _AMOUNT_CHARS)
    words = "".join(ch for ch in body if ch not in _AMOUNT_CHARS)
    if words and _DECIMAL.match(number) and not any(ch.isdigit() for ch in words):
        label_cell.text, amount_cell.text = head + words, number


SPLIT_TAIL_MAX = 6  # characters of a label's last line ruled onto a row of its own


def _join_split_rows(rows: list[PrintedRow], columns: list[Column]) -> None:
    """Word tables rule one logical row over several hair-line rows, side by side with the other
    half of a summary: label (1.一般公共预) / its amount (21,940.96) / the label's end (算). Per
    segment, the amount moves up beside its label and the tail joins the label."""
    for segment in sorted({c.segment for c in columns}):
        labels = [c.index for c in columns if c.segment == segment and c.role in ("text", "project_name")]
        named = [c.index for c in columns if c.segment == segment and c.role in LABEL_ROLES]
        amounts = [c.index for c in columns if c.segment == segment and c.role is None]
        if len(labels) != 1 or not amounts:
            continue
        label = labels[0]

        def has_label(row):  # a 合计 printed in the code column names its row too
            return any(compact(row.cells[i].text) for i in named)

        def has_amounts(row):
            return any(parse_amount(row.cells[i].text) is not None for i in amounts)

        for k in range(len(rows) - 1):
            above, below = rows[k], rows[k + 1]
            if not (has_label(above) and not has_amounts(above) and has_amounts(below) and not has_label(below)):
                continue
            for i in amounts:
                above.cells[i].text, below.cells[i].text = below.cells[i].text, ""
            tail = rows[k + 2].cells[label] if k + 2 < len(rows) else None
            if tail is not None and not has_amounts(rows[k + 2]) and 0 < len(compact(tail.text)) <= SPLIT_TAIL_MAX \
                    and strip_ordinal(compact(tail.text)) == compact(tail.text):
                above.cells[label].text += compact(tail.text)  # 1.一般公共预 … 算
                tail.text = ""


def read_rows(table: ExtractedTable, columns: list[Column]) -> list[PrintedRow]:
    groups: dict[int, list[Column]] = {}
    for col in columns:
        if col.role == "code":
            groups.setdefault(col.code_group, []).append(col)
    text_columns = [c for c in columns if c.role == "text"]
    carried: dict[int, list[str]] = {}  # code group -> last printed parts (类/款 carried down)
    rows = [PrintedRow(index, cells) for index, cells in enumerate(table.rows)]
    _join_split_rows(rows, columns)
    for position, row in enumerate(rows):
        for col in text_columns:
            _move_overflow_to_previous(rows[:position], row, col.index)
        _return_label_characters(row, columns)
    for row in rows:
        _read_code_groups(row, groups, carried)
        _read_labels(row, columns)
    return rows


def _read_code_groups(row: PrintedRow, groups: dict[int, list[Column]], carried: dict[int, list[str]]) -> None:
    texts = [c.text or "" for c in row.cells]
    for group, cols in groups.items():
        indexes = [c.index for c in cols]
        parts = [compact(texts[i]) if len(indexes) > 1 else texts[i].strip() for i in indexes]
        if len(indexes) > 1:
            previous = carried.get(group, [""] * len(indexes))
            if any(parts):
                first = next(i for i, p in enumerate(parts) if p)
                parts = previous[:first] + parts[first:]
                # a deeper level printed alone: keep the carried parents, drop stale children
                depth = max(i for i, p in enumerate(parts) if p)
                parts = [p if i <= depth else "" for i, p in enumerate(parts)]
                carried[group] = parts
        if len(parts) == 1 and (code_name := split_code_name(parts[0]))[0]:
            parts = [code_name[0]]
        code = _code_from_parts(parts)
        kind = cols[0].code_kind or (code_kind(code) if code else None)
        if code and kind:
            row.add_code(cols[0].segment, kind, code)


def _read_labels(row: PrintedRow, columns: list[Column]) -> None:
    texts = [c.text or "" for c in row.cells]
    candidates: dict[int, list[tuple[Column, str]]] = {}
    year_label = None
    for col in columns:
        text = compact(texts[col.index])
        if col.role == "unit_code" and text:
            row.unit_code = text
        elif col.role == "year" and text:
            if m := _YEAR_CELL.match(text):
                row.year = int(m.group(1))
            elif _CHANGE_CELL.search(text):
                row.change = True
            year_label = (col.segment, text)
        elif col.role == "project_category" and text:
            row.project_category = text
        elif col.role in ("text", "project_name") and text:
            if col.after_code_group is not None and col.after_code_group > 0 and row.codes_in(col.segment):
                continue  # 政府预算经济分类科目名称: the row is labelled by its first classification
            code, name = split_code_name(text)
            if code and (kind := code_kind(code)):
                row.add_code(col.segment, kind, code)
                text = name
            depth, text = _outline(text)
            if depth is not None:
                row.outline[col.segment] = depth
            if col.role == "project_name":
                row.project_name = text
            candidates.setdefault(col.segment, []).append((col, text))
    for col in columns:  # 合计 / 公用经费合计 printed in a code column: the row's label
        text = compact(texts[col.index])
        if col.role == "code" and text and not candidates.get(col.segment) and not row.codes_in(col.segment) \
                and not any(ch.isdigit() for ch in text):
            candidates.setdefault(col.segment, []).append((col, text))
    for segment, found in candidates.items():
        naming = [(c, t) for c, t in found if any(_NAMING_HEADER.search(p) for p in c.path)]
        col, label = (naming or found)[0]
        others = [t for c, t in found if c is not col]
        if label in _TOTAL_LABELS and others:
            label = others[0] + label  # 货物小计
        row.labels[segment] = label
        row.details[segment] = ([row.unit_code] if row.unit_code and segment == 0 else []) + others
        cell = row.cells[col.index]
        row.indents[segment] = cell.indent
        row.centred[segment] = cell.centred
    if year_label is not None and year_label[0] not in row.labels and not candidates:
        row.labels[year_label[0]] = year_label[1]  # a row labelled only by its year (2021 / 2022 / 变化)
    if row.project_name is None and not row.labels:
        covered = [row.cells[c.index].above for c in columns if c.role in ("text", "project_name")
                   and row.cells[c.index].above]
        if covered:
            row.labels[0] = compact(covered[0])

