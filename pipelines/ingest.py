"""The domain pipeline's public entry points, one per stage.

    extract_document(path)            -> ExtractedDocument   (pdfplumber; raises DocumentError)
    build_facts(doc)                  -> DataFrame[FACT_COLUMNS]
    build_indicators(doc)             -> DataFrame[INDICATOR_COLUMNS]
    build_prose_amounts(doc)          -> DataFrame[PROSE_COLUMNS]
    validate_document(doc, facts, indicators, prose) -> DataFrame[VALIDATION_COLUMNS]

Dagster assets call these stages; tests call them directly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from pipelines.model import (
    FACT_COLUMNS, INDICATOR_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentInfo,
    ExtractedDocument, empty_frame,
)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def document_id_for(sha256: str) -> str:
    """Stable id from content: same bytes, same id."""
    return sha256[:16]


def extract_document(path: str | Path) -> ExtractedDocument:  # pragma: no cover - stub
    sha = file_sha256(path)
    info = DocumentInfo(document_id=document_id_for(sha), source_path=str(path), sha256=sha, pages=0)
    return ExtractedDocument(info=info, tables=[], performance_forms=[], prose_pages=[])


def build_facts(doc: ExtractedDocument) -> pd.DataFrame:  # pragma: no cover - stub
    return empty_frame(FACT_COLUMNS)


def build_indicators(doc: ExtractedDocument) -> pd.DataFrame:  # pragma: no cover - stub
    return empty_frame(INDICATOR_COLUMNS)


def build_prose_amounts(doc: ExtractedDocument) -> pd.DataFrame:  # pragma: no cover - stub
    return empty_frame(PROSE_COLUMNS)


def validate_document(doc, facts, indicators, prose) -> pd.DataFrame:  # pragma: no cover - stub
    return empty_frame(VALIDATION_COLUMNS)
