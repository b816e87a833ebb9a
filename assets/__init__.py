"""Dagster code location: thin wrappers that run the domain stages in ``pipelines/`` as assets."""

import warnings

# Partitioned asset checks are a Dagster preview feature; the warning says nothing a user can act on.
try:
    from dagster import PreviewWarning

    warnings.filterwarnings("ignore", category=PreviewWarning)
except ImportError:  # older or newer Dagster without the class
    pass
