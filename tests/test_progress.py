"""`budget ingest` progress: a line rewritten in place on a terminal while files are processed,
nothing extra when the output is not a terminal."""
import io
import shutil
import sys
from pathlib import Path

import pytest

import assets.definitions  # noqa: F401 - loaded at collection (assets/__init__ silences a preview warning)
from assets import cli, progress

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal():
    terminal = FakeTerminal()
    line = progress.ProgressLine(terminal)
    line("processing", "data/raw/a.pdf", 1, 3, 1, 0)
    line("processing", "data/raw/b.pdf", 2, 3, 1, 1)
    line.clear()
    text = terminal.getvalue()
    assert text.startswith("\r\x1b[K") and "\n" not in text  # one line, rewritten in place
    assert "processing 1/3: 1 loaded, 0 failed  data/raw/a.pdf" in text
    assert "processing 2/3: 1 loaded, 1 failed  data/raw/b.pdf" in text
    assert text.endswith("\r\x1b[K")


def test_no_progress_line_when_not_a_terminal():
    stream = io.StringIO()
    line = progress.ProgressLine(stream)
    line("processing", "a.pdf", 1, 1, 1, 0)
    line.clear()
    assert stream.getvalue() == ""


def test_report_without_hook_does_nothing():
    assert progress.hook is None  # the UI and sensor runs: no CLI has set it
    progress.report("processing", "a.pdf", 1, 1, 1, 0)


@pytest.fixture
def two_files(tmp_path) -> Path:
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    if not pdfs:
        pytest.skip("no sample PDF in data/samples (make sample)")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(pdfs[0], folder / "a.pdf")
    (folder / "b.pdf").write_bytes(b"not a pdf at all\n")
    return folder


def test_cli_updates_progress_while_it_runs(tmp_path, two_files, monkeypatch):
    seen = []
    terminal = FakeTerminal()
    real_line = progress.ProgressLine

    class RecordingLine(real_line):
        def __call__(self, *event):
            # written during the run, before any summary line
            assert "Totals:" not in terminal.getvalue()
            seen.append(event)
            super().__call__(*event)

    monkeypatch.setattr(progress, "ProgressLine", RecordingLine)
    monkeypatch.setattr(sys, "stdout", terminal)
    assert cli.main(["ingest", str(two_files), "--db", str(tmp_path / "t.duckdb")]) == 1
    assert progress.hook is None  # reset after the run
    stages = [(stage, done, total) for stage, _, done, total, _, _ in seen]
    assert stages == [("processing", 1, 2), ("processing", 2, 2)]
    assert seen[-1][4:] == (1, 1)  # 1 loaded, 1 failed
    output = terminal.getvalue()
    assert "processing 2/2: 1 loaded, 1 failed" in output
    summary = output[output.rindex("\r\x1b[K") + len("\r\x1b[K"):]  # after the cleared line
    assert summary.startswith("loaded ") and "Totals: 1 loaded, 1 failed" in summary


def test_cli_without_terminal_prints_no_progress(tmp_path, two_files, capsys):
    assert cli.main(["ingest", str(two_files), "--db", str(tmp_path / "t.duckdb")]) == 1
    output = capsys.readouterr().out
    assert "\r" not in output and "processing" not in output and "\x1b" not in output
    assert "Totals: 1 loaded, 1 failed" in output
    assert output.splitlines()[0].startswith(("failed ", "loaded "))  # per-document lines first


def test_the_wait_for_a_locked_warehouse_on_a_terminal_and_off_it():
    terminal, log = FakeTerminal(), io.StringIO()
    line = progress.ProgressLine(terminal, log=log)
    line.waiting("waiting for the warehouse budget.duckdb: locked by PID 42 (duckdb), 0 s of 120 s")
    line.waiting("waiting for the warehouse budget.duckdb: locked by PID 42 (duckdb), 1 s of 120 s")
    assert terminal.getvalue() == (
        "\r\x1b[Kwaiting for the warehouse budget.duckdb: locked by PID 42 (duckdb), 0 s of 120 s"
        "\r\x1b[Kwaiting for the warehouse budget.duckdb: locked by PID 42 (duckdb), 1 s of 120 s")
    assert log.getvalue() == ""
    plain, log = io.StringIO(), io.StringIO()
    line = progress.ProgressLine(plain, log=log)
    line.waiting("locked by PID 42, 0 s of 120 s")
    line.waiting("locked by PID 42, 1 s of 120 s")  # within 10 s of the last line: not repeated
    assert plain.getvalue() == "" and log.getvalue() == "locked by PID 42, 0 s of 120 s\n"
