"""Corpus report: run the domain pipeline over a set of PDFs and say, per file, how well it did.

    corpus_report(paths, seconds=300, workers=4) -> DataFrame (one row per file, REPORT_COLUMNS)

Each file runs in its own time-limited process (pipelines.isolation), so a file that fails, hangs or
crashes the interpreter only fails its own row.

``amount_coverage`` is measured by an independent reading: the text inside the region of every
extracted table (``ExtractedTable.regions``, widened by REGION_MARGIN points; the whole page for a
table without regions) is read again with pypdfium2, every printed amount token (a number with a
decimal point or thousands separators: 1,234.56 / 82,000.00 / 0.90) is collected, and the tokens are
matched, as a multiset per page and compared as Decimal, against the amounts of the facts on that
page. Prose printed on the same page as a table (its introduction, or text after the table's end)
is thus not counted. Unmatched tokens are listed as ``page: token`` in ``missing_amounts`` (first 20).

CLI: ``python -m pipelines.report [FOLDER_OR_FILES...] [--markdown] [--seconds S] [--workers N]``
(default folder: ../shared/corpus beside the repository); always exits 0.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from pipelines.isolation import map_with_time_limit
from pipelines.vocabulary import compact, table_code_for_title

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
MISSING_AMOUNTS_SHOWN = 20
REGION_MARGIN = 2.0  # points added on every side of a table region before reading its text

REPORT_COLUMNS = [
    "file", "status", "error", "pages", "seconds", "seconds_per_page", "tables_found",
    "titles_in_text", "titles_missing", "facts", "indicators", "prose_amounts", "checks_passed",
    "checks_failed", "amounts_printed", "amounts_matched", "amount_coverage", "missing_amounts",
]

# An amount as printed in a table: thousands separators and/or a decimal part, optional minus sign.
# Bare integers (years such as 2024, codes such as 2080109, page numbers) never match; neither do
# percentages (12.5% / 21.95 %), nor numbers glued to other digits, dots or commas.
AMOUNT_TOKEN = re.compile(
    r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?!\d|[.,]\d|\s*[%％])"
)


def amount_tokens(text: str) -> list[str]:
    """Amount tokens printed in ``text``, in reading order."""
    return AMOUNT_TOKEN.findall(text or "")


def token_value(token: str) -> Decimal | None:
    try:
        return Decimal(token.replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _norm(value) -> Decimal | None:
    if value is None:
        return None
    try:
        if isinstance(value, Decimal):
            return value.normalize() if value.is_finite() else None
        if pd.isna(value):
            return None
        return Decimal(str(value)).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return None


Region = tuple[float, float, float, float]  # pdfplumber coordinates: x0, top, x1, bottom


def table_regions(tables) -> dict[int, list[Region] | None]:
    """Page (1-based) -> table regions on it; None means the whole page (a table without regions)."""
    regions: dict[int, list[Region] | None] = {}
    for table in tables:
        covered = {page for page, _ in table.regions}
        for page, bbox in table.regions:
            if regions.get(page, []) is not None:
                regions.setdefault(page, []).append(tuple(bbox))
        for page in set(table.pages) - covered:
            regions[page] = None
    return regions


def pdf_rect(page, bbox: Region, margin: float = REGION_MARGIN) -> tuple[float, float, float, float]:
    """A pdfplumber bbox (top-left origin, in the page as displayed, i.e. after /Rotate) as the
    (left, bottom, right, top) rectangle in PDF user space (bottom-left origin, unrotated: what
    pypdfium2's get_charbox and get_text_bounded use), widened by ``margin`` on every side.
    Unrotated: pdf_bottom = height - bbox_bottom, pdf_top = height - bbox_top."""
    x0, top, x1, bottom = bbox
    x0, top, x1, bottom = x0 - margin, top - margin, x1 + margin, bottom + margin
    mx0, my0, mx1, my1 = page.get_mediabox()
    width, height = mx1 - mx0, my1 - my0  # unrotated
    rotation = page.get_rotation() % 360
    if rotation == 90:
        left, right, low, high = top, bottom, x0, x1
    elif rotation == 180:
        left, right, low, high = width - x1, width - x0, top, bottom
    elif rotation == 270:
        left, right, low, high = width - bottom, width - top, height - x1, height - x0
    else:
        left, right, low, high = x0, x1, height - bottom, height - top
    return mx0 + left, my0 + low, mx0 + right, my0 + high


def text_in_rects(textpage, rects: list[tuple[float, float, float, float]]) -> str:
    """The page's text in reading order with every printed character outside ``rects`` (PDF user
    space: left, bottom, right, top) blanked out.

    Not ``get_text_bounded``: on some pages (js-swbgt-2018-tables.pdf p.7, rotated) it joins the last
    cell of a row to the first of the next without a line break (20,153.75 + 20131 -> 20,153.7520131),
    which would turn matched amounts into false misses. Line breaks and spaces that PDFium generates
    between cells are kept, so cells never merge."""
    import pypdfium2.raw as pdfium_c

    out = []
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if not char.isspace() and not pdfium_c.FPDFText_IsGenerated(textpage, index):
            left, bottom, right, top = textpage.get_charbox(index)
            x, y = (left + right) / 2, (bottom + top) / 2
            if not any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in rects):
                char = " "
        out.append(char)
    return "".join(out)


def page_coverage(path: str | Path, facts: pd.DataFrame,
                  regions: Iterable[int] | dict[int, list[Region] | None]) -> tuple[int, int, list[str]]:
    """(printed, matched, unmatched 'page: token') read with pypdfium2 inside ``regions`` (page ->
    table regions, None for the whole page; a plain iterable of pages reads whole pages)."""
    import pypdfium2 as pdfium

    if not isinstance(regions, dict):
        regions = {page: None for page in regions}
    by_page: dict[int, Counter] = {}
    if len(facts):
        for page, amount in zip(facts["page"], facts["amount"]):
            value = _norm(amount)
            if value is None or pd.isna(page):
                continue
            by_page.setdefault(int(page), Counter())[value] += 1
    printed = matched = 0
    unmatched: list[str] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for number in sorted(regions):
            if not 1 <= number <= len(pdf):
                continue
            page = pdf[number - 1]
            textpage = page.get_textpage()
            try:
                boxes = regions[number]
                if boxes is None:
                    text = textpage.get_text_range()
                else:
                    text = text_in_rects(textpage, [pdf_rect(page, box) for box in boxes])
            finally:
                textpage.close()
                page.close()
            available = Counter(by_page.get(number, Counter()))
            for token in amount_tokens(text):
                value = token_value(token)
                if value is None:
                    continue
                printed += 1
                if available[value] > 0:
                    available[value] -= 1
                    matched += 1
                else:
                    unmatched.append(f"{number}: {token}")
    finally:
        pdf.close()
    return printed, matched, unmatched


def distinct_titles(doc) -> list[str]:
    """Titles printed in the document: those seen in its text plus those of extracted tables."""
    seen: dict[str, None] = {}
    for title in list(doc.titles_in_text) + [t.title for t in doc.tables]:
        key = compact(title)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def report_one(path: str) -> dict:
    """Run every domain stage on one file and measure it. Runs in a worker process."""
    from pipelines.ingest import extract_document
    from pipelines.process import derive

    started = time.perf_counter()
    doc = extract_document(path)
    result = derive(doc)
    facts, indicators, prose, checks = result.facts, result.indicators, result.prose, result.validation
    seconds = time.perf_counter() - started

    tables_found = list(dict.fromkeys(t.table_code for t in doc.tables))
    titles = distinct_titles(doc)
    found = set(tables_found)
    titles_missing = []
    for title in titles:
        family = table_code_for_title(title)
        if family is not None and family.code not in found:
            titles_missing.append(title)
    printed, matched, unmatched = page_coverage(path, facts, table_regions(doc.tables))
    passed = int(checks["passed"].astype(bool).sum()) if len(checks) else 0
    pages = doc.info.pages or 0
    return {
        "file": Path(path).name, "status": "loaded", "error": "", "pages": pages,
        "seconds": round(seconds, 3),
        "seconds_per_page": round(seconds / pages, 4) if pages else None,
        "tables_found": tables_found, "titles_in_text": titles, "titles_missing": titles_missing,
        "facts": len(facts), "indicators": len(indicators), "prose_amounts": len(prose),
        "checks_passed": passed, "checks_failed": len(checks) - passed,
        "amounts_printed": printed, "amounts_matched": matched,
        "amount_coverage": round(matched / printed, 4) if printed else None,
        "missing_amounts": unmatched[:MISSING_AMOUNTS_SHOWN],
        "missing_amounts_total": len(unmatched),
    }


def _failed_row(path: str, error: BaseException) -> dict:
    message = str(error).strip() or type(error).__name__
    return {
        "file": Path(path).name, "status": "failed", "error": f"{type(error).__name__}: {message}",
        "pages": None, "seconds": None, "seconds_per_page": None, "tables_found": [],
        "titles_in_text": [], "titles_missing": [], "facts": 0, "indicators": 0, "prose_amounts": 0,
        "checks_passed": 0, "checks_failed": 0, "amounts_printed": 0, "amounts_matched": 0,
        "amount_coverage": None, "missing_amounts": [], "missing_amounts_total": 0,
    }


def collect_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to their *.pdf files (sorted, recursive)."""
    paths: list[Path] = []
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            paths.extend(sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        else:
            paths.append(item)
    return paths


def corpus_report(paths: Iterable[str | Path], seconds: float = 300, workers: int = 4) -> pd.DataFrame:
    """One row per file (folders expand to their PDFs), in the order given."""
    files = [str(p) for p in collect_paths(paths)]
    results: dict[str, dict] = {}
    for item, result in map_with_time_limit(report_one, files, seconds=seconds, workers=workers):
        results[item] = _failed_row(item, result) if isinstance(result, BaseException) else result
    rows = [results[f] for f in files]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS + ["missing_amounts_total"])
    for column in ("pages", "facts", "indicators", "prose_amounts", "checks_passed", "checks_failed",
                   "amounts_printed", "amounts_matched", "missing_amounts_total"):
        frame[column] = frame[column].astype("Int64")
    return frame


