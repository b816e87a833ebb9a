"""Shared fixtures: the bundled sample, the real corpus (skipped when absent), a processed sample."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_TEXT = SHARED / "seed" / "000_7f9e754d246d6c25.txt"


def process(path):
    """Run every domain stage on one file, as the Dagster assets do."""
    from pipelines.ingest import (
        build_facts, build_indicators, build_prose_amounts, extract_document, validate_document,
    )

    doc = extract_document(path)
    facts = build_facts(doc)
    indicators = build_indicators(doc)
    prose = build_prose_amounts(doc)
    return doc, facts, indicators, prose, validate_document(doc, facts, indicators, prose)


@pytest.fixture(scope="session")
def processed_sample():
    return process(SAMPLE_PDF)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not present beside the checkout")
    return CORPUS
