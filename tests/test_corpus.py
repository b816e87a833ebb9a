"""The real corpus (../shared/corpus, skipped when absent): every document loads with its
metadata, and the only failing identities are the source defects and rounding differences listed in
docs/source-defects.md (completeness findings are the reader's: tests/test_report.py)."""
from __future__ import annotations

import pytest

from decimal import Decimal

from conftest import ROOT, process
from pipelines.model import DocumentError
from pipelines.review import CHECK_IDS as REVIEW_CHECKS  # asserted in tests/test_review_corpus.py
from test_metadata import CORPUS_METADATA, as_tuple

SOURCE_DEFECTS = ROOT / "docs" / "source-defects.md"
THREE_PUBLIC_RECEPTION = "cross.three_public_reception_eq_econ_30217"
THREE_PUBLIC_VEHICLE = "cross.three_public_vehicle_operation_eq_econ_30231"

# document -> (unit_name, fiscal_year, doc_kind, facts), every corpus document
READ = {
    "bj-sthjj-tables-2026.pdf": ("北京市生态环境局", 2026, "部门预算", 1383),
    "bj-xfb-tables-2026.pdf": ("北京市信访办公室", 2026, "部门预算", 274),
    "cq-kjj-2026.pdf": ("重庆市科学技术局", 2026, "部门预算", 536),
    "cq-slj-2026.pdf": ("重庆市水利局", 2026, "部门预算", 595),
    "fj-fz-mzj-unit-2026.pdf": ("福州市民政局(本级)", 2026, "单位预算", 224),
    "fj-qz-gaj-unit-2026.pdf": ("泉州市公安局（本级）", 2026, "单位预算", 297),
    "gd-fs-gdjt-final-2019.pdf": ("佛山市轨道交通局", 2019, "部门决算", 510),
    "gd-gz-wjw-2026.pdf": ("广州市卫生健康委员会", 2026, "部门预算", 5487),
    "gd-gz-xfj-2026.pdf": ("广州市信访局", 2026, "部门预算", 472),
    "gd-sz-czj-2026.pdf": ("深圳市财政局（本级）", 2026, "部门预算", 1209),
    "gd-sz-ybj-2026.pdf": ("深圳市医疗保障局（本级）", 2026, "部门预算", 961),
    "gd-zh-czj-2026.pdf": ("珠海市政府投资交通市政项目工务中心", 2026, "部门预算", 273),
    "js-jcy-2018-doc.pdf": ("江苏省人民检察院", 2018, "部门预算", 194),
    "js-rd-2019-doc.pdf": ("江苏省人大常委会办公厅", 2019, "部门预算", 0),
    "js-swbgt-2018-tables.pdf": ("中共江苏省委办公厅", 2018, "部门预算", 178),
    "js-sz-sthjj-2026.pdf": ("苏州市生态环境局", 2026, "单位预算", 355),
    "js-wx-swj-2026.pdf": ("无锡市商务局", 2026, "部门预算", 387),
    "js-zx-2019-doc.pdf": ("江苏省政协办公厅", 2019, "部门预算", 0),
    "js-zx-2019-tables.pdf": ("江苏省政协办公厅", 2019, "部门预算", 154),
    "sd-yantai-jyj-2026.pdf": ("烟台市教育局", 2026, "部门预算", 1354),
    "sd-yantai-sfj-2026.pdf": ("烟台市司法局", 2026, "部门预算", 772),
    "sh-ptczj-final-2024.pdf": ("上海市普陀区财政局", 2024, "部门决算", 195),
    "sh-ptqzf-dept-2025.pdf": ("上海市普陀区人民政府办公室", 2025, "部门预算", 221),
    "sh-ptqzf-unit-2025.pdf": ("上海市普陀区人民政府办公室", 2025, "单位预算", 231),
    "sh-shczj-2025.pdf": ("上海市财政局", 2025, "单位预算", 263),
    "sh-wanli-dept-2024.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, "部门预算", 875),
    "sh-welfare-unit-2024.pdf": ("上海市普陀区社会福利院", 2024, "单位预算", 185),
    "sn-xa-gaj-2026.pdf": ("西安市公安局（汇总）", 2026, "部门预算", 1206),
    "sn-xa-qxj-2026.pdf": ("西安市气象局", 2022, "部门预算", 743),
}

