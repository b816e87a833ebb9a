"""Damaged files (issue 7, cases 3, 4 and 5): the PDF readers' own signals make a document
damaged; it fails with "the file is damaged (…); download it again" and never replaces a good
version, unless the damage is confined to pages without tables, where it loads with an
error-severity finding naming the pages. A damaged file is never told it is scanned or font-less."""
from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import bad_pdfs, mutations
from pipelines import ingestion, warehouse
from pipelines.ingest import document_id_for, extract_document, file_sha256
from pipelines.model import DocumentError
from pipelines.process import process_document
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not present")

FACT_ROW = "SELECT * EXCLUDE (document_id) FROM facts WHERE document_id = ? ORDER BY ALL"


def ingest(database: Path, *paths: Path) -> list[ingestion.DocumentOutcome]:
    """Each path in its own batch, in order (so a later one is the newer version)."""
    outcomes = []
    con = warehouse.connect(database)
    try:
        for path in paths:
            sha = file_sha256(path)
            source = ingestion.SourceFile(path=str(path), sha256=sha, document_id=document_id_for(sha))
            outcomes += ingestion.ingest_sources(con, [source], Settings(database=database, workers=1)).outcomes
    finally:
        con.close()
    return outcomes


def current(database: Path) -> tuple[list[tuple], list[tuple]]:
    """(documents (source name, status) pairs, the loaded document's facts)."""
    con = warehouse.connect(database, read_only=True)
    try:
        docs = sorted((Path(p).name, s) for p, s in con.execute("SELECT source_path, status FROM documents").fetchall())
        (loaded,) = con.execute("SELECT document_id FROM documents WHERE status = 'loaded'").fetchone()
        return docs, con.execute(FACT_ROW, [loaded]).fetchall()
    finally:
        con.close()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_a_copy_with_flipped_bits_fails_and_the_good_version_stays(tmp_path):
    """Case 3 on the sample: three flipped bits in a table page's content stream used to load with
    10 facts missing and no new failed check, superseding the intact version."""
    damaged = write(tmp_path, "damaged.pdf", mutations.flip_content(SAMPLE.read_bytes(), seed=7))
    database = tmp_path / "budget.duckdb"
    good, bad = ingest(database, SAMPLE, damaged)
    original = process_document(SAMPLE).facts
    assert good.status == "loaded" and good.facts == len(original) > 300
    assert bad.status == "failed"
    assert bad.error.startswith("damaged.pdf: the file is damaged (page 11: stream 56 does not decode")
    assert bad.error.endswith("download it again, or ask the publisher for an intact copy")
    docs, facts = current(database)
    assert docs == [("damaged.pdf", "failed"), (SAMPLE.name, "loaded")]
    assert len(facts) == len(original)


@needs_corpus
@pytest.mark.parametrize("seed, old_symptom", [(8, "34 of 185 facts gone, no failed check"),
                                               (4, "8 facts gone and 6 amounts changed")])
def test_a_corrupt_copy_of_a_corpus_file_never_supersedes_the_original(tmp_path, seed, old_symptom):
    original = CORPUS / "sh-welfare-unit-2024.pdf"
    damaged = write(tmp_path, "welfare-copy.pdf", mutations.flip_content(original.read_bytes(), seed=seed))
    database = tmp_path / "budget.duckdb"
    (first,) = ingest(database, original)
    before = current(database)[1]
    assert first.status == "loaded" and first.facts == len(before) > 100
    (second,) = ingest(database, damaged)
    assert second.status == "failed", old_symptom
    assert "the file is damaged (page 8: stream 32 does not decode" in second.error
    docs, after = current(database)
    assert docs == [("sh-welfare-unit-2024.pdf", "loaded"), ("welfare-copy.pdf", "failed")]
    assert after == before  # byte for byte the intact version's facts


@needs_corpus
def test_a_broken_cross_reference_table_fails_instead_of_loading_empty(tmp_path):
    """Case 4: with its last xref table cut out, the 15-page js-swbgt file used to load with 0 facts."""
    data = (CORPUS / "js-swbgt-2018-tables.pdf").read_bytes()
    path = write(tmp_path, "cut-xref.pdf", mutations.delete_xref(data))
    with pytest.raises(DocumentError) as raised:
        process_document(path)
    message = str(raised.value)
    assert message.startswith("cut-xref.pdf: the file is damaged (its cross-reference table is missing "
                              "or broken (PDFium and pdfminer had to rebuild it); PDFium counts 15 pages "
                              "and pdfminer 0)")
    assert "qpdf" not in message  # the page count disagrees too: not only the index is broken


