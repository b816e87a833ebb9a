"""A fast first look at a source file, before any pdfplumber work.

``triage_pdf(path)`` opens the file with pypdfium2 (PDFium, ~1 ms per page, about 30× faster than
pdfplumber), reads every page's text once and either returns a :class:`Triage` or raises
:class:`~pipelines.model.DocumentError` with a message a user can act on:

* not a PDF / empty file (no ``%PDF-`` header)
* truncated (no ``%%EOF`` end marker) or damaged (PDFium cannot open it, or it has no pages)
* needs a password to open (an owner password that only restricts printing/copying is fine)
* more than ``max_pages`` pages
* scanned / image-only: no text layer on most pages (the pages are named, as ranges)
* text without a usable Unicode mapping: "(cid:123)" in pdfplumber, or private-use / replacement /
  control characters — the font lacks a ToUnicode map and the text cannot be read reliably
* not a budget disclosure: neither budget table titles nor budget prose with 元/万元 amounts

PDFium does not see what pdfplumber sees for fonts without a ToUnicode map (it falls back to the raw
character code, which looks like ordinary letters), so a few pages are also checked with pdfplumber
(``unicode_sample_pages``; the first text page and table candidate pages), costing ~30 ms a page.

Page numbers are 1-based everywhere. The PDFium document is always closed.
"""
from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.damage import Damage, scan
from pipelines.model import DocumentError
from pipelines.read.cells import is_prose_line
from pipelines.vocabulary import parse_title

DEFAULT_MAX_PAGES = 2000
MIN_TEXT_CHARS = 10  # a page with fewer non-space characters (e.g. only "- 1 -") has no real text
SCANNED_SHARE = 0.5  # error when at least this share of the pages are scans without text
BAD_CHAR_SHARE = 0.05  # a page whose text has this share of unreadable characters is unreadable
BAD_CHAR_MIN = 3

# 1,234.56  /  171,915,169  /  123.00  /  0.72 — the way budget tables print amounts.
AMOUNT_RE = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,4})?|\d+\.\d{2})(?![\d,]|\.\d)")
# An amount that belongs to a sentence: "1,334.56万元", "0.72 %".
_UNIT_AFTER_RE = re.compile(r"\s*(?:万元|亿元|元|%|％|个|人|辆|次|倍)")
AMOUNT_WITH_UNIT_RE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元)")
UNIT_HEADER_RE = re.compile(r"单位\s*[：:]\s*(?:人民币)?\s*(?:万元|元|亿元)")
TABLE_NUMBER_RE = re.compile(r"公开\s*\d{1,2}\s*表|附表\s*\d{1,2}|表\s*\d{1,2}\s*[、.．]")
TITLE_RE = re.compile(
    r"(?:收支|收入|支出|财政拨款|一般公共预算|政府性基金|国有资本经营|“?三公”?|机关运行经费|政府采购"
    r"|项目支出|绩效目标|基本支出)[^\n，。；：:]{0,30}?"
    r"(?:总体情况表|情况表|总表|预算表|明细表|分类表|汇总表|目标表)"
)
_TOC_RE = re.compile(r"目\s*录")
_SENTENCE_PUNCT = "，。；"


@dataclass
class Triage:
    path: str
    page_count: int
    char_counts: list[int]  # non-whitespace characters per page, index 0 = page 1
    page_texts: list[str]  # PDFium text per page ("\n" line breaks), index 0 = page 1
    text_pages: list[int]  # 1-based pages with a text layer
    image_only_pages: list[int]  # 1-based pages with drawn/raster content but no text layer
    blank_pages: list[int]  # 1-based pages with nothing on them
    table_candidate_pages: list[int]  # 1-based pages that look like budget table pages
    titles_found: list[str] = field(default_factory=list)  # budget table titles seen in the text
    warnings: list[str] = field(default_factory=list)  # passed, but worth telling the user
    seconds: float = 0.0

    def text(self, page: int) -> str:
        """Text of a 1-based page."""
        return self.page_texts[page - 1]


# --- small helpers ---------------------------------------------------------------------------

def page_ranges(pages: list[int] | tuple[int, ...]) -> str:
    """[3, 4, 5, 6, 9] -> "3–6, 9" (1-based page numbers, en dash)."""
    nums = sorted(set(pages))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(parts)


def _pages_phrase(pages: list[int]) -> str:
    return f"page {pages[0]}" if len(pages) == 1 else f"pages {page_ranges(pages)}"


def _has(pages: list[int]) -> str:
    return "has" if len(pages) == 1 else "have"


def is_unreadable_char(ch: str) -> bool:
    """Private use, surrogate, replacement/non-characters and control characters (not \\t \\n \\r)."""
    if ch in "\t\n\r\x02":  # PDFium marks soft hyphens at line ends with \x02
        return False
    code = ord(ch)
    if code in (0xFFFD, 0xFFFE, 0xFFFF):
        return True
    return unicodedata.category(ch) in ("Co", "Cs", "Cc")


