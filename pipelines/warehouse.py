"""The DuckDB warehouse: schema of the analyst data contract and transactional loading.

Plain Python + duckdb (no Dagster), so tests and scripts can load documents directly.
Money never passes through float: Decimal values are handed to DuckDB as exact decimal
strings and CAST to DECIMAL inside the INSERT.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import sys
import time
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import residue, schema, versions
from pipelines.damage import CHECK_ID as DAMAGE_CHECK
from pipelines.inputs import displayable, name_bytes
from pipelines.model import (
    DOCUMENT_COLUMNS, FACT_COLUMNS, INDICATOR_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS,
    DocumentInfo,
)

from pipelines.settings import DATABASE_PATH_ENV, DEFAULT_DATABASE_PATH, LOCK_TIMEOUT_ENV, Settings  # noqa: F401 (re-exported)

STATUS_LOADED = "loaded"
STATUS_FAILED = "failed"
STATUS_SUPERSEDED = "superseded"
STATUS_PENDING = "pending"  # a project addition: a new version held back until confirmed

# Column names and types per table, from the one declaration in pipelines.schema.
COLUMN_TYPES: dict[str, dict[str, str]] = {t.name: t.types for t in schema.ALL_TABLES}
TABLE_COLUMNS: dict[str, list[str]] = {t.name: t.column_names for t in schema.ALL_TABLES}

# Tables whose rows belong to one document and leave when it is replaced or superseded.
DOCUMENT_ROW_TABLES = [t.name for t in schema.DOCUMENT_ROW_TABLES]
SUPERSEDED_ROW_TABLES = [t.name for t in schema.ARCHIVED_TABLES]
# Internal, not part of the data contract: a superseded document's rows of SUPERSEDED_ROW_TABLES,
# moved here (same columns) so that forgetting the newer version can bring them back.
ARCHIVE_TABLES = {t.name: schema.archive_of(t).name for t in schema.ARCHIVED_TABLES}

DIMENSION_TABLES = {
    # table: (code column in facts, {code length: level})
    "dim_function": ("func_code", {3: "类", 5: "款", 7: "项"}),
    "dim_econ_dept": ("econ_dept_code", {3: "类", 5: "款"}),
    "dim_econ_gov": ("econ_gov_code", {3: "类", 5: "款"}),
}
_OTHER_CODE_COLUMNS = {
    "func_code": ["econ_dept_code", "econ_gov_code"],
    "econ_dept_code": ["func_code", "econ_gov_code"],
    "econ_gov_code": ["func_code", "econ_dept_code"],
}

WAREHOUSE_TABLES = [t.name for t in schema.PUBLIC_TABLES]


def default_database_path() -> Path:
    """BUDGET_DUCKDB_PATH if set, else data/warehouse/budget.duckdb under the project root."""
    return Settings.from_env().database


def schema_statements() -> list[str]:
    """CREATE TABLE for every table of pipelines.schema (idempotent)."""
    return [statement for table in schema.ALL_TABLES for statement in schema.create_statements(table)]


def _fingerprint(statements) -> str:
    return hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()


@lru_cache(maxsize=None)
def _tables_fingerprint() -> str:
    return _fingerprint(s for table in schema.ALL_TABLES
                        for s in schema.create_statements(table) + schema.comment_statements(table))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add columns a warehouse written by an older version lacks (v1 -> v2:
    they are appended, filled with NULL until the document is ingested again), and (re)write every
    table and column comment. One SELECT when the warehouse already holds this code's schema (its
    fingerprint is kept in schema_version): every load and check calls this."""
    held = _held_fingerprints(con)
    if held.get("tables") == _tables_fingerprint() and held.get("views") == views_fingerprint():
        return
    _create_or_migrate_tables(con)
    ensure_views(con)
    con.execute("INSERT OR REPLACE INTO schema_version VALUES ('tables', ?)", [_tables_fingerprint()])


def _held_fingerprints(con) -> dict[str, str]:
    try:
        return dict(con.execute("SELECT part, fingerprint FROM schema_version").fetchall())
    except duckdb.CatalogException:  # a warehouse from before schema_version, or a new file
        return {}


