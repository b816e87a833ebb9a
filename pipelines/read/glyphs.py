"""Repair glyph boxes that a font's metrics put in the wrong place, before cells and lines are read.

Some producers embed fonts whose ascent/descent put every glyph box below its baseline (cq-kjj's
digits, font E-BZ: baseline − top = −0.03 × size where normal fonts measure 0.7–0.9). pdfplumber
then assigns those characters to the ruled row below their own, so codes and amounts slip one row
under their labels, and a title's year falls onto a line of its own. Such a font's boxes are
re-derived from the baseline, as a normal font would place them.
"""
from __future__ import annotations

import statistics
from collections import defaultdict

NORMAL_ASCENT = 0.8  # share of the size above the baseline for a typical CJK/Latin font
BROKEN_BELOW = 0.2  # a font whose median (baseline − top) / size is below this is misplaced


def _ascent_ratio(char: dict, page_height: float) -> float | None:
    size = char.get("size") or 0
    matrix = char.get("matrix")
    if size <= 0 or not matrix or not char.get("upright", True):
        return None
    baseline = page_height - matrix[5]
    return (baseline - char["top"]) / size


def misplaced_fonts(chars: list[dict], page_height: float) -> set[str]:
    ratios: dict[str, list[float]] = defaultdict(list)
    for char in chars:
        ratio = _ascent_ratio(char, page_height)
        if ratio is not None:
            ratios[char.get("fontname", "")].append(ratio)
    return {font for font, values in ratios.items() if statistics.median(values) < BROKEN_BELOW}


def repair_glyph_boxes(page) -> int:
    """Re-seat the boxes of misplaced fonts' characters in place; returns how many were moved.
    Only upright text on unrotated pages (the baseline is the matrix's y there)."""
    if page.rotation % 360:
        return 0
    chars = page.chars
    fonts = misplaced_fonts(chars, page.height)
    if not fonts:
        return 0
    moved = 0
    for char in chars:
        if char.get("fontname") not in fonts or not char.get("upright", True):
            continue
        baseline = page.height - char["matrix"][5]
        height = char["bottom"] - char["top"]
        top = baseline - NORMAL_ASCENT * height
        shift = top - char["top"]
        char["top"], char["bottom"] = top, top + height
        char["y0"], char["y1"] = char["y0"] - shift, char["y1"] - shift
        char["doctop"] = char["doctop"] + shift
        moved += 1
    return moved
