"""Findings of one document: every check, then one finding per source defect.

    validate_document(doc, facts, indicators, prose, completeness) -> DataFrame[VALIDATION_COLUMNS]

Every check yields one result row per place it checks (passed or not), so an analyst can see what
was checked as well as what failed. An inconsistency in a document is a finding, never an
exception. The checks themselves are pipelines.checks.
"""
from __future__ import annotations

import pandas as pd

from pipelines.checks.cascade import resolve_cascades
from pipelines.checks.completeness import completeness_findings, unmapped_column_findings
from pipelines.checks.context import build_context
from pipelines.checks.cross_table import check_cross_tables
from pipelines.checks.findings import Finding, findings_frame
from pipelines.checks.hierarchy import check_hierarchy
from pipelines.checks.performance import check_performance
from pipelines.checks.prose import check_prose
from pipelines.checks.rows import check_rows
from pipelines.completeness import Completeness
from pipelines.model import ExtractedDocument


def document_findings(doc: ExtractedDocument, facts: pd.DataFrame, prose: pd.DataFrame,
                      completeness: Completeness | None = None) -> list[Finding]:
    findings: list[Finding] = completeness_findings(completeness) if completeness is not None else []
    findings += unmapped_column_findings(doc)
    if facts.empty:
        return findings
    context = build_context(doc, facts)
    findings += check_rows(context)
    findings += check_hierarchy(context)
    findings += check_cross_tables(context)
    findings += check_performance(doc.performance_forms, context, doc.info.amount_unit)
    if not prose.empty:
        findings += check_prose(prose, context)
    resolve_cascades(findings)
    return findings


def validate_document(doc: ExtractedDocument, facts: pd.DataFrame, indicators: pd.DataFrame,
                      prose: pd.DataFrame, completeness: Completeness | None = None) -> pd.DataFrame:
    return findings_frame(doc.info.document_id, document_findings(doc, facts, prose, completeness))