def _create_or_migrate_tables(con) -> None:
    existing = _existing_columns(con)
    statements = []
    for table in schema.ALL_TABLES:
        have = existing.get(table.name)
        if have is None:
            statements += schema.create_statements(table)
        else:
            statements += [f"ALTER TABLE {table.name} ADD COLUMN {c.name} {c.type}"
                           for c in table.columns if c.name not in have]
            statements += [f"ALTER TABLE {table.name} ALTER {c.name} TYPE {c.type}"
                           for c in table.columns if c.name in have and have[c.name] != c.type]
        if have is None or any(c.name not in have for c in table.columns) or not _commented(con, table):
            statements += schema.comment_statements(table)
    for statement in statements:
        con.execute(statement)
    if schema.DIM_UNIT.name not in existing:  # a warehouse from before dim_unit: fill it now
        refresh_dim_unit(con)


@lru_cache(maxsize=None)
def _view_statements() -> tuple[str, ...]:
    from pipelines import views  # local: pipelines.views reads the vocabulary files

    return tuple([s for macro in views.PUBLIC_MACROS for s in schema.macro_statements(macro)]
                 + [s for view in views.PUBLIC_VIEWS for s in schema.view_statements(view)])


def view_statements() -> list[str]:
    """CREATE OR REPLACE and COMMENT ON for every public macro and view, in dependency order."""
    return list(_view_statements())


@lru_cache(maxsize=None)
def views_fingerprint() -> str:
    return _fingerprint(_view_statements())


def held_views_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the views a warehouse holds (None: written before views existed)."""
    return _held_fingerprints(con).get("views")


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views and macros when the code declares other ones than the warehouse holds
    (a fingerprint of their statements is kept in schema_version); cheap when nothing changed."""
    if held_views_fingerprint(con) == views_fingerprint():
        return
    with transaction(con):
        for statement in _view_statements():
            con.execute(statement)
        con.execute("INSERT OR REPLACE INTO schema_version VALUES ('views', ?)", [views_fingerprint()])


def _existing_columns(con) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for table, column, data_type in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
            "AND database_name = current_database()").fetchall():
        columns.setdefault(table, {})[column] = data_type
    return columns


def _commented(con, table: schema.Table) -> bool:
    row = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main' "
                      "AND database_name = current_database()", [table.name]).fetchall()
    return bool(row and row[0][0] == table.comment)


def prepare_database_path(path: str | Path) -> Path:
    """Create the folder the database file lives in (DuckDB does not)."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    return path


LOCK_RETRY_SECONDS = 0.5


class WarehouseLockedError(RuntimeError):
    """The DuckDB file stayed locked by another process for longer than the lock timeout."""


def lock_timeout() -> float:
    """BUDGET_DB_LOCK_TIMEOUT seconds if set, else 120."""
    return Settings.from_env().lock_timeout


def _is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set lock" in text)


_HOLDER_RE = re.compile(r"held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")


def lock_holder(error: Exception) -> str:
    """'PID 1234 (/usr/bin/python3)' from DuckDB's lock error, else 'another process'."""
    match = _HOLDER_RE.search(str(error))
    if not match:
        return "another process"
    return f"PID {match['pid']} ({Path(match['program']).name})"


