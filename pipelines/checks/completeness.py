"""Nothing lost silently: the completeness measurement (pipelines.completeness) as findings, and
columns the reader could not name.

    completeness_findings(result) -> [Finding]   one per table page, one per document
    unmapped_column_findings(doc) -> [Finding]   one per column whose header has no measure yet
"""
from __future__ import annotations

from decimal import Decimal

from pipelines.checks.findings import Finding
from pipelines.checks.wording import table_place
from pipelines.completeness import Completeness
from pipelines.identity import anonymous_facts, identity_clashes
from pipelines.facts import plan_columns
from pipelines.model import ExtractedDocument
from pipelines.money import parse_amount

SHOWN_MISSING = 20  # amounts listed in one finding


def _page_message(page) -> str:
    if not page.missing:
        return f"第{page.page}页印有{page.printed}个表格金额，全部读入"
    shown = "、".join(page.missing[:SHOWN_MISSING]) + ("等" if len(page.missing) > SHOWN_MISSING else "")
    nothing = "（本页未读出任何表格数据）" if page.nothing_read else ""
    return f"第{page.page}页印有{page.printed}个表格金额，{len(page.missing)}个未读入数据{nothing}；未读入：{shown}"


def completeness_findings(result: Completeness) -> list[Finding]:
    findings = [Finding("completeness.page_amounts", Decimal(page.printed), Decimal(page.matched),
                        f"第{page.page}页", _page_message(page),
                        severity="error" if page.nothing_read and page.missing else "warning",
                        page=page.page, category="completeness")
                for page in result.pages]
    invented = result.invented
    shown = "、".join(f"第{p}页 {v:,}" for p, v in invented[:SHOWN_MISSING])
    findings.append(Finding(
        "completeness.fact_printed", Decimal(0), Decimal(len(invented)), "document",
        f"{len(invented)}个数据的金额未印在其所在页（读取错误）；{shown}" if invented else "每个数据的金额都印在其所在页",
        severity="error", page=invented[0][0] if invented else None, category="completeness"))
    return findings


def identity_findings(facts) -> list[Finding]:
    """completeness.fact_identity: no two facts share an identity and none is anonymous — a reader
    fault, never the source's, so an error (pipelines.identity)."""
    clashes, anonymous = identity_clashes(facts), anonymous_facts(facts)
    problems = len(clashes) + len(anonymous)
    first = next((frame.iloc[0] for frame in (clashes, anonymous) if len(frame)), None)
    where = f"{first['table_code']} 第{first['page']}页" if first is not None else "document"
    return [Finding(
        "completeness.fact_identity", Decimal(0), Decimal(problems), where,
        f"{len(clashes)}个数据标识重复、{len(anonymous)}个数据无行标签（读取错误），首见于{where}"
        if problems else "每个数据都有唯一的标识", severity="error", category="completeness",
        page=int(first["page"]) if first is not None else None,
        table_code=first["table_code"] if first is not None else None)]


def unmapped_column_findings(doc: ExtractedDocument) -> list[Finding]:
    """A column no measure rule recognises still loads (measure 'unmapped'); say which one."""
    findings = []
    for table in doc.tables:
        for column in plan_columns(table):
            if column.measure == "unmapped" and any(
                    parse_amount(row[column.index].text) is not None for row in table.rows):
                header = "/".join(column.path)
                where = table_place(table.table_code, table.pages[0], {table.table_code: table.title})
                findings.append(Finding(
                    "extraction.column_mapped", Decimal(0), Decimal(1), f"{table.table_code} p.{table.pages[0]}",
                    f"{where}的“{header}”栏尚无对应的度量，其金额以 measure 'unmapped' 读入"
                    "（请在 pipelines/vocab/measures.yaml 中补充该表头）",
                    severity="warning", table_code=table.table_code, page=table.pages[0]))
    return findings
