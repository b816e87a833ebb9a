"""Triage (pypdfium2 first look) and process isolation: bad input gets a clear error, and one file can
never stall a run."""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures import bad_pdfs  # noqa: E402

from pipelines.isolation import map_with_time_limit, run_with_time_limit  # noqa: E402
from pipelines.model import DocumentError  # noqa: E402
from pipelines.triage import Triage, page_ranges, triage_pdf  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    return bad_pdfs.write_all(tmp_path_factory.mktemp("bad_pdfs"))


def triage_error(path: Path, **kwargs) -> str:
    with pytest.raises(DocumentError) as info:
        triage_pdf(path, **kwargs)
    return str(info.value)


# --- triage: the good files ----------------------------------------------------------------------

def test_valid_budget_passes(pdfs):
    result = triage_pdf(pdfs["valid"])
    assert isinstance(result, Triage)
    assert result.page_count == 2
    assert result.text_pages == [1, 2]
    assert result.table_candidate_pages == [2]  # page 1 is prose with 万元 amounts
    assert result.image_only_pages == [] and result.blank_pages == [] and result.warnings == []
    assert len(result.page_texts) == len(result.char_counts) == 2
    assert "收支总体情况表" in result.text(2) and "1,234.56" in result.text(2)
    assert result.char_counts[1] == sum(1 for ch in result.text(2) if not ch.isspace())
    assert "收支总体情况表" in result.titles_found


def test_prose_only_budget_passes_without_table_pages(pdfs):
    result = triage_pdf(pdfs["prose_only"])
    assert result.text_pages == [1] and result.table_candidate_pages == []


def test_owner_password_only_passes(pdfs):
    assert triage_pdf(pdfs["owner_only"]).table_candidate_pages == [2]


def test_a_few_scanned_pages_pass_with_a_warning(pdfs):
    result = triage_pdf(pdfs["one_scan"])
    assert result.image_only_pages == [3]
    assert result.table_candidate_pages == [2, 4]
    assert len(result.warnings) == 1 and "page 3 has no text layer" in result.warnings[0]


# --- triage: one test per kind of bad input -------------------------------------------------------

def test_not_a_pdf(pdfs):
    message = triage_error(pdfs["not_a_pdf"])
    assert "not-a-pdf.pdf is not a PDF" in message
    assert "it starts with 'not a pdf at all!'" in message
    assert "check that the download completed or re-export it as PDF" in message


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert "is empty (0 bytes)" in triage_error(empty)
    assert "does not exist" in triage_error(tmp_path / "nope.pdf")


def test_truncated(pdfs):
    message = triage_error(pdfs["truncated"])
    assert "truncated" in message and "%%EOF" in message and "download it again" in message


def test_corrupt(pdfs):
    message = triage_error(pdfs["corrupt"])
    assert "corrupt.pdf is damaged" in message and "cannot be opened" in message


def test_encrypted(pdfs):
    message = triage_error(pdfs["encrypted"])
    assert "needs a password" in message and "unprotected copy" in message


def test_scanned_pages_are_named_as_ranges(pdfs):
    message = triage_error(pdfs["scanned"])
    assert "scanned pages 3–17, 19 have no text layer" in message
    assert "16 of 20 pages" in message
    assert "OCR them first (e.g. ocrmypdf) and ingest the OCR'd file" in message


def test_vector_only_pages_have_no_text_layer(pdfs):
    message = triage_error(pdfs["vector_only"])
    assert "pages 1–3 have no text layer" in message and "ocrmypdf" in message


def test_cid_text_without_tounicode(pdfs):
    message = triage_error(pdfs["no_tounicode"])
    assert "pages 1–2" in message and "(cid:NNN)" in message
    assert "lacks a ToUnicode map" in message and "cannot be read reliably" in message
    assert "embedded Unicode fonts" in message and "OCR" in message
    # PDFium alone shows odd letters for those glyphs; they are checked even with no sample pages.
    assert "(cid:NNN)" in triage_error(pdfs["no_tounicode"], unicode_sample_pages=0)


def test_private_use_text(pdfs):
    message = triage_error(pdfs["private_use"], unicode_sample_pages=0)  # PDFium's view alone
    assert "the text on page 1 has no usable Unicode mapping" in message
    assert "private-use" in message and "ToUnicode" in message


def test_not_a_budget(pdfs):
    message = triage_error(pdfs["not_budget"])
    assert "does not look like a budget disclosure" in message
    assert "收支总体情况表" in message and "元 or 万元" in message
    assert "关于召开2024年春季运动会的通知" in message


def test_too_many_pages(pdfs):
    started = time.perf_counter()
    message = triage_error(pdfs["long"])
    assert time.perf_counter() - started < 2
    assert "2500 pages" in message and "limit of 2000" in message and "max_pages=2500" in message
    # raising the limit lets it through to the next check (blank drawings, no text)
    assert "no text layer" in triage_error(pdfs["long"], max_pages=3000)


