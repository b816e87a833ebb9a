"""Queries against the published read-only copy of the warehouse, printed as a table.

What `budget sql` runs: no DuckDB shell needed, and never a lock on the file ingestion writes.
Amounts print exactly (a DECIMAL's trailing zeros beyond the cents are dropped, nothing else).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
from tabulate import tabulate

from pipelines import warehouse
from pipelines.warehouse import published_path

NULL_TEXT = "NULL"


class QueryError(Exception):
    """The query cannot run; the message says why in words a user can act on."""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]


def open_published(database: str | Path, log=None) -> duckdb.DuckDBPyConnection:
    """The published copy of ``database``, read-only; first brought up to date when it was written
    by an older version of the project (its views and macros are missing or old)."""
    path = published_path(database)
    if not path.exists():
        raise QueryError(f"no published warehouse at {path}: ingest documents first "
                         f"(budget ingest data/samples), or name the warehouse with --db")
    con = duckdb.connect(str(path), read_only=True)
    if warehouse.held_views_fingerprint(con) == warehouse.views_fingerprint():
        return con
    con.close()
    _upgrade(Path(database), log or (lambda message: print(message, file=sys.stderr)))
    return duckdb.connect(str(path), read_only=True)


def _upgrade(database: Path, log) -> None:
    """Open the warehouse for writing once (which creates the current views) and publish it; when
    ingestion holds it, say so and go on with the older copy."""
    if not database.exists():
        return
    try:
        warehouse.connect(database, timeout=0, log=lambda message: None).close()
    except warehouse.WarehouseLockedError:
        log(f"budget: {published_path(database)} was written by an older version and {database} is "
            "busy; its views may be missing until the next ingestion publishes it again")
        return
    warehouse.publish_snapshot(database)


def run(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    """Run one or more statements; the result of the last one."""
    try:
        cursor = con.execute(sql)
        rows = cursor.fetchall()
    except duckdb.Error as error:
        raise QueryError(str(error)) from error
    columns = [d[0] for d in cursor.description or []]
    return Result(columns, rows)


def display(value) -> str:
    """A value as the table shows it: exact, NULL spelled out."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return exact_decimal(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(display(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {display(v)}" for k, v in value.items()) + "}"
    return str(value)


def exact_decimal(value: Decimal) -> str:
    """119327.100000 -> 119327.10; 9616.338314 stays; never rounded."""
    text = format(value, "f")
    if "." not in text:
        return text
    whole, fraction = text.split(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    return f"{whole}.{fraction}"


def format_table(result: Result, max_rows: int | None = None) -> str:
    """The rows as an aligned text table (numbers right-aligned), with a count line."""
    if not result.columns:
        return "OK"
    shown = result.rows if not max_rows else result.rows[:max_rows]
    numeric = [_is_numeric_column(result.rows, i) for i in range(len(result.columns))]
    table = tabulate([[display(v) for v in row] for row in shown], headers=result.columns,
                     tablefmt="simple", disable_numparse=True,
                     colalign=["right" if n else "left" for n in numeric])
    count = len(result.rows)
    footer = f"({count} row{'s' if count != 1 else ''})"
    if len(shown) < count:
        footer = f"({count} rows, first {len(shown)} shown: --max-rows 0 shows all)"
    return f"{table}\n{footer}"


def _is_numeric_column(rows: list[tuple], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                                for v in values)