def connect(path: str | Path | None = None, *, read_only: bool = False, timeout: float | None = None,
            log=None, waiting=None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; while another process holds the file's lock, wait and retry.

    DuckDB allows one writing process per file. A locked file is retried every half second for
    up to ``timeout`` seconds (default BUDGET_DB_LOCK_TIMEOUT, 120), reporting once through
    ``log`` (default: stderr) which process holds the lock (DuckDB names the PID) and, at every
    retry, ``waiting(message)`` with the wait so far (a progress line); after that
    WarehouseLockedError says which process blocks, how long it waited, and what to do."""
    path = prepare_database_path(path if path is not None else default_database_path())
    timeout = lock_timeout() if timeout is None else timeout
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    started = time.monotonic()
    deadline = started + timeout
    reported = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise
            waited = time.monotonic() - started
            holder = lock_holder(error)
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"the warehouse {path} is still locked by {holder} after waiting {waited:.0f} s "
                    f"(limit {timeout:g} s): {error}. Close that process (an open DuckDB shell or "
                    f"notebook, or another ingestion), or raise {LOCK_TIMEOUT_ENV}; analysts can "
                    "query the published copy instead") from error
            if not reported:
                log(f"waiting up to {timeout:g} s for the warehouse {path}, locked by {holder}: {error}")
                reported = True
            if waiting is not None:
                waiting(f"waiting for the warehouse {path.name}: locked by {holder}, "
                        f"{waited:.0f} s of {timeout:g} s")
            time.sleep(min(LOCK_RETRY_SECONDS, max(0.0, deadline - time.monotonic())))
    if not read_only:
        ensure_schema(con)
    return con


def published_path(path: str | Path) -> Path:
    """The read-only copy analysts query: budget.duckdb -> budget-published.duckdb."""
    path = Path(path)
    return path.with_name(f"{path.stem}-published{path.suffix or '.duckdb'}")


def publish_snapshot(path: str | Path) -> Path | None:
    """Copy the (closed) warehouse to its published name atomically: a temporary file in the same
    folder, then os.replace, so a reader sees the old copy or the new one, never half a file."""
    path = Path(path)
    if str(path) == ":memory:" or not path.exists():
        return None
    target = published_path(path)
    residue.clean_partial_copies(path)  # of publishers that were killed
    temporary = residue.partial_copy(target)
    try:
        shutil.copyfile(path, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def known_hashes(path: str | Path, **connect_options) -> dict[str, tuple[str, str]]:
    """{sha256: (document_id, status)} of every file already ingested into the warehouse at
    ``path`` and not failed: loaded, superseded or pending (empty when the file does not exist
    yet). Failed files are not known: the next ingestion tries them again."""
    if str(path) == ":memory:" or not Path(path).exists():
        return {}
    con = connect(path, read_only=True, **connect_options)
    try:
        tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in tables:
            return {}
        rows = con.execute("SELECT sha256, document_id, status FROM documents WHERE status IN (?, ?, ?)",
                           [STATUS_LOADED, STATUS_SUPERSEDED, STATUS_PENDING]).fetchall()
        return {sha: (document_id, status) for sha, document_id, status in rows if sha}
    finally:
        con.close()


def already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """True when these bytes were ingested successfully (loaded, superseded since, or pending)."""
    row = con.execute(
        "SELECT count(*) FROM documents WHERE sha256 = ? AND status IN (?, ?, ?)",
        [sha256, STATUS_LOADED, STATUS_SUPERSEDED, STATUS_PENDING],
    ).fetchall()[0]
    return row[0] > 0


def table_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in WAREHOUSE_TABLES}


def load_document(
    con: duckdb.DuckDBPyConnection,
    info: DocumentInfo,
    facts: pd.DataFrame,
    indicators: pd.DataFrame,
    prose: pd.DataFrame,
    validation: pd.DataFrame,
    *,
    accept_new_version: bool = False,
) -> str:
    """Write one document's rows in one transaction; returns its resulting status.

    The same document_id again replaces its rows. Of two documents with the same unit, year,
    kind and sort but other bytes, the one ingested later is the new version: it supersedes the
    current one, its differences recorded in version_changes (pipelines.versions), unless it is
    damaged (then it fails and the current version stays) or loses tables or more than a few
    percent of the facts (then it is ``pending`` until ``accept_new_version``).
    """
    ensure_schema(con)
    frames = {
        "facts": _staged(facts, FACT_COLUMNS, "facts"),
        "performance_indicators": _staged(indicators, INDICATOR_COLUMNS, "performance_indicators"),
        "prose_amounts": _staged(prose, PROSE_COLUMNS, "prose_amounts"),
        "validation_results": _staged(validation, VALIDATION_COLUMNS, "validation_results"),
    }
    _check_document_ids(info.document_id, frames)
    with transaction(con):
        previous_rows = con.execute(
            "SELECT status, ingested_at FROM documents WHERE document_id = ?", [info.document_id]
        ).fetchall()
        previous = previous_rows[0] if previous_rows else None
        # Re-ingesting the same bytes keeps the original ingestion time, so it changes nothing.
        keep_time = previous is not None and previous[0] in (STATUS_LOADED, STATUS_SUPERSEDED,
                                                             STATUS_PENDING)
        ingested_at = previous[1] if keep_time else datetime.now()
        _upsert_document(con, info, STATUS_LOADED, None, ingested_at)
        _delete_document_rows(con, info.document_id, DOCUMENT_ROW_TABLES + list(ARCHIVE_TABLES.values()))
        for table, frame in frames.items():
            _insert_frame(con, table, frame)
        _upsert_dimensions(con, frames["facts"])
        _settle_versions(con, info, accept_new_version)
        refresh_dim_unit(con)
        status = con.execute(
            "SELECT status FROM documents WHERE document_id = ?", [info.document_id]
        ).fetchall()[0][0]
    return status


def record_failure(
    con: duckdb.DuckDBPyConnection,
    document_id: str,
    source_path: str,
    sha256: str,
    pages: int | None,
    error: str,
) -> None:
    """A documents row with status failed; the document keeps no rows in the other tables."""
    ensure_schema(con)
    info = DocumentInfo(document_id=document_id, source_path=str(source_path), sha256=sha256,
                        pages=pages)
    with transaction(con):
        _upsert_document(con, info, STATUS_FAILED, error or "unknown error", datetime.now())
        _delete_document_rows(con, document_id, DOCUMENT_ROW_TABLES + list(ARCHIVE_TABLES.values()))
        refresh_dim_unit(con)


_open_transactions: set[int] = set()  # id() of connections inside a `transaction` block


class transaction:
    """BEGIN … COMMIT, ROLLBACK on any error. Inside a `transaction` block already open on the
    connection it joins that one (the outer block commits or rolls back), so a document's load and
    the checks that belong to it can be one transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.owner = False

    def __enter__(self):
        if id(self.con) not in _open_transactions:
            self.con.execute("BEGIN TRANSACTION")
            _open_transactions.add(id(self.con))
            self.owner = True
        return self.con

    def __exit__(self, exc_type, exc, tb):
        if not self.owner:
            return False
        _open_transactions.discard(id(self.con))
        if exc_type is None:
            self.con.execute("COMMIT")
        else:
            self.con.execute("ROLLBACK")
        return False


def _upsert_document(con, info: DocumentInfo, status: str, error: str | None, ingested_at) -> None:
    values = {
        "document_id": info.document_id, "source_path": info.source_path, "sha256": info.sha256,
        "pages": info.pages, "unit_name": info.unit_name, "supervisor": info.supervisor,
        "fiscal_year": info.fiscal_year, "doc_kind": info.doc_kind, "unit_key": info.unit_key,
        "region": info.region,
        "amount_coverage": None if info.amount_coverage is None else format(info.amount_coverage, "f"),
        "amount_unit": info.amount_unit, "status": status, "error": error,
        "ingested_at": ingested_at, "source_path_bytes": name_bytes(info.source_path),
    }
    values = {c: displayable(v) if isinstance(v, str) else v for c, v in values.items()}
    columns = DOCUMENT_COLUMNS
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "document_id")
    con.execute(
        f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT (document_id) DO UPDATE SET {updates}",
        [values[c] for c in columns],
    )
    # a failure recorded for this path while its bytes could not be read is over now
    con.execute("DELETE FROM documents WHERE source_path = ? AND sha256 IS NULL AND document_id <> ?",
                [values["source_path"], info.document_id])


