"""One declaration of every warehouse table: its columns, their DuckDB types and what they mean.

The DDL (with COMMENT ON for every table and column), the column order of the pipeline's frames
and the warehouse documentation (docs/warehouse.md) are all generated from this module, so a
column is declared once. Public tables follow the analyst data contract (v2); internal tables
are the project's own business and say so in their comment.
"""
from __future__ import annotations

from dataclasses import dataclass

# Amounts keep every printed decimal: Beijing prints 万元 with six (9,616.338314 万元 = 96,163,383.14 元),
# so the contract's DECIMAL(18,2) is widened to six decimals (a project reading, see docs/warehouse.md).
MONEY = "DECIMAL(24,6)"
MONEY_YUAN = "DECIMAL(24,6)"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    public: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def types(self) -> dict[str, str]:
        return {c.name: c.type for c in self.columns}


def _columns(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


DOCUMENTS = Table(
    "documents",
    "One row per ingested source file version: what it is, whose it is, and whether it loaded.",
    _columns(
        ("document_id", "VARCHAR", "Stable id derived from the file's bytes (same bytes, same id); "
                                   "for a file whose bytes could not be read, from its path."),
        ("source_path", "VARCHAR", "Path as given at ingestion, in a displayable form (bytes that "
                                   "are not UTF-8 shown as \\xNN)."),
        ("sha256", "VARCHAR", "SHA-256 of the file's bytes; NULL when they could not be read."),
        ("pages", "INTEGER", "Page count."),
        ("unit_name", "VARCHAR", "The unit or department as printed (cover, or after 部门（单位）：), "
                                 "e.g. 烟台市社会保险服务中心."),
        ("supervisor", "VARCHAR", "主管部门 where the document prints one, else NULL."),
        ("fiscal_year", "INTEGER", "The year the document is about (2024 for 2024年单位预算 and for "
                                   "2024年度部门决算)."),
        ("doc_kind", "VARCHAR", "单位预算, 部门预算, 单位决算 or 部门决算."),
        ("unit_key", "VARCHAR", "One stable key for the same unit across years and name variants "
                                "(中国共产党XX市委员会办公室 = 中共XX市委办公室 = XX市委办公室); the "
                                "aliases are data in the project (pipelines/vocab/). dim_unit lists "
                                "the names each key was printed with."),
        ("region", "VARCHAR", "The administrative area the unit belongs to, as far as the document "
                              "shows it (山东省烟台市, 上海市普陀区 …), else NULL."),
        ("amount_coverage", "DECIMAL(5,4)", "Share of the amounts printed on the document's table "
                                            "pages that became facts (independent text-layer "
                                            "reading); NULL without table pages."),
        ("amount_unit", "VARCHAR", "The unit most of its tables print (万元 or 元)."),
        ("status", "VARCHAR", "loaded, failed, superseded or pending. pending (a project "
                              "addition): a new version of a loaded document that loses tables or "
                              "more than 5% of its facts, held back until the user confirms it with "
                              "`budget ingest --accept-new-version FILE`; its rows are not in the "
                              "public tables, its differences are in version_changes."),
        ("error", "VARCHAR", "Why it failed or is pending, in words a user can act on; NULL when "
                             "loaded."),
        ("ingested_at", "TIMESTAMP", "When these bytes were first ingested."),
        ("source_path_bytes", "BLOB", "The path's bytes exactly as the file system gave them, when "
                                      "they are not valid UTF-8 (source_path then shows them as "
                                      "\\xNN); NULL otherwise. A project addition."),
    ),
    primary_key=("document_id",),
)

FACTS = Table(
    "facts",
    "One row per non-empty numeric cell of every budget or final-accounts table, exactly as printed.",
    _columns(
        ("document_id", "VARCHAR", "The document (→ documents)."),
        ("unit_name", "VARCHAR", "Denormalised from documents."),
        ("doc_kind", "VARCHAR", "Denormalised from documents: a 部门预算 consolidates its units' "
                                "单位预算, so sums across documents must choose one."),
        ("fiscal_year", "INTEGER", "The year the amount refers to (a 三公 table carries the prior "
                                   "year too)."),
        ("table_code", "VARCHAR", "Which table (docs/vocabulary.md)."),
        ("side", "VARCHAR", "income or expenditure in the two-sided summary tables, else NULL."),
        ("item", "VARCHAR", "The row's label as printed, whitespace and ordinal prefix removed."),
        ("func_code", "VARCHAR", "支出功能分类 code at the row's depth: 3 (类, 208), 5 (款, 20801) or "
                                 "7 (项, 2080109) digits; NULL where the row has none. In summary "
                                 "tables a category printed by name only (七、社会保障和就业支出) "
                                 "still gets its 3-digit code."),
        ("econ_dept_code", "VARCHAR", "部门预算支出经济分类 code: 3 (301) or 5 (30101) digits."),
        ("econ_gov_code", "VARCHAR", "政府预算支出经济分类 code: 3 (505) or 5 (50501) digits."),
        ("project_name", "VARCHAR", "For project rows."),
        ("project_category", "VARCHAR", "项目类别 for project rows (其他运转类, 特定目标类, …)."),
        ("measure", "VARCHAR", "Which column the amount came from (docs/vocabulary.md)."),
        ("amount", MONEY, "The amount as printed, in `unit`."),
        ("unit", "VARCHAR", "元 or 万元, as printed for this table."),
        ("amount_yuan", MONEY_YUAN, "The amount converted exactly to 元."),
        ("is_total", "BOOLEAN", "True for 合计 / 总计 / 小计 rows that sum other rows."),
        ("page", "INTEGER", "1-based page of the source PDF the cell was read from."),
        ("row_no", "INTEGER", "The row's position in its printed table, 1-based, counting on across "
                              "continuation pages: the printed table can be rebuilt in order (the "
                              "printed_table macro does)."),
        ("row_path", "VARCHAR", "The labels from the row's top-level ancestor down to the row, "
                                "joined by ' / ' (货物 / 办公设备购置 / 台式计算机); equals item for a "
                                "row without a printed parent."),
    ),
)

PERFORMANCE_INDICATORS = Table(
    "performance_indicators",
    "One row per indicator of every performance-target form (项目支出绩效目标表, 部门整体支出绩效目标表).",
    _columns(
        ("document_id", "VARCHAR", "The document (→ documents)."),
        ("project_name", "VARCHAR", "As printed in the form (the unit's name for a 部门整体 form)."),
        ("level1", "VARCHAR", "一级指标."),
        ("level2", "VARCHAR", "二级指标."),
        ("level3", "VARCHAR", "三级指标."),
        ("operator", "VARCHAR", "≤ ≥ = < > or NULL."),
        ("target_value", "DOUBLE", "The number in 指标值, NULL if none."),
        ("target_unit", "VARCHAR", "%, 万元, 次, 人 … as printed."),
        ("target_text", "VARCHAR", "指标值 as printed."),
        ("page", "INTEGER", "1-based page."),
        # project columns beyond the contract (docs/vocabulary.md, performance forms)
        ("form_kind", "VARCHAR", "Which form: project (项目支出绩效目标表 and its variants), overall "
                                 "(部门整体支出绩效目标表: project_name is the unit), special_fund "
                                 "(专项资金绩效目标表) or transfer (转移支付绩效目标表)."),
        ("project_code", "VARCHAR", "The project code printed glued to the name "
                                    "(11000021Y000000390843-信息系统运维类项目), else NULL."),
        ("activity", "VARCHAR", "The 活动 a 部门整体 form lists the indicator under, else NULL."),
        ("weight", "DOUBLE", "The indicator's printed weight (分值权重 points, 指标权重 %), else NULL."),
    ),
)

PROSE_AMOUNTS = Table(
    "prose_amounts",
    "Amounts stated in the document's prose, with the sentence they were read from.",
    _columns(
        ("document_id", "VARCHAR", "The document (→ documents)."),
        ("topic", "VARCHAR", "What the amount is (docs/vocabulary.md)."),
        ("fiscal_year", "INTEGER", "The year the amount refers to."),
        ("amount", MONEY, "As stated."),
        ("unit", "VARCHAR", "元 or 万元 as stated."),
        ("amount_yuan", MONEY_YUAN, "The amount converted exactly to 元."),
        ("page", "INTEGER", "1-based page."),
        ("sentence", "VARCHAR", "The sentence it was read from."),
    ),
)

VALIDATION_RESULTS = Table(
    "validation_results",
    "One row per check per place checked: the identities within and between tables, prose against "
    "tables, one document against another, and completeness.",
    _columns(
        ("document_id", "VARCHAR", "The document the finding belongs to (→ documents)."),
        ("check_id", "VARCHAR", "Stable name of the identity checked (docs/vocabulary.md)."),
        ("severity", "VARCHAR", "error or warning."),
        ("passed", "BOOLEAN", "Whether the identity holds."),
        ("expected", MONEY, "What the identity says the amount should be."),
        ("actual", MONEY, "What is printed."),
        ("location", "VARCHAR", "Where to look: table_code, page, row label."),
        ("table_code", "VARCHAR", "The table checked; NULL for a prose or document-level check."),
        ("page", "INTEGER", "The page to open first."),
        ("unit", "VARCHAR", "The unit of expected and actual (元 or 万元); NULL when not money."),
        ("category", "VARCHAR", "arithmetic, cross_table, prose, cross_document, presentation, "
                                "completeness or rounding."),
        ("message", "VARCHAR", "One sentence a budget reviewer understands, in Chinese."),
    ),
)


VERSION_CHANGES = Table(
    "version_changes",
    "A project addition: one row per fact that differs between a new version of a document and "
    "the version that was current when it arrived (same unit, year, kind and sort), by the fact "
    "identity, compared in 元. Written when the new version supersedes the current one and when it "
    "is held back as pending.",
    _columns(
        ("document_id", "VARCHAR", "The new version (→ documents)."),
        ("previous_document_id", "VARCHAR", "The version it was compared with (→ documents)."),
        ("change", "VARCHAR", "added (only in the new version), removed (only in the previous one) "
                              "or changed (its amount differs)."),
        ("table_code", "VARCHAR", "Fact identity, as in facts."),
        ("side", "VARCHAR", "Fact identity, as in facts."),
        ("func_code", "VARCHAR", "Fact identity, as in facts."),
        ("econ_dept_code", "VARCHAR", "Fact identity, as in facts."),
        ("econ_gov_code", "VARCHAR", "Fact identity, as in facts."),
        ("project_name", "VARCHAR", "Fact identity, as in facts."),
        ("row_path", "VARCHAR", "Fact identity, as in facts."),
        ("measure", "VARCHAR", "Fact identity, as in facts."),
        ("fiscal_year", "INTEGER", "Fact identity, as in facts."),
        ("old_amount_yuan", MONEY_YUAN, "The amount in 元 in the previous version; NULL when added."),
        ("new_amount_yuan", MONEY_YUAN, "The amount in 元 in the new version; NULL when removed."),
        ("page", "INTEGER", "Page of the new version; NULL when removed."),
        ("previous_page", "INTEGER", "Page of the previous version; NULL when added."),
    ),
)


def _dimension(name: str, code_column: str, what: str) -> Table:
    return Table(
        name,
        f"The {what} codes seen in facts, with their level and printed name.",
        _columns(
            (code_column, "VARCHAR", f"{what} code."),
            ("level", "VARCHAR", "类, 款 or 项."),
            ("name", "VARCHAR", "The name as printed."),
            ("parent_code", "VARCHAR", "The code one level up, NULL for a 类."),
        ),
        primary_key=(code_column,),
    )


DIM_FUNCTION = _dimension("dim_function", "func_code", "支出功能分类 (functional classification)")
DIM_ECON_DEPT = _dimension("dim_econ_dept", "econ_dept_code", "部门预算支出经济分类 (departmental economic)")
DIM_ECON_GOV = _dimension("dim_econ_gov", "econ_gov_code", "政府预算支出经济分类 (government economic)")

DIM_UNIT = Table(
    "dim_unit",
    "A project addition: one row per unit (documents.unit_key) with a loaded document, rebuilt "
    "from documents on every load and forget. Where a document has no unit_key yet, its printed "
    "unit_name stands in as the key (here and in every view).",
    _columns(
        ("unit_key", "VARCHAR", "The unit's stable key (documents.unit_key)."),
        ("unit_names", "VARCHAR[]", "Every unit_name printed by its loaded or superseded documents, "
                                    "sorted: the name variants the key joins."),
        ("region", "VARCHAR", "The region of its latest loaded document that shows one."),
        ("documents", "INTEGER", "How many of its documents are loaded."),
        ("fiscal_years", "INTEGER[]", "The fiscal years of its loaded documents, ascending."),
    ),
    primary_key=("unit_key",),
)

PUBLIC_TABLES: tuple[Table, ...] = (
    DOCUMENTS, FACTS, PERFORMANCE_INDICATORS, PROSE_AMOUNTS, VALIDATION_RESULTS,
    DIM_FUNCTION, DIM_ECON_DEPT, DIM_ECON_GOV, DIM_UNIT, VERSION_CHANGES,
)
DOCUMENT_ROW_TABLES: tuple[Table, ...] = (FACTS, PERFORMANCE_INDICATORS, PROSE_AMOUNTS, VALIDATION_RESULTS,
                                          VERSION_CHANGES)
"""Tables whose rows belong to one document and leave when it is replaced."""

ARCHIVED_TABLES: tuple[Table, ...] = (FACTS, PERFORMANCE_INDICATORS, PROSE_AMOUNTS)
"""A superseded document's rows of these tables move to an internal archive table."""


def archive_of(table: Table) -> Table:
    return Table(f"{table.name}_superseded",
                 f"Internal: rows of documents that are not current: superseded ones, kept so that "
                 f"`budget forget` of the newer version can restore them, and pending ones, until "
                 f"`budget ingest --accept-new-version` makes them current. Same columns as "
                 f"{table.name}; do not query.",
                 table.columns, public=False)


SCHEMA_VERSION = Table(
    "schema_version",
    "Internal: a fingerprint of the views and macros this warehouse holds, so that they are "
    "created again when the code changes them. Do not query.",
    _columns(
        ("part", "VARCHAR", "What the fingerprint covers."),
        ("fingerprint", "VARCHAR", "SHA-256 of the statements that created it."),
    ),
    primary_key=("part",),
    public=False,
)

INTERNAL_TABLES: tuple[Table, ...] = tuple(archive_of(t) for t in ARCHIVED_TABLES) + (SCHEMA_VERSION,)

ALL_TABLES: tuple[Table, ...] = PUBLIC_TABLES + INTERNAL_TABLES
TABLES_BY_NAME = {t.name: t for t in ALL_TABLES}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_statements(table: Table) -> list[str]:
    columns = [f"{c.name} {c.type}" for c in table.columns]
    if table.primary_key:
        columns.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    return [f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(columns)})"]


