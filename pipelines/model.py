"""Data shapes passed between the pipeline stages.

Column lists come from pipelines.schema, the one declaration of the warehouse tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from pipelines import schema


class DocumentError(Exception):
    """A source file that cannot be ingested. The message is shown to users: say what to do."""


@dataclass
class DocumentInfo:
    document_id: str
    source_path: str
    sha256: str
    pages: int
    unit_name: str | None = None
    supervisor: str | None = None
    fiscal_year: int | None = None
    doc_kind: str | None = None  # 单位预算 / 部门预算 / 单位决算 / 部门决算
    amount_unit: str | None = None  # 元 / 万元
    unit_key: str | None = None
    region: str | None = None
    amount_coverage: Decimal | None = None  # share of printed table amounts that became facts


@dataclass
class Cell:
    """One printed cell of a table body."""
    text: str
    page: int  # 1-based
    indent: float | None = None  # blank space before the text: labels indent by their level
    centred: bool = False
    above: str | None = None  # text of a merged cell that covers this one from a row above


@dataclass
class ExtractedTable:
    """One logical budget table, stitched across continuation pages."""
    table_code: str
    title: str  # as printed
    unit: str | None  # 元 / 万元 printed above the table
    pages: list[int]
    header_paths: list[tuple[str, ...]]  # one path per column, top header row first
    rows: list[list[Cell]] = field(default_factory=list)
    note: str | None = None  # e.g. （注：2024年没有使用政府性基金预算拨款安排的支出。）
    column_edges: list[tuple[float, float]] | None = None  # x-ranges of the columns on its first page
    column_groups: list[list[int]] | None = None  # ruled grid columns read as each logical column
    ruled_columns: int = 0  # how many ruled columns its first page has
    sheet_code: str | None = None  # 公开03表 / 预算01表 / 表一 printed with the title
    regions: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    # (page, bbox in pdfplumber coordinates: x0, top, x1, bottom) of each ruled piece of the table
    repeated_rows: list[list[Cell]] = field(default_factory=list)
    # rows printed again on a continuation page (a 合计 under the repeated header): facts only once


@dataclass
class PerformanceForm:
    """One 项目支出绩效目标表."""
    project_name: str
    page: int
    rows: list[list[Cell]] = field(default_factory=list)
    total_funds: Decimal | None = None  # 年度预算资金总额
    unit: str | None = None


@dataclass
class ExtractedDocument:
    info: DocumentInfo
    tables: list[ExtractedTable]
    performance_forms: list[PerformanceForm]
    prose_pages: list[tuple[int, str]]  # (1-based page, text) of pages that are prose, not tables
    titles_in_text: list[str] = field(default_factory=list)  # budget table titles seen in the text
    page_texts: list[str] = field(default_factory=list)  # every page's text by pypdfium2 (triage)


DOCUMENT_COLUMNS = schema.DOCUMENTS.column_names
FACT_COLUMNS = schema.FACTS.column_names
INDICATOR_COLUMNS = schema.PERFORMANCE_INDICATORS.column_names
PROSE_COLUMNS = schema.PROSE_AMOUNTS.column_names
VALIDATION_COLUMNS = schema.VALIDATION_RESULTS.column_names

UNIT_TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000)}


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
