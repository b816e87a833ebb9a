"""Pictures of where a finding is: the page region around a sentence or a table row, with the
printed text framed in red (pypdfium2; the PDF is opened once per report).

    with PageImages(pdf_path) as pages:
        png = pages.thumbnail(page, keys=["增加（减少）", "收支预算增加"], region=(x0, top, x1, bottom))

``keys`` are tried in order; each is looked for in the page's text with whitespace ignored (a
phrase may wrap over lines). ``region`` is a table's box in pdfplumber coordinates (points from the
top-left of the page as displayed): the crop keeps to its width. A key not found shows the region,
else the top of the page.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import ImageDraw

SCALE = 1.6  # render at ~115 dpi
MAX_WIDTH = 960  # px of a thumbnail
BAND = 70  # px kept above and below the framed text
HIGHLIGHT = (220, 30, 30)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def union(self, other: Box) -> Box:
        return Box(min(self.left, other.left), min(self.top, other.top),
                   max(self.right, other.right), max(self.bottom, other.bottom))


class _Page:
    """One rendered page and its characters with their boxes in the rendered image's pixels."""

    def __init__(self, page: pdfium.PdfPage):
        self.image = page.render(scale=SCALE).to_pil().convert("RGB")
        width, height = page.get_size()
        rotation = page.get_rotation() % 360
        textpage = page.get_textpage()
        self.text = ""
        self.boxes: list[Box] = []
        self.space_after: list[bool] = []  # whitespace followed the character on the page
        try:
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if not char or char.isspace():
                    if self.space_after:
                        self.space_after[-1] = True
                    continue
                left, bottom, right, top = textpage.get_charbox(index)
                self.text += char[0]
                self.boxes.append(_to_image(left, bottom, right, top, width, height, rotation))
                self.space_after.append(False)
        finally:
            textpage.close()

    def find(self, key: str, inside: Box | None = None) -> Box | None:
        """The key's box: preferably where it stands alone (a table cell, not 司法 in 烟台市司法局)
        and inside ``inside``; else its first occurrence."""
        squeezed = "".join(key.split())
        if not squeezed:
            return None
        candidates = []
        at = self.text.find(squeezed)
        while at >= 0:
            candidates.append(self._box(at, len(squeezed)))
            at = self.text.find(squeezed, at + 1)
        if not candidates:
            return None

        def score(item: tuple[int, Box]) -> tuple:
            start, box = item
            end = start + len(squeezed)
            alone = end >= len(self.text) or self.space_after[end - 1] or not _is_cjk(self.text[end])
            within = inside is None or (inside.top - 2 <= box.top and box.bottom <= inside.bottom + 2)
            return (not within, not alone, start)

        starts = [m.start() for m in re.finditer(re.escape(squeezed), self.text)]
        return min(zip(starts, candidates), key=score)[1]

    def _box(self, at: int, length: int) -> Box:
        box = self.boxes[at]
        for other in self.boxes[at + 1:at + length]:
            box = box.union(other)
        return box


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _to_image(left, bottom, right, top, width, height, rotation) -> Box:
    """A box in PDF points (origin bottom-left, page unrotated) as pixels of the rendered page."""
    s = SCALE
    if rotation == 90:
        return Box(bottom * s, left * s, top * s, right * s)
    if rotation == 180:
        return Box((width - right) * s, bottom * s, (width - left) * s, top * s)
    if rotation == 270:
        return Box((height - top) * s, (width - right) * s, (height - bottom) * s, (width - left) * s)
    return Box(left * s, (height - top) * s, right * s, (height - bottom) * s)


class PageImages:
    def __init__(self, path):
        self.pdf = pdfium.PdfDocument(str(path))
        self.pages: dict[int, _Page] = {}

    def __enter__(self) -> PageImages:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.pages.clear()
        self.pdf.close()

    def _page(self, number: int) -> _Page | None:
        if not 1 <= number <= len(self.pdf):
            return None
        if number not in self.pages:
            page = self.pdf[number - 1]
            try:
                self.pages[number] = _Page(page)
            finally:
                page.close()
        return self.pages[number]

    def locate(self, number: int, keys: list[str], inside: Box | None = None) -> Box | None:
        page = self._page(number)
        if page is None:
            return None
        for key in keys:
            if key and (box := page.find(key, inside)) is not None:
                return box
        return None

    def thumbnail(self, number: int, keys: list[str], region: tuple[float, float, float, float] | None = None
                  ) -> bytes | None:
        page = self._page(number)
        if page is None:
            return None
        image = page.image.copy()
        inside = Box(*(v * SCALE for v in region)) if region is not None else None
        found = self.locate(number, keys, inside)
        width, height = image.size
        left, right = 0, width
        if region is not None:
            left, right = max(0, int(region[0] * SCALE) - 12), min(width, int(region[2] * SCALE) + 12)
        if found is not None:
            ImageDraw.Draw(image).rectangle((found.left - 3, found.top - 3, found.right + 3, found.bottom + 3),
                                            outline=HIGHLIGHT, width=3)
            top, bottom = max(0, int(found.top) - BAND), min(height, int(found.bottom) + BAND)
            left, right = min(left, max(0, int(found.left) - 40)), max(right, min(width, int(found.right) + 40))
        elif region is not None:
            top, bottom = max(0, int(region[1] * SCALE) - 12), min(height, int(region[3] * SCALE) + 12)
        else:
            top, bottom = 0, min(height, width // 2)
        crop = image.crop((left, top, right, bottom))
        if crop.width > MAX_WIDTH:
            crop = crop.resize((MAX_WIDTH, max(1, round(crop.height * MAX_WIDTH / crop.width))))
        buffer = io.BytesIO()
        crop.save(buffer, format="PNG")  # optimize=True: 4× the time for ~10% fewer bytes
        return buffer.getvalue()
