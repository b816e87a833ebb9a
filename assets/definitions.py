"""The Dagster code location (loaded by workspace.yaml and by the `budget` CLI)."""
from __future__ import annotations

import dagster as dg

from assets.checks import all_checks
from assets.documents import (
    extracted_tables, facts, performance_indicators, prose_amounts, source_documents,
    validation_results, warehouse,
)
from assets.jobs import ingest_job
from assets.resources import DUCKDB_RESOURCE_KEY, warehouse_resource
from assets.schedules import publication_season_schedule
from assets.sensors import landing_folder_sensor

all_assets = [
    source_documents, extracted_tables, facts, performance_indicators, prose_amounts,
    validation_results, warehouse,
]


defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[ingest_job],
    schedules=[publication_season_schedule],
    sensors=[landing_folder_sensor],
    resources={DUCKDB_RESOURCE_KEY: warehouse_resource()},
)
