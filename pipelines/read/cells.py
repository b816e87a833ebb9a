"""What a printed cell is: an amount, a classification code, a total label."""
from __future__ import annotations

import re

from pipelines.money import looks_like_amount
from pipelines.vocabulary import compact

CODE_PATTERN = re.compile(r"^\d{3}(?:\s*\d{1,2}){0,2}$")
TOTAL_WORDS = ("合计", "总计", "小计")


def is_amount_cell(text: str) -> bool:
    """An amount, not a classification code such as 208 or 2080109."""
    return looks_like_amount(text) and not CODE_PATTERN.match(text)


def only_amounts(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts if compact(t)]
    return bool(cells) and all(is_amount_cell(c) for c in cells)


def no_amounts(texts: list[str]) -> bool:
    cells = [compact(t) for t in texts if compact(t)]
    return bool(cells) and not any(is_amount_cell(c) for c in cells)


def is_total_label(texts: list[str]) -> bool:
    first = next((compact(t) for t in texts if compact(t)), "")
    return any(w in first for w in TOTAL_WORDS)


# a classification code glued to its name in one cell: 2010301-行政运行, [201]一般公共服务支出, 30101 基本工资
CODE_NAME_PATTERN = re.compile(r"^[\[【(（]?(\d{3}|\d{5}|\d{7})[\]】)）]?\s*[-－—_]?\s*(?=[^\d\s.,，、])")

_SENTENCE_MARKS = re.compile(r"[，。；：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_prose_line(line: str) -> bool:
    """A line of running text: sentence punctuation and a run of words, not a row of cells."""
    return bool(_SENTENCE_MARKS.search(line)) and len(_CJK.findall(line)) >= 12
