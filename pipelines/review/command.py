"""`budget review FILE.pdf`: read one document, review it and write its report.

    review_file(path, out_dir=None, database=None) -> ReviewOutcome

The document is read and checked as an ingestion would (pipelines.process), without writing the
warehouse. When a warehouse is there (``database`` or the default) and holds the prior year's
document of the same unit and kind, the prior-year figures are checked against it too.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import warehouse
from pipelines.crosscheck import _frame
from pipelines.ingest import extract_document
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, DocumentInfo
from pipelines.process import derive
from pipelines.review.prior_year import compare_with_prior_document
from pipelines.review.report import build_report, write_report
from pipelines.settings import current


@dataclass
class ReviewOutcome:
    info: DocumentInfo
    html: Path
    xlsx: Path
    findings: int  # entries in the report
    prior_document: str | None  # the prior-year document compared with, if any


def prior_year_rows(info: DocumentInfo, facts: pd.DataFrame, prose: pd.DataFrame,
                    database: Path) -> tuple[pd.DataFrame | None, str | None]:
    """Rows comparing this document with its prior-year document in the warehouse, if both are there."""
    if not database.exists() or not info.unit_key or not info.fiscal_year:
        return None, None
    with closing(warehouse.connect(database, read_only=True)) as con:
        found = con.execute(
            "SELECT document_id, source_path FROM documents WHERE status = ? AND unit_key = ? AND doc_kind = ? "
            "AND fiscal_year = ? ORDER BY ingested_at DESC LIMIT 1",
            [warehouse.STATUS_LOADED, info.unit_key, info.doc_kind, info.fiscal_year - 1]).fetchall()
        if not found:
            return None, None
        prior_id, prior_path = found[0]
        prior_facts = _frame(con, f"SELECT {', '.join(FACT_COLUMNS)} FROM facts WHERE document_id = ?", [prior_id])
        prior_prose = _frame(con, f"SELECT {', '.join(PROSE_COLUMNS)} FROM prose_amounts WHERE document_id = ?",
                             [prior_id])
    sentences = prose[["page", "sentence"]].drop_duplicates() if len(prose) else pd.DataFrame(columns=["page", "sentence"])
    label = f"{info.fiscal_year - 1}年{info.doc_kind}（{Path(prior_path).name}）"
    rows = compare_with_prior_document(facts, sentences, prior_facts, info.document_id, prior_id,
                                       info.fiscal_year, label, prior_prose)
    return rows, prior_path


def review_file(path: str | Path, out_dir: str | Path | None = None,
                database: str | Path | None = None) -> ReviewOutcome:
    settings = current().with_database(database)
    doc = extract_document(path, max_pages=settings.max_pages)
    result = derive(doc)
    validation = result.validation
    prior, prior_path = prior_year_rows(result.info, result.facts, result.prose, Path(settings.database))
    if prior is not None and not prior.empty:
        validation = pd.concat([validation, prior], ignore_index=True)
    report = build_report(result.info, validation, path, doc.tables)
    html_path, xlsx_path = write_report(report, out_dir or settings.report_folder)
    return ReviewOutcome(result.info, html_path, xlsx_path, len(report.entries), prior_path)
