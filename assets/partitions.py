"""Partitions: one per fiscal (budget) year, 2017 up to next year."""
import dagster as dg

from pipelines.landing import budget_years

budget_year_partitions = dg.StaticPartitionsDefinition([str(year) for year in budget_years()])
