"""The source PDFs of a budget-year partition: the first asset of the graph."""

import dagster as dg

from assets.partitions import budget_year_partitions
from assets.resources import WarehouseResource
from pipelines.ingestion import SourceFile, plan_sources
from pipelines.inputs import displayable


class IngestConfig(dg.Config):
    """Which PDFs to ingest: files or folders (searched recursively for *.pdf).

    No paths: the landing folder (BUDGET_LANDING_DIR, default data/raw). A run for a year
    partition keeps only the files whose budget year is that year, unless ``any_year`` (the
    `budget ingest` CLI: the files it is given, whatever their year). ``accept_new_version``:
    the user confirms these files as new versions even where they lose tables or facts (pending
    versions among them become current)."""

    paths: list[str] = []
    any_year: bool = False
    accept_new_version: bool = False


@dg.asset(
    group_name="sources",
    kinds={"pdf"},
    partitions_def=budget_year_partitions,
    description="The budget disclosure PDFs of the partition's budget year (from the run config's "
                "paths, else the landing folder), with content hashes and document ids. Files whose "
                "bytes are already in the warehouse are not parsed again; a path that cannot be read "
                "is passed on with the reason, to be recorded as a failed document.",
)
def source_documents(context: dg.AssetExecutionContext, config: IngestConfig,
                     warehouse: WarehouseResource) -> list[SourceFile]:
    year = None if config.any_year or not context.has_partition_key else int(context.partition_key)
    settings = warehouse.settings()
    paths = config.paths or ([str(settings.landing_dir)] if settings.landing_dir.is_dir() else [])
    known = warehouse.known_hashes(log=context.log.warning)
    plan = plan_sources(paths, known, year=year, accept_new_version=config.accept_new_version)
    for path in plan.duplicates:
        context.log.info(f"{displayable(path)} has the same bytes as an earlier file; ingesting once")
    for path in plan.no_year:
        context.log.warning(f"{displayable(path)}: no budget year (20xx年…预算/决算) found in the file; "
                            "not in any year partition. Ingest it with `budget ingest`.")
    if not plan.found:
        context.log.warning(f"no PDF file found in {', '.join(map(displayable, paths)) or 'the landing folder'}")
    listing = "\n".join(f"- `{displayable(s.path)}` ({s.document_id})" for s in plan.sources) or "_no new PDF_"
    context.add_output_metadata({
        "count": len(plan.sources),
        "found": plan.found,
        "unchanged": len(plan.unchanged),
        "pending": dg.MetadataValue.json([displayable(p) for p in plan.pending]),
        "other_years": plan.other_year,
        "no_year": dg.MetadataValue.md("\n".join(f"- `{displayable(p)}`" for p in plan.no_year) or "_none_"),
        "files": dg.MetadataValue.md(listing),
    })
    return plan.sources