def _delete_document_rows(con, document_id: str, tables: list[str]) -> None:
    for table in tables:
        con.execute(f"DELETE FROM {table} WHERE document_id = ?", [document_id])


# A department may publish its prose and its tables as two files: they are two documents of one
# unit, year and kind that complement each other. Only a file of the same sort (tables, or prose
# only) is a new version of another.
HAS_TABLES_SQL = ("(EXISTS (SELECT 1 FROM facts f WHERE f.document_id = documents.document_id) "
                  "OR EXISTS (SELECT 1 FROM facts_superseded f WHERE f.document_id = documents.document_id))")


# rows in neither the public nor the archive tables: superseded before archiving existed
HAS_NO_ROWS_SQL = "NOT (" + " OR ".join(
    f"EXISTS (SELECT 1 FROM {t} r WHERE r.document_id = documents.document_id)"
    for t in ("facts", "facts_superseded", "prose_amounts", "prose_amounts_superseded")) + ")"


def _has_tables(con, document_id: str) -> bool:
    return bool(con.execute(f"SELECT {HAS_TABLES_SQL} FROM documents WHERE document_id = ?",
                            [document_id]).fetchone()[0])


def _settle_versions(con, info: DocumentInfo, accept_new_version: bool) -> None:
    """After ``info``'s rows were written as loaded: which version of its unit, year, kind and sort
    is current. The version ingested last is the new one (re-ingesting older bytes does not bring
    them back); pending versions take no part until they are accepted."""
    if info.unit_name is None or info.fiscal_year is None or info.doc_kind is None:
        return
    versions_ = con.execute(
        "SELECT document_id, status FROM documents "
        "WHERE unit_name = ? AND fiscal_year = ? AND doc_kind = ? "
        "AND (status IN (?, ?) OR document_id = ?) "
        f"AND {HAS_TABLES_SQL} = ? "
        # ties on ingested_at go to the document being loaded now
        "ORDER BY ingested_at DESC, (document_id = ?) DESC, document_id",
        [info.unit_name, info.fiscal_year, info.doc_kind, STATUS_LOADED, STATUS_SUPERSEDED,
         info.document_id, _has_tables(con, info.document_id), info.document_id],
    ).fetchall()
    newest = versions_[0][0]
    if newest != info.document_id:  # older bytes again: the newer version stays current
        _set_status(con, info.document_id, STATUS_SUPERSEDED)
        _move_rows(con, info.document_id, to_archive=True)
        return
    current = [d for d, status in versions_[1:] if status == STATUS_LOADED]
    for previous in current:
        refusal = _refusal(con, info.document_id, previous, accept_new_version)
        if refusal is not None:
            status, error = refusal
            _set_status(con, info.document_id, status, error)
            if status == STATUS_PENDING:
                _move_rows(con, info.document_id, to_archive=True)
            else:  # a failed document keeps no rows
                _delete_document_rows(con, info.document_id, DOCUMENT_ROW_TABLES)
            return
    for previous in current:
        _set_status(con, previous, STATUS_SUPERSEDED)
        _move_rows(con, previous, to_archive=True)  # kept for `forget` of the newer version
    # versions held back before this one arrived are overtaken by it
    con.execute("UPDATE documents SET status = ?, error = NULL WHERE unit_name = ? AND fiscal_year = ? "
                "AND doc_kind = ? AND status = ? AND ingested_at <= (SELECT ingested_at FROM documents d "
                f"WHERE d.document_id = ?) AND document_id <> ? AND {HAS_TABLES_SQL} = ?",
                [STATUS_SUPERSEDED, info.unit_name, info.fiscal_year, info.doc_kind, STATUS_PENDING,
                 info.document_id, info.document_id, _has_tables(con, info.document_id)])


