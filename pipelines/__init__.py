"""Domain code: budget disclosure PDF -> tables -> facts -> findings -> warehouse rows.

Nothing in this package imports Dagster; the Dagster code location lives in ``assets/``.
"""
