"""Run work on one file in a separate process with a time limit, so that one bad file (a PDF that
makes pdfminer loop, eat memory or crash the interpreter) can never stall or kill a run.

    run_with_time_limit(func, *args, seconds=60, memory_mb=None, **kwargs) -> func(*args, **kwargs)
    map_with_time_limit(func, items, seconds=60, workers=4, memory_mb=None)
        -> yields (item, result or exception)

``func`` must be a picklable top-level function (module-level ``def``), and its arguments and
result must be picklable. Workers re-run the calling script's top-level code (Python's
spawn/forkserver rule), so scripts keep heavy work under ``if __name__ == "__main__":``. Each call gets a fresh process from the 'forkserver' context (no inherited
threads, locks or open pdfium handles; 'spawn' where forkserver is unavailable). On timeout the
process is killed and :class:`DocumentError` is raised; an exception in the child is re-raised in the
parent with the same type and message (the child's traceback is attached as a note); a child that
dies (segfault, ``os._exit``, OOM killer) becomes a DocumentError saying how it died.

With ``memory_mb`` the child's address space may grow by at most that many MiB beyond what it
starts with (``resource.setrlimit(RLIMIT_AS)``, set in the child before the work begins): past it,
Python raises MemoryError and native code (PDFium) aborts, and either becomes a DocumentError
naming the limit (BUDGET_FILE_MEMORY_LIMIT) instead of a machine that runs out of memory.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import resource
import signal
import sys
import threading
import time
import traceback
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from pipelines.inputs import displayable
from pipelines.model import DocumentError

_GRACE_SECONDS = 5.0  # how long to wait for a child that has sent its result to exit


# Imported once in the fork server, so each worker starts in ~10 ms instead of re-importing pandas,
# pdfplumber and pypdfium2 (~0.3 s). Only effective before the fork server first starts.
PRELOAD_MODULES = ["pipelines.model", "pipelines.triage", "pdfplumber", "pypdfium2"]


def _modules_main_uses() -> list[str]:
    main = sys.modules.get("__main__")
    names = set()
    for value in vars(main).values() if main is not None else ():
        name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(name, str) and name not in ("__main__", "__mp_main__", "builtins"):
            names.add(name.split(".")[0] if name.startswith("_") else name)
    return sorted(names)


def _context(func: Callable | None = None) -> mp.context.BaseContext:
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    module = getattr(getattr(func, "func", func), "__module__", None)  # func may be a partial
    preload = list(PRELOAD_MODULES)
    if module and module not in ("__main__", "__mp_main__") and module not in preload:
        preload.append(module)
    # Every worker re-runs the main script (Python 3.11's fork server ignores a '__main__' preload),
    # so the server preloads what the script imports: for the `budget` CLI that is assets.cli and
    # Dagster, which would otherwise be imported again for every file (~0.6–1.5 s each).
    ctx.set_forkserver_preload([*preload, *_modules_main_uses()])
    return ctx


def _describe(func: Callable) -> str:
    func = getattr(func, "func", func)  # a functools.partial names its function
    return getattr(func, "__qualname__", None) or repr(func)


MEMORY_LIMIT_SETTING = "BUDGET_FILE_MEMORY_LIMIT"


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux /proc), else None."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def limit_memory(memory_mb: float) -> int:
    """Let this process's address space grow by at most ``memory_mb`` MiB; returns the cap."""
    cap = (_address_space() or 0) + int(memory_mb * (1 << 20))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return cap


