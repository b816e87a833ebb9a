"""Where things are in a form grid: the indicator header and its column plan, the rows above it
(captions, name and field rows, the funds block) and the cells a row prints."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.read.forms.vocab import FormVocab, label_key
from pipelines.read.grid import Grid, GridCell
from pipelines.vocabulary import compact

UNIT_LINE = re.compile(r"单位[:：]?\s*(万元|元)\s*$|单位[:：]\s*(万元|元)")


@dataclass
class Plan:
    """Which column holds what, from an indicator header row: role -> column, the x-range of each
    role's column (to seat a continuation page printed without a header), and, for a list form,
    its fund columns (column -> (labels, measure))."""
    roles: dict[str, int]
    edges: dict[str, tuple[float, float]] | None
    fund_columns: dict[int, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    fund_edges: dict[int, tuple[float, float]] = field(default_factory=dict)

    @property
    def is_list(self) -> bool:
        return "project" in self.roles

    def seated(self, grid: Grid) -> Plan | None:
        """This plan's columns on another grid of the same form, by x-position (a continuation
        page may lack an empty spacer column the first page has); None when they do not fit."""
        if self.edges is None or grid.col_edges is None:
            return None
        roles = {}
        for role, span in self.edges.items():
            column = _overlapping(span, grid.col_edges)
            if column is None:
                return None
            roles[role] = column
        funds = {}
        for col, span in self.fund_edges.items():
            column = _overlapping(span, grid.col_edges)
            if column is not None:
                funds[column] = self.fund_columns[col]
        return Plan(roles, {r: grid.col_edges[c] for r, c in roles.items()}, funds,
                    {c: grid.col_edges[c] for c in funds})


def _overlapping(span: tuple[float, float], edges: list[tuple[float, float]]) -> int | None:
    width = span[1] - span[0]
    overlaps = [max(0.0, min(span[1], x1) - max(span[0], x0)) for x0, x1 in edges]
    best = max(range(len(edges)), key=overlaps.__getitem__)
    return best if width > 0 and overlaps[best] >= 0.6 * width else None


@dataclass
class Header:
    row: int  # the header row
    end: int  # first body row
    plan: Plan


def find_header(grid: Grid, vocab: FormVocab) -> Header | None:
    """The first row naming a value column and an indicator column. A header cell reaching down
    into the body (绩效指标 / 年度绩效指标 printed once beside every indicator) is a caption of
    the rows, not a column."""
    for r in range(grid.n_rows):
        cells = [cell for c in range(grid.n_cols) if (cell := grid.own(r, c)) is not None and compact(cell.text)]
        value = next((cell for cell in cells if vocab.column_role(cell.text) == "value"), None)
        if value is None:
            continue
        end = value.row + value.row_span
        columns: dict[str, int] = {}
        for cell in cells:
            role = vocab.column_role(cell.text)
            if role and role not in columns and cell.row + cell.row_span <= end:
                columns[role] = cell.col
        if not ({"level3", "levels"} & set(columns)):
            continue
        if "level3" in columns:
            columns.pop("levels", None)
        edges = {role: grid.col_edges[c] for role, c in columns.items()} if grid.col_edges else None
        funds = _fund_columns(grid, r, end, set(columns.values()), vocab)
        fund_edges = {c: grid.col_edges[c] for c in funds} if grid.col_edges else {}
        return Header(r, end, Plan(columns, edges, funds, fund_edges))
    return None


def _fund_columns(grid: Grid, row: int, end: int, taken: set[int], vocab: FormVocab
                  ) -> dict[int, tuple[tuple[str, ...], str]]:
    """A list form's amount columns (项目总额, 其中：财政资金 …) in its header band."""
    funds = {}
    for c in range(grid.n_cols):
        if c in taken:
            continue
        path = column_labels(grid, range(row, end), c)
        measure = fund_path_measure(path, vocab)
        if measure:
            funds[c] = (tuple(label_key(t) for t in path if label_key(t)), measure)
    return funds


def column_labels(grid: Grid, rows, col: int) -> list[str]:
    """The distinct non-empty texts covering ``col`` over ``rows``, top first."""
    seen, labels = set(), []
    for r in rows:
        cell = grid.at(r, col)
        if cell is None or id(cell) in seen:
            continue
        seen.add(id(cell))
        if compact(cell.text):
            labels.append(cell.text)
    return labels


def fund_path_measure(path: list[str] | tuple[str, ...], vocab: FormVocab) -> str | None:
    """(项目总额,) -> total; (财政拨款, 合计) -> fiscal_subtotal; (财政拨款, 基本支出) -> fiscal_basic."""
    keys = [k for k in (label_key(t) for t in path) if k]
    if not keys:
        return None
    leaf = vocab.fund_measure(keys[-1]) or first_fund_label_measure(path[-1], vocab)
    if len(keys) > 1:
        group = vocab.fund_measure(keys[-2])
        if vocab.is_group_total(keys[-1]):
            return group
        if group and leaf:
            return vocab.split_measures.get(group, {}).get(leaf, leaf)
    return leaf


def first_fund_label_measure(text: str, vocab: FormVocab) -> str | None:
    """A header cell printing two fund labels over one column (西安: 财政拨款 其他资金 above the
    财政拨款 amounts) names the first."""
    words = [w for w in re.split(r"\s+", text or "") if w]
    if len(words) < 2:
        return None
    return vocab.fund_measure(words[0])


# ------------------------------------------------------------------ cells of a row
def own_text(grid: Grid, r: int, c: int) -> str:
    cell = grid.own(r, c)
    return compact(cell.text) if cell else ""


def covering_text(grid: Grid, r: int, c: int) -> str:
    cell = grid.at(r, c)
    return compact(cell.text) if cell else ""


def row_cells(grid: Grid, r: int) -> list[GridCell]:
    """The cells that start in row ``r``, left to right."""
    return [cell for c in range(grid.n_cols) if (cell := grid.own(r, c)) is not None]


def caption_rows(grid: Grid, rows) -> list[tuple[int, str]]:
    """Rows printing one text only (a title, 金额单位：万元, （2026年度）)."""
    out = []
    for r in rows:
        texts = [cell.text for cell in row_cells(grid, r) if compact(cell.text)]
        if len(texts) == 1:
            out.append((r, texts[0]))
    return out


def unit_of(texts: list[str]) -> str | None:
    """万元 / 元 from a line such as 金额单位：万元 / 资金主管部门：… 单位：万元."""
    for text in texts:
        if m := UNIT_LINE.search(text or ""):
            return m.group(1) or m.group(2)
    return None
