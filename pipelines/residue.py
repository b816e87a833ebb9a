"""Temporary files of a run: one folder per process, removed at the end and, after a kill, at the
next start.

    use_run_folder() -> Path        this process's budget-run-<pid>-… folder, created once; every
                                    temporary file of the process goes there (tempfile.tempdir),
                                    Dagster's included; it notes the worker fork server's pymp-…
                                    folder, which goes with it
    remove_run_folder()             remove it (at exit; the `budget` CLI calls it before os._exit)
    clean_stale_runs()              remove the budget-run-<pid>-… folders of killed runs
    clean_partial_copies(db)        remove the .<name>.<pid>.tmp partial copies killed runs left
                                    beside the warehouse

A name carries the PID of the process that made it, so a folder or copy is removed only when
that process no longer runs: a live ingestion's files are never touched. Plain Python.
"""
from __future__ import annotations

import multiprocessing.util
import os
import re
import shutil
import tempfile
from pathlib import Path

RUN_PREFIX = "budget-run-"
_RUN_RE = re.compile(rf"^{re.escape(RUN_PREFIX)}(\d+)-")
_PARTIAL_RE = re.compile(r"^\..+\.(\d+)\.tmp$")  # .budget-published.duckdb.<pid>.tmp

_run_folder: Path | None = None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def partial_copy(target: Path) -> Path:
    """Where to write ``target`` before moving it into place: .<name>.<pid>.tmp beside it."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


_WORKERS_NOTE = "multiprocessing-folder"  # in a run folder: the path of the process's pymp-… folder


def use_run_folder() -> Path:
    """This process's run folder (created on first use, removed at exit): the default folder of
    every temporary file the process makes from now on. The worker fork server's own folder
    (multiprocessing's pymp-…, which must stay short: it holds a socket) stays in the system's
    temporary folder; the run folder notes its path, so that it goes with the run folder."""
    global _run_folder
    if _run_folder is None or not _run_folder.is_dir():
        workers = multiprocessing.util.get_temp_dir()  # before tempdir changes: a short path
        _run_folder = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
        (_run_folder / _WORKERS_NOTE).write_text(workers)
        tempfile.tempdir = str(_run_folder)
        # at exit, after multiprocessing removed its own folder (exit priority -100)
        multiprocessing.util.Finalize(None, remove_run_folder, exitpriority=-200)
    return _run_folder


def remove_run_folder() -> None:
    global _run_folder
    folder, _run_folder = _run_folder, None
    if folder is None:
        return
    if tempfile.tempdir == str(folder):
        tempfile.tempdir = None
    _remove(folder)


def _remove(run_folder: Path) -> None:
    """A run folder and the pymp-… folder it notes."""
    try:
        workers = Path((run_folder / _WORKERS_NOTE).read_text())
    except OSError:
        workers = None
    if workers is not None and workers.name.startswith("pymp-"):
        shutil.rmtree(workers, ignore_errors=True)
    shutil.rmtree(run_folder, ignore_errors=True)


def clean_stale_runs(temp_folder: str | os.PathLike | None = None) -> list[Path]:
    """Remove the run folders killed runs left in ``temp_folder`` (default: the system's
    temporary folder). Returns what was removed."""
    return _remove_orphans(Path(temp_folder) if temp_folder else system_temp_folder(), _RUN_RE)


def clean_partial_copies(beside: str | os.PathLike) -> list[Path]:
    """Remove the partial copies killed runs left beside the file ``beside`` (the warehouse)."""
    if str(beside) == ":memory:":
        return []
    return _remove_orphans(Path(beside).parent, _PARTIAL_RE)


def _remove_orphans(root: Path, pattern: re.Pattern) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or pid_alive(pid):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            _remove(path)
        else:
            path.unlink(missing_ok=True)
        if not os.path.lexists(path):
            removed.append(path)
    return removed


def system_temp_folder() -> Path:
    """The temporary folder as the environment names it (TMPDIR …), not this process's run folder."""
    saved, tempfile.tempdir = tempfile.tempdir, None
    try:
        return Path(tempfile.gettempdir())
    finally:
        tempfile.tempdir = saved
