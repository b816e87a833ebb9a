"""One pdfplumber pass per wanted page: text lines and ruled grids from the same parsed page.

Pages are closed as soon as they are read, so memory stays flat over long documents.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from pipelines.damage import Damage
from pipelines.model import DocumentError
from pipelines.read.glyphs import repair_glyph_boxes
from pipelines.read.grid import Grid, grid_from_table
from pipelines.triage import unicode_error


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


def drawn_turn(chars: list[dict], share: float = 0.6) -> int:
    """Degrees (clockwise) a page must turn for its text to read left to right: 90 when most glyphs
    run upwards (a landscape table drawn on a portrait sheet without ``/Rotate``), 270 downwards,
    180 upside down, else 0."""
    turns: dict[int, int] = {}
    for ch in chars:
        if ch["text"].isspace():
            continue
        a, b, _, _, _, _ = ch["matrix"]
        turn = 0 if abs(a) >= abs(b) and a > 0 else 180 if abs(a) >= abs(b) else 90 if b > 0 else 270
        turns[turn] = turns.get(turn, 0) + 1
    if not turns:
        return 0
    turn, count = max(turns.items(), key=lambda item: item[1])
    return turn if turn and count >= share * sum(turns.values()) else 0


def turned(page, turn: int):
    """The same page parsed again as if it declared ``/Rotate`` ``turn`` degrees more (pdfminer
    then lays the text out upright). Only for the rare pages ``drawn_turn`` finds sideways."""
    page_obj = page.page_obj
    rotation = (page.rotation + turn) % 360
    page_obj.attrs["Rotate"] = rotation
    page_obj.rotate = rotation
    page.close()
    return pdfplumber.page.Page(page.pdf, page_obj, page_number=page.page_number,
                                initial_doctop=page.initial_doctop)


def read_page(page, number: int) -> PageRead:
    turn = drawn_turn(page.chars)
    if not turn:
        return _read_upright(page, number)
    upright = turned(page, turn)
    try:
        return _read_upright(upright, number)
    finally:
        upright.close()


def _read_upright(page, number: int) -> PageRead:
    repair_glyph_boxes(page)
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
