"""Dagster code location: thin wrappers that run the domain stages in ``pipelines/`` as assets."""

import warnings

# Partitioned asset checks were a Dagster preview feature in some releases; the warning says nothing
# a user can act on. Matched by its text so that importing `assets` (the `budget` CLI's `sql`,
# `schema` and `export`) does not import Dagster.
warnings.filterwarnings("ignore", message=r".*\bis currently in (?:preview|beta)\b")
