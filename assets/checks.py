"""Asset checks: one per category of findings (data contract v2), plus whether every document loaded.

A failed identity is a finding about the publication, not a pipeline error: it shows as a
WARN-severity failed check and never fails the run. The rows name the unit, not a hex id.
"""
from __future__ import annotations

import dagster as dg
import pandas as pd

from pipelines.inputs import displayable

FINDING_CATEGORIES = {
    "arithmetic": "Totals equal the sum of their rows and columns; each 类 the sum of its 款 and 项.",
    "cross_table": "The same amount agrees across the tables that print it.",
    "prose": "Amounts and claims stated in the prose match the tables.",
    "cross_document": "A document agrees with the other documents of the same unit.",
    "presentation": "Wording, names, years and structure are as a published document should be.",
    "completeness": "Every printed table amount became a fact.",
    "rounding": "Differences within the rounding of the printed unit (warnings only).",
}

FINDING_COLUMNS = ["unit", "check_id", "severity", "page", "location", "expected", "actual", "message"]


def _unit_names(documents: pd.DataFrame) -> dict[str, str]:
    if documents.empty:
        return {}
    return {r.document_id: (r.unit_name or r.source_path) for r in documents.itertuples()}


def category_check_result(category: str, findings: pd.DataFrame, documents: pd.DataFrame
                          ) -> dg.AssetCheckResult:
    in_category = findings[findings["category"] == category] if len(findings) else findings
    failing = in_category[in_category["passed"] == False] if len(in_category) else in_category  # noqa: E712
    names = _unit_names(documents)
    shown = pd.DataFrame({
        "unit": [names.get(d, d) for d in failing["document_id"]] if len(failing) else [],
        **{c: failing[c].tolist() if len(failing) else [] for c in FINDING_COLUMNS[1:]},
    }, columns=FINDING_COLUMNS)
    errors = int((failing["severity"] == "error").sum()) if len(failing) else 0
    return dg.AssetCheckResult(
        check_name=f"{category}_findings",
        asset_key="validation_results",
        passed=failing.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "checked": len(in_category),
            "failed": len(failing),
            "errors": errors,
            "failing_rows": dg.MetadataValue.md(_markdown(shown.head(200))),
        },
    )


def documents_check_result(outcomes, documents: pd.DataFrame) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if o.status == "failed"]
    pending = [o for o in outcomes if o.status == "pending"]  # a new version waiting for the user
    incomplete = [o for o in outcomes if o.amount_coverage is not None and o.amount_coverage < 1]
    table = pd.DataFrame([{"file": displayable(o.source_path), "unit": o.unit_name or "", "status": o.status,
                           "coverage": "" if o.amount_coverage is None else f"{float(o.amount_coverage):.2%}",
                           "error": o.error or ""}
                          for o in failed + pending + incomplete],
                         columns=["file", "unit", "status", "coverage", "error"])
    return dg.AssetCheckResult(
        check_name="documents_loaded",
        asset_key="documents",
        passed=not failed and not pending,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "documents": len(outcomes),
            "failed": len(failed),
            "pending": len(pending),
            "below_full_coverage": len(incomplete),
            "documents_needing_attention": dg.MetadataValue.md(_markdown(table)),
        },
    )


def _markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_none_"
    return frame.to_markdown(index=False, disable_numparse=True)
