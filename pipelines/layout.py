"""A pdfplumber table as a grid of cells that knows its merged spans.

pdfplumber reports a merged cell once, at its top-left position, and ``None`` in the positions it
covers. Header paths need to know which columns a merged header spans, so each cell's span is
recovered from its bounding box against the table's column and row edges.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass


@dataclass
class GridCell:
    text: str  # as extracted, "" for an empty cell
    row: int
    col: int
    row_span: int
    col_span: int


@dataclass
class Grid:
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    origin: list[list[GridCell | None]]  # origin[r][c] is the cell covering (r, c)
    col_edges: list[tuple[float, float]] | None = None  # x0, x1 of each column

    def at(self, r: int, c: int) -> GridCell | None:
        return self.origin[r][c]

    def own(self, r: int, c: int) -> GridCell | None:
        """The cell whose top-left corner is (r, c), else None (covered by a span or missing)."""
        cell = self.origin[r][c]
        return cell if cell is not None and cell.row == r and cell.col == c else None

    def row_texts(self, r: int) -> list[str]:
        return [cell.text if (cell := self.own(r, c)) else "" for c in range(self.n_cols)]


def _edge_index(edges: list[float], value: float, tolerance: float = 1.5) -> int:
    i = bisect_left(edges, value - tolerance)
    return min(i, len(edges) - 1)


def grid_from_table(table, page_number: int) -> Grid:
    """Build a Grid from a pdfplumber ``Table`` (``page.find_tables()`` result)."""
    texts = table.extract()
    rows = table.rows
    xs = sorted({round(cell[0], 1) for cell in table.cells})
    tops = sorted({round(cell[1], 1) for cell in table.cells})
    n_rows, n_cols = len(rows), max((len(r) for r in texts), default=0)
    origin: list[list[GridCell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None or c >= n_cols:
                continue
            x0, top, x1, bottom = bbox
            c_end = max(c + 1, min(n_cols, sum(1 for x in xs if x < x1 - 1.5)))
            r_end = max(r + 1, min(n_rows, sum(1 for t in tops if t < bottom - 1.5)))
            text = texts[r][c] if texts[r][c] is not None else ""
            cell = GridCell(text, r, c, r_end - r, c_end - c)
            for rr in range(r, r_end):
                for cc in range(c, c_end):
                    if origin[rr][cc] is None or (rr, cc) == (r, c):
                        origin[rr][cc] = cell
    right = [x for x in xs[1:]] + [table.bbox[2]]
    edges = [(xs[i], right[i]) for i in range(min(len(xs), n_cols))]
    return Grid(page_number, tuple(table.bbox), n_rows, n_cols, origin, edges if len(edges) == n_cols else None)


def align_columns(texts: list[str], edges: list[tuple[float, float]],
                  target: list[tuple[float, float]]) -> list[str]:
    """Re-seat a row read with one set of column edges under another (a continuation page whose
    ruling differs): each cell goes to the target column it overlaps most."""
    out = [""] * len(target)
    for text, (x0, x1) in zip(texts, edges):
        if not text:
            continue
        overlaps = [max(0.0, min(x1, t1) - max(x0, t0)) for t0, t1 in target]
        best = max(range(len(target)), key=overlaps.__getitem__)
        if overlaps[best] > 0:
            out[best] = f"{out[best]} {text}".strip() if out[best] else text
    return out
