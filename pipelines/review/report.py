"""The review report a reviewer sends back: one HTML page and one .xlsx with the same rows, in
Chinese, grouped by page; each finding with the sentence or table row, what is printed, what it
should be and why, and a picture of the page region.

    report = build_report(info, validation, pdf_path, tables=doc.tables)
    html_path, xlsx_path = write_report(report, out_dir)

It is built from validation_results rows alone (and the PDF for the pictures), so the CLI (which
has just read the document) and the Dagster asset (which reads the warehouse) make the same report.
Rows written by pipelines.review carry what is printed and what it should be in their message
(pipelines.review.finding); for the table identities they are the actual and expected amounts.
Findings about the reading (completeness) or within rounding are left out: they are not the
author's to fix. The rows of one source defect (the same check at the same row in several columns)
make one entry.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipelines.model import DocumentInfo
from pipelines.review.finding import parse_message
from pipelines.review.thumbnails import PageImages
from pipelines.review.vocab import review_vocab
from pipelines.vocabulary import normalise_title

_PAGE_IN_LOCATION = re.compile(r"\bp\.(\d+)")
_TABLE_LOCATION = re.compile(r"^(?P<table>[a-z_0-9]+) p\.(?P<page>\d+)\s*(?P<row>.*?)\s*(?:\[(?P<measure>[^\]]+)\])?$")
XLSX_THUMBNAIL_WIDTH = 480  # px of a picture in the workbook


@dataclass
class Entry:
    page: int | None
    category: str  # as the contract names it
    severity: str
    check_ids: list[str]
    where: str  # the sentence or the table row
    printed: str
    should: str
    why: str
    table_code: str | None = None
    keys: list[str] = field(default_factory=list)  # text to frame in the picture
    thumbnail: bytes | None = None

    @property
    def category_label(self) -> str:
        return review_vocab()["report"]["categories"].get(self.category, self.category)

    @property
    def severity_label(self) -> str:
        return review_vocab()["report"]["severities"].get(self.severity, self.severity)

    @property
    def page_label(self) -> str:
        return f"第{self.page}页" if self.page else "全文"


@dataclass
class ReviewReport:
    info: DocumentInfo
    entries: list[Entry]
    left_out: dict[str, int]  # category -> failing rows not reported
    generated_at: datetime

    @property
    def title(self) -> str:
        year = f"{self.info.fiscal_year}年" if self.info.fiscal_year else ""
        return f"{self.info.unit_name or Path(self.info.source_path).stem}{year}{self.info.doc_kind or ''}审核意见"

    def by_page(self) -> list[tuple[int | None, list[Entry]]]:
        pages: dict[int | None, list[Entry]] = {}
        for entry in self.entries:
            pages.setdefault(entry.page, []).append(entry)
        return sorted(pages.items(), key=lambda item: (item[0] is None, item[0] or 0))


# ---------------------------------------------------------------- entries from validation rows
def _amount_text(value, unit) -> str:
    if value is None or (not isinstance(value, (str, Decimal)) and pd.isna(value)):
        return ""
    number = Decimal(str(value)).normalize()
    text = f"{number:,.2f}" if number == number.to_integral() or abs(number.as_tuple().exponent) <= 2 else f"{number:,}"
    return f"{text}{unit or ''}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _page_of(row) -> int | None:
    if row.page is not None and not pd.isna(row.page):
        return int(row.page)
    match = _PAGE_IN_LOCATION.search(_text(row.location))
    return int(match.group(1)) if match else None


def _table_names(tables) -> dict[str, str]:
    names = dict(review_vocab()["report"]["tables"])
    names.update({t.table_code: normalise_title(t.title) for t in tables or [] if normalise_title(t.title)})
    return names


def entry_for(row, table_names: dict[str, str]) -> Entry:
    parsed = parse_message(_text(row.message))
    location = _text(row.location)
    if parsed is not None:
        why, printed, should = parsed
        keys = [k for k in (printed if len(printed) <= 30 else "", _opening(location, 14), _opening(location, 8)) if k]
        return Entry(_page_of(row), row.category, row.severity, [row.check_id], location, printed, should, why,
                     _text(row.table_code) or None, keys)
    table = _TABLE_LOCATION.match(location)
    where, keys = location, []
    if table:
        name = table_names.get(table.group("table"), table.group("table"))
        row_label = table.group("row")
        where = f"{name} 第{table.group('page')}页 {row_label}".strip()
        label = re.sub(r"^[\d\s]+", "", row_label)
        keys = [k for k in (label, row_label.split(" ")[0] if row_label else "") if k]
    measure = table.group("measure") if table else None
    if measure:
        where += f"（{review_vocab()['report']['measures'].get(measure, measure)}栏）"
    printed, should = _amount_text(row.actual, _text(row.unit)), _amount_text(row.expected, _text(row.unit))
    if not _text(row.unit) and {printed, should} <= {"0.00", "1.00", ""}:
        printed = should = ""  # a yes/no check (a name that differs): its message says what is printed
    return Entry(_page_of(row), row.category, row.severity, [row.check_id], where, printed, should,
                 _text(row.message), table.group("table") if table else (_text(row.table_code) or None), keys)


def _opening(sentence: str, length: int) -> str:
    """The sentence's first characters after a list marker (the text the picture frames)."""
    stripped = re.sub(r"^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)+", "", sentence)
    return stripped[:length]


