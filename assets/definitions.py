"""The Dagster code location (loaded by workspace.yaml and by the `budget` CLI)."""
from __future__ import annotations

import dagster as dg

from assets.checks import all_checks
from assets.documents import (
    extracted_tables, facts, performance_indicators, prose_amounts, source_documents,
    validation_results, warehouse,
)
from assets.resources import DUCKDB_RESOURCE_KEY, warehouse_resource

all_assets = [
    source_documents, extracted_tables, facts, performance_indicators, prose_amounts,
    validation_results, warehouse,
]

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the PDFs named in the run config into the DuckDB warehouse, with checks.",
)

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=all_checks,
    jobs=[ingest_job],
    resources={DUCKDB_RESOURCE_KEY: warehouse_resource()},
)
