"""The data contract's fact identity rule, as a check.

Within one document, (table_code, side, func_code, econ_dept_code, econ_gov_code, project_name,
row_path, measure, fiscal_year) identifies exactly one fact (NULLs compared as equal). A fact that
is not a total has at least one of func_code, econ_dept_code, econ_gov_code, project_name or item,
except in a table that prints a single unlabelled row.

    identity_clashes(facts) -> DataFrame of the facts that share an identity
    anonymous_facts(facts)  -> DataFrame of the facts nothing names
"""
from __future__ import annotations

import pandas as pd

IDENTITY = ["table_code", "side", "func_code", "econ_dept_code", "econ_gov_code", "project_name",
            "row_path", "measure", "fiscal_year"]
NAMES = ["func_code", "econ_dept_code", "econ_gov_code", "project_name", "item"]


def _keys(facts: pd.DataFrame) -> pd.DataFrame:
    return facts[IDENTITY].astype(object).where(facts[IDENTITY].notna(), "\0")


def identity_clashes(facts: pd.DataFrame) -> pd.DataFrame:
    if facts.empty:
        return facts
    return facts[_keys(facts).duplicated(keep=False)]


def anonymous_facts(facts: pd.DataFrame) -> pd.DataFrame:
    if facts.empty:
        return facts
    rows_per_table = facts.groupby("table_code")["row_no"].nunique()
    unnamed = facts[~facts["is_total"].astype(bool) & facts[NAMES].isna().all(axis=1)]
    return unnamed[unnamed["table_code"].map(rows_per_table) > 1]

