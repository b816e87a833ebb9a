"""Per-file progress of a run, for the `budget` CLI.

The assets call :func:`report` as each file is extracted and as each document is written. It does
nothing unless ``hook`` is set: the CLI sets it for the length of its in-process run (the assets run
in the CLI's process), the UI and the sensor never do.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import TextIO

# hook(stage, path, done, total, ok, failed); stage "processing" (ok: documents loaded);
# path: the file just finished.
hook: Callable[[str, str, int, int, int, int], None] | None = None

OK_LABEL = {"processing": "loaded"}


def report(stage: str, path: str, done: int, total: int, ok: int, failed: int) -> None:
    if hook is not None:
        hook(stage, str(path), done, total, ok, failed)


class ProgressLine:
    """One line rewritten in place on a terminal; writes nothing when the stream is not a TTY."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, stage: str, path: str, done: int, total: int, ok: int, failed: int) -> None:
        if not self.enabled:
            return
        text = (f"{stage} {done}/{total}: {ok} {OK_LABEL.get(stage, 'ok')}, {failed} failed  {path}")
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
