"""PDF -> ExtractedDocument: every budget table found by its printed title, stitched across pages.

One pdfplumber pass per page (text lines and ruled tables from the same parsed page), then the
page's tables are classified: a titled table starts a logical table, an untitled one continues
the previous table (its repeated header rows are recognised and dropped).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from pipelines.damage import Damage
from pipelines.layout import Grid, align_columns, grid_from_table
from pipelines.model import (
    Cell, DocumentError, DocumentInfo, ExtractedDocument, ExtractedTable, PerformanceForm,
)
from pipelines.money import looks_like_amount, parse_amount
from pipelines.triage import unicode_error
from pipelines.vocabulary import (
    compact, is_performance_title, is_title_candidate, normalise_header, strip_ordinal,
    label_role, table_code_for_title,
)

UNIT_PATTERN = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
CODE_PATTERN = re.compile(r"^\d{3}(?:\s*\d{1,2}){0,2}$")
TOTAL_WORDS = ("合计", "总计", "小计")
UNIT_NAME_PATTERN = re.compile(
    r"(?:部门（单位）|部门\(单位\)|编制部门|编制单位|预算单位|单位名称|部门名称|部门)[:：]\s*([^\s:：]{2,40}?)(?=\s|单位[:：]|金额单位|$)"
)
SUPERVISOR_PATTERN = re.compile(r"(?:预算)?主管部门[:：]?\s*([^\s:：]{2,40}?)(?=\s|$)")
YEAR_KIND_PATTERN = re.compile(r"(20\d\d)\s*年(?:度)?\s*(?:[区市省县]级)?\s*(?:预算)?(部门|单位)\s*预算")


@dataclass
class Line:
    text: str
    top: float
    bottom: float


@dataclass
class PageRead:
    number: int
    lines: list[Line]
    grids: list[Grid]

    def lines_between(self, top: float, bottom: float) -> list[Line]:
        return [ln for ln in self.lines if ln.top >= top - 1 and ln.bottom <= bottom + 1]

    def prose_lines(self) -> list[str]:
        def inside(line: Line) -> bool:
            return any(g.bbox[1] - 1 <= line.top and line.bottom <= g.bbox[3] + 1 for g in self.grids)
        return [ln.text for ln in self.lines if not inside(ln)]


def has_doubled_chars(chars: list[dict], at_least: int = 3) -> bool:
    """Fake bold (each glyph drawn twice a hair apart, as Word/WPS export bold) doubles the text."""
    ordered = sorted(chars, key=lambda c: (round(c["top"]), c["text"], c["x0"]))
    doubled = sum(1 for a, b in zip(ordered, ordered[1:])
                  if a["text"] == b["text"] and abs(a["x0"] - b["x0"]) < 1.5 and abs(a["top"] - b["top"]) < 1.5)
    return doubled >= at_least


def read_page(page, number: int) -> PageRead:
    if has_doubled_chars(page.chars):
        page = page.dedupe_chars()  # slow, so only where duplicates exist
    lines = [Line(d["text"], d["top"], d["bottom"]) for d in page.extract_text_lines(return_chars=False)]
    grids = [grid_from_table(t, number) for t in page.find_tables()]
    grids.sort(key=lambda g: g.bbox[1])
    return PageRead(number, lines, grids)


def read_pages(path: str | Path, page_numbers: list[int] | None = None,
               damage: Damage | None = None) -> tuple[int, list[PageRead]]:
    """Parse each wanted page once with pdfplumber, closing pages as we go to keep memory flat.

    A page that fails to parse, and pdfminer's warnings, go to ``damage`` (pipelines.damage) for
    the caller to judge; without one, any damage fails the file here."""
    own = damage is None
    damage = Damage() if own else damage
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many types for broken files
        raise DocumentError(f"{Path(path).name} could not be opened as a PDF ({exc.__class__.__name__}: {exc}); "
                            "check that the file is complete or re-export it as PDF") from exc
    with pdf, damage.capturing():
        count = len(pdf.pages)
        wanted = set(page_numbers) if page_numbers is not None else set(range(1, count + 1))
        reads = []
        for index, page in enumerate(pdf.pages, start=1):
            if index in wanted:
                with damage.reading_page(index):
                    reads.append(read_page(page, index))
            page.close()
    if own:
        damage.raise_if_damaged(Path(path).name)
    unreadable = [r.number for r in reads if _mostly_cid(r)]
    if unreadable:
        raise unicode_error(Path(path).name, unreadable, 'pdfplumber reads the glyphs as "(cid:NNN)"')
    return count, reads


def _mostly_cid(page: PageRead) -> bool:
    text = "".join(line.text for line in page.lines)
    cid_chars = sum(len(m) for m in re.findall(r"\(cid:\d+\)", text))
    return bool(text) and cid_chars > 0.3 * len(text)


# ---------------------------------------------------------------- row classification
def _is_amount_cell(text: str) -> bool:
    """An amount, not a classification code such as 208 or 2080109."""
    return looks_like_amount(text) and not CODE_PATTERN.match(text)


def _is_data_row(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts]
    if any(_is_amount_cell(t) for t in cells if t):
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


# ---------------------------------------------------------------- performance forms
def _is_performance_grid(grid: Grid) -> bool:
    texts = {compact(grid.at(r, c).text) for r in range(grid.n_rows) for c in range(grid.n_cols) if grid.at(r, c)}
    return "一级指标" in texts or ("三级指标" in texts and "指标值" in texts)


def _form_from_grid(grid: Grid, unit: str | None) -> PerformanceForm:
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


# ---------------------------------------------------------------- metadata
def _metadata(reads: list[PageRead], tables: list[ExtractedTable], forms: list[PerformanceForm],
              info: DocumentInfo, cover_text: list[str]) -> None:
    all_text = [(i + 1, line) for i, text in enumerate(cover_text) for line in text.splitlines()]
    all_text += [(p.number, ln.text) for p in reads for ln in p.lines if p.number > len(cover_text)]
    names = Counter()
    for _, text in all_text:
        for m in UNIT_NAME_PATTERN.finditer(text):
            name = m.group(1).strip()
            if not re.search(r"万元|^元$|预算|情况", name):
                names[name] += 1
    if names:
        info.unit_name = names.most_common(1)[0][0]
    else:
        cover = [t for n, t in all_text if n <= 2][:6]
        for i, text in enumerate(cover):
            m = YEAR_KIND_PATTERN.search(compact(text))
            if m:
                before = compact(text)[: m.start()] or (compact(cover[i - 1]) if i else "")
                if re.fullmatch(r"20\d\d年", before) and i >= 1:
                    before = ""
                info.unit_name = before or (compact(cover[i + 1]) if i + 1 < len(cover) else None)
                if not info.unit_name and i >= 1:
                    info.unit_name = compact(cover[i - 1]) if not re.fullmatch(r"20\d\d年", compact(cover[i - 1])) else None
                break
        if not info.unit_name:
            # seed style cover: 2024年 / <unit> / 单位预算
            lines = [compact(t) for n, t in all_text if n == 1]
            for i, t in enumerate(lines):
                if t in ("单位预算", "部门预算") and i >= 1:
                    info.unit_name = lines[i - 1]
    for _, text in all_text:
        if m := SUPERVISOR_PATTERN.search(text):
            info.supervisor = m.group(1)
            break
    if info.supervisor is None:
        for form in forms:
            for row in form.rows:
                texts = [compact(c.text) for c in row if compact(c.text)]
                if texts and texts[0] == "主管部门" and len(texts) > 1:
                    info.supervisor = texts[1]
                    break
            if info.supervisor:
                break
    joined = "\n".join(compact(t) for n, t in all_text if n <= 3)
    m = YEAR_KIND_PATTERN.search(joined) or YEAR_KIND_PATTERN.search("\n".join(compact(t) for _, t in all_text))
    if m:
        info.fiscal_year = int(m.group(1))
        info.doc_kind = f"{m.group(2)}预算"
    else:
        years = Counter(int(y) for t in tables for y in re.findall(r"(20\d\d)年", t.title))
        if not years:
            years = Counter(int(y) for _, text in all_text for y in re.findall(r"(20\d\d)年", text))
        info.fiscal_year = years.most_common(1)[0][0] if years else None
        info.doc_kind = "单位预算" if any("单位预算" in compact(t) or "预算单位" in compact(t) for _, t in all_text[:80]) else "部门预算"
    units = Counter(t.unit for t in tables if t.unit)
    info.amount_unit = units.most_common(1)[0][0] if units else None


ORGANISATION_AT_SENTENCE_START = re.compile(
    r"^([\u4e00-\u9fff（）()]{3,30}?(?:厅|局|委|院|会|室|中心|所|站|办|部|馆|校|社|队|处|政府|委员会|办事处))"
    r"\s*(?:20\d\d\s*年度?|本年)")


def unit_named_in_prose(page_texts) -> str | None:
    """The organisation most often opening a sentence such as 江苏省政协办公厅 2019 年度收入…预算
    (for prose documents whose cover is an image and that print no table captions)."""
    names = Counter()
    for text in page_texts:
        for line in text.splitlines():
            if m := ORGANISATION_AT_SENTENCE_START.match(compact(line)):
                names[m.group(1)] += 1
    return names.most_common(1)[0][0] if names else None


# ---------------------------------------------------------------- document
def assemble(info: DocumentInfo, reads: list[PageRead], page_texts: list[str] = ()) -> ExtractedDocument:
    """Stitch parsed pages into logical tables and forms; ``page_texts`` is every page's text
    (from triage), used for the cover and, failing captions, the unit named in the prose."""
    tables: list[ExtractedTable] = []
    forms: list[PerformanceForm] = []
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
            titled = any(is_title_candidate(ln) and table_code_for_title(ln) for ln in with_wrapped_titles(context))
            if _is_performance_grid(grid) or (last_kind == "form" and not titled and forms
                                              and grid.n_cols == len(forms[-1].rows[0])):
                if any("项目名称" in compact(t) for r in range(min(3, grid.n_rows)) for t in grid.row_texts(r)):
                    forms.append(_form_from_grid(grid, None))
                elif forms:
                    forms[-1].rows.extend(_form_from_grid(grid, None).rows)
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
                        [compact(t) for t in texts] == current_first_body and _is_total_row(texts):
                    continue  # total row repeated with the header on a continuation page
                if current.rows and _no_amounts_row(texts) and _only_amounts(
                        [c.text for c in current.rows[-1]]) and current.rows[-1][0].page == grid.page:
                    # ... or a row's label onto the line below its amounts
                    for cell, text in zip(current.rows[-1], texts):
                        if compact(text) and not compact(cell.text):
                            cell.text = text
                    continue
                if current.rows and _only_amounts(texts) and _no_amounts(current.rows[-1]):
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
    _metadata(reads, tables, forms, info, list(page_texts[:3]))
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
        holds_amounts = bool(cells) and sum(map(_is_amount_cell, cells)) * 2 >= len(cells)
        candidates = [j for j in headed if amount_column[j] == holds_amounts] or headed
        centre = sum(grid.col_edges[i]) / 2
        nearest = min(candidates, key=lambda j: _distance(centre, grid.col_edges[j]))
        groups[nearest].append(i)
    return headed, [sorted(groups[i]) for i in headed]


def _distance(x: float, span: tuple[float, float]) -> float:
    return 0.0 if span[0] <= x <= span[1] else min(abs(x - span[0]), abs(x - span[1]))


def _read_groups(texts: list[str], groups: list[list[int]]) -> list[str]:
    return [" ".join(t for t in (texts[i] for i in group) if compact(t)) for group in groups]


def _only_amounts(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts if compact(t)]
    return bool(cells) and all(_is_amount_cell(c) for c in cells)


def _no_amounts_row(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts if compact(t)]
    return bool(cells) and not any(_is_amount_cell(c) for c in cells)


def _no_amounts(row: list[Cell]) -> bool:
    cells = [compact(c.text) for c in row if compact(c.text)]
    return bool(cells) and not any(_is_amount_cell(c) for c in cells)


def _is_total_row(texts: list[str]) -> bool:
    first = next((compact(t) for t in texts if compact(t)), "")
    return any(w in first for w in TOTAL_WORDS)
