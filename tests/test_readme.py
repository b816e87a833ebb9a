"""Every command README shows works as written on a fresh clone: its `budget sql`, `schema` and
`export` examples run against the bundled sample's warehouse; every other command names a make
target, a `budget` subcommand it parses, or a program the project installs; the Python example
runs. No example needs the DuckDB shell (it is not installed)."""
from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path

import pytest

from assets.cli import build_parser, main
from conftest import ROOT
from pipelines import warehouse

README = ROOT / "README.md"
RUN_IN_PROCESS = ("sql", "schema", "export")


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.M | re.S)


def shell_commands() -> list[list[str]]:
    commands = []
    for block in fenced_blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s\[--[^]]*\]", "", line)  # a synopsis's optional [--db FILE]
            tokens = shlex.split(line, comments=True)
            while tokens and re.fullmatch(r"[A-Z_]+=\S*", tokens[0]):  # VAR=value prefixes
                tokens = tokens[1:]
            if tokens:
                commands.append(tokens)
    return commands


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z_-]*):", (ROOT / "Makefile").read_text(), flags=re.M))


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory, processed_sample):
    root = tmp_path_factory.mktemp("clone")
    path = root / "data" / "warehouse" / "budget.duckdb"
    doc, facts, indicators, prose, validation = processed_sample
    con = warehouse.connect(path)
    warehouse.load_document(con, doc.info, facts, indicators, prose, validation)
    con.close()
    warehouse.publish_snapshot(path)
    return root, path


def test_readme_has_examples_and_no_duckdb_shell():
    commands = shell_commands()
    assert sum(c[:2] == [".venv/bin/budget", "sql"] for c in commands) >= 8
    assert not any(c[0] == "duckdb" for c in commands)


@pytest.mark.parametrize("command", shell_commands(), ids=lambda c: " ".join(c)[:70])
def test_readme_command_works(command, sample_warehouse, monkeypatch, capsys):
    root, path = sample_warehouse
    program = command[0]
    if program == "make":
        targets = [arg for arg in command[1:] if not re.fullmatch(r"[A-Z_]+=\S*", arg)]  # not VAR=value
        assert targets and set(targets) <= make_targets()
    elif program == ".venv/bin/budget" and command[1] in RUN_IN_PROCESS:
        monkeypatch.setenv(warehouse.DATABASE_PATH_ENV, str(path))
        monkeypatch.chdir(root)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # the interactive prompt sees end of input
        assert main(command[1:]) == 0, capsys.readouterr().err
        captured = capsys.readouterr()
        assert captured.err == ""
        assert captured.out.strip() or command[1:] == ["sql"]  # the prompt prints nothing on empty input
    elif program == ".venv/bin/budget":
        build_parser().parse_args(command[1:])  # exits (fails the test) on a usage error
    elif program.startswith(".venv/bin/"):
        assert (Path(sys.executable).parent / Path(program).name).exists(), program
    else:
        pytest.fail(f"README shows a command this test does not know how to check: {command}")


def test_readme_python_example_runs(sample_warehouse, monkeypatch, capsys):
    root, _ = sample_warehouse
    monkeypatch.chdir(root)
    for block in fenced_blocks("python"):
        exec(compile(block, "README.md", "exec"), {})
    assert "severity" in capsys.readouterr().out