# document -> every failed finding but completeness and review: (check_id, location, severity).
# Rounding differences are warnings; errors are the table of docs/source-defects.md.
FINDINGS = {
    "bj-sthjj-tables-2026.pdf": set(),
    "bj-xfb-tables-2026.pdf": set(),
    "cq-kjj-2026.pdf": {
        ("hierarchy.total_eq_sum_of_classes", "general_expenditure p.16 合计 [personnel]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_basic p.22 30301 离休费 [basic]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "income p.11 20805 行政事业单位养老支出 [total]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "income p.11 21011 行政事业单位医疗 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.20 301 工资福利支出 [basic]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.21 302 商品和服务支出 [basic]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_expenditure p.16 206 科学技术支出 [public_operating]", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 206 科学技术支出", "warning"),
    },
    "cq-slj-2026.pdf": {
        (THREE_PUBLIC_VEHICLE, "three_public p.28 row 1", "warning"),
        ("hierarchy.total_eq_sum_of_classes", "expenditure p.18 合计 [basic]", "warning"),
        ("hierarchy.total_eq_sum_of_classes", "general_basic p.24 合计 [basic]", "warning"),
        ("hierarchy.total_eq_sum_of_classes", "general_expenditure p.22 合计 [public_operating]", "warning"),
        ("hierarchy.total_eq_sum_of_classes", "income p.13 合计 [other_income]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "expenditure p.19 21303 水利 [basic]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_basic p.24 30103 奖金 [basic]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_basic p.26 30301 离休费 [basic]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "income p.14 20805 行政事业单位养老支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.24 301 工资福利支出 [personnel]", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_basic p.24 301 工资福利支出", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.23 21303 水利", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.23 2130333 信息管理", "warning"),
        ("row_sum.total_eq_basic_plus_project", "expenditure p.18 2050305 高等职业教育", "warning"),
        ("row_sum.total_eq_basic_plus_project", "expenditure p.19 2130310 水土保持", "warning"),
        ("row_sum.total_eq_basic_plus_project", "expenditure p.20 2130314 防汛", "warning"),
        ("row_sum.total_eq_basic_plus_project", "general_expenditure p.23 2130310 水土保持", "warning"),
        ("row_sum.total_eq_basic_plus_project", "general_expenditure p.23 2130314 防汛", "warning"),
        ("row_sum.total_eq_fiscal_sources", "income p.13 合计", "warning"),
        ("row_sum.total_eq_fiscal_sources", "income p.15 21303 水利", "warning"),
    },
    "fj-fz-mzj-unit-2026.pdf": set(),
    "fj-qz-gaj-unit-2026.pdf": set(),
    "gd-fs-gdjt-final-2019.pdf": {
        ("hierarchy.类_eq_sum_of_children", "final_general_basic p.17 301 工资福利支出 [personnel]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "final_general_basic p.17 302 商品和服务支出 [public_operating]", "warning"),
        ("row_sum.total_eq_sources", "final_income p.8 21401 公路水路运输", "warning"),
        # 收入支出决算总表: 1,668.14 + 0.01 其他收入 / 年末结转和结余 printed as 1,668.14 (表注: 尾差)
        ("balance.current_eq_sum_of_rows", "final_summary p.6 本年收入合计 [total]", "warning"),
        ("balance.total_eq_current_plus_rows", "final_summary p.7 总计 [total]", "warning"),
    },
    "gd-gz-wjw-2026.pdf": {
        (THREE_PUBLIC_VEHICLE, "three_public p.23 公务用车运行维护费", "warning"),
        ("hierarchy.款_eq_sum_of_children", "expenditure p.11 20805 行政事业单位养老支出 [total]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "expenditure p.12 21007 计划生育事务 [total]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "expenditure p.13 22102 住房改革支出 [total]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_expenditure p.16 20805 行政事业单位养老支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "expenditure p.11 208 社会保障和就业支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "expenditure p.12 210 卫生健康支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.19 302 商品和服务支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.20 303 对个人和家庭的补助 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_expenditure p.16 210 卫生健康支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_project p.21 302 商品和服务支出 [total]", "warning"),
        ("row_sum.total_eq_basic_plus_project", "expenditure p.12 2100201 综合医院", "warning"),
        ("row_sum.total_eq_fiscal_sources", "income p.9 合计", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.26 301 工资福利支出", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.27 302 商品和服务支出", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.27 广州市第十二人民医院", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.29 广州医科大学附属第二医院", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.29 广州医科大学附属第四医院（广州市增城区人民医院）", "warning"),
        ("row_sum.total_eq_sources", "basic_expenditure p.30 303 对个人和家庭的补助", "warning"),
    },
    "gd-gz-xfj-2026.pdf": {
        ("hierarchy.款_eq_sum_of_children", "expenditure p.8 20805 行政事业单位养老支出 [total]", "warning"),
    },
    "gd-sz-czj-2026.pdf": {
        ("hierarchy.类_eq_sum_of_children", "basic_expenditure p.24 301 工资福利支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "basic_expenditure p.25 303 对个人和家庭的补助 [total]", "warning"),
    },
    "gd-sz-ybj-2026.pdf": {
        ("hierarchy.类_eq_sum_of_children", "general_expenditure_econ p.29 302 商品和服务支出 [project]", "warning"),
        ("row_sum.total_eq_basic_plus_project", "general_expenditure_econ p.29 302 商品和服务支出", "warning"),
    },
    "gd-zh-czj-2026.pdf": set(),
    "js-jcy-2018-doc.pdf": {
        (THREE_PUBLIC_RECEPTION, "three_public p.19 row 1", "warning"),
    },
    "js-rd-2019-doc.pdf": set(),
    "js-swbgt-2018-tables.pdf": set(),
    "js-sz-sthjj-2026.pdf": set(),
    "js-wx-swj-2026.pdf": set(),
    "js-zx-2019-doc.pdf": set(),
    "js-zx-2019-tables.pdf": set(),
    "sd-yantai-jyj-2026.pdf": {
        (THREE_PUBLIC_RECEPTION, "three_public p.21 row 1", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_expenditure p.16 20502 普通教育 [personnel]", "warning"),
        ("hierarchy.款_eq_sum_of_children", "general_expenditure p.16 20503 职业教育 [personnel]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.18 301/505 工资福利支出 [basic]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "income p.10 205 教育支出 [total]", "warning"),
        ("prose.procurement_total", "prose p.40", "error"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 2050101 行政运行", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 2050204 高中教育", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 20503 职业教育", "warning"),
        ("row_sum.total_eq_sources", "procurement p.38 20502 普通教育", "warning"),
    },
    "sd-yantai-sfj-2026.pdf": {
        (THREE_PUBLIC_VEHICLE, "three_public p.21 row 1", "warning"),
        ("hierarchy.total_eq_sum_of_classes", "income p.9 合计 [total]", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 20406 司法", "warning"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.16 2040801 行政运行", "warning"),
    },
    "sh-ptczj-final-2024.pdf": {
        ("hierarchy.total_eq_sum_of_classes", "final_income p.8 合计 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "final_general_basic p.16 301 工资福利支出 [total]", "warning"),
        ("hierarchy.类_eq_sum_of_children", "final_general_basic p.16 302 商品和服务支出 [total]", "warning"),
        # the 总表 print 208 as 326.71 (so their classes add up to 2,940.05), the detail tables 326.72
        ("cross.final_summary_class_eq_expenditure_table", "final_summary p.6 208 社会保障和就业支出", "warning"),
        ("cross.final_fiscal_summary_class_eq_general", "final_fiscal_summary p.12 208 社会保障和就业支出", "warning"),
        # p.21: 财政拨款收入支出总计0.3万元, where 财政拨款收入支出决算总表 prints 总计 2,961.68
        ("prose.fiscal_income_expenditure_total", "prose p.21", "error"),
    },
    "sh-ptqzf-dept-2025.pdf": {
        (THREE_PUBLIC_RECEPTION, "three_public p.20 row 1", "warning"),
    },
    "sh-ptqzf-unit-2025.pdf": {
        (THREE_PUBLIC_RECEPTION, "three_public p.20 row 1", "warning"),
    },
    "sh-shczj-2025.pdf": {
        (THREE_PUBLIC_RECEPTION, "three_public p.20 row 1", "warning"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.17 302 商品和服务支出 [total]", "warning"),
    },
    "sh-wanli-dept-2024.pdf": set(),
    "sh-welfare-unit-2024.pdf": set(),
    "sn-xa-gaj-2026.pdf": set(),
    "sn-xa-qxj-2026.pdf": {
        ("prose.meeting", "prose p.13", "error"),
        ("prose.three_public_total", "prose p.13", "error"),
        ("row_sum.total_eq_basic_plus_project", "year_comparison p.10 2022", "error"),
    },
}


@pytest.fixture(scope="module")
def validations(corpus_dir):
    """Each pinned document's validation, processed once for the module."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = process(corpus_dir / name)
        return cache[name]
    return get


@pytest.mark.parametrize("name", sorted(READ))
def test_corpus_document(validations, name):
    doc, facts, _, _, validation = validations(name)
    unit, year, kind, fact_count = READ[name]
    assert (doc.info.unit_name, doc.info.fiscal_year, doc.info.doc_kind) == (unit, year, kind)
    assert len(facts) == fact_count
    assert as_tuple(doc.info) == CORPUS_METADATA[name]  # as the ingestion sets it (test_metadata.py)
    # a final account's tables are read as final accounts' tables, a budget's never
    codes = {t.table_code for t in doc.tables if not t.table_code.startswith("unclassified")}
    assert all(code.startswith("final_") == kind.endswith("决算") for code in codes), codes
    assert set(facts.doc_kind) <= {kind}
    failed = validation[~validation.passed & (validation.category != "completeness")
                        & ~validation.check_id.isin(REVIEW_CHECKS)]
    assert set(zip(failed.check_id, failed.location, failed.severity)) == FINDINGS[name]
    # a rounding difference is never an error, and every error is of a source category
    assert (failed[failed.category == "rounding"].severity == "warning").all()
    # every finding names its table, page and unit, in Chinese
    assert failed.page.notna().all()
    # (a table printed without its unit, such as a chart's data, keeps none: not guessed)
    unitless = {t.table_code for t in doc.tables if t.unit is None}
    money = failed[(failed.check_id != "performance.project_name_matches") & ~failed.table_code.isin(unitless)]
    assert money.unit.notna().all()
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in failed.message)
    # every table whose title is printed in the document was extracted
    from pipelines.vocabulary import table_code_for_title
    printed = {table_code_for_title(t).code for t in doc.titles_in_text}
    assert printed <= {t.table_code for t in doc.tables}


def test_an_untitled_score_table_is_named_by_its_header_and_yields_no_money(validations):
    """佛山 轨道交通局 决算 p.29 prints its projects' self-evaluation scores (项目名称 / 自评分数, 96.53 …)
    without a title: named by the 自评分数 header, read, and never loaded as amounts."""
    doc, facts, *_ = validations("gd-fs-gdjt-final-2019.pdf")
    (scores,) = [t for t in doc.tables if t.pages == [29]]
    assert scores.table_code == "final_project_self_evaluation"
    assert [row[0].text for row in scores.rows][:2] == ["质量抽检和试验检测管理", "2019年度聘请专家人员经费"]
    assert not (facts.page == 29).any()


def documented_errors() -> set[tuple[str, str, str]]:
    """(document, check_id, location) rows of the errors table in docs/source-defects.md."""
    text = SOURCE_DEFECTS.read_text(encoding="utf-8")
    section = text.split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in {n.removesuffix(".pdf") for n in FINDINGS}:
            rows.add((cells[0], cells[1], cells[2]))
    return rows


def test_error_findings_are_the_documented_source_defects():
    pinned = {(name.removesuffix(".pdf"), check_id, location)
              for name, findings in FINDINGS.items() for check_id, location, severity in findings
              if severity == "error"}
    assert documented_errors() == pinned
    assert pinned  # the table is read: a test that cannot fail is a defect


def test_one_defect_is_one_finding(validations):
    """The summary's 上级补助收入 is printed below 本年收入合计: the summary balances on its grand
    totals, and the 501/505 blocks of a consolidated department are checked apart."""
    *_, validation = validations("sd-yantai-jyj-2026.pdf")
    balance = validation[validation.check_id == "cross.summary_balances"]
    assert list(balance.passed) == [True] and list(balance.actual) == [Decimal("315441.72")]
    blocks = validation[(validation.check_id == "hierarchy.类_eq_sum_of_children")
                        & validation.location.str.startswith("general_basic p.18 301/50")
                        & validation.location.str.endswith("[basic]")]
    assert sorted(zip(blocks.location, blocks.expected, blocks.passed)) == [
        ("general_basic p.18 301/501 工资福利支出 [basic]", Decimal("1014.57"), True),
        ("general_basic p.18 301/505 工资福利支出 [basic]", Decimal("165157.75"), False)]  # 165,157.74 printed
    defect = validation[~validation.passed & (validation.check_id == "prose.procurement_total")].iloc[0]
    assert defect.message.startswith("第40页正文称政府采购预算0万元")
    assert "公开表12政府采购预算表（第38页）“合计”29,837.96万元" in defect.message


def test_shanghai_units_per_table(corpus_dir):
    _, facts, *_ = process(corpus_dir / "sh-ptqzf-dept-2025.pdf")
    assert set(facts[facts.table_code == "three_public"].unit) == {"万元"}
    assert set(facts[facts.table_code != "three_public"].unit) == {"元"}
    reception = facts[(facts.table_code == "three_public") & (facts.measure == "reception")].iloc[0]
    assert (str(reception.amount), str(reception.amount_yuan)) == ("28.50", "285000.00")


def test_the_dummy_is_not_a_pdf(corpus_dir):
    with pytest.raises(DocumentError, match="is not a PDF"):
        process(corpus_dir / "bad-dummy-17b.pdf")