def _same_defect_key(entry: Entry, row) -> tuple:
    """The same check on the same row of the same table, whatever the column: one defect."""
    location = re.sub(r"\s*\[[^\]]+\]$", "", _text(row.location))
    return entry.page, row.check_id, location


def build_entries(validation: pd.DataFrame, tables=None) -> tuple[list[Entry], dict[str, int]]:
    spec = review_vocab()["report"]
    table_names = _table_names(tables)
    failing = validation[~validation["passed"].astype(bool)] if len(validation) else validation
    entries: list[Entry] = []
    by_key: dict[tuple, Entry] = {}
    left_out: dict[str, int] = {}
    for row in failing.itertuples():
        if row.category in spec["left_out"] or str(row.check_id).startswith("extraction."):
            left_out[row.category] = left_out.get(row.category, 0) + 1
            continue
        entry = entry_for(row, table_names)
        key = _same_defect_key(entry, row)
        if key in by_key:
            _fold(by_key[key], entry)
            continue
        by_key[key] = entry
        entries.append(entry)
    return entries, left_out


def _fold(first: Entry, again: Entry) -> None:
    """A second column of the same row: name its column once, keep the first amounts."""
    column = re.search(r"（([^（）]+)栏）$", again.where)
    if column and column.group(1) not in first.where:
        first.where = re.sub(r"栏）$", f"、{column.group(1)}栏）", first.where)


def build_report(info: DocumentInfo, validation: pd.DataFrame, pdf_path: str | Path | None = None,
                 tables=None) -> ReviewReport:
    entries, left_out = build_entries(validation, tables)
    regions = {(t.table_code, page): bbox for t in tables or [] for page, bbox in t.regions}
    if pdf_path is not None and Path(pdf_path).exists():
        with PageImages(pdf_path) as pages:
            for entry in entries:
                if entry.page:
                    entry.thumbnail = pages.thumbnail(entry.page, entry.keys, regions.get((entry.table_code, entry.page)))
    entries.sort(key=lambda e: (e.page is None, e.page or 0))
    return ReviewReport(info, entries, left_out, datetime.now().replace(microsecond=0))


