"""Resources: the DuckDB warehouse, reached with explicit SQL through dagster-duckdb."""
from __future__ import annotations

from pathlib import Path

from dagster_duckdb import DuckDBResource

from pipelines.warehouse import default_database_path

DUCKDB_RESOURCE_KEY = "duckdb"


def warehouse_resource(database: str | Path | None = None) -> DuckDBResource:
    """The warehouse at `database`, else BUDGET_DUCKDB_PATH, else data/warehouse/budget.duckdb."""
    return DuckDBResource(database=str(database if database is not None else default_database_path()))
