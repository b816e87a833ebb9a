"""Pieces -> logical tables: a titled piece starts a table, an untitled one continues the previous
table across pages (its repeated header rows dropped), then named row repairs."""
from __future__ import annotations

import re

from pipelines.model import Cell, DocumentInfo, ExtractedDocument, ExtractedTable
from pipelines.read.cells import is_amount_cell, is_total_label, no_amounts, only_amounts
from pipelines.read.forms import FormReader
from pipelines.read.grid import Grid, align_columns
from pipelines.read.metadata import read_metadata, unit_named_in_prose
from pipelines.read.pages import PageRead
from pipelines.read.pieces import PageTable, header_paths, split_grid, with_wrapped_titles
from pipelines.vocabulary import compact, is_title_candidate, label_role, table_code_for_title


def assemble(info: DocumentInfo, reads: list[PageRead], page_texts: list[str] = ()) -> ExtractedDocument:
    """Stitch parsed pages into logical tables and forms; ``page_texts`` is every page's text
    (from triage), used for the cover and, failing captions, the unit named in the prose."""
    tables: list[ExtractedTable] = []
    form_reader = FormReader()
    prose_pages: list[tuple[int, str]] = []
    titles_in_text: list[str] = []
    current: ExtractedTable | None = None
    current_first_body: list[str] | None = None
    last_kind = None  # "table" / "form"
    for page in reads:
        prose = page.prose_lines()
        for line in with_wrapped_titles(prose):
            if is_title_candidate(line) and table_code_for_title(line):
                titles_in_text.append(compact(line))
        prose_pages.append((page.number, "\n".join(prose)))
        top = 0.0
        for grid in page.grids:
            context = [ln.text for ln in page.lines_between(top, grid.bbox[1])]
            top = grid.bbox[3]
            if form_reader.take(grid, context):
                last_kind = "form"
                continue
            piece = split_grid(grid, context)
            family = table_code_for_title(piece.title) if piece.title else None
            if piece.title and family is None:
                current, last_kind = None, None  # a titled table we do not model
                continue
            starts_new = family is not None and not (
                current is not None and piece.title == current.title and last_kind == "table"
                and (not piece.header_rows or not _header_differs(current, piece)))
            if starts_new:
                paths = header_paths(grid, piece.header_rows)
                headed, groups = logical_columns(grid, paths, piece.body_rows)
                current = ExtractedTable(
                    table_code=family.code, title=piece.title, unit=piece.unit, pages=[grid.page],
                    header_paths=[paths[h] for h in headed], rows=[],
                    column_edges=[(grid.col_edges[g[0]][0], grid.col_edges[g[-1]][1]) for g in groups]
                    if grid.col_edges else None,
                    column_groups=groups, ruled_columns=grid.n_cols,
                )
                tables.append(current)
                current_first_body = None
            elif current is None or last_kind != "table":
                continue  # an untitled table that continues nothing
            else:  # continuation page of the current table
                if grid.n_cols != current.ruled_columns and not (
                        grid.col_edges and current.column_edges):
                    continue  # cannot tell which column is which
                if grid.page not in current.pages:
                    current.pages.append(grid.page)
                current.unit = current.unit or piece.unit
            current.regions.append((grid.page, grid.bbox))
            for r in piece.body_rows:
                texts = grid.row_texts(r)
                if grid.n_cols == current.ruled_columns:
                    texts = _read_groups(texts, current.column_groups)
                else:
                    texts = align_columns(texts, grid.col_edges, current.column_edges)
                if not any(compact(t) for t in texts):
                    continue
                if current_first_body is None:
                    current_first_body = [compact(t) for t in texts]
                elif grid.page != current.pages[0] and r == piece.body_rows[0] and \
                        [compact(t) for t in texts] == current_first_body and is_total_label(texts):
                    # total row repeated with the header on a continuation page: read once, where the
                    # table starts; the completeness check counts its printed cells as read
                    current.repeated_rows.append([Cell(t, grid.page) for t in texts])
                    continue
                if current.rows and no_amounts(texts) and only_amounts(
                        [c.text for c in current.rows[-1]]) and current.rows[-1][0].page == grid.page:
                    # ... or a row's label onto the line below its amounts
                    for cell, text in zip(current.rows[-1], texts):
                        if compact(text) and not compact(cell.text):
                            cell.text = text
                    continue
                if current.rows and only_amounts(texts) and no_amounts([c.text for c in current.rows[-1]]):
                    # Word-made tables sometimes rule a row's amounts onto a line of their own
                    for cell, text in zip(current.rows[-1], texts):
                        if compact(text) and not compact(cell.text):
                            cell.text = text
                    continue
                current.rows.append([Cell(t, grid.page) for t in texts])
            if piece.note:
                current.note = piece.note
            for line in context + [piece.grid.row_texts(r)[0] for r in piece.body_rows[-1:]]:
                if "注" in line and ("无" in line or "没有" in line):
                    current.note = compact(line)
            last_kind = "table"
        # notes printed under a table (本单位无…预算) belong to the last table on the page
        if current is not None and current.pages and current.pages[-1] == page.number:
            for line in page.lines:
                if line.top >= (page.grids[-1].bbox[3] if page.grids else 0) and re.search(r"注[:：]|（注", line.text):
                    current.note = compact(line.text)
    forms = form_reader.finish()
    read_metadata(reads, tables, forms, info, list(page_texts[:3]))
    if info.unit_name is None:
        info.unit_name = unit_named_in_prose(page_texts)
    for table in tables:
        table.unit = table.unit or info.amount_unit
    return ExtractedDocument(info=info, tables=tables, performance_forms=forms, prose_pages=prose_pages,
                             titles_in_text=titles_in_text)


def _header_differs(current: ExtractedTable, piece: PageTable) -> bool:
    paths = header_paths(piece.grid, piece.header_rows)
    if len(paths) == current.ruled_columns:
        paths = [next((paths[i] for i in group if paths[i]), ()) for group in current.column_groups]
    return paths != current.header_paths


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


def _read_groups(texts: list[str], groups: list[list[int]]) -> list[str]:
    return [" ".join(t for t in (texts[i] for i in group) if compact(t)) for group in groups]
