"""Parsed pages -> logical tables, as a chain of small steps:

    pages_to_pieces     every ruled grid with the text above it, split into captions / header / body
    pieces_to_tables    a titled piece starts a table; an untitled one continues the table before it
                        only when it can be nothing else (next page, nothing in between, same columns,
                        same or no header); anything else starts a table of its own
    add_piece           a piece's body rows read as the table's logical columns, with the named
                        repairs of pipelines.read.repairs
    attach_notes        notes printed inside or under a table (本单位无…，本表为空表)

A title no family knows never glues its table to the previous one: the table loads as
``unclassified`` (numbered when there are several) and validation names it.
"""
from __future__ import annotations

import re
from collections import Counter

from pipelines.model import Cell, DocumentInfo, ExtractedDocument, ExtractedTable
from pipelines.read import repairs
from pipelines.read.cells import is_amount_cell
from pipelines.read.forms import FormReader
from pipelines.read.grid import Grid, align_columns
from pipelines.read.pages import PageRead
from pipelines.read.pieces import Piece, header_paths, split_grid, with_wrapped_titles
from pipelines.vocabulary import compact, family_for_headers, label_role, parse_title

UNCLASSIFIED = "unclassified"
_NOTE = re.compile(r"注[:：]|（注|^备注")
_UNIT_IN_HEADER = re.compile(r"[（(](?:金额)?(?:单位[:：])?(万元|元)[）)]")


def assemble(info: DocumentInfo, reads: list[PageRead]) -> ExtractedDocument:
    """Stitch parsed pages into logical tables and forms (metadata: pipelines.read.metadata)."""
    pieces = pages_to_pieces(reads)
    forms = FormReader()
    tables = pieces_to_tables(pieces, forms)
    attach_notes(tables, reads)
    units = Counter(t.unit for t in tables if t.unit)
    info.amount_unit = units.most_common(1)[0][0] if units else None
    for table in tables:
        # a titled table printed without a unit line takes the document's; an untitled one (a
        # chart's data in the prose) keeps none rather than a guess: its facts carry no 元 amount
        if table.title and not table.table_code.startswith(UNCLASSIFIED):
            table.unit = table.unit or info.amount_unit
    return ExtractedDocument(info=info, tables=tables, performance_forms=forms.finish(),
                             prose_pages=[(page.number, "\n".join(page.prose_lines())) for page in reads],
                             titles_in_text=_titles_in_text(reads))


# ---------------------------------------------------------------- pages -> pieces
def pages_to_pieces(reads: list[PageRead]) -> list[Piece]:
    pieces = []
    for page in reads:
        top = 0.0
        for index, grid in enumerate(page.grids):
            context = [line.text for line in page.lines_between(top, grid.bbox[1])]
            top = grid.bbox[3]
            pieces.append(split_grid(grid, context, first_on_page=index == 0))
    return pieces


def _titles_in_text(reads: list[PageRead]) -> list[str]:
    """Known table titles printed outside the grids (for the report's 'title without table')."""
    titles = []
    for page in reads:
        for line in with_wrapped_titles(page.prose_lines()):
            title = parse_title(line)
            if title is not None and title.family is not None:
                titles.append(title.printed)
    return titles


# ---------------------------------------------------------------- pieces -> tables
def pieces_to_tables(pieces: list[Piece], forms: FormReader) -> list[ExtractedTable]:
    tables: list[ExtractedTable] = []
    current: ExtractedTable | None = None
    for piece in pieces:
        if forms.take(piece.grid, piece.context):
            current = None
            continue
        if current is not None and continues(current, piece):
            add_piece(current, piece)
            continue
        current = start_table(piece, tables)
        tables.append(current)
        add_piece(current, piece)
    return [t for t in tables if t.rows or t.note or not t.table_code.startswith(UNCLASSIFIED)]


def continues(table: ExtractedTable, piece: Piece) -> bool:
    """Whether a piece is the next page of ``table``: it can be nothing else."""
    if piece.page != table.pages[-1] + 1 or not piece.first_on_page or piece.prose_above:
        return False
    if piece.heading_family is not None:
        return False
    if piece.title is not None and compact(piece.title.name) != compact(_name_of(table)):
        return False  # a new title (known or not) starts a new table
    if not _columns_match(table, piece.grid):
        return False
    if not piece.header_rows or _same_header(table, piece):
        return True
    return _label_rows_as_body(table, piece)


