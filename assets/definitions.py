"""The Dagster code location (loaded by workspace.yaml and by the `budget` CLI)."""
from __future__ import annotations

import dagster as dg

from assets.jobs import ingest_job
from assets.review import review_reports
from assets.resources import WAREHOUSE_RESOURCE_KEY, warehouse_resource
from assets.schedules import publication_season_schedule
from assets.sensors import landing_folder_sensor
from assets.sources import source_documents
from assets.tables import warehouse_tables

all_assets = [source_documents, warehouse_tables, review_reports]

defs = dg.Definitions(
    assets=all_assets,
    jobs=[ingest_job],
    schedules=[publication_season_schedule],
    sensors=[landing_folder_sensor],
    resources={WAREHOUSE_RESOURCE_KEY: warehouse_resource()},
)
