"""Damage: what the PDF readers' own signals say about a file's integrity, and what that means.

    damage = Damage()
    scan(path, damage, pdfium_pages=n, pdfium_xref_valid=ok)   # pdfminer: xref, page tree, streams
    with damage.capturing(): ...         # pdfminer's log warnings of this file, kept with it
    with damage.reading_page(n): ...     # a page that fails to parse is damage, not a crash
    damage.raise_if_damaged(name)        # DocumentError "the file is damaged (…); download it again"
    judge(name, damage, table_pages=…, text_pages=…)  # fail, or let it load with a finding
    findings(document_id, damage)        # the error-severity validation row naming the pages

A file is damaged when
  * its cross-reference table is broken: PDFium says it is not valid, or pdfminer had to rebuild
    it by scanning the file (its fallback);
  * PDFium and pdfminer count different pages;
  * a Flate-compressed stream a page uses (content, font, image, form) does not decode strictly:
    a zlib error, a wrong checksum (the tell-tale of flipped bits), or a stream cut short — PDF
    readers decode such streams leniently and silently lose or change text;
  * a stream inflates beyond INFLATE_LIMIT bytes (a decompression bomb);
  * a page fails to parse, or pdfminer warns that it lost data.

Damage to the file as a whole (cross-reference table, page count, a bomb) always fails the
document. Damage confined to pages is judged once the tables are known: a damaged page that holds
or may hold a table (a table page, a page inside the run of table pages, or one left without
text) fails it; damage only elsewhere (a cover, the prose before or after the tables) lets it load
with an error-severity finding ``damage.pages`` naming the pages. A damaged file is never told it
is scanned or lacks a ToUnicode map (pipelines.triage asks here first).

Streams are checked without keeping what they inflate to, so the check itself needs no memory.
Plain Python: pdfminer (what pdfplumber reads with) and zlib.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from pipelines.model import VALIDATION_COLUMNS, DocumentError

INFLATE_LIMIT = 256 << 20  # bytes one stream may inflate to; budget PDFs' streams are < 70 MiB
_CHUNK = 1 << 20
_LOGGERS = ("pdfminer", "pdfplumber")
_DATA_LOSS_WORDS = ("data-loss", "data loss", "corrupt")
CHECK_ID = "damage.pages"
MAX_SHOWN = 3  # problems named in a message before "and N more"


@dataclass
class Damage:
    """What the readers said about one file: whole-file problems, problems per page (1-based), and
    every warning pdfminer logged while reading it (damage or not)."""
    file: list[str] = field(default_factory=list)
    pages: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    current_page: int | None = None
    _capturing: int = 0

    def note_file(self, problem: str) -> None:
        if problem not in self.file:
            self.file.append(problem)

    def note_page(self, page: int, problem: str) -> None:
        problems = self.pages.setdefault(page, [])
        if problem not in problems:
            problems.append(problem)

    @property
    def damaged(self) -> bool:
        return bool(self.file or self.pages)

    @property
    def damaged_pages(self) -> list[int]:
        return sorted(self.pages)

    def describe(self) -> str:
        """The problems in one phrase: whole-file first, then each problem with its pages."""
        from pipelines.triage import page_ranges  # triage imports this module

        pages_of: dict[str, list[int]] = {}
        for page, problems in sorted(self.pages.items()):
            for problem in problems:
                pages_of.setdefault(problem, []).append(page)
        items = list(self.file) + [
            f"{'page' if len(pages) == 1 else 'pages'} {page_ranges(pages)}: {problem}"
            for problem, pages in pages_of.items()]
        shown = "; ".join(items[:MAX_SHOWN])
        return shown + (f"; and {len(items) - MAX_SHOWN} more" if len(items) > MAX_SHOWN else "")

    def error(self, name: str) -> DocumentError:
        hint = ""
        if not self.pages and all(p.startswith(XREF_PROBLEM) for p in self.file):
            # only the index of the file is broken: a repaired copy is checked like any other
            hint = (". If the publisher's copy is broken the same way, a copy with a rebuilt "
                    "cross-reference table (e.g. `qpdf damaged.pdf repaired.pdf`) can be ingested "
                    "instead: it is checked like any other file")
        return DocumentError(f"{name}: the file is damaged ({self.describe()}); download it again, "
                             f"or ask the publisher for an intact copy{hint}")

    def raise_if_damaged(self, name: str) -> None:
        if self.damaged:
            raise self.error(name)

    def raise_if_file_damaged(self, name: str) -> None:
        if self.file:
            raise self.error(name)

    @contextlib.contextmanager
    def capturing(self) -> Iterator[Damage]:
        """pdfminer's and pdfplumber's log records go to this file's ``warnings`` (and never to
        stderr unattributed); a record that says data was lost is damage. Re-entrant."""
        if self._capturing:
            self._capturing += 1
            try:
                yield self
            finally:
                self._capturing -= 1
            return
        handler = _Collector(self)
        loggers = [logging.getLogger(name) for name in _LOGGERS]
        saved = [(lg.propagate, lg.level) for lg in loggers]
        for lg in loggers:
            lg.addHandler(handler)
            lg.propagate = False
            if lg.level == logging.NOTSET or lg.level > logging.WARNING:
                lg.setLevel(logging.WARNING)
        self._capturing = 1
        try:
            yield self
        finally:
            self._capturing = 0
            for lg, (propagate, level) in zip(loggers, saved):
                lg.removeHandler(handler)
                lg.propagate = propagate
                lg.setLevel(level)

    @contextlib.contextmanager
    def reading_page(self, page: int) -> Iterator[None]:
        """Parse one page: warnings are attributed to it, and an exception makes it a damaged page
        instead of failing the file (MemoryError is not damage: it goes on up)."""
        previous, self.current_page = self.current_page, page
        try:
            yield
        except MemoryError:
            raise
        except DocumentError:
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer raises many types for broken pages
            self.note_page(page, f"pdfplumber cannot parse it ({type(exc).__name__}: {_short(exc)})")
        finally:
            self.current_page = previous


class _Collector(logging.Handler):
    def __init__(self, damage: Damage):
        super().__init__(logging.WARNING)
        self.damage = damage

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is still a warning
            message = str(record.msg)
        page = self.damage.current_page
        where = f" (page {page})" if page else ""
        self.damage.warnings.append(f"{record.name}{where}: {_short(message)}")
        if any(word in message.lower() for word in _DATA_LOSS_WORDS):
            problem = f"pdfminer reports lost data ({_short(message)})"
            if page:
                self.damage.note_page(page, problem)
            else:
                self.damage.note_file(problem)


def _short(text: object, limit: int = 120) -> str:
    """One line, printable characters only, at most ``limit`` long."""
    text = " ".join("".join(ch if ch.isprintable() else "?" for ch in str(text)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- the scan --------------------------------------------------------------------------------------

def scan(path, damage: Damage, *, pdfium_pages: int | None = None,
         pdfium_xref_valid: bool | None = None) -> Damage:
    """Look at the file's structure and every compressed stream its pages use, with pdfminer,
    before any reader decodes a page (so a decompression bomb is refused here, cheaply)."""
    from pdfminer.pdfdocument import PDFDocument, PDFXRefFallback
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with damage.capturing(), open(path, "rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - the other readers say what else is wrong
            if pdfium_xref_valid is False:
                damage.note_file(_xref_problem("PDFium"))
            damage.note_file(f"pdfminer cannot read its structure ({type(exc).__name__}: {_short(exc)})")
            return damage
        rebuilt = [reader for reader, broken in (
            ("PDFium", pdfium_xref_valid is False),
            ("pdfminer", any(isinstance(xref, PDFXRefFallback) for xref in document.xrefs))) if broken]
        if rebuilt:
            damage.note_file(_xref_problem(" and ".join(rebuilt)))
        checked: dict[int, str | None] = {}
        count = 0
        try:
            for count, page in enumerate(PDFPage.create_pages(document), start=1):
                for problem in _page_stream_problems(page, checked):
                    if problem.startswith(_BOMB):
                        damage.note_file(f"page {count}: {problem}")
                    else:
                        damage.note_page(count, problem)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001
            damage.note_file(f"its page tree cannot be read after page {count} "
                             f"({type(exc).__name__}: {_short(exc)})")
        if pdfium_pages is not None and count != pdfium_pages:
            damage.note_file(f"PDFium counts {pdfium_pages} pages and pdfminer {count}")
    return damage


_BOMB = "a compressed stream inflates to more than"
XREF_PROBLEM = "its cross-reference table is missing or broken"


def _xref_problem(readers: str) -> str:
    return f"{XREF_PROBLEM} ({readers} had to rebuild it)"


def _page_stream_problems(page, checked: dict[int, str | None]) -> list[str]:
    problems = []
    for stream in _streams(page.attrs.get("Contents"), page.resources):
        key = stream.objid if stream.objid is not None else id(stream)
        if key not in checked:
            checked[key] = _stream_problem(stream)
        if checked[key]:
            problems.append(checked[key])
    return problems


def _streams(*roots) -> Iterator:
    """Every stream reachable from a page's contents and resources (fonts, images, forms and
    their resources), each once; never up the page tree."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream

    seen: set[int] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if isinstance(obj, PDFObjRef):
            if obj.objid in seen:
                continue
            seen.add(obj.objid)
            try:
                obj = obj.resolve()
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - a missing object: the readers will say so
                continue
        if isinstance(obj, PDFStream):
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            yield obj
            stack.extend(v for k, v in obj.attrs.items() if k not in ("Length", "Parent"))
        elif isinstance(obj, dict):
            stack.extend(v for k, v in obj.items() if k not in ("Parent", "P"))
        elif isinstance(obj, list):
            stack.extend(obj)