def _label_rows_as_body(table: ExtractedTable, piece: Piece) -> bool:
    """A continuation page whose first rows print labels only (使用非财政拨款结余 | 结余分配, their
    amounts empty) looks headed; when those labels sit in the table's label columns, they are body."""
    if piece.grid.n_cols != table.ruled_columns or not table.column_groups:
        return False
    label_columns = {i for path, group in zip(table.header_paths, table.column_groups)
                     if label_role(path) is not None for i in group}
    for r in piece.header_rows:
        filled = {c for c, text in enumerate(piece.grid.row_texts(r)) if compact(text)}
        if not filled or not filled <= label_columns:
            return False
    piece.body_rows = piece.header_rows + piece.body_rows
    piece.header_rows = []
    return True


def _name_of(table: ExtractedTable) -> str:
    title = parse_title(table.title) if table.title else None
    return title.name if title is not None else table.title or ""


def _filled_columns(grid: Grid) -> list[int]:
    """Ruled columns that print something (Excel exports rule empty spacer columns)."""
    return [c for c in range(grid.n_cols) if any(compact(grid.row_texts(r)[c]) for r in range(grid.n_rows))]


def _columns_match(table: ExtractedTable, grid: Grid) -> bool:
    if grid.n_cols == table.ruled_columns:
        return True
    if not (grid.col_edges and table.column_edges):
        return False
    # the same logical columns drawn with other rules: every printed column sits in one of ours
    spans = table.column_edges
    for c in _filled_columns(grid):
        x0, x1 = grid.col_edges[c]
        overlaps = [max(0.0, min(x1, s1) - max(x0, s0)) for s0, s1 in spans]
        if max(overlaps, default=0.0) < 0.6 * (x1 - x0) and not _spans_ours(x0, x1, spans):
            return False
    return True


def _spans_ours(x0: float, x1: float, spans: list[tuple[float, float]]) -> bool:
    """A merged cell (合计 across the code and name columns) covers several of our columns exactly."""
    inside = [s for s in spans if s[0] >= x0 - 2 and s[1] <= x1 + 2]
    return len(inside) >= 2 and abs(min(s[0] for s in inside) - x0) < 3 and abs(max(s[1] for s in inside) - x1) < 3


def _same_header(table: ExtractedTable, piece: Piece) -> bool:
    """The piece repeats the table's header, or a fragment of it (a Word table cut mid-header):
    every header cell it prints is (part of) one of the table's header cells."""
    ours = [cell for path in table.header_paths for cell in path]
    theirs = [cell for path in header_paths(piece.grid, piece.header_rows) for cell in path]
    return all(any(cell in mine for mine in ours) for cell in theirs)


def start_table(piece: Piece, tables: list[ExtractedTable]) -> ExtractedTable:
    grid = piece.grid
    paths = repairs.mend_spilled_headers(header_paths(grid, piece.header_rows))
    family = piece.family or (family_for_headers([p[-1] for p in paths if p]) if piece.title is None else None)
    code = family.code if family is not None else _unclassified_code(tables)
    headed, groups = logical_columns(grid, paths, piece.body_rows)
    title = piece.title.printed if piece.title is not None else (
        piece.captions[0] if piece.captions else "")
    return ExtractedTable(
        table_code=code, title=title, unit=piece.unit or _unit_in_header(paths), pages=[grid.page],
        header_paths=[paths[h] for h in headed], rows=[],
        column_edges=[(grid.col_edges[g[0]][0], grid.col_edges[g[-1]][1]) for g in groups]
        if grid.col_edges else None,
        column_groups=groups, ruled_columns=grid.n_cols, sheet_code=piece.sheet_code,
    )


def _unclassified_code(tables: list[ExtractedTable]) -> str:
    count = sum(t.table_code.startswith(UNCLASSIFIED) for t in tables)
    return UNCLASSIFIED if count == 0 else f"{UNCLASSIFIED}_{count + 1}"


def _unit_in_header(paths: list[tuple[str, ...]]) -> str | None:
    for path in paths:
        for cell in path:
            if m := _UNIT_IN_HEADER.search(cell):
                return m.group(1)
    return None


