"""The review reports: one HTML page and one .xlsx per loaded document of the partition's year,
written from the warehouse after its tables are loaded (pipelines.review.report). The asset's
metadata lists the documents by unit name with their findings and a link to each report."""

import contextlib

import dagster as dg
import pandas as pd

from assets.partitions import budget_year_partitions
from assets.resources import WarehouseResource
from assets.tables import markdown
from pipelines import warehouse as warehouse_db
from pipelines.review.report import documents_to_report, report_from_warehouse


@dg.asset(
    group_name="review",
    kinds={"html", "xlsx"},
    deps=["validation_results"],
    partitions_def=budget_year_partitions,
    check_specs=[dg.AssetCheckSpec("review_findings", asset="review_reports",
                                   description="The reviewed documents have no error-level finding.")],
    description="The review report of each loaded document of the budget year (and of any loaded document "
                "without one): its findings grouped by page, with what is printed, what it should be, why, "
                "and a picture of the page region. HTML and .xlsx, in Chinese.",
)
def review_reports(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    year = int(context.partition_key) if context.has_partition_key else None
    written = []
    if settings.database.exists():
        with contextlib.closing(warehouse_db.connect(settings.database, read_only=True,
                                                     timeout=settings.lock_timeout)) as con:
            for document_id in documents_to_report(con, year, settings.report_folder):
                written.append(report_from_warehouse(con, document_id, settings.report_folder))
    table = pd.DataFrame([{"单位": w.unit_name or w.document_id, "年度": w.fiscal_year, "类型": w.doc_kind,
                           "错误": w.errors, "提示": w.warnings, "报告": str(w.html)} for w in written],
                         columns=["单位", "年度", "类型", "错误", "提示", "报告"])
    links = {f"{w.unit_name or w.document_id} {w.fiscal_year or ''}{w.doc_kind or ''}": dg.MetadataValue.url(w.html.as_uri())
             for w in written}
    yield dg.MaterializeResult(metadata={
        "reports_folder": dg.MetadataValue.path(str(settings.report_folder)),
        "documents": dg.MetadataValue.md(markdown(table)),
        **links,
    })
    failing = table[table["错误"] > 0] if len(table) else table
    yield dg.AssetCheckResult(
        check_name="review_findings", passed=failing.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"documents": len(table), "with_errors": len(failing),
                  "documents_with_errors": dg.MetadataValue.md(markdown(failing))})
