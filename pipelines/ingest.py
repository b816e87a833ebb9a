"""The domain pipeline's public entry points, one per stage.

    extract_document(path)            -> ExtractedDocument   (pdfplumber; raises DocumentError)
    build_facts(doc)                  -> DataFrame[FACT_COLUMNS]
    build_indicators(doc)             -> DataFrame[INDICATOR_COLUMNS]
    build_prose_amounts(doc)          -> DataFrame[PROSE_COLUMNS]
    validate_document(doc, facts, indicators, prose) -> DataFrame[VALIDATION_COLUMNS]

Dagster assets call these stages; tests call them directly.
"""
from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from pipelines.damage import Damage, judge
from pipelines.read.forms import is_form_page
from pipelines.read.metadata import read_metadata
from pipelines.read.pages import read_pages
from pipelines.read.stitch import assemble
from pipelines.facts import build_facts
from pipelines.indicators import build_indicators
from pipelines.inputs import read_sha256
from pipelines.model import (
    DocumentInfo, ExtractedDocument,
)
from pipelines.prose import build_prose_amounts
from pipelines.triage import triage_pdf
from pipelines.validate import validate_document

__all__ = ["extract_document", "build_facts", "build_indicators", "build_prose_amounts",
           "validate_document", "file_sha256", "document_id_for"]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a regular file (pipelines.inputs.read_sha256: a FIFO or an unreadable file is a
    DocumentError saying so, never a blocked or crashed worker)."""
    return read_sha256(path)


def document_id_for(sha256: str) -> str:
    """Stable id from content: same bytes, same id."""
    return sha256[:16]


def extract_document(path: str | Path, *, max_pages: int = 2000,
                     damage: Damage | None = None) -> ExtractedDocument:
    """Triage with pypdfium2, then parse only the pages that hold tables with pdfplumber.

    Damage the readers signal (pipelines.damage) fails the file unless it is confined to pages
    without tables; then it is left in ``damage`` for the caller's finding."""
    damage = Damage() if damage is None else damage
    sha = file_sha256(path)
    # pdfplumber's own pass below checks for "(cid:NNN)" text, so triage need not sample pages
    triage = triage_pdf(path, max_pages=max_pages, unicode_sample_pages=0, damage=damage)
    info = DocumentInfo(document_id=document_id_for(sha), source_path=str(path), sha256=sha,
                        pages=triage.page_count)
    wanted = sorted(set(triage.table_candidate_pages) | {
        i + 1 for i, text in enumerate(triage.page_texts) if is_form_page(text)})
    # damage to a page that will be read for tables fails the file: say so before reading it
    judge(Path(path).name, damage, text_pages=triage.text_pages,
          table_pages=[*triage.table_candidate_pages, *wanted])
    _, reads = read_pages(path, wanted, damage=damage)
    doc = assemble(info, reads)
    printed = read_metadata(triage.page_texts, doc.tables, doc.performance_forms)
    doc.info = replace(doc.info, **asdict(printed))
    parsed = {r.number for r in reads}
    # prose of the pages pdfplumber did not need: pypdfium2 already read them
    doc.page_texts = list(triage.page_texts)
    doc.prose_pages = sorted(doc.prose_pages + [
        (i + 1, text) for i, text in enumerate(triage.page_texts) if i + 1 not in parsed])
    judge(Path(path).name, damage, text_pages=triage.text_pages, table_pages=[
        *triage.table_candidate_pages, *wanted, *(p for t in doc.tables for p in t.pages)])
    return doc