# ---------------------------------------------------------------- HTML
CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.6}
h1{font-size:1.5em;margin-bottom:.2em}.meta{color:#555;margin-top:0}
table.summary{border-collapse:collapse;margin:1em 0}table.summary td,table.summary th{border:1px solid #ccc;padding:.2em .8em}
section.page{border-top:2px solid #345;margin-top:1.5em}section.page h2{font-size:1.2em;color:#345}
article.finding{border:1px solid #ddd;border-left:5px solid #c33;border-radius:4px;padding:.6em 1em;margin:.8em 0}
article.finding.warning{border-left-color:#e9a400}
.head{font-weight:bold}.tag{display:inline-block;font-size:.8em;padding:0 .5em;border-radius:3px;background:#eee;margin-right:.4em}
.tag.error{background:#fbe3e3;color:#a11}.tag.warning{background:#fff3cc;color:#7a5a00}
blockquote{margin:.4em 0;padding:.3em .8em;background:#f7f7f7;border-left:3px solid #bbb}
dl{display:grid;grid-template-columns:5em 1fr;gap:.2em .8em;margin:.4em 0}dt{color:#666}dd{margin:0}
.printed{color:#a11;font-weight:bold}.should{color:#176b2c;font-weight:bold}
img.thumb{max-width:100%;border:1px solid #ccc;margin-top:.4em}.check{color:#999;font-size:.8em}
footer{margin-top:2em;color:#777;font-size:.9em}
"""


def _esc(text) -> str:
    return html.escape(str(text or ""))


def _entry_html(number: int, entry: Entry) -> str:
    image = ""
    if entry.thumbnail:
        data = base64.b64encode(entry.thumbnail).decode("ascii")
        image = f'<img class="thumb" alt="{_esc(entry.page_label)}原文" src="data:image/png;base64,{data}">'
    return f"""<article class="finding {_esc(entry.severity)}" id="f{number}" data-page="{entry.page or ''}"
 data-check="{_esc(' '.join(entry.check_ids))}">
<div class="head">{number}. <span class="tag {_esc(entry.severity)}">{_esc(entry.severity_label)}</span><span class="tag">{_esc(entry.category_label)}</span><span class="where-page">{_esc(entry.page_label)}</span></div>
<blockquote class="where">{_esc(entry.where)}</blockquote>
<dl><dt>印为</dt><dd class="printed">{_esc(entry.printed or "—")}</dd><dt>应为</dt><dd class="should">{_esc(entry.should or "见原因")}</dd>
<dt>原因</dt><dd class="why">{_esc(entry.why)}</dd></dl>{image}
<div class="check">{_esc(', '.join(entry.check_ids))}</div></article>"""


def render_html(report: ReviewReport) -> str:
    info = report.info
    counts: dict[str, int] = {}
    for entry in report.entries:
        counts[entry.category_label] = counts.get(entry.category_label, 0) + 1
    summary = "".join(f"<tr><td>{_esc(k)}</td><td>{v}</td></tr>" for k, v in counts.items()) or \
        "<tr><td colspan=2>未发现问题</td></tr>"
    sections, number = [], 0
    for page, entries in report.by_page():
        items = []
        for entry in entries:
            number += 1
            items.append(_entry_html(number, entry))
        label = f"第{page}页" if page else "全文"
        sections.append(f'<section class="page" data-page="{page or ""}"><h2>{label}</h2>{"".join(items)}</section>')
    left_out = "；".join(f"{review_vocab()['report']['categories'].get(c, c)} {n} 项" for c, n in report.left_out.items())
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_esc(report.title)}</title>
<style>{CSS}</style></head><body>
<h1>{_esc(report.title)}</h1>
<p class="meta">文件：{_esc(Path(info.source_path).name)}（共{info.pages}页）　单位：{_esc(info.unit_name)}　年度：{_esc(info.fiscal_year)}　类型：{_esc(info.doc_kind)}　生成时间：{report.generated_at:%Y-%m-%d %H:%M}</p>
<table class="summary"><tr><th>类别</th><th>问题数</th></tr>{summary}<tr><th>合计</th><th>{len(report.entries)}</th></tr></table>
{''.join(sections)}
<footer>本意见由 budget-disclosures 审核规则生成（每项注明规则编号）；页码为 PDF 的物理页码。{('未列入：' + _esc(left_out) + '（读取完整性与尾差提示，非原文问题）。') if left_out else ''}</footer>
</body></html>"""


# ---------------------------------------------------------------- xlsx
XLSX_COLUMNS = ["序号", "页码", "类别", "严重程度", "原文或表格行", "印为", "应为", "原因", "规则编号", "原文截图"]


def render_xlsx(report: ReviewReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as SheetImage
    from openpyxl.styles import Alignment, Font, PatternFill
    from PIL import Image

    book = Workbook()
    sheet = book.active
    sheet.title = "审核意见"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"文件：{Path(report.info.source_path).name}　生成时间：{report.generated_at:%Y-%m-%d %H:%M}"])
    sheet.append(XLSX_COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    widths = [6, 8, 12, 9, 60, 28, 28, 50, 26, 70]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    number = 0
    for _, entries in report.by_page():
        for entry in entries:
            number += 1
            sheet.append([number, entry.page or "全文", entry.category_label, entry.severity_label, entry.where,
                          entry.printed, entry.should, entry.why, ", ".join(entry.check_ids)])
            row = sheet.max_row
            for cell in sheet[row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if entry.thumbnail:
                picture = Image.open(io.BytesIO(entry.thumbnail))
                scale = min(1.0, XLSX_THUMBNAIL_WIDTH / picture.width)
                image = SheetImage(io.BytesIO(entry.thumbnail))
                image.width, image.height = int(picture.width * scale), int(picture.height * scale)
                sheet.add_image(image, f"J{row}")
                sheet.row_dimensions[row].height = max(60, image.height * 0.75 + 6)  # points
    sheet.freeze_panes = "A4"
    book.save(path)


def report_stem(info: DocumentInfo) -> str:
    name = re.sub(r"[\\/:*?\"<>|\s]+", "_", info.unit_name or Path(info.source_path).stem)
    return f"{name}-{info.fiscal_year or ''}{info.doc_kind or ''}-审核意见-{info.document_id[:8]}"


def write_report(report: ReviewReport, out_dir: str | Path) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report.info)
    html_path, xlsx_path = out / f"{stem}.html", out / f"{stem}.xlsx"
    html_path.write_text(render_html(report), encoding="utf-8")
    render_xlsx(report, xlsx_path)
    return html_path, xlsx_path


# ---------------------------------------------------------------- from the warehouse
@dataclass
class WrittenReport:
    document_id: str
    unit_name: str | None
    fiscal_year: int | None
    doc_kind: str | None
    html: Path
    xlsx: Path
    errors: int
    warnings: int


def _info(row: dict) -> DocumentInfo:
    names = DocumentInfo.__dataclass_fields__
    return DocumentInfo(**{k: v for k, v in row.items() if k in names})


def report_from_warehouse(con, document_id: str, out_dir: str | Path) -> WrittenReport:
    """The report of one loaded document, from its warehouse rows and (for the pictures) its PDF."""
    from pipelines.crosscheck import _frame

    documents = _frame(con, "SELECT * FROM documents WHERE document_id = ?", [document_id])
    info = _info(documents.iloc[0].to_dict())
    validation = _frame(con, "SELECT * FROM validation_results WHERE document_id = ?", [document_id])
    if len(validation):
        validation["passed"] = validation["passed"].astype(bool)
    report = build_report(info, validation, info.source_path)
    html_path, xlsx_path = write_report(report, out_dir)
    return WrittenReport(document_id, info.unit_name, info.fiscal_year, info.doc_kind, html_path, xlsx_path,
                         sum(e.severity == "error" for e in report.entries),
                         sum(e.severity != "error" for e in report.entries))


def documents_to_report(con, year: int | None, out_dir: str | Path) -> list[str]:
    """Loaded documents of ``year`` (all years when None), and any loaded document without a report."""
    rows = con.execute("SELECT document_id, unit_name, fiscal_year, doc_kind, source_path FROM documents "
                       "WHERE status = 'loaded' ORDER BY unit_name, fiscal_year").fetchall()
    wanted = []
    for document_id, unit, fiscal_year, kind, source in rows:
        info = DocumentInfo(document_id, source, "", 0, unit_name=unit, fiscal_year=fiscal_year, doc_kind=kind)
        missing = not (Path(out_dir) / f"{report_stem(info)}.html").exists()
        if year is None or fiscal_year == year or missing:
            wanted.append(document_id)
    return wanted
