"""pipelines.checks on small fact frames: each identity finds a planted defect at its place and
passes a clean table; rows are grouped as the table prints them; rounding differences are
warnings; one defect is one finding."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from pipelines.checks.findings import findings_frame
from pipelines.facts import INTERNAL_COLUMNS
from pipelines.model import FACT_COLUMNS, PROSE_COLUMNS, PerformanceForm
from pipelines.validate import check_facts

D = Decimal
YEAR = 2026


def row(item=None, *, func=None, dept=None, gov=None, project=None, parent=None, is_total=False, **amounts):
    return {"item": item, "func_code": func, "econ_dept_code": dept, "econ_gov_code": gov,
            "project_name": project, "parent": parent, "is_total": is_total, "amounts": amounts}


def table(table_code, rows, *, page=1, unit="万元", side=None, year=YEAR, tree=True):
    """Facts of one printed table: ``rows`` in printed order (row_no 1, 2, …); ``parent`` is the
    row_no of the row's printed parent (left out when ``tree`` is False: no printed tree)."""
    facts = []
    for number, spec in enumerate(rows, start=1):
        for measure, amount in spec["amounts"].items():
            amount = D(amount)
            facts.append({
                "document_id": "doc", "unit_name": "测试单位", "doc_kind": "部门预算", "fiscal_year": year,
                "table_code": table_code, "side": side, "item": spec["item"], "func_code": spec["func_code"],
                "econ_dept_code": spec["econ_dept_code"], "econ_gov_code": spec["econ_gov_code"],
                "project_name": spec["project_name"], "project_category": None, "measure": measure,
                "amount": amount, "unit": unit, "amount_yuan": amount * (10000 if unit == "万元" else 1),
                "is_total": spec["is_total"], "page": page, "row_no": number, "row_path": spec["item"],
                "row_index": number - 1, "ordinal": None, "segment": 0 if side != "expenditure" else 1,
                "parent_row_no": spec["parent"] if tree else None,
            })
    return facts


def frame(*tables) -> pd.DataFrame:
    facts = pd.DataFrame([f for t in tables for f in t], columns=FACT_COLUMNS + INTERNAL_COLUMNS)
    for column in ("fiscal_year", "page", "row_no", "row_index", "parent_row_no"):
        facts[column] = facts[column].astype("Int64")
    facts["is_total"] = facts["is_total"].astype(bool)
    return facts


def validate(facts, prose=None, forms=()) -> pd.DataFrame:
    return findings_frame("doc", check_facts(facts, prose, forms))


def failed(validation) -> pd.DataFrame:
    return validation[~validation.passed]


def at(validation, check_id, location) -> pd.Series:
    rows = validation[(validation.check_id == check_id) & (validation.location == location)]
    assert len(rows) == 1, (check_id, location, validation[["check_id", "location"]].to_string())
    return rows.iloc[0]


# ---------------------------------------------------------------- a general-budget table
def general_expenditure(leaf_basic="60.00", *, page=5):
    """205 教育支出 > 20502 普通教育 > 2050201 学前教育 / 2050202 小学教育, 合计 on top."""
    return table("general_expenditure", [
        row("合计", is_total=True, basic="100.00", personnel="70.00", public_operating="30.00"),
        row("教育支出", func="205", basic="100.00", personnel="70.00", public_operating="30.00"),
        row("普通教育", func="20502", parent=2, basic="100.00", personnel="70.00", public_operating="30.00"),
        row("学前教育", func="2050201", parent=3, basic="40.00", personnel="30.00", public_operating="10.00"),
        row("小学教育", func="2050202", parent=3, basic=leaf_basic, personnel="40.00", public_operating="20.00"),
    ], page=page)


def test_clean_table_passes_every_identity():
    validation = validate(frame(general_expenditure()))
    assert failed(validation).empty
    assert set(validation.check_id) >= {"row_sum.basic_eq_personnel_plus_public", "hierarchy.类_eq_sum_of_children",
                                        "hierarchy.款_eq_sum_of_children", "hierarchy.total_eq_sum_of_classes"}


