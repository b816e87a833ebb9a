"""The landing-folder sensor and the publication-season schedule."""
import json
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from assets.definitions import defs
from assets.schedules import publication_season_schedule
from assets.sensors import landing_folder_sensor
from conftest import SAMPLE_PDF
from pipelines import landing
from pipelines.settings import LANDING_DIR_ENV


def tick(cursor, instance):
    return landing_folder_sensor(dg.build_sensor_context(cursor=cursor, instance=instance))


def test_sensor_requests_new_files_once(tmp_path, monkeypatch):
    if not SAMPLE_PDF.exists():
        pytest.skip("no sample PDF")
    folder = tmp_path / "raw"
    (folder / "2024").mkdir(parents=True)
    monkeypatch.setenv(LANDING_DIR_ENV, str(folder))
    with dg.instance_for_test() as instance:
        empty = tick(None, instance)
        assert not empty.run_requests and "no new PDF" in empty.skip_reason.skip_message

        shutil.copy(SAMPLE_PDF, folder / "2024" / SAMPLE_PDF.name)
        (folder / "unknown.pdf").write_bytes(b"not a pdf")
        first = tick(empty.cursor, instance)
        (request,) = first.run_requests
        assert request.partition_key == "2024" and request.run_key.startswith("2024-")
        assert request.run_config["ops"]["source_documents"]["config"]["paths"] == [
            str(folder / "2024" / SAMPLE_PDF.name)]
        assert len(json.loads(first.cursor)["requested"]) == 1
        dg.validate_run_config(defs.resolve_job_def("ingest_job"), request.run_config)

        second = tick(first.cursor, instance)
        assert not second.run_requests

        # changed bytes under the same name: a new request
        (folder / "2024" / SAMPLE_PDF.name).write_bytes(SAMPLE_PDF.read_bytes() + b"\n% changed\n")
        third = tick(second.cursor, instance)
        assert [r.partition_key for r in third.run_requests] == ["2024"]


def test_sensor_reports_a_file_without_year(tmp_path, monkeypatch):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"not a pdf")
    monkeypatch.setenv(LANDING_DIR_ENV, str(folder))
    with dg.instance_for_test() as instance:
        result = tick(None, instance)
        assert not result.run_requests
        assert "scan.pdf" in result.skip_reason.skip_message
        assert "no new PDF" in tick(result.cursor, instance).skip_reason.skip_message


def test_schedule_targets_the_current_budget_year():
    when = datetime(2026, 3, 2, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    request = publication_season_schedule(dg.build_schedule_context(scheduled_execution_time=when))
    assert request.partition_key == "2026"
    assert publication_season_schedule.execution_timezone == "Asia/Shanghai"
    assert defs.resolve_schedule_def("publication_season_schedule").job_name == "ingest_job"
    assert defs.resolve_sensor_def("landing_folder_sensor").job_name == "ingest_job"
