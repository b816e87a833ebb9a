"""One document, every domain stage, in order: the one place the order of the pipeline lives.

    process_document(path) -> DocumentResult      raises DocumentError for a file that cannot be read

    extract_document  PDF -> tables, forms, prose pages, metadata     (pipelines.ingest)
    build_facts       tables -> long-format facts
    build_indicators  performance forms -> indicator rows
    build_prose_amounts  prose -> stated amounts
    validate_document the identities, prose against tables, completeness
    review_document   the prose and presentation a reviewer reads: claims, wording, names, structure
                      (pipelines.review; its rows join the validation rows)

The Dagster assets, the CLI, the corpus report, the benchmark and the tests all call this.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.damage import Damage, findings
from pipelines.ingest import (
    build_facts, build_indicators, build_prose_amounts, extract_document, validate_document,
)
from pipelines.completeness import Completeness, measure_completeness
from pipelines.model import DocumentInfo, ExtractedDocument
from pipelines.review import review_document


@dataclass
class TableSummary:
    table_code: str
    title: str
    pages: list[int]
    facts: int


@dataclass
class DocumentResult:
    """What a document yields: its metadata and the rows of every warehouse table."""
    info: DocumentInfo
    facts: pd.DataFrame
    indicators: pd.DataFrame
    prose: pd.DataFrame
    validation: pd.DataFrame
    tables: list[TableSummary] = field(default_factory=list)
    titles_in_text: list[str] = field(default_factory=list)
    completeness: Completeness | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # what pdfminer logged while reading the file

    @property
    def checks_failed(self) -> int:
        return int((~self.validation["passed"].astype(bool)).sum()) if len(self.validation) else 0


def derive(doc: ExtractedDocument) -> DocumentResult:
    """Every stage after extraction, for an already extracted document."""
    facts = build_facts(doc)
    indicators = build_indicators(doc)
    prose = build_prose_amounts(doc)
    completeness = measure_completeness(doc, facts, indicators)
    doc.info.amount_coverage = completeness.coverage
    validation = validate_document(doc, facts, indicators, prose, completeness)
    validation = _joined(validation, review_document(doc, facts, prose))
    counts = facts.groupby(["table_code"]).size().to_dict() if len(facts) else {}
    tables = [TableSummary(t.table_code, t.title, list(t.pages), int(counts.get(t.table_code, 0)))
              for t in doc.tables]
    return DocumentResult(doc.info, facts, indicators, prose, validation, tables, list(doc.titles_in_text),
                          completeness)


def _joined(validation: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    if review.empty:
        return validation
    if validation.empty:
        return review
    return pd.concat([validation, review], ignore_index=True)


def process_document(path: str | Path, *, max_pages: int = 2000) -> DocumentResult:
    """Every stage on one file. Damage confined to pages without tables adds its finding
    (pipelines.damage); pdfminer's warnings about the file come back in ``warnings``."""
    started = time.perf_counter()
    damage = Damage()
    with damage.capturing():
        result = derive(extract_document(path, max_pages=max_pages, damage=damage))
    result.validation = _joined(result.validation, findings(result.info.document_id, damage))
    result.warnings = list(damage.warnings)
    result.seconds = time.perf_counter() - started
    return result

