"""The views and macros that answer analysts' common questions, each declared once: its SQL and
what every column means (COMMENT ON and docs/warehouse.md come from here).

All amounts are exact decimals in 元 (facts.amount_yuan); a percentage is rounded half away from
zero to 0.01 by `percent_of` in integer arithmetic, never through a float.

Counting once. A 部门预算 consolidates its own 本级 budget and its subordinate units' 单位预算, and
one unit can print its name differently across documents, so summing facts over documents can
count the same money twice. `counted_documents` chooses one loaded document per unit_key, fiscal
year and stage (budget / final accounts); the views read only those documents, and mark a
单位预算 consolidated in a loaded 部门预算 of its 主管部门 (consolidated_in), so a sum over units
WHERE consolidated_in IS NULL counts every 元 once.
"""
from __future__ import annotations

from pipelines.labels import measure_labels
from pipelines.schema import MONEY, MONEY_YUAN, Column, Macro, View

PERCENT = "DECIMAL(18,2)"

# the unit a document belongs to: its key, or its printed name until a key is derived
UNIT_KEY_SQL = "coalesce({d}.unit_key, {d}.unit_name)"


def _columns(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


def one(expression: str) -> str:
    """An aggregate: the value when the group holds exactly one distinct value, else NULL.
    Two different amounts for one cell are a reading error, never something to sum or pick."""
    return f"CASE WHEN count(DISTINCT {expression}) = 1 THEN min({expression}) END"


def measure_amount(measure: str, amount: str = "f.amount_yuan", column: str = "f.measure") -> str:
    return one(f"CASE WHEN {column} = '{measure}' THEN {amount} END")


def money(expression: str) -> str:
    return f"CAST({expression} AS {MONEY_YUAN})"


def _values(rows: list[tuple[str, ...]]) -> str:
    return ", ".join("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in row) + ")" for row in rows)


# --- scalar macro ------------------------------------------------------------------------------

def _scaled(x: str) -> str:
    return f"CAST(({x}) * 1000000 AS HUGEINT)"


PERCENT_OF = Macro(
    "percent_of", ("part", "whole"),
    "percent_of(part, whole): part / whole × 100, exact, rounded half away from zero to 0.01 "
    "(DECIMAL(18,2)); NULL when either is NULL or whole is 0. DuckDB's own division of decimals "
    "returns a DOUBLE; this one stays exact.",
    f"CASE WHEN whole IS NULL OR part IS NULL OR whole = 0 THEN NULL ELSE CAST("
    f"CAST(CAST(sign(part) * sign(whole) AS HUGEINT) * ((abs({_scaled('part')}) * 20000 "
    f"+ abs({_scaled('whole')})) // (2 * abs({_scaled('whole')}))) AS DECIMAL(38,0)) * 0.01 "
    f"AS {PERCENT}) END",
)

# --- counted_documents -------------------------------------------------------------------------

COUNTED_DOCUMENTS = View(
    "counted_documents",
    "The one loaded document per unit_key, fiscal year and stage that the analysis views count. "
    "Choice, in order: a document with table facts (not a prose-only companion); a 部门预算 / "
    "部门决算 over a 单位预算 / 单位决算 of the same key (the department's budget includes its own "
    "本级 budget); the latest ingested; the smaller document_id.",
    _columns(
        ("unit_key", "VARCHAR", "documents.unit_key (the printed unit_name where none is derived yet)."),
        ("fiscal_year", "INTEGER", "The year the document is about."),
        ("stage", "VARCHAR", "budget (部门预算 / 单位预算) or final (部门决算 / 单位决算)."),
        ("document_id", "VARCHAR", "The document counted (→ documents)."),
        ("doc_kind", "VARCHAR", "Its kind."),
        ("unit_name", "VARCHAR", "Its unit name as printed."),
        ("region", "VARCHAR", "Its region."),
        ("supervisor", "VARCHAR", "Its 主管部门 as printed."),
        ("passed_over", "INTEGER", "How many other loaded documents of the same unit_key, year and "
                                   "stage were not chosen (their facts stay in facts)."),
        ("consolidated_in", "VARCHAR", "For a 单位预算 / 单位决算: the unit_key of the counted "
                                       "部门预算 / 部门决算 of the same year whose unit printed this "
                                       "document's 主管部门, i.e. the department budget that already "
                                       "includes it; NULL otherwise. Sum over units WHERE "
                                       "consolidated_in IS NULL to count each 元 once."),
    ),
    f"""
WITH candidates AS (
    SELECT d.document_id, {UNIT_KEY_SQL.format(d='d')} AS unit_key, d.unit_name, d.region,
           d.supervisor, d.fiscal_year, d.doc_kind, d.ingested_at,
           CASE WHEN d.doc_kind LIKE '%决算' THEN 'final' ELSE 'budget' END AS stage,
           EXISTS (SELECT 1 FROM facts f WHERE f.document_id = d.document_id) AS has_facts
    FROM documents d
    WHERE d.status = 'loaded' AND d.fiscal_year IS NOT NULL AND d.doc_kind IS NOT NULL
      AND {UNIT_KEY_SQL.format(d='d')} IS NOT NULL
), ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY unit_key, fiscal_year, stage
                              ORDER BY has_facts DESC, doc_kind LIKE '部门%' DESC, ingested_at DESC,
                                       document_id) AS choice,
           count(*) OVER (PARTITION BY unit_key, fiscal_year, stage) AS candidates
    FROM candidates
), chosen AS (
    SELECT * FROM ranked WHERE choice = 1
)
SELECT c.unit_key, c.fiscal_year, c.stage, c.document_id, c.doc_kind, c.unit_name, c.region,
       c.supervisor, CAST(c.candidates - 1 AS INTEGER),
       (SELECT min(p.unit_key) FROM chosen p JOIN dim_unit u ON u.unit_key = p.unit_key
        WHERE c.doc_kind LIKE '单位%' AND p.doc_kind LIKE '部门%' AND p.fiscal_year = c.fiscal_year
          AND p.stage = c.stage AND p.unit_key <> c.unit_key
          AND (list_contains(u.unit_names, c.supervisor) OR p.unit_key = c.supervisor))
FROM chosen c
""",
    depends_on=("documents", "facts", "dim_unit"),
)

_COUNTED = ("unit_key", "unit_name", "region", "fiscal_year", "doc_kind", "document_id", "consolidated_in")


def _counted_columns() -> tuple[Column, ...]:
    """The columns a view takes from counted_documents, with their meaning there."""
    declared = {c.name: c for c in COUNTED_DOCUMENTS.columns}
    columns = [declared[name] for name in _COUNTED]
    columns[_COUNTED.index("document_id")] = Column(
        "document_id", "VARCHAR", "The counted document the amounts come from (→ documents).")
    return tuple(columns)


_COUNTED_SELECT = ", ".join(f"c.{name}" for name in _COUNTED)

# --- expenditure_by_function -------------------------------------------------------------------

EXPENDITURE_TABLE = "expenditure"

EXPENDITURE_BY_FUNCTION = View(
    "expenditure_by_function",
    "Budgeted expenditure by 支出功能分类 per unit and year, in 元, from each counted budget's "
    "支出总体情况表 (table_code expenditure: all funding sources, split into 基本支出 and 项目支出). "
    "One row per functional code the table prints (类, 款 and 项 rows: filter on level before "
    "summing). A budget without that table, or whose table prints no codes, has no rows here; "
    "read its general_expenditure facts instead.",
    _counted_columns() + _columns(
        ("func_code", "VARCHAR", "支出功能分类 code (3, 5 or 7 digits)."),
        ("level", "VARCHAR", "类, 款 or 项, by the code's length."),
        ("name", "VARCHAR", "The row's label as printed."),
        ("row_no", "INTEGER", "The row's position in the printed table."),
        ("total_yuan", MONEY_YUAN, "合计 (measure total), in 元."),
        ("basic_yuan", MONEY_YUAN, "基本支出, in 元; NULL where the cell is empty."),
        ("project_yuan", MONEY_YUAN, "项目支出, in 元; NULL where the cell is empty."),
    ),
    f"""
SELECT {_COUNTED_SELECT}, f.func_code,
       CASE length(f.func_code) WHEN 3 THEN '类' WHEN 5 THEN '款' WHEN 7 THEN '项' END,
       arg_min(f.item, f.row_no), min(f.row_no),
       {measure_amount('total')}, {measure_amount('basic')}, {measure_amount('project')}
FROM counted_documents c
JOIN facts f ON f.document_id = c.document_id AND f.fiscal_year = c.fiscal_year
WHERE c.stage = 'budget' AND f.table_code = '{EXPENDITURE_TABLE}' AND f.func_code IS NOT NULL
  AND f.project_name IS NULL
GROUP BY ALL
""",
    depends_on=("counted_documents", "facts"),
)

# --- three_public_by_unit ----------------------------------------------------------------------

THREE_PUBLIC_PARTS = ("overseas", "vehicle_subtotal", "vehicle_purchase", "vehicle_operation",
                      "reception", "meeting", "training", "three_public_subtotal")


def _three_public_amount(measure: str) -> str:
    """A 三公 table's amount of one measure for a document and year: its one value; where the
    table prints a row per sub-unit and a 合计 row, the 合计 row's; where it prints only an
    一般公共预算 column (rows layout: overseas_general_budget), that column's, since the table is
    the 一般公共预算 三公 by its title."""
    def pick(m: str) -> str:
        value = f"CASE WHEN measure = '{m}' THEN amount_yuan END"
        total_row = f"CASE WHEN measure = '{m}' AND is_total THEN amount_yuan END"
        return (f"CASE WHEN count(DISTINCT {value}) = 1 THEN min({value}) "
                f"WHEN count({total_row}) = 1 THEN min({total_row}) END")
    return f"coalesce({pick(measure)}, {pick(f'{measure}_general_budget')})"


def _parts_sum(*parts: str) -> str:
    """Σ of the parts printed; NULL when none is."""
    return (f"CASE WHEN {' AND '.join(f'{p} IS NULL' for p in parts)} THEN NULL "
            f"ELSE {' + '.join(f'coalesce({p}, 0)' for p in parts)} END")


_VEHICLE = f"coalesce(a.vehicle_subtotal, {_parts_sum('a.vehicle_purchase', 'a.vehicle_operation')})"
_THREE_PUBLIC_PRINTED = ("coalesce(a.three_public_subtotal, CASE WHEN a.meeting IS NULL AND a.training IS NULL "
                         "THEN a.table_total END)")

THREE_PUBLIC_BY_UNIT = View(
    "three_public_by_unit",
    "“三公”经费 per unit and year in one meaning across templates, in 元, from each counted "
    "budget's 三公 table for the budget's own year. three_public_yuan is always 因公出国（境） + "
    "公务用车购置及运行维护 + 公务接待: the printed “三公” subtotal (three_public_subtotal) where the "
    "table also has 会议费 / 培训费 (Jiangsu: its 合计 includes them), else the table's 合计, else "
    "the sum of the printed parts. Tables printing the parts as columns (Shandong, Jiangsu, "
    "Shanghai) or as rows (Fujian, Guangzhou: the readers name a row's measure by its label) "
    "read alike.",
    _counted_columns() + _columns(
        ("three_public_yuan", MONEY_YUAN, "The “三公”经费: 因公出国（境） + 公务用车购置及运行维护 + 公务接待, in 元."),
        ("three_public_basis", "VARCHAR", "printed (the table prints this sum) or sum_of_parts "
                                          "(added here from the printed parts)."),
        ("overseas_yuan", MONEY_YUAN, "因公出国（境）经费."),
        ("vehicle_yuan", MONEY_YUAN, "公务用车购置及运行维护费 (its printed 小计, else 购置 + 运行维护)."),
        ("vehicle_purchase_yuan", MONEY_YUAN, "公务用车购置费."),
        ("vehicle_operation_yuan", MONEY_YUAN, "公务用车运行维护费."),
        ("reception_yuan", MONEY_YUAN, "公务接待费."),
        ("meeting_yuan", MONEY_YUAN, "会议费, where the table prints it."),
        ("training_yuan", MONEY_YUAN, "培训费, where the table prints it."),
        ("printed_total_yuan", MONEY_YUAN, "The table's 合计 as printed: the 三公 alone in most "
                                           "templates, 三公 + 会议费 + 培训费 in Jiangsu's."),
    ),
    f"""
WITH amounts AS (
    SELECT document_id, fiscal_year,
           {', '.join(f"{_three_public_amount(p)} AS {p}" for p in THREE_PUBLIC_PARTS)},
           {_three_public_amount('total')} AS table_total
    FROM facts
    WHERE table_code = 'three_public'
    GROUP BY document_id, fiscal_year
)
SELECT {_COUNTED_SELECT},
       {money(f"coalesce({_THREE_PUBLIC_PRINTED}, {_parts_sum('a.overseas', _VEHICLE, 'a.reception')})")},
       CASE WHEN {_THREE_PUBLIC_PRINTED} IS NOT NULL THEN 'printed'
            WHEN {_parts_sum('a.overseas', _VEHICLE, 'a.reception')} IS NOT NULL THEN 'sum_of_parts' END,
       a.overseas, {money(_VEHICLE)}, a.vehicle_purchase, a.vehicle_operation, a.reception, a.meeting,
       a.training, a.table_total
FROM counted_documents c
JOIN amounts a ON a.document_id = c.document_id AND a.fiscal_year = c.fiscal_year
WHERE c.stage = 'budget'
""",
    depends_on=("counted_documents", "facts"),
)

# --- year_on_year ------------------------------------------------------------------------------

_CODES = ("func_code", "econ_dept_code", "econ_gov_code")
_YOY_KEY = ("table_code", "side", "measure") + _CODES

YEAR_ON_YEAR = View(
    "year_on_year",
    "Each coded amount of a counted budget beside the same unit's amount for the same table, "
    "column and code in its counted budget of the year before (same doc_kind), in 元: the change "
    "and the change in percent. One row per coded row and measure the current year prints "
    "(rows of projects excluded); prior_year_yuan is NULL where last year's budget is not loaded "
    "(prior_document_id NULL) or does not print that code.",
    _columns(
        ("unit_key", "VARCHAR", "documents.unit_key (the printed unit_name where none is derived yet)."),
        ("unit_name", "VARCHAR", "The unit name printed this year."),
        ("doc_kind", "VARCHAR", "部门预算 or 单位预算 (both years the same)."),
        ("table_code", "VARCHAR", "The table (docs/vocabulary.md)."),
        ("side", "VARCHAR", "income / expenditure in the two-sided summary tables, else NULL."),
        ("measure", "VARCHAR", "The column (docs/vocabulary.md)."),
        ("func_code", "VARCHAR", "支出功能分类 code, or NULL."),
        ("econ_dept_code", "VARCHAR", "部门预算支出经济分类 code, or NULL."),
        ("econ_gov_code", "VARCHAR", "政府预算支出经济分类 code, or NULL."),
        ("item", "VARCHAR", "The row's label as printed this year."),
        ("fiscal_year", "INTEGER", "This year."),
        ("amount_yuan", MONEY_YUAN, "This year's amount, in 元."),
        ("prior_year_yuan", MONEY_YUAN, "The year before's amount, in 元."),
        ("change_yuan", MONEY_YUAN, "amount_yuan − prior_year_yuan."),
        ("change_percent", PERCENT, "change_yuan / prior_year_yuan × 100, rounded to 0.01; NULL when "
                                    "the prior amount is 0 or missing."),
        ("document_id", "VARCHAR", "This year's counted budget (→ documents)."),
        ("prior_document_id", "VARCHAR", "The year before's counted budget of the same kind, NULL "
                                         "when not loaded."),
    ),
    f"""
WITH coded AS (
    SELECT c.unit_key, c.unit_name, c.doc_kind, c.fiscal_year, c.document_id,
           {', '.join(f'f.{k}' for k in _YOY_KEY)},
           arg_min(f.item, f.row_no) AS item, {one('f.amount_yuan')} AS amount_yuan
    FROM counted_documents c
    JOIN facts f ON f.document_id = c.document_id AND f.fiscal_year = c.fiscal_year
    WHERE c.stage = 'budget' AND f.project_name IS NULL
      AND coalesce({', '.join(f'f.{k}' for k in _CODES)}) IS NOT NULL
    GROUP BY ALL
)
SELECT cur.unit_key, cur.unit_name, cur.doc_kind, {', '.join(f'cur.{k}' for k in _YOY_KEY)},
       cur.item, cur.fiscal_year, cur.amount_yuan, prior.amount_yuan,
       {money('cur.amount_yuan - prior.amount_yuan')},
       percent_of(cur.amount_yuan - prior.amount_yuan, prior.amount_yuan),
       cur.document_id, prior_document.document_id
FROM coded cur
LEFT JOIN counted_documents prior_document
       ON prior_document.unit_key = cur.unit_key AND prior_document.stage = 'budget'
      AND prior_document.fiscal_year = cur.fiscal_year - 1 AND prior_document.doc_kind = cur.doc_kind
LEFT JOIN coded prior
       ON prior.document_id = prior_document.document_id
      AND {' AND '.join(f'prior.{k} IS NOT DISTINCT FROM cur.{k}' for k in _YOY_KEY)}
""",
    depends_on=("counted_documents", "facts"),
)

# --- findings ----------------------------------------------------------------------------------

FINDINGS = View(
    "findings",
    "Every failed check of a loaded document, with the document's unit and year: what a reviewer "
    "reads first. Ordered by unit, year, page.",
    _columns(
        ("document_id", "VARCHAR", "The document (→ documents)."),
        ("unit_key", "VARCHAR", "documents.unit_key (the printed unit_name where none is derived yet)."),
        ("unit_name", "VARCHAR", "The unit name as printed."),
        ("fiscal_year", "INTEGER", "The document's year."),
        ("doc_kind", "VARCHAR", "The document's kind."),
        ("source_path", "VARCHAR", "The file it came from."),
        ("severity", "VARCHAR", "error or warning."),
        ("category", "VARCHAR", "arithmetic, cross_table, prose, cross_document, presentation, "
                                "completeness or rounding."),
        ("check_id", "VARCHAR", "The identity checked (docs/vocabulary.md)."),
        ("table_code", "VARCHAR", "The table checked; NULL for a prose or document-level check."),
        ("page", "INTEGER", "The page to open first."),
        ("location", "VARCHAR", "Where to look: table, page, row."),
        ("expected", "DECIMAL(24,6)", "What the identity says the amount should be, in unit."),
        ("actual", "DECIMAL(24,6)", "What is printed, in unit."),
        ("unit", "VARCHAR", "元 or 万元 for expected and actual; NULL when they are not money."),
        ("message", "VARCHAR", "The finding in words a budget reviewer understands (Chinese)."),
    ),
    f"""
SELECT d.document_id, {UNIT_KEY_SQL.format(d='d')}, d.unit_name, d.fiscal_year, d.doc_kind,
       d.source_path, v.severity, v.category, v.check_id, v.table_code, v.page, v.location,
       v.expected, v.actual, v.unit, v.message
FROM validation_results v JOIN documents d ON d.document_id = v.document_id
WHERE NOT v.passed AND d.status = 'loaded'
ORDER BY d.unit_name, d.fiscal_year, d.document_id, v.page NULLS LAST, v.severity, v.check_id, v.location
""",
    depends_on=("validation_results", "documents"),
)

# --- budget_execution --------------------------------------------------------------------------

# (scope, the budget's table, the final accounts' table): like compared with like
EXECUTION_SCOPES = (
    ("all_funds", "expenditure", "final_expenditure"),
    ("general_budget", "general_expenditure", "final_general_expenditure"),
    ("general_budget_basic", "general_basic", "final_general_basic"),
    ("gov_fund", "gov_fund_expenditure", "final_gov_fund"),
    ("state_capital", "state_capital_expenditure", "final_state_capital"),
)
# the outturn column of a final-accounts table, best first
OUTTURN_MEASURES = ("actual", "current_expenditure", "total")
# an economic row's amount where the table prints no 合计 column: its 人员经费 and 公用经费 columns
# (a 决算's 基本支出决算表 prints each 经济分类 row in one of them; the budget's prints both and 合计)
_BASIC_PARTS = ("personnel", "public_operating")

_ROW_KEY = _CODES + ("table_total",)


def _row_amount(preferred: tuple[str, ...], alias: str = "") -> str:
    """The first printed of ``preferred``, else the basic-expenditure total, else its two parts."""
    parts = " + ".join(f"coalesce({alias}{m}, 0)" for m in _BASIC_PARTS)
    any_part = " OR ".join(f"{alias}{m} IS NOT NULL" for m in _BASIC_PARTS)
    return (f"coalesce({', '.join(alias + m for m in preferred)}, {alias}basic, "
            f"CASE WHEN {any_part} THEN {parts} END)")


def _execution_rows(document: str, table: str, measures: tuple[str, ...]) -> str:
    amounts = ", ".join(f"{measure_amount(m)} AS {m}" for m in measures + ("basic",) + _BASIC_PARTS)
    return f"""
    SELECT p.budget_document_id, p.final_document_id, s.scope,
           {', '.join(f'f.{k}' for k in _CODES)},
           f.is_total AND coalesce({', '.join(f'f.{k}' for k in _CODES)}) IS NULL AS table_total,
           arg_min(f.item, f.row_no) AS item, min(f.row_no) AS row_no, {amounts}
    FROM pairs p
    JOIN facts f ON f.document_id = p.{document} AND f.fiscal_year = p.fiscal_year
    JOIN scopes s ON s.{table} = f.table_code
    WHERE f.project_name IS NULL
      AND (coalesce({', '.join(f'f.{k}' for k in _CODES)}) IS NOT NULL OR f.is_total)
    GROUP BY ALL"""


def _collapsed(rows: str, amounts: tuple[str, ...]) -> str:
    """``rows`` with econ_gov_code dropped (its amounts summed) in a pair's scope where only one of
    the two documents prints 政府经济分类 codes: a consolidated budget prints 301 under 501 and 505,
    its final account prints 301 once; the two are compared at the code both print."""
    keep = [k for k in _CODES if k != "econ_gov_code"]
    return f"""
    SELECT x.budget_document_id, x.final_document_id, x.scope, {', '.join(f'x.{k}' for k in keep)},
           CASE WHEN g.both_coded THEN x.econ_gov_code END AS econ_gov_code, x.table_total,
           arg_min(x.item, x.row_no) AS item, min(x.row_no) AS row_no,
           {', '.join(f'{money(f"sum(x.{a})")} AS {a}' for a in amounts)}
    FROM {rows} x JOIN gov_coded g USING (budget_document_id, final_document_id, scope)
    GROUP BY ALL"""


BUDGET_EXECUTION = View(
    "budget_execution",
    "Budget against outturn, per functional and economic code, for a unit whose budget and final "
    "accounts of the same year are both loaded (counted 部门预算 with 部门决算, 单位预算 with "
    "单位决算), in 元. Like is compared with like (scope): 支出总体情况表 with 支出决算表 "
    "(all_funds), 一般公共预算支出 with its 决算表 (general_budget), 一般公共预算基本支出 by "
    "economic code (general_budget_basic), 政府性基金 (gov_fund) and 国有资本经营 (state_capital). "
    "A scope appears where both documents print its table; a code printed by only one of them "
    "still has its row. Where only one of the two prints 政府经济分类 codes beside the 部门经济分类 "
    "(a consolidated budget's 301 under 501 and 505), that one's rows are summed per 部门经济分类 "
    "code and econ_gov_code is NULL.",
    _columns(
        ("unit_key", "VARCHAR", "documents.unit_key (the printed unit_name where none is derived yet)."),
        ("unit_name", "VARCHAR", "The unit name the final accounts print."),
        ("fiscal_year", "INTEGER", "The year budgeted and accounted for."),
        ("scope", "VARCHAR", "all_funds, general_budget, general_budget_basic, gov_fund or state_capital."),
        ("func_code", "VARCHAR", "支出功能分类 code, or NULL."),
        ("econ_dept_code", "VARCHAR", "部门预算支出经济分类 code, or NULL."),
        ("econ_gov_code", "VARCHAR", "政府预算支出经济分类 code, or NULL."),
        ("is_total", "BOOLEAN", "The table's 合计 row (no code)."),
        ("item", "VARCHAR", "The row's label as printed (the final accounts', else the budget's; the 合计 "
                             "row's, the budget's)."),
        ("budget_yuan", MONEY_YUAN, "The budget document's amount (its 合计 column, measure total; in a "
                                     "basic-expenditure table its basic column, else 人员经费 + 公用经费), in 元."),
        ("budget_initial_yuan", MONEY_YUAN, "年初预算数 as the final accounts print it, in 元."),
        ("budget_adjusted_yuan", MONEY_YUAN, "调整预算数 / 全年预算数 as the final accounts print it, in 元."),
        ("outturn_yuan", MONEY_YUAN, "The outturn, in 元: the final accounts' 决算数 (actual), else "
                                     "本年支出 (current_expenditure), else its 合计 (total); in a basic-expenditure "
                                     "table without one, 人员经费 + 公用经费 (personnel + public_operating)."),
        ("difference_yuan", MONEY_YUAN, "outturn_yuan − budget_yuan."),
        ("execution_percent", PERCENT, "outturn_yuan / budget_yuan × 100, rounded to 0.01."),
        ("adjusted_execution_percent", PERCENT, "outturn_yuan / budget_adjusted_yuan × 100, rounded to 0.01."),
        ("budget_document_id", "VARCHAR", "The budget (→ documents)."),
        ("final_document_id", "VARCHAR", "The final accounts (→ documents)."),
    ),
    f"""
WITH pairs AS (
    SELECT f.unit_key, f.unit_name, f.fiscal_year, b.document_id AS budget_document_id,
           f.document_id AS final_document_id
    FROM counted_documents b
    JOIN counted_documents f ON f.unit_key = b.unit_key AND f.fiscal_year = b.fiscal_year
    WHERE b.stage = 'budget' AND f.stage = 'final' AND replace(f.doc_kind, '决算', '预算') = b.doc_kind
), scopes(scope, budget_table, final_table) AS (VALUES {_values(list(EXECUTION_SCOPES))}),
budget_printed AS ({_execution_rows('budget_document_id', 'budget_table', ('total',))}
), final_printed AS ({_execution_rows('final_document_id', 'final_table', ('budget_initial', 'budget_adjusted') + OUTTURN_MEASURES)}
), budget_amounts AS (
    SELECT * EXCLUDE (total, basic, personnel, public_operating), {_row_amount(('total',))} AS budget
    FROM budget_printed
), final_amounts AS (
    SELECT budget_document_id, final_document_id, scope, {', '.join(_ROW_KEY)}, item, row_no,
           budget_initial, budget_adjusted, {_row_amount(OUTTURN_MEASURES)} AS outturn
    FROM final_printed
), gov_coded AS (
    SELECT budget_document_id, final_document_id, scope,
           bool_or(side = 'budget' AND econ_gov_code IS NOT NULL)
           AND bool_or(side = 'final' AND econ_gov_code IS NOT NULL) AS both_coded
    FROM (SELECT budget_document_id, final_document_id, scope, econ_gov_code, 'budget' AS side FROM budget_amounts
          UNION ALL
          SELECT budget_document_id, final_document_id, scope, econ_gov_code, 'final' FROM final_amounts)
    GROUP BY ALL
), budget_rows AS ({_collapsed('budget_amounts', ('budget',))}
), final_rows AS ({_collapsed('final_amounts', ('budget_initial', 'budget_adjusted', 'outturn'))}
), joined AS (
    SELECT coalesce(r.budget_document_id, b.budget_document_id) AS budget_document_id,
           coalesce(r.final_document_id, b.final_document_id) AS final_document_id,
           coalesce(r.scope, b.scope) AS scope,
           {', '.join(f'coalesce(r.{k}, b.{k}) AS {k}' for k in _ROW_KEY)},
           -- a 合计 the final account prints in two (人员经费合计, 公用经费合计) is the budget's 合计
           CASE WHEN coalesce(r.table_total, b.table_total) THEN coalesce(b.item, r.item)
                ELSE coalesce(r.item, b.item) END AS item,
           coalesce(r.row_no, b.row_no) AS row_no,
           b.budget, r.budget_initial, r.budget_adjusted, r.outturn
    FROM final_rows r
    FULL JOIN budget_rows b
           ON b.budget_document_id = r.budget_document_id AND b.final_document_id = r.final_document_id
          AND b.scope = r.scope AND {' AND '.join(f'b.{k} IS NOT DISTINCT FROM r.{k}' for k in _ROW_KEY)}
)
SELECT p.unit_key, p.unit_name, p.fiscal_year, j.scope, {', '.join(f'j.{k}' for k in _CODES)},
       j.table_total, j.item, j.budget, j.budget_initial, j.budget_adjusted, j.outturn,
       {money('j.outturn - j.budget')}, percent_of(j.outturn, j.budget), percent_of(j.outturn, j.budget_adjusted),
       j.budget_document_id, j.final_document_id
FROM joined j
JOIN pairs p ON p.budget_document_id = j.budget_document_id AND p.final_document_id = j.final_document_id
-- a scope only where both documents print its table
SEMI JOIN (SELECT budget_document_id, final_document_id, scope FROM budget_rows
           INTERSECT SELECT budget_document_id, final_document_id, scope FROM final_rows) both_print
       ON both_print.budget_document_id = j.budget_document_id
      AND both_print.final_document_id = j.final_document_id AND both_print.scope = j.scope
ORDER BY p.unit_key, p.fiscal_year, j.scope, j.row_no
""",
    depends_on=("counted_documents", "facts"),
)

# --- printed_table -----------------------------------------------------------------------------

_ROW_ATTRIBUTES = ("item", "row_path", "func_code", "econ_dept_code", "econ_gov_code", "project_name",
                   "project_category")


def _printed_table_sql() -> str:
    measures = [m.code for m in measure_labels()]
    known = _values([(m,) for m in measures])
    amounts = ", ".join(f"{measure_amount(m, 'amount', 'measure')} AS {m}" for m in measures)
    return f"""
SELECT row_no, side, fiscal_year, {', '.join(f'min({a}) AS {a}' for a in _ROW_ATTRIBUTES)},
       bool_or(is_total) AS is_total, min(unit) AS unit, min(page) AS page, {amounts},
       list({{'measure': measure, 'amount': amount}} ORDER BY measure)
           FILTER (WHERE measure NOT IN ({known})) AS other_measures
FROM facts
WHERE document_id = of_document AND table_code = of_table
GROUP BY row_no, side, fiscal_year
ORDER BY row_no, coalesce(side = 'expenditure', false), fiscal_year  -- 收入 left of 支出, as printed
"""


PRINTED_TABLE = Macro(
    "printed_table", ("of_document", "of_table"),
    "printed_table(document_id, table_code): the printed table rebuilt from facts, rows in the "
    "order printed (row_no; the two sides of a summary table and each year of a 三公 table as "
    "their own rows), amounts as printed in unit, one column per measure of the vocabulary "
    "(NULL where the table has no such column; select the ones you want), and any measure the "
    "vocabulary lacks in other_measures. Example: SELECT row_no, func_code, item, total, basic, "
    "project FROM printed_table('<document_id>', 'expenditure').",
    _printed_table_sql(),
    returns_table=True,
    columns=_columns(
        ("row_no", "INTEGER", "The row's position in the printed table."),
        ("side", "VARCHAR", "income / expenditure in the two-sided summary tables, else NULL."),
        ("fiscal_year", "INTEGER", "The year of the amounts (a 三公 table prints the prior year too)."),
        ("item … project_category", "VARCHAR", "The row's label, path and codes, as in facts."),
        ("is_total", "BOOLEAN", "A 合计 / 总计 / 小计 row."),
        ("unit", "VARCHAR", "元 or 万元, as printed above the table."),
        ("page", "INTEGER", "The page the row is printed on (its first, if it spans two)."),
        ("total … unmapped", MONEY, "One column per measure of pipelines/vocab/codes.yaml, in its "
                                    "order: the amount as printed, in unit."),
        ("other_measures", "STRUCT(measure VARCHAR, amount DECIMAL(24,6))[]",
         "Amounts of measures the vocabulary lacks, NULL when none."),
    ),
    depends_on=("facts",),
)

PUBLIC_VIEWS: tuple[View, ...] = (
    COUNTED_DOCUMENTS, EXPENDITURE_BY_FUNCTION, THREE_PUBLIC_BY_UNIT, YEAR_ON_YEAR, FINDINGS,
    BUDGET_EXECUTION,
)
PUBLIC_MACROS: tuple[Macro, ...] = (PERCENT_OF, PRINTED_TABLE)
"""In creation order: percent_of before the views that call it."""
