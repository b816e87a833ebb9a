"""Performance-target forms (项目支出绩效目标表): the grids that are forms, not budget tables."""
from __future__ import annotations

import re

from pipelines.model import Cell, PerformanceForm
from pipelines.money import looks_like_amount, parse_amount
from pipelines.read.grid import Grid
from pipelines.vocabulary import compact


def is_performance_grid(grid: Grid) -> bool:
    texts = {compact(grid.at(r, c).text) for r in range(grid.n_rows) for c in range(grid.n_cols) if grid.at(r, c)}
    return "一级指标" in texts or ("三级指标" in texts and "指标值" in texts)


def form_from_grid(grid: Grid, unit: str | None) -> PerformanceForm:
    name, total = "", None
    for r in range(grid.n_rows):
        texts = [compact(t) for t in grid.row_texts(r)]
        nonempty = [t for t in texts if t]
        if not nonempty:
            continue
        if nonempty[0] == "项目名称" and len(nonempty) > 1 and not name:
            name = nonempty[1]
        if any("资金总额" in t for t in nonempty):
            amounts = [parse_amount(t) for t in nonempty if looks_like_amount(t)]
            if amounts:
                total = amounts[-1]
        m = re.search(r"项目资金[（(](万元|元)[）)]", "".join(nonempty))
        if m:
            unit = m.group(1)
    rows = [[Cell(grid.at(r, c).text if grid.at(r, c) else "", grid.page) for c in range(grid.n_cols)]
            for r in range(grid.n_rows)]
    return PerformanceForm(project_name=name, page=grid.page, rows=rows, total_funds=total, unit=unit)
