"""The analysis views and macros on synthetic documents with exactly known amounts (tests/fixtures/
synthetic.py): units over time (dim_unit), one document per unit and year, exact 元, every column
commented."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from fixtures import synthetic as s
from pipelines import schema, views, warehouse


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "budget.duckdb")
    s.load_all(connection)
    yield connection
    connection.close()


def rows(con, sql, params=()):
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_every_public_table_view_and_column_is_commented(con):
    public = [t.name for t in schema.PUBLIC_TABLES] + [v.name for v in views.PUBLIC_VIEWS]
    missing = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL "
        "AND table_name IN (SELECT unnest(?))", [public]).fetchall()
    assert missing == []
    uncommented = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL").fetchall()
    assert uncommented == []
    macros = dict(con.execute("SELECT function_name, comment FROM duckdb_functions() "
                              "WHERE function_name IN ('percent_of', 'printed_table')").fetchall())
    assert macros == {m.name: m.comment for m in views.PUBLIC_MACROS}


def test_declared_view_columns_and_types_are_what_duckdb_returns(con):
    for view in views.PUBLIC_VIEWS:
        described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {view.name}").fetchall()]
        assert described == [(c.name, c.type) for c in view.columns], view.name


def test_views_are_created_again_only_when_their_declaration_changes(con):
    held = con.execute("SELECT fingerprint FROM schema_version").fetchall()
    warehouse.ensure_views(con)
    assert con.execute("SELECT fingerprint FROM schema_version").fetchall() == held
    con.execute("DROP VIEW findings")
    con.execute("UPDATE schema_version SET fingerprint = 'old'")
    warehouse.ensure_views(con)
    assert con.execute("SELECT count(*) FROM findings").fetchall() == [(2,)]


def test_dim_unit_joins_name_variants_and_follows_loads_and_forgets(con):
    office = rows(con, "SELECT * FROM dim_unit WHERE unit_key = ?", [s.OFFICE_KEY])
    assert office == [{"unit_key": s.OFFICE_KEY,
                       "unit_names": ["中共烟台市委办公室", "中国共产党烟台市委员会办公室"],
                       "region": s.REGION, "documents": 2, "fiscal_years": [2023, 2024]}]
    department = rows(con, "SELECT unit_names, documents FROM dim_unit WHERE unit_key = ?",
                      [s.DEPARTMENT_KEY])
    assert department == [{"unit_names": [s.DEPARTMENT, f"{s.DEPARTMENT}本级"], "documents": 3}]
    warehouse.forget_document(con, "office-2023")
    assert rows(con, "SELECT unit_names, fiscal_years FROM dim_unit WHERE unit_key = ?", [s.OFFICE_KEY]) \
        == [{"unit_names": ["中共烟台市委办公室"], "fiscal_years": [2024]}]
    warehouse.forget_document(con, "office-2024")
    assert rows(con, "SELECT * FROM dim_unit WHERE unit_key = ?", [s.OFFICE_KEY]) == []


def test_one_document_per_unit_year_and_stage(con):
    counted = rows(con, "SELECT unit_key, fiscal_year, stage, document_id, passed_over, consolidated_in "
                        "FROM counted_documents ORDER BY unit_key, fiscal_year, stage")
    assert counted == [
        {"unit_key": s.DEPARTMENT_KEY, "fiscal_year": 2024, "stage": "budget", "document_id": "dept-2024",
         "passed_over": 1, "consolidated_in": None},
        {"unit_key": s.DEPARTMENT_KEY, "fiscal_year": 2024, "stage": "final",
         "document_id": "dept-final-2024", "passed_over": 0, "consolidated_in": None},
        {"unit_key": s.OFFICE_KEY, "fiscal_year": 2023, "stage": "budget", "document_id": "office-2023",
         "passed_over": 0, "consolidated_in": None},
        {"unit_key": s.OFFICE_KEY, "fiscal_year": 2024, "stage": "budget", "document_id": "office-2024",
         "passed_over": 0, "consolidated_in": None},
        # 2023: the department's budget is not loaded, so nothing consolidates the centre
        {"unit_key": s.CENTRE_KEY, "fiscal_year": 2023, "stage": "budget", "document_id": "centre-2023",
         "passed_over": 0, "consolidated_in": None},
        {"unit_key": s.CENTRE_KEY, "fiscal_year": 2024, "stage": "budget", "document_id": "centre-2024",
         "passed_over": 0, "consolidated_in": s.DEPARTMENT_KEY},
    ]


def test_expenditure_by_function_counts_each_yuan_once(con):
    department = rows(con, "SELECT document_id, func_code, level, name, total_yuan, basic_yuan, project_yuan "
                           "FROM expenditure_by_function WHERE unit_key = ? AND fiscal_year = 2024 "
                           "ORDER BY row_no", [s.DEPARTMENT_KEY])
    # the 部门预算 only: its 本级 单位预算 (3,000.25 万元, also 208) is inside it
    assert department == [
        {"document_id": "dept-2024", "func_code": "208", "level": "类", "name": "社会保障和就业支出",
         "total_yuan": D("1208002500"), "basic_yuan": D("30002500"), "project_yuan": D("1178000000")},
        {"document_id": "dept-2024", "func_code": "20801", "level": "款", "name": "人力资源和社会保障管理事务",
         "total_yuan": D("30002500"), "basic_yuan": D("30002500"), "project_yuan": None},
        {"document_id": "dept-2024", "func_code": "210", "level": "类", "name": "卫生健康支出",
         "total_yuan": D("2000000"), "basic_yuan": D("2000000"), "project_yuan": None},
    ]
    # summed over units, the consolidated centre is left out: the department's 合计 exactly
    total = con.execute("SELECT sum(total_yuan) FROM expenditure_by_function WHERE fiscal_year = 2024 "
                        "AND level = '类' AND consolidated_in IS NULL AND unit_key <> ?",
                        [s.OFFICE_KEY]).fetchall()[0][0]
    assert total == D("1210002500")
    assert total == con.execute("SELECT amount_yuan FROM facts WHERE document_id = 'dept-2024' "
                                "AND table_code = 'expenditure' AND is_total").fetchall()[0][0]


def test_three_public_has_one_meaning_across_layouts(con):
    got = rows(con, "SELECT document_id, three_public_yuan, three_public_basis, overseas_yuan, vehicle_yuan, "
                    "vehicle_purchase_yuan, vehicle_operation_yuan, reception_yuan, meeting_yuan, "
                    "training_yuan, printed_total_yuan FROM three_public_by_unit ORDER BY document_id")
    assert got == [
        # Fujian: parts as rows; the 合计 row is the 三公 sum
        {"document_id": "centre-2023", "three_public_yuan": D("250500"), "three_public_basis": "printed",
         "overseas_yuan": D("70500"), "vehicle_yuan": D("100000"), "vehicle_purchase_yuan": D("0"),
         "vehicle_operation_yuan": D("100000"), "reception_yuan": D("80000"), "meeting_yuan": None,
         "training_yuan": None, "printed_total_yuan": D("250500")},
        # Shandong: parts as columns; the budget's own year only (its 2023 column is in facts)
        {"document_id": "centre-2024", "three_public_yuan": D("43000"), "three_public_basis": "printed",
         "overseas_yuan": None, "vehicle_yuan": D("18000"), "vehicle_purchase_yuan": None,
         "vehicle_operation_yuan": D("18000"), "reception_yuan": D("25000"), "meeting_yuan": None,
         "training_yuan": None, "printed_total_yuan": D("43000")},
        # Jiangsu: the 合计 includes 会议费 and 培训费; the 三公 sum is the printed 小计
        {"document_id": "dept-2024", "three_public_yuan": D("64000"), "three_public_basis": "printed",
         "overseas_yuan": D("0"), "vehicle_yuan": D("28000"), "vehicle_purchase_yuan": None,
         "vehicle_operation_yuan": D("28000"), "reception_yuan": D("36000"), "meeting_yuan": D("28000"),
         "training_yuan": D("62000"), "printed_total_yuan": D("154000")},
    ]


def test_three_public_sums_the_parts_when_the_sum_is_not_printed(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    doc = s.info("wuxi", "无锡市商务局", "江苏省无锡市/无锡市商务局", 2026, "部门预算")
    s.load(con, doc, [s.fact("three_public", measure, amount, row=1) for measure, amount in [
        ("overseas", "0.00"), ("vehicle_purchase", "0.00"), ("vehicle_operation", "2.80"),
        ("reception", "3.60"), ("meeting", "2.80"), ("training", "10.00")]])
    got = rows(con, "SELECT three_public_yuan, three_public_basis, vehicle_yuan FROM three_public_by_unit")
    assert got == [{"three_public_yuan": D("64000"), "three_public_basis": "sum_of_parts",
                    "vehicle_yuan": D("28000")}]


def test_three_public_reads_the_general_budget_column_and_the_total_row_of_sub_units(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    # Guangzhou: rows of parts under 一般公共预算 (no 合计 column), a 行政经费 row beside them
    guangzhou = s.info("gz", "广州市信访局", "广东省广州市/广州市信访局", 2026, "部门预算")
    s.load(con, guangzhou, [
        s.fact("three_public", measure, amount, row=row, item=item)
        for row, (measure, item, amount) in enumerate([
            ("admin_funds_general_budget", "行政经费", "444.39"),
            ("total_general_budget", "“三公”经费", "4.80"),
            ("overseas_general_budget", "因公出国（境）支出", "0.00"),
            ("vehicle_subtotal_general_budget", "公务用车购置及运行维护支出", "2.50"),
            ("reception_general_budget", "公务接待费支出", "2.30")], start=1)])
    # a 部门预算 printing one row per unit and a 合计 row
    department = s.info("units", "某市某局", "某市/某局", 2026, "部门预算")
    s.load(con, department, [
        s.fact("three_public", "total", "3.00", row=1, item="合计", total=True),
        s.fact("three_public", "reception", "3.00", row=1, item="合计", total=True),
        s.fact("three_public", "total", "1.00", row=2, item="某局本级"),
        s.fact("three_public", "reception", "1.00", row=2, item="某局本级"),
        s.fact("three_public", "total", "2.00", row=3, item="某中心"),
        s.fact("three_public", "reception", "2.00", row=3, item="某中心"),
    ])
    got = rows(con, "SELECT document_id, three_public_yuan, overseas_yuan, vehicle_yuan, reception_yuan "
                    "FROM three_public_by_unit ORDER BY document_id")
    assert got == [
        {"document_id": "gz", "three_public_yuan": D("48000"), "overseas_yuan": D("0"),
         "vehicle_yuan": D("25000"), "reception_yuan": D("23000")},
        {"document_id": "units", "three_public_yuan": D("30000"), "overseas_yuan": None,
         "vehicle_yuan": None, "reception_yuan": D("30000")},
    ]


def test_year_on_year_compares_the_same_unit_and_kind(con):
    centre = rows(con, "SELECT func_code, measure, item, amount_yuan, prior_year_yuan, change_yuan, "
                       "change_percent, prior_document_id FROM year_on_year WHERE unit_key = ? "
                       "AND fiscal_year = 2024 AND table_code = 'expenditure' ORDER BY func_code, measure",
                  [s.CENTRE_KEY])
    assert centre == [
        {"func_code": "208", "measure": "basic", "item": "社会保障和就业支出", "amount_yuan": D("0"),
         "prior_year_yuan": D("20000000"), "change_yuan": D("-20000000"), "change_percent": D("-100.00"),
         "prior_document_id": "centre-2023"},
        {"func_code": "208", "measure": "project", "item": "社会保障和就业支出", "amount_yuan": D("1178000000"),
         "prior_year_yuan": D("1080000000"), "change_yuan": D("98000000"), "change_percent": D("9.07"),
         "prior_document_id": "centre-2023"},
        {"func_code": "208", "measure": "total", "item": "社会保障和就业支出", "amount_yuan": D("1178000000"),
         "prior_year_yuan": D("1100000000"), "change_yuan": D("78000000"), "change_percent": D("7.09"),
         "prior_document_id": "centre-2023"},
        # a code the prior year did not print
        {"func_code": "210", "measure": "basic", "item": "卫生健康支出", "amount_yuan": D("2000000"),
         "prior_year_yuan": None, "change_yuan": None, "change_percent": None,
         "prior_document_id": "centre-2023"},
        {"func_code": "210", "measure": "total", "item": "卫生健康支出", "amount_yuan": D("2000000"),
         "prior_year_yuan": None, "change_yuan": None, "change_percent": None,
         "prior_document_id": "centre-2023"},
    ]
    # one unit across a name change: 500 -> 450 万元
    office = rows(con, "SELECT unit_name, amount_yuan, prior_year_yuan, change_percent FROM year_on_year "
                       "WHERE unit_key = ? AND fiscal_year = 2024 AND measure = 'total'", [s.OFFICE_KEY])
    assert office == [{"unit_name": "中共烟台市委办公室", "amount_yuan": D("4500000"),
                       "prior_year_yuan": D("5000000"), "change_percent": D("-10.00")}]
    # no prior-year budget loaded: prior_document_id says so
    assert con.execute("SELECT DISTINCT prior_document_id FROM year_on_year WHERE unit_key = ?",
                       [s.DEPARTMENT_KEY]).fetchall() == [(None,)]


def test_findings_carry_unit_severity_category_table_page_and_message(con):
    got = rows(con, "SELECT unit_name, fiscal_year, severity, category, table_code, page, check_id, "
                    "expected, actual, unit, message FROM findings")
    assert got == [
        {"unit_name": s.CENTRE, "fiscal_year": 2024, "severity": "warning", "category": "prose",
         "table_code": None, "page": 3, "check_id": "prose.three_public_total", "expected": D("4.30"),
         "actual": D("4.50"), "unit": "万元", "message": "第3页说明“三公”经费4.50万元，与表格4.30万元不符。"},
        {"unit_name": s.CENTRE, "fiscal_year": 2024, "severity": "error", "category": "arithmetic",
         "table_code": "expenditure", "page": 5, "check_id": "hierarchy.类_eq_sum_of_children",
         "expected": D("117800.00"), "actual": D("117800.10"), "unit": "万元",
         "message": "第5页支出总体情况表：208 社会保障和就业支出合计117,800.10万元，不等于其各款之和117,800.00万元。"},
    ]


def test_printed_table_rebuilds_the_table_as_printed(con):
    got = rows(con, "SELECT row_no, item, func_code, is_total, unit, total, basic, project, general_budget "
                    "FROM printed_table('dept-2024', 'expenditure')")
    assert got == [
        {"row_no": 1, "item": "合计", "func_code": None, "is_total": True, "unit": "万元",
         "total": D("121000.25"), "basic": None, "project": None, "general_budget": None},
        {"row_no": 2, "item": "社会保障和就业支出", "func_code": "208", "is_total": False, "unit": "万元",
         "total": D("120800.25"), "basic": D("3000.25"), "project": D("117800.00"), "general_budget": None},
        {"row_no": 3, "item": "人力资源和社会保障管理事务", "func_code": "20801", "is_total": False,
         "unit": "万元", "total": D("3000.25"), "basic": D("3000.25"), "project": None,
         "general_budget": None},
        {"row_no": 4, "item": "卫生健康支出", "func_code": "210", "is_total": False, "unit": "万元",
         "total": D("200.00"), "basic": D("200.00"), "project": None, "general_budget": None},
    ]
    # one column per measure of the vocabulary, then the measures it lacks
    columns = [d[0] for d in con.execute("SELECT * FROM printed_table('dept-2024', 'expenditure')").description]
    measures = [m.code for m in views.measure_labels()]
    assert columns[-len(measures) - 1:] == measures + ["other_measures"]


def test_printed_table_puts_each_year_and_side_on_its_own_row(tmp_path):
    con = warehouse.connect(tmp_path / "budget.duckdb")
    doc = s.info("summary", s.CENTRE, s.CENTRE_KEY, 2024, "单位预算")
    s.load(con, doc, [
        s.fact("summary", "total", "100.00", row=1, item="一般公共服务支出", func="201", side="expenditure"),
        s.fact("summary", "total", "100.00", row=1, item="财政拨款", side="income"),
        s.fact("summary", "brand_new_column", "7.00", row=2, item="收入总计", side="income", total=True),
        s.fact("three_public", "total", "9.90", row=1, year=2023),
        s.fact("three_public", "total", "4.30", row=1),
    ])
    summary = con.execute("SELECT row_no, side, item, total, other_measures FROM printed_table('summary', "
                          "'summary')").fetchall()
    assert summary == [(1, "income", "财政拨款", D("100.00"), None),
                       (1, "expenditure", "一般公共服务支出", D("100.00"), None),
                       (2, "income", "收入总计", None, [{"measure": "brand_new_column", "amount": D("7.00")}])]
    assert con.execute("SELECT fiscal_year, total FROM printed_table('summary', 'three_public')").fetchall() \
        == [(2023, D("9.90")), (2024, D("4.30"))]


def test_budget_execution_sets_the_outturn_beside_the_budget(con):
    got = rows(con, "SELECT scope, func_code, econ_dept_code, is_total, item, budget_yuan, budget_initial_yuan, "
                    "budget_adjusted_yuan, outturn_yuan, difference_yuan, execution_percent, "
                    "adjusted_execution_percent, budget_document_id, final_document_id FROM budget_execution")
    ids = {"budget_document_id": "dept-2024", "final_document_id": "dept-final-2024"}
    assert got == [
        {"scope": "general_budget", "func_code": None, "econ_dept_code": None, "is_total": True, "item": "合计",
         "budget_yuan": D("11002500"), "budget_initial_yuan": D("11002500"),
         "budget_adjusted_yuan": D("11502500"), "outturn_yuan": D("10937500"),
         "difference_yuan": D("-65000"), "execution_percent": D("99.41"),
         "adjusted_execution_percent": D("95.09"), **ids},
        {"scope": "general_budget", "func_code": "208", "econ_dept_code": None, "is_total": False,
         "item": "社会保障和就业支出", "budget_yuan": D("10002500"), "budget_initial_yuan": D("10002500"),
         "budget_adjusted_yuan": D("10502500"), "outturn_yuan": D("9937500"), "difference_yuan": D("-65000"),
         "execution_percent": D("99.35"), "adjusted_execution_percent": D("94.62"), **ids},
        {"scope": "general_budget", "func_code": "210", "econ_dept_code": None, "is_total": False,
         "item": "卫生健康支出", "budget_yuan": D("1000000"), "budget_initial_yuan": D("1000000"),
         "budget_adjusted_yuan": D("1000000"), "outturn_yuan": D("999999.99"),
         "difference_yuan": D("-0.01"), "execution_percent": D("100.00"),
         "adjusted_execution_percent": D("100.00"), **ids},
        # printed only in the final accounts: no budget, no rate
        {"scope": "general_budget", "func_code": "212", "econ_dept_code": None, "is_total": False,
         "item": "城乡社区支出", "budget_yuan": None, "budget_initial_yuan": D("0"),
         "budget_adjusted_yuan": D("0"), "outturn_yuan": D("10"), "difference_yuan": None,
         "execution_percent": None, "adjusted_execution_percent": None, **ids},
        # printed only in the budget: no outturn
        {"scope": "general_budget_basic", "func_code": None, "econ_dept_code": "301", "is_total": False,
         "item": "工资福利支出", "budget_yuan": D("3000000"), "budget_initial_yuan": None,
         "budget_adjusted_yuan": None, "outturn_yuan": None, "difference_yuan": None,
         "execution_percent": None, "adjusted_execution_percent": None, **ids},
        {"scope": "general_budget_basic", "func_code": None, "econ_dept_code": "302", "is_total": False,
         "item": "商品和服务支出", "budget_yuan": None, "budget_initial_yuan": None,
         "budget_adjusted_yuan": None, "outturn_yuan": D("500000"), "difference_yuan": None,
         "execution_percent": None, "adjusted_execution_percent": None, **ids},
    ]
    # the budget's 支出总体情况表 has no 支出决算表 beside it: no all_funds rows
    assert con.execute("SELECT count(*) FROM budget_execution WHERE scope = 'all_funds'").fetchall() == [(0,)]


def test_percent_of_is_exact_and_rounds_half_away_from_zero(con):
    got = con.execute("SELECT percent_of(1, 3), percent_of(-2, 3), percent_of(0.005, 1), "
                      "percent_of(-0.005, 1), percent_of(1, 0), percent_of(NULL, 1), "
                      "percent_of(CAST('123456789012.345678' AS DECIMAL(24,6)), 7)").fetchall()
    assert got == [(D("33.33"), D("-66.67"), D("0.50"), D("-0.50"), None, None, D("1763668414462.08"))]
