"""Ingest a batch of source files into the warehouse, one document at a time.

    ingest_sources(con, sources, settings, progress=None, log=None) -> list[DocumentOutcome]

Each file is processed (pipelines.process) in a process of its own under the time limit, so one
bad file can neither crash nor stall the batch; each result is written in its own transaction as
soon as it arrives, so memory stays flat over thousands of files and a crash keeps every document
written before it. Plain Python (no Dagster): the assets and the tests call it.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import duckdb

from pipelines import budget_crosscheck, crosscheck, warehouse
from pipelines.isolation import map_with_time_limit
from pipelines.model import DocumentError
from pipelines.process import DocumentResult, process_document
from pipelines.review import prior_year
from pipelines.settings import Settings

# progress(stage, path, done, total, ok, failed)
Progress = Callable[[str, str, int, int, int, int], None]


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str
    document_id: str


@dataclass
class DocumentOutcome:
    source_path: str
    document_id: str
    status: str
    unit_name: str | None = None
    fiscal_year: int | None = None
    doc_kind: str | None = None
    amount_coverage: object = None  # Decimal share, None without table pages
    facts: int = 0
    facts_by_table: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: int = 0
    error: str | None = None


@dataclass
class BatchResult:
    outcomes: list[DocumentOutcome]
    cross_document: object = None  # DataFrame of the prose_xdoc rows written, or None
    cross_document_error: str | None = None
    prior_year: object = None  # DataFrame of the prior_xdoc rows written (pipelines.review.prior_year), or None
    budget_document: object = None  # DataFrame of the budget_xdoc rows written (pipelines.budget_crosscheck), or None


def user_message(error: BaseException) -> str:
    if isinstance(error, DocumentError):
        return str(error)
    return f"unexpected {type(error).__name__}: {error}".strip()


def ingest_sources(con: duckdb.DuckDBPyConnection, sources: list[SourceFile], settings: Settings,
                   progress: Progress | None = None, log: Callable[[str], None] | None = None
                   ) -> BatchResult:
    log = log or (lambda message: None)
    by_path = {s.path: s for s in sources}
    outcomes: list[DocumentOutcome] = []
    work = partial(process_document, max_pages=settings.max_pages)
    # largest files first, so the last worker to finish is not holding the longest file
    ordered = sorted(by_path, key=_file_size, reverse=True)
    for path, result in map_with_time_limit(work, ordered, seconds=settings.file_time_limit,
                                            workers=min(len(ordered), settings.workers) or 1):
        source = by_path[path]
        if isinstance(result, BaseException):
            outcome = _record_failure(con, source, user_message(result))
        else:
            outcome = _load(con, source, result)
        if outcome.error:
            log(f"{source.path}: {outcome.error}")
        outcomes.append(outcome)
        if progress is not None:
            failed = sum(o.status == warehouse.STATUS_FAILED for o in outcomes)
            progress("processing", path, len(outcomes), len(ordered), len(outcomes) - failed, failed)
    batch = BatchResult(outcomes=sorted(outcomes, key=lambda o: o.source_path))
    # prose-only documents against the tables document of the same unit, year and kind, which may
    # have been loaded in this batch or an earlier one
    try:
        batch.cross_document = crosscheck.refresh_cross_document_findings(con)
        # and each document's prior-year figures against the prior year's document of the same unit
        batch.prior_year = prior_year.refresh_prior_year_findings(con)
        # and each final account's printed budget against the budget document of its unit and year
        batch.budget_document = budget_crosscheck.refresh_budget_document_findings(con)
    except Exception as error:  # noqa: BLE001 - the documents stay loaded; say so
        batch.cross_document_error = user_message(error)
        log(f"cross-document checks: {batch.cross_document_error}")
    return batch


def _load(con, source: SourceFile, result: DocumentResult) -> DocumentOutcome:
    info = result.info
    outcome = DocumentOutcome(source.path, info.document_id, warehouse.STATUS_FAILED,
                              unit_name=info.unit_name, fiscal_year=info.fiscal_year,
                              doc_kind=info.doc_kind, amount_coverage=info.amount_coverage)
    try:
        outcome.status = warehouse.load_document(con, info, result.facts, result.indicators,
                                                 result.prose, result.validation)
    except Exception as error:  # noqa: BLE001 - the transaction rolled back
        message = f"writing to the warehouse: {user_message(error)}"
        failed = _record_failure(con, source, message, pages=info.pages)
        return failed
    outcome.facts = len(result.facts)
    outcome.facts_by_table = {str(k): int(v) for k, v in result.facts["table_code"].value_counts().items()}
    outcome.checks_failed = result.checks_failed
    outcome.checks_passed = len(result.validation) - outcome.checks_failed
    return outcome


def _record_failure(con, source: SourceFile, error: str, pages: int | None = None) -> DocumentOutcome:
    warehouse.record_failure(con, source.document_id, source.path, source.sha256, pages, error)
    return DocumentOutcome(source.path, source.document_id, warehouse.STATUS_FAILED, error=error)


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def outcomes_in_warehouse(con: duckdb.DuckDBPyConnection, document_ids: list[str]) -> list[DocumentOutcome]:
    """What the warehouse holds for these documents now: status, counts, coverage, error."""
    if not document_ids:
        return []
    rows = con.execute(
        "SELECT d.source_path, d.document_id, d.status, d.unit_name, d.fiscal_year, d.doc_kind, "
        "d.amount_coverage, d.error, "
        "(SELECT count(*) FILTER (WHERE v.passed) FROM validation_results v WHERE v.document_id = d.document_id), "
        "(SELECT count(*) FILTER (WHERE NOT v.passed) FROM validation_results v WHERE v.document_id = d.document_id) "
        "FROM documents d WHERE d.document_id IN (SELECT unnest(?)) ORDER BY d.source_path",
        [document_ids]).fetchall()
    by_table: dict[str, dict[str, int]] = {}
    for document_id, table_code, count in con.execute(
            "SELECT document_id, table_code, count(*) FROM facts WHERE document_id IN (SELECT unnest(?)) "
            "GROUP BY ALL", [document_ids]).fetchall():
        by_table.setdefault(document_id, {})[table_code] = count
    outcomes = []
    for path, document_id, status, unit, year, kind, coverage, error, passed, failed in rows:
        counts = by_table.get(document_id, {})
        outcomes.append(DocumentOutcome(path, document_id, status, unit, year, kind, coverage,
                                        sum(counts.values()), counts, passed, failed, error))
    return outcomes
