"""A pdfplumber table as a grid of cells that knows its merged spans.

pdfplumber reports a merged cell once, at its top-left position, and ``None`` in the positions it
covers. Header paths need to know which columns a merged header spans, so each cell's span is
recovered from its bounding box against the table's column and row edges.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from pdfplumber.utils import extract_text

from pipelines.money import looks_like_amount

OVERFLOW_TAIL_MAX = 6  # characters a name can spill into the next cell


@dataclass
class GridCell:
    text: str  # as extracted, "" for an empty cell
    row: int
    col: int
    row_span: int
    col_span: int
    # blank space between the cell's rules and its first printed line (None for an empty cell):
    # left-aligned labels indent by their level, centred text has equal gaps
    left_gap: float | None = None
    right_gap: float | None = None

    @property
    def centred(self) -> bool:
        return (self.left_gap is not None and self.right_gap is not None
                and abs(self.left_gap - self.right_gap) < 2.0 and self.left_gap > 3.0)


@dataclass
class Hole:
    """Rows of one column at the top or bottom of a grid where the ruling has no cell: a merged cell
    running off the page. ``text`` is what is printed in that column's band from the hole to the
    page's edge (such a cell's text is drawn on both pages, clipped, so it reads there)."""
    col: int
    first_row: int
    last_row: int
    text: str


@dataclass
class Grid:
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    n_rows: int
    n_cols: int
    origin: list[list[GridCell | None]]  # origin[r][c] is the cell covering (r, c)
    col_edges: list[tuple[float, float]] | None = None  # x0, x1 of each column
    holes: list[Hole] = field(default_factory=list)

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


def _middle(char) -> tuple[float, float]:
    return (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2


def cell_texts(table) -> list[list[str | None]]:
    """What ``table.extract()`` returns, cell for cell, found faster: pdfplumber tests every char of
    the page against every row; here the chars are ordered by their vertical middle once and each
    row takes its band by bisection. Same test (a char's middle inside the box, right and bottom
    edges excluded), chars in the page's order, the same ``extract_text``."""
    chars = table.page.chars
    middles = [_middle(char) for char in chars]
    by_height = sorted(range(len(chars)), key=lambda i: middles[i][1])
    heights = [middles[i][1] for i in by_height]
    texts = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        band = sorted(by_height[bisect_left(heights, top):bisect_left(heights, bottom)])
        in_row = [i for i in band if x0 <= middles[i][0] < x1]
        line: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                line.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [chars[i] for i in in_row
                      if cx0 <= middles[i][0] < cx1 and ctop <= middles[i][1] < cbottom]
            line.append(extract_text(inside) if inside else "")
        texts.append(line)
    return texts


def grid_from_table(table, page_number: int) -> Grid:
    """Build a Grid from a pdfplumber ``Table`` (``page.find_tables()`` result)."""
    texts = cell_texts(table)
    rows = table.rows
    xs = sorted({round(cell[0], 1) for cell in table.cells})
    tops = sorted({round(cell[1], 1) for cell in table.cells})
    n_rows, n_cols = len(rows), max((len(r) for r in texts), default=0)
    origin: list[list[GridCell | None]] = [[None] * n_cols for _ in range(n_rows)]
    boxes: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is None or c >= n_cols:
                continue
            x0, top, x1, bottom = bbox
            c_end = max(c + 1, min(n_cols, sum(1 for x in xs if x < x1 - 1.5)))
            r_end = max(r + 1, min(n_rows, sum(1 for t in tops if t < bottom - 1.5)))
            text = texts[r][c] if texts[r][c] is not None else ""
            cell = GridCell(text, r, c, r_end - r, c_end - c)
            boxes[(r, c)] = bbox
            for rr in range(r, r_end):
                for cc in range(c, c_end):
                    if origin[rr][cc] is None or (rr, cc) == (r, c):
                        origin[rr][cc] = cell
    _rejoin_overflowing_text(table, origin, boxes)
    _measure_gaps(table, origin, boxes)
    right = [x for x in xs[1:]] + [table.bbox[2]]
    edges = [(xs[i], right[i]) for i in range(min(len(xs), n_cols))]
    edges = edges if len(edges) == n_cols else None
    return Grid(page_number, tuple(table.bbox), n_rows, n_cols, origin, edges, _edge_holes(table, origin, edges))


def _edge_holes(table, origin, edges) -> list[Hole]:
    """The holes touching the grid's first or last row, with the text printed in them."""
    n_rows = len(origin)
    runs = []
    for c in range(len(origin[0]) if origin else 0):
        if origin[0][c] is None:
            last = next((r - 1 for r in range(n_rows) if origin[r][c] is not None), n_rows - 1)
            runs.append((c, 0, last))
        if origin[-1][c] is None:
            first = next((r + 1 for r in range(n_rows - 1, -1, -1) if origin[r][c] is not None), 0)
            if first > 0:
                runs.append((c, first, n_rows - 1))
    if not runs or edges is None:
        return []
    page, rows = table.page, table.rows
    holes = []
    for c, first, last in runs:
        x0, x1 = edges[c]
        top = 0 if first == 0 else rows[first].bbox[1]
        bottom = page.height if last == n_rows - 1 else rows[last].bbox[3]
        chars = [ch for ch in page.chars if x0 <= (ch["x0"] + ch["x1"]) / 2 < x1
                 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom]
        holes.append(Hole(c, first, last, extract_text(chars) if chars else ""))
    return holes


