"""The performance-target forms of the real corpus (../shared/corpus, skipped when absent).

The indicator rows per document and page were counted by hand on the printed forms (every row of
an indicator grid that prints an indicator; a wrapped indicator's second ruled row is not one), as
were the fund amounts the forms print. Documents that print no form (Guangdong, Shenzhen,
Jiangsu, Shanghai) must yield none.
"""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import process

FORM_TABLES = ("project_performance", "performance_overall", "special_fund_performance", "transfer_performance")
IDENTITY = ["table_code", "side", "func_code", "econ_dept_code", "econ_gov_code", "project_name", "row_path",
            "measure", "fiscal_year"]

# document -> (indicator rows per page, rows per form kind, fund facts)
EXPECTED = {
    "sd-yantai-sfj-2026.pdf": (
        {32: 6, 33: 7, 34: 5, 35: 7, 36: 7, 37: 6, 38: 7, 39: 8, 40: 10, 41: 7}, {"project": 70},
        30),  # 10 forms x 年度预算资金总额 / 财政拨款 / 其他资金
    "fj-fz-mzj-unit-2026.pdf": (
        {28: 6, 29: 6, 30: 6, 31: 7, 32: 9, 33: 6, 34: 6, 35: 6, 36: 7, 37: 6, 38: 7, 39: 7, 40: 8, 41: 7, 42: 6,
         43: 6, 44: 9, 45: 8, 46: 6, 47: 6, 48: 6, 49: 6, 50: 8, 51: 6, 52: 6}, {"project": 167},
        72),  # 25 forms x 3 amounts, p52 reprinting p28 (its indicators kept, its amounts facts once)
    "fj-qz-gaj-unit-2026.pdf": ({26: 6, 27: 6, 28: 6, 29: 6}, {"project": 24}, 12),
    "sn-xa-gaj-2026.pdf": (
        {51: 14, 52: 8, 53: 10, 54: 12, 55: 9, 56: 14, 57: 9, 58: 17, 59: 11, 60: 20, 61: 14, 62: 15, 63: 7,
         64: 19, 65: 17, 66: 14, 67: 9, 68: 15, 69: 12, 70: 12, 71: 12, 72: 15, 73: 14, 74: 13, 75: 25, 76: 19},
        {"project": 312, "overall": 44},
        47),  # 表14-1…18: 36 实施期资金总额 / 财政拨款 + 3 其他资金 (p58, p68, p70) + p62's 其他资金; 表15: 8
    "sn-xa-qxj-2026.pdf": ({31: 32, 32: 32}, {"project": 32, "overall": 32}, 14),  # 2 + 6 task lines x 2
    "bj-xfb-tables-2026.pdf": ({13: 21, 14: 19, 15: 14, 16: 14, 17: 10}, {"project": 68, "overall": 10},
                               22),  # 9 projects x 项目总额 / 财政资金 + 预算支出总额 and 财政拨款 x 3
    "bj-sthjj-tables-2026.pdf": (
        {28: 20, 29: 19, 30: 21, 31: 20, 32: 17, 33: 21, 34: 19, 35: 18, 36: 19, 37: 18, 38: 24, 39: 25, 40: 17,
         41: 20, 42: 22, 43: 27, 44: 20, 45: 20, 46: 22, 47: 22, 48: 14, 49: 17, 50: 12, 51: 13, 52: 17},
        {"project": 454, "overall": 13, "transfer": 17},
        134),  # 61 projects: 125 amounts; 部门整体: 7; 转移支付: 2
    "cq-kjj-2026.pdf": ({26: 8, 27: 6, 28: 6}, {"overall": 8, "special_fund": 6, "project": 6},
                        3),  # 当年预算 / 市级支出 109,703.00 (补助区县 blank); 26,675.34
    "cq-slj-2026.pdf": ({30: 6, 31: 6, 32: 7, 33: 5}, {"overall": 6, "special_fund": 13, "project": 5}, 5),
}
NO_FORMS = ["gd-gz-wjw-2026.pdf", "gd-sz-czj-2026.pdf", "js-sz-sthjj-2026.pdf", "sh-ptqzf-dept-2025.pdf"]


@pytest.fixture(scope="module")
def processed(corpus_dir):
    done: dict[str, tuple] = {}

    def _get(name: str):
        if name not in done:
            done[name] = process(corpus_dir / name)
        return done[name]
    return _get


