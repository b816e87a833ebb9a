"""Every kind of bad input fails the extraction stage with an actionable DocumentError."""
from __future__ import annotations

import pytest

from fixtures import bad_pdfs
from pipelines.ingest import build_facts, extract_document
from pipelines.model import DocumentError

CASES = {
    "make_not_a_pdf": "is not a PDF",
    "make_truncated": "truncated",
    "make_corrupt": "damaged",
    "make_encrypted": "password",
    "make_scanned": "OCR",
    "make_no_tounicode": "ToUnicode",
    "make_private_use_text": "Unicode",
    "make_not_budget": "does not look like a budget disclosure",
}


@pytest.mark.parametrize("maker, words", sorted(CASES.items()))
def test_bad_input_fails_with_a_clear_error(tmp_path, maker, words):
    path = getattr(bad_pdfs, maker)(tmp_path)
    with pytest.raises(DocumentError) as raised:
        extract_document(path)
    assert words in str(raised.value)
    assert path.name in str(raised.value)


def test_too_long_pdf_names_the_limit(tmp_path):
    path = bad_pdfs.make_long(tmp_path, pages=60)
    with pytest.raises(DocumentError, match="limit of 50"):
        extract_document(path, max_pages=50)


def test_prose_only_budget_is_a_valid_document(tmp_path):
    doc = extract_document(bad_pdfs.make_budget_prose_only(tmp_path))
    assert doc.tables == [] and build_facts(doc).empty
    assert any(text for _, text in doc.prose_pages)