def test_page_ranges():
    assert page_ranges([3, 4, 5, 17, 6, 20, 19]) == "3–6, 17, 19–20"
    assert page_ranges([1]) == "1" and page_ranges([]) == ""


# --- isolation -----------------------------------------------------------------------------------

def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "woke up"


def add(a: int, b: int, *, times: int = 1) -> int:
    return (a + b) * times


def raise_value_error(text: str) -> None:
    raise ValueError(text)


def raise_document_error(text: str) -> None:
    raise DocumentError(text)


def exit_hard(code: int) -> None:
    os._exit(code)


def kill_self(_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def work(item: float) -> float:
    if item < 0:
        raise ValueError(f"negative: {item}")
    time.sleep(item)
    return item * 2


def test_run_returns_result():
    assert run_with_time_limit(add, 2, 3, seconds=10, times=4) == 20


def test_slow_call_is_killed_within_the_limit():
    started = time.perf_counter()
    with pytest.raises(DocumentError, match=r"took longer than 0\.5 s") as info:
        run_with_time_limit(sleepy, 30, seconds=0.5, label="slow.pdf")
    assert time.perf_counter() - started < 5
    assert "slow.pdf" in str(info.value)


def test_child_exceptions_come_back():
    with pytest.raises(ValueError, match="bad cell 7"):
        run_with_time_limit(raise_value_error, "bad cell 7", seconds=10)
    with pytest.raises(DocumentError, match="scanned pages 3–17"):
        run_with_time_limit(raise_document_error, "scanned pages 3–17", seconds=10)


def test_child_that_dies_gives_a_clear_error():
    with pytest.raises(DocumentError, match="crashed.*exited with code 3"):
        run_with_time_limit(exit_hard, 3, seconds=10)
    with pytest.raises(DocumentError, match="crashed.*killed by SIGKILL"):
        run_with_time_limit(kill_self, None, seconds=10)


def test_triage_runs_isolated(pdfs):
    result = run_with_time_limit(triage_pdf, pdfs["valid"], seconds=30)
    assert result.table_candidate_pages == [2]
    with pytest.raises(DocumentError, match="not a PDF"):
        run_with_time_limit(triage_pdf, pdfs["not_a_pdf"], seconds=30)


def test_map_with_time_limit():
    started = time.perf_counter()
    results = dict(map_with_time_limit(work, [0.1, 30, -1, 0.2, 0.0], seconds=1.5, workers=3))
    assert time.perf_counter() - started < 8
    assert results[0.1] == 0.2 and results[0.2] == 0.4 and results[0.0] == 0.0
    assert isinstance(results[30], DocumentError) and "took longer than 1.5 s" in str(results[30])
    assert isinstance(results[-1], ValueError) and "negative: -1" in str(results[-1])


# --- the shared corpus of real disclosures ---------------------------------------------------------

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")

# (pages, first table candidate page) as seen; the -doc files are text documents whose tables
# are published separately, except js-jcy-2018-doc.pdf which includes them (pages 13–23).
CORPUS_EXPECTED = {
    "js-jcy-2018-doc.pdf": (31, [13, 23]),
    "js-rd-2019-doc.pdf": (19, None),  # prose only: "2019年部门预算公开表附后"
    "js-zx-2019-doc.pdf": (18, None),  # prose only; page 1 is an image cover
    "js-swbgt-2018-tables.pdf": (15, [3, 15]),
    "js-zx-2019-tables.pdf": (12, [1, 12]),
    "sh-ptqzf-dept-2025.pdf": (22, [8, 20]),
    "sh-ptqzf-unit-2025.pdf": (21, [8, 20]),
    "sh-shczj-2025.pdf": (21, [7, 20]),
    "sh-wanli-dept-2024.pdf": (33, [10, 31]),
    "sh-welfare-unit-2024.pdf": (16, [7, 15]),
}


@needs_corpus
def test_corpus_bad_dummy_is_not_a_pdf():
    message = triage_error(CORPUS / "bad-dummy-17b.pdf")
    assert "is not a PDF (it starts with 'dummy pdf content', 17 bytes)" in message


@needs_corpus
def test_corpus_files_pass_triage():
    for path in sorted(CORPUS.glob("*.pdf")):
        if path.name.startswith("bad-"):
            continue
        result = triage_pdf(path)
        assert result.text_pages, path.name
        expected = CORPUS_EXPECTED.get(path.name)
        if expected is None:  # a file added later: a valid disclosure with tables
            assert result.table_candidate_pages, path.name
            continue
        pages, span = expected
        assert result.page_count == pages, path.name
        if span is None:
            assert result.table_candidate_pages == [], path.name
        else:  # every table page is parsed (a prose page after the tables may be too: it is cheap)
            assert set(range(span[0], span[1] + 1)) <= set(result.table_candidate_pages), path.name
            assert min(result.table_candidate_pages) == span[0], path.name
