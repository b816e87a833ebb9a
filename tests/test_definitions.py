"""The Dagster code location loads: assets, checks, job and resources resolve."""
import dagster as dg

from assets.checks import IDENTITY_FAMILIES, identity_family
from assets.definitions import defs

EXPECTED_ASSETS = {
    "source_documents", "extracted_tables", "facts", "performance_indicators", "prose_amounts",
    "validation_results", "warehouse",
}


def test_definitions_are_loadable():
    dg.Definitions.validate_loadable(defs)


def test_job_covers_every_asset_and_check():
    job = defs.resolve_job_def("ingest_job")
    assert {key.to_user_string() for key in job.asset_layer.executable_asset_keys} >= EXPECTED_ASSETS
    check_names = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert {f"{family}_identities" for family in IDENTITY_FAMILIES} <= check_names
    assert "documents_loaded" in check_names


def test_asset_graph_groups_and_pool():
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == EXPECTED_ASSETS
    warehouse_node = graph.get(dg.AssetKey("warehouse"))
    assert warehouse_node.pools == {"duckdb_writer"}


def test_check_families_by_prefix():
    assert identity_family("row_sum.general_expenditure.208") == "row_sum"
    assert identity_family("cross_table") == "cross_table"
    assert identity_family("cross.summary_income_eq_income_table") == "cross_table"
    assert identity_family("something_new.x") == "other"
