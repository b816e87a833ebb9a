"""Nothing lost silently: the amounts printed on every table page, read independently of the table
extraction, against what the page's facts hold.

    measure_completeness(doc, facts, indicators) -> Completeness

The independent reading is pypdfium2's text of the page (triage has it already, so nothing is
parsed twice). A printed amount is a number with a decimal point or thousands separators
(1,234.56 / 82,000.00 / 0.90 / 9,616.338314); bare integers (years, codes, page numbers) never
count, nor percentages, nor amounts that belong to a sentence (followed by 万元 / 元 / 亿元, or on a
line of running prose). A table page is a page a table was read from, or one that prints rows of
numbers outside prose (pipelines.triage.table_lines), whether or not the reader saw a table there.

Each table page yields one ``completeness.page_amounts`` finding (pipelines.checks.completeness):
passed when every printed amount is matched (as a multiset of exact decimals) by a fact of that
page (a form's printed amounts are facts, pipelines.form_facts) or by a number the page's
performance forms state (in an indicator's target value, text or weight, or a project's name);
otherwise it lists the amounts that did not become facts. A table page with printed amounts from
which nothing was read (no fact, no form) is an error; a partial page is a warning. Facts whose
amount is not printed on their page at all (``completeness.fact_printed``)
would be invented numbers: always an error.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from pipelines.columns import non_money_numbers
from pipelines.model import ExtractedDocument
from pipelines.money import parse_amount
from pipelines.read.cells import is_prose_line
from pipelines.triage import TABLE_LINES, table_lines

# an amount as a table prints it; not glued to other digits, dots or commas; not a percentage
TABLE_AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d]|[.,]\d)")
# any number, for the reverse check (a fact may come from a bare integer cell such as 0 or 1200)
ANY_NUMBER = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d]|[.,]\d)")
_PROSE_AFTER = re.compile(r"\s*(?:万元|亿元|元|万|%|％|‰|个|人|辆|次|倍|平方米|公里|户|项|年|月|日)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class PageCompleteness:
    page: int
    printed: int
    matched: int
    missing: list[str] = field(default_factory=list)  # tokens as printed, in reading order
    facts: int = 0
    forms: int = 0  # performance forms read from the page (their amounts are not facts)

    @property
    def nothing_read(self) -> bool:
        return self.facts == 0 and self.forms == 0


@dataclass
class Completeness:
    pages: list[PageCompleteness]
    invented: list[tuple[int, Decimal]]  # (page, amount) of facts not printed on their page

    @property
    def printed(self) -> int:
        return sum(p.printed for p in self.pages)

    @property
    def matched(self) -> int:
        return sum(p.matched for p in self.pages)

    @property
    def coverage(self) -> Decimal | None:
        if not self.printed:
            return None
        return (Decimal(self.matched) / Decimal(self.printed)).quantize(Decimal("0.0001"))


def decimal_value(token: str) -> Decimal | None:
    try:
        return Decimal(token.replace(",", "").replace("−", "-")).normalize()
    except InvalidOperation:
        return None


# two amounts the text layer runs together (168,441.81154,304.22: a bold amount filling its cell up
# to the next one's): a two-decimal amount cannot go on with digits in thousands groups
_GLUED = re.compile(r"(?<=\.\d{2})(?=-?\d{1,3},\d{3})")


def unglue(text: str) -> str:
    return _GLUED.sub(" ", text or "")


def printed_amounts(text: str) -> list[str]:
    """Amount tokens a table prints on a page, in reading order (prose amounts left out)."""
    tokens = []
    text = unglue(text)
    offset = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        if is_prose_line(line):
            continue
        matches = list(TABLE_AMOUNT.finditer(line))
        for match in matches:
            # the unit may be on the next line: a sentence wrapped after its number
            if _PROSE_AFTER.match(text, start + match.end()):
                continue
            if match.end() < len(line) and _CJK.match(line[match.end()]):
                continue  # 1.5匹防爆: a number inside a text (a specification), not an amount
            glued = match.start() > 0 and _CJK.match(line[match.start() - 1])
            if glued and len(matches) == 1:
                continue  # 预算支出18330.37 (万元 on the next line): a sentence, not a cell
            tokens.append(match.group(0))
    return tokens


def _values_by_page(pages, amounts) -> dict[int, Counter]:
    by_page: dict[int, Counter] = {}
    for page, amount in zip(pages, amounts):
        if page is None or pd.isna(page) or amount is None:
            continue
        value = amount if isinstance(amount, Decimal) else decimal_value(str(amount))
        if value is None or not value.is_finite():
            continue
        by_page.setdefault(int(page), Counter())[value.normalize()] += 1
    return by_page


def _indicator_values(indicators: pd.DataFrame) -> dict[int, Counter]:
    """Numbers printed in the forms' indicator texts (指标值, 三级指标, the weight; every number as
    printed) and in their project names (PM2.5 in 北京市PM2.5高密度监测网络设备更新项目), once per page."""
    by_page: dict[int, Counter] = {}
    if indicators is None or indicators.empty:
        return by_page
    names = set()
    weights = indicators["weight"] if "weight" in indicators else [None] * len(indicators)
    for page, target, level3, name, weight in zip(indicators["page"], indicators["target_text"],
                                                  indicators["level3"], indicators["project_name"], weights):
        if page is None or pd.isna(page):
            continue
        texts = [target, level3, None if weight is None or pd.isna(weight) else str(weight)]
        if (page, name) not in names:
            names.add((page, name))
            texts.append(name)
        for text in texts:
            if not isinstance(text, str):
                continue
            for token in ANY_NUMBER.findall(text):
                if (value := decimal_value(token)) is not None:
                    by_page.setdefault(int(page), Counter())[value] += 1
    return by_page


def _read_but_not_facts(doc: ExtractedDocument) -> dict[int, Counter]:
    """Numbers the reader read and deliberately did not make facts: rows a table prints again
    (read once, where the table starts), columns that are not money (序号, 数量, 自评分数) and the
    amounts of a form printed again (福州 p52 reprints p28's form: facts once, from the first)."""
    by_page: dict[int, Counter] = {}
    for table in doc.tables:
        cells = [(cell.page, cell.text) for row in table.repeated_rows for cell in row]
        for page, text in cells + non_money_numbers(table):
            if (value := parse_amount(text)) is not None:
                by_page.setdefault(page, Counter())[value.normalize()] += 1
    for form in doc.performance_forms:
        if form.reprint_of is None:
            continue
        for fund in form.funds:
            if (value := parse_amount(fund.text)) is not None:
                by_page.setdefault(fund.page, Counter())[value.normalize()] += 1
    return by_page


def measure_completeness(doc: ExtractedDocument, facts: pd.DataFrame,
                         indicators: pd.DataFrame | None = None) -> Completeness:
    texts = doc.page_texts
    fact_values = _values_by_page(facts["page"], facts["amount"]) if len(facts) else {}
    form_values = _indicator_values(indicators)
    for page, values in _read_but_not_facts(doc).items():
        form_values.setdefault(page, Counter()).update(values)
    form_pages = Counter(form.page for form in doc.performance_forms)
    table_pages = ({p for t in doc.tables for p in t.pages} | set(fact_values)
                   | {cell.page for form in doc.performance_forms for row in form.rows for cell in row})
    pages: list[PageCompleteness] = []
    for number, text in enumerate(texts, start=1):
        tokens = printed_amounts(text)
        if number not in table_pages and (not tokens or table_lines(text) < TABLE_LINES):
            continue  # no table here (a chart's axis labels are numbers too)
        available = fact_values.get(number, Counter()) + form_values.get(number, Counter())
        matched, missing = 0, []
        for token in tokens:
            value = decimal_value(token)
            if value is not None and available[value] > 0:
                available[value] -= 1
                matched += 1
            else:
                missing.append(token)
        pages.append(PageCompleteness(number, len(tokens), matched, missing,
                                      sum(fact_values.get(number, Counter()).values()), form_pages[number]))
    return Completeness(pages, _invented(texts, fact_values))


def _invented(texts: list[str], fact_values: dict[int, Counter]) -> list[tuple[int, Decimal]]:
    """Facts whose amount is not printed on their page (as many times as facts carry it)."""
    invented = []
    for page, values in sorted(fact_values.items()):
        text = texts[page - 1] if 1 <= page <= len(texts) else ""
        printed = Counter(v for v in (decimal_value(t) for t in ANY_NUMBER.findall(unglue(text))) if v is not None)
        for value, count in sorted(values.items()):
            invented += [(page, value)] * max(0, count - printed[value])
    return invented

