"""Sensors: the landing folder (BUDGET_LANDING_DIR, default data/raw) watched for new PDFs."""
import hashlib
import json

import dagster as dg

from assets.jobs import ingest_job
from assets.partitions import budget_year_partitions
from pipelines import landing
from pipelines.inputs import displayable


def _cursor(text: str | None) -> dict[str, list[str]]:
    data = json.loads(text) if text else {}
    return {key: list(data.get(key, [])) for key in ("requested", "unreadable", "problems")}


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="New or changed PDFs (by content hash) in the landing folder: one run per "
                       "budget year with the new files. Removing a file deletes nothing.")
def landing_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    cursor = _cursor(context.cursor)
    folder = landing.landing_dir()
    if not folder.is_dir():
        return dg.SensorResult(skip_reason=f"landing folder {folder} does not exist", cursor=context.cursor)
    seen = set(cursor["requested"]) | set(cursor["unreadable"])
    by_year, no_year, problems = landing.new_files_by_year([folder], seen)
    notes = []
    for path, problem in problems.items():
        shown = displayable(path)
        if shown not in cursor["problems"]:  # each reported once, until it is fixed
            notes.append(f"{problem} (not ingested)")
            cursor["problems"].append(shown)
    cursor["problems"] = [p for p in cursor["problems"] if p in set(map(displayable, problems))]
    for sha, path in no_year.items():
        notes.append(f"{displayable(path)}: no budget year (20xx年…部门/单位预算) readable; not ingested "
                     "(check the file, or ingest it with `budget ingest`)")
        cursor["unreadable"].append(sha)  # reported once; changed bytes are looked at again
    known = set(budget_year_partitions.get_partition_keys())
    run_requests = []
    for year, files in sorted(by_year.items()):
        if str(year) not in known:
            notes.append(f"budget year {year} is outside the partitions "
                         f"({min(known)}..{max(known)}): {', '.join(sorted(map(displayable, files.values())))}")
            cursor["unreadable"].extend(files)
            continue
        hashes = sorted(files)
        run_requests.append(dg.RunRequest(
            run_key=f"{year}-{hashlib.sha256(''.join(hashes).encode()).hexdigest()[:16]}",
            partition_key=str(year),
            run_config={"ops": {"source_documents": {"config": {"paths": sorted(files.values())}}}},
            tags={"budget/files": str(len(files))},
        ))
        cursor["requested"].extend(hashes)
    for note in notes:
        context.log.warning(note)
    new_cursor = json.dumps({k: sorted(set(v)) for k, v in cursor.items()})
    if run_requests:
        return dg.SensorResult(run_requests=run_requests, cursor=new_cursor)
    return dg.SensorResult(skip_reason="; ".join(notes) or f"no new PDF in {folder}", cursor=new_cursor)