def count_unreadable(text: str) -> int:
    return sum(1 for ch in text if is_unreadable_char(ch))


def count_odd_letters(text: str) -> int:
    """Letters from Latin-1/extended, Greek, Cyrillic, IPA, Hebrew, Arabic, … — what PDFium prints
    when a font has no ToUnicode map and it falls back to raw glyph ids. Budget texts have ~none."""
    return sum(1 for ch in text if 0xC0 <= ord(ch) < 0x2E80 and ch.isalpha())


def _nonspace(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _unreadable_page(bad: int, total: int) -> bool:
    return bad >= BAD_CHAR_MIN and bad >= BAD_CHAR_SHARE * max(total, 1)


def bare_amounts(text: str) -> int:
    """Amounts standing on their own (table cells), not "…万元" / "…%" inside a sentence."""
    count = 0
    for match in AMOUNT_RE.finditer(text):
        if not _UNIT_AFTER_RE.match(text, match.end()):
            count += 1
    return count


# A number printed as a table cell: an amount (any decimals, thousands separators, integers in 元
# tables) or a code; not a year, a list number (4、), a date, a percentage or a sentence's amount.
NUMERIC_CELL_RE = re.compile(
    r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"(?![\d.,、．)）]|\s*(?:年|月|日|%|％|万元|亿元|元|个|人|次|号|页|项|台|辆|套|平方米))")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
TABLE_LINES = 3  # lines holding two or more numbers that make a page a table page


def _numbers(line: str) -> list[str]:
    return [n for n in NUMERIC_CELL_RE.findall(line) if not _YEAR_RE.match(n)]


def table_lines(text: str) -> int:
    """Lines that read as table rows: two or more numbers, not running prose."""
    return sum(1 for line in text.splitlines() if not is_prose_line(line) and len(_numbers(line)) >= 2)


def numeric_cells(text: str) -> int:
    """Numbers on the page's lines that are not running prose."""
    return sum(len(_numbers(line)) for line in text.splitlines() if not is_prose_line(line))


def looks_like_table_page(text: str) -> bool:
    """Budget table page: a table title or unit header plus numbers, or many numbers outside
    sentences. Empty tables (title + 单位：元 + "本部门无…") count; tables of contents and prose
    pages that merely mention a table do not. Amounts may have any number of decimals (Beijing
    prints six) or none (元 tables printing integers)."""
    if not text.strip():
        return False
    rows = table_lines(text)
    has_unit = bool(UNIT_HEADER_RE.search(text))
    has_title = bool(TITLE_RE.search(text)) or bool(TABLE_NUMBER_RE.search(text)) or any(
        parse_title(line) is not None for line in text.splitlines()[:12])
    if _TOC_RE.search(text[:200]) and not has_unit:
        return False
    if has_unit and (has_title or numeric_cells(text) >= 1):
        return True
    if has_title and rows >= 1:
        return True
    return rows >= TABLE_LINES


def table_candidates(texts: list[str], text_pages: list[int]) -> list[int]:
    """1-based pages that look like budget table pages. A page right after a table page also counts
    when it starts with bare amounts before its first sentence (a table's last rows, e.g.
    "合计 156,211,123 …", followed by prose)."""
    candidates: list[int] = []
    for page in text_pages:
        text = texts[page - 1]
        if looks_like_table_page(text):
            candidates.append(page)
        elif candidates and candidates[-1] == page - 1:
            head = re.split(r"[，。；]", text, maxsplit=1)[0]
            if numeric_cells(head) >= 1:
                candidates.append(page)
    return candidates


def looks_like_budget(texts: list[str]) -> tuple[bool, list[str]]:
    """(is budget-ish, table titles found)."""
    titles: list[str] = []
    for text in texts:
        for match in TITLE_RE.finditer(text):
            title = match.group(0).strip()
            if title not in titles and len(titles) < 30:
                titles.append(title)
    joined = "\n".join(texts)
    prose = ("预算" in joined and ("收入" in joined or "支出" in joined)
             and AMOUNT_WITH_UNIT_RE.search(joined) is not None)
    table_words = "预算表" in joined or "预算总表" in joined or ("情况表" in joined and "预算" in joined)
    return bool((titles and "预算" in joined) or table_words or prose), titles


# --- the checks ------------------------------------------------------------------------------

def _check_bytes(path: Path) -> None:
    name = path.name
    if not path.exists():
        raise DocumentError(f"{name} does not exist ({path}); check the path")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(f"{name} is empty (0 bytes); check that the download completed")
    with open(path, "rb") as handle:
        head = handle.read(1024)
        tail_size = min(size, 1 << 20)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    if b"%PDF-" not in head:
        shown = head[:24].decode("utf-8", "replace")
        shown = "".join(ch if ch.isprintable() else "." for ch in shown)
        more = "…" if size > 24 else ""
        raise DocumentError(
            f"{name} is not a PDF (it starts with {shown!r}{more}, {size} bytes); check that the "
            "download completed or re-export it as PDF")
    if b"%%EOF" not in tail:
        raise DocumentError(
            f"{name} is truncated: the PDF has no end-of-file marker (%%EOF), so the file was cut off "
            f"({size} bytes); download it again or ask the publisher for a complete copy")


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError(
                f"{path.name} is encrypted and needs a password to open; ask the publisher for an "
                "unprotected copy (or save it without a password) and ingest that") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise DocumentError(
                f"{path.name} uses an unsupported encryption scheme; save an unprotected copy and "
                "ingest that") from None
        raise DocumentError(
            f"{path.name} is damaged or truncated: the PDF cannot be opened ({exc}); download it "
            "again or re-export it as PDF") from None


def _read_pages(pdf: pdfium.PdfDocument, path: Path) -> tuple[list[str], list[bool]]:
    """Text per page and whether each page draws anything."""
    texts: list[str] = []
    has_content: list[bool] = []
    broken: list[int] = []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            broken.append(index + 1)
            texts.append("")
            has_content.append(False)
            continue
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
            finally:
                textpage.close()
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
            has_content.append(pdfium_c.FPDFPage_CountObjects(page) > 0)
        finally:
            page.close()
    if broken:
        raise DocumentError(
            f"{path.name} is damaged: {_pages_phrase(broken)} cannot be read; download it again or "
            "re-export it as PDF")
    return texts, has_content


def _sample_with_pdfplumber(path: Path, pages: list[int]) -> dict[int, tuple[int, int, int]]:
    """{page: (cid glyphs, other unreadable chars, all chars)} as pdfplumber/pdfminer sees them."""
    import pdfplumber  # only here: triage itself is PDFium

    found: dict[int, tuple[int, int, int]] = {}
    try:
        with pdfplumber.open(str(path)) as doc:
            for number in pages:
                page = doc.pages[number - 1]
                try:
                    chars = page.chars
                finally:
                    page.close()
                cid = sum(1 for c in chars if c.get("text", "").startswith("(cid:"))
                other = sum(count_unreadable(c.get("text", "")) for c in chars
                            if not c.get("text", "").startswith("(cid:"))
                found[number] = (cid, other, sum(1 for c in chars if not c.get("text", "").isspace()))
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer could not parse what PDFium could
        raise DocumentError(
            f"{path.name} is damaged: pdfplumber cannot read it ({type(exc).__name__}: {exc}); "
            "re-export it as PDF") from None
    return found


def _sample_pages(text_pages: list[int], candidates: list[int], suspicious: list[int],
                  count: int) -> list[int]:
    """Pages to check with pdfplumber: every suspicious page (up to 8), then the first text page,
    the first/middle/last table candidate and the middle/last text page, up to ``count`` pages."""
    if not text_pages:
        return []
    chosen: list[int] = list(suspicious[:8])
    wanted = [text_pages[0]]
    if candidates:
        wanted += [candidates[0], candidates[len(candidates) // 2], candidates[-1]]
    wanted += [text_pages[len(text_pages) // 2], text_pages[-1]]
    for page in wanted:
        if len(chosen) >= len(suspicious[:8]) + count:
            break
        if page not in chosen:
            chosen.append(page)
    return sorted(chosen)


def unicode_error(name: str, pages: list[int], how: str) -> DocumentError:
    return DocumentError(
        f"{name}: the text on {_pages_phrase(pages)} has no usable Unicode mapping ({how}); the font "
        "lacks a ToUnicode map, so the text cannot be read reliably. Re-export the file with embedded "
        "Unicode fonts, or OCR it (e.g. ocrmypdf --force-ocr) and ingest the OCR'd file")


def triage_pdf(path: str | Path, *, max_pages: int = DEFAULT_MAX_PAGES,
               unicode_sample_pages: int = 2, damage: Damage | None = None) -> Triage:
    """Fast first look at ``path``; raises DocumentError for files that cannot be ingested.

    Before PDFium decodes any page, pipelines.damage scans the file's structure and streams
    (``damage`` collects what it finds, for the caller to judge once the tables are known): a
    broken file fails as damaged, and a damaged file is never told it is scanned, font-less or
    not a budget."""
    started = time.perf_counter()
    path = Path(path)
    name = path.name
    damage = Damage() if damage is None else damage
    with damage.capturing():
        _check_bytes(path)
        pdf = _open(path)
        try:
            page_count = len(pdf)
            if page_count == 0:
                raise DocumentError(f"{name} is damaged: the PDF has no pages; download it again or "
                                    "re-export it as PDF")
            if page_count > max_pages:
                raise DocumentError(
                    f"{name} has {page_count} pages, more than the limit of {max_pages}; a budget "
                    f"disclosure is normally under 200 pages. Split the file, or raise the limit "
                    f"(triage_pdf(..., max_pages={page_count}) / the max_pages setting) if it is genuine")
            scan(path, damage, pdfium_pages=page_count,
                 pdfium_xref_valid=bool(pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(pdf.raw)))
            damage.raise_if_file_damaged(name)
            texts, has_content = _read_pages(pdf, path)
        finally:
            pdf.close()
        try:
            return _judge_text(path, texts, has_content, unicode_sample_pages, started)
        except DocumentError:
            damage.raise_if_damaged(name)  # the true diagnosis comes first
            raise


def _judge_text(path: Path, texts: list[str], has_content: list[bool], unicode_sample_pages: int,
                started: float) -> Triage:
    """The checks on the text PDFium read: scanned, unreadable text, not a budget."""
    name = path.name
    page_count = len(texts)
    char_counts = [_nonspace(t) for t in texts]
    text_pages = [i + 1 for i, n in enumerate(char_counts) if n >= MIN_TEXT_CHARS]
    image_only = [i + 1 for i, n in enumerate(char_counts) if n < MIN_TEXT_CHARS and has_content[i]]
    blank = [i + 1 for i, n in enumerate(char_counts) if n < MIN_TEXT_CHARS and not has_content[i]]

    ocr_hint = "OCR them first (e.g. ocrmypdf) and ingest the OCR'd file"
    if not text_pages:
        if image_only:
            raise DocumentError(
                f"{name} is scanned: {_pages_phrase(image_only)} {_has(image_only)} no text layer (all "
                f"{page_count} pages are images or drawings); {ocr_hint}")
        raise DocumentError(f"{name} has no text: all {page_count} pages are blank; check that it "
                            "is the right file")
    if len(image_only) >= SCANNED_SHARE * page_count:
        raise DocumentError(
            f"{name} is mostly scanned: scanned {_pages_phrase(image_only)} {_has(image_only)} no text layer "
            f"({len(image_only)} of {page_count} pages); {ocr_hint}")

    # Unreadable text as PDFium sees it (private use, replacement, control characters).
    bad_pages = [p for p in text_pages
                 if _unreadable_page(count_unreadable(texts[p - 1]), char_counts[p - 1])]
    if bad_pages:
        raise unicode_error(name, bad_pages, "private-use, replacement or control characters")

    candidates = table_candidates(texts, text_pages)

    # What pdfplumber will see: "(cid:123)" where the font has no ToUnicode map. PDFium shows such
    # glyphs as raw ids (odd letters), so those pages are always checked, plus a small sample.
    suspicious = [p for p in text_pages
                  if _unreadable_page(count_odd_letters(texts[p - 1]), char_counts[p - 1] * 4)]
    sample = _sample_pages(text_pages, candidates, suspicious, unicode_sample_pages)
    if sample:
        seen = _sample_with_pdfplumber(path, sample)
        cid_pages = [p for p, (cid, _o, total) in seen.items() if _unreadable_page(cid, total)]
        if cid_pages:
            raise unicode_error(name, cid_pages, 'pdfplumber reads the glyphs as "(cid:NNN)"')
        odd_pages = [p for p, (_c, other, total) in seen.items() if _unreadable_page(other, total)]
        if odd_pages:
            raise unicode_error(name, odd_pages, "private-use, replacement or control characters")

    is_budget, titles = looks_like_budget([texts[p - 1] for p in text_pages])
    if not is_budget:
        first = " ".join(texts[text_pages[0] - 1].split())[:40]
        raise DocumentError(
            f"{name} does not look like a budget disclosure (部门预算/单位预算): none of its "
            f"{page_count} pages has budget table titles such as 收支总体情况表, 收入总体情况表, "
            "支出总体情况表, 财政拨款收支总体情况表 or “三公”经费预算表, nor budget prose with 预算/收入/支出 "
            f"amounts in 元 or 万元 (page {text_pages[0]} begins {first!r}); check that it is the "
            "right file")

    warnings: list[str] = []
    if image_only:
        warnings.append(f"scanned {_pages_phrase(image_only)} {_has(image_only)} no text layer and will be skipped; "
                        f"{ocr_hint} if they hold tables")
    return Triage(
        path=str(path), page_count=page_count, char_counts=char_counts, page_texts=texts,
        text_pages=text_pages, image_only_pages=image_only, blank_pages=blank,
        table_candidate_pages=candidates, titles_found=titles, warnings=warnings,
        seconds=time.perf_counter() - started,
    )
