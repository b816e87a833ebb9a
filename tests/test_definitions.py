"""The Dagster code location loads: assets, checks, job and resources resolve."""
import dagster as dg

from assets.checks import FINDING_CATEGORIES
from assets.definitions import defs

TABLE_ASSETS = {"documents", "facts", "performance_indicators", "prose_amounts", "validation_results",
                "dim_unit", "version_changes"}
EXPECTED_ASSETS = {"source_documents", "views"} | TABLE_ASSETS
REVIEW_ASSETS = {"review_reports"}


def test_definitions_are_loadable():
    dg.Definitions.validate_loadable(defs)


def test_job_covers_every_asset_and_check():
    job = defs.resolve_job_def("ingest_job")
    assert {key.to_user_string() for key in job.asset_layer.executable_asset_keys} >= EXPECTED_ASSETS
    check_names = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert {f"{category}_findings" for category in FINDING_CATEGORIES} <= check_names
    assert "documents_loaded" in check_names


def test_asset_graph_groups_and_pool():
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == EXPECTED_ASSETS | REVIEW_ASSETS
    for table in TABLE_ASSETS:
        node = graph.get(dg.AssetKey(table))
        assert node.pools == {"duckdb_writer"} and node.group_name == "warehouse"
        assert dg.AssetKey("source_documents") in node.parent_keys
    # the views read the published copy (no writer pool), downstream of the tables they read
    views = graph.get(dg.AssetKey("views"))
    assert {key.to_user_string() for key in views.parent_keys} == {"documents", "facts", "validation_results",
                                                                   "dim_unit"}
    assert not views.pools


def test_review_reports_follow_the_findings():
    graph = defs.resolve_asset_graph()
    node = graph.get(dg.AssetKey("review_reports"))
    assert dg.AssetKey("validation_results") in node.parent_keys and node.group_name == "review"
    check_names = {key.name for key in graph.asset_check_keys}
    assert "review_findings" in check_names
