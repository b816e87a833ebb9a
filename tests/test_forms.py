"""Performance-target forms of every layout the corpus prints, each in a small generated PDF
(tests/fixtures/forms.py): the exact indicator rows and fund facts a correct reader produces, and
no finding but the ones the forms deserve."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from conftest import process
from fixtures import forms

INDICATOR = ("project_name", "level1", "level2", "level3", "operator", "target_value", "target_unit", "target_text",
             "page", "form_kind", "project_code", "activity", "weight")
FUND = ("table_code", "project_name", "item", "row_path", "measure", "amount", "unit", "page", "row_no", "is_total")
FORM_TABLES = ("project_performance", "performance_overall", "special_fund_performance", "transfer_performance")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """run(layout) -> (doc, facts, indicators, validation), each fixture built and processed once."""
    folder = tmp_path_factory.mktemp("forms")
    done: dict[str, tuple] = {}

    def _run(name: str):
        if name not in done:
            doc, facts, indicators, _, validation = process(forms.ALL_FORMS[name](folder))
            done[name] = (doc, facts, indicators, validation)
        return done[name]
    return _run


def _value(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def indicator_rows(indicators: pd.DataFrame) -> list[tuple]:
    return [tuple(_value(v) for v in row) for row in indicators[list(INDICATOR)].itertuples(index=False)]


def fund_rows(facts: pd.DataFrame) -> list[tuple]:
    funds = facts[facts.table_code.isin(FORM_TABLES)]
    return [tuple(_value(v) for v in row) for row in funds[list(FUND)].itertuples(index=False)]


def form_findings(validation: pd.DataFrame) -> list[tuple]:
    failed = validation[~validation.passed]
    return sorted(zip(failed.check_id, failed.location))


# ----------------------------------------------------------------------------- project forms
XIAN = "办公场所租赁"
SAME = "实施公车统管费用"
QZ = "泉州市测试调度指挥中心"


def test_project_forms_indicators(run):
    _, _, indicators, _ = run("project")
    assert indicator_rows(indicators) == [
        (XIAN, "成本指标", "经济成本", "场地租赁费用标准（元/平方米/月）", "≤", 75.0, None, "≤75", 1, "project", None, None, 2.0),
        (XIAN, "成本指标", "经济成本", "业务用房租赁成本（万元/年）", "≤", 18.5, None, "≤18.5", 1, "project", None, None, 2.0),
        (XIAN, "产出指标", "数量指标", "训练场地租赁（处）", None, 1.0, None, "1", 1, "project", None, None, 4.0),
        # a date is not a target value
        (XIAN, "产出指标", "时效指标", "房屋和场地租赁时间", None, None, None, "2026年全年", 1, "project", None, None, 4.0),
        # the continuation page rules one column fewer and repeats the header
        (XIAN, "效益指标", "社会效益指标", "危爆物品存放安全率（%）", None, 100.0, "%", "100%", 2, "project", None, None, 6.0),
        (XIAN, "效益指标", "可持续影响指标", "提升应急处突能力", None, None, None, "长期", 2, "project", None, None, 6.5),
        (XIAN, "满意度指标", "服务对象满意度指标", "民警满意度（%）", "≥", 90.0, "%", "≥90%", 2, "project", None, None, 10.0),
        (SAME, "成本指标", "经济成本", "总支出不超过", "≤", 15.0, "万元", "≤15.00万元", 3, "project", None, None, None),
        (SAME, "产出指标", "数量指标", "用车次数", "≥", 150.0, "次", "≥150次", 3, "project", None, None, None),
        (SAME, "成本指标", "经济成本", "总支出不超过", "≤", 2.0, "万元", "≤2.00万元", 4, "project", None, None, None),
        (SAME, "产出指标", "数量指标", "用车次数", "≥", 150.0, "次", "≥150次", 4, "project", None, None, None),
        # no 项目名称 row: the project is named by its title, wrapped over two lines
        (QZ, "成本指标", "经济成本指标", "成本使用率", "=", 100.0, "%", "=100%", 5, "project", None, None, None),
        (QZ, "产出指标", "质量指标", "系统功能实现率", "≥", 100.0, "%", "≥100%", 5, "project", None, None, None),
        (QZ, "效益指标", "社会效益指标", "完善社会治安防控体系", "=", None, None, "=明显提高", 5, "project", None, None,
         None),
        # the same form printed again keeps its indicators
        (QZ, "成本指标", "经济成本指标", "成本使用率", "=", 100.0, "%", "=100%", 6, "project", None, None, None),
        (QZ, "产出指标", "质量指标", "系统功能实现率", "≥", 100.0, "%", "≥100%", 6, "project", None, None, None),
        (QZ, "效益指标", "社会效益指标", "完善社会治安防控体系", "=", None, None, "=明显提高", 6, "project", None, None,
         None),
    ]


def test_project_forms_funds(run):
    doc, facts, _, validation = run("project")
    assert fund_rows(facts) == [
        ("project_performance", XIAN, "实施期资金总额", "实施期资金总额", "total", "3361.96", "万元", 1, 1, False),
        ("project_performance", XIAN, "财政拨款", "财政拨款", "fiscal_subtotal", "3361.96", "万元", 1, 1, False),
        # one project name, two 实施单位: row_path keeps the facts apart
        ("project_performance", SAME, "年度预算资金总额", "甲单位 / 年度预算资金总额", "total", "15.00", "万元", 3, 1, False),
        ("project_performance", SAME, "财政拨款", "甲单位 / 财政拨款", "fiscal_subtotal", "15.00", "万元", 3, 1, False),
        ("project_performance", SAME, "其他资金", "甲单位 / 其他资金", "other_funds", "0.00", "万元", 3, 1, False),
        ("project_performance", SAME, "年度预算资金总额", "乙单位 / 年度预算资金总额", "total", "2.00", "万元", 4, 1, False),
        ("project_performance", SAME, "财政拨款", "乙单位 / 财政拨款", "fiscal_subtotal", "2.00", "万元", 4, 1, False),
        ("project_performance", SAME, "其他资金", "乙单位 / 其他资金", "other_funds", "0.00", "万元", 4, 1, False),
        # the reprint on page 6 yields no second set of facts
        ("project_performance", QZ, "资金总额", "资金总额", "total", "237.50", "万元", 5, 1, False),
        ("project_performance", QZ, "财政拨款", "财政拨款", "fiscal_subtotal", "237.50", "万元", 5, 1, False),
        ("project_performance", QZ, "其他资金", "其他资金", "other_funds", "0.00", "万元", 5, 1, False),
    ]
    assert [f.reprint_of for f in doc.performance_forms] == [None, None, None, None, 5]
    assert doc.performance_forms[1].fields == {"主管部门": "测试局", "实施单位": "甲单位"}
    # 资金总额 = 财政拨款 + 其他资金 was checked on every form, and holds; every printed amount is read
    checked = validation[validation.check_id == "row_sum.total_eq_sources"]
    assert len(checked) == 4 and checked.passed.all()
    assert form_findings(validation) == []
    assert doc.info.amount_coverage == Decimal("1.0000")


# ----------------------------------------------------------------------------- a list of projects
A = ("信息系统运维类项目", "11000021Y000000390843")
B = ("办公设备购置类项目", "11000021Y000000390849")
C = ("财务业务咨询服务", "11000022T000000424331")


def test_list_form_indicators(run):
    _, _, indicators, _ = run("list")

    def row(project, page, level1, level2, level3, operator, value, unit, text):
        return (project[0], level1, level2, level3, operator, value, unit, text, page, "project", project[1], None,
                None)
    assert indicator_rows(indicators) == [
        row(A, 1, "产出指标", "时效指标", "故障应急响应时间", "≤", 5.0, "分钟", "5"),
        row(A, 1, "产出指标", "质量指标", "系统故障修复率", "≥", 99.0, "%", "99"),
        row(A, 1, "成本指标", "经济成本指标", "招标预算成本控制", "≤", 536.56308, "万元", "536.56308"),
        # B's cells run off page 1: its name is read where it is printed, outside any ruled cell
        row(B, 1, "效益指标", "社会效益指标", "设备利用率", "≥", 100.0, "%", "100"),
        row(B, 1, "产出指标", "时效指标", "支出进度指标", None, None, None, "有"),
        # page 2 has no header and no spacer column; B goes on
        row(B, 2, "产出指标", "数量指标", "采购数量", "≥", 18.0, "台/套", "18"),
        row(B, 2, "满意度指标", "服务对象满意度指标", "使用人员满意度", "≥", 100.0, "%", "100"),
        row(C, 2, "产出指标", "数量指标", "审计报告", "=", 1.0, "份", "1"),
        row(C, 2, "效益指标", "经济效益指标", "提高资金使用效益", None, None, None, "优"),
        row(C, 2, "满意度指标", "服务对象满意度指标", "报告使用对象满意度", "≥", 95.0, "%", "95"),
    ]


def test_list_form_funds(run):
    doc, facts, _, validation = run("list")
    assert fund_rows(facts) == [
        ("project_performance", A[0], "项目总额", "项目总额", "total", "689.157460", "万元", 1, 1, False),
        ("project_performance", A[0], "财政资金", "财政资金", "fiscal_subtotal", "689.157460", "万元", 1, 1, False),
        ("project_performance", B[0], "项目总额", "项目总额", "total", "29.359500", "万元", 1, 2, False),
        ("project_performance", B[0], "财政资金", "财政资金", "fiscal_subtotal", "29.359500", "万元", 1, 2, False),
        ("project_performance", C[0], "项目总额", "项目总额", "total", "22.200000", "万元", 2, 3, False),
        ("project_performance", C[0], "财政资金", "财政资金", "fiscal_subtotal", "20.200000", "万元", 2, 3, False),
        ("project_performance", C[0], "其他资金", "其他资金", "other_funds", "2.000000", "万元", 2, 3, False),
    ]
    assert form_findings(validation) == []
    assert doc.info.amount_coverage == Decimal("1.0000")


# ----------------------------------------------------------------------------- 部门整体 forms
def test_overall_forms_indicators(run):
    _, _, indicators, _ = run("overall")
    bj, xa = "测试局", "测试气象局"

    def row(name, page, level1, level2, level3, operator, value, unit, text, activity=None):
        return (name, level1, level2, level3, operator, value, unit, text, page, "overall", None, activity, None)
    assert indicator_rows(indicators) == [
        # 一级 + 二级 + 三级 printed in one cell
        row(bj, 1, "产出指标", "质量指标", "来信扫描完成率", "=", 100.0, "%", "100", "信访业务经费"),
        row(bj, 1, "效益指标", "经济效益指标", "提高部门预算资金使用效率", None, None, None, "优", "信访业务经费"),
        row(bj, 1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", 90.0, "%", "90", "系统建设"),
        # 数量指标 printed once, in the middle of its numbered group
        row(xa, 2, "产出指标", "数量指标", "指标1：区域站运行正常", "≥", 95.0, "%", "≥95%"),
        row(xa, 2, "产出指标", "数量指标", "指标2：作业次数", None, 12.0, "次/年", "12次/年"),
        row(xa, 2, "产出指标", "数量指标", "指标3：预警信息发布", ">", 3.0, "万条/年", ">3万条/年"),
        # a group whose level 2 is not printed at all
        row(xa, 2, "产出指标", None, "指标1：作业效果", None, None, None, "增加降水量≥10%"),
        # an indicator wrapped onto a second grid row
        row(xa, 2, "产出指标", "成本指标", "指标1：增雨作业飞机租赁", None, 140.0, "万元/年", "140万元/年"),
        row(xa, 2, "产出指标", "成本指标", "指标2：防雷安全监管", None, 30.0, "万元/年", "30万元/年"),
        # 效益指标 floats in an unruled block: it heads the level-2 names that belong to it
        row(xa, 2, "效益指标", "经济效益指标", "指标1：减轻灾害损失", None, None, None, "保护生命财产安全"),
        row(xa, 2, "效益指标", "经济效益指标", "指标2：特色农业气象服务", None, None, None, "促进农业增产"),
        row(xa, 2, "效益指标", "社会效益指标", "指标1：城市安全运行", None, None, None, "影响逐步降低"),
        row(xa, 2, "满意度指标", "服务对象满意度指标", "指标1：公共气象服务满意度", None, None, None, "满意度≥92%"),
    ]


def test_overall_forms_funds(run):
    doc, facts, _, validation = run("overall")
    bj, xa, task = "测试局", "测试气象局", "国突预警发布及十四运气象服务保障"

    def row(name, page, item, path, measure, amount, line, total=False, code="performance_overall"):
        return (code, name, item, path, measure, amount, "万元", page, line, total)
    assert fund_rows(facts) == [
        row(bj, 1, "预算支出总额", "预算支出总额", "total", "1100.500000", 1),
        row(bj, 1, "财政拨款", "财政拨款 / 合计", "fiscal_subtotal", "1000.500000", 1),
        row(bj, 1, "财政拨款", "财政拨款 / 基本支出", "fiscal_basic", "800.250000", 1),
        row(bj, 1, "财政拨款", "财政拨款 / 项目支出", "fiscal_project", "200.250000", 1),
        row(bj, 1, "其他资金", "其他资金 / 合计", "other_funds", "100.000000", 1),
        row(bj, 1, "其他资金", "其他资金 / 基本支出", "other_basic", "60.000000", 1),
        row(bj, 1, "其他资金", "其他资金 / 项目支出", "other_project", "40.000000", 1),
        # a 年度主要任务 budget: one line per task, a task name wrapped onto a second row
        row(xa, 2, "基本履职", "基本履职", "total", "508.61", 1),
        row(xa, 2, "基本履职", "基本履职", "fiscal_subtotal", "508.61", 1),
        row(xa, 2, task, task, "total", "94.25", 2),
        row(xa, 2, task, task, "fiscal_subtotal", "90.25", 2),
        row(xa, 2, task, task, "other_funds", "4.00", 2),
        row(xa, 2, "金额合计", "金额合计", "total", "602.86", 3, True),
        row(xa, 2, "金额合计", "金额合计", "fiscal_subtotal", "598.86", 3, True),
        row(xa, 2, "金额合计", "金额合计", "other_funds", "4.00", 3, True),
    ]
    # 预算支出总额 = 财政拨款 + 其他资金, each = its 基本支出 + 项目支出, a task's 总额 = 财政拨款 + 其他资金
    checked = validation[validation.location.str.startswith("performance_overall")]
    assert sorted(checked.check_id) == ["row_sum.fiscal_subtotal_eq_basic_plus_project",
                                        "row_sum.other_funds_eq_basic_plus_project"] + ["row_sum.total_eq_sources"] * 4
    assert checked.passed.all()
    assert form_findings(validation) == []
    assert doc.info.amount_coverage == Decimal("1.0000")


# ----------------------------------------------------------------------------- 重庆
def test_chongqing_forms(run):
    doc, facts, indicators, validation = run("chongqing")
    unit, fund, project = "测试水利局", "水库移民后期扶持", "水利行业业务经费"

    def row(name, page, kind, level3, operator, value, unit_, text, weight):
        return (name, None, None, level3, operator, value, unit_, text, page, kind, None, None, weight)
    assert indicator_rows(indicators) == [
        row(unit, 1, "overall", "续建大中型水库", "≥", 27.0, "座", "27", 20.0),
        row(unit, 1, "overall", "自来水普及率", "≥", 92.2, "%", "92.2", 15.0),
        row(unit, 1, "overall", "年度预算执行率", "=", 100.0, "%", "100", 10.0),
        row(fund, 2, "special_fund", "完工项目验收率", "≥", 90.0, "%", "90", 20.0),
        row(fund, 2, "special_fund", "实施项目数量", "≥", 86.0, "个数", "86", 20.0),
        row(project, 3, "project", "水质检验对象数量", "≥", 3060.0, "个次", "3060", 10.0),
        row(project, 3, "project", "发布重要水情专报", "≥", 50.0, "次数", "50", 40.0),
        row("水文业务经费", 3, "project", "水文资料整编准确率", "≥", 95.0, "%", "95", 50.0),
    ]
    code = "special_fund_performance"
    assert fund_rows(facts) == [
        (code, fund, "当年预算", "当年预算", "total", "12700.00", "万元", 2, 1, False),
        (code, fund, "市级支出", "市级支出", "municipal_spending", "700.00", "万元", 2, 1, False),
        (code, fund, "补助区县", "补助区县", "county_subsidy", "12000.00", "万元", 2, 1, False),
        ("project_performance", project, "当年财政拨款预算金额", "当年财政拨款预算金额", "fiscal_subtotal", "14299.16",
         "万元", 3, 1, False),
        ("project_performance", "水文业务经费", "当年财政拨款预算金额", "当年财政拨款预算金额", "fiscal_subtotal",
         "1000.00", "万元", 3, 2, False),
    ]
    # 当年预算 = 市级支出 + 补助区县
    checked = validation[validation.check_id == "row_sum.total_eq_spending_levels"]
    assert len(checked) == 1 and checked.passed.all()
    assert form_findings(validation) == []
    assert doc.info.amount_coverage == Decimal("1.0000")


def test_transfer_form(run):
    doc, facts, indicators, validation = run("transfer")
    name = "节能减排专项转移支付--污染防治方向"

    def row(level1, level2, level3, operator, value, unit, text):
        return (name, level1, level2, level3, operator, value, unit, text, 1, "transfer", None, None, None)
    assert indicator_rows(indicators) == [
        row("产出指标", "数量指标", "优良天数比率", None, None, None, "完成国家下达的目标要求"),
        row("产出指标", "数量指标", "受污染耕地安全利用率", "≥", 95.0, "%", "≥95%"),
        row("产出指标", "成本指标", "市级低谷电价补贴", None, 0.1, "元/度", "0.1元/度"),
        row("满意度指标", "服务对象满意度指标", "公众满意度", "≥", 85.0, "%", "≥85%"),
    ]
    code = "transfer_performance"
    assert fund_rows(facts) == [
        (code, name, "年度金额", "年度金额", "total", "400000.000000", "万元", 1, 1, False),
        (code, name, "中央财政资金", "中央财政资金", "central_funds", "100000.000000", "万元", 1, 1, False),
        (code, name, "市级财政资金", "市级财政资金", "municipal_funds", "300000.000000", "万元", 1, 1, False),
    ]
    assert doc.performance_forms[0].fields == {"市级主管部门": "测试局"}
    checked = validation[validation.check_id == "row_sum.total_eq_fund_levels"]
    assert len(checked) == 1 and checked.passed.all()
    assert form_findings(validation) == []
