"""Jobs: the ingest job (every asset and check, one budget-year partition per run)."""
import dagster as dg

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.all(),
    description="Ingest one budget year's PDFs (run config paths, else the landing folder) into the "
                "DuckDB warehouse, with checks.",
)
