"""List forms (one ruled list of many projects, 北京 预算表12 / 重庆 表十二): which body rows belong
to which project. A project's name and amounts are cells spanning its indicator rows; where such
a cell runs off the page the ruling has no cell there (a hole) and the name is printed, clipped,
in the hole's band beyond the grid's edge."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.money import looks_like_amount
from pipelines.read.forms.layout import Plan
from pipelines.read.grid import Grid, Hole
from pipelines.vocabulary import compact


@dataclass
class Segment:
    """Consecutive body rows of one project on one page."""
    rows: list[int]
    name: str
    amounts: dict[int, str] = field(default_factory=dict)  # fund column -> amount as printed
    at_top: bool = False  # starts at the first body row in a hole: may continue the last page's project


def segments(grid: Grid, body: list[int], plan: Plan) -> list[Segment]:
    col = plan.roles["project"]
    out: list[Segment] = []
    key_of_last = None
    for r in body:
        cell = grid.at(r, col)
        hole = None if cell is not None else _hole(grid, col, r)
        key = id(cell) if cell is not None else ("hole", hole.first_row if hole else r)
        if out and key == key_of_last:
            out[-1].rows.append(r)
            continue
        key_of_last = key
        if cell is not None:
            name = compact(cell.text)
            amounts = {c: compact(t) for c in plan.fund_columns if (t := _covering(grid, r, c))}
        else:
            name = compact(hole.text) if hole else ""
            amounts = {c: compact(h.text) for c in plan.fund_columns
                       if (h := _hole(grid, c, r)) is not None and compact(h.text)}
        amounts = {c: t for c, t in amounts.items() if looks_like_amount(t)}
        out.append(Segment([r], name, amounts, at_top=cell is None and r == body[0]))
    return out


def _covering(grid: Grid, r: int, c: int) -> str:
    cell = grid.at(r, c)
    return cell.text if cell is not None else ""


def _hole(grid: Grid, col: int, r: int) -> Hole | None:
    return next((h for h in grid.holes if h.col == col and h.first_row <= r <= h.last_row), None)
