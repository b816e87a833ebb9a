"""Safe writes: a locked warehouse is waited for (bounded), a killed load leaves no partial rows."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse

ROOT = Path(__file__).resolve().parents[1]

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("open", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_open(database: Path, seconds: float) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(database), str(seconds)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "open"
    return child


def test_writer_waits_for_a_lock_then_succeeds(tmp_path):
    database = tmp_path / "budget.duckdb"
    warehouse.connect(database).close()
    child = hold_open(database, 3)
    messages = []
    started = time.monotonic()
    try:
        con = warehouse.connect(database, timeout=30, log=messages.append)
        con.close()
    finally:
        child.wait(10)
    assert time.monotonic() - started >= 1
    assert messages and "waiting" in messages[0] and str(child.pid) in messages[0]


def test_writer_gives_up_with_a_clear_message(tmp_path, monkeypatch):
    database = tmp_path / "budget.duckdb"
    warehouse.connect(database).close()
    monkeypatch.setenv(warehouse.LOCK_TIMEOUT_ENV, "1")
    child = hold_open(database, 5)
    try:
        with pytest.raises(warehouse.WarehouseLockedError) as raised:
            warehouse.connect(database, log=lambda message: None)
    finally:
        child.kill()
        child.wait(10)
    message = str(raised.value)
    assert "still locked" in message and str(child.pid) in message and warehouse.LOCK_TIMEOUT_ENV in message


KILLED_LOAD = """
import sys
from decimal import Decimal
import pandas as pd
from pipelines import warehouse
from pipelines.model import FACT_COLUMNS, DocumentInfo
con = warehouse.connect(sys.argv[1])
info = DocumentInfo(document_id="big", source_path="big.pdf", sha256="b" * 64, pages=1,
                    unit_name="big unit", fiscal_year=2025, doc_kind="部门预算")
n = 2_000_000
row = {c: None for c in FACT_COLUMNS}
row.update(document_id="big", unit_name="big unit", fiscal_year=2025, table_code="T1",
           item="x", measure="m", amount=Decimal("1.00"), unit="元", amount_yuan=Decimal("1.00"),
           is_total=False, page=1)
facts = pd.DataFrame({c: [row[c]] * n for c in FACT_COLUMNS})
real_insert = warehouse._insert_frame
def announced_insert(con, table, frame):
    print("inserting", flush=True)  # inside the transaction: the document row is already written
    real_insert(con, table, frame)
warehouse._insert_frame = announced_insert
warehouse.load_document(con, info, facts, None, None, None)
print("done", flush=True)
"""


def test_kill_mid_load_leaves_earlier_rows_and_no_partial_rows(tmp_path, processed_sample):
    database = tmp_path / "budget.duckdb"
    doc, facts, indicators, prose, checks = processed_sample
    con = warehouse.connect(database)
    warehouse.load_document(con, doc.info, facts, indicators, prose, checks)
    before = {t: n for t, n in warehouse.table_row_counts(con).items()}
    con.close()
    child = subprocess.Popen([sys.executable, "-c", KILLED_LOAD, str(database)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "inserting"
    time.sleep(0.5)
    assert child.poll() is None, "the load finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    with duckdb.connect(str(database)) as con:  # read-write: replays the WAL, if any
        assert con.execute("SELECT count(*) FROM documents WHERE document_id = 'big'").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM facts WHERE document_id = 'big'").fetchall()[0][0] == 0
        assert warehouse.table_row_counts(con) == before
        assert con.execute("SELECT status FROM documents").fetchall() == [("loaded",)]


def test_publish_snapshot_is_a_readable_copy(tmp_path):
    database = tmp_path / "budget.duckdb"
    con = warehouse.connect(database)
    con.close()
    published = warehouse.publish_snapshot(database)
    assert published == tmp_path / "budget-published.duckdb"
    with duckdb.connect(str(published), read_only=True) as copy:
        assert copy.execute("SELECT count(*) FROM documents").fetchall() == [(0,)]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_wait_names_the_blocking_pid_and_the_time_so_far(tmp_path):
    database = tmp_path / "budget.duckdb"
    warehouse.connect(database).close()
    child = hold_open(database, 3)
    waits: list[str] = []
    try:
        warehouse.connect(database, timeout=30, log=lambda message: None, waiting=waits.append).close()
    finally:
        child.wait(10)
    assert len(waits) >= 3
    assert all(m.startswith(f"waiting for the warehouse budget.duckdb: locked by PID {child.pid} (python")
               for m in waits)
    assert waits[0].endswith("0 s of 30 s") and waits[-1].endswith(("2 s of 30 s", "3 s of 30 s"))


CLI = "import sys; from assets.cli import run; sys.argv[0] = 'budget'; run()"


def test_the_cli_says_the_warehouse_is_locked_in_a_sentence_not_a_traceback(tmp_path):
    database = tmp_path / "budget.duckdb"
    warehouse.connect(database).close()
    child = hold_open(database, 30)
    try:
        done = subprocess.run([sys.executable, "-c", CLI, "ingest", str(ROOT / "data" / "samples"),
                               "--db", str(database)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env={**os.environ, warehouse.LOCK_TIMEOUT_ENV: "2",
                                                "TMPDIR": str(tmp_path)})
    finally:
        child.kill()
        child.wait(10)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    # a wait line at once (not a terminal: one every 10 s), then the reason, and nothing else
    assert lines[0].startswith(f"waiting for the warehouse budget.duckdb: locked by PID {child.pid} (")
    assert lines[0].endswith("), 0 s of 2 s")
    assert lines[-1].startswith(f"budget: the warehouse {database} is still locked by PID {child.pid} (")
    assert "after waiting 2 s (limit 2 s)" in lines[-1] and warehouse.LOCK_TIMEOUT_ENV in lines[-1]
    assert len(lines) == 2, done.stderr
    assert "Traceback" not in done.stderr and "dagster" not in done.stderr.lower()