# ---------------------------------------------------------------- a piece's rows
def add_piece(table: ExtractedTable, piece: Piece) -> None:
    grid = piece.grid
    if grid.page not in table.pages:
        table.pages.append(grid.page)
    table.unit = table.unit or piece.unit
    table.regions.append((grid.page, grid.bbox))
    same_rules = grid.n_cols == table.ruled_columns
    for position, r in enumerate(piece.body_rows):
        cells = _row_cells(grid, r, table, same_rules)
        texts = [c.text for c in cells]
        if not any(compact(t) for t in texts):
            continue
        first = position == 0
        if (repairs.repeated_total(table, texts, grid.page, first) or repairs.label_below(table, texts, grid.page)
                or repairs.amounts_below(table, texts, grid.page)
                or repairs.wrapped_tail(table, texts, grid.page, first)):
            continue
        table.rows.append(cells)
    if piece.note:
        table.note = piece.note
    for line in piece.context:
        if "注" in line and ("无" in line or "没有" in line):
            table.note = compact(line)


def _row_cells(grid: Grid, r: int, table: ExtractedTable, same_rules: bool) -> list[Cell]:
    """One body row as the table's logical columns (hair-line sub-columns joined, or re-seated by
    x-position when a continuation page is ruled differently)."""
    own = [grid.own(r, c) for c in range(grid.n_cols)]
    above = [None if own[c] is not None or grid.at(r, c) is None else grid.at(r, c).text for c in range(grid.n_cols)]
    if same_rules and table.column_groups:
        out = []
        for group in table.column_groups:
            members = [own[i] for i in group if own[i] is not None and compact(own[i].text)]
            text = " ".join(m.text for m in members)
            lead = members[0] if members else None
            out.append(Cell(text, grid.page, indent=lead.left_gap if lead else None,
                            centred=bool(lead and lead.centred),
                            above=next((above[i] for i in group if above[i]), None)))
        return out
    texts = align_columns([c.text if c else "" for c in own], grid.col_edges, table.column_edges)
    return [Cell(t, grid.page) for t in texts]


def logical_columns(grid: Grid, paths: list[tuple[str, ...]], body_rows: list[int]
                    ) -> tuple[list[int], list[list[int]]]:
    """Group ruled columns into the table's logical columns: (headed column, its ruled columns).

    Word-made tables rule many hair-line sub-columns that carry no header: their cells belong to
    the nearest headed column of the same kind (amounts to an amount column, labels to a label
    column). Clean tables have a header on every column and keep one group per column."""
    def is_sub_column(i: int) -> bool:
        # only a spanning parent above it (收入) while a neighbour has its own leaf (收入 / 金额)
        return any(0 <= j < len(paths) and len(paths[j]) > len(paths[i]) and paths[j][:len(paths[i])] == paths[i]
                   for j in (i - 1, i + 1))

    headed = [i for i, p in enumerate(paths) if p and not is_sub_column(i)]
    if not headed or len(headed) == len(paths) or grid.col_edges is None:
        return list(range(len(paths))), [[i] for i in range(len(paths))]
    amount_column = {i: label_role(paths[i]) is None for i in headed}
    groups = {i: [i] for i in headed}
    for i in range(len(paths)):
        if i in groups:
            continue
        cells = [compact(grid.row_texts(r)[i]) for r in body_rows]
        cells = [c for c in cells if c]
        if not cells:
            continue  # an empty hair-line column carries nothing
        holds_amounts = bool(cells) and sum(map(is_amount_cell, cells)) * 2 >= len(cells)
        candidates = [j for j in headed if amount_column[j] == holds_amounts] or headed
        centre = sum(grid.col_edges[i]) / 2
        nearest = min(candidates, key=lambda j: _distance(centre, grid.col_edges[j]))
        groups[nearest].append(i)
    return headed, [sorted(groups[i]) for i in headed]


def _distance(x: float, span: tuple[float, float]) -> float:
    return 0.0 if span[0] <= x <= span[1] else min(abs(x - span[0]), abs(x - span[1]))


# ---------------------------------------------------------------- notes
def attach_notes(tables: list[ExtractedTable], reads: list[PageRead]) -> None:
    """A note printed under the last grid of a page (本单位无…预算) belongs to the table ending there."""
    by_page = {page.number: page for page in reads}
    for table in tables:
        page = by_page.get(table.pages[-1])
        if page is None or not page.grids:
            continue
        last = [g for g in page.grids if (g.page, g.bbox) in {(p, tuple(b)) for p, b in table.regions}]
        if not last or last[-1] is not page.grids[-1]:
            continue
        for line in page.lines:
            if line.top >= last[-1].bbox[3] and _NOTE.search(compact(line.text)):
                table.note = compact(line.text)

