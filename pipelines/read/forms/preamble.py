"""The rows of a form above its indicators: label–value pairs (项目名称 …, 主管部门 …) and the funds
block, whose amounts are labelled either by the label on their left (资金总额： 21.50) or by the
column labels above them (总体资金情况 / 财政拨款 / 基本支出, a 年度主要任务 budget)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.money import looks_like_amount
from pipelines.read.forms.layout import column_labels, fund_path_measure, row_cells
from pipelines.read.forms.vocab import FormVocab, label_key, unit_in_label
from pipelines.read.grid import Grid
from pipelines.vocabulary import compact


@dataclass
class Pairs:
    """Label–value pairs printed in a form's rows."""
    name_label: str | None = None
    name: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def read_pairs(grid: Grid, rows, vocab: FormVocab) -> Pairs:
    pairs = Pairs()
    labels = vocab.name_labels | vocab.field_labels
    for r in rows:
        cells = [cell for cell in row_cells(grid, r) if compact(cell.text)]
        for cell, following in zip(cells, cells[1:]):
            key, value = label_key(cell.text), compact(following.text)
            if label_key(following.text) in labels or looks_like_amount(value):
                continue
            if key in vocab.name_labels and pairs.name is None:
                pairs.name_label, pairs.name = key, value
            elif key in vocab.field_labels:
                pairs.fields.setdefault(key, value)
    return pairs


def name_from_lines(lines: list[str], names: frozenset[str]) -> str | None:
    """部门（单位）名称 西安市气象局 / 单位名称：重庆市水利局, printed above a 部门整体 form."""
    for line in lines:
        flat = compact(line).replace("(", "（").replace(")", "）")
        for label in sorted(names, key=len, reverse=True):
            if flat.startswith(label):
                rest = line.replace("(", "（").replace(")", "）")
                rest = rest[_position_after(rest, label):].lstrip(" :：\u3000")
                value = rest.split()[0] if rest.split() else ""
                return value.rstrip(":：") or None
    return None


def _position_after(text: str, label: str) -> int:
    """Index in ``text`` just after ``label``'s characters (``text`` may hold spaces)."""
    i = 0
    for ch in label:
        while i < len(text) and text[i] != ch:
            i += 1
        i += 1
    return i


@dataclass
class FundCell:
    labels: tuple[str, ...]
    measure: str
    text: str
    row: int  # grid row
    item: str | None = None
    is_total: bool = False
    line: int = 0  # the row of the form's funds it belongs to, 1-based (_number_lines)


def read_funds(grid: Grid, rows: list[int], vocab: FormVocab) -> list[FundCell]:
    """Every amount printed in ``rows`` with the labels that name it."""
    funds: list[FundCell] = []
    previous: tuple[int, list] | None = None  # (row, its amount cells) of the last amount line
    for r in rows:
        amounts = [cell for cell in row_cells(grid, r) if looks_like_amount(compact(cell.text))]
        if not amounts:
            if previous is not None:
                _continue_item(grid, r, previous, funds)
            continue
        for cell in amounts:
            fund = _labelled(grid, r, cell, rows[0], vocab)
            if fund is not None:
                funds.append(fund)
        previous = (r, amounts)
    _number_lines(funds)
    return funds


def _number_lines(funds: list[FundCell]) -> None:
    """The printed rows of a form's funds: a funds block of label–amount lines (资金总额 /
    财政拨款 / 其他资金, whose lines are one row's measures) is one row, each line of a budget
    sub-table (a 年度主要任务 task, 金额合计) another, in printed order."""
    numbers: dict[str | None, int] = {}
    for fund in funds:
        fund.line = numbers.setdefault(fund.item, len(numbers) + 1)


def _labelled(grid: Grid, r: int, cell, top: int, vocab: FormVocab) -> FundCell | None:
    text = compact(cell.text)
    path = _labels_above(grid, r, cell.col, top, vocab)
    if path:
        item = _line_label(grid, r, cell.col)
        measure = fund_path_measure(path, vocab) or "unmapped"
        labels = tuple(k for k in (label_key(t) for t in path) if k)
        return FundCell(labels, measure, text, r, item, bool(item) and vocab.is_total_row(item))
    label = _label_left(grid, r, cell.col)
    if label is None:
        return None
    return FundCell((label_key(label),), vocab.fund_measure(label) or "unmapped", text, r)


def _labels_above(grid: Grid, r: int, col: int, top: int, vocab: FormVocab) -> list[str]:
    """Fund labels printed above the amount in its column, up to the first other text."""
    path: list[str] = []
    for label in reversed(column_labels(grid, range(top, r), col)):
        if looks_like_amount(compact(label)):
            continue
        if fund_path_measure([label], vocab) or vocab.is_group_total(label):
            path.insert(0, label)
            continue
        break
    return path


def _label_left(grid: Grid, r: int, col: int) -> str | None:
    for c in range(col - 1, -1, -1):
        cell = grid.own(r, c)
        if cell is None or not compact(cell.text) or looks_like_amount(compact(cell.text)):
            continue
        return cell.text
    return None


def _line_label(grid: Grid, r: int, col: int) -> str | None:
    """The first text a budget sub-table line prints (its task: 保障单位运转, 金额合计)."""
    for c in range(col):
        cell = grid.own(r, c)
        if cell is not None and compact(cell.text) and not looks_like_amount(compact(cell.text)):
            return compact(cell.text)
    return None


def _continue_item(grid: Grid, r: int, previous: tuple[int, list], funds: list[FundCell]) -> None:
    """A line label wrapped onto a row of its own under amounts that span both rows
    (国突预警发布及十四运气象 / 服务保障)."""
    row, cells = previous
    if not all(cell.row + cell.row_span > r for cell in cells):
        return
    texts = [compact(cell.text) for cell in row_cells(grid, r) if compact(cell.text)]
    line = [f for f in funds if f.row == row and f.item]
    if len(texts) == 1 and line:
        for fund in line:
            fund.item += texts[0]


def units_in(grid: Grid, rows) -> list[str]:
    return [u for r in rows for cell in row_cells(grid, r) if (u := unit_in_label(cell.text))]