# ---------------------------------------------------------------- presentation
def _fmt(value, digits: int = 2) -> str:
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def summary_frame(report: pd.DataFrame) -> pd.DataFrame:
    """The report as short printable columns."""
    rows = []
    for r in report.itertuples(index=False):
        rows.append({
            "file": r.file, "status": r.status, "pages": _fmt(r.pages), "seconds": _fmt(r.seconds),
            "s/page": _fmt(r.seconds_per_page, 3), "tables": len(r.tables_found),
            "titles": len(r.titles_in_text), "titles_missing": len(r.titles_missing), "facts": r.facts,
            "indicators": r.indicators, "prose": r.prose_amounts, "checks_ok": r.checks_passed,
            "checks_failed": r.checks_failed,
            "amounts": f"{r.amounts_matched}/{r.amounts_printed}",
            "coverage": _fmt(r.amount_coverage, 4),
        })
    return pd.DataFrame(rows)


def details(report: pd.DataFrame, markdown: bool = False) -> str:
    bullet = "- " if markdown else "  "
    out = []
    for r in report.itertuples(index=False):
        out.append(f"### {r.file}" if markdown else f"== {r.file} ({r.status})")
        if r.status != "loaded":
            out.append(f"{bullet}error: {r.error}")
            out.append("")
            continue
        out.append(f"{bullet}tables_found: {', '.join(r.tables_found) or '-'}")
        out.append(f"{bullet}titles_missing: {', '.join(r.titles_missing) or '-'}")
        shown = ", ".join(r.missing_amounts) or "-"
        more = r.missing_amounts_total - len(r.missing_amounts)
        out.append(f"{bullet}missing_amounts ({r.missing_amounts_total}): {shown}"
                   + (f", … {more} more" if more > 0 else ""))
        out.append("")
    return "\n".join(out)


