"""Assets: source PDFs → extracted tables → facts / indicators / prose amounts → checks → warehouse.

Each asset calls one domain stage from pipelines.ingest per document. A document that fails a
stage is carried forward as an error and recorded as failed in the warehouse; it never stops
the other documents.
"""

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets import progress
from assets.partitions import budget_year_partitions
from pipelines import crosscheck, ingest, landing
from pipelines.isolation import map_with_time_limit
from pipelines import warehouse as warehouse_db
from pipelines.model import (
    FACT_COLUMNS, INDICATOR_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentError,
    ExtractedDocument, empty_frame,
)

class IngestConfig(dg.Config):
    """Which PDFs to ingest: files or folders (searched recursively for *.pdf).

    No paths: the landing folder (BUDGET_LANDING_DIR, default data/raw). A run for a year
    partition keeps only the files whose budget year is that year, unless ``any_year`` (the
    `budget ingest` CLI: the files it is given, whatever their year)."""

    paths: list[str] = []
    any_year: bool = False


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str
    document_id: str


@dataclass
class FailedFile:
    source: SourceFile
    error: str
    pages: int | None = None


@dataclass
class Extraction:
    documents: list[ExtractedDocument]
    failures: list[FailedFile]


@dataclass
class StageRows:
    """One stage's rows for all documents, plus the documents the stage could not handle."""

    rows: pd.DataFrame
    errors: dict[str, str] = field(default_factory=dict)  # document_id -> message

    def for_document(self, document_id: str) -> pd.DataFrame:
        return self.rows[self.rows["document_id"] == document_id].reset_index(drop=True)


@dataclass
class DocumentOutcome:
    source_path: str
    document_id: str
    status: str
    unit_name: str | None = None
    fiscal_year: int | None = None
    facts: int = 0
    facts_by_table: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: int = 0
    error: str | None = None


@dataclass
class WarehouseLoad:
    database: str
    outcomes: list[DocumentOutcome]
    row_counts: dict[str, int]


def find_pdfs(paths: list[str]) -> list[Path]:
    """PDF files named directly or found below the named folders, in a stable order."""
    try:
        return landing.find_pdfs(paths)
    except FileNotFoundError as error:
        raise dg.Failure(description=str(error)) from error


@dg.asset(
    group_name="sources",
    kinds={"pdf"},
    partitions_def=budget_year_partitions,
    description="The budget disclosure PDFs of the partition's budget year (from the run config's "
                "paths, else the landing folder), with content hashes and document ids. Files whose "
                "bytes are already in the warehouse are not parsed again.",
)
def source_documents(context: dg.AssetExecutionContext, config: IngestConfig,
                     duckdb: DuckDBResource) -> list[SourceFile]:
    year = None if config.any_year or not context.has_partition_key else int(context.partition_key)
    already = warehouse_db.loaded_hashes(duckdb.database)
    sources: list[SourceFile] = []
    seen: set[str] = set()
    unchanged, other_year, no_year = [], 0, []
    for path in find_pdfs(config.paths or [str(landing.landing_dir())]):
        sha = ingest.file_sha256(path)
        document_id = ingest.document_id_for(sha)
        if document_id in seen:
            context.log.info(f"{path} has the same bytes as an earlier file; ingesting once")
            continue
        if sha in already:
            unchanged.append(str(path))
            seen.add(document_id)
            continue
        if year is not None:
            file_year = landing.read_budget_year(path)
            if file_year is None:
                no_year.append(str(path))
                context.log.warning(f"{path}: no budget year (20xx年…部门/单位预算) found in the file; "
                                    "not in any year partition. Ingest it with `budget ingest`.")
                continue
            if file_year != year:
                other_year += 1
                continue
        seen.add(document_id)
        sources.append(SourceFile(path=str(path), sha256=sha, document_id=document_id))
    listing = "\n".join(f"- `{s.path}` ({s.document_id})" for s in sources) or "_no new PDF_"
    context.add_output_metadata({
        "count": len(sources),
        "unchanged": len(unchanged),
        "other_years": other_year,
        "no_year": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in no_year) or "_none_"),
        "files": dg.MetadataValue.md(listing),
    })
    return sources