def memory_error(label: str, memory_mb: float) -> DocumentError:
    return DocumentError(
        f"{label} needed more than the {memory_mb:g} MiB of memory one file may use, and was "
        f"stopped. A budget disclosure needs far less: the file is probably damaged or built to "
        f"exhaust memory (a decompression bomb); download it again, or raise {MEMORY_LIMIT_SETTING} "
        "if it is genuine")


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the process that started it ends (a killed run's
    fork server), so a killed ingestion leaves no worker running on. Elsewhere: nothing."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _child_main(conn: Connection, func: Callable, args: tuple, kwargs: dict,
                memory_mb: float | None = None, label: str = "") -> None:
    """Runs in the child: call func and send ("ok", result) or ("err", exception, traceback)."""
    _die_with_parent()
    try:
        if memory_mb:
            limit_memory(memory_mb)
        result = func(*args, **kwargs)
        message: tuple = ("ok", result)
    except MemoryError:
        message = ("err", memory_error(label or _describe(func), memory_mb or 0), "")
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        message = ("err", exc, traceback.format_exc())
    try:
        conn.send(message)
    except Exception as send_exc:  # result or exception not picklable
        if message[0] == "ok":
            fallback = ("err", TypeError(f"result of {_describe(func)} cannot be sent back to the "
                                         f"parent process: {send_exc}"), "")
        else:
            exc = message[1]
            fallback = ("err", RuntimeError(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"),
                        message[2])
        conn.send(fallback)
    finally:
        conn.close()


class _Job:
    """One child process running one call."""

    def __init__(self, ctx: mp.context.BaseContext, func: Callable, args: tuple, kwargs: dict,
                 seconds: float, label: str, memory_mb: float | None = None):
        self.func = func
        self.seconds = seconds
        self.label = label
        self.memory_mb = memory_mb
        receiver, sender = ctx.Pipe(duplex=False)
        self.conn = receiver
        self.process = ctx.Process(target=_child_main, args=(sender, func, args, kwargs, memory_mb, label),
                                   daemon=True)
        self.process.start()
        sender.close()  # the child holds the only writer: EOF on the reader means it died
        self.deadline = time.monotonic() + seconds
        self.closed = False

    def kill(self) -> None:
        """Stop the process (if still running) and release it; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(_GRACE_SECONDS)
        self.conn.close()
        if self.process.exitcode is not None:
            self.process.close()

    def timeout_error(self) -> DocumentError:
        return DocumentError(
            f"{self.label} took longer than {self.seconds:g} s; the process was stopped. The file may "
            "be unusually large or malformed: check it, or raise the time limit if it is genuine")

    def collect(self) -> Any:
        """Result of a finished job (conn readable or process gone); raises what the child raised."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = None
        except Exception as exc:  # result could not be unpickled in the parent
            message = ("err", RuntimeError(f"{self.label}: result could not be read: {exc}"), "")
        self.process.join(_GRACE_SECONDS)
        code = self.process.exitcode
        self.kill()
        if message is None:
            if self.memory_mb and code is not None and -code in _OUT_OF_MEMORY_SIGNALS:
                raise DocumentError(
                    f"{self.label} crashed: the worker process {_death(code)} without returning a "
                    f"result, most likely because it needed more than the {self.memory_mb:g} MiB of "
                    "memory one file may use (or the PDF library failed on a malformed file). The "
                    "file is probably damaged or built to exhaust memory; download it again, or "
                    f"raise {MEMORY_LIMIT_SETTING} if it is genuine")
            raise DocumentError(f"{self.label} crashed: the worker process {_death(code)} without "
                                "returning a result. The file may be malformed; check it or report it")
        if message[0] == "ok":
            return message[1]
        exc, child_tb = message[1], message[2]
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):  # never end the parent for the child
            raise DocumentError(f"{self.label}: the worker process stopped early "
                                f"({type(exc).__name__}: {exc})")
        if child_tb and hasattr(exc, "add_note"):
            exc.add_note(f"raised in worker process:\n{child_tb}")
        raise exc


# how native code dies when an allocation fails under RLIMIT_AS (PDFium aborts; a few trap)
_OUT_OF_MEMORY_SIGNALS = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGTRAP, signal.SIGILL,
                          signal.SIGKILL}


def _death(code: int | None) -> str:
    if code is None:
        return "stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    return f"exited with code {code}"


def warm_up(func: Callable) -> None:
    """Start the worker fork server (it imports what the workers need, ~1 s) in the background, so
    that a caller with other set-up to do does not wait for it when the first file is submitted."""
    ctx = _context(func)
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver
    threading.Thread(target=forkserver.ensure_running, name="forkserver-warm-up", daemon=True).start()


def run_with_time_limit(func: Callable, *args: Any, seconds: float, label: str | None = None,
                        memory_mb: float | None = None, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in a separate process; DocumentError if it takes more than
    ``seconds``, needs more than ``memory_mb`` MiB, or the process dies. ``label`` names the work
    in messages (default: the first argument if it is a path/str, else the function name)."""
    if label is None:
        label = _label(func, args[0] if args else None)
    job = _Job(_context(func), func, args, kwargs, seconds, label, memory_mb)
    try:
        if not job.conn.poll(seconds):
            raise job.timeout_error()
        return job.collect()
    finally:
        job.kill()


def _label(func: Callable, item: Any) -> str:
    if isinstance(item, (str, os.PathLike)):
        return displayable(os.path.basename(os.fspath(item)) or os.fspath(item))
    return _describe(func)


def map_with_time_limit(func: Callable, items: Iterable[Any], seconds: float, workers: int = 4,
                        memory_mb: float | None = None) -> Iterator[tuple[Any, Any]]:
    """Run ``func(item)`` for every item, at most ``workers`` at a time, each in its own process with
    its own time (and memory) limit. Yields ``(item, result)`` or ``(item, exception)`` as they
    complete; a hung, crashed or memory-hungry item costs only its own process (DocumentError for
    timeouts, crashes and the memory limit)."""
    ctx = _context(func)
    pending = deque(items)
    running: dict[Connection, tuple[_Job, Any]] = {}
    workers = max(1, int(workers))
    try:
        while pending or running:
            while pending and len(running) < workers:
                item = pending.popleft()
                try:
                    job = _Job(ctx, func, (item,), {}, seconds, _label(func, item), memory_mb)
                except (pickle.PicklingError, TypeError, AttributeError) as exc:
                    yield item, exc
                    continue
                running[job.conn] = (job, item)
            if not running:
                continue
            now = time.monotonic()
            next_deadline = min(job.deadline for job, _ in running.values())
            ready = wait(list(running), timeout=max(0.0, next_deadline - now))
            for conn in ready:
                job, item = running.pop(conn)
                try:
                    yield item, job.collect()
                except Exception as exc:  # noqa: BLE001 - handed to the caller
                    yield item, exc
            now = time.monotonic()
            for conn in [c for c, (job, _) in running.items() if job.deadline <= now]:
                job, item = running.pop(conn)
                job.kill()
                yield item, job.timeout_error()
    finally:  # caller stopped iterating, or an error: leave no children behind
        for job, _ in running.values():
            job.kill()
