"""Which paths are input files, and what is wrong with the ones that cannot be read.

    find_inputs(paths) -> list[InputPath]     every PDF named or found below a folder, each judged alone
    read_sha256(path) -> str                  hash of a regular file; UnreadableInput says why not
    displayable(text) -> str                  a path (or any text) that can be stored and printed
    name_bytes(path) -> bytes | None          the bytes of a path whose name is not valid UTF-8

Nothing here stops a run: a path that cannot be ingested (a folder named like a PDF, a FIFO or a
device, a symbolic link loop or a dangling link, a file without read permission) comes back with
the reason in words a user can act on, and the caller records it as a failed document. Files are
opened with O_NONBLOCK and checked to be regular after opening, so a FIFO never blocks a run, even
one swapped in after the folder was listed.

File names are kept as the operating system gives them (Python's surrogate escapes for bytes
that are not UTF-8, common in archives unpacked from Windows with GBK names), so the file can
always be opened again; what is stored and printed is :func:`displayable`, with each such byte
written as ``\\xNN``.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass

from pipelines.model import DocumentError

PDF_SUFFIX = ".pdf"
_BLOCK = 1 << 20


class UnreadableInput(DocumentError):
    """An input path whose bytes cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class InputPath:
    path: str  # as the operating system gives it (may hold surrogate escapes)
    problem: str | None = None  # None: a regular file to ingest

    @property
    def shown(self) -> str:
        return displayable(self.path)


def displayable(text: str) -> str:
    """``text`` with every byte that is not valid UTF-8 written as ``\\xNN`` (UTF-8 text is
    unchanged), so that DuckDB, Dagster and a terminal can take it."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def name_bytes(path: str | os.PathLike) -> bytes | None:
    """The path's bytes when they are not valid UTF-8 (what :func:`displayable` cannot keep
    exactly), else None."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        raw = text
    else:
        try:
            text.encode("utf-8")
            return None
        except UnicodeEncodeError:
            raw = os.fsencode(text)
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        return raw


def path_document_id(path: str) -> str:
    """Id of a document whose bytes cannot be read: there is nothing to hash but its path."""
    return hashlib.sha256(b"path\0" + os.fsencode(path)).hexdigest()[:16]


# --- finding the input files ---------------------------------------------------------------------

def find_inputs(paths: list[str | os.PathLike]) -> list[InputPath]:
    """Every file named, and every ``*.pdf`` entry below every folder named (recursively, in a
    stable order), each with the reason it cannot be ingested, if any. A folder that cannot be
    listed is an entry with a problem too."""
    found: list[InputPath] = []
    for given in paths:
        path = os.fspath(given)
        problem = _problem(path, named=True)
        if problem == _FOLDER:
            found.extend(_walk(path))
        else:
            found.append(InputPath(path, problem))
    return found


_FOLDER = "folder"  # _problem's answer for a folder to search


def _walk(folder: str) -> list[InputPath]:
    found: list[InputPath] = []

    def unlistable(error: OSError) -> None:
        where = error.filename or folder
        found.append(InputPath(os.fspath(where), f"the folder {displayable(os.fspath(where))} cannot "
                                                 f"be listed ({_reason(error)}); {_access_hint(error)}"))

    for top, folders, files in os.walk(folder, onerror=unlistable):
        folders.sort()
        for name in sorted(files + [f for f in folders if f.lower().endswith(PDF_SUFFIX)]):
            if not name.lower().endswith(PDF_SUFFIX):
                continue
            path = os.path.join(top, name)
            found.append(InputPath(path, _problem(path, named=False)))
    return sorted(found, key=lambda item: os.fsencode(item.path))


def _problem(path: str, *, named: bool) -> str | None:
    """None for a regular file (or a link to one), _FOLDER for a folder named on the command
    line, else what is wrong with it."""
    shown = displayable(path)
    try:
        info = os.stat(path)
    except OSError as error:
        return _stat_problem(path, shown, error)
    if stat.S_ISDIR(info.st_mode):
        if named:
            return _FOLDER
        return (f"{shown} is a folder, not a PDF file, although its name ends in .pdf; its "
                "contents are searched like any folder's. Rename it if that is confusing")
    if stat.S_ISREG(info.st_mode):
        return None
    return (f"{shown} is not a regular file but {_kind(info.st_mode)}; nothing was read from it. "
            "Ingest the PDF file itself (copy it into the folder)")


def _stat_problem(path: str, shown: str, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return (f"{shown} is a symbolic link that loops (it leads back to itself); fix or remove "
                "the link and name the PDF file itself")
    if error.errno == errno.ENOENT and os.path.islink(path):
        target = displayable(os.readlink(path))
        return (f"{shown} is a symbolic link to {target}, which does not exist; fix the link or "
                "name the PDF file itself")
    if error.errno == errno.ENOENT:
        return f"{shown} does not exist; check the path"
    return f"{shown} cannot be examined ({_reason(error)}); {_access_hint(error)}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else type(error).__name__


def _access_hint(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return ("give the user running the ingestion read access (e.g. chmod a+r on the file, "
                "a+rx on its folders) and ingest it again")
    return "check the disk or copy the file again, then ingest it again"


# --- reading one input file ----------------------------------------------------------------------

def read_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a regular file's bytes. Raises UnreadableInput (with what to do) for a file that
    cannot be opened or read, and for anything that is not a regular file once opened."""
    path = os.fspath(path)
    shown = displayable(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        problem = _problem(path, named=False)
        if problem is not None and not isinstance(error, PermissionError):
            raise UnreadableInput(problem) from None
        raise UnreadableInput(f"{shown} cannot be read ({_reason(error)}); {_access_hint(error)}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableInput(f"{shown} is not a regular file but {_kind(mode)}; nothing was read "
                                  "from it. Ingest the PDF file itself (copy it into the folder)")
        digest = hashlib.sha256()
        while block := os.read(descriptor, _BLOCK):
            digest.update(block)
        return digest.hexdigest()
    except OSError as error:
        raise UnreadableInput(f"{shown} cannot be read ({_reason(error)}); {_access_hint(error)}") from None
    finally:
        os.close(descriptor)
