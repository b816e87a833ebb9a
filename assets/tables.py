"""The warehouse tables, materialised together: every new source document is processed in its own
process and written in its own transaction (pipelines.ingestion), then the findings are checked.

The asset nodes are the DuckDB tables analysts query (documents, facts, performance_indicators,
prose_amounts, validation_results); their metadata describe what this run wrote.
"""

import contextlib
from collections import Counter

import dagster as dg
import pandas as pd

from assets import progress
from assets.checks import FINDING_CATEGORIES, category_check_result, documents_check_result
from assets.partitions import budget_year_partitions
from assets.resources import WarehouseResource
from assets.sources import source_documents
from pipelines import warehouse as warehouse_db
from pipelines.ingestion import BatchResult, SourceFile, ingest_sources
from pipelines.schema import TABLES_BY_NAME
from pipelines.inputs import displayable

TABLE_DESCRIPTIONS = {
    "documents": "One row per ingested file version: unit, year, kind, status, amount coverage.",
    "facts": "One row per non-empty numeric cell of every table, exact decimals as printed.",
    "performance_indicators": "One row per indicator of every performance-target form.",
    "prose_amounts": "Amounts stated in the prose, with their sentence.",
    "validation_results": "Findings: identities within and between tables, prose, completeness.",
    "dim_unit": "One row per unit (unit_key) with the names it was printed with across years.",
    "version_changes": "Facts added, removed or changed by a new version of a document.",
}

def column_schema(columns) -> dg.TableSchema:
    """The columns and their meaning (pipelines.schema / pipelines.views), shown in the UI."""
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.comment) for c in columns])


CHECK_SPECS = [
    dg.AssetCheckSpec(f"{category}_findings", asset="validation_results", description=description)
    for category, description in FINDING_CATEGORIES.items()
] + [dg.AssetCheckSpec("documents_loaded", asset="documents",
                       description="Every source file was ingested, every table amount captured.")]


@dg.multi_asset(
    specs=[dg.AssetSpec(name, description=text, group_name="warehouse", kinds={"duckdb"},
                        deps=[source_documents], partitions_def=budget_year_partitions,
                        metadata={"dagster/column_schema": column_schema(TABLES_BY_NAME[name].columns)})
           for name, text in TABLE_DESCRIPTIONS.items()],
    check_specs=CHECK_SPECS,
    pool="duckdb_writer",  # one DuckDB writer at a time across runs
    partitions_def=budget_year_partitions,
    ins={"source_documents": dg.AssetIn()},
    name="warehouse_tables",
)
def warehouse_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     source_documents: list[SourceFile]):
    settings = warehouse.settings()
    with contextlib.closing(warehouse.connect(log=context.log.warning)) as con:
        batch = ingest_sources(con, source_documents, settings, progress=progress.report,
                               log=context.log.warning)
        ids = [o.document_id for o in batch.outcomes]
        documents = _rows(con, "documents", ids)
        findings = _rows(con, "validation_results", ids)
        counts = {t: _count(con, t, ids) for t in TABLE_DESCRIPTIONS if t != "dim_unit"}
        totals = warehouse_db.table_row_counts(con)
    published = warehouse_db.publish_snapshot(settings.database)  # analysts read this copy
    context.log.info(f"published {published}")
    yield from _materializations(batch, documents, findings, counts, totals, str(settings.database))
    for category in FINDING_CATEGORIES:
        yield category_check_result(category, findings, documents)
    yield documents_check_result(batch.outcomes, documents)


def _rows(con, table: str, document_ids: list[str]) -> pd.DataFrame:
    if not document_ids:
        return pd.DataFrame(columns=warehouse_db.TABLE_COLUMNS[table])
    cursor = con.execute(f"SELECT * FROM {table} WHERE document_id IN (SELECT unnest(?))", [document_ids])
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def _count(con, table: str, document_ids: list[str]) -> int:
    if not document_ids:
        return 0
    return con.execute(f"SELECT count(*) FROM {table} WHERE document_id IN (SELECT unnest(?))",
                       [document_ids]).fetchone()[0]


def _materializations(batch: BatchResult, documents: pd.DataFrame, findings: pd.DataFrame,
                      counts: dict[str, int], totals: dict[str, int], database: str):
    statuses = Counter(o.status for o in batch.outcomes)
    overview = pd.DataFrame([{
        "unit": o.unit_name, "year": o.fiscal_year, "kind": o.doc_kind, "status": o.status,
        "facts": o.facts, "coverage": _percent(o.amount_coverage),
        "checks failed": o.checks_failed, "file": displayable(o.source_path), "error": o.error or "",
        "changes": "" if o.changes is None else f"vs {o.changes.previous_document_id}: {o.changes.summary()}",
    } for o in batch.outcomes])
    yield dg.MaterializeResult(asset_key="documents", metadata={
        "database": database,
        "processed": len(batch.outcomes),
        **{f"documents_{status}": count for status, count in sorted(statuses.items())},
        "rows_in_warehouse": totals["documents"],
        "documents": dg.MetadataValue.md(markdown(overview)),
    })
    facts_by_table: Counter[str] = Counter()
    for outcome in batch.outcomes:
        facts_by_table.update(outcome.facts_by_table)
    by_table = pd.DataFrame(sorted(facts_by_table.items()), columns=["table_code", "facts"])
    for table in ("facts", "performance_indicators", "prose_amounts", "version_changes"):
        metadata = {"rows_written": counts[table], "rows_in_warehouse": totals[table]}
        if table == "facts":
            metadata["facts_per_table_code"] = dg.MetadataValue.md(markdown(by_table))
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
    failing = findings[findings["passed"] == False] if len(findings) else findings  # noqa: E712
    metadata = {"rows_written": counts["validation_results"],
                "failed": len(failing),
                "rows_in_warehouse": totals["validation_results"]}
    if batch.cross_document is not None:
        metadata["cross_document_checks"] = len(batch.cross_document)
    if batch.budget_document is not None:
        metadata["budget_document_checks"] = len(batch.budget_document)
    if batch.cross_document_error:
        metadata["cross_document_error"] = batch.cross_document_error
    yield dg.MaterializeResult(asset_key="validation_results", metadata=metadata)
    yield dg.MaterializeResult(asset_key="dim_unit", metadata={"rows_in_warehouse": totals["dim_unit"]})



def _percent(share) -> str:
    return "" if share is None else f"{float(share) * 100:.1f}%"


def markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_no rows_"
    # disable_numparse keeps Decimal amounts as printed instead of float formatting
    return frame.to_markdown(index=False, disable_numparse=True)
