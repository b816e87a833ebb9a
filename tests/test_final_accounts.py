"""Final accounts (决算) on the generated pair (tests/fixtures/final_accounts.py): the clean 单位决算
reads exactly and passes every check; each identity and each prose rule, given one planted
inconsistency, is flagged once, at its page; the final account's 年初预算数 against the budget
document of the same unit and year, and its 比上年 against last year's final account, through a
temporary warehouse."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest

from conftest import SAMPLE_PDF, process
from fixtures.final_accounts import FINAL_TITLES as T, load_pair, render_final
from pipelines import budget_crosscheck, warehouse
from pipelines.crosscheck import _frame
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, VALIDATION_COLUMNS, DocumentInfo, empty_frame
from pipelines.review.prior_year import refresh_prior_year_findings

FINAL_PAGES = {"final_summary": [5], "final_income": [6], "final_expenditure": [7], "final_fiscal_summary": [8, 9],
               "final_general_expenditure": [10], "final_general_basic": [11], "final_three_public": [12],
               "final_gov_fund": [13], "final_state_capital": [14]}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("final") / "final-2024.pdf"
    render_final(path)
    return process(path)


def _failed(validation):
    return validation[~validation.passed]


# ---------------------------------------------------------------- the clean final account
def test_clean_final_account_loads_as_a_final_account(clean):
    doc, facts, _, prose, _ = clean
    info = doc.info
    assert (info.unit_name, info.fiscal_year, info.doc_kind, info.unit_key) == (
        "烟台市社会保险服务中心", 2024, "单位决算", "山东省烟台市社会保险服务中心")
    assert {t.table_code: list(t.pages) for t in doc.tables} == FINAL_PAGES
    assert info.amount_coverage == Decimal("1.0000")
    assert set(facts.doc_kind) == {"单位决算"} and len(facts) == 273


def test_clean_final_account_reads_its_outturn_and_budget_columns(clean):
    _, facts, _, prose, _ = clean

    def amount(table, measure, **where):
        rows = facts[(facts.table_code == table) & (facts.measure == measure)]
        for column, value in where.items():
            rows = rows[rows[column] == value]
        assert len(rows) == 1, (table, measure, where, len(rows))
        return rows.amount.iloc[0]

    general = "final_general_expenditure"
    assert amount(general, "budget_initial", func_code="2080109") == Decimal("2308.90")
    assert amount(general, "total", func_code="2080109") == Decimal("2290.55")
    assert amount(general, "project_budget", func_code="2089999") == Decimal("4203.00")
    assert amount(general, "basic", func_code="2101199") == Decimal("55.00")
    assert amount("final_three_public", "budget_initial") == Decimal("4.30")
    assert amount("final_three_public", "reception") == Decimal("2.10")
    assert amount("final_state_capital", "opening_balance", func_code="223") == Decimal("2.00")
    assert amount("final_state_capital", "closing_balance", func_code="223") == Decimal("7.00")
    assert amount("final_fiscal_summary", "total", side="income", item="年初财政拨款结转和结余") == Decimal("2.00")
    assert amount("final_general_basic", "public_operating", item="公用经费合计") == Decimal("148.85")
    # the budget the prose states is its own topic, never compared with the outturn
    stated = dict(zip(prose.topic, prose.amount))
    assert stated["general_budget_expenditure_budget"] == Decimal("119072.10")
    assert stated["general_budget_expenditure"] == Decimal("118999.50")
    assert stated["three_public_total_budget"] == Decimal("4.30")


def test_clean_final_account_passes_every_check(clean):
    *_, validation = clean
    assert _failed(validation).empty, _failed(validation).message.tolist()
    checked = set(validation.check_id)
    for check_id in EVERY_RULE:
        # the review records one passed row per rule family: 决算数大于/小于预算数 under prose.execution_rate
        assert check_id in checked or check_id == "prose.execution_relation", check_id


# ---------------------------------------------------------------- one planted inconsistency per rule
# (table, row, column, printed text) overrides and (prose text, new text) replacements, grouped so
# that one rendered file carries several independent defects (each with its own difference).
GROUPS = {
    "tables-1": ([
        (T["expenditure"], "2101102", "基本支出", "95.30"),
        (T["income"], "2080109", "其他收入", "3.00"),
        (T["fiscal_summary"], "八、卫生健康支出", "一般公共预算财政拨款", "149.90"),
        (T["three_public"], 0, "决算数/公务接待费", "2.50"),
        (T["general_expenditure"], "2080109", "年初预算数/合计", "2,313.90"),
        (T["state_capital"], "2230199", "项目支出", "244.00"),
        (T["general_basic"], "30113", 2, "189.46"),
        (T["summary"], "年初结转和结余", "收 入/决算数", "3.58"),
        (T["fiscal_summary"], "国有资本经营预算财政拨款", "收 入/决算数", "2.09"),
    ], []),
    "tables-2": ([
        (T["three_public"], 0, "预算数/合计", "4.40"),
        (T["state_capital"], "2230199", "年末结转和结余", "7.30"),
        (T["general_expenditure"], "2080505", "决算数/合计", "214.85"),
        (T["general_expenditure"], "2080505", "决算数/基本支出", "214.85"),
        (T["income"], "合计", "本年收入合计", "119,258.20"),
        (T["summary"], "十七、住房保障支出", "支 出/决算数", "183.06"),
    ], []),
    "tables-3-and-prose": ([
        (T["three_public"], 0, "决算数/公务用车购置及运行费/小计", "1.80"),
        (T["summary"], "八、其他收入", "收 入/决算数", "3.90"),
    ], [
        ("财政拨款收入支出总计119,256.50万元", "财政拨款收入支出总计119,265.50万元"),
        ("人员经费2,180.45万元", "人员经费2,188.45万元"),
        ("年初预算为119,072.10万元", "年初预算为119,083.10万元"),
        ("250.00万元，完成年初预算255.00万元的98.04%", "262.00万元，完成年初预算255.00万元的102.75%"),
        ("本年支出合计119,251.50万元", "本年支出合计119,251.80万元"),
        ("2024年度一般公共预算财政拨款支出118,999.50万元", "2024年度一般公共预算财政拨款支出118,987.50万元"),
        ("完成年初预算的99.94%", "完成年初预算的98.94%"),
        ("决算数大于预算数", "决算数小于预算数"),
        ("增长20.15%", "增长21.15%"),
        ("占1.95%", "占2.95%"),
    ]),
}

# group -> every failed finding: (check_id, location, page, severity); the rule each plants is the
# finding's own or, where one wrong number breaks several identities, one of those its message names
PLANTED = {
    "tables-1": {
        ("row_sum.total_eq_basic_plus_project", "final_expenditure p.7 2101102 事业单位医疗", 7, "error"),
        ("row_sum.total_eq_sources", "final_income p.6 2080109 社会保险经办机构", 6, "error"),
        ("cross.final_fiscal_summary_class_eq_general", "final_fiscal_summary p.8 210 卫生健康支出", 8, "error"),
        ("row_sum.three_public_total_eq_parts", "final_three_public p.12 row 1", 12, "error"),
        ("row_sum.total_eq_basic_plus_project_budget", "final_general_expenditure p.10 2080109 社会保险经办机构",
         10, "error"),
        ("row_sum.current_expenditure_eq_basic_plus_project",
         "final_state_capital p.14 2230199 其他解决历史遗留问题及改革成本支出", 14, "error"),
        ("hierarchy.类_eq_sum_of_children", "final_general_basic p.11 301 工资福利支出 [personnel]", 11, "error"),
        ("balance.total_eq_current_plus_rows", "final_summary p.5 总计 [total]", 5, "error"),
        ("balance.row_eq_its_breakdown", "final_fiscal_summary p.9 年初财政拨款结转和结余 [total]", 9, "error"),
    },
    "tables-2": {
        ("row_sum.three_public_total_eq_parts_budget", "final_three_public p.12 row 1", 12, "error"),
        ("row_sum.closing_eq_opening_plus_income_less_expenditure",
         "final_state_capital p.14 2230199 其他解决历史遗留问题及改革成本支出", 14, "error"),
        ("hierarchy.款_eq_sum_of_children", "final_general_expenditure p.10 20805 行政事业单位养老支出 [total]",
         10, "error"),
        ("row_sum.total_eq_sources", "final_income p.6 合计", 6, "error"),
        ("cross.final_summary_class_eq_expenditure_table", "final_summary p.5 221 住房保障支出", 5, "error"),
    },
    "tables-3-and-prose": {
        ("row_sum.vehicle_eq_purchase_plus_operation", "final_three_public p.12 row 1", 12, "error"),
        ("cross.final_summary_other_income_eq_income_table", "final_summary p.5 其他收入", 5, "error"),
        ("prose.fiscal_income_expenditure_total", "prose p.15", 15, "error"),
        ("prose.personnel_total", "prose p.16", 16, "error"),
        ("prose.general_budget_expenditure_budget", "prose p.15", 15, "error"),
        ("prose.state_capital_expenditure", "prose p.16", 16, "error"),
        ("prose.current_expenditure_total", "prose p.15", 15, "error"),
        ("prose.general_budget_expenditure", "prose p.15", 15, "error"),
        ("prose.execution_rate", None, 15, "error"),
        ("prose.execution_relation", None, 16, "error"),
        ("prose.change_percent", None, 15, "error"),
        ("prose.share_percent", None, 15, "error"),
    },
}

# the rules the planted defects break, beside those reported: each must record its difference
FOLDED = {
    "tables-1": {
        ("hierarchy.款_eq_sum_of_children", "final_expenditure p.7 21011 行政事业单位医疗 [basic]"),
        ("row_sum.total_eq_fiscal_sources", "final_fiscal_summary p.8 210 卫生健康支出"),
        ("balance.current_eq_sum_of_rows", "final_fiscal_summary p.9 本年支出合计 [general_budget]"),
        ("cross.final_three_public_reception_eq_econ_30217", "final_three_public p.12 row 1"),
        ("prose.reception", "prose p.16"),
        ("hierarchy.款_eq_sum_of_children", "final_general_expenditure p.10 20801 人力资源和社会保障管理事务 [budget_initial]"),
        ("hierarchy.款_eq_sum_of_children", "final_state_capital p.14 22301 解决历史遗留问题及改革成本支出 [project]"),
    },
    "tables-2": {
        ("prose.three_public_total_budget", "prose p.16"),
        ("hierarchy.total_eq_sum_of_classes", "final_income p.6 合计 [total]"),
        ("cross.final_summary_income_eq_income_table", "final_summary p.5 本年收入合计"),
        ("balance.current_eq_sum_of_rows", "final_summary p.5 本年支出合计 [total]"),
    },
    "tables-3-and-prose": {
        ("balance.current_eq_sum_of_rows", "final_summary p.5 本年收入合计 [total]"),
        ("prose.vehicle_subtotal", "prose p.16"),
    },
}

EVERY_RULE = sorted({c for group in PLANTED.values() for c, *_ in group}
                    | {c for group in FOLDED.values() for c, _ in group})


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    directory = tmp_path_factory.mktemp("planted")
    cache = {}

    def get(group):
        if group not in cache:
            overrides, prose = GROUPS[group]
            path = directory / f"{group}.pdf"
            render_final(path, overrides, prose)
            cache[group] = process(path)
        return cache[group]
    return get


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_each_planted_inconsistency_is_one_finding_at_its_page(planted, group):
    *_, validation = planted(group)
    failed = _failed(validation)
    found = {(c, None if c.split(".")[1] in REVIEW_ONLY else location, int(page), severity)
             for c, location, page, severity in zip(failed.check_id, failed.location, failed.page, failed.severity)}
    assert found == PLANTED[group]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in failed.message)


REVIEW_ONLY = {"execution_rate", "execution_relation", "change_percent", "share_percent"}


@pytest.mark.parametrize("group", sorted(FOLDED))
def test_identities_a_planted_number_also_breaks_record_it(planted, group):
    *_, validation = planted(group)
    for check_id, location in FOLDED[group]:
        row = validation[(validation.check_id == check_id) & (validation.location == location)]
        assert len(row) == 1, (check_id, location)
        assert bool(row.passed.iloc[0]) and row.expected.iloc[0] != row.actual.iloc[0], (check_id, location)
        assert "已在该处作为一项发现报告" in row.message.iloc[0]


def test_planted_fund_balance_names_its_terms(planted):
    *_, validation = planted("tables-2")
    row = validation[(validation.check_id == "row_sum.closing_eq_opening_plus_income_less_expenditure")
                     & ~validation.passed].iloc[0]
    assert (row.expected, row.actual, row.unit) == (Decimal("7.00"), Decimal("7.30"), "万元")
    assert row.message.startswith("国有资本经营预算财政拨款收入支出决算表（第14页）“其他解决历史遗留问题及改革成本支出”"
                                  "（2230199）年末结转和结余7.30万元，但年初结转和结余2.00 + 本年收入小计255.00 − 本年支出250.00 "
                                  "= 7.00万元，相差0.30万元")


def test_planted_prose_total_names_the_table_cell(planted):
    *_, validation = planted("tables-3-and-prose")
    row = validation[validation.check_id == "prose.fiscal_income_expenditure_total"].iloc[0]
    assert row.message.startswith("第15页正文称财政拨款收入支出总计119,265.50万元")
    assert "但财政拨款收入支出决算总表（第9页）支出方“总计”119,256.50万元，相差9.00万元" in row.message


# ---------------------------------------------------------------- budget against outturn, two documents
def budget_rows(con, document_id):
    return _frame(con, "SELECT * FROM validation_results WHERE document_id = ? AND starts_with(check_id, ?) "
                       "ORDER BY check_id, location", [document_id, "budget_xdoc."])


@pytest.fixture
def con(tmp_path):
    connection = warehouse.connect(tmp_path / "budget.duckdb")
    yield connection
    connection.close()


# every code the final account prints a 年初预算数 for, in the three budget columns, and the 三公 预算数
CLEAN_CHECKS = {"budget_xdoc.general_expenditure": 19, "budget_xdoc.general_expenditure_basic": 14,
                "budget_xdoc.general_expenditure_project": 10, "budget_xdoc.three_public_total": 1,
                "budget_xdoc.three_public_vehicle_subtotal": 1, "budget_xdoc.three_public_vehicle_operation": 1,
                "budget_xdoc.three_public_reception": 1}


@pytest.mark.parametrize("final_first", [False, True], ids=["budget-first", "final-first"])
def test_the_pair_agrees_code_by_code(con, tmp_path, final_first):
    budget_id, final_id = load_pair(con, tmp_path, final_first=final_first)
    kinds = dict(con.execute("SELECT document_id, doc_kind FROM documents").fetchall())
    assert kinds == {budget_id: "单位预算", final_id: "单位决算"}  # neither loads as the other
    assert budget_crosscheck.document_pairs(con) == [(final_id, budget_id)]
    written = budget_crosscheck.refresh_budget_document_findings(con)
    rows = budget_rows(con, final_id)
    assert len(rows) == len(written) == sum(CLEAN_CHECKS.values())
    assert rows.check_id.value_counts().to_dict() == CLEAN_CHECKS
    assert rows.passed.all(), rows.message.tolist()
    assert set(rows.category) == {"cross_document"} and budget_rows(con, budget_id).empty
    row = rows[rows.location.str.startswith("final_general_expenditure p.10 2080109 ")
               & (rows.check_id == "budget_xdoc.general_expenditure")].iloc[0]
    assert (row.expected, row.actual, row.page, row.table_code) == (
        Decimal("2308.90"), Decimal("2308.90"), 10, "final_general_expenditure")
    assert row.location == (f"final_general_expenditure p.10 2080109 社会保险经办机构 (budget document {budget_id} "
                            "general_expenditure p.12 2080109 社会保险经办机构)")
    # refreshing again replaces the rows
    budget_crosscheck.refresh_budget_document_findings(con)
    assert len(budget_rows(con, final_id)) == len(rows)


# 其他社会保障和就业支出: the final account prints its 年初预算数 as 4,230.00 (the budget: 4,203.00), in the
# 项 2089999, its 款 20899, the 类 208 and the 合计, in 合计 and 项目支出 alike: one wrong budget amount,
# consistent within the final account, reported once where it is.
BRANCH = [(T["general_expenditure"], key, column, value)
          for key, total, project in (("2089999", "4,230.00", "4,230.00"), ("20899", "4,230.00", "4,230.00"),
                                      ("208", "118,765.19", "116,756.00"), ("合计", "119,099.10", "116,756.00"))
          for column, value in (("年初预算数/合计", total), ("年初预算数/项目支出", project))]


def test_a_budget_amount_the_final_account_misstates_is_one_finding(con, tmp_path):
    budget_id, final_id = load_pair(con, tmp_path, final_overrides=BRANCH)
    budget_crosscheck.refresh_budget_document_findings(con)
    rows = budget_rows(con, final_id)
    failed = rows[~rows.passed.astype(bool)]
    assert list(zip(failed.check_id, failed.location)) == [(
        "budget_xdoc.general_expenditure",
        f"final_general_expenditure p.10 2089999 其他社会保障和就业支出 (budget document {budget_id} "
        "general_expenditure p.12 2089999 其他社会保障和就业支出)")]
    finding = failed.iloc[0]
    assert (finding.expected, finding.actual, finding.page, finding.severity, finding.category) == (
        Decimal("4203.00"), Decimal("4230.00"), 10, "error", "cross_document")
    assert finding.message.startswith("一般公共预算财政拨款支出决算表（第10页）“其他社会保障和就业支出”（2089999）"
                                      "年初预算数4,230.00万元，但同一单位的2024年单位预算")
    assert "一般公共预算支出情况表（第12页）“其他社会保障和就业支出”（2089999）合计4,203.00万元，相差27.00万元" in finding.message
    # the 款, 类 and 合计 rows and the 项目支出 column carry the same difference: checked, folded into it
    same = rows[rows.message.str.contains("同源") & rows.passed.astype(bool)]
    assert len(same) == 7 and (same.actual - same.expected == Decimal("27.00")).all()
    # within the final account the planted amounts agree with each other; only its prose disagrees
    own = _frame(con, "SELECT check_id FROM validation_results WHERE document_id = ? AND NOT passed "
                      "AND NOT starts_with(check_id, 'budget_xdoc.')", [final_id])
    assert list(own.check_id) == ["prose.general_budget_expenditure_budget"]


def test_only_the_budget_of_the_same_unit_year_and_scope_pairs(con, tmp_path):
    path = tmp_path / "final.pdf"
    render_final(path)
    final = process(path)
    warehouse.load_document(con, final[0].info, *final[1:])
    assert budget_crosscheck.refresh_budget_document_findings(con).empty  # no budget document yet
    budget = process(SAMPLE_PDF)
    for year, kind in ((2023, "单位预算"), (2024, "部门预算")):  # another year; a department's budget
        info = replace(budget[0].info, fiscal_year=year, doc_kind=kind)
        warehouse.load_document(con, info, *(frame.assign(doc_kind=kind) if "doc_kind" in frame else frame
                                             for frame in budget[1:]))
        assert budget_crosscheck.document_pairs(con) == []
        warehouse.forget_document(con, info.document_id)
    warehouse.load_document(con, budget[0].info, *budget[1:])
    assert budget_crosscheck.document_pairs(con) == [(final[0].info.document_id, budget[0].info.document_id)]


# ---------------------------------------------------------------- 比上年: the prior year's final account
def prior_final(document_id: str, outturn: str) -> tuple:
    """A 2023 单位决算 of the same unit whose 三公 决算数 合计 is ``outturn``."""
    unit = "烟台市社会保险服务中心"
    info = DocumentInfo(document_id=document_id, source_path=f"{document_id}.pdf", sha256=document_id * 4,
                        pages=18, unit_name=unit, fiscal_year=2023, doc_kind="单位决算", amount_unit="万元",
                        unit_key="山东省烟台市社会保险服务中心")
    facts = pd.DataFrame([{**{c: None for c in FACT_COLUMNS}, "document_id": document_id, "unit_name": unit,
                           "doc_kind": "单位决算", "fiscal_year": 2023, "table_code": "final_three_public",
                           "measure": "total", "amount": Decimal(outturn), "unit": "万元",
                           "amount_yuan": Decimal(outturn) * 10000, "is_total": False, "page": 12, "row_no": 1}],
                         columns=FACT_COLUMNS)
    return info, facts, None, empty_frame(PROSE_COLUMNS), empty_frame(VALIDATION_COLUMNS)


@pytest.mark.parametrize("outturn, agrees", [("3.30", True), ("3.50", False)])
def test_the_prior_year_comparison_against_last_years_final_account(con, clean, outturn, agrees):
    doc, facts, indicators, prose, validation = clean
    warehouse.load_document(con, doc.info, facts, indicators, prose, validation)
    warehouse.load_document(con, *prior_final("final-2023", outturn))
    refresh_prior_year_findings(con)
    rows = _frame(con, "SELECT * FROM validation_results WHERE document_id = ? AND starts_with(check_id, "
                       "'prior_xdoc.')", [doc.info.document_id])
    # 2024年度“三公”经费财政拨款支出决算为3.70万元，比2023年度增加0.40万元: 2023 was 3.30
    assert list(zip(rows.check_id, rows.passed, rows.page)) == [("prior_xdoc.prose_prior_year", agrees, 16)]
    if not agrees:
        assert "2023年单位决算第12页所列3.50万元不符" in rows.message.iloc[0]


# ---------------------------------------------------------------- budget_execution on the generated pair
def test_budget_execution_of_the_generated_pair(con, tmp_path):
    """The sample 单位预算 and its generated 单位决算, both loaded: the view sets each printed outturn
    beside the printed budget, in 元 (万元 × 10,000), exactly as the two PDFs print them."""
    budget_id, final_id = load_pair(con, tmp_path)
    D = Decimal
    counts = dict(con.execute("SELECT scope, count(*) FROM budget_execution GROUP BY scope").fetchall())
    # the budget prints no 政府性基金 table with amounts: no gov_fund scope
    assert counts == {"all_funds": 22, "general_budget": 19, "general_budget_basic": 22, "state_capital": 4}
    assert con.execute("SELECT DISTINCT unit_name, fiscal_year, budget_document_id, final_document_id "
                       "FROM budget_execution").fetchall() == [("烟台市社会保险服务中心", 2024, budget_id, final_id)]

    def row(scope, where):
        return con.execute(
            "SELECT item, budget_yuan, budget_initial_yuan, outturn_yuan, difference_yuan, execution_percent "
            f"FROM budget_execution WHERE scope = ? AND {where}", [scope]).fetchall()

    # 一般公共预算财政拨款支出决算表 p.10: 年初预算数 2,308.90, 决算数 2,290.55 (the budget's p.12: 2,308.90)
    assert row("general_budget", "func_code = '2080109'") == [
        ("社会保险经办机构", D("23089000"), D("23089000"), D("22905500"), D("-183500"), D("99.21"))]
    assert row("general_budget", "is_total") == [
        ("合计", D("1190721000"), D("1190721000"), D("1189995000"), D("-726000"), D("99.94"))]
    # 其他行政事业单位医疗支出: spent more than budgeted
    assert row("general_budget", "func_code = '2101199'") == [
        ("其他行政事业单位医疗支出", D("536100"), D("536100"), D("550000"), D("13900"), D("102.59"))]
    # 支出决算表 against 支出预算总表: the budget prints 223 but not its 款 and 项
    assert row("all_funds", "func_code = '2080109'") == [
        ("社会保险经办机构", D("23089000"), None, D("22925500"), D("-163500"), D("99.29"))]
    assert row("all_funds", "func_code = '22301'") == [
        ("解决历史遗留问题及改革成本支出", None, None, D("2500000"), None, None)]
    # 基本支出决算表 prints each 经济分类 row under 人员经费 or 公用经费, the budget's prints 合计 too;
    # the budget's rows carry 505 (政府经济分类), the final account's none: compared per 部门经济分类 code
    assert row("general_budget_basic", "econ_dept_code = '301'") == [
        ("工资福利支出", D("20444100"), None, D("20410300"), D("-33800"), D("99.83"))]
    assert row("general_budget_basic", "econ_dept_code = '302'") == [
        ("商品和服务支出", D("1327400"), None, D("1488500"), D("161100"), D("112.14"))]
    # the final account's 人员经费合计 2,180.45 + 公用经费合计 148.85 against the budget's 合计 2,343.10
    assert row("general_budget_basic", "is_total") == [
        ("合计", D("23431000"), None, D("23293000"), D("-138000"), D("99.41"))]
    assert con.execute("SELECT count(*) FROM budget_execution WHERE scope = 'general_budget_basic' "
                       "AND econ_gov_code IS NOT NULL").fetchall() == [(0,)]
    assert row("state_capital", "is_total") == [("合计", D("2550000"), None, D("2500000"), D("-50000"), D("98.04"))]
