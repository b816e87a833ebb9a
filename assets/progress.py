"""Per-file progress of a run, for the `budget` CLI.

The assets call :func:`report` as each file is extracted and as each document is written, and
:func:`waiting` at every retry while the warehouse is locked by another process. Both do nothing
unless their hook is set: the CLI sets them for the length of its in-process run (the assets run
in the CLI's process), the UI and the sensor never do.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO

# hook(stage, path, done, total, ok, failed); stage "processing" (ok: documents loaded);
# path: the file just finished.
hook: Callable[[str, str, int, int, int, int], None] | None = None
# waiting_hook(message): the warehouse is locked; the message names the holder and the wait so far
waiting_hook: Callable[[str], None] | None = None

OK_LABEL = {"processing": "loaded"}
WAIT_LINE_EVERY = 10.0  # seconds between wait lines when the output is not a terminal


def report(stage: str, path: str, done: int, total: int, ok: int, failed: int) -> None:
    if hook is not None:
        hook(stage, str(path), done, total, ok, failed)


def waiting(message: str) -> None:
    if waiting_hook is not None:
        waiting_hook(message)


class ProgressLine:
    """One line rewritten in place on a terminal; writes nothing when the stream is not a TTY,
    except the wait for a locked warehouse, which goes to ``log`` every WAIT_LINE_EVERY seconds."""

    def __init__(self, stream: TextIO, log: TextIO | None = None):
        self.stream = stream
        self.log = log
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False
        self._last_wait_line = float("-inf")

    def __call__(self, stage: str, path: str, done: int, total: int, ok: int, failed: int) -> None:
        self.show(f"{stage} {done}/{total}: {ok} {OK_LABEL.get(stage, 'ok')}, {failed} failed  {path}")

    def waiting(self, message: str) -> None:
        if self.enabled:
            self.show(message)
        elif self.log is not None and time.monotonic() - self._last_wait_line >= WAIT_LINE_EVERY:
            self._last_wait_line = time.monotonic()
            print(message, file=self.log, flush=True)

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        if len(text) > width:
            text = text[:max(0, width - 1)] + "…"
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the line, so the summary starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
