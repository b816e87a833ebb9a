"""How findings name things: amounts, columns, tables and rows, in the words of a budget reviewer.

    一般公共预算基本支出情况表（第13页）“对个人和家庭补助”（303）基本支出165.95万元

``location`` is the short, stable form the tests and the warehouse's location column use:
``general_basic p.13 303 对个人和家庭补助``.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pandas as pd
import yaml

from pipelines.vocabulary import VOCAB_DIR, compact

SHOWN_PARTS = 8  # summands listed in one message before "等N项"


@lru_cache(maxsize=None)
def _names() -> dict:
    with open(VOCAB_DIR / "messages.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(value) -> str:
    """A label cell as text: '' for None / NaN."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _places(amount: Decimal, unit: str | None) -> int:
    printed = -amount.as_tuple().exponent
    if printed > 2:  # read back from the warehouse with six decimals: show what is significant
        printed = min(6, max(2, -amount.normalize().as_tuple().exponent))
    return max(printed, 2 if unit == "万元" else 0)


def number(amount: Decimal, unit: str | None = None) -> str:
    return f"{amount:,.{_places(amount, unit)}f}"


def money(amount: Decimal, unit: str | None) -> str:
    unit = unit if isinstance(unit, str) else None  # a table printed without a unit
    return f"{number(amount, unit)}{unit or ''}"


def as_stated(amount: Decimal, unit: str | None) -> str:
    """An amount with the decimals the text gave it (0万元, 1.5万元, 29,837.96万元)."""
    places = max(0, -amount.as_tuple().exponent)
    return f"{amount:,.{places}f}{unit or ''}"


def measure_name(measure: str) -> str:
    """合计, 因公出国（境）经费（一般公共预算）, 合计增减额 …: composed measures read by their parts."""
    names = _names()["measures"]
    if measure in names:
        return names[measure]
    for suffix, word in _names().get("measure_suffixes", {}).items():
        if measure.endswith(suffix) and measure[:-len(suffix)] in names:
            return names[measure[:-len(suffix)]] + word
    for fund in ("general_budget", "gov_fund", "state_capital", "fiscal_subtotal", "unit_funds",
                 "special_account", "other_funds"):
        if measure.endswith("_" + fund) and (base := measure[:-len(fund) - 1]) in names:
            return f"{names[base]}（{names[fund]}）"
    return measure


def topic_name(topic: str, final: bool = False) -> str:
    """What a prose topic is called; ``final``: in a final account's words (收入总计, not 收入预算总额)."""
    names = {**_names()["topics"], **(_names()["final_topics"] if final else {})}
    if topic in names:
        return names[topic]
    for suffix, word in _names().get("topic_suffixes", {}).items():
        if topic.endswith(suffix) and topic[:-len(suffix)] in names:
            return names[topic[:-len(suffix)]] + word
    return topic


def side_name(side) -> str:
    return _names()["sides"].get(text(side), "")


def table_name(table_code: str, titles: dict[str, str] | None = None) -> str:
    """The table's printed title where the document is at hand, else its usual name."""
    if not (titles or {}).get(table_code) and table_code.startswith("unclassified"):
        return "未命名的表"  # a table printed without a title (a chart's data in the prose)
    return (titles or {}).get(table_code) or _names()["tables"].get(table_code, table_code)


def code_of(row) -> str:
    """The row's classification code as printed; a row that prints both economic codes shows both
    (301/505: a consolidated department prints 301 once under 501 and once under 505)."""
    func, dept, gov = (text(getattr(row, k, None)) for k in ("func_code", "econ_dept_code", "econ_gov_code"))
    if func:
        return func
    return f"{dept}/{gov}" if dept and gov else dept or gov


def first_code(row) -> str:
    """The code a summand is listed by (30101基本工资)."""
    return code_of(row).split("/")[0]


def row_label(row) -> str:
    """“对个人和家庭补助”（303）, 收入方“收入总计”; a total row that prints no label is 合计行, and
    the one row of a table such as 三公 is named by its year alone."""
    label = text(getattr(row, "item", None)) or text(getattr(row, "project_name", None))
    code = code_of(row)
    shown = (f"“{label}”" if label else "") + (f"（{code}）" if code else "")
    if not shown and bool(getattr(row, "is_total", False)):
        shown = "合计行"
    if not shown and (year := getattr(row, "fiscal_year", None)) is not None and not pd.isna(year):
        shown = f"{int(year)}年"
    side = side_name(getattr(row, "side", None))
    return f"{side}方{shown}" if side else shown


def table_place(table_code: str, page, titles: dict[str, str] | None = None) -> str:
    where = f"（第{int(page)}页）" if page is not None and not pd.isna(page) else ""
    return f"{table_name(table_code, titles)}{where}"


def place(row, titles: dict[str, str] | None = None) -> str:
    """一般公共预算基本支出情况表（第13页）“对个人和家庭补助”（303）"""
    return table_place(row.table_code, row.page, titles) + row_label(row)


def cell(row, titles: dict[str, str] | None = None) -> str:
    """The printed cell: its row and column, and the amount (a total row's 合计 column is the row)."""
    column = measure_name(row.measure)
    where = place(row, titles)
    if bool(getattr(row, "is_total", False)) and row.measure == "total":
        column = ""
    return f"{where}{column}{money(row.amount, row.unit)}"


def part(row) -> str:
    """A summand as a reviewer would list it: 30302退休费138.52"""
    label = text(getattr(row, "item", None)) or text(getattr(row, "project_name", None))
    return f"{first_code(row)}{label}{number(row.amount, row.unit)}"


def listing(rows, describe=part) -> str:
    shown = [describe(r) for r in rows[:SHOWN_PARTS]]
    more = f" + …（共{len(rows)}项）" if len(rows) > SHOWN_PARTS else ""
    return " + ".join(shown) + more


def location(row) -> str:
    """general_basic p.13 303 对个人和家庭补助 (row N where the row prints no label)."""
    code = code_of(row)
    label = " ".join(x for x in (code, text(getattr(row, "item", None)) or text(getattr(row, "project_name", None)))
                     if x)
    if not label:
        row_no = getattr(row, "row_no", None)
        label = f"row {int(row_no)}" if row_no is not None and not pd.isna(row_no) else f"[{row.measure}]"
    return f"{row.table_code} p.{row.page} {label}"


def quoted(sentence: str, limit: int = 60) -> str:
    sentence = compact(sentence)
    return f"“{sentence[:limit]}{'…' if len(sentence) > limit else ''}”"