def render(report: pd.DataFrame, markdown: bool = False) -> str:
    summary = summary_frame(report)
    if markdown:
        try:
            table = summary.to_markdown(index=False)
        except ImportError:  # tabulate missing
            head = "| " + " | ".join(summary.columns) + " |"
            rule = "|" + "|".join("---" for _ in summary.columns) + "|"
            body = ["| " + " | ".join(str(v) for v in row) + " |" for row in summary.itertuples(index=False)]
            table = "\n".join([head, rule, *body])
        return f"## Corpus report\n\n{table}\n\n{details(report, markdown=True)}"
    return f"{summary.to_string(index=False)}\n\n{details(report)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.report",
                                     description="Run the pipeline over PDFs and report per file.")
    parser.add_argument("paths", nargs="*", metavar="FOLDER_OR_FILE",
                        help=f"PDF files or folders (default: {DEFAULT_CORPUS})")
    parser.add_argument("--markdown", action="store_true", help="print markdown instead of plain text")
    parser.add_argument("--seconds", type=float, default=300, help="time limit per file (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="files processed at once (default 4)")
    args = parser.parse_args(argv)
    paths = args.paths or [DEFAULT_CORPUS]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
    report = corpus_report([p for p in paths if Path(p).exists()], seconds=args.seconds,
                           workers=args.workers)
    pd.set_option("display.width", 250)
    print(render(report, markdown=args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