def _refusal(con, document_id: str, current: str, accept_new_version: bool) -> tuple[str, str] | None:
    """(status, error) when ``document_id`` may not replace ``current``; records the changes."""
    damaged = _damaged_pages(con, document_id)
    if damaged:
        return STATUS_FAILED, (
            f"the file is damaged ({damaged}), so it does not replace the intact current version "
            f"{current}, which stays loaded; download it again, or ask the publisher for an intact copy")
    changes = versions.record_changes(con, document_id, current)
    reason = versions.hold_back_reason(changes)
    _delete_held_back_finding(con, document_id)
    if reason is None or accept_new_version:
        return None
    _insert_frame(con, "validation_results", _staged(pd.DataFrame([{
        "document_id": document_id, "check_id": versions.HELD_BACK_CHECK, "severity": "error",
        "passed": False, "expected": None, "actual": None,
        "location": f"previous version {current}", "table_code": None, "page": None, "unit": None,
        "category": "cross_document", "message": versions.held_back_message(changes),
    }], columns=VALIDATION_COLUMNS), VALIDATION_COLUMNS, "validation_results"))
    return STATUS_PENDING, reason


def _damaged_pages(con, document_id: str) -> str | None:
    row = con.execute("SELECT location FROM validation_results WHERE document_id = ? AND check_id = ? "
                      "AND NOT passed LIMIT 1", [document_id, DAMAGE_CHECK]).fetchall()
    return row[0][0] if row else None


