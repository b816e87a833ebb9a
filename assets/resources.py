"""Resources: the DuckDB warehouse and the settings of an ingestion."""
from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines import warehouse
from pipelines.settings import Settings

WAREHOUSE_RESOURCE_KEY = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse file (empty: BUDGET_DUCKDB_PATH, else data/warehouse/budget.duckdb) and the
    other settings of pipelines.settings, read from the environment."""

    database: str = ""

    def settings(self) -> Settings:
        return Settings.from_env().with_database(self.database or None)

    def connect(self, log=None):
        """A writing connection; waits (bounded, with a message) while another process holds the file."""
        settings = self.settings()
        return warehouse.connect(settings.database, timeout=settings.lock_timeout, log=log)


def warehouse_resource(database: str | Path | None = None) -> WarehouseResource:
    return WarehouseResource(database=str(database) if database is not None else "")