def _form_facts(facts: pd.DataFrame) -> pd.DataFrame:
    return facts[facts.table_code.isin(FORM_TABLES)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_indicators_per_page_as_printed(processed, name):
    pages, kinds, funds = EXPECTED[name]
    doc, facts, indicators, _, validation = processed(name)
    assert indicators.groupby("page").size().to_dict() == pages
    assert indicators.groupby("form_kind").size().to_dict() == kinds
    assert indicators.project_name.notna().all() and (indicators.project_name != "").all()
    form_facts = _form_facts(facts)
    assert not form_facts.duplicated(IDENTITY).any()
    assert len(form_facts) == funds
    # every number a form page prints is read: no completeness gap and no failed check on form pages
    form_pages = set(indicators.page.astype(int)) | set(form_facts.page.astype(int))
    failed = validation[~validation.passed & validation.page.isin(form_pages)
                        & (validation.check_id.str.startswith(("completeness", "performance"))
                           | validation.location.str.contains("performance"))]
    assert failed.empty, list(failed.message)


def test_chongqing_special_fund_amounts(processed):
    """cq-kjj draws its digits in a font whose glyph boxes sit ~9 pt below the baseline: read once
    pipelines/read/glyphs.py re-seats them (',⏎109703.00' before)."""
    _, facts, indicators, *_ = processed("cq-kjj-2026.pdf")
    funds = _form_facts(facts)
    assert sorted(zip(funds.measure, funds.amount.astype(str))) == [
        ("fiscal_subtotal", "26675.34"), ("municipal_spending", "109703.00"), ("total", "109703.00")]
    assert list(_rows(indicators, page=28).weight) == [20.0, 20.0, 15.0, 20.0, 15.0, 10.0]


@pytest.mark.parametrize("name", NO_FORMS)
def test_documents_without_forms(corpus_dir, name):
    from pipelines.ingest import extract_document
    assert extract_document(corpus_dir / name).performance_forms == []


def _rows(indicators, **where):
    frame = indicators
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


def test_beijing_list_projects(processed):
    _, facts, indicators, *_ = processed("bj-xfb-tables-2026.pdf")
    projects = indicators.groupby(["project_code", "project_name"], sort=False).size().to_dict()
    assert list(projects.items()) == [
        (("11000021Y000000390843", "信息系统运维类项目"), 16), (("11000021Y000000390849", "办公设备购置类项目"), 8),
        (("11000022T000000424331", "财务业务咨询服务"), 7), (("11000022T000000424360", "因公出国（境）经费"), 6),
        (("11000022T000000424449", "接访场所保障费"), 10), (("11000022T000000460665", "信访宣传经费"), 6),
        (("11000023T000002068400", "来信业务工作保障"), 6), (("11000023T000002132772", "机动经费"), 5),
        (("11000024T000002796073", "劳务派遣管理服务费"), 4),
    ]
    # 390849 starts at the foot of p13, where no cell is ruled for its name and amounts
    row = _rows(indicators, level3="空调设备采购成本").iloc[0]
    assert (row.project_name, row.operator, row.target_value, row.target_unit, row.page) == (
        "办公设备购置类项目", "≤", 6.8595, "万元", 14)
    funds = _form_facts(facts)
    b = funds[funds.project_name == "办公设备购置类项目"]
    assert sorted(zip(b.measure, b.amount.astype(str), b.page)) == [
        ("fiscal_subtotal", "29.359500", 13), ("total", "29.359500", 13)]
    overall = _rows(indicators, form_kind="overall")
    assert set(overall.project_name) == {"北京市信访办公室"}
    first = overall.iloc[0]
    assert (first.activity, first.level1, first.level2, first.level3, first.operator, first.target_value) == (
        "信访业务经费", "产出指标", "质量指标", "来信扫描完成率", "=", 100.0)


def test_beijing_overall_and_transfer_funds(processed):
    _, facts, *_ = processed("bj-sthjj-tables-2026.pdf")
    funds = _form_facts(facts)
    overall = funds[funds.table_code == "performance_overall"]
    assert sorted(zip(overall.row_path, overall.measure, overall.amount.astype(str))) == [
        ("其他资金 / 合计", "other_funds", "17529.220586"), ("其他资金 / 基本支出", "other_basic", "5990.748000"),
        ("其他资金 / 项目支出", "other_project", "11538.472586"), ("财政拨款 / 合计", "fiscal_subtotal", "88027.592639"),
        ("财政拨款 / 基本支出", "fiscal_basic", "45057.584994"), ("财政拨款 / 项目支出", "fiscal_project", "42970.007645"),
        ("预算支出总额", "total", "105556.813225")]
    transfer = funds[funds.table_code == "transfer_performance"]
    assert sorted(zip(transfer.project_name, transfer.measure, transfer.amount.astype(str))) == [
        ("节能减排及环境保护专项转移支付--污染防治方向", "municipal_funds", "400000.000000"),
        ("节能减排及环境保护专项转移支付--污染防治方向", "total", "400000.000000")]


def test_xian_levels_as_printed(processed):
    _, _, indicators, *_ = processed("sn-xa-qxj-2026.pdf")
    # 表14: 效益指标 floats in an unruled block below the 经济效益 rows it heads
    row = _rows(indicators, page=31, level3="指标3：特色农业气象服务").iloc[0]
    assert (row.level1, row.level2) == ("效益指标", "经济效益指标")
    # an indicator wrapped onto a ruled row of its own is one indicator
    assert len(_rows(indicators, page=31, level3="指标2：做好抗旱减灾、森林防火及治污减霾工作")) == 1
    # 表15 prints 数量指标 once for its five numbered rows, and no level 2 for the next two groups
    overall = _rows(indicators, page=32)
    assert [None if pd.isna(x) else x for x in overall.level2[:16]] == ["数量指标"] * 5 + [None] * 10 + ["成本指标"]
    assert set(overall.project_name) == {"西安市气象局"}
    _, _, gaj, *_ = processed("sn-xa-gaj-2026.pdf")
    continued = _rows(gaj, page=52)
    assert set(continued.project_name) == {"办公场所租赁"} and list(continued.weight[:2]) == [4.0, 6.0]


def test_fujian_and_yantai_names(processed):
    _, _, indicators, *_ = processed("fj-qz-gaj-unit-2026.pdf")
    # no 项目名称 row: named by the title above the grid (p29's wraps over two lines)
    assert list(indicators.project_name.drop_duplicates()) == [
        "单警装备、公务用车采购等项目建设", "女子看守所保障经费", "公安办案业务经费", "泉州市社会治理现代化智慧调度指挥中心"]
    _, facts, *_ = processed("sd-yantai-sfj-2026.pdf")
    funds = _form_facts(facts)
    same = funds[(funds.project_name == "实施公车统管费用") & (funds.measure == "total")]
    assert sorted(zip(same.row_path, same.amount.astype(str))) == [
        ("山东省烟台市鲁东公证处 / 年度预算资金总额", "5.00"), ("烟台市司法局 / 年度预算资金总额", "15.00"),
        ("烟台市法律援助中心 / 年度预算资金总额", "2.00")]