def _stream_problem(stream) -> str | None:
    """What is wrong with one stream's compressed bytes: the encodings before its Flate layer
    (ASCII85, hex, run-length, LZW) undone, then Flate decoded strictly without keeping the
    output. Streams without a Flate layer (JPEG images …) are not checked."""
    from pdfminer import pdftypes

    try:
        filters = [f for f, _ in stream.get_filters()]
    except Exception:  # noqa: BLE001
        return None
    flate = next((i for i, f in enumerate(filters) if f in pdftypes.LITERALS_FLATE_DECODE), None)
    if flate is None or stream.rawdata is None:
        return None
    name = f"stream {stream.objid}" if stream.objid is not None else "an inline stream"
    data = stream.rawdata
    try:
        if stream.decipher is not None and stream.objid is not None:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        for layer in filters[:flate]:
            undo = _text_decoders().get(getattr(layer, "name", None))
            if undo is None:
                return None
            data = undo(data)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a character ASCII85 does not have
        return f"{name} does not decode ({type(exc).__name__}: {_short(exc, 60)})"
    inflater = zlib.decompressobj()
    size = 0
    try:
        size += len(inflater.decompress(data, _CHUNK))
        while inflater.unconsumed_tail and size <= INFLATE_LIMIT:
            size += len(inflater.decompress(inflater.unconsumed_tail, _CHUNK))
    except zlib.error as exc:
        return f"{name} does not decode ({_zlib_reason(exc)})"
    if size > INFLATE_LIMIT:
        return f"{_BOMB} {INFLATE_LIMIT >> 20} MiB ({name}, a decompression bomb)"
    if not inflater.eof:
        return f"{name} is cut short (its compressed data ends early)"
    return None