def comment_statements(table: Table) -> list[str]:
    statements = [f"COMMENT ON TABLE {table.name} IS {_quote(table.comment)}"]
    statements += [f"COMMENT ON COLUMN {table.name}.{c.name} IS {_quote(c.comment)}" for c in table.columns]
    return statements


@dataclass(frozen=True)
class View:
    """A public view: its query and what each of its columns means, declared together.

    ``depends_on`` names the tables and views it reads (for the documentation and the asset
    graph's lineage)."""
    name: str
    comment: str
    columns: tuple[Column, ...]
    sql: str
    depends_on: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Macro:
    """A public DuckDB macro. A table macro (``returns_table``) documents the columns it returns
    like a view; a scalar macro documents its parameters in its comment."""
    name: str
    parameters: tuple[str, ...]
    comment: str
    sql: str
    returns_table: bool = False
    columns: tuple[Column, ...] = ()
    depends_on: tuple[str, ...] = ()

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.parameters)})"


def view_statements(view: View) -> list[str]:
    statements = [f"CREATE OR REPLACE VIEW {view.name} ({', '.join(view.column_names)}) AS {view.sql}",
                  f"COMMENT ON VIEW {view.name} IS {_quote(view.comment)}"]
    statements += [f"COMMENT ON COLUMN {view.name}.{c.name} IS {_quote(c.comment)}" for c in view.columns]
    return statements


def macro_statements(macro: Macro) -> list[str]:
    kind = "TABLE " if macro.returns_table else ""
    body = f"TABLE {macro.sql}" if macro.returns_table else f"({macro.sql})"
    return [f"CREATE OR REPLACE MACRO {macro.name}({', '.join(macro.parameters)}) AS {body}",
            f"COMMENT ON MACRO {kind}{macro.name} IS {_quote(macro.comment)}"]
