"""No residue (issue 7, case 7): a run leaves no temporary folder or partial copy, on success or on
failure; what a killed run left is removed at the next start; the cross-document checks commit
with the document they belong to, and a pair that lacks them is repaired by the next ingestion."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from fixtures import bad_pdfs
from pipelines import ingestion, residue, warehouse
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
CLI = "import sys; from assets.cli import run; sys.argv[0] = 'budget'; run()"


def budget(*args: str, temp: Path, **kwargs) -> subprocess.CompletedProcess:
    """The `budget` command in a process of its own, with its own temporary folder."""
    env = {**os.environ, "TMPDIR": str(temp)}
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, **kwargs)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def residue_in(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders for p in folder.iterdir()
                  if p.name.startswith(("budget-run-", "pymp-")) or p.name.endswith(".tmp"))


@pytest.fixture
def temp(tmp_path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_a_run_leaves_no_temporary_files_on_success_or_failure(tmp_path, temp):
    database = tmp_path / "warehouse" / "budget.duckdb"
    done = budget("ingest", str(SAMPLE), "--db", str(database), temp=temp)
    assert done.returncode == 0, done.stderr
    assert list(temp.iterdir()) == [] and residue_in(database.parent) == []
    bad = bad_pdfs.make_not_a_pdf(tmp_path)
    done = budget("ingest", str(bad), "--db", str(database), temp=temp)
    assert done.returncode == 1
    assert list(temp.iterdir()) == [] and residue_in(database.parent) == []


def test_what_a_killed_run_left_is_removed_at_the_next_start(tmp_path, temp):
    database = tmp_path / "budget.duckdb"
    gone = dead_pid()
    stale_run = temp / f"budget-run-{gone}-x1y2z3"
    stale_run.mkdir()
    stale_workers = temp / "pymp-x1y2z3"  # its fork server's folder, which it notes
    stale_workers.mkdir()
    (stale_workers / "listener-1").write_bytes(b"")
    (stale_run / "multiprocessing-folder").write_text(str(stale_workers))
    stale_copy = tmp_path / f".budget-published.duckdb.{gone}.tmp"
    stale_copy.write_bytes(b"half a copy")
    live_run = temp / f"budget-run-{os.getpid()}-alive"  # a run still going: left alone
    live_run.mkdir()
    live_copy = tmp_path / f".budget-published.duckdb.{os.getpid()}.tmp"
    live_copy.write_bytes(b"being written")
    done = budget("ingest", str(SAMPLE), "--db", str(database), temp=temp)
    assert done.returncode == 0, done.stderr
    assert not stale_run.exists() and not stale_workers.exists() and not stale_copy.exists()
    assert live_run.is_dir() and live_copy.exists()
    assert sorted(p.name for p in temp.iterdir()) == [live_run.name]


def test_clean_stale_runs_keeps_what_is_not_a_run_folder(tmp_path):
    (tmp_path / "budget-run-notapid").mkdir()
    (tmp_path / "pymp-foreign").mkdir()  # another program's: not ours to remove
    gone = dead_pid()
    (tmp_path / f"budget-run-{gone}-abc").mkdir()
    assert residue.clean_stale_runs(tmp_path) == [tmp_path / f"budget-run-{gone}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget-run-notapid", "pymp-foreign"]


# --- the cross-document checks -----------------------------------------------------------------

PAIR = """
import os, sys
from decimal import Decimal
import pandas as pd
from pipelines import ingestion, warehouse
from pipelines.model import (FACT_COLUMNS, INDICATOR_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS,
                             DocumentInfo, empty_frame)
from pipelines.process import DocumentResult

UNIT, YEAR, KIND = "江苏省政协办公厅", 2019, "部门预算"
def info(document_id):
    return DocumentInfo(document_id=document_id, source_path=document_id + ".pdf",
                        sha256=document_id * 8, pages=3, unit_name=UNIT, fiscal_year=YEAR, doc_kind=KIND)
income = Decimal("13377.11")
prose = pd.DataFrame([{"document_id": "prose", "topic": "income_total", "fiscal_year": YEAR,
                       "amount": income, "unit": "万元", "amount_yuan": income * 10000, "page": 3,
                       "sentence": "2019年收入总计13,377.11万元。"}], columns=PROSE_COLUMNS)
fact = {c: None for c in FACT_COLUMNS}
fact.update(document_id="tables", unit_name=UNIT, fiscal_year=YEAR, table_code="income",
            item="合计", measure="total", amount=income, unit="万元", amount_yuan=income * 10000,
            is_total=True, page=2, row_no=1, row_path="合计")
facts = pd.DataFrame([fact], columns=FACT_COLUMNS)
con = warehouse.connect(sys.argv[1])
for document_id, f, p in (("prose", empty_frame(FACT_COLUMNS), prose),
                          ("tables", facts, empty_frame(PROSE_COLUMNS))):
    result = DocumentResult(info(document_id), f, empty_frame(INDICATOR_COLUMNS), p,
                            empty_frame(VALIDATION_COLUMNS))
    source = ingestion.SourceFile(path=document_id + ".pdf", sha256=document_id * 8,
                                  document_id=document_id)
    print(ingestion._load(con, source, result).status, flush=True)
os._exit(9)  # killed after the loads, before the batch's closing refresh of every pair
"""


def xdoc_rows(database: Path) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return con.execute("SELECT document_id, check_id, passed FROM validation_results "
                           "WHERE starts_with(check_id, 'prose_xdoc.') ORDER BY ALL").fetchall()


def test_a_kill_after_the_load_leaves_the_pairs_checks_in_place(tmp_path):
    database = tmp_path / "budget.duckdb"
    done = subprocess.run([sys.executable, "-c", PAIR, str(database)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 9 and done.stdout.split() == ["loaded", "loaded"], done.stderr
    assert xdoc_rows(database) == [("prose", "prose_xdoc.income_total", True)]


def test_a_pair_that_lacks_its_checks_is_repaired_by_the_next_ingestion(tmp_path):
    database = tmp_path / "budget.duckdb"
    subprocess.run([sys.executable, "-c", PAIR, str(database)], cwd=ROOT, capture_output=True, timeout=120)
    with duckdb.connect(str(database)) as con:  # as a killed run of an older version left it
        con.execute("DELETE FROM validation_results WHERE starts_with(check_id, 'prose_xdoc.')")
    con = warehouse.connect(database)
    try:
        batch = ingestion.ingest_sources(con, [], Settings(database=database))  # nothing new to load
    finally:
        con.close()
    assert len(batch.cross_document) == 1
    assert xdoc_rows(database) == [("prose", "prose_xdoc.income_total", True)]