@functools.cache
def _text_decoders() -> dict:
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.lzw import lzwdecode
    from pdfminer.runlength import rldecode

    return {"ASCII85Decode": ascii85decode, "A85": ascii85decode,
            "ASCIIHexDecode": asciihexdecode, "AHx": asciihexdecode,
            "RunLengthDecode": rldecode, "RL": rldecode, "LZWDecode": lzwdecode, "LZW": lzwdecode}


def _zlib_reason(exc: zlib.error) -> str:
    text = str(exc)
    if "incorrect data check" in text:
        return "wrong checksum: its bytes were altered"
    return text.replace("Error -3 while decompressing data: ", "")


# --- what the damage means for the document --------------------------------------------------------

def judge(name: str, damage: Damage, *, table_pages: Iterable[int], text_pages: Iterable[int]) -> None:
    """Raise the damage error unless the damage is confined to pages that cannot hold a table:
    not a table page, not inside the run of table pages, and still with text."""
    damage.raise_if_file_damaged(name)
    if not damage.pages:
        return
    tables = sorted(set(table_pages))
    texts = set(text_pages)
    for page in damage.damaged_pages:
        inside = bool(tables) and tables[0] <= page <= tables[-1]
        if page in tables or inside or page not in texts:
            raise damage.error(name)


def findings(document_id: str, damage: Damage) -> pd.DataFrame:
    """One failed, error-severity validation row naming the damaged pages (none when intact)."""
    if not damage.pages:
        return pd.DataFrame(columns=VALIDATION_COLUMNS)
    pages = damage.damaged_pages
    row = {
        "document_id": document_id, "check_id": CHECK_ID, "severity": "error", "passed": False,
        "expected": None, "actual": None, "location": damage.describe(),
        "table_code": None, "page": pages[0], "unit": None, "category": "completeness",
        "message": (f"文件已损坏：第{'、'.join(map(str, pages))}页的内容无法完整、准确地读取（PDF 数据流"
                    "校验失败）。这些页上没有表格，表格数据已载入；但这些页上的文字及其中的金额可能缺失或"
                    "有误，请重新下载该文件后再导入。"),
    }
    return pd.DataFrame([row], columns=VALIDATION_COLUMNS)


def is_damage_finding(check_id: object) -> bool:
    return isinstance(check_id, str) and check_id.startswith("damage.")
