"""Fuzz (issue 7): damaged copies of the sample, generated at test time (truncations, bit flips in
content and font streams, re-compressed pages with a wrong checksum, a blanked, cut or garbled
cross-reference table, an empty file, images and archives renamed .pdf, a decompression bomb),
ingested in one run with the good sample. Every copy must fail or load with a damage finding, or
else load facts identical to the original's; the good sample's facts stay exact.

    python -m pytest tests/test_fuzz.py -s      # prints the tally
"""
from __future__ import annotations

import shutil
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd

from fixtures import mutations
from pipelines import ingestion, warehouse
from pipelines.ingest import document_id_for, file_sha256
from pipelines.process import process_document
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
IDENTITY = ["table_code", "side", "func_code", "econ_dept_code", "econ_gov_code", "project_name",
            "row_path", "measure", "fiscal_year", "amount", "unit", "amount_yuan", "is_total", "page",
            "row_no", "item"]
TIME_BUDGET = 110  # seconds for generating, ingesting and judging every copy


def fact_rows(frame: pd.DataFrame) -> list[tuple]:
    """Comparable rows: NULL as '', amounts by value (2343.10 and 2343.100000 are one amount)."""
    def text(value) -> str:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return "" if pd.isna(value) else str(value)
    return sorted(tuple(text(v) for v in row) for row in frame[IDENTITY].itertuples(index=False))


def stored_facts(con, document_id: str) -> list[tuple]:
    """A document's facts wherever they are: facts (loaded) or the archive (superseded, pending)."""
    columns = ", ".join(IDENTITY)
    cursor = con.execute(f"SELECT {columns} FROM facts WHERE document_id = $id UNION ALL "
                         f"SELECT {columns} FROM facts_superseded WHERE document_id = $id", {"id": document_id})
    return fact_rows(pd.DataFrame(cursor.fetchall(), columns=IDENTITY))


def judge(con, document_id: str, status: str, original: list[tuple]) -> str:
    if status == warehouse.STATUS_FAILED:
        return "failed"
    findings = {row[0] for row in con.execute(
        "SELECT check_id FROM validation_results WHERE document_id = ? AND NOT passed AND "
        "(starts_with(check_id, 'damage.') OR check_id = 'version.held_back')", [document_id]).fetchall()}
    if "damage.pages" in findings:
        return "loaded with a damage finding"
    if "version.held_back" in findings:
        return "held back (pending) with a finding"
    return "loaded clean, identical" if stored_facts(con, document_id) == original else "LOADED SILENTLY, DIFFERENT"


def test_fuzzed_copies_fail_or_say_so_and_the_good_sample_stays_exact(tmp_path):
    started = time.monotonic()
    folder = tmp_path / "in"
    folder.mkdir()
    copies = mutations.mutations(SAMPLE.read_bytes(), seed=7)
    for name, data in copies.items():
        (folder / name).write_bytes(data)
    shutil.copy(SAMPLE, folder / "good.pdf")
    original = fact_rows(process_document(SAMPLE).facts)
    assert len(original) > 300

    database = tmp_path / "budget.duckdb"
    con = warehouse.connect(database)
    try:
        sources = {}
        for path in sorted(folder.iterdir()):
            sha = file_sha256(path)
            sources.setdefault(sha, ingestion.SourceFile(str(path), sha, document_id_for(sha)))
        settings = Settings(database=database, workers=2, file_time_limit=60, file_memory_limit_mb=1024)
        batch = ingestion.ingest_sources(con, list(sources.values()), settings)
        verdicts = {Path(o.source_path).name: judge(con, o.document_id, o.status, original)
                    for o in batch.outcomes}
        loaded = con.execute("SELECT document_id, source_path FROM documents WHERE status = 'loaded' "
                             "AND unit_name = '烟台市社会保险服务中心'").fetchall()
        current_facts = stored_facts(con, loaded[0][0])
    finally:
        con.close()
    elapsed = time.monotonic() - started

    tally = Counter(verdict for name, verdict in verdicts.items() if name != "good.pdf")
    print(f"\nfuzz: {len(copies)} copies in {elapsed:.0f} s -> "
          + ", ".join(f"{count} {verdict}" for verdict, count in sorted(tally.items())))
    for name, verdict in sorted(verdicts.items()):
        print(f"  {verdict:<36} {name}")
    assert len(verdicts) == len(copies) + 1  # every copy has bytes of its own
    assert tally["LOADED SILENTLY, DIFFERENT"] == 0, verdicts
    assert tally["failed"] >= len(copies) - 4  # all but the copies damaged away from the tables
    assert tally["loaded with a damage finding"] >= 1  # the cover with a wrong checksum
    assert verdicts["good.pdf"] in ("loaded clean, identical",)
    assert len(loaded) == 1 and current_facts == original  # the good numbers are the current ones
    assert elapsed < TIME_BUDGET, f"fuzz took {elapsed:.0f} s"
