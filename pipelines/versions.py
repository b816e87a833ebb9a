"""A new version of a document against the current one: what changed, and whether it may replace it.

    record_changes(con, new_id, current_id) -> Changes   one version_changes row per fact added,
                                                         removed or changed; the counts
    hold_back_reason(changes) -> str | None               why the new version must wait, if it must

Two versions are documents of the same unit, year, kind and sort (tables, or prose only). Facts
are matched by the data contract's fact identity (table_code, side, the three codes,
project_name, row_path, measure, fiscal_year; NULLs equal; repeats in print order) and compared
by ``amount_yuan``, so a table re-printed in 元 instead of 万元 is not a change.

A new version *loses* what the current one has when a table of the current version has no facts
in it, or when more than MAX_LOST_SHARE of the current version's facts have no counterpart in it.
Such a version is held back (status ``pending``, see pipelines.warehouse) until the user confirms
it: a genuine revision corrects amounts or adds rows; a copy that lost a table or a block of rows is
far more often a damaged or wrongly extracted file than a re-publication. A damaged version
(pipelines.damage) never replaces a current one at all.

Plain SQL over the warehouse tables (no Dagster); pipelines.warehouse calls this inside the
document's transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from pipelines import schema

MAX_LOST_SHARE = Decimal("0.05")
"""A new version may lose at most this share of the current version's facts (5 %)."""

IDENTITY = ("table_code", "side", "func_code", "econ_dept_code", "econ_gov_code", "project_name",
            "row_path", "measure", "fiscal_year")
CHANGES_TABLE = schema.VERSION_CHANGES.name
HELD_BACK_CHECK = "version.held_back"


@dataclass
class Changes:
    previous_document_id: str
    previous_facts: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    lost_tables: list[str] = field(default_factory=list)

    @property
    def lost_share(self) -> Decimal:
        return Decimal(self.removed) / self.previous_facts if self.previous_facts else Decimal(0)

    def summary(self) -> str:
        """'3 facts added, 1 removed, 2 changed' (or 'no fact changed')."""
        if not (self.added or self.removed or self.changed):
            return "no fact changed"
        return f"{self.added} facts added, {self.removed} removed, {self.changed} changed"


def _matched(alias: str, document_id_param: str) -> str:
    identity = ", ".join(IDENTITY)
    return (f"{alias} AS (SELECT *, row_number() OVER (PARTITION BY {identity} "
            f"ORDER BY page, row_no, amount_yuan) AS occurrence FROM facts "
            f"WHERE document_id = {document_id_param})")


def record_changes(con: duckdb.DuckDBPyConnection, new_id: str, current_id: str) -> Changes:
    """Write the version_changes rows of ``new_id`` against ``current_id`` (both with their rows
    in ``facts``), replacing earlier ones, and return the counts."""
    con.execute(f"DELETE FROM {CHANGES_TABLE} WHERE document_id = ?", [new_id])
    join = " AND ".join(f"n.{c} IS NOT DISTINCT FROM o.{c}" for c in IDENTITY)
    columns = ", ".join(f"COALESCE(n.{c}, o.{c})" for c in IDENTITY)
    con.execute(
        f"""
        INSERT INTO {CHANGES_TABLE} ({', '.join(schema.VERSION_CHANGES.column_names)})
        WITH {_matched('n', '$new')}, {_matched('o', '$old')}
        SELECT $new, $old,
               CASE WHEN o.document_id IS NULL THEN 'added'
                    WHEN n.document_id IS NULL THEN 'removed' ELSE 'changed' END,
               {columns}, o.amount_yuan, n.amount_yuan, n.page, o.page
        FROM n FULL OUTER JOIN o ON {join} AND n.occurrence = o.occurrence
        WHERE o.document_id IS NULL OR n.document_id IS NULL
              OR n.amount_yuan IS DISTINCT FROM o.amount_yuan
        """, {"new": new_id, "old": current_id})
    counts = dict(con.execute(f"SELECT change, count(*) FROM {CHANGES_TABLE} WHERE document_id = ? "
                              "GROUP BY change", [new_id]).fetchall())
    previous_facts = con.execute("SELECT count(*) FROM facts WHERE document_id = ?",
                                 [current_id]).fetchone()[0]
    lost = [row[0] for row in con.execute(
        "SELECT DISTINCT table_code FROM facts WHERE document_id = ? EXCEPT "
        "SELECT DISTINCT table_code FROM facts WHERE document_id = ? ORDER BY 1",
        [current_id, new_id]).fetchall()]
    return Changes(current_id, previous_facts, counts.get("added", 0), counts.get("removed", 0),
                   counts.get("changed", 0), lost)


def changes_of(con: duckdb.DuckDBPyConnection, document_id: str) -> Changes | None:
    """The counts recorded for ``document_id`` against the version it was compared with."""
    rows = con.execute(f"SELECT previous_document_id, change, count(*) FROM {CHANGES_TABLE} "
                       "WHERE document_id = ? GROUP BY ALL", [document_id]).fetchall()
    if not rows:
        return None
    counts = {change: n for _, change, n in rows}
    return Changes(rows[0][0], 0, counts.get("added", 0), counts.get("removed", 0),
                   counts.get("changed", 0))


def hold_back_reason(changes: Changes) -> str | None:
    """Why a new version may not replace the current one without the user's word, or None."""
    losses = []
    if changes.lost_tables:
        losses.append(f"table{'s' if len(changes.lost_tables) > 1 else ''} "
                      f"{', '.join(changes.lost_tables)}")
    if changes.lost_share > MAX_LOST_SHARE:
        losses.append(f"{changes.removed} of its {changes.previous_facts} facts "
                      f"({changes.lost_share:.1%})")
    if not losses:
        return None
    return (f"held back: compared with the current version {changes.previous_document_id}, this "
            f"version loses {' and '.join(losses)} ({changes.summary()}); the current version stays. "
            "If the new file is right, confirm it with `budget ingest --accept-new-version FILE`")


def held_back_message(changes: Changes) -> str:
    """The finding shown to budget reviewers, in Chinese."""
    parts = []
    if changes.lost_tables:
        parts.append(f"缺少表 {'、'.join(changes.lost_tables)}")
    if changes.lost_share > MAX_LOST_SHARE:
        parts.append(f"少了当前版本 {changes.previous_facts} 个数据中的 {changes.removed} 个"
                     f"（{changes.lost_share:.1%}）")
    return (f"与当前版本（文档 {changes.previous_document_id}）相比，新版本{'，'.join(parts)}；新版本暂不替换"
            "当前版本。请核对新文件，确认无误后运行 budget ingest --accept-new-version 文件 使其生效。")
