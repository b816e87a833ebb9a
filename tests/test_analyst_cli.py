"""`budget sql` and `budget export` against the published copy of a synthetic warehouse."""
from __future__ import annotations

import io
import subprocess
import sys

import duckdb
import pytest

from assets.cli import main
from fixtures import synthetic as s
from pipelines import query, warehouse


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "budget.duckdb"
    con = warehouse.connect(path)
    s.load_all(con)
    con.close()
    warehouse.publish_snapshot(path)
    return path


def test_sql_prints_an_exact_table(database, capsys):
    assert main(["sql", "--db", str(database), "SELECT unit_name, fiscal_year, three_public_yuan "
                 "FROM three_public_by_unit ORDER BY fiscal_year, unit_name"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["unit_name", "fiscal_year", "three_public_yuan"]
    assert lines[2].split() == ["烟台市社会保险服务中心", "2023", "250500.00"]
    assert lines[-1] == "(3 rows)"
    # Chinese is double width: the columns still line up
    from wcwidth import wcswidth
    assert len({wcswidth(line) for line in lines[:-1]}) == 1


def test_sql_prints_csv_and_limits_rows(database, capsys):
    assert main(["sql", "--db", str(database), "--csv", "SELECT func_code, total_yuan FROM "
                 "expenditure_by_function WHERE document_id = 'dept-2024' ORDER BY row_no"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "func_code,total_yuan", "208,1208002500.00", "20801,30002500.00", "210,2000000.00"]
    assert main(["sql", "--db", str(database), "--max-rows", "1", "SELECT * FROM facts"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "(64 rows, first 1 shown: --max-rows 0 shows all)"


def test_sql_reports_errors_and_refuses_writes(database, capsys):
    assert main(["sql", "--db", str(database), "SELECT nope FROM facts"]) == 1
    assert "nope" in capsys.readouterr().err
    assert main(["sql", "--db", str(database), "DELETE FROM facts"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    assert main(["sql", "--db", str(database.with_name("missing.duckdb")), "SELECT 1"]) == 1
    assert "no published warehouse" in capsys.readouterr().err


def test_sql_prompt_runs_statements_until_quit(database, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(
        "SELECT count(*) AS n\nFROM documents;\n.tables\n.quit\nSELECT 2 AS never_run;\n"))
    assert main(["sql", "--db", str(database)]) == 0
    out = capsys.readouterr().out
    assert "n\n---\n  7\n(1 row)" in out
    assert "budget_execution" in out and "dim_unit" in out and "facts_superseded" not in out
    assert "never_run" not in out


def test_an_older_published_copy_gets_the_current_views(database, capsys):
    con = warehouse.connect(database)
    con.execute("DROP VIEW findings")
    con.execute("DELETE FROM schema_version")
    con.close()
    warehouse.publish_snapshot(database)
    assert main(["sql", "--db", str(database), "SELECT count(*) AS n FROM findings"]) == 0
    assert capsys.readouterr().out.splitlines()[2].strip() == "2"


def test_an_older_copy_is_used_as_it_is_while_ingestion_holds_the_warehouse(database):
    published = warehouse.published_path(database)
    with duckdb.connect(str(published)) as old:
        old.execute("DELETE FROM schema_version")
    holder = subprocess.Popen(  # another process writing: it holds the file's lock
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('holding', flush=True); time.sleep(60)", str(database)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        messages = []
        con = query.open_published(database, log=messages.append)
        assert con.execute("SELECT count(*) FROM facts").fetchall() == [(64,)]
        con.close()
    finally:
        holder.kill()
        holder.wait()
    assert len(messages) == 1 and "busy" in messages[0]


def test_export_writes_the_chosen_documents(database, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", str(out), "--db", str(database), "--unit", s.CENTRE, "--year", "2024",
                 "--format", "csv", "--format", "xlsx"]) == 0
    assert capsys.readouterr().out.startswith("Exported documents 1, facts 11,")
    assert sorted(p.name for p in out.iterdir()) == ["csv", "xlsx"]
    assert main(["export", str(out), "--db", str(database), "--year", "1999"]) == 1
    assert "no loaded document matches" in capsys.readouterr().err
