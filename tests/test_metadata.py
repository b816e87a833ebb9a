"""Document metadata as printed (pipelines.read.metadata) and units over time (pipelines.units):
unit, supervisor, fiscal year, kind, region and unit_key of every corpus document and the sample,
and the rules on text built to break them."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS, SAMPLE_PDF
from pipelines.model import Cell, ExtractedTable, PerformanceForm
from pipelines.read.metadata import printed_year, read_metadata
from pipelines.units import region_of, unit_key

# document -> (unit_name, supervisor, fiscal_year, doc_kind, region, unit_key)
CORPUS_METADATA = {
    "bj-sthjj-tables-2026.pdf": ("北京市生态环境局", None, 2026, "部门预算", "北京市", "北京市生态环境局"),
    "bj-xfb-tables-2026.pdf": ("北京市信访办公室", None, 2026, "部门预算", "北京市", "北京市信访办公室"),
    "cq-kjj-2026.pdf": ("重庆市科学技术局", None, 2026, "部门预算", "重庆市", "重庆市科学技术局"),
    "cq-slj-2026.pdf": ("重庆市水利局", None, 2026, "部门预算", "重庆市", "重庆市水利局"),
    # a 单位预算 of the bureau's own unit: its forms name the department it belongs to
    "fj-fz-mzj-unit-2026.pdf": ("福州市民政局(本级)", "福州市民政局", 2026, "单位预算", "福建省福州市",
                                "福建省福州市民政局"),
    "fj-qz-gaj-unit-2026.pdf": ("泉州市公安局（本级）", None, 2026, "单位预算", "福建省泉州市",
                                "福建省泉州市公安局"),
    "gd-fs-gdjt-final-2019.pdf": ("佛山市轨道交通局", None, 2019, "部门决算", "广东省佛山市",
                                  "广东省佛山市轨道交通局"),
    "gd-gz-wjw-2026.pdf": ("广州市卫生健康委员会", None, 2026, "部门预算", "广东省广州市",
                           "广东省广州市卫生健康委员会"),
    "gd-gz-xfj-2026.pdf": ("广州市信访局", None, 2026, "部门预算", "广东省广州市", "广东省广州市信访局"),
    "gd-sz-czj-2026.pdf": ("深圳市财政局（本级）", None, 2026, "部门预算", "广东省深圳市", "广东省深圳市财政局"),
    "gd-sz-ybj-2026.pdf": ("深圳市医疗保障局（本级）", None, 2026, "部门预算", "广东省深圳市",
                           "广东省深圳市医疗保障局"),
    "gd-zh-czj-2026.pdf": ("珠海市政府投资交通市政项目工务中心", None, 2026, "部门预算", "广东省珠海市",
                           "广东省珠海市政府投资交通市政项目工务中心"),
    "js-jcy-2018-doc.pdf": ("江苏省人民检察院", None, 2018, "部门预算", "江苏省", "江苏省检察院"),
    "js-rd-2019-doc.pdf": ("江苏省人大常委会办公厅", None, 2019, "部门预算", "江苏省", "江苏省人大常委会办公厅"),
    "js-swbgt-2018-tables.pdf": ("中共江苏省委办公厅", None, 2018, "部门预算", "江苏省", "江苏省委办公厅"),
    "js-sz-sthjj-2026.pdf": ("苏州市生态环境局", None, 2026, "单位预算", "江苏省苏州市", "江苏省苏州市生态环境局"),
    "js-wx-swj-2026.pdf": ("无锡市商务局", None, 2026, "部门预算", "江苏省无锡市", "江苏省无锡市商务局"),
    "js-zx-2019-doc.pdf": ("江苏省政协办公厅", None, 2019, "部门预算", "江苏省", "江苏省政协办公厅"),
    "js-zx-2019-tables.pdf": ("江苏省政协办公厅", None, 2019, "部门预算", "江苏省", "江苏省政协办公厅"),
    "sd-yantai-jyj-2026.pdf": ("烟台市教育局", None, 2026, "部门预算", "山东省烟台市", "山东省烟台市教育局"),
    "sd-yantai-sfj-2026.pdf": ("烟台市司法局", None, 2026, "部门预算", "山东省烟台市", "山东省烟台市司法局"),
    "sh-ptczj-final-2024.pdf": ("上海市普陀区财政局", None, 2024, "部门决算", "上海市普陀区", "上海市普陀区财政局"),
    "sh-ptqzf-dept-2025.pdf": ("上海市普陀区人民政府办公室", None, 2025, "部门预算", "上海市普陀区",
                               "上海市普陀区政府办公室"),
    "sh-ptqzf-unit-2025.pdf": ("上海市普陀区人民政府办公室", None, 2025, "单位预算", "上海市普陀区",
                               "上海市普陀区政府办公室"),
    "sh-shczj-2025.pdf": ("上海市财政局", None, 2025, "单位预算", "上海市", "上海市财政局"),
    "sh-wanli-dept-2024.pdf": ("上海市普陀区人民政府万里街道办事处", None, 2024, "部门预算", "上海市普陀区",
                               "上海市普陀区政府万里街道办事处"),
    "sh-welfare-unit-2024.pdf": ("上海市普陀区社会福利院", None, 2024, "单位预算", "上海市普陀区",
                                 "上海市普陀区社会福利院"),
    "sn-xa-gaj-2026.pdf": ("西安市公安局（汇总）", None, 2026, "部门预算", "陕西省西安市", "陕西省西安市公安局"),
    # the file is named 2026 but the document is the 2022 budget
    "sn-xa-qxj-2026.pdf": ("西安市气象局", None, 2022, "部门预算", "陕西省西安市", "陕西省西安市气象局"),
}
SAMPLE_METADATA = ("烟台市社会保险服务中心", "烟台市人力资源和社会保障局", 2024, "单位预算", "山东省烟台市",
                   "山东省烟台市社会保险服务中心")


def as_tuple(info) -> tuple:
    return (info.unit_name, info.supervisor, info.fiscal_year, info.doc_kind, info.region, info.unit_key)


def test_every_corpus_document_is_pinned():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not present beside the checkout")
    pdfs = {p.name for p in CORPUS.glob("*.pdf") if not p.name.startswith("bad-")}
    assert pdfs == set(CORPUS_METADATA)


def metadata_of(path: Path):
    """read_metadata on a corpus document's real inputs: every page's text, and the forms and tables
    of the pages that print a 主管部门 label (the only thing read from forms). The whole ingestion
    path is pinned by test_corpus.py and the sample test below; this keeps the corpus test fast."""
    from pipelines.model import DocumentInfo
    from pipelines.read.pages import read_pages
    from pipelines.read.stitch import assemble
    from pipelines.triage import triage_pdf

    triage = triage_pdf(path, unicode_sample_pages=0)
    _, reads = read_pages(path, [i + 1 for i, text in enumerate(triage.page_texts) if "主管部门" in text])
    doc = assemble(DocumentInfo("test", str(path), "", triage.page_count), reads)
    return read_metadata(triage.page_texts, doc.tables, doc.performance_forms)


@pytest.mark.parametrize("name", sorted(CORPUS_METADATA))
def test_corpus_metadata(corpus_dir, name):
    assert as_tuple(metadata_of(corpus_dir / name)) == CORPUS_METADATA[name]


def test_sample_metadata(processed_sample):
    doc = processed_sample[0]
    assert as_tuple(doc.info) == SAMPLE_METADATA


@pytest.mark.parametrize("name, year", [("sh-ptczj-final-2024.pdf", 2024), ("gd-fs-gdjt-final-2019.pdf", 2019),
                                        ("sn-xa-qxj-2026.pdf", 2022), ("bj-xfb-tables-2026.pdf", None)])
def test_landing_reads_budget_and_final_account_years(corpus_dir, name, year):
    from pipelines.landing import read_budget_year
    assert read_budget_year(corpus_dir / name) == year


# ---------------------------------------------------------------- kind and year, both ways
# A budget's prose names final accounts more often than budgets, a final account's names budgets more
# often than final accounts: only the title decides (counting the phrases would get both wrong).
BUDGET_PROSE = ("三、2025年部门预算情况说明\n本部门2024年度部门决算已公开，上年决算数为1,234.00万元。\n"
                "2024年度部门决算显示，……与2023年度部门决算相比，2024年度部门决算支出减少。\n")


def test_a_budget_mentioning_final_accounts_is_a_budget():
    pages = ["2025年\n烟台市教育局\n部门预算", BUDGET_PROSE]
    assert read_metadata(["目 录"] + pages[1:]).doc_kind == "部门决算"  # without the title the phrases decide
    meta = read_metadata(pages)
    assert (meta.doc_kind, meta.fiscal_year, meta.unit_name) == ("部门预算", 2025, "烟台市教育局")


def test_a_final_account_mentioning_budgets_is_a_final_account():
    pages = ["上海市普陀区财政局\n2024年度部门决算",
             "2024年部门预算执行情况：年初预算数 100.00 万元，2025年部门预算已公开。\n2025年部门预算"]
    assert read_metadata(["目 录"] + pages[1:]).doc_kind == "部门预算"  # without the title the phrases decide
    meta = read_metadata(pages)
    assert (meta.doc_kind, meta.fiscal_year, meta.unit_name) == ("部门决算", 2024, "上海市普陀区财政局")


def test_without_a_title_the_kind_printed_most_often_decides():
    final = ["收入支出决算总表\n部门：佛山市轨道交通局 单位：万元", "2019年部门决算说明\n2019年部门决算",
             "与2019年部门预算相比"]
    assert (read_metadata(final).doc_kind, read_metadata(final).fiscal_year) == ("部门决算", 2019)
    budget = ["收支总表\n部门：无锡市商务局 单位：万元", "上年决算数 10.00", "2026年度部门预算表"]
    assert (read_metadata(budget).doc_kind, read_metadata(budget).fiscal_year) == ("部门预算", 2026)
    assert printed_year(["预算01表 收支总表\n金额单位：万元"]) is None  # never guessed


def test_final_accounts_tables_without_a_title_or_kind_phrase_are_final_accounts():
    pages = ["公开01表\n收入支出决算总表\n部门：佛山市轨道交通局 单位：万元\n年初预算数 本年收入",
             "公开02表\n收入决算表\n2019年度", "一般公共预算财政拨款支出决算表"]
    assert read_metadata(pages).doc_kind == "部门决算"
    final_table = ExtractedTable("income", "2019年度收入决算表", "万元", [1], [])
    assert read_metadata(["收入决算表\n预算数 决算数"], tables=[final_table]).doc_kind == "部门决算"
    budget = ["预算01表 收支总表", "预算02表 收入总表", "上年决算数 预算数", "收支预算总表"]
    assert read_metadata(budget).doc_kind == "部门预算"


@pytest.mark.parametrize("cover, kind, unit", [
    ("2026 年深圳市医疗保障局（本级）部\n门预算", "部门预算", "深圳市医疗保障局（本级）"),  # split over lines
    ("2026 年度\n福州市民政局(本级)\n单位预算", "单位预算", "福州市民政局(本级)"),
    ("西安市公安局（汇总）\n2026年部门预算公开说明", "部门预算", "西安市公安局（汇总）"),
    ("— 1 —\n重庆市水利局 2026 年部门预算情况说明\n一、单位基本情况", "部门预算", "重庆市水利局"),
    ("西安市气象局 2022 年部门综合预算\n目 录", "部门预算", "西安市气象局"),
    ("1\n2019 年佛山市轨道交通局 部门决算", "部门决算", "佛山市轨道交通局"),
    ("2023年度\n烟台市社会保险服务中心\n单位决算", "单位决算", "烟台市社会保险服务中心"),
    ("附件\n北京市信访办公室2026年度部门预算", "部门预算", "北京市信访办公室"),
    ("2026年部门预算\n烟台市司法局", "部门预算", "烟台市司法局"),
])
def test_cover_titles(cover, kind, unit):
    meta = read_metadata([cover, "预算单位 收入总计 财政拨款"])  # a 预算单位 header is not 单位预算
    assert (meta.doc_kind, meta.unit_name) == (kind, unit)


def test_a_title_naming_an_area_takes_the_unit_from_its_label():
    meta = read_metadata(["上海市普陀区2025年区级部门预算\n预算主管部门：上海市普陀区人民政府办公室",
                          "编制部门：上海市普陀区人民政府办公室 单位：元"])
    assert (meta.unit_name, meta.region, meta.doc_kind) == ("上海市普陀区人民政府办公室", "上海市普陀区", "部门预算")
    assert meta.supervisor is None  # a 部门预算's 预算主管部门 is the department itself


# ---------------------------------------------------------------- unit labels
def test_unit_from_a_label_cell_without_a_colon():
    meta = read_metadata(["预算01表 收支总表\n金额单位：万元\n项 目 预算数",
                          "预算13表 部门整体支出绩效目标表\n（2026年度）\n部门名称 北京市信访办公室\n单位名称 合计"])
    assert (meta.unit_name, meta.fiscal_year, meta.doc_kind, meta.region) == (
        "北京市信访办公室", 2026, "部门预算", "北京市")


def test_letter_spaced_label_and_a_unit_line_per_table():
    meta = read_metadata(["江苏省2018年度\n省级部门预算公开报表\n部 门:中共江苏省委办公厅\n 江苏省财政厅印制",
                          "部门：中共江苏省委办公厅 单位：万元"])
    assert (meta.unit_name, meta.region, meta.unit_key) == ("中共江苏省委办公厅", "江苏省", "江苏省委办公厅")


def test_an_area_or_a_header_after_a_label_is_no_unit():
    meta = read_metadata(["部门：烟台市 单位：万元\n单位名称 合计\n部门名称 小计"])
    assert (meta.unit_name, meta.unit_key, meta.region) == (None, None, None)


# ---------------------------------------------------------------- supervisor
def form(*rows: list[str]) -> PerformanceForm:
    return PerformanceForm(project_name="p", page=9, rows=[[Cell(t, 9) for t in row] for row in rows])


YANTAI_FORM = form(["项目名称", "项目名称", "法律援助经费"],
                   ["主管部门及代码", "主管部门及代码", "225_烟台市司法局", "实施单位", "烟台市法律援助中心"])


def test_supervisor_of_a_unit_budget_from_its_forms():
    meta = read_metadata(["2026年\n烟台市法律援助中心\n单位预算"], forms=[YANTAI_FORM])
    assert meta.supervisor == "烟台市司法局"  # the code 225_ is not part of the name


def test_a_department_budget_is_its_own_supervisor():
    meta = read_metadata(["2026年烟台市司法局部门预算", "部门（单位）：烟台市司法局 单位：万元"],
                         forms=[YANTAI_FORM])
    assert meta.supervisor is None
    fund = form(["项目名称", "科技发展专项", "主管部门", "重庆市科学技术局"])
    assert read_metadata(["重庆市科学技术局 2026 年部门预算情况说明"], forms=[fund]).supervisor is None
    # the 汇总 department's forms name the department
    assert read_metadata(["西安市公安局（汇总）\n2026年部门预算公开说明", "主管部门 西安市公安局"]).supervisor is None


def test_supervisor_only_after_an_explicit_label():
    prose = ["2026年\n珠海市政府投资交通市政项目工务中心部门\n预算",
             "（六）完成市委、市政府和\n上级主管部门交办的其他任务。\n政主管部门下达的招收任务，完成过程及结业考核，",
             "资金主管部门:重庆市水利局 单位:万元\n转移支付名称 节能减排 市级主管部门 北京市生态环境局",
             "主管部门 实施期限"]
    assert read_metadata(prose).supervisor is None


def test_supervisor_on_a_cover_label():
    meta = read_metadata(["2024年\n烟台市社会保险服务中心\n单位预算\n主管部门：烟台市人力资源和社会保障局"])
    assert meta.supervisor == "烟台市人力资源和社会保障局"


# ---------------------------------------------------------------- region and unit_key
@pytest.mark.parametrize("name, region", [
    ("烟台市教育局", "山东省烟台市"), ("苏州市生态环境局", "江苏省苏州市"),
    ("上海市普陀区人民政府办公室", "上海市普陀区"), ("江苏省人大常委会办公厅", "江苏省"),
    ("北京市信访办公室", "北京市"), ("重庆市水利局", "重庆市"), ("山东省烟台市鲁东公证处", "山东省烟台市"),
    ("中共江苏省委办公厅", "江苏省"), ("中国人民政治协商会议江苏省委员会办公厅", "江苏省"),
    ("延边朝鲜族自治州财政局", "吉林省延边朝鲜族自治州"), ("吉林市财政局", "吉林省吉林市"),
    ("普陀区财政局", None),  # 普陀区 is also in 舟山市: a district only after its city
    ("省检察院", None), (None, None),
])
def test_region_from_the_printed_name(name, region):
    assert region_of(name) == region


@pytest.mark.parametrize("names", [
    ["中国共产党烟台市委员会办公室", "中共烟台市委办公室", "烟台市委办公室", "山东省烟台市委办公室"],
    ["江苏省人大常委会办公厅", "江苏省人民代表大会常务委员会办公厅", "江苏省人大办公厅"],
    ["中共江苏省委办公厅", "江苏省委办公厅", "中国共产党江苏省委员会办公厅"],
    ["中国人民政治协商会议江苏省委员会办公厅", "江苏省政协办公厅"],
    ["西安市公安局（汇总）", "西安市公安局(本级)", "西安市公安局", "西安市 公安局", "西安市公安局本级"],
    ["上海市普陀区人民政府办公室", "上海市普陀区政府办公室"],
])
def test_one_key_per_unit_across_name_variants(names):
    assert len({unit_key(name) for name in names}) == 1, {name: unit_key(name) for name in names}


def test_different_units_keep_different_keys():
    names = ["烟台市教育局", "烟台市司法局", "苏州市生态环境局", "无锡市生态环境局", "江苏省委办公厅",
             "江苏省政府办公厅", "上海市普陀区财政局", "上海市财政局", "中共中央办公厅"]
    assert len({unit_key(name) for name in names}) == len(names)
    # a bracket that is not a scope (a second nameplate) stays: only an alias can relate such names
    assert unit_key("重庆市水文监测总站（市水质监测中心）") == "重庆市水文监测总站(市水质监测中心)"
    assert unit_key(None) is None and unit_key("  ") is None
