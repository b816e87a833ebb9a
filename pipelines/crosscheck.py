"""Prose document vs tables document: checks between two documents of the warehouse.

Some departments publish their budget as two files: a prose document (the 部门预算 text, no
tables) and a tables document (the 部门预算公开表). Each loads on its own; the prose document's
amounts can only be checked once the tables document of the same unit_name, fiscal_year and
doc_kind is in the warehouse too, possibly loaded in a later run.

    cross_document_findings(con) -> DataFrame[VALIDATION_COLUMNS]
    refresh_cross_document_findings(con) -> DataFrame   # computes and writes them, one transaction

The topic -> table mapping is the prose check's (pipelines/vocab/prose.yaml ``targets``). The rows
belong to the prose document; their check_id is ``prose_xdoc.<topic>`` (the ``prose.<topic>`` of
a single-document check, with a prefix that keeps them separable), and their location names the
tables document: ``tables document <id> summary p.1 本年收入合计 (prose p.3)``.

Plain Python + duckdb (no Dagster).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.checks.context import build_context
from pipelines.checks.findings import findings_frame
from pipelines.checks.prose import check_prose
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, empty_frame
from pipelines.warehouse import STATUS_LOADED, replace_check_rows

CHECK_PREFIX = "prose_xdoc"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    """Query result as object columns: DECIMAL stays Decimal (``.df()`` would give floats) and
    integer columns with NULLs stay int/None."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return pd.DataFrame({c: pd.Series([r[i] for r in rows], dtype=object) for i, c in enumerate(columns)},
                        columns=columns)


Group = tuple[str, int, str]
"""(unit_name, fiscal_year, doc_kind): the documents that can form pairs with each other."""


def _in_group(group: Group | None, alias: str = "d") -> tuple[str, list]:
    if group is None:
        return "", []
    return (f" AND {alias}.unit_name = ? AND {alias}.fiscal_year = ? AND {alias}.doc_kind = ?",
            list(group))


def document_pairs(con: duckdb.DuckDBPyConnection, group: Group | None = None) -> list[tuple[str, str]]:
    """(prose document, tables document) pairs: a loaded document with prose amounts and no facts,
    and a loaded document of the same unit_name, fiscal_year and doc_kind that has facts (only
    those of ``group`` when given)."""
    where, params = _in_group(group)
    rows = con.execute(
        """
        WITH counts AS (
            SELECT d.document_id, d.unit_name, d.fiscal_year, d.doc_kind,
                   (SELECT count(*) FROM facts f WHERE f.document_id = d.document_id) AS n_facts,
                   (SELECT count(*) FROM prose_amounts p WHERE p.document_id = d.document_id) AS n_prose
            FROM documents d
            WHERE d.status = ? AND d.unit_name IS NOT NULL AND d.fiscal_year IS NOT NULL
                  AND d.doc_kind IS NOT NULL""" + where + """
        )
        SELECT p.document_id, t.document_id
        FROM counts p JOIN counts t
          ON p.unit_name = t.unit_name AND p.fiscal_year = t.fiscal_year AND p.doc_kind = t.doc_kind
        WHERE p.n_prose > 0 AND p.n_facts = 0 AND t.n_facts > 0 AND t.document_id <> p.document_id
        ORDER BY p.document_id, t.document_id
        """,
        [STATUS_LOADED, *params],
    ).fetchall()
    return [(prose_id, tables_id) for prose_id, tables_id in rows]


def check_document_pair(prose: pd.DataFrame, facts: pd.DataFrame, prose_document_id: str,
                        tables_document_id: str) -> pd.DataFrame:
    """The prose amounts of one document against the facts of another, as validation rows of the
    prose document."""
    findings = []
    if not prose.empty and not facts.empty:
        facts = facts.copy()
        facts["is_total"] = facts["is_total"].map(lambda v: bool(v) if v is not None and not pd.isna(v) else False)
        findings = check_prose(prose, build_context(None, facts), check_prefix=CHECK_PREFIX,
                               tables_document_id=tables_document_id)
    return findings_frame(prose_document_id, findings)


def cross_document_findings(con: duckdb.DuckDBPyConnection, group: Group | None = None) -> pd.DataFrame:
    """Validation rows for every prose-only document whose tables document is loaded too (of
    ``group`` only, when given)."""
    frames = []
    for prose_id, tables_id in document_pairs(con, group):
        prose = _frame(con, f"SELECT {', '.join(PROSE_COLUMNS)} FROM prose_amounts WHERE document_id = ? "
                            "ORDER BY page, topic", [prose_id])
        facts = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ? "
                            "ORDER BY page", [tables_id])
        frame = check_document_pair(prose, facts, prose_id, tables_id)
        if not frame.empty:
            frames.append(frame)
    if not frames:
        return empty_frame(VALIDATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[VALIDATION_COLUMNS]


def refresh_cross_document_findings(con: duckdb.DuckDBPyConnection, group: Group | None = None
                                    ) -> pd.DataFrame:
    """Recompute the cross-document rows and write them, in one transaction (or in the caller's,
    when one is open: a document's load and its pair's checks commit together): every loaded
    document's previous ``prose_xdoc.*`` rows are replaced by the current findings (so a pair
    that no longer exists leaves no stale rows). With ``group``, only that unit, year and kind's
    documents. Returns the rows written."""
    where, params = _in_group(group)
    return replace_check_rows(con, CHECK_PREFIX, lambda: cross_document_findings(con, group), where, params)