def _delete_held_back_finding(con, document_id: str) -> None:
    con.execute("DELETE FROM validation_results WHERE document_id = ? AND check_id = ?",
                [document_id, versions.HELD_BACK_CHECK])


def _set_status(con, document_id: str, status: str, error: str | None = None) -> None:
    con.execute("UPDATE documents SET status = ?, error = ? WHERE document_id = ?",
                [status, error, document_id])


def accept_version(con: duckdb.DuckDBPyConnection, document_id: str) -> str:
    """Make a pending version current (the user confirmed it): its rows come back from the
    archive and it supersedes the version it was held back against. Returns its status."""
    with transaction(con):
        row = con.execute("SELECT status FROM documents WHERE document_id = ?", [document_id]).fetchall()
        if not row or row[0][0] != STATUS_PENDING:
            return row[0][0] if row else STATUS_FAILED
        _move_rows(con, document_id, to_archive=False)
        _set_status(con, document_id, STATUS_LOADED)
        _settle_versions(con, _info_of(con, document_id), accept_new_version=True)
        return con.execute("SELECT status FROM documents WHERE document_id = ?",
                           [document_id]).fetchone()[0]


def _info_of(con, document_id: str) -> DocumentInfo:
    row = con.execute("SELECT document_id, source_path, sha256, pages, unit_name, fiscal_year, doc_kind "
                      "FROM documents WHERE document_id = ?", [document_id]).fetchone()
    return DocumentInfo(document_id=row[0], source_path=row[1], sha256=row[2], pages=row[3],
                        unit_name=row[4], fiscal_year=row[5], doc_kind=row[6])


def _move_rows(con, document_id: str, *, to_archive: bool) -> int:
    """Move a document's rows between the public tables and their archives; returns how many."""
    moved = 0
    for table, archive in ARCHIVE_TABLES.items():
        source, target = (table, archive) if to_archive else (archive, table)
        columns = ", ".join(TABLE_COLUMNS[table])
        moved += con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source} "
                             "WHERE document_id = ?", [document_id]).fetchall()[0][0]
        con.execute(f"DELETE FROM {source} WHERE document_id = ?", [document_id])
    return moved


def _restore_latest_version(con, unit_name, fiscal_year, doc_kind, has_tables: bool) -> str | None:
    """After the loaded version of (unit, year, kind) was forgotten: the newest superseded version
    becomes loaded again, its rows moved back from the archive. Returns its document id."""
    versions = con.execute(
        "SELECT document_id, status FROM documents WHERE unit_name = ? AND fiscal_year = ? "
        f"AND doc_kind = ? AND status IN (?, ?) AND ({HAS_TABLES_SQL} = ? OR {HAS_NO_ROWS_SQL}) "
        "ORDER BY (status = ?) DESC, ingested_at DESC, document_id",
        [unit_name, fiscal_year, doc_kind, STATUS_LOADED, STATUS_SUPERSEDED, has_tables,
         STATUS_LOADED]).fetchall()
    if not versions or versions[0][1] == STATUS_LOADED:
        return None
    document_id = versions[0][0]
    if _move_rows(con, document_id, to_archive=False):
        con.execute("UPDATE documents SET status = ?, error = NULL WHERE document_id = ?",
                    [STATUS_LOADED, document_id])
    else:  # superseded before rows were archived: they are gone; a new ingest brings them back
        con.execute("UPDATE documents SET status = ?, error = ? WHERE document_id = ?",
                    [STATUS_FAILED, "its rows were deleted when it was superseded (before superseded "
                     "rows were archived); ingest the file again to restore it", document_id])
    return document_id


# --- DataFrame staging -------------------------------------------------------------------

