"""Budget-year partitions: a year materialises alone, and unchanged files are not parsed again."""
import shutil

import dagster as dg
import pytest

from assets.partitions import budget_year_partitions
from pipelines import ingest, landing
from pipelines.settings import LANDING_DIR_ENV
from conftest import SAMPLE_PDF
from test_materialize import BAD_PDF_BYTES, query, run


def source_metadata(result: dg.ExecuteInProcessResult) -> dict:
    (materialization,) = result.asset_materializations_for_node("source_documents")
    return {k: v.value for k, v in materialization.metadata.items()}


def test_read_budget_year(tmp_path):
    assert landing.read_budget_year(SAMPLE_PDF) == 2024
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(BAD_PDF_BYTES)
    assert landing.read_budget_year(bad) is None


def test_partition_keys_cover_2017_to_next_year():
    keys = budget_year_partitions.get_partition_keys()
    assert keys[0] == "2017" and "2024" in keys and int(keys[-1]) >= 2026


def test_year_partition_alone_then_incremental(tmp_path, monkeypatch):
    if not SAMPLE_PDF.exists():
        pytest.skip("no sample PDF")
    landing_folder = tmp_path / "raw" / "nested"
    landing_folder.mkdir(parents=True)
    shutil.copy(SAMPLE_PDF, landing_folder / SAMPLE_PDF.name)
    monkeypatch.setenv(LANDING_DIR_ENV, str(tmp_path / "raw"))
    database = tmp_path / "budget.duckdb"

    def parsed(result) -> int:
        """Documents the extraction step parsed in this run (it runs each file in a worker process)."""
        return sum(int(m.metadata["processed"].value)
                   for m in result.asset_materializations_for_node("warehouse_tables")
                   if m.asset_key == dg.AssetKey("documents"))

    # another year's partition: the 2024 file is not part of it
    other = run([], database, partition="2025")  # no paths: the landing folder
    assert other.success and parsed(other) == 0
    assert source_metadata(other)["other_years"] == 1
    assert not database.exists() or query(database, "SELECT count(*) FROM documents")[0][0] == 0

    first = run([], database, partition="2024")
    assert first.success and parsed(first) == 1
    assert query(database, "SELECT fiscal_year, status FROM documents") == [(2024, "loaded")]
    facts = query(database, "SELECT count(*) FROM facts")[0][0]

    again = run([], database, partition="2024")
    assert again.success and parsed(again) == 0  # not parsed again
    assert source_metadata(again)["count"] == 0 and source_metadata(again)["unchanged"] == 1
    assert query(database, "SELECT count(*) FROM facts")[0][0] == facts
