"""The prose against the tables: each amount the text states for a topic equals the table cell
the topic is printed in (pipelines/vocab/prose.yaml, ``targets``).

    check_prose(prose, context, check_prefix="prose", tables_document_id=None) -> [Finding]

The text may round a table's number (18,654.93 万元 stated as 1.87 亿元): a difference within half
a unit of the stated number's last digit passes; one within the rounding of both numbers is a
rounding difference. ``context`` may hold the facts of another document (pipelines.crosscheck: a
prose-only document against the tables document of the same unit, year and kind); then
``tables_document_id`` names that document in the location and message.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pipelines.checks.context import CheckContext, half_unit_of, rules
from pipelines.checks.findings import Finding
from pipelines.checks.selection import Selected, describe, select
from pipelines.checks.tree import cell_key
from pipelines.checks.wording import as_stated, location, money, quoted, text, topic_name
from pipelines.model import UNIT_TO_YUAN


def prose_targets() -> dict[str, list[dict]]:
    return rules("prose.yaml")["targets"]


def prose_target(context: CheckContext, topic: str, year: int | None) -> Selected | None:
    for spec in prose_targets().get(topic, []):
        if (selected := select(context, spec, year)) is not None:
            return selected
    return None


def _year(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def check_prose(prose: pd.DataFrame, context: CheckContext, *, check_prefix: str = "prose",
                tables_document_id: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    seen = set()
    for row in prose.itertuples():
        key = (row.topic, row.fiscal_year, row.amount)
        if key in seen:
            continue
        seen.add(key)
        target = prose_target(context, row.topic, _year(row.fiscal_year))
        if target is None:
            continue
        stated = Decimal(row.amount)
        unit = row.unit
        table_value = target.amount_yuan / UNIT_TO_YUAN[unit]
        where = describe(target, context)
        if tables_document_id:
            where = f"同一单位的表格文件（{tables_document_id}）中{where}"
            place = f"tables document {tables_document_id} {location(target.first)} (prose p.{row.page})"
        else:
            place = f"prose p.{row.page}"
        final = target.first.table_code.startswith("final_")
        said = (f"第{row.page}页正文称{topic_name(row.topic, final)}{as_stated(stated, unit)}"
                f"（{quoted(text(row.sentence))}）")
        exact = half_unit_of(stated)
        statement = ("prose", int(row.page), row.topic, stated)
        findings.append(Finding(
            f"{check_prefix}.{row.topic}", table_value, stated, place,
            message=f"{said}，但{where}，相差{money(abs(stated - table_value), unit)}",
            summary=f"{said}，与{where}一致",
            claim=f"第{row.page}页正文所述{topic_name(row.topic, final)}",
            page=int(row.page), unit=unit, exact=exact,
            rounding=exact + context.rounding(target.facts, unit),
            cells=frozenset({statement} | {cell_key(f) for f in target.facts}), actual_cells=frozenset({statement}),
            anchor=statement, anchor_yuan=stated * UNIT_TO_YUAN[unit],
            order=int(row.page) * 10_000,
        ))
    return findings
