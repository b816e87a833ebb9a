"""One ruled grid with what surrounds it on its page: the piece of a table printed there.

    split_grid(grid, context_lines, first_on_page) -> Piece

Around and inside a grid a template may print: a sheet code (公开02表, 预算01表, 表一), the title,
a unit line (单位：万元), the unit's name (部门名称：…), a year line (（2026年度）); above the grid as
text lines or inside it as caption rows. Then come header rows, body rows and perhaps a note row
(注：本单位无…，本表为空表).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.read.cells import CODE_NAME_PATTERN, CODE_PATTERN, is_amount_cell, is_prose_line
from pipelines.read.grid import Grid
from pipelines.vocabulary import (
    TableFamily, Title, compact, family_for_heading, normalise_header, parse_title, sheet_code_of,
    strip_ordinal,
)

UNIT_PATTERN = re.compile(r"(?:金额)?单位[:：]\s*(?:人民币)?(万元|元)")
_OWNER_LINE = re.compile(r"(?:部门|单位|预算单位|编制单位|编制部门)(?:名称)?[:：](?!\s*(?:人民币)?万?元)|^(?:部门|单位)名称")
_YEAR_LINE = re.compile(r"^[（(]?20\d\d年度?[）)]?$")
_HEADER_WORDS = re.compile(r"编码|代码|科目|名称|项目|类别|栏次|^[类款项]$")


@dataclass
class Piece:
    grid: Grid
    context: list[str]  # text lines between the previous grid (or the page top) and this grid
    title: Title | None
    heading_family: TableFamily | None  # an untitled table named by the heading above it
    sheet_code: str | None
    unit: str | None
    header_rows: list[int]
    body_rows: list[int]
    note: str | None = None
    first_on_page: bool = True
    prose_above: bool = False  # running text between the previous grid or the page top and this one
    captions: list[str] = field(default_factory=list)  # caption rows read inside the grid

    @property
    def page(self) -> int:
        return self.grid.page

    @property
    def family(self) -> TableFamily | None:
        return self.title.family if self.title is not None else self.heading_family


def with_wrapped_titles(lines: list[str]) -> list[str]:
    """Lines plus each pair of consecutive lines joined, for titles printed over two lines
    (公开09表：一般公共预算“三公”经费、会议费、培训费 / 支出预算表)."""
    out = list(lines)
    for first, second in zip(lines, lines[1:]):
        if parse_title(first) is None and len(compact(second)) <= 12:
            out.append(compact(first) + compact(second))
    return out


@dataclass
class _Captions:
    """What caption lines (above the grid or as its first rows) say."""
    titles: list[Title] = field(default_factory=list)
    sheet_code: str | None = None
    unit: str | None = None

    def read(self, line: str) -> bool:
        """Take what a line says; True when the whole line is caption matter."""
        text = compact(line)
        if not text:
            return True
        found = False
        if m := UNIT_PATTERN.search(text):
            self.unit, found = m.group(1), True
        if code := sheet_code_of(text):
            self.sheet_code, found = code, True
        elif (title := parse_title(text)) is not None:
            self.titles.append(title)
            self.sheet_code = title.sheet_code or self.sheet_code
            found = True
        return found or bool(_OWNER_LINE.search(text) or _YEAR_LINE.match(text))

    def best_title(self) -> Title | None:
        """The last known table title, else the last form title, else the last unknown title."""
        for wanted in (lambda t: t.family is not None, lambda t: t.is_form, lambda t: True):
            chosen = [t for t in self.titles if wanted(t)]
            if chosen:
                return chosen[-1]
        return None


def split_grid(grid: Grid, context_lines: list[str], first_on_page: bool = True) -> Piece:
    captions = _Captions()
    other_lines = [part for line in context_lines for part in line.split("\n") if not captions.read(part)]
    for line in with_wrapped_titles(context_lines)[len(context_lines):]:
        captions.read(line)  # titles printed over two lines
    first_row, caption_texts = _caption_rows(grid, captions)
    header_rows, body_rows, note = _rows_after_captions(grid, first_row)
    title = captions.best_title()
    heading = None if title is not None else next(
        (f for f in map(family_for_heading, context_lines) if f is not None), None)
    return Piece(grid, list(context_lines), title, heading, captions.sheet_code, captions.unit,
                 header_rows, body_rows, note, first_on_page,
                 prose_above=any(is_prose_line(line) for line in other_lines), captions=caption_texts)


def _caption_rows(grid: Grid, captions: _Captions) -> tuple[int, list[str]]:
    """Skip leading empty rows and caption rows printed inside the grid (Jiangsu, Beijing style);
    returns the first row after them."""
    r, texts_read = 0, []
    while r < grid.n_rows:
        texts = [t for t in grid.row_texts(r) if compact(t)]
        if not texts:
            r += 1
            continue
        lines = [part for text in texts for part in text.split("\n") if compact(part)]
        if len(texts) > 3 or _is_data_row(grid.row_texts(r)):
            break
        probe = _Captions()
        matter = [probe.read(line) for line in lines]
        owner_row = any(_OWNER_LINE.search(compact(line)) for line in lines)
        if not (all(matter) or owner_row and len(lines) <= 3):
            break  # (部门: | 江苏省人民检察院 | 单位:万元 — the name beside its label is caption too)
        for line in lines:
            captions.read(line)
        texts_read.append(" ".join(compact(t) for t in texts))
        r += 1
    return r, texts_read


def _rows_after_captions(grid: Grid, first_row: int) -> tuple[list[int], list[int], str | None]:
    header_rows, body_rows, note = [], [], None
    for row in range(first_row, grid.n_rows):
        if _is_column_numbers([compact(t) for t in grid.row_texts(row) if compact(t)]):
            continue  # 栏次 1 2 3 …: numbers the columns, neither header nor data
        if _is_note_row(grid, row):
            note = compact(grid.row_texts(row)[0] or "".join(grid.row_texts(row)))
        elif not body_rows and not _is_data_row(grid.row_texts(row)) and not (
                header_rows and _is_group_heading(grid, row, header_rows)):
            header_rows.append(row)
        else:
            body_rows.append(row)
    return header_rows, body_rows, note


def _is_group_heading(grid: Grid, row: int, header_rows: list[int]) -> bool:
    """A row naming a group in its first column only (a unit above its projects), under a header
    that already names every column: body, not a further header row."""
    texts = [compact(t) for t in grid.row_texts(row)]
    filled = [c for c, t in enumerate(texts) if t]
    if filled != [0] and filled != [1] or _HEADER_WORDS.search(texts[filled[0]]):
        return False
    if filled == [1] and compact(grid.row_texts(header_rows[0])[0]):
        return False
    named = all(any(grid.at(r, c) is not None and compact(grid.at(r, c).text) for r in header_rows)
                for c in range(grid.n_cols))
    return named and any(grid.at(r, filled[0]) is not None and grid.at(r, filled[0]).row_span == 1
                         for r in header_rows[-1:])


def _is_column_numbers(cells: list[str]) -> bool:
    """A 栏次 row (1 2 3 …) numbering the columns: header, not data."""
    if cells and cells[0] in ("栏次", "栏号"):
        return True
    numbers = [c for c in cells if c.isdigit()]
    return len(numbers) >= 2 and len(numbers) == len(cells) and \
        [int(n) for n in numbers] == list(range(int(numbers[0]), int(numbers[0]) + len(numbers)))


def _is_data_row(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts]
    nonempty = [c for c in cells if c]
    if not nonempty or _is_column_numbers(nonempty):
        return False
    if any(is_amount_cell(c) for c in nonempty):
        return True
    if any(CODE_PATTERN.match(c) or CODE_NAME_PATTERN.match(c) for c in cells[:4] if c):
        return True
    first = nonempty[0]
    return strip_ordinal(first) != first and not first.startswith("其中")


def _is_note_row(grid: Grid, row: int) -> bool:
    """One cell across the table saying the table is empty (注：本单位无…预算，本表为空表)."""
    cells = [grid.own(row, c) for c in range(grid.n_cols)]
    cells = [c for c in cells if c is not None and compact(c.text)]
    if len(cells) != 1 or cells[0].col_span < max(2, grid.n_cols - 1):
        return False
    text = compact(cells[0].text)
    return text.startswith(("注", "（注", "(注", "备注")) or ("无" in text and "预算" in text) or "空表" in text


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
