"""Bounded resources (issue 7, case 6): each worker has a memory limit (BUDGET_FILE_MEMORY_LIMIT,
like the time limit); a file that needs more fails alone with a clear error, and a decompression
bomb is refused before any reader inflates it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures import mutations
from pipelines import ingestion, warehouse
from pipelines.isolation import map_with_time_limit
from pipelines.model import DocumentError
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"


def allocate(mib: int) -> int:
    """Module-level (picklable): hold ``mib`` MiB at once."""
    block = bytearray(mib << 20)
    return len(block) >> 20


def test_a_worker_over_its_memory_limit_fails_alone():
    results = dict(map_with_time_limit(allocate, [1024, 16], seconds=60, workers=2, memory_mb=128))
    assert results[16] == 16
    error = results[1024]
    assert isinstance(error, DocumentError)
    assert str(error).startswith("allocate needed more than the 128 MiB of memory one file may use, and "
                                 "was stopped")
    assert "BUDGET_FILE_MEMORY_LIMIT" in str(error)


def test_the_memory_limit_is_a_setting_the_ingestion_applies(tmp_path):
    assert Settings.from_env({"BUDGET_FILE_MEMORY_LIMIT": "300"}).file_memory_limit_mb == 300
    database = tmp_path / "budget.duckdb"
    con = warehouse.connect(database)
    try:
        plan = ingestion.plan_sources([str(SAMPLE)], {})
        batch = ingestion.ingest_sources(con, plan.sources, Settings(database=database, workers=1,
                                                                     file_memory_limit_mb=1))
    finally:
        con.close()
    (outcome,) = batch.outcomes
    assert outcome.status == "failed"
    assert outcome.error.startswith(f"{SAMPLE.name} needed more than the 1 MiB of memory one file may use")


# The peak of this process's own memory: VmHWM, not getrusage's ru_maxrss, which Linux carries
# over from the parent's memory at exec (after the suite's earlier tests, the pytest process's).
PEAK = """
import re, sys
from pipelines.process import process_document
try:
    process_document(sys.argv[1])
    print("loaded")
except Exception as error:
    print(error)
with open("/proc/self/status") as status:
    print(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1))
"""


def test_a_decompression_bomb_is_refused_without_inflating_it(tmp_path):
    """A 5 MB file whose one page inflates to 1 GiB: the reader's peak memory stays small."""
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(mutations.bomb_pdf(1024))
    assert bomb.stat().st_size < 6 << 20
    done = subprocess.run([sys.executable, "-c", PEAK, str(bomb)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    message, peak_kib = done.stdout.strip().rsplit("\n", 1)
    assert int(peak_kib) < 400 * 1024, f"peak {int(peak_kib) >> 10} MiB"
    assert message == ("bomb.pdf: the file is damaged (page 1: a compressed stream inflates to more than "
                       "256 MiB (stream 4, a decompression bomb)); download it again, or ask the publisher "
                       "for an intact copy")
