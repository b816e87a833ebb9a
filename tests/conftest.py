"""Shared fixtures: the bundled sample, the real corpus (skipped when absent), a processed sample."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_TEXT = SHARED / "seed" / "000_7f9e754d246d6c25.txt"


def process(path):
    """Run every domain stage on one file, in pipelines.process's order, keeping the extraction.
    A corpus document is read once per test session (several test modules assert on it)."""
    if Path(path).resolve().parent == CORPUS.resolve():
        return _process_corpus_document(str(Path(path).resolve()))
    return _process(path)


def _process(path):
    from pipelines.ingest import extract_document
    from pipelines.process import derive

    doc = extract_document(path)
    result = derive(doc)
    return doc, result.facts, result.indicators, result.prose, result.validation


@functools.lru_cache(maxsize=None)
def _process_corpus_document(path: str):
    return _process(path)


@pytest.fixture(scope="session")
def processed_sample():
    return process(SAMPLE_PDF)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not present beside the checkout")
    return CORPUS


@pytest.fixture(scope="session")
def final_pair(tmp_path_factory):
    """(budget_pdf, final_pdf): the generated 2024 单位预算 and 单位决算 of one unit, a consistent pair
    (tests/fixtures/final_accounts.py; load them with its load_pair)."""
    from fixtures.final_accounts import render_pair
    return render_pair(tmp_path_factory.mktemp("final-pair"))