def test_a_broken_cross_reference_table_of_the_sample_fails(tmp_path):
    for name, mutate in (("cut.pdf", mutations.delete_xref), ("blank.pdf", mutations.blank_xref)):
        path = write(tmp_path, name, mutate(SAMPLE.read_bytes()))
        with pytest.raises(DocumentError, match=r"the file is damaged \(its cross-reference table is "
                                                r"missing or broken"):
            process_document(path)


@pytest.mark.parametrize("maker, wrong", [
    (bad_pdfs.make_damaged_like_scan, "scanned"),
    (bad_pdfs.make_damaged_tounicode, "ToUnicode"),
])
def test_a_damaged_file_is_not_called_scanned_or_fontless(tmp_path, maker, wrong):
    """Case 5: cut-short content streams used to read as "scanned, OCR it", a cut-short ToUnicode
    map as "the font lacks a ToUnicode map"."""
    path = maker(tmp_path)
    with pytest.raises(DocumentError) as raised:
        extract_document(path)
    message = str(raised.value)
    assert wrong not in message and "OCR" not in message
    assert message.startswith(f"{path.name}: the file is damaged (")
    assert "is cut short (its compressed data ends early)" in message


@needs_corpus
def test_a_corpus_file_with_a_blanked_xref_is_damaged_not_fontless(tmp_path):
    data = (CORPUS / "js-swbgt-2018-tables.pdf").read_bytes()
    start = data.rfind(b"\nxref")
    end = data.find(b"trailer", start)
    blanked = data[:start + 1] + b"xref\r\n" + b" " * (end - start - 7) + data[end:]
    path = write(tmp_path, "blanked.pdf", blanked)
    with pytest.raises(DocumentError) as raised:
        process_document(path)
    assert "ToUnicode" not in str(raised.value)
    assert "the file is damaged (PDFium counts 15 pages and pdfminer 14)" in str(raised.value)


def test_damage_away_from_the_tables_loads_with_a_finding(tmp_path):
    """A cover whose content stream fails its checksum: every table intact, so it loads, with an
    error-severity finding naming the page; and as a new version it never replaces the intact one."""
    damaged = write(tmp_path, "cover.pdf", mutations.with_bad_checksum(SAMPLE.read_bytes(), page=1))
    result = process_document(damaged)
    findings = result.validation[result.validation["check_id"] == "damage.pages"]
    assert findings[["severity", "passed", "page", "category"]].values.tolist() == [
        ["error", False, 1, "completeness"]]
    assert findings["location"].iloc[0] == "page 1: stream 46 does not decode (wrong checksum: its bytes were altered)"
    assert "第1页" in findings["message"].iloc[0] and "请重新下载" in findings["message"].iloc[0]
    original = process_document(SAMPLE)
    key = [c for c in original.facts.columns if c != "document_id"]
    assert result.facts[key].astype(str).values.tolist() == original.facts[key].astype(str).values.tolist()

    database = tmp_path / "budget.duckdb"
    good, bad = ingest(database, SAMPLE, damaged)
    assert good.status == "loaded"
    assert bad.status == "failed"
    assert bad.error.startswith("the file is damaged (page 1: stream 46 does not decode (wrong checksum: its "
                                "bytes were altered)), so it does not replace the intact current version ")
    assert current(database)[0] == [("cover.pdf", "failed"), (SAMPLE.name, "loaded")]


def test_damage_on_a_table_page_fails_even_when_the_text_survives(tmp_path):
    damaged = write(tmp_path, "table-page.pdf", mutations.with_bad_checksum(SAMPLE.read_bytes(), page=8))
    with pytest.raises(DocumentError, match=r"table-page.pdf: the file is damaged \(page 8: stream 53 "
                                            r"does not decode \(wrong checksum"):
        process_document(damaged)


def test_a_decompression_bomb_is_refused_before_any_reader_inflates_it(tmp_path):
    bomb = write(tmp_path, "bomb.pdf", mutations.with_bomb(SAMPLE.read_bytes(), mib=300))
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(DocumentError, match=r"the file is damaged \(page 1: a compressed stream "
                                            r"inflates to more than 256 MiB \(stream 46, a decompression bomb\)"):
        process_document(bomb)
