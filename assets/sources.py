"""The source PDFs of a budget-year partition: the first asset of the graph."""

import dagster as dg

from assets.partitions import budget_year_partitions
from assets.resources import WarehouseResource
from pipelines import ingest, landing
from pipelines import warehouse as warehouse_db
from pipelines.ingestion import SourceFile


class IngestConfig(dg.Config):
    """Which PDFs to ingest: files or folders (searched recursively for *.pdf).

    No paths: the landing folder (BUDGET_LANDING_DIR, default data/raw). A run for a year
    partition keeps only the files whose budget year is that year, unless ``any_year`` (the
    `budget ingest` CLI: the files it is given, whatever their year)."""

    paths: list[str] = []
    any_year: bool = False


@dg.asset(
    group_name="sources",
    kinds={"pdf"},
    partitions_def=budget_year_partitions,
    description="The budget disclosure PDFs of the partition's budget year (from the run config's "
                "paths, else the landing folder), with content hashes and document ids. Files whose "
                "bytes are already in the warehouse are not parsed again.",
)
def source_documents(context: dg.AssetExecutionContext, config: IngestConfig,
                     warehouse: WarehouseResource) -> list[SourceFile]:
    year = None if config.any_year or not context.has_partition_key else int(context.partition_key)
    settings = warehouse.settings()
    try:
        paths = landing.find_pdfs(config.paths or [str(settings.landing_dir)])
    except FileNotFoundError as error:
        raise dg.Failure(description=str(error)) from error
    already = warehouse_db.loaded_hashes(settings.database)
    sources: list[SourceFile] = []
    seen: set[str] = set()
    unchanged, other_year, no_year = [], 0, []
    for path in paths:
        sha = ingest.file_sha256(path)
        document_id = ingest.document_id_for(sha)
        if document_id in seen:
            context.log.info(f"{path} has the same bytes as an earlier file; ingesting once")
            continue
        seen.add(document_id)
        if sha in already:
            unchanged.append(str(path))
            continue
        if year is not None:
            file_year = landing.read_budget_year(path)
            if file_year is None:
                no_year.append(str(path))
                context.log.warning(f"{path}: no budget year (20xx年…预算/决算) found in the file; "
                                    "not in any year partition. Ingest it with `budget ingest`.")
                continue
            if file_year != year:
                other_year += 1
                continue
        sources.append(SourceFile(path=str(path), sha256=sha, document_id=document_id))
    listing = "\n".join(f"- `{s.path}` ({s.document_id})" for s in sources) or "_no new PDF_"
    context.add_output_metadata({
        "count": len(sources),
        "unchanged": len(unchanged),
        "other_years": other_year,
        "no_year": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in no_year) or "_none_"),
        "files": dg.MetadataValue.md(listing),
    })
    return sources
