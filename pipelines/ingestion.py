"""Ingest a batch of source files into the warehouse, one document at a time.

    plan_sources(paths, known, year=None, accept_new_version=False) -> SourcePlan
    ingest_sources(con, sources, settings, progress=None, log=None) -> BatchResult

Every input path is judged on its own (pipelines.inputs): one that cannot be read becomes a failed
document with the reason, never an aborted run. Each readable file is processed
(pipelines.process) in a process of its own under the time and memory limits, so one bad file can
neither crash, stall nor exhaust the batch; each result is written in its own transaction as soon
as it arrives, together with the cross-document checks of its unit, year and kind, so memory
stays flat over thousands of files and a crash keeps every document written before it. Plain
Python (no Dagster): the assets and the tests call it.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import duckdb

from pipelines import budget_crosscheck, crosscheck, versions, warehouse
from pipelines.ingest import document_id_for
from pipelines.inputs import UnreadableInput, displayable, find_inputs, path_document_id, read_sha256
from pipelines.isolation import map_with_time_limit
from pipelines.model import DocumentError
from pipelines.process import DocumentResult, process_document
from pipelines.review import prior_year
from pipelines.settings import Settings

# progress(stage, path, done, total, ok, failed)
Progress = Callable[[str, str, int, int, int, int], None]
MAX_WARNINGS_SHOWN = 3


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the operating system gives it (pipelines.inputs.displayable to show it)
    sha256: str | None
    document_id: str
    problem: str | None = None  # why it cannot be read: recorded as failed without processing
    accept: bool = False  # the user confirmed it as the new version (--accept-new-version)
    pending: bool = False  # already in the warehouse as a pending version: accept it, no parsing


@dataclass
class SourcePlan:
    """What an ingestion of some paths will do."""
    sources: list[SourceFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # bytes already in the warehouse
    pending: list[str] = field(default_factory=list)  # already there, held back, not accepted
    duplicates: list[str] = field(default_factory=list)  # same bytes as an earlier path
    other_year: int = 0
    no_year: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        """Input paths seen, whatever became of them."""
        return (len(self.sources) + len(self.unchanged) + len(self.pending) + len(self.duplicates)
                + self.other_year + len(self.no_year))


def plan_sources(paths: list[str], known: dict[str, tuple[str, str]], *, year: int | None = None,
                 accept_new_version: bool = False, read_year: Callable[[str], int | None] | None = None
                 ) -> SourcePlan:
    """The source files below ``paths``: each readable file once (by content), minus the bytes the
    warehouse already has (``known``: sha256 -> (document_id, status), see
    warehouse.known_hashes); pending versions come back to be accepted when
    ``accept_new_version``. With ``year``, only the files whose cover names that budget year."""
    from pipelines.landing import read_budget_year

    read_year = read_year or read_budget_year
    plan = SourcePlan()
    seen: set[str] = set()
    for item in find_inputs(paths):
        if item.problem is not None:
            plan.sources.append(_unreadable(item.path, item.problem))
            continue
        try:
            sha = read_sha256(item.path)
        except UnreadableInput as error:
            plan.sources.append(_unreadable(item.path, str(error)))
            continue
        document_id = document_id_for(sha)
        if document_id in seen:
            plan.duplicates.append(item.path)
            continue
        seen.add(document_id)
        status = known.get(sha, (None, None))[1]
        if status == warehouse.STATUS_PENDING and accept_new_version:
            plan.sources.append(SourceFile(item.path, sha, known[sha][0], accept=True, pending=True))
            continue
        if status == warehouse.STATUS_PENDING:
            plan.pending.append(item.path)
            continue
        if status is not None:
            plan.unchanged.append(item.path)
            continue
        if year is not None:
            file_year = read_year(item.path)
            if file_year is None:
                plan.no_year.append(item.path)
                continue
            if file_year != year:
                plan.other_year += 1
                continue
        plan.sources.append(SourceFile(item.path, sha, document_id, accept=accept_new_version))
    return plan


def _unreadable(path: str, problem: str) -> SourceFile:
    return SourceFile(path, None, path_document_id(path), problem=problem)


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
    changes: versions.Changes | None = None  # against the version that was current


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
    outcomes: list[DocumentOutcome] = []
    total = len(sources)

    def done(outcome: DocumentOutcome) -> None:
        if outcome.error:
            log(displayable(f"{outcome.source_path}: {outcome.error}"))
        outcomes.append(outcome)
        if progress is not None:
            failed = sum(o.status == warehouse.STATUS_FAILED for o in outcomes)
            progress("processing", displayable(outcome.source_path), len(outcomes), total,
                     len(outcomes) - failed, failed)

    to_process = []
    for source in sources:
        if source.problem is not None:
            done(_record_failure(con, source, source.problem))
        elif source.pending:
            done(_accept(con, source))
        else:
            to_process.append(source)
    by_path = {s.path: s for s in to_process}
    work = partial(process_document, max_pages=settings.max_pages)
    # largest files first, so the last worker to finish is not holding the longest file
    ordered = sorted(by_path, key=_file_size, reverse=True)
    for path, result in map_with_time_limit(work, ordered, seconds=settings.file_time_limit,
                                            workers=min(len(ordered), settings.workers) or 1,
                                            memory_mb=settings.file_memory_limit_mb):
        source = by_path[path]
        if isinstance(result, BaseException):
            done(_record_failure(con, source, user_message(result)))
            continue
        if result.warnings:
            log(_warnings_line(source.path, result.warnings))
        done(_load(con, source, result))
    batch = BatchResult(outcomes=sorted(outcomes, key=lambda o: o.source_path))
    # Each document's pair was checked in its own transaction; this repairs any pair a warehouse
    # written before that (or by a killed run of an older version) lacks.
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


def _warnings_line(path: str, warnings: list[str]) -> str:
    shown = "; ".join(warnings[:MAX_WARNINGS_SHOWN])
    more = f" (and {len(warnings) - MAX_WARNINGS_SHOWN} more)" if len(warnings) > MAX_WARNINGS_SHOWN else ""
    return displayable(f"{path}: pdfminer warned {len(warnings)} time(s) while reading it: {shown}{more}")


def _load(con, source: SourceFile, result: DocumentResult) -> DocumentOutcome:
    info = result.info
    outcome = DocumentOutcome(source.path, info.document_id, warehouse.STATUS_FAILED,
                              unit_name=info.unit_name, fiscal_year=info.fiscal_year,
                              doc_kind=info.doc_kind, amount_coverage=info.amount_coverage)
    try:
        with warehouse.transaction(con):  # the document and its pair's checks, together
            outcome.status = warehouse.load_document(con, info, result.facts, result.indicators,
                                                     result.prose, result.validation,
                                                     accept_new_version=source.accept)
            if None not in (info.unit_name, info.fiscal_year, info.doc_kind):
                crosscheck.refresh_cross_document_findings(
                    con, (info.unit_name, info.fiscal_year, info.doc_kind))
    except Exception as error:  # noqa: BLE001 - the transaction rolled back
        message = f"writing to the warehouse: {user_message(error)}"
        failed = _record_failure(con, source, message, pages=info.pages)
        return failed
    return _outcome_now(con, source, outcome, result)


def _outcome_now(con, source: SourceFile, outcome: DocumentOutcome, result: DocumentResult) -> DocumentOutcome:
    if outcome.status != warehouse.STATUS_LOADED:
        outcome.error = con.execute("SELECT error FROM documents WHERE document_id = ?",
                                    [outcome.document_id]).fetchone()[0]
    if outcome.status in (warehouse.STATUS_LOADED, warehouse.STATUS_PENDING):
        outcome.facts = len(result.facts)
        outcome.facts_by_table = {str(k): int(v) for k, v in result.facts["table_code"].value_counts().items()}
        outcome.checks_failed = result.checks_failed
        outcome.checks_passed = len(result.validation) - outcome.checks_failed
    outcome.changes = versions.changes_of(con, outcome.document_id)
    return outcome


def _accept(con, source: SourceFile) -> DocumentOutcome:
    """A pending version the user confirmed: it becomes current."""
    try:
        warehouse.accept_version(con, source.document_id)
    except Exception as error:  # noqa: BLE001 - rolled back: it stays pending
        return DocumentOutcome(source.path, source.document_id, warehouse.STATUS_PENDING,
                               error=f"accepting the new version: {user_message(error)}")
    (outcome,) = outcomes_in_warehouse(con, [source.document_id])
    outcome.source_path = source.path
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
            # a pending or superseded document's facts are in the archive, a loaded one's in facts
            "SELECT document_id, table_code, count(*) FROM (SELECT document_id, table_code FROM facts "
            "UNION ALL SELECT document_id, table_code FROM facts_superseded) "
            "WHERE document_id IN (SELECT unnest(?)) GROUP BY ALL", [document_ids]).fetchall():
        by_table.setdefault(document_id, {})[table_code] = count
    outcomes = []
    for path, document_id, status, unit, year, kind, coverage, error, passed, failed in rows:
        counts = by_table.get(document_id, {})
        outcomes.append(DocumentOutcome(path, document_id, status, unit, year, kind, coverage,
                                        sum(counts.values()), counts, passed, failed, error,
                                        versions.changes_of(con, document_id)))
    return outcomes
