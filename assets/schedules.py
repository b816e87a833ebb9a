"""Schedules: during the publication season, ingest the current budget year's partition."""
import dagster as dg

from assets.jobs import ingest_job

PUBLICATION_SEASON_CRON = "0 6 * 2-4 1"  # Mondays 06:00, February to April (budgets are published then)


@dg.schedule(job=ingest_job, cron_schedule=PUBLICATION_SEASON_CRON, execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Weekly in the publication season (Feb–Apr, Asia/Shanghai): the landing "
                         "folder's PDFs of the current budget year.")
def publication_season_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = str(context.scheduled_execution_time.year)
    return dg.RunRequest(partition_key=year, tags={"budget/year": year})
