"""Every input path is judged on its own (issue 7, cases 1, 2 and 8): an unreadable file, a name
that is not UTF-8, a folder named like a PDF, a link loop, a dangling link, a FIFO (in a folder or
named on the command line) each get a documents row with an error that says what to do, and the
other files load. A run with nothing to load says so and exits non-zero. pdfminer's warnings are
kept with the file they belong to."""
from __future__ import annotations

import builtins
import logging
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets import cli
from assets.definitions import all_assets
from assets.resources import WAREHOUSE_RESOURCE_KEY, warehouse_resource
from fixtures import bad_pdfs
from pipelines import ingestion, inputs, warehouse
from pipelines.process import process_document
from pipelines.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
ODD_NAME = b"\xd4\xa4\xcb\xe3-budget.pdf"  # 预算 in GBK, as an archive unpacked from Windows leaves it


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No read permission. Root reads anything, so for root opening the file is refused too."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    real_open, real_os_open = builtins.open, os.open

    def refuse(file) -> None:
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))

    def guarded_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            refuse(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(file, *args, **kwargs):
        refuse(file)
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)


def rows(database: Path, sql: str):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    """The sample, a budget under a GBK name, an unreadable copy, and every kind of non-regular
    entry a folder can hold; plus a FIFO named on its own. Ingested in one run."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "good.pdf")
    bad_pdfs.make_budget_prose_only(folder, name="unreadable.pdf")
    (folder / "folder.pdf").mkdir()
    (folder / "loop.pdf").symlink_to("loop.pdf")
    (folder / "dangling.pdf").symlink_to("gone.pdf")
    os.mkfifo(folder / "pipe.pdf")
    named_fifo = base / "named-pipe.pdf"
    os.mkfifo(named_fifo)
    database = base / "budget.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        make_unreadable(folder / "unreadable.pdf", patch)
        result = materialize([folder, named_fifo], database)
    return folder, named_fifo, database, result


def materialize(paths: list[Path], database: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        all_assets,
        run_config={"ops": {"source_documents": {"config": {"paths": [str(p) for p in paths],
                                                            "any_year": True}}}},
        resources={WAREHOUSE_RESOURCE_KEY: warehouse_resource(database)},
        partition_key="2024", raise_on_error=False)


@pytest.fixture(scope="module")
def odd_name_folder(tmp_path_factory):
    """The sample and a budget whose file name is GBK bytes, not UTF-8."""
    base = tmp_path_factory.mktemp("odd-name")
    folder = base / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "good.pdf")
    odd = bad_pdfs.make_valid_budget(base, name="odd-source.pdf").read_bytes()
    descriptor = os.open(os.path.join(os.fsencode(folder), ODD_NAME), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(descriptor, odd)
    os.close(descriptor)
    database = base / "budget.duckdb"
    return folder, database, materialize([folder], database)


def statuses(database: Path) -> dict[str, tuple[str, str | None]]:
    return {Path(path).name: (status, error)
            for path, status, error in rows(database, "SELECT source_path, status, error FROM documents")}


def test_an_unreadable_file_fails_alone_and_the_others_load(hostile_folder):
    folder, _, database, result = hostile_folder
    assert result.success
    found = statuses(database)
    assert found["good.pdf"] == ("loaded", None)
    status, error = found["unreadable.pdf"]
    assert status == "failed"
    assert "unreadable.pdf cannot be read (permission denied)" in error and "chmod a+r" in error
    ((sha, document_id),) = rows(database, "SELECT sha256, document_id FROM documents "
                                           "WHERE source_path LIKE '%unreadable.pdf'")
    assert sha is None and document_id == inputs.path_document_id(str(folder / "unreadable.pdf"))


def test_a_name_that_is_not_utf8_loads_and_keeps_its_bytes(odd_name_folder):
    folder, database, result = odd_name_folder
    assert result.success
    ((path, raw, status, unit),) = rows(
        database, "SELECT source_path, source_path_bytes, status, unit_name FROM documents "
                  "WHERE source_path_bytes IS NOT NULL")
    assert status == "loaded" and unit == "某某单位"
    assert path == str(folder) + "/Ԥ\\xcb\\xe3-budget.pdf"  # \xd4\xa4 happens to be UTF-8 (Ԥ)
    assert raw == os.fsencode(folder) + b"/" + ODD_NAME
    assert os.path.exists(raw)  # the bytes name the file
    assert rows(database, "SELECT count(*) FROM documents WHERE source_path_bytes IS NULL AND "
                          "source_path LIKE '%good.pdf'") == [(1,)]


@pytest.mark.parametrize("name, words", [
    ("folder.pdf", "is a folder, not a PDF file"),
    ("loop.pdf", "is a symbolic link that loops"),
    ("dangling.pdf", "is a symbolic link to gone.pdf, which does not exist"),
    ("pipe.pdf", "is not a regular file but a named pipe (FIFO)"),
    ("named-pipe.pdf", "is not a regular file but a named pipe (FIFO)"),
])
def test_each_non_regular_entry_gets_a_failed_row_that_says_why(hostile_folder, name, words):
    *_, database, result = hostile_folder
    assert result.success
    status, error = statuses(database)[name]
    assert status == "failed" and words in error, error


def test_the_cli_judges_a_fifo_on_the_command_line_and_loads_the_rest(tmp_path, capsys):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SAMPLE, good / "good.pdf")
    database = tmp_path / "cli.duckdb"
    assert cli.main(["ingest", str(fifo), str(good), "--db", str(database)]) == cli.EXIT_FAILED
    output = capsys.readouterr()
    assert "Totals: 1 loaded, 1 failed" in output.out
    assert "pipe.pdf is not a regular file but a named pipe (FIFO)" in output.out
    assert "Traceback" not in output.err and "step source_documents failed" not in output.err


def test_a_run_with_nothing_to_load_says_so_and_exits_non_zero(tmp_path, capsys):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("no PDF here")
    code = cli.main(["ingest", str(empty), "--db", str(tmp_path / "cli.duckdb")])
    assert code == cli.EXIT_NOTHING == 3
    assert f"nothing to ingest: no PDF file found in {empty}" in capsys.readouterr().err


def test_pdfminer_warnings_stay_with_their_file(tmp_path, caplog):
    path = bad_pdfs.make_budget_with_reader_warnings(tmp_path, warnings=3)
    caplog.set_level(logging.WARNING)
    result = process_document(path)
    assert not [r for r in caplog.records if r.name.startswith("pdfminer")]  # none loose
    assert result.warnings == ["pdfminer.pdfinterp (page 2): Cannot set line width because b'x' is "
                               "an invalid float value"] * 3
    line = ingestion._warnings_line(str(path), result.warnings)
    assert line.startswith(f"{path}: pdfminer warned 3 time(s) while reading it: ")


def test_a_run_logs_the_warnings_under_the_file_name(tmp_path):
    path = bad_pdfs.make_budget_with_reader_warnings(tmp_path)
    messages: list[str] = []
    con = warehouse.connect(tmp_path / "budget.duckdb")
    plan = ingestion.plan_sources([str(path)], {})
    settings = Settings(database=tmp_path / "budget.duckdb", workers=1)
    ingestion.ingest_sources(con, plan.sources, settings, log=messages.append)
    con.close()
    assert [m for m in messages if "pdfminer" in m] == [
        f"{path}: pdfminer warned 3 time(s) while reading it: pdfminer.pdfinterp (page 2): Cannot set "
        "line width because b'x' is an invalid float value; pdfminer.pdfinterp (page 2): Cannot set "
        "line width because b'x' is an invalid float value; pdfminer.pdfinterp (page 2): Cannot set "
        "line width because b'x' is an invalid float value"]
