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


def record_findings(facts: pd.DataFrame, findings) -> None:
    """completeness.fact_identity: no two facts share an identity and none is anonymous (a reader
    fault, never the source's: an error)."""
    from decimal import Decimal

    clashes, anonymous = identity_clashes(facts), anonymous_facts(facts)
    problems = len(clashes) + len(anonymous)
    first = pd.concat([clashes, anonymous]).head(1)
    where = (f"{first.iloc[0]['table_code']} 第{first.iloc[0]['page']}页" if len(first) else "document")
    message = ("每个数据都有唯一的标识" if not problems else
               f"{len(clashes)}个数据标识重复、{len(anonymous)}个数据无行标签（读取错误），首见于{where}")
    findings.add("completeness.fact_identity", Decimal(0), Decimal(problems), where, message,
                 severity="error", page=int(first.iloc[0]["page"]) if len(first) else None,
                 table_code=first.iloc[0]["table_code"] if len(first) else None, category="completeness")
