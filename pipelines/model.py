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
class FormIndicator:
    """One indicator row of a performance-target form, as printed (texts with whitespace removed)."""
    level1: str | None
    level2: str | None
    level3: str | None
    target: str  # 指标值 as printed, "" when blank
    page: int
    operator: str | None = None  # an operator column (指标性质 / 绩效指标性质: ≥ ≤ ＝ 定性)
    unit: str | None = None  # a unit column (计量单位 / 度量单位)
    weight: str | None = None  # 分值权重 / 指标权重
    activity: str | None = None  # 活动 of a 部门整体 form


@dataclass
class FormFund:
    """One amount printed in a form's funds block: 资金总额 / 财政拨款 / 其他资金 …, a 部门整体
    form's 预算支出总额 split by source and 基本/项目支出, a 年度主要任务 budget line."""
    labels: tuple[str, ...]  # the printed fund labels naming it, outermost first: (财政拨款, 基本支出)
    measure: str  # docs/vocabulary.md
    text: str  # as printed
    page: int
    row: int  # its row in the form's funds, 1-based: the label–amount block is one row, each budget
    # sub-table line another; in a list form, the project's line
    item: str | None = None  # the line's own label in a budget sub-table (a 年度主要任务 task)
    is_total: bool = False  # a 金额合计 line


@dataclass
class PerformanceForm:
    """One performance-target form, or one project of a list of them (预算表12), about one project,
    special fund, transfer payment or, for a 部门整体 form, the whole unit."""
    project_name: str  # as printed, without a glued project code; "" when the form prints none
    page: int  # first page
    kind: str = "project"  # project / overall / special_fund / transfer (pipelines/vocab/forms.yaml)
    title: str | None = None
    project_code: str | None = None  # printed before the name (11000021Y000000390843-…)
    unit: str | None = None  # 万元 / 元 of its amounts
    fields: dict[str, str] = field(default_factory=dict)  # other printed labels: 主管部门, 实施单位 …
    funds: list[FormFund] = field(default_factory=list)
    indicators: list[FormIndicator] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)  # every printed row of its grids
    reprint_of: int | None = None  # first page of an identical form printed earlier
    total_funds: Decimal | None = None  # its 资金总额 (年度预算资金总额, 项目总额 …) when it prints one


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
