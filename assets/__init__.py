"""Dagster code location: thin wrappers that run the domain stages in ``pipelines/`` as assets."""