@dg.asset(
    group_name="extraction",
    kinds={"pdfplumber"},
    partitions_def=budget_year_partitions,
    description="Budget tables, performance forms and prose pages read from each PDF. "
                "A file that cannot be read is kept as a failure with a message for the user.",
)
def extracted_tables(context: dg.AssetExecutionContext, source_documents: list[SourceFile]) -> Extraction:
    extraction = Extraction(documents=[], failures=[])
    for source, document, error in _extract_all(source_documents):
        if document is not None:
            extraction.documents.append(document)
        else:
            context.log.warning(f"{source.path}: {error}")
            extraction.failures.append(FailedFile(source=source, error=error))
    lines = ["| file | document | pages | tables | table codes |", "|---|---|---|---|---|"]
    for document in extraction.documents:
        codes = ", ".join(t.table_code for t in document.tables)
        lines.append(f"| {document.info.source_path} | {document.info.document_id} | "
                     f"{document.info.pages} | {len(document.tables)} | {codes} |")
    for failure in extraction.failures:
        lines.append(f"| {failure.source.path} | {failure.source.document_id} | | failed | "
                     f"{_one_line(failure.error)} |")
    context.add_output_metadata({
        "documents": len(extraction.documents),
        "failed": len(extraction.failures),
        "tables_per_document": dg.MetadataValue.md("\n".join(lines)),
    })
    return extraction


def file_time_limit() -> float:
    """Seconds one file may take to extract before it is stopped and recorded as failed."""
    return float(os.environ.get("BUDGET_FILE_TIME_LIMIT", "300"))


def _extract_all(sources: list[SourceFile]):
    """(source, document or None, error or None) per file, in the order given. Each file runs in its
    own process (pdfplumber is not thread-safe) under a time limit, so one pathological file can
    neither crash nor stall the run."""
    outcomes = {}
    for path, outcome in map_with_time_limit(
            # largest files first, so the last worker to finish is not holding the longest file
            ingest.extract_document, sorted((s.path for s in sources), key=_file_size, reverse=True),
            seconds=file_time_limit(),
            workers=min(len(sources), os.cpu_count() or 1) or 1):
        outcomes[path] = outcome
        failed = sum(isinstance(o, BaseException) for o in outcomes.values())
        progress.report("extracting", path, len(outcomes), len(sources), len(outcomes) - failed, failed)
    results = []
    for source in sources:
        outcome = outcomes[source.path]
        if isinstance(outcome, BaseException):
            results.append((source, None, _user_message(outcome)))
        else:
            results.append((source, outcome, None))
    return results


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _user_message(error: BaseException) -> str:
    if isinstance(error, DocumentError):
        return str(error)
    return f"unexpected {type(error).__name__}: {error}".strip()


def _one_line(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "/")


