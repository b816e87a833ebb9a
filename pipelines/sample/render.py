"""Render the bundled sample disclosure (``seed_2024.yaml``) to a realistic PDF with reportlab.

The sample is the 2024 单位预算 of 烟台市社会保险服务中心, reproduced from the shared seed text:
cover, 目录, 第一部分 prose, the 12 tables of 第二部分 (ruled cells, merged header cells,
continuation pages), 第三部分 prose, five 项目支出绩效目标表 and 第四部分 名词解释.
``final_2024.yaml`` describes the same unit's 2024 单位决算 the same way (the MoF family of nine
final-accounts tables), a consistent pair with the budget; it is rendered at test time.

Regenerate the committed sample (``data/samples/yantai-shebao-2024-unit-budget.pdf``), or render
the final account, with::

    .venv/bin/python -m pipelines.sample
    .venv/bin/python -m pipelines.sample --final /tmp/yantai-shebao-2024-final.pdf

Public API
----------
``load_description(path=None) -> dict``
    Parsed YAML description (default: ``pipelines/sample/seed_2024.yaml``).

``render_sample(out_path, description=None, *, overrides=None, rows_per_page=None) -> RenderInfo``
    Write the PDF to ``out_path`` and return where things landed (1-based pages).

    ``overrides``: list of ``(table_title, row_key, column, new_text)``. Changes the printed text of
    one body cell, on the first page where the row is printed. ``row_key`` is the row's full
    subject code (类+款+项 carried down, e.g. ``"2080109"``; for the 经济分类 tables the first code
    pair, e.g. ``"30101"``) or any label cell's text (e.g. ``"合 计"``, ``"住房公积金"``); the
    first matching row wins. An ``int`` row_key is the 0-based body row (a 三公 table's one row). ``column`` is a 0-based column index or a header text: a leaf
    header (``"小 计"``), or a path joined with ``/`` (``"2024年预算数/合计"``); spaces are
    ignored if there is no exact match, the first matching column wins.
    Example: ``("一般公共预算支出情况表", "2080109", "小 计", "1,728.90")``. Unknown tables, rows
    or columns raise ``KeyError``.

    ``rows_per_page``: ``{table_title: n | [n1, n2, ...]}`` re-paginates a table: at most ``n``
    body rows per page (or exactly n1 rows on page 1, n2 on page 2, ...; leftover rows go on
    one more page). Counts exclude the ``repeat_rows`` (e.g. the 合 计 row of 收入总体情况表) that
    are reprinted on continuation pages. A page that would overflow the paper continues on
    another page anyway. Per-page ``widths`` from the YAML only apply to the YAML's own pages.

    ``RenderInfo``: ``path``, ``page_count``, ``table_pages`` (title -> 1-based pages),
    ``form_pages`` ([(project name, page)]), ``orientation`` (page -> portrait/landscape).

Rendering facts a consumer may rely on: A4; each table starts on a new page; landscape for the
wide tables; every cell edge is a 0.5 pt rule; merged header cells are one ruled cell; a long
cell text wraps inside its cell (pdfplumber ``extract_tables`` gives ``"...\\n..."``); a footer
``- n -`` (n = physical 1-based page number) is printed on every page but the cover; output is byte-identical for the same input
(``invariant=1``).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

HERE = Path(__file__).resolve().parent
DEFAULT_DESCRIPTION = HERE / "seed_2024.yaml"
FINAL_DESCRIPTION = HERE / "final_2024.yaml"  # the same unit's 2024 单位决算 (rendered at test time)
REPO_ROOT = HERE.parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WenQuanYiZenHei"

RULE = 0.5  # pt, every cell edge
PAD_X = 4.0  # horizontal cell padding (pt)
PAD_Y = 3.0
LEADING = 1.3  # line height / font size inside cells
TITLE_SIZE = 16
SUBLINE_SIZE = 9

# No line may start with these / end with those (simple 禁则).
NO_START = set("，。、；：？！）》」』】〕”’,.;:?!)%]·")
NO_END = set("（《「『【〔“‘([")
ASCII_RUN = re.compile(r"[0-9A-Za-z.,%]+")


@dataclass
class RenderInfo:
    path: Path
    page_count: int
    table_pages: dict[str, list[int]] = field(default_factory=dict)  # title -> 1-based pages
    form_pages: list[tuple[str, int]] = field(default_factory=list)  # (project name, page)
    orientation: dict[int, str] = field(default_factory=dict)  # page -> portrait/landscape


# ----------------------------------------------------------------------------- description

def load_description(path: str | Path | None = None) -> dict:
    """Parse the YAML description (default: the bundled ``seed_2024.yaml``)."""
    with open(path or DEFAULT_DESCRIPTION, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        # TTFont embeds a subset with a ToUnicode CMap, so text extraction yields real characters.
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))


def _sw(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


# ----------------------------------------------------------------------------- text wrapping

def _tokens(text: str) -> list[str]:
    out, i = [], 0
    for m in ASCII_RUN.finditer(text):
        out.extend(text[i:m.start()])
        out.append(m.group())
        i = m.end()
    out.extend(text[i:])
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy CJK line breaking inside ``width`` pt; honours explicit ``\\n``."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        toks = _tokens(para)
        cur = ""
        for tok in toks:
            if not cur or _sw(cur + tok, size) <= width + 1e-6:
                cur += tok
                continue
            if tok[0] in NO_START:  # hang closing punctuation
                cur += tok
                continue
            carry = ""
            while cur and cur[-1] in NO_END:  # opening bracket goes with the next char
                carry = cur[-1] + carry
                cur = cur[:-1]
            if cur:
                lines.append(cur)
            cur = carry + tok
        lines.append(cur)
    return lines


def _draw_string(c, x: float, y: float, text: str, size: float, bold: bool = False,
                 align: str = "left") -> None:
    w = _sw(text, size)
    if align == "center":
        x -= w / 2
    elif align == "right":
        x -= w
    t = c.beginText(x, y)
    t.setFont(FONT, size)
    if bold:  # faux bold: fill + thin stroke (the font has no bold face)
        t.setTextRenderMode(2)
        c.setLineWidth(size * 0.03)
    t.textOut(text)
    c.drawText(t)
    if bold:
        c.setLineWidth(RULE)


# ----------------------------------------------------------------------------- ruled grids

@dataclass
class GridCell:
    r: int
    c: int
    text: str
    rs: int = 1
    cs: int = 1
    align: str = "center"  # left / center / right
    indent: float = 0.0
    size: float = 8.0
    wrap: bool = True


def _cell_lines(cell: GridCell, width: float) -> tuple[list[str], float]:
    inner = width - 2 * PAD_X - cell.indent
    if not cell.text:
        return [], cell.size
    if not cell.wrap:
        size = cell.size
        while _sw(cell.text, size) > inner and size > 4:
            size -= 0.25
        return [cell.text], size
    return wrap(cell.text, inner, cell.size), cell.size


def layout_grid(cells: list[GridCell], widths: list[float], min_h: float) -> list[float]:
    """Row heights so that every (possibly wrapped / spanning) cell fits."""
    nrows = max(cl.r + cl.rs for cl in cells)
    heights = [min_h] * nrows
    spanning = []
    for cl in cells:
        w = sum(widths[cl.c:cl.c + cl.cs])
        lines, size = _cell_lines(cl, w)
        need = max(1, len(lines)) * size * LEADING + 2 * PAD_Y
        if cl.rs == 1:
            heights[cl.r] = max(heights[cl.r], need)
        else:
            spanning.append((cl, need))
    for cl, need in spanning:
        have = sum(heights[cl.r:cl.r + cl.rs])
        if need > have:
            heights[cl.r + cl.rs - 1] += need - have
    return heights


def draw_grid(c, x0: float, ytop: float, cells: list[GridCell], widths: list[float],
              heights: list[float], quirks: dict | None = None) -> float:
    """Draw every cell as its own 0.5 pt rectangle plus its text; return the bottom y.

    ``quirks`` ({id(cell): options}) lets test fixtures print a cell the way some real files do:
    ``overflow`` (one line at full size, spilling over the cell's right rule) or ``fake_bold``
    (each glyph drawn twice 0.3 pt apart, as Word/WPS export bold)."""
    quirks = quirks or {}
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [ytop]
    for h in heights:
        ys.append(ys[-1] - h)
    c.setLineWidth(RULE)
    c.setStrokeColorRGB(0, 0, 0)
    for cl in cells:
        options = quirks.get(id(cl), {})
        x, x2 = xs[cl.c], xs[cl.c + cl.cs]
        y, y2 = ys[cl.r], ys[cl.r + cl.rs]
        c.rect(x, y2, x2 - x, y - y2, stroke=1, fill=0)
        if options.get("overflow"):
            lines, size = [cl.text], cl.size
        else:
            lines, size = _cell_lines(cl, x2 - x)
        if not lines:
            continue
        draw = draw_fake_bold if options.get("fake_bold") else _draw_string
        lh = size * LEADING
        block = len(lines) * lh
        mid = (y + y2) / 2
        base = mid + block / 2 - lh + (lh - size) / 2 + size * 0.14
        for i, ln in enumerate(lines):
            yy = base - i * lh
            if cl.align == "left" or options.get("overflow"):
                draw(c, x + PAD_X + cl.indent, yy, ln, size)
            elif cl.align == "right":
                draw(c, x2 - PAD_X, yy, ln, size, align="right")
            else:
                draw(c, (x + x2) / 2, yy, ln, size, align="center")
    return ys[-1]


FAKE_BOLD_DX = 0.3  # pt between the two copies of a fake-bold glyph run


def draw_fake_bold(c, x: float, y: float, text: str, size: float, align: str = "left") -> None:
    _draw_string(c, x, y, text, size, align=align)
    _draw_string(c, x + FAKE_BOLD_DX, y, text, size, align=align)


# ----------------------------------------------------------------------------- header trees

def _leaves(nodes: list[dict]) -> list[dict]:
    out: list[dict] = []
    for n in nodes:
        out.extend(_leaves(n["children"]) if n.get("children") else [n])
    return out


def _leaf_paths(nodes: list[dict], prefix: tuple = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for n in nodes:
        p = prefix + (n["text"],)
        out.extend(_leaf_paths(n["children"], p) if n.get("children") else [p])
    return out


def _depth(nodes: list[dict]) -> int:
    return max(1 + (_depth(n["children"]) if n.get("children") else 0) for n in nodes)


def header_cells(nodes: list[dict], size: float) -> tuple[list[GridCell], int]:
    depth = _depth(nodes)
    cells: list[GridCell] = []

    def walk(ns, level, col):
        for n in ns:
            if n.get("children"):
                span = len(_leaves(n["children"]))
                cells.append(GridCell(level, col, n["text"], rs=1, cs=span, size=size))
                walk(n["children"], level + 1, col)
                col += span
            else:
                cells.append(GridCell(level, col, n["text"], rs=depth - level, cs=1, size=size))
                col += 1
        return col

    walk(nodes, 0, 0)
    return cells, depth


# ----------------------------------------------------------------------------- tables

def _code_run(leaves: list[dict]) -> list[int]:
    run: list[int] = []
    for i, lf in enumerate(leaves):
        if lf["kind"] == "code":
            run.append(i)
        elif run:
            break
    return run


def _row_codes(rows: list[list[str]], leaves: list[dict]) -> list[tuple[str, int]]:
    """(full code, level) for each row; level -1 for rows without a code."""
    run = _code_run(leaves)
    carry = [""] * len(run)
    out = []
    for row in rows:
        parts = [row[i] for i in run]
        filled = [k for k, p in enumerate(parts) if p]
        if not filled:
            out.append(("", -1))
            continue
        last = filled[-1]
        full = []
        for k in range(last + 1):
            full.append(parts[k] if parts[k] else carry[k])
        for k in range(len(run)):
            carry[k] = full[k] if k <= last else ""
        out.append(("".join(full), last))
    return out


def _column_index(leaves: list[dict], paths: list[tuple[str, ...]], column: Any) -> int:
    if isinstance(column, int):
        if not 0 <= column < len(leaves):
            raise KeyError(f"column index {column} out of range")
        return column
    col = str(column)
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    for match in (lambda p: p[-1] == col, lambda p: "/".join(p) == col,
                  lambda p: squash(p[-1]) == squash(col),
                  lambda p: squash("/".join(p)) == squash(col)):
        for i, p in enumerate(paths):
            if match(p):
                return i
    raise KeyError(f"no column {column!r}")


def _paginate(tbl: dict, rows_per_page: Any) -> list[dict]:
    """[{rows: printed rows, widths: {...}}] for one table."""
    pages = tbl["pages"]
    rep = int(tbl.get("repeat_rows", 0) or 0)
    repeat = [list(r) for r in pages[0]["rows"][:rep]]
    if rows_per_page is None:
        out = []
        for i, pg in enumerate(pages):
            rows = [list(r) for r in pg["rows"]]
            out.append({"rows": rows if i == 0 else repeat + rows, "widths": pg.get("widths") or {},
                        "fresh_start": 0 if i == 0 else rep})
        return out
    fresh = [list(r) for r in pages[0]["rows"][rep:]]
    for pg in pages[1:]:
        fresh += [list(r) for r in pg["rows"]]
    counts: list[int] = []
    if isinstance(rows_per_page, int):
        n = max(1, rows_per_page)
        counts = [n] * max(1, -(-len(fresh) // n))
    else:
        counts = [int(n) for n in rows_per_page]
        if sum(counts) < len(fresh):
            counts.append(len(fresh) - sum(counts))
    out, pos = [], 0
    for i, n in enumerate(counts):
        chunk = fresh[pos:pos + n]
        pos += n
        if not chunk and i > 0:
            break
        out.append({"rows": [list(r) for r in repeat] + chunk, "widths": {}, "fresh_start": rep})
    return out


class _Renderer:
    def __init__(self, desc: dict, out_path: Path, overrides, rows_per_page):
        self.desc = desc
        self.meta = desc.get("meta", {})
        self.defaults = desc.get("defaults", {})
        self.overrides = list(overrides or [])
        self.rows_per_page = dict(rows_per_page or {})
        self.out_path = out_path
        self.c = rl_canvas.Canvas(str(out_path), pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(self.meta.get("title", ""))
        self.c.setAuthor(self.meta.get("author", ""))
        self.c.setSubject(self.meta.get("subject", ""))
        self.c.setCreator("pipelines.sample.render")
        self.c.setProducer("ReportLab PDF Library - www.reportlab.com")
        self.page = 1
        self.info = RenderInfo(path=out_path, page_count=0)
        self.page_size = A4
        self.started = False  # something drawn on current page
        self.y = 0.0

    # -- pages
    def new_page(self, size=A4):
        if self.started:
            self._footer()
            self.c.showPage()
            self.page += 1
        self.page_size = size
        self.c.setPageSize(size)
        self.started = True
        self.info.orientation[self.page] = "landscape" if size[0] > size[1] else "portrait"

    def _footer(self):
        if self.page > 1:
            _draw_string(self.c, self.page_size[0] / 2, 28, f"- {self.page} -", 9, align="center")

    def finish(self) -> RenderInfo:
        self._footer()
        self.c.showPage()
        self.c.save()
        self.info.page_count = self.page
        return self.info

    # -- sections
    def cover(self, sec):
        self.new_page(portrait(A4))
        w, h = self.page_size
        year, name, kind = (sec["lines"] + ["", "", ""])[:3]
        _draw_string(self.c, w / 2, h * 0.66, year, 30, bold=True, align="center")
        _draw_string(self.c, w / 2, h * 0.56, name, 26, bold=True, align="center")
        _draw_string(self.c, w / 2, h * 0.47, kind, 36, bold=True, align="center")

    def toc(self, sec):
        self.new_page(portrait(A4))
        w, h = self.page_size
        _draw_string(self.c, w / 2, h - 100, sec.get("title", "目 录"), 20, bold=True, align="center")
        y = h - 150
        for level, text in sec["entries"]:
            size = 13 if level == 0 else 12
            _draw_string(self.c, 80 + level * 26, y, text, size, bold=(level == 0))
            y -= 26 if level == 0 else 22

    def prose(self, sec):
        self.new_page(portrait(A4))
        w, h = self.page_size
        left, right, top, bottom = 72, 72, 80, 70
        width = w - left - right
        y = h - top
        for blk in sec["blocks"]:
            (kind, text), = blk.items()
            text = str(text)
            if kind == "part":
                size, lead, indent, bold, center, gap = 20, 30, 0, True, True, 6
            elif kind == "h":
                size, lead, indent, bold, center, gap = 12.5, 21, 2 * 12.5, True, False, 4
            else:
                size, lead, indent, bold, center, gap = 11.5, 20, 2 * 11.5, False, False, 2
            # first line indented by two characters, continuation lines flush left
            first = wrap(text, width - indent, size)
            lines = first[:1]
            rest = "".join(first[1:])
            if rest:
                lines += wrap(rest, width, size)
            for i, ln in enumerate(lines):
                if y - lead < bottom:
                    self.new_page(portrait(A4))
                    y = h - top
                y -= lead
                if center:
                    _draw_string(self.c, w / 2, y, ln, size, bold=bold, align="center")
                else:
                    _draw_string(self.c, left + (indent if i == 0 else 0), y, ln, size, bold=bold)
            y -= gap
        self.y = y

    def table(self, sec):
        title = sec["title"]
        size = float(sec.get("font_size", self.defaults.get("font_size", 8)))
        indent_step = float(sec.get("name_indent", self.defaults.get("name_indent", 0)))
        leaves = _leaves(sec["header"])
        paths = _leaf_paths(sec["header"])
        hcells, hdepth = header_cells(sec["header"], size)
        pages = _paginate(sec, self.rows_per_page.get(title))
        for pg in pages:
            for r in pg["rows"]:
                if len(r) != len(leaves):
                    raise ValueError(f"{title}: row {r} has {len(r)} cells, header has {len(leaves)}")
        self._apply_overrides(title, pages, leaves, paths)

        # codes / levels per printed row (carried over pages in print order)
        all_rows = [r for pg in pages for r in pg["rows"]]
        levels = [lv for _, lv in _row_codes(all_rows, leaves)]
        name_col = next((i for i, lf in enumerate(leaves) if lf["kind"] == "label"), None)
        orient = sec.get("orientation")
        k = 0
        for pg in pages:
            widths = [float(lf["w"]) for lf in leaves]
            for key, wv in (pg.get("widths") or {}).items():
                widths[_column_index(leaves, paths, key)] = float(wv)
            total = sum(widths)
            if orient == "landscape" or (orient is None and total > A4[0] - 2 * 42):
                size_pg, margin = landscape(A4), 30
            else:
                size_pg, margin = portrait(A4), 42
            if total > size_pg[0] - 2 * margin + 0.01:
                raise ValueError(f"{title}: table is {total:.0f} pt wide, page allows "
                                 f"{size_pg[0] - 2 * margin:.0f}")
            rows = pg["rows"]
            lv = levels[k:k + len(rows)]
            k += len(rows)
            self._table_pages(title, sec, hcells, hdepth, leaves, widths, rows, lv, name_col,
                              indent_step, size, size_pg, margin,
                              sec.get("note") if pg is pages[-1] else None)

    def _table_pages(self, title, sec, hcells, hdepth, leaves, widths, rows, levels, name_col,
                     indent_step, size, size_pg, margin, note):
        """Draw one logical page of a table; continue on more pages if it overflows."""
        pending = list(zip(rows, levels))
        rep = int(sec.get("repeat_rows", 0) or 0)
        first_rows = pending[:rep]
        min_h = size * LEADING + 2 * PAD_Y + 2
        first = True
        while first or pending:
            self.new_page(size_pg)
            self.info.table_pages.setdefault(title, []).append(self.page)
            w, h = size_pg
            total = sum(widths)
            x0 = (w - total) / 2
            y = h - 56
            _draw_string(self.c, w / 2, y, title, TITLE_SIZE, bold=True, align="center")
            y -= 26
            _draw_string(self.c, x0, y, sec.get("dept_line", self.defaults.get("dept_line", "")),
                         SUBLINE_SIZE)
            _draw_string(self.c, x0 + total, y, sec.get("unit_line", self.defaults.get("unit_line", "")),
                         SUBLINE_SIZE, align="right")
            y -= 8
            body_top = y
            # fit as many pending rows as possible
            avail = body_top - 50
            take = len(pending)
            while True:
                cells = self._cells(hcells, hdepth, leaves, pending[:take], name_col, indent_step, size)
                heights = layout_grid(cells, widths, min_h)
                if sum(heights) <= avail or take <= (rep + 1 if not first else 1):
                    break
                take -= 1
            bottom = draw_grid(self.c, x0, body_top, cells, widths, heights)
            pending = pending[take:]
            if pending and rep:  # overflow: continuation page repeats the repeat_rows
                pending = first_rows + pending
            if note and not pending:
                _draw_string(self.c, x0, bottom - 18, note, SUBLINE_SIZE + 1)
            first = False
            if not pending:
                break

    def _cells(self, hcells, hdepth, leaves, rows, name_col, indent_step, size):
        cells = [copy.copy(hc) for hc in hcells]
        for ri, (row, level) in enumerate(rows):
            for ci, (text, lf) in enumerate(zip(row, leaves)):
                kind = lf["kind"]
                align = {"code": "center", "label": "left", "amount": "right"}.get(kind, "center")
                indent = indent_step * level if (ci == name_col and level > 0) else 0.0
                cells.append(GridCell(hdepth + ri, ci, str(text), align=align, indent=indent,
                                      size=size, wrap=(kind != "amount")))
        return cells

    def _apply_overrides(self, title, pages, leaves, paths):
        mine = [o for o in self.overrides if o[0] == title]
        if not mine:
            return
        all_rows = [r for pg in pages for r in pg["rows"]]
        codes = [code for code, _ in _row_codes(all_rows, leaves)]
        label_cols = [i for i, lf in enumerate(leaves) if lf["kind"] != "amount"]
        for ov in mine:
            _, key, column, new_text = ov
            ci = _column_index(leaves, paths, column)
            key = key if isinstance(key, int) else str(key)
            for idx, row in enumerate(all_rows):
                if (idx == key if isinstance(key, int)
                        else codes[idx] == key or any(str(row[i]).strip() == key.strip() for i in label_cols)):
                    row[ci] = str(new_text)
                    break
            else:
                raise KeyError(f"{title}: no row {key!r}")
            self.overrides.remove(ov)

    def perf_form(self, sec):
        self.new_page(portrait(A4))
        w, h = self.page_size
        self.info.form_pages.append((sec["project_name"], self.page))
        widths = [float(x) for x in self.defaults.get("perf_form_widths", [76, 70, 88, 181, 100])]
        total = sum(widths)
        x0 = (w - total) / 2
        y = h - 60
        _draw_string(self.c, w / 2, y, sec.get("title", "项目支出绩效目标表"), TITLE_SIZE, bold=True,
                     align="center")
        y -= 22
        _draw_string(self.c, w / 2, y, sec.get("subtitle", ""), 11, align="center")
        y -= 14
        s = 8.0
        G = lambda r, c, t, rs=1, cs=1, al="center": GridCell(r, c, str(t), rs=rs, cs=cs, align=al, size=s)  # noqa: E731
        cells = [
            G(0, 0, "项目名称"), G(0, 1, sec["project_name"], cs=4, al="left"),
            G(1, 0, "主管部门"), G(1, 1, sec["supervisor"], cs=2), G(1, 3, "实施单位"),
            G(1, 4, sec["implementer"]),
            G(2, 0, sec.get("funds_label", "项目资金（万元）"), rs=len(sec["funds"])),
        ]
        r = 2
        for label, value in sec["funds"]:
            cells += [G(r, 1, label, cs=2), G(r, 3, value, cs=2)]
            r += 1
        cells += [G(r, 0, "年度总体绩效目标"), G(r, 1, sec["goal"], cs=4, al="left")]
        r += 1
        cells += [G(r, 0, ""), G(r, 1, "一级指标"), G(r, 2, "二级指标"), G(r, 3, "三级指标"),
                  G(r, 4, "指标值")]
        r += 1
        inds = sec["indicators"]
        cells.append(G(r, 0, "绩效指标", rs=len(inds)))
        i = 0
        while i < len(inds):  # 一级指标 merged over its consecutive group
            j = i
            while j + 1 < len(inds) and inds[j + 1][0] == inds[i][0]:
                j += 1
            cells.append(G(r + i, 1, inds[i][0], rs=j - i + 1))
            i = j + 1
        for i, (_, l2, l3, val) in enumerate(inds):
            cells += [G(r + i, 2, l2), G(r + i, 3, l3, al="left"), G(r + i, 4, val)]
        heights = layout_grid(cells, widths, s * LEADING + 2 * PAD_Y + 6)
        draw_grid(self.c, x0, y, cells, widths, heights)


def render_sample(out_path: str | Path, description: dict | None = None, *,
                  overrides: list[tuple] | None = None,
                  rows_per_page: dict[str, int | list[int]] | None = None) -> RenderInfo:
    """Render ``description`` (default: the bundled seed) to ``out_path``; see module docstring."""
    _register_font()
    desc = description if description is not None else load_description()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    titles = {s["title"] for s in desc["sections"] if s.get("kind") == "table"}
    for ov in overrides or []:
        if ov[0] not in titles:
            raise KeyError(f"no table titled {ov[0]!r}")
    for t in rows_per_page or {}:
        if t not in titles:
            raise KeyError(f"no table titled {t!r}")
    r = _Renderer(desc, out_path, overrides, rows_per_page)
    for sec in desc["sections"]:
        getattr(r, sec["kind"])(sec)
    return r.finish()