def _measure_gaps(table, origin, boxes) -> None:
    """Each cell's blank space left and right of its first printed line (indentation, centring)."""
    by_band: dict[tuple[float, float], list[tuple[int, int]]] = {}
    for key, box in boxes.items():
        by_band.setdefault((box[1], box[3]), []).append(key)
    bands = sorted(by_band)
    tops = [band[0] for band in bands]
    first_line: dict[tuple[int, int], list[dict]] = {}
    x0, top, x1, bottom = table.bbox
    for ch in table.page.chars:
        if not ch["text"].strip():
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        i = bisect_left(tops, cy) - 1
        for band in bands[max(0, i - 3): i + 1]:
            if not band[0] <= cy < band[1]:
                continue
            for key in by_band[band]:
                box = boxes[key]
                if box[0] <= cx < box[2]:
                    line = first_line.setdefault(key, [])
                    if not line or ch["top"] < line[0]["top"] - 1:
                        line[:] = [ch]
                    elif abs(ch["top"] - line[0]["top"]) <= 1:
                        line.append(ch)
    for key, chars in first_line.items():
        cell, box = origin[key[0]][key[1]], boxes[key]
        if cell is not None and cell.row == key[0] and cell.col == key[1] and chars:
            cell.left_gap = min(ch["x0"] for ch in chars) - box[0]
            cell.right_gap = box[2] - max(ch["x1"] for ch in chars)


def _rejoin_overflowing_text(table, origin, boxes) -> None:
    """A name printed wider than its cell spills over the rule into the next cell; pdfplumber then
    splits it at the rule. When one unbroken run of characters crosses the rule and is all the
    right-hand cell holds, the whole run belongs to the cell where it starts."""
    pairs = [(key, (key[0], key[1] + 1)) for key in boxes if (key[0], key[1] + 1) in boxes]
    candidates = [(a, b) for a, b in pairs
                  if origin[a[0]][a[1]].text.strip() and origin[b[0]][b[1]].text.strip()
                  and origin[a[0]][a[1]].row_span == 1 and origin[b[0]][b[1]].row_span == 1
                  # a number that fills its cell touches the rule too: amounts never overflow
                  and not looks_like_amount(origin[b[0]][b[1]].text)
                  and not looks_like_amount(origin[a[0]][a[1]].text)
                  # an overflow is a name's tail; a cell with much of its own text is its own
                  and len("".join(origin[b[0]][b[1]].text.split())) <= OVERFLOW_TAIL_MAX]
    if not candidates:
        return
    x0, top, x1, bottom = table.bbox
    chars = [ch for ch in table.page.chars if x0 <= ch["x0"] and ch["x1"] <= x1 and top <= ch["top"] and ch["bottom"] <= bottom]
    # A cell's own text starts after some padding; only a character touching or crossing a rule
    # can continue a run from the cell to its left. Most tables have none: nothing more to do.
    rules = sorted({round(box[0], 1) for box in boxes.values()})
    at_rule = [ch for ch in chars if ch["text"].strip() and _starts_at(ch, rules)]
    if not at_rule:
        return
    candidates = [(a, b) for a, b in candidates
                  if any(boxes[b][1] <= (ch["top"] + ch["bottom"]) / 2 < boxes[b][3]
                         and _touches(ch, boxes[b][0]) for ch in at_rule)]
    for left_key, right_key in candidates:
        left, right = boxes[left_key], boxes[right_key]

        def inside(ch, box):
            cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            return box[0] <= cx < box[2] and box[1] <= cy < box[3]

        right_chars = sorted((ch for ch in chars if inside(ch, right) and ch["text"].strip()), key=lambda ch: ch["x0"])
        left_chars = [ch for ch in chars if inside(ch, left) and ch["text"].strip()]
        if not right_chars or not left_chars:
            continue
        first = right_chars[0]
        same_line = [ch for ch in left_chars if abs(ch["top"] - first["top"]) < 1.0]
        if not same_line:
            continue
        last = max(same_line, key=lambda ch: ch["x1"])
        run = [last] + right_chars
        unbroken = all(abs(b["top"] - a["top"]) < 1.0 and b["x0"] - a["x1"] < 0.3 * (a["x1"] - a["x0"]) + 0.5
                       for a, b in zip(run, run[1:]))
        # a cell's own text starts after some padding; an overflowing run touches the rule
        starts_at_rule = first["x0"] - right[0] < 0.5 * (first["x1"] - first["x0"])
        if unbroken and starts_at_rule:
            left_cell, right_cell = origin[left_key[0]][left_key[1]], origin[right_key[0]][right_key[1]]
            left_cell.text = left_cell.text + right_cell.text.strip()
            right_cell.text = ""


def _touches(ch: dict, rule: float) -> bool:
    return ch["x0"] - 0.5 * (ch["x1"] - ch["x0"]) <= rule <= ch["x1"]


def _starts_at(ch: dict, rules: list[float]) -> bool:
    i = bisect_left(rules, ch["x0"] - 0.5 * (ch["x1"] - ch["x0"]))
    return i < len(rules) and _touches(ch, rules[i])


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
