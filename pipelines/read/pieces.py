"""One ruled grid with what surrounds it on its page: title, unit, caption rows, header rows,
body rows and a note."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.read.cells import CODE_PATTERN, is_amount_cell
from pipelines.read.grid import Grid
from pipelines.vocabulary import (
    compact, is_performance_title, is_title_candidate, normalise_header, strip_ordinal,
    table_code_for_title,
)

UNIT_PATTERN = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")


def _is_data_row(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts]
    if any(is_amount_cell(t) for t in cells if t):
        return True
    if any(CODE_PATTERN.match(t) for t in cells[:3] if t):
        return True
    first = next((c for c in cells if c), "")
    return bool(first) and strip_ordinal(first) != first and not first.startswith("其中")


def _caption_info(text: str) -> tuple[str | None, str | None]:
    """(title, unit) found in a caption row or a text line."""
    unit = None
    if m := UNIT_PATTERN.search(text.replace(" ", "")):
        unit = m.group(1)
    title = None
    for piece in re.split(r"[\n]", text):
        if is_title_candidate(piece) and (table_code_for_title(piece) or is_performance_title(piece)):
            title = compact(piece)
    return title, unit


@dataclass
class PageTable:
    grid: Grid
    title: str | None
    unit: str | None
    header_rows: list[int]
    body_rows: list[int]
    context: list[str] = field(default_factory=list)  # text lines above the table on its page
    note: str | None = None  # a note printed inside the table (本单位无…，本表为空表)


def with_wrapped_titles(lines: list[str]) -> list[str]:
    """Lines plus each pair of consecutive lines joined, for titles printed over two lines
    (公开09表：一般公共预算“三公”经费、会议费、培训费 / 支出预算表)."""
    out = list(lines)
    for first, second in zip(lines, lines[1:]):
        if not is_title_candidate(first) and len(compact(second)) <= 12:
            out.append(compact(first) + compact(second))
    return out


def split_grid(grid: Grid, context_lines: list[str]) -> PageTable:
    title, unit = None, None
    for line in with_wrapped_titles(context_lines):
        line_title, line_unit = _caption_info(line)
        title = line_title or title
        unit = line_unit or unit
    r = 0
    # leading empty rows and caption rows printed inside the table (Jiangsu style)
    while r < grid.n_rows:
        texts = [t for t in grid.row_texts(r) if compact(t)]
        joined = "\n".join(texts)
        if not texts:
            r += 1
            continue
        cap_title, cap_unit = _caption_info(joined)
        if len(texts) <= 3 and (cap_title or cap_unit or re.search(r"(部门|单位)[:：]", joined)):
            title = cap_title or title
            unit = cap_unit or unit
            r += 1
            continue
        break
    header_rows, body_rows, note = [], [], None
    for row in range(r, grid.n_rows):
        if _is_note_row(grid, row):
            note = compact(grid.row_texts(row)[0] or "".join(grid.row_texts(row)))
        elif not body_rows and not _is_data_row(grid.row_texts(row)):
            header_rows.append(row)
        else:
            body_rows.append(row)
    return PageTable(grid, title, unit, header_rows, body_rows, context_lines, note)


def _is_note_row(grid: Grid, row: int) -> bool:
    """One cell across the table saying the table is empty (注：本单位无…预算，本表为空表)."""
    cells = [grid.own(row, c) for c in range(grid.n_cols)]
    cells = [c for c in cells if c is not None and compact(c.text)]
    if len(cells) != 1 or cells[0].col_span < max(2, grid.n_cols - 1):
        return False
    text = compact(cells[0].text)
    return text.startswith(("注", "（注", "(注")) or ("无" in text and "预算" in text) or "空表" in text


def header_paths(grid: Grid, header_rows: list[int]) -> list[tuple[str, ...]]:
    paths = []
    for c in range(grid.n_cols):
        path: list[str] = []
        seen: set[int] = set()
        for r in header_rows:
            cell = grid.at(r, c)
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            text = normalise_header(cell.text)
            if text:
                path.append(text)
        paths.append(tuple(path))
    return paths
