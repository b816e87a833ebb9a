"""Named repairs of printed rows, applied while a table's rows are gathered.

Each takes the table so far and the row being added, and says whether it absorbed the row:

    repeated_total     a 合计 printed again under the repeated header of a continuation page
    label_below        a Word table rules a row's label onto the line below its amounts
    amounts_below      ... or its amounts onto a line of their own
    wrapped_tail       a label cut by a page break: its last characters open the next page
"""
from __future__ import annotations

from pipelines.model import Cell, ExtractedTable
from pipelines.read.cells import CODE_NAME_PATTERN, CODE_PATTERN, is_total_label, no_amounts, only_amounts
from pipelines.vocabulary import compact

WRAPPED_TAIL_MAX = 6  # characters: a longer label-only row is a row of its own (a unit's heading)


def _fill_empty(row: list[Cell], texts: list[str]) -> None:
    for cell, text in zip(row, texts):
        if compact(text) and not compact(cell.text):
            cell.text = text


def repeated_total(table: ExtractedTable, texts: list[str], page: int, first_of_piece: bool) -> bool:
    if not (table.rows and first_of_piece and page != table.pages[0] and is_total_label(texts)):
        return False
    if [compact(t) for t in texts] != [compact(c.text) for c in table.rows[0]]:
        return False
    # read once, where the table starts; the completeness check counts its printed cells as read
    table.repeated_rows.append([Cell(t, page) for t in texts])
    return True


def label_below(table: ExtractedTable, texts: list[str], page: int) -> bool:
    if not (table.rows and no_amounts(texts) and table.rows[-1][0].page == page
            and only_amounts([c.text for c in table.rows[-1]])):
        return False
    _fill_empty(table.rows[-1], texts)
    return True


def amounts_below(table: ExtractedTable, texts: list[str], page: int) -> bool:
    if not (table.rows and only_amounts(texts) and no_amounts([c.text for c in table.rows[-1]])
            and table.rows[-1][0].page == page):
        return False
    _fill_empty(table.rows[-1], texts)
    return True


def wrapped_tail(table: ExtractedTable, texts: list[str], page: int, first_of_piece: bool) -> bool:
    """The first row of a continuation page holds only the end of the previous row's label."""
    if not (table.rows and first_of_piece and table.rows[-1][0].page == page - 1):
        return False
    filled = [i for i, t in enumerate(texts) if compact(t)]
    if not filled or not no_amounts(texts):
        return False
    fragments = [compact(texts[i]) for i in filled]
    if any(CODE_PATTERN.match(f) or CODE_NAME_PATTERN.match(f) for f in fragments):
        return False
    previous = table.rows[-1]
    if sum(len(f) for f in fragments) > WRAPPED_TAIL_MAX or not all(compact(previous[i].text) for i in filled):
        return False
    for i in filled:
        previous[i].text = previous[i].text + compact(texts[i])
    return True


def mend_spilled_headers(paths: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Header text squeezed over a rule into the next cell (预算数 政 | 府预算支出经济科目（按大类 |
    ） 预算数): move up to three characters across a rule where a header no vocabulary reads
    becomes readable and its neighbour stays readable as what it was (a label stays a label)."""
    from pipelines.vocabulary import header_kind

    paths = list(paths)
    for i in range(len(paths) - 1):
        left, right = paths[i], paths[i + 1]
        if not left or not right or left[:-1] != right[:-1]:
            continue
        kinds = header_kind(left), header_kind(right)
        if None not in kinds:
            continue
        a, b = left[-1], right[-1]
        for k in (1, 2, 3):
            options = ((a[:-k], a[-k:] + b), (a + b[:k], b[k:]))
            mended = next((pair for pair in options if pair[0] and pair[1] and _keeps(
                kinds, (header_kind(left[:-1] + (pair[0],)), header_kind(right[:-1] + (pair[1],))))), None)
            if mended:
                paths[i], paths[i + 1] = left[:-1] + (mended[0],), right[:-1] + (mended[1],)
                break
    return paths


def _keeps(before: tuple[str | None, str | None], after: tuple[str | None, str | None]) -> bool:
    return None not in after and all(b is None or b == a for b, a in zip(before, after))