def _staged(frame: pd.DataFrame | None, columns: list[str], table: str) -> pd.DataFrame:
    """The frame's contract columns as Python objects, money as exact decimal strings."""
    if frame is None:
        frame = pd.DataFrame(columns=columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table} frame lacks columns {missing}")
    types = COLUMN_TYPES[table]
    staged = {}
    for column in columns:
        values = frame[column].tolist()
        convert = _CONVERTERS.get(types[column], _exact_decimal_text)
        staged[column] = [None if _is_missing(v) else convert(v, table, column) for v in values]
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in staged.items()}, columns=columns)


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _exact_decimal_text(value, table: str, column: str) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{table}.{column}: {value} is not a finite amount")
        return format(value, "f")
    if isinstance(value, bool):
        raise ValueError(f"{table}.{column}: boolean {value!r} is not an amount")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f"{table}.{column}: float {value!r} would not be exact; pass Decimal")
    return str(value)  # e.g. a decimal string; the CAST rejects anything else


def _integer(value, table: str, column: str) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{table}.{column}: {value!r} is not a whole number")
    return int(value)


def _boolean(value, table: str, column: str) -> bool:
    if isinstance(value, str):  # bool("false") would be True
        raise ValueError(f"{table}.{column}: {value!r} is not a boolean")
    return bool(value)


# One Python type per column, so DuckDB's scan of object columns sees a uniform type.
_CONVERTERS = {
    "VARCHAR": lambda value, table, column: displayable(str(value)),
    "BLOB": lambda value, table, column: bytes(value),
    "INTEGER": _integer,
    "BOOLEAN": _boolean,
    "DOUBLE": lambda value, table, column: float(value),
    "TIMESTAMP": lambda value, table, column: value,
}


def _check_document_ids(document_id: str, frames: dict[str, pd.DataFrame]) -> None:
    for table, frame in frames.items():
        other = {v for v in frame["document_id"] if v != document_id}
        if other:
            raise ValueError(f"{table} rows belong to other documents {sorted(map(str, other))}, "
                             f"not {document_id}")


def insert_rows(con, table: str, frame: pd.DataFrame) -> None:
    """Insert a frame's rows (contract columns, exact decimals) into ``table``."""
    _insert_frame(con, table, _staged(frame, TABLE_COLUMNS[table], table))


def replace_check_rows(con, check_prefix: str, compute, scope_sql: str = "", params=()) -> pd.DataFrame:
    """Recompute one family of checks between documents (``compute()`` returns its validation
    rows) and replace the family's rows (check_id ``<check_prefix>.*``) of every loaded document,
    or of those ``scope_sql`` (a condition on documents ``d``) keeps, in one transaction or the
    caller's: a pair that no longer exists leaves no stale rows. Returns the rows written."""
    ensure_schema(con)
    with transaction(con):
        findings = compute()
        con.execute("DELETE FROM validation_results WHERE starts_with(check_id, ?) AND document_id IN "
                    f"(SELECT document_id FROM documents d WHERE status = ?{scope_sql})",
                    [f"{check_prefix}.", STATUS_LOADED, *params])
        insert_rows(con, "validation_results", findings)
    return findings


