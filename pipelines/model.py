"""Data shapes passed between the pipeline stages.

Column lists mirror ../shared/data-contract.md; the warehouse DDL is built from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd


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
    doc_kind: str | None = None  # 单位预算 / 部门预算
    amount_unit: str | None = None  # 元 / 万元


@dataclass
class Cell:
    """One printed cell of a table body."""
    text: str
    page: int  # 1-based


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
    regions: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    # (page, bbox in pdfplumber coordinates: x0, top, x1, bottom) of each ruled piece of the table


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


DOCUMENT_COLUMNS = [
    "document_id", "source_path", "sha256", "pages", "unit_name", "supervisor", "fiscal_year",
    "doc_kind", "amount_unit", "status", "error", "ingested_at",
]

FACT_COLUMNS = [
    "document_id", "unit_name", "fiscal_year", "table_code", "side", "item", "func_code",
    "econ_dept_code", "econ_gov_code", "project_name", "project_category", "measure", "amount",
    "unit", "amount_yuan", "is_total", "page",
]

INDICATOR_COLUMNS = [
    "document_id", "project_name", "level1", "level2", "level3", "operator", "target_value",
    "target_unit", "target_text", "page",
]

PROSE_COLUMNS = ["document_id", "topic", "fiscal_year", "amount", "unit", "page", "sentence"]

VALIDATION_COLUMNS = [
    "document_id", "check_id", "severity", "passed", "expected", "actual", "location", "message",
]

UNIT_TO_YUAN = {"元": Decimal(1), "万元": Decimal(10000)}


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
