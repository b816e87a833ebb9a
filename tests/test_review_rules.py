"""Each review rule (pipelines.review): one planted defect is found at its page, with what is printed
and what it should be; the clean fixture passes every rule (tests/fixtures/review_docs.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fixtures.review_docs import BUDGET_FACTS, BUDGET_TABLES, budget, fact, failing, final, review_rows
from pipelines.review import RULES
from pipelines.review.finding import parse_message


def found(document) -> list[tuple[str, int]]:
    rows = failing(document)
    return sorted(zip(rows.check_id, rows.page.astype(int)))


def only(document, check_id: str, page: int):
    rows = failing(document)
    assert sorted(zip(rows.check_id, rows.page.astype(int))) == [(check_id, page)], rows.message.tolist()
    row = rows.iloc[0]
    return row, parse_message(row.message)


def test_the_clean_budget_passes_every_rule():
    rows = review_rows(budget())
    assert rows.passed.all(), rows[~rows.passed].message.tolist()
    # the claims were checked, not skipped
    checked = rows.groupby("check_id").size()
    assert checked["prose.change_percent"] >= 2 and checked["prose.share_percent"] == 2
    assert checked["prose.prior_year_table"] >= 2
    assert {check for _, check, _, _ in RULES} <= set(rows.check_id)


def test_the_clean_final_account_passes_every_rule():
    rows = review_rows(final())
    assert rows.passed.all(), rows[~rows.passed].message.tolist()
    assert (rows.check_id == "prose.execution_rate").sum() == 2


# ---------------------------------------------------------------- prose arithmetic
def test_a_percentage_off_by_ten():
    row, (why, printed, should) = only(budget({"增长9.09%": "增长0.91%"}), "prose.change_percent", 7)
    assert (printed, should) == ("增长0.91%", "增长9.09%")
    assert "1,100.00万元" in why and row.expected.quantize(Decimal("0.01")) == Decimal("9.09")


def test_a_percentage_against_its_change_direction():
    row, (_, printed, _) = only(budget({"增加100.00万元，增长9.09%": "增加100.00万元，下降9.09%"}),
                                "prose.change_direction", 7)
    assert printed == "增加100.00万元，下降9.09%"


def test_a_change_that_is_not_the_difference_of_the_two_amounts():
    _, (_, printed, should) = only(budget({"比2025年预算数增加100.00万元": "比2025年预算数增加110.00万元"}),
                                   "prose.change_amount", 7)
    assert (printed, should) == ("增加110.00万元", "增加100.00万元")


def test_an_increase_called_a_decrease_against_the_stated_base():
    _, (_, printed, should) = only(budget({"比2025年预算数增加100.00万元": "比2025年预算数减少100.00万元"}),
                                   "prose.change_direction", 7)
    assert (printed, should) == ("减少", "“增加”")


def test_flat_while_the_amounts_differ():
    _, (_, printed, _) = only(budget({"比2025年预算数增加100.00万元": "与2025年预算数持平"}), "prose.flat_claim", 7)
    assert printed == "持平"


def test_a_share_that_does_not_follow_from_its_amounts():
    _, (_, printed, should) = only(budget({"占95.83%": "占59.83%"}), "prose.share_percent", 7)
    assert (printed, should) == ("占59.83%", "占95.83%")


def test_an_execution_rate_off():
    _, (_, printed, should) = only(final({"完成年初预算的98.00%": "完成年初预算的9.80%"}), "prose.execution_rate", 4)
    assert (printed, should) == ("完成年初预算的9.80%", "完成年初预算的98.00%")


def test_a_comparison_word_against_the_amounts():
    _, (_, printed, should) = only(final({"决算数小于预算数": "决算数大于预算数"}), "prose.execution_relation", 4)
    assert (printed, should) == ("决算数大于", "“决算数小于预算数”")


def test_flat_outturn_against_a_different_budget():
    only(final({"支出决算为10.00万元，完成预算的100.00%": "支出决算为8.00万元，完成预算的80.00%"}),
         "prose.execution_relation", 4)


def test_the_same_quantity_stated_twice_with_two_values():
    row, (why, printed, _) = only(budget({"本单位2026年项目支出全面实施绩效目标管理。":
                                          "本单位2026年项目支出全面实施绩效目标管理。\n2026年收入预算1,250.00万元。"}),
                                  "prose.repeated_amount", 8)
    assert printed == "1,250.00万元" and "第7页" in why and row.expected == Decimal("1200.00")


def test_the_prior_year_implied_by_the_prose_against_the_prior_year_column():
    # 40.00 + 12.00 = 52.00, but the 三公 table prints 50.00 for 2025 (and 12/52 = 23.08% is consistent)
    row, (why, _, _) = only(budget({"比上年减少10.00万元，下降20.00%": "比上年减少12.00万元，下降23.08%"}),
                            "prose.prior_year_table", 7)
    assert "50.00万元" in why and row.expected == Decimal("50") and row.actual == Decimal("52")


def test_an_emptied_table_whose_amount_the_prose_states():
    document = budget({"2026年机关运行经费预算30.00万元，用于保障单位日常运转。":
                       "2026年机关运行经费预算30.00万元，用于保障单位日常运转。政府性基金预算支出8.00万元。"})
    only(document, "prose.empty_table_amount", 7)


# ---------------------------------------------------------------- wording
@pytest.mark.parametrize("old, new, printed", [
    ("比上年增加100.00万元，增长9.09%", "比上年增加（减少）100.00万元，增长9.09%", "增加（减少）"),
    ("本单位负责全市测试工作。", "XX局负责全市测试工作。", "XX"),
    ("本单位2026年项目支出", "本单位2026年项目支出（如有）", "（如有）"),
])
def test_template_leftovers(old, new, printed):
    page = 7 if "上年" in old else (3 if "测试工作" in old else 8)
    _, (_, shown, _) = only(budget({old: new}), "presentation.placeholder", page)
    assert shown == printed


def test_a_sentence_that_stops_at_its_reason():
    _, (_, printed, _) = only(budget({"主要原因是严控接待标准。": "主要原因是。"}), "presentation.unfinished_sentence", 7)
    assert printed.endswith("主要原因是。")


def test_a_label_with_only_a_year():
    only(budget({"2026年政府采购预算20.00万元，其中：政府采购服务预算20.00万元。": "（一）政府采购预算：2026年。"}),
         "presentation.unfinished_sentence", 8)


def test_a_paragraph_cut_before_the_next_heading():
    row, _ = only(budget({"主要原因是严控接待标准。": "主要原因是严控接待标准，"}), "presentation.unfinished_sentence", 7)
    assert row.severity == "error"


def test_a_doubled_full_stop():
    _, (_, printed, should) = only(budget({"本单位负责全市测试工作。": "本单位负责全市测试工作。。"}),
                                   "presentation.punctuation", 3)
    assert (printed, should) == ("。。", "“。”")


def test_a_heading_of_another_year():
    _, (_, printed, _) = only(budget({"二、“三公”经费支出情况": "二、2025年“三公”经费支出情况"}),
                              "presentation.heading_year", 7)
    assert printed == "二、2025年“三公”经费支出情况"


def test_an_as_of_date_of_another_year():
    _, (_, printed, _) = only(budget({"截至2025年12月31日": "截至2023年12月31日"}), "presentation.as_of_date", 8)
    assert printed == "截至2023年"


def test_the_document_naming_another_year():
    _, (_, printed, should) = only(budget({"本单位为烟台市测试局所属事业单位。":
                                           "纳入烟台市测试中心2025年单位预算编制范围的单位为本单位。"}),
                                   "presentation.document_year", 3)
    assert (printed, should) == ("2025年单位预算", "“2026年单位预算”")


# ---------------------------------------------------------------- names
def test_a_retired_class_name_in_the_prose_and_in_a_table():
    document = budget({"2026年机关运行经费预算30.00万元，用于保障单位日常运转。":
                       "2026年机关运行经费预算30.00万元，用于保障单位日常运转。“医疗卫生与计划生育支出（类）”30.00万元。"})
    only(document, "presentation.retired_name", 7)
    rows = failing(budget({"一、卫生健康支出": "一、医疗卫生与计划生育支出"}))
    assert list(zip(rows.check_id, rows.page.astype(int), rows.table_code)) == [
        ("presentation.retired_name", 4, "summary")]


def test_a_unit_budget_speaking_as_a_department():
    _, (_, printed, should) = only(budget({"2026年单位预算安排购置车辆0辆": "2026年部门预算安排购置车辆0辆"}),
                                   "presentation.kind_wording", 8)
    assert (printed, should) == ("部门预算安排", "“单位预算安排”")


def test_a_department_budget_may_speak_of_its_units():
    document = budget(kind="部门预算", replace={"2026年单位预算安排购置车辆0辆": "2026年部门预算安排购置车辆0辆"},
                      everywhere={"单位预算": "部门预算"})
    assert found(document) == []


def test_another_unit_named_as_the_owner():
    _, (_, printed, _) = only(budget({"本单位为烟台市测试局所属事业单位。": "烟台市公安局2026年单位预算包括本级预算。"}),
                              "presentation.unit_name", 3)
    assert printed == "烟台市公安局"


# ---------------------------------------------------------------- structure
def test_a_table_the_toc_lists_is_missing():
    _, (_, printed, _) = only(budget({"三、政府性基金预算支出情况表\n": "三、政府性基金预算支出情况表\n四、政府采购预算表\n"}),
                              "presentation.toc_table_missing", 2)
    assert printed == "政府采购预算表"


def test_tables_out_of_the_toc_order():
    document = budget({"一、收支总体情况表\n二、一般公共预算“三公”经费支出情况表\n":
                       "一、一般公共预算“三公”经费支出情况表\n二、收支总体情况表\n"})
    only(document, "presentation.toc_order", 4)


def test_an_empty_table_without_its_note():
    document = budget({"（注：本单位2026年没有使用政府性基金预算拨款安排的支出。）": ""}, notes={})
    row, _ = only(document, "presentation.empty_table_note", 6)
    assert row.table_code == "gov_fund_expenditure"


def test_an_empty_table_explained_in_the_prose():
    document = budget({"（注：本单位2026年没有使用政府性基金预算拨款安排的支出。）": "",
                       "本单位2026年项目支出": "本单位2026年无政府性基金预算支出。本单位2026年项目支出"}, notes={})
    assert found(document) == []


def test_a_section_the_explanation_lacks():
    _, (_, printed, _) = only(budget({"四、政府采购情况\n2026年政府采购预算20.00万元，其中：政府采购服务预算20.00万元。\n":
                                      "四、其他事项\n本单位无其他需要说明的事项。\n"}), "presentation.section_missing", 7)
    assert "政府采购" in printed


def test_a_heading_number_skipped():
    _, (_, printed, _) = only(budget({"三、机关运行经费情况": "四、机关运行经费情况", "四、政府采购情况": "五、政府采购情况",
                                      "五、国有资产占有使用情况": "六、国有资产占有使用情况",
                                      "六、预算绩效管理情况": "七、预算绩效管理情况"}),
                              "presentation.heading_sequence", 7)
    assert printed == "四、机关运行经费情况"


def test_a_repeated_leftover_on_one_page_is_one_finding():
    document = budget({"比上年增加100.00万元，增长9.09%": "比上年增加（减少）100.00万元，增长9.09%",
                       "比2025年预算数增加100.00万元": "比2025年预算数增加（减少）100.00万元"})
    row, (why, _, _) = only(document, "presentation.placeholder", 7)
    assert "本页共2处" in why


def test_facts_of_other_tables_do_not_matter():
    facts = BUDGET_FACTS + [fact("general_expenditure", "total", "1200.00", 2026, 4, func_code="210")]
    assert found(budget(facts=facts, tables=BUDGET_TABLES)) == []


def test_a_budget_balances_so_its_expenditure_is_its_income():
    document = budget({"2026年机关运行经费预算30.00万元，用于保障单位日常运转。":
                       "2026年机关运行经费预算30.00万元，用于保障单位日常运转。\n（一）支出预算：2026年支出预算1,300.00万元。"})
    row, (why, printed, _) = only(document, "prose.repeated_amount", 7)
    assert printed == "1,300.00万元" and "收入预算" in why
    assert found(budget({"2026年机关运行经费预算30.00万元，用于保障单位日常运转。":
                         "2026年机关运行经费预算30.00万元，用于保障单位日常运转。\n（一）支出预算：2026年支出预算1,200.00万元。"})) == []
