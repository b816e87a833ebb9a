"""Findings of one document: every check, then one finding per source defect.

    validate_document(doc, facts, indicators, prose, completeness) -> DataFrame[VALIDATION_COLUMNS]
    check_facts(facts, prose, forms, doc=None) -> [Finding]   the checks on facts alone

Every check yields one result row per place it checks (passed or not), so an analyst can see what
was checked as well as what failed. An inconsistency in a document is a finding, never an
exception. The checks themselves are pipelines.checks.
"""
from __future__ import annotations

import pandas as pd

from pipelines.checks.balances import check_balances
from pipelines.checks.cascade import resolve_cascades
from pipelines.checks.completeness import completeness_findings, identity_findings, unmapped_column_findings
from pipelines.checks.context import build_context
from pipelines.checks.cross_table import check_cross_tables
from pipelines.checks.findings import Finding, findings_frame
from pipelines.checks.hierarchy import check_hierarchy
from pipelines.checks.performance import check_performance
from pipelines.checks.prose import check_prose
from pipelines.checks.rows import check_rows
from pipelines.completeness import Completeness
from pipelines.model import ExtractedDocument, PerformanceForm


def check_facts(facts: pd.DataFrame, prose: pd.DataFrame | None = None, forms: list[PerformanceForm] = (),
                doc: ExtractedDocument | None = None) -> list[Finding]:
    """The identities within and between the tables, the forms and the prose against them, with
    the failures one defect explains reported once. ``doc`` (optional) names the tables by their
    printed titles and supplies the fiscal year and the source's rounding notes."""
    if facts.empty:
        return []
    context = build_context(doc, facts)
    findings = check_rows(context) + check_hierarchy(context) + check_balances(context) + check_cross_tables(context)
    findings += check_performance(list(forms), context, doc.info.amount_unit if doc is not None else None)
    if prose is not None and not prose.empty:
        findings += check_prose(prose, context)
    resolve_cascades(findings)
    return findings


def validate_document(doc: ExtractedDocument, facts: pd.DataFrame, indicators: pd.DataFrame,
                      prose: pd.DataFrame, completeness: Completeness | None = None) -> pd.DataFrame:
    findings = completeness_findings(completeness) if completeness is not None else []
    findings += identity_findings(facts)
    findings += unmapped_column_findings(doc)
    findings += check_facts(facts, prose, doc.performance_forms, doc)
    return findings_frame(doc.info.document_id, findings)