def test_row_identity_finds_its_row():
    facts = frame(table("general_expenditure", [
        row("行政运行", func="2010101", basic="10.00", personnel="6.00", public_operating="3.00")]))
    finding = at(validate(facts), "row_sum.basic_eq_personnel_plus_public", "general_expenditure p.1 2010101 行政运行")
    assert not finding.passed
    assert (finding.expected, finding.actual, finding.severity, finding.category) == (D("9.00"), D("10.00"), "error",
                                                                                        "arithmetic")
    assert finding.message == ("一般公共预算支出情况表（第1页）“行政运行”（2010101）基本支出10.00万元，"
                               "但人员支出6.00 + 日常公用支出3.00 = 9.00万元，相差1.00万元")


def test_planted_leaf_is_one_finding_at_its_row():
    """2050202 prints 基本支出 66.00 where 人员 + 公用 = 60.00: its row and its 款 break by 6.00."""
    validation = validate(frame(general_expenditure(leaf_basic="66.00")))
    defect = failed(validation)
    assert list(zip(defect.check_id, defect.location)) == [
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.5 2050202 小学教育")]
    assert "同一差异还使以下核对不成立：一般公共预算支出情况表（第5页）“普通教育”（20502）基本支出 = 其明细之和" \
        in defect.message.iloc[0]
    repeat = at(validation, "hierarchy.款_eq_sum_of_children", "general_expenditure p.5 20502 普通教育 [basic]")
    assert repeat.passed and (repeat.expected, repeat.actual) == (D("106.00"), D("100.00"))
    assert "已在该处作为一项发现报告" in repeat.message


def test_parent_that_misses_a_child_line():
    facts = frame(table("general_basic", [
        row("合计", is_total=True, basic="165.95"),
        row("对个人和家庭补助", dept="303", basic="165.95"),
        row("退休费", dept="30302", parent=2, basic="138.52"),
        row("生活补助", dept="30305", parent=2, basic="0.90"),
    ], page=13))
    validation = validate(facts)
    defect = failed(validation)
    assert list(zip(defect.check_id, defect.location)) == [
        ("hierarchy.类_eq_sum_of_children", "general_basic p.13 303 对个人和家庭补助 [basic]")]
    assert defect.message.iloc[0] == ("一般公共预算基本支出情况表（第13页）“对个人和家庭补助”（303）基本支出165.95万元，"
                                      "但其明细30302退休费138.52 + 30305生活补助0.90 = 139.42万元，相差26.53万元")
    assert at(validation, "hierarchy.total_eq_sum_of_classes", "general_basic p.13 合计 [basic]").passed


def consolidated_basic(table_code="general_basic", measure="basic", *, page=18, tree=True, wrong_505_child=None):
    """A consolidated department's economic table: 301 under 501 (机关) and under 505 (事业单位)."""
    child = wrong_505_child or "300.00"
    return table(table_code, [
        row("合计", is_total=True, **{measure: "500.00"}),
        row("工资福利支出", dept="301", gov="501", **{measure: "100.00"}),
        row("基本工资", dept="30101", gov="50101", parent=2, **{measure: "60.00"}),
        row("津贴补贴", dept="30102", gov="50101", parent=2, **{measure: "40.00"}),
        row("工资福利支出", dept="301", gov="505", **{measure: "400.00"}),
        row("基本工资", dept="30101", gov="50501", parent=5, **{measure: child}),
        row("绩效工资", dept="30107", gov="50501", parent=5, **{measure: "100.00"}),
    ], page=page, tree=tree)


@pytest.mark.parametrize("tree", [True, False], ids=["printed tree", "codes and order only"])
def test_consolidated_department_blocks_are_two_parents(tree):
    validation = validate(frame(consolidated_basic(tree=tree)))
    assert failed(validation).empty
    hierarchy = validation[validation.check_id == "hierarchy.类_eq_sum_of_children"]
    assert sorted(hierarchy.expected) == [D("100.00"), D("400.00")]
    assert at(validation, "hierarchy.total_eq_sum_of_classes", "general_basic p.18 合计 [basic]").expected == D("500.00")


def test_consolidated_blocks_pair_across_tables_on_both_codes():
    facts = frame(consolidated_basic(), consolidated_basic("basic_expenditure", "general_budget", page=24))
    validation = validate(facts)
    pairs = validation[validation.check_id == "cross.basic_table_econ_eq_general_basic"]
    assert len(pairs) == 6 and pairs.passed.all()  # 30101|50101 is compared with 30101|50101, not 30101|50501


def test_consolidated_block_defect_is_found_in_its_block():
    facts = frame(consolidated_basic(wrong_505_child="310.00"))
    defect = failed(validate(facts))
    assert list(defect.location) == ["general_basic p.18 301/505 工资福利支出 [basic]"]
    assert defect.expected.iloc[0] == D("410.00") and defect.actual.iloc[0] == D("400.00")
    assert defect.message.iloc[0].startswith("一般公共预算基本支出情况表（第18页）“工资福利支出”（301/505）基本支出400.00万元，"
                                             "但其明细30101基本工资310.00 + 30107绩效工资100.00 = 410.00万元")


# ---------------------------------------------------------------- rounding
def test_difference_within_rounding_is_a_warning():
    facts = frame(table("general_expenditure", [
        row("行政运行", func="2050101", basic="1237.02", personnel="1099.20", public_operating="137.83")]))
    finding = failed(validate(facts)).iloc[0]
    assert (finding.category, finding.severity) == ("rounding", "warning")
    assert finding.message.endswith("相差0.01万元，在所涉各数四舍五入的误差（0.015万元）以内，属尾差")


def test_difference_beyond_rounding_is_an_error():
    facts = frame(table("general_expenditure", [
        row("行政运行", func="2050101", basic="1237.05", personnel="1099.20", public_operating="137.83")]))
    finding = failed(validate(facts)).iloc[0]
    assert (finding.category, finding.severity) == ("arithmetic", "error")


def test_rounding_of_whole_yuan_tables():
    """A table printed in whole 元 rounds each number by up to 0.50 元."""
    facts = frame(table("general_basic", [
        row("商品和服务支出", dept="302", total="24840779"),
        row("办公费", dept="30201", parent=1, total="1000000"),
        row("物业管理费", dept="30209", parent=1, total="23840778"),
    ], unit="元"))
    finding = failed(validate(facts)).iloc[0]
    assert (finding.category, finding.severity, finding.unit) == ("rounding", "warning", "元")
    assert "相差1元" in finding.message and "（1.5元）" in finding.message


def test_one_rounding_difference_in_every_column_of_a_row_is_one_warning():
    facts = frame(table("income", [
        row("合计", is_total=True, total="10.01", general_budget="10.01"),
        row("教育支出", func="205", total="10.00", general_budget="10.00"),
    ]))
    shown = failed(validate(facts))
    assert len(shown) == 1 and shown.category.iloc[0] == "rounding"
    assert "同样的0.01万元尾差也见于" in shown.message.iloc[0]


# ---------------------------------------------------------------- between tables
def summary_and_income(income_total="315441.72"):
    summary = table("summary", [
        row("本年收入合计", is_total=True, total="315235.83"),
        row("上级补助收入", total="205.89"),
        row("收入总计", is_total=True, total="315441.72"),
    ], side="income", page=9) + table("summary", [
        row("本年支出合计", is_total=True, total="315441.72"),
        row("支出总计", is_total=True, total="315441.72"),
    ], side="expenditure", page=9)
    income = table("income", [row("合计", is_total=True, total=income_total)], page=10)
    return frame(summary, income)


def test_summary_compares_its_grand_totals():
    """上级补助收入 printed below 本年收入合计: the summary balances on 收入总计 = 支出总计."""
    validation = validate(summary_and_income())
    assert at(validation, "cross.summary_balances", "summary p.9 支出总计").passed
    assert at(validation, "cross.summary_income_eq_income_table", "summary p.9 收入总计").passed


def test_summary_against_income_table_finds_the_difference():
    validation = validate(summary_and_income(income_total="315000.00"))
    finding = at(validation, "cross.summary_income_eq_income_table", "summary p.9 收入总计")
    assert not finding.passed and finding.category == "cross_table"
    assert finding.message.startswith("收支总体情况表（第9页）收入方“收入总计”315,441.72万元，但收入总体情况表（第10页）")


def three_public_and_econ(reception="3.30"):
    three = table("three_public", [row(None, reception=reception)], page=21)
    econ = table("general_basic", [
        row("合计", is_total=True, basic="3.30"),
        row("商品和服务支出", dept="302", gov="502", basic="2.50"),
        row("公务接待费", dept="30217", gov="50206", parent=2, basic="2.50"),
        row("商品和服务支出", dept="302", gov="505", basic="0.80"),
        row("公务接待费", dept="30217", gov="50502", parent=4, basic="0.80"),
    ], page=19)
    return frame(three, econ)


def test_three_public_reception_sums_every_30217_row():
    finding = at(validate(three_public_and_econ()), "cross.three_public_reception_eq_econ_30217",
                 "three_public p.21 row 1")
    assert finding.passed and finding.expected == D("3.30")


def test_three_public_reception_beyond_the_economic_lines_is_a_warning():
    finding = at(validate(three_public_and_econ(reception="3.50")), "cross.three_public_reception_eq_econ_30217",
                 "three_public p.21 row 1")
    assert not finding.passed and finding.severity == "warning"
    assert "30217各行基本支出之和3.30万元（2.50 + 0.80）" in finding.message


def test_unit_conversion_between_tables():
    """Shanghai prints the 三公 table in 万元 and the economic table in 元."""
    three = table("three_public", [row(None, reception="19.10")], page=20)
    econ = table("general_basic", [row("公务接待费", dept="30217", total="191000")], page=18, unit="元")
    finding = at(validate(frame(three, econ)), "cross.three_public_reception_eq_econ_30217",
                 "three_public p.20 row 1")
    assert finding.passed and finding.unit == "万元"


# ---------------------------------------------------------------- prose and forms
def prose(topic, amount, page=30, sentence="2026年政府采购预算0万元。"):
    return pd.DataFrame([{"document_id": "doc", "topic": topic, "fiscal_year": YEAR, "amount": D(amount),
                          "unit": "万元", "amount_yuan": D(amount) * 10000, "page": page,
                          "sentence": sentence}], columns=PROSE_COLUMNS)


def procurement():
    return frame(table("procurement", [row("合计", is_total=True, total="29837.96")], page=38))


def test_prose_against_its_table():
    finding = at(validate(procurement(), prose("procurement_total", "0")), "prose.procurement_total", "prose p.30")
    assert not finding.passed and (finding.category, finding.severity, finding.page) == ("prose", "error", 30)
    assert finding.message.startswith("第30页正文称政府采购预算0万元（“2026年政府采购预算0万元。”），"
                                      "但政府采购预算表（第38页）“合计”29,837.96万元")
    assert at(validate(procurement(), prose("procurement_total", "29837.96")), "prose.procurement_total",
              "prose p.30").passed


def test_prose_may_round_the_table():
    assert at(validate(procurement(), prose("procurement_total", "29838")), "prose.procurement_total",
              "prose p.30").passed


def test_operating_funds_leave_out_the_institution_blocks():
    """机关运行经费 is the 日常公用支出 of the 机关 blocks: 505 (事业单位) is not part of it."""
    facts = frame(table("general_basic", [
        row("合计", is_total=True, public_operating="666.39"),
        row("商品和服务支出", dept="302", gov="502", public_operating="603.81"),
        row("商品和服务支出", dept="302", gov="505", public_operating="61.86"),
        row("对个人和家庭的补助", dept="303", gov="509", public_operating="0.72"),
    ], page=18))
    finding = at(validate(facts, prose("operating_funds", "604.53", sentence="机关运行经费安排604.53万元。")),
                 "prose.operating_funds", "prose p.30")
    assert finding.passed and finding.expected == D("604.53")


def test_operating_funds_are_not_checked_where_blocks_cannot_be_told_apart():
    facts = frame(table("general_basic", [row("合计", is_total=True, public_operating="10116.70")]))
    validation = validate(facts, prose("operating_funds", "2115.63"))
    assert "prose.operating_funds" not in set(validation.check_id)


def projects():
    return frame(table("project_expenditure", [
        row("合计", is_total=True, total="22.00"),
        row(None, project="实施公车统管费用", total="15.00"),
        row(None, project="实施公车统管费用", total="2.00"),
        row(None, project="实施公车统管费用", total="5.00"),
    ], page=27))


def form(page, funds, name="实施公车统管费用"):
    return PerformanceForm(project_name=name, page=page, total_funds=D(funds), unit="万元")


def test_forms_of_one_project_name_match_their_own_rows():
    validation = validate(projects(), forms=[form(32, "15.00"), form(34, "2.00"), form(37, "5.00")])
    checks = validation[validation.check_id == "performance.funds_eq_project_amount"]
    assert len(checks) == 3 and checks.passed.all()
    assert at(validation, "hierarchy.total_eq_sum_of_rows", "project_expenditure p.27 合计 [total]").passed


def test_form_matching_none_of_its_namesakes_is_reported_once():
    validation = validate(projects(), forms=[form(32, "16.00")])
    finding = at(validation, "performance.funds_eq_project_amount", "performance p.32 实施公车统管费用")
    assert not finding.passed
    assert "印有3个同名项目（15.00万元、2.00万元、5.00万元），没有一个等于该金额" in finding.message


def test_total_row_that_is_not_the_sum_of_its_blocks():
    facts = frame(table("general_basic", [
        row("合计", is_total=True, basic="510.00"),
        row("工资福利支出", dept="301", gov="501", basic="100.00"),
        row("工资福利支出", dept="301", gov="505", basic="400.00"),
    ], page=18))
    defect = failed(validate(facts))
    assert list(zip(defect.check_id, defect.location)) == [
        ("hierarchy.total_eq_sum_of_classes", "general_basic p.18 合计 [basic]")]
    assert defect.message.iloc[0].startswith("一般公共预算基本支出情况表（第18页）“合计”基本支出510.00万元，"
                                             "但其各一级行301工资福利支出100.00 + 301工资福利支出400.00 = 500.00万元")


def test_row_by_row_comparison_finds_the_block_that_differs():
    left = consolidated_basic("basic_expenditure", "general_budget", page=24, wrong_505_child="310.00")
    facts = frame(consolidated_basic(), left)
    validation = validate(facts)
    pair = at(validation, "cross.basic_table_econ_eq_general_basic", "basic_expenditure p.24 30101/50501 基本工资")
    assert not pair.passed and (pair.expected, pair.actual) == (D("300.00"), D("310.00"))
    assert at(validation, "cross.basic_table_econ_eq_general_basic", "basic_expenditure p.24 30101/50101 基本工资").passed


def test_a_defect_reprinted_in_another_table_is_one_finding():
    """The seed's 303: the same missing line in both economic tables and every column."""
    def economic(table_code, measures, page):
        return table(table_code, [
            row("对个人和家庭补助", dept="303", gov="509", **{m: "165.95" for m in measures}),
            row("退休费", dept="30302", gov="50905", parent=1, **{m: "138.52" for m in measures}),
            row("生活补助", dept="30305", gov="50901", parent=1, **{m: "0.90" for m in measures}),
        ], page=page)
    facts = frame(economic("general_basic", ["basic", "personnel"], 13),
                  economic("basic_expenditure", ["total", "general_budget"], 17))
    validation = validate(facts)
    defect = failed(validation)
    assert list(defect.location) == ["general_basic p.13 303/509 对个人和家庭补助 [basic]"]
    assert defect.message.iloc[0].endswith(
        "同一差异还使以下核对不成立：一般公共预算基本支出情况表（第13页）“对个人和家庭补助”（303/509）人员支出 = 其明细之和；"
        "基本支出预算情况表（第17页）“对个人和家庭补助”（303/509）合计 = 其明细之和；"
        "基本支出预算情况表（第17页）“对个人和家庭补助”（303/509）一般公共预算 = 其明细之和（共3项）")
    hierarchy = validation[validation.check_id == "hierarchy.类_eq_sum_of_children"]
    assert len(hierarchy) == 4 and hierarchy.passed.sum() == 3


def test_two_defects_of_one_amount_in_unrelated_rows_stay_two():
    facts = frame(table("general_expenditure", [
        row("行政运行", func="2010101", basic="10.00", personnel="6.00", public_operating="3.00"),
        row("一般行政管理事务", func="2010102", basic="20.00", personnel="16.00", public_operating="3.00"),
    ]))
    assert len(failed(validate(facts))) == 2