def _insert_frame(con, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    columns = TABLE_COLUMNS[table]
    types = COLUMN_TYPES[table]
    view = f"incoming_{table}"
    selects = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" for c in columns)
    con.register(view, frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selects} FROM {view}")
    finally:
        con.unregister(view)


def _upsert_dimensions(con, facts: pd.DataFrame) -> None:
    if facts.empty:
        return
    for table, (code_column, levels) in DIMENSION_TABLES.items():
        rows = _dimension_rows(facts, code_column, levels)
        if rows.empty:
            continue
        view = f"incoming_{table}"
        con.register(view, rows)
        try:
            con.execute(
                f"INSERT INTO {table} ({code_column}, level, name, parent_code) "
                f"SELECT CAST(code AS VARCHAR), CAST(level AS VARCHAR), CAST(name AS VARCHAR), "
                f"CAST(parent_code AS VARCHAR) FROM {view} "
                f"ON CONFLICT ({code_column}) DO UPDATE SET level = excluded.level, "
                "name = COALESCE(excluded.name, name), parent_code = excluded.parent_code"
            )
        finally:
            con.unregister(view)


def _dimension_rows(facts: pd.DataFrame, code_column: str, levels: dict[int, str]) -> pd.DataFrame:
    """One row per code; the name comes preferably from a row that carries only this code."""
    best: dict[str, tuple[int, str | None]] = {}
    others = _OTHER_CODE_COLUMNS[code_column]
    for record in facts[[code_column, "item", *others]].itertuples(index=False):
        code = getattr(record, code_column)
        if code is None:
            continue
        code = str(code).strip()
        if not code:
            continue
        item = record.item
        rank = sum(getattr(record, o) is not None for o in others) + (2 if item is None else 0)
        if code not in best or rank < best[code][0]:
            best[code] = (rank, item)
    rows = []
    for code, (_, name) in best.items():
        level = levels.get(len(code))
        parent = code[:-2] if level and len(code) > 3 else None
        rows.append({"code": code, "level": level, "name": name, "parent_code": parent})
    return pd.DataFrame({k: pd.Series([r[k] for r in rows], dtype=object)
                         for k in ("code", "level", "name", "parent_code")})


# One row per unit with a loaded document; names from superseded versions count as names seen.
_DIM_UNIT_SQL = f"""
INSERT INTO dim_unit (unit_key, unit_names, region, documents, fiscal_years)
SELECT coalesce(unit_key, unit_name),
       list(DISTINCT unit_name ORDER BY unit_name) FILTER (WHERE unit_name IS NOT NULL),
       arg_max(region, (fiscal_year, ingested_at)) FILTER (WHERE region IS NOT NULL AND status = '{STATUS_LOADED}'),
       count(*) FILTER (WHERE status = '{STATUS_LOADED}'),
       list(DISTINCT fiscal_year ORDER BY fiscal_year)
           FILTER (WHERE fiscal_year IS NOT NULL AND status = '{STATUS_LOADED}')
FROM documents
WHERE status IN ('{STATUS_LOADED}', '{STATUS_SUPERSEDED}') AND coalesce(unit_key, unit_name) IS NOT NULL
GROUP BY 1
HAVING count(*) FILTER (WHERE status = '{STATUS_LOADED}') > 0
"""


def refresh_dim_unit(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild dim_unit from documents (a few hundred rows: cheaper than tracking changes)."""
    con.execute("DELETE FROM dim_unit")
    con.execute(_DIM_UNIT_SQL)


def forget_document(con: duckdb.DuckDBPyConnection, path_or_document_id: str) -> list[str]:
    """Delete a document's rows from every table, in one transaction, when a user asks.

    Accepts a document id, the source path it was ingested from, or a file whose bytes were
    ingested (matched by sha256). Returns the document ids removed (empty: nothing matched).
    Forgetting the loaded version of a unit/year/kind brings back the newest version it had
    superseded (status loaded, its rows restored from the archive tables)."""
    ensure_schema(con)
    key = str(path_or_document_id)
    ids = {row[0] for row in con.execute(
        "SELECT document_id FROM documents WHERE document_id = ? OR source_path = ?",
        [displayable(key), displayable(key)]).fetchall()}
    if Path(key).is_file():
        from pipelines.ingest import file_sha256  # local: keeps this module free of PDF imports
        ids |= {row[0] for row in con.execute(
            "SELECT document_id FROM documents WHERE sha256 = ?", [file_sha256(key)]).fetchall()}
    with transaction(con):
        groups = set()
        for document_id in sorted(ids):
            row = con.execute(f"SELECT unit_name, fiscal_year, doc_kind, {HAS_TABLES_SQL} FROM documents "
                              "WHERE document_id = ?", [document_id]).fetchall()[0]
            if None not in row:
                groups.add(row)
            _delete_document_rows(con, document_id, DOCUMENT_ROW_TABLES + list(ARCHIVE_TABLES.values()))
            con.execute("DELETE FROM documents WHERE document_id = ?", [document_id])
        for unit_name, fiscal_year, doc_kind, has_tables in sorted(groups):
            _restore_latest_version(con, unit_name, fiscal_year, doc_kind, has_tables)
        refresh_dim_unit(con)
    return sorted(ids)