def _build_per_document(context, extraction: Extraction, stage, columns: list[str], label: str) -> StageRows:
    frames, errors = [], {}
    for document in extraction.documents:
        try:
            frames.append(stage(document))
        except Exception as error:  # noqa: BLE001
            message = f"{label}: {_user_message(error)}"
            context.log.warning(f"{document.info.source_path}: {message}")
            errors[document.info.document_id] = message
    rows = _concat(frames, columns)
    _add_rows_metadata(context, rows, errors)
    return StageRows(rows=rows, errors=errors)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """All documents' rows; contract columns first, extra stage columns (e.g. row_index) kept
    because later stages may use them; the warehouse writes only the contract columns."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_frame(columns)
    rows = pd.concat(frames, ignore_index=True)
    extra = [c for c in rows.columns if c not in columns]
    return rows.reindex(columns=[*columns, *extra])


def _add_rows_metadata(context, rows: pd.DataFrame, errors: dict[str, str]) -> None:
    metadata = {"rows": len(rows), "documents_failed": len(errors)}
    if "table_code" in rows.columns:
        metadata["rows_per_table_code"] = dg.MetadataValue.md(
            _markdown(rows["table_code"].value_counts().rename_axis("table_code").reset_index()))
    metadata["preview"] = dg.MetadataValue.md(_markdown(rows.head(20)))
    context.add_output_metadata(metadata)


def _markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_no rows_"
    try:
        # disable_numparse keeps Decimal amounts as printed instead of float formatting
        return frame.to_markdown(index=False, disable_numparse=True)
    except ImportError:  # tabulate missing: a plain pipe table is enough for a preview
        header = "| " + " | ".join(map(str, frame.columns)) + " |"
        rule = "|" + "---|" * len(frame.columns)
        body = ["| " + " | ".join(_one_line(v) for v in row) + " |" for row in frame.itertuples(index=False)]
        return "\n".join([header, rule, *body])


@dg.asset(group_name="tables", kinds={"pandas"}, partitions_def=budget_year_partitions,
          description="One row per non-empty numeric cell of every budget table (exact Decimal amounts).")
def facts(context: dg.AssetExecutionContext, extracted_tables: Extraction) -> StageRows:
    return _build_per_document(context, extracted_tables, ingest.build_facts, FACT_COLUMNS, "building facts")


@dg.asset(group_name="tables", kinds={"pandas"}, partitions_def=budget_year_partitions,
          description="One row per indicator of every 项目支出绩效目标表.")
def performance_indicators(context: dg.AssetExecutionContext, extracted_tables: Extraction) -> StageRows:
    return _build_per_document(context, extracted_tables, ingest.build_indicators, INDICATOR_COLUMNS,
                               "reading performance indicators")


@dg.asset(group_name="tables", kinds={"pandas"}, partitions_def=budget_year_partitions,
          description="Amounts stated in the document's prose, with the sentence they came from.")
def prose_amounts(context: dg.AssetExecutionContext, extracted_tables: Extraction) -> StageRows:
    return _build_per_document(context, extracted_tables, ingest.build_prose_amounts, PROSE_COLUMNS,
                               "reading prose amounts")


@dg.asset(group_name="validation", kinds={"pandas"}, partitions_def=budget_year_partitions,
          description="Accounting identities checked per document: row sums, hierarchy, "
                      "cross-table, prose vs tables, performance funds.")
def validation_results(
    context: dg.AssetExecutionContext,
    extracted_tables: Extraction,
    facts: StageRows,
    performance_indicators: StageRows,
    prose_amounts: StageRows,
) -> StageRows:
    frames, errors = [], {}
    for document in extracted_tables.documents:
        document_id = document.info.document_id
        if _first_error(document_id, facts, performance_indicators, prose_amounts):
            continue  # reported by the stage that failed
        try:
            frame = ingest.validate_document(
                document, facts.for_document(document_id),
                performance_indicators.for_document(document_id), prose_amounts.for_document(document_id))
            frames.append(frame)
        except Exception as error:  # noqa: BLE001
            errors[document_id] = f"validating: {_user_message(error)}"
            context.log.warning(f"{document.info.source_path}: {errors[document_id]}")
    rows = _concat(frames, VALIDATION_COLUMNS)
    per_document = ["| document | passed | failed |", "|---|---|---|"]
    for document in extracted_tables.documents:
        passed, failed = _check_counts(rows, document.info.document_id)
        per_document.append(f"| {document.info.source_path} | {passed} | {failed} |")
    context.add_output_metadata({
        "checks": len(rows),
        "failed": int((rows["passed"] == False).sum()),  # noqa: E712 - elementwise
        "per_document": dg.MetadataValue.md("\n".join(per_document)),
        "preview": dg.MetadataValue.md(_markdown(rows[rows["passed"] == False].head(20))),  # noqa: E712
    })
    return StageRows(rows=rows, errors=errors)


def _first_error(document_id: str, *stages: StageRows) -> str | None:
    for stage in stages:
        if document_id in stage.errors:
            return stage.errors[document_id]
    return None


def _check_counts(validation: pd.DataFrame, document_id: str) -> tuple[int, int]:
    passed = validation.loc[validation["document_id"] == document_id, "passed"]
    return int((passed == True).sum()), int((passed == False).sum())  # noqa: E712


@dg.asset(
    group_name="warehouse",
    kinds={"duckdb"},
    pool="duckdb_writer",  # one DuckDB writer at a time across runs
    partitions_def=budget_year_partitions,
    description="Writes each document into the DuckDB warehouse in one transaction (documents, facts, "
                "performance_indicators, prose_amounts, validation_results, dimensions).",
)
def warehouse(
    context: dg.AssetExecutionContext,
    duckdb: DuckDBResource,
    extracted_tables: Extraction,
    facts: StageRows,
    performance_indicators: StageRows,
    prose_amounts: StageRows,
    validation_results: StageRows,
) -> WarehouseLoad:
    outcomes: list[DocumentOutcome] = []
    # warehouse_db.connect waits (bounded) while another process holds the DuckDB file's lock
    with contextlib.closing(warehouse_db.connect(duckdb.database, log=context.log.warning)) as con:
        warehouse_db.ensure_schema(con)
        total = len(extracted_tables.failures) + len(extracted_tables.documents)
        for failure in extracted_tables.failures:
            source = failure.source
            warehouse_db.record_failure(con, source.document_id, source.path, source.sha256,
                                        failure.pages, failure.error)
            outcomes.append(DocumentOutcome(source.path, source.document_id, warehouse_db.STATUS_FAILED,
                                            error=failure.error))
            _report_loading(source.path, outcomes, total)
        for document in extracted_tables.documents:
            outcomes.append(_load_one(context, con, document, facts, performance_indicators,
                                      prose_amounts, validation_results))
            _report_loading(document.info.source_path, outcomes, total)
        # prose-only documents against the tables document of the same unit, year and kind, which
        # may have been loaded in this run or an earlier one (one transaction)
        cross_document = _cross_document(context, con)
        row_counts = warehouse_db.table_row_counts(con)
    published = warehouse_db.publish_snapshot(duckdb.database)  # analysts read this copy
    outcomes.sort(key=lambda o: o.source_path)
    statuses = Counter(o.status for o in outcomes)
    context.add_output_metadata({
        "database": str(duckdb.database),
        "published_copy": str(published) if published else "",
        **{f"documents_{status}": count for status, count in sorted(statuses.items())},
        **{f"rows_{table}": count for table, count in row_counts.items()},
        **cross_document,
    })
    return WarehouseLoad(database=str(duckdb.database), outcomes=outcomes, row_counts=row_counts)


def _cross_document(context, con) -> dict:
    """Refresh the prose_xdoc.* validation rows; metadata for the warehouse asset. A failure here
    leaves the loaded documents as they are (their own transactions committed) and is logged."""
    try:
        rows = crosscheck.refresh_cross_document_findings(con)
    except Exception as error:  # noqa: BLE001
        context.log.error(f"cross-document prose checks: {_user_message(error)}")
        return {"cross_document_error": _user_message(error)}
    failing = rows[rows["passed"] == False]  # noqa: E712 - elementwise
    return {
        "cross_document_checks": len(rows),
        "cross_document_failed": len(failing),
        "cross_document_failing": dg.MetadataValue.md(_markdown(
            failing[["document_id", "check_id", "location", "message"]])),
    }


def _report_loading(path: str, outcomes: list[DocumentOutcome], total: int) -> None:
    failed = sum(o.status == warehouse_db.STATUS_FAILED for o in outcomes)
    progress.report("loading", path, len(outcomes), total, len(outcomes) - failed, failed)


def _load_one(context, con, document: ExtractedDocument, facts: StageRows, indicators: StageRows,
              prose: StageRows, validation: StageRows) -> DocumentOutcome:
    info = document.info
    outcome = DocumentOutcome(info.source_path, info.document_id, warehouse_db.STATUS_FAILED,
                              unit_name=info.unit_name, fiscal_year=info.fiscal_year)
    error = _first_error(info.document_id, facts, indicators, prose, validation)
    if error is None:
        document_facts = facts.for_document(info.document_id)
        document_checks = validation.for_document(info.document_id)
        try:
            outcome.status = warehouse_db.load_document(
                con, info, document_facts, indicators.for_document(info.document_id),
                prose.for_document(info.document_id), document_checks)
            outcome.facts = len(document_facts)
            outcome.facts_by_table = {str(k): int(v) for k, v in
                                      document_facts["table_code"].value_counts().items()}
            outcome.checks_passed, outcome.checks_failed = _check_counts(document_checks, info.document_id)
            return outcome
        except Exception as load_error:  # noqa: BLE001 - the transaction rolled back
            error = f"writing to the warehouse: {_user_message(load_error)}"
    context.log.warning(f"{info.source_path}: {error}")
    warehouse_db.record_failure(con, info.document_id, info.source_path, info.sha256, info.pages, error)
    outcome.error = error
    return outcome
