"""Indicator rows: one per printed indicator, with its levels resolved the way the form prints them
(merged cells, labels printed once for a numbered group, all three levels in one cell) and a
wrapped indicator's second grid row joined to its first."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.model import FormIndicator
from pipelines.read.forms.layout import Plan, covering_text, own_text
from pipelines.read.forms.vocab import FormVocab
from pipelines.read.grid import Grid
from pipelines.vocabulary import compact


@dataclass
class RawRow:
    """One indicator row as the grid holds it, before levels are resolved."""
    level1: str
    level2: str
    level3: str
    target: str
    page: int
    grid_row: int
    target_continued: bool = False  # the value cell is a cell spanning down from the row above
    operator: str | None = None
    unit: str | None = None
    weight: str | None = None
    activity: str | None = None


def read_row(grid: Grid, r: int, plan: Plan, vocab: FormVocab) -> RawRow | None:
    """The indicator printed in row ``r``, or None for a row printing none (an empty template row,
    a 备注 line)."""
    roles = plan.roles

    def own(role: str) -> str:
        return own_text(grid, r, roles[role]) if role in roles else ""

    def covering(role: str) -> str:
        return covering_text(grid, r, roles[role]) if role in roles else ""

    level1, level2, level3 = covering("level1"), covering("level2"), own("level3")
    if "levels" in roles and own("levels"):
        l1, l2, level3 = vocab.split_levels(own("levels"))
        level1, level2 = l1 or "", l2 or ""
    target, continued = own("value"), False
    if not target and "value" in roles:
        cell = grid.at(r, roles["value"])
        if cell is not None and cell.row < r:
            target, continued = compact(cell.text), True
    if not level3 and (not target or continued):
        return None
    return RawRow(level1, level2, level3, target, grid.page, r, continued, own("operator") or None,
                  own("unit") or None, own("weight") or None, covering("activity") or None)


def indicators_of(rows: list[RawRow], vocab: FormVocab) -> list[FormIndicator]:
    """Resolve the levels of one form's (or one listed project's) rows, in printed order."""
    rows = _join_wrapped(rows, vocab)
    numbered = sum(vocab.is_numbered(r.level3) for r in rows) >= 2
    group_level2 = _numbered_group_labels(rows, vocab) if numbered else {}
    printed_level1 = {r.level1 for r in rows if r.level1}
    out: list[FormIndicator] = []
    carried1 = carried2 = None
    for i, row in enumerate(rows):
        level2 = row.level2 or (group_level2.get(i) if numbered else carried2) or None
        parent = vocab.parent_of.get(level2) if level2 else None
        level1 = row.level1 or (parent if parent in printed_level1 else None) or carried1
        carried1, carried2 = level1, level2
        out.append(FormIndicator(level1, level2, row.level3 or None, row.target, row.page, row.operator,
                                 row.unit, row.weight, row.activity))
    return out


def _join_wrapped(rows: list[RawRow], vocab: FormVocab) -> list[RawRow]:
    """In a form numbering its indicators (指标 1：…), a row without a number under a value cell
    spanning down from the row above is the rest of that indicator's wrapped text (…治污减霾工 / 作)."""
    if sum(vocab.is_numbered(r.level3) for r in rows) < 2:
        return rows
    out: list[RawRow] = []
    for row in rows:
        if out and row.target_continued and row.level3 and not vocab.is_numbered(row.level3):
            out[-1].level3 += row.level3
            continue
        out.append(row)
    return out


_NUMBER = re.compile(r"^指标(\d+)")


def _numbered_group_labels(rows: list[RawRow], vocab: FormVocab) -> dict[int, str]:
    """Row index -> the one level-2 label printed in its numbered group (指标 1 … the next 指标 1)."""
    groups: list[list[int]] = []
    for i, row in enumerate(rows):
        m = _NUMBER.match(compact(row.level3))
        if not groups or (m and m.group(1) == "1"):
            groups.append([])
        groups[-1].append(i)
    labels = {}
    for group in groups:
        printed = {rows[i].level2 for i in group if rows[i].level2}
        if len(printed) == 1:
            label = printed.pop()
            labels.update({i: label for i in group})
    return labels
