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

    def connect(self, log=None, **options):
        """A writing connection; waits (bounded, with a message and, in the CLI, a progress line)
        while another process holds the file. A warehouse still locked after the wait fails the
        step with that message alone (dg.Failure), not a traceback."""
        from assets import progress

        settings = self.settings()
        try:
            return warehouse.connect(settings.database, timeout=settings.lock_timeout, log=log,
                                     waiting=progress.waiting, **options)
        except warehouse.WarehouseLockedError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None

    def known_hashes(self, log=None) -> dict[str, tuple[str, str]]:
        """What the warehouse already holds (warehouse.known_hashes), waiting as connect does."""
        from assets import progress

        settings = self.settings()
        try:
            return warehouse.known_hashes(settings.database, timeout=settings.lock_timeout, log=log,
                                          waiting=progress.waiting)
        except warehouse.WarehouseLockedError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from None


def warehouse_resource(database: str | Path | None = None) -> WarehouseResource:
    return WarehouseResource(database=str(database) if database is not None else "")
