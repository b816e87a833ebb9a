"""Asset checks: one per family of accounting identities, plus whether every document loaded.

A failed identity is a finding about the publication, not a pipeline error: it shows as a
WARN-severity failed check and never fails the run.
"""

import dagster as dg
import pandas as pd

from assets.partitions import budget_year_partitions
from assets.documents import StageRows, WarehouseLoad, _markdown, validation_results, warehouse

# check_id prefix (before the first '.') -> what the family checks
IDENTITY_FAMILIES = {
    "row_sum": "Totals equal the sum of their rows and columns.",
    "hierarchy": "Each 类 equals the sum of its 款, each 款 the sum of its 项.",
    "cross_table": "The same amount agrees across the tables that print it.",
    "prose": "Amounts stated in the prose match the tables.",
    "performance": "Performance forms agree with the project budget.",
}
OTHER_FAMILY = "other"
PREFIX_ALIASES = {"cross": "cross_table"}  # pipelines.validate names them cross.*

FINDING_COLUMNS = ["document_id", "check_id", "location", "expected", "actual", "message"]


def identity_family(check_id: str) -> str:
    prefix = str(check_id).split(".", 1)[0]
    prefix = PREFIX_ALIASES.get(prefix, prefix)
    return prefix if prefix in IDENTITY_FAMILIES else OTHER_FAMILY


def _family_check(family: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=validation_results, name=f"{family}_identities", description=description,
                    partitions_def=budget_year_partitions)
    def identity_check(validation_results: StageRows) -> dg.AssetCheckResult:
        rows = validation_results.rows
        in_family = rows[rows["check_id"].map(identity_family) == family] if not rows.empty else rows
        failing = in_family[in_family["passed"] == False]  # noqa: E712 - elementwise
        return dg.AssetCheckResult(
            passed=failing.empty,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "checked": len(in_family),
                "failed": len(failing),
                "failing_rows": dg.MetadataValue.md(_markdown(_findings(failing))),
            },
        )

    return identity_check


def _findings(failing: pd.DataFrame) -> pd.DataFrame:
    return failing[FINDING_COLUMNS].rename(columns={"document_id": "document"}).reset_index(drop=True)


identity_checks = [
    _family_check(family, description) for family, description in IDENTITY_FAMILIES.items()
] + [_family_check(OTHER_FAMILY, "Identities whose check_id has none of the known prefixes.")]


@dg.asset_check(asset=warehouse, name="documents_loaded", partitions_def=budget_year_partitions,
                description="Every source file was ingested; a failed document needs a user's action.")
def documents_loaded(warehouse: WarehouseLoad) -> dg.AssetCheckResult:
    failed = [o for o in warehouse.outcomes if o.status == "failed"]
    table = pd.DataFrame([{"file": o.source_path, "document": o.document_id, "error": o.error}
                          for o in failed], columns=["file", "document", "error"])
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents": len(warehouse.outcomes),
            "failed": len(failed),
            "failed_documents": dg.MetadataValue.md(_markdown(table)),
        },
    )


all_checks = [*identity_checks, documents_loaded]
