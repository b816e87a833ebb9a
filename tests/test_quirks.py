"""Layout quirks of real disclosures, each in a small generated PDF (tests/fixtures/quirks.py):
the facts a correct extractor produces, exactly.

A fact is compared as (table_code, page, item, func_code, econ_dept_code, measure, amount, unit,
is_total), plus side / project columns where the table has them. Quirks the extractor does not
handle yet are ``xfail(strict=True)`` with what goes wrong; the assertions are not weakened.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4

from conftest import process
from fixtures import quirks

BASE = ("table_code", "page", "item", "func_code", "econ_dept_code", "measure", "amount", "unit",
        "is_total")
GENERAL = ("total", "basic", "personnel", "public_operating", "project")  # 合计 | 基本支出 小计/人员/公用 | 项目
SINGLE = ("total", "basic", "project")  # 合计 | 基本支出 | 项目支出
ECON = ("total", "personnel", "public_operating")  # 合计 | 人员支出 | 日常公用支出


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """run(maker_name) -> (doc, facts, path), each fixture built and processed once."""
    folder = tmp_path_factory.mktemp("quirks")
    done: dict[str, tuple] = {}

    def _run(name: str):
        if name not in done:
            path = quirks.ALL_QUIRKS[name](folder)
            doc, facts, *_ = process(path)
            done[name] = (doc, facts, path)
        return done[name]
    return _run


def _clean(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal):  # numpy scalars
        return value.item()
    return value


def got(facts: pd.DataFrame, columns=BASE, table_code: str | None = None) -> list[tuple]:
    frame = facts if table_code is None else facts[facts["table_code"] == table_code]
    rows = [tuple(_clean(v) for v in rec) for rec in frame[list(columns)].itertuples(index=False)]
    for row in rows:
        assert isinstance(row[columns.index("amount")], Decimal)
    return _sorted(rows)


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple(str(x) for x in r))


def rows_of(table_code: str, page: int, measures: tuple[str, ...], printed: list[tuple],
            unit: str = "万元") -> list[tuple]:
    """Expected BASE facts of printed rows (item, func_code, econ_dept_code, is_total, *amounts);
    amounts align with ``measures``, "" for an empty cell (no fact)."""
    out = []
    for item, func, econ, total, *amounts in printed:
        assert len(amounts) == len(measures)
        for measure, text in zip(measures, amounts):
            if text:
                out.append((table_code, page, item, func, econ, measure, Decimal(text.replace(",", "")),
                            unit, total))
    return out


def one_branch(*amounts: str) -> list[tuple]:
    """The fixtures' 一般公共预算支出表 rows 合计, 208, 20805 and 2080505 when one 项 makes up the whole
    table: the four rows print the same amounts."""
    return [(item, code, None, code is None, *amounts) for item, code in (
        ("合计", None), ("社会保障和就业支出", "208"), ("行政事业单位养老支出", "20805"),
        ("机关事业单位基本养老保险缴费支出", "2080505"))]

# (side, item, func_code, is_total, 合计) of the two-sided 收支总表 the summary quirks print
SUMMARY_ROWS = [
    ("income", "一般公共预算拨款收入", None, False, "45.00"),
    ("expenditure", "社会保障和就业支出", "208", False, "50.00"),
    ("income", "事业收入", None, False, "5.00"),
    ("income", "收入总计", None, True, "50.00"),
    ("expenditure", "支出总计", None, True, "50.00"),
]


# ------------------------------------------------------------------------ 1. one code column

def test_codes_printed_in_one_column(run):
    _, facts, _ = run("single_code_column")
    assert got(facts) == _sorted(rows_of("general_expenditure", 1, SINGLE, [
        ("合计", None, None, True, "130.00", "100.00", "30.00"),
        ("社会保障和就业支出", "208", None, False, "130.00", "100.00", "30.00"),
        ("行政事业单位养老支出", "20805", None, False, "130.00", "100.00", "30.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "100.00", "100.00", ""),
        ("其他行政事业单位养老支出", "2080599", None, False, "30.00", "", "30.00"),
    ]))


# ------------------------------------------------------------------------ 2. spaced codes

def test_codes_split_with_spaces_and_econ_codes_without_leading_zero(run):
    _, facts, _ = run("spaced_codes")
    assert got(facts, table_code="general_expenditure") == _sorted(rows_of("general_expenditure", 1, SINGLE, [
        ("合计", None, None, True, "130.00", "100.00", "30.00"),
        ("社会保障和就业支出", "208", None, False, "130.00", "100.00", "30.00"),
        ("行政事业单位养老支出", "20805", None, False, "130.00", "100.00", "30.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "100.00", "100.00", ""),
        ("其他行政事业单位养老支出", "2080599", None, False, "30.00", "", "30.00"),
    ]))
    assert got(facts, table_code="general_basic") == _sorted(rows_of("general_basic", 2, ECON, [
        ("合计", None, None, True, "100.00", "90.00", "10.00"),
        ("工资福利支出", None, "301", False, "90.00", "90.00", ""),
        ("基本工资", None, "30101", False, "50.00", "50.00", ""),
        ("津贴补贴", None, "30102", False, "40.00", "40.00", ""),
        ("商品和服务支出", None, "302", False, "10.00", "", "10.00"),
        ("办公费", None, "30201", False, "10.00", "", "10.00"),
    ]))


# ------------------------------------------------------------------------ 3. blank parent codes

def test_blank_parent_code_cells_are_carried_down(run):
    _, facts, _ = run("blank_parent_codes")
    assert got(facts) == _sorted(rows_of("general_expenditure", 1, GENERAL, [
        ("合计", None, None, True, "160.00", "130.00", "120.00", "10.00", "30.00"),
        ("社会保障和就业支出", "208", None, False, "130.00", "100.00", "90.00", "10.00", "30.00"),
        ("行政事业单位养老支出", "20805", None, False, "130.00", "100.00", "90.00", "10.00", "30.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "60.00", "60.00", "60.00", "", ""),
        ("机关事业单位职业年金缴费支出", "2080506", None, False, "40.00", "40.00", "30.00", "10.00", ""),
        ("其他行政事业单位养老支出", "2080599", None, False, "30.00", "", "", "", "30.00"),
        ("卫生健康支出", "210", None, False, "30.00", "30.00", "30.00", "", ""),
        ("事业单位医疗", "2101102", None, False, "30.00", "30.00", "30.00", "", ""),
    ]))


# ------------------------------------------------------------------------ 4. names without codes

def test_old_class_names_and_numbered_labels_in_a_summary_table(run):
    _, facts, _ = run("old_names_summary")
    columns = ("side",) + BASE
    expected = [
        ("income", "财政拨款", None, False, "160.00"),
        ("income", "一般公共预算资金", None, False, "160.00"),
        ("expenditure", "社会保障和就业支出", "208", False, "100.00"),
        ("expenditure", "医疗卫生与计划生育支出", "210", False, "60.00"),
        ("income", "本年收入合计", None, True, "160.00"),
        ("expenditure", "本年支出合计", None, True, "160.00"),
        ("income", "收入总计", None, True, "160.00"),
        ("expenditure", "支出总计", None, True, "160.00"),
    ]
    assert got(facts, columns) == _sorted([
        (side, "summary", 1, item, func, None, "total", Decimal(a), "万元", total)
        for side, item, func, total, a in expected])


# ------------------------------------------------------------------------ 5. empty tables

def test_empty_table_with_note_under_it_is_extracted_without_facts(run):
    doc, facts, _ = run("empty_with_note")
    fund = [t for t in doc.tables if t.table_code == "gov_fund_expenditure"]
    assert len(fund) == 1
    assert fund[0].pages == [1]
    assert "本单位无政府性基金预算" in (fund[0].note or "")
    assert not any(c.text.strip() for row in fund[0].rows for c in row)
    assert facts[facts["table_code"] == "gov_fund_expenditure"].empty


def test_empty_table_with_note_inside_it_is_extracted_without_facts(run):
    doc, facts, _ = run("empty_with_note")
    assert facts.empty
    capital = [t for t in doc.tables if t.table_code == "state_capital_expenditure"]
    assert len(capital) == 1
    assert capital[0].pages == [2]
    fund = next(t for t in doc.tables if t.table_code == "gov_fund_expenditure")
    assert capital[0].header_paths == fund.header_paths  # the same printed header
    assert "本单位无国有资本经营预算" in (capital[0].note or "")


# ------------------------------------------------------------------------ 6. fake bold

def test_fake_bold_title_and_labels_are_read_once(run):
    doc, facts, _ = run("fake_bold")
    assert [(t.table_code, t.title) for t in doc.tables] == [
        ("general_expenditure", "2024年部门一般公共预算支出情况表")]
    assert got(facts) == _sorted(rows_of("general_expenditure", 1, GENERAL, [
        *one_branch("130.00", "100.00", "90.00", "10.00", "30.00"),
    ]))


# ------------------------------------------------------------------------ 7. continuation pages

def test_continuation_without_title_or_header(run):
    doc, facts, _ = run("continuations")
    tables = [t for t in doc.tables if t.table_code == "general_expenditure"]
    assert len(tables) == 1 and tables[0].pages == [1, 2]
    assert got(facts, table_code="general_expenditure") == _sorted(
        rows_of("general_expenditure", 1, GENERAL, [
            ("合计", None, None, True, "190.00", "160.00", "150.00", "10.00", "30.00"),
            ("社会保障和就业支出", "208", None, False, "130.00", "100.00", "90.00", "10.00", "30.00"),
            ("行政事业单位养老支出", "20805", None, False, "130.00", "100.00", "90.00", "10.00", "30.00"),
            ("机关事业单位基本养老保险缴费支出", "2080505", None, False,
             "100.00", "100.00", "90.00", "10.00", ""),
            ("其他行政事业单位养老支出", "2080599", None, False, "30.00", "", "", "", "30.00"),
        ]) + rows_of("general_expenditure", 2, GENERAL, [
            ("卫生健康支出", "210", None, False, "60.00", "60.00", "60.00", "", ""),
            ("行政事业单位医疗", "21011", None, False, "60.00", "60.00", "60.00", "", ""),
            ("事业单位医疗", "2101102", None, False, "60.00", "60.00", "60.00", "", ""),
        ]))


def test_continuation_with_repeated_header_but_no_title(run):
    doc, facts, _ = run("continuations")
    assert [(t.table_code, t.pages) for t in doc.tables] == [
        ("general_expenditure", [1, 2]), ("general_basic", [3, 4])]
    assert got(facts, table_code="general_basic") == _sorted(rows_of("general_basic", 3, ECON, [
        ("合计", None, None, True, "160.00", "150.00", "10.00"),
        ("工资福利支出", None, "301", False, "150.00", "150.00", ""),
        ("基本工资", None, "30101", False, "80.00", "80.00", ""),
        ("津贴补贴", None, "30102", False, "70.00", "70.00", ""),
    ]) + rows_of("general_basic", 4, ECON, [
        ("商品和服务支出", None, "302", False, "10.00", "", "10.00"),
        ("办公费", None, "30201", False, "6.00", "", "6.00"),
        ("差旅费", None, "30211", False, "4.00", "", "4.00"),
    ]))


# ------------------------------------------------------------------------ 8. long names

def test_name_wrapped_inside_its_cell_is_joined(run):
    _, facts, _ = run("long_names")
    assert got(facts, table_code="general_expenditure") == _sorted(rows_of("general_expenditure", 1, GENERAL, [
        ("合计", None, None, True, "100.00", "100.00", "90.00", "10.00", ""),
        ("社会保障和就业支出", "208", None, False, "100.00", "100.00", "90.00", "10.00", ""),
        ("行政事业单位养老支出", "20805", None, False, "100.00", "100.00", "90.00", "10.00", ""),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "100.00", "100.00", "90.00", "10.00", ""),
    ]))


def test_name_overflowing_into_the_next_empty_cell_is_complete(run):
    _, facts, _ = run("long_names")
    columns = BASE + ("project_name", "project_category")
    expected = []
    for name, category, amount in (("社保经办工作经费", "其他运转类", "40.00"),
                                   (quirks.OVERFLOWING_NAME, None, "50.00")):
        for measure in ("total", "fiscal_subtotal", "general_budget"):
            expected.append(("project_expenditure", 2, name, None, None, measure, Decimal(amount), "万元",
                             False, name, category))
    assert got(facts, columns, "project_expenditure") == _sorted(expected)


# ------------------------------------------------------------------------ 9. wide landscape table

def test_wide_income_table_on_a_landscape_page(run):
    doc, facts, path = run("wide_income")
    with pdfplumber.open(path) as pdf:
        assert (pdf.pages[0].width, pdf.pages[0].height) == pytest.approx((A4[1], A4[0]))
    (table,) = doc.tables
    assert table.table_code == "income" and len(table.header_paths) == 15
    wide = quirks.WIDE_MEASURES
    assert got(facts) == _sorted(rows_of("income", 1, wide, [
        ("合计", None, None, True, "1,000.00", "700.00", "500.00", "150.00", "50.00", "40.00", "60.00",
         "20.00", "30.00", "50.00", "25.00", "35.00", "40.00"),
        ("社会保障和就业支出", "208", None, False, "1,000.00", "700.00", "500.00", "150.00", "50.00",
         "40.00", "60.00", "20.00", "30.00", "50.00", "25.00", "35.00", "40.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "600.00", "500.00", "500.00", "", "",
         "", "60.00", "", "", "", "", "", "40.00"),
    ]))


# ------------------------------------------------------------------------ 10. 元 and 万元

def test_units_per_table_and_exact_yuan(run):
    doc, facts, _ = run("mixed_units")
    assert [(t.table_code, t.unit) for t in doc.tables] == [
        ("general_expenditure", "元"), ("general_basic", "元"), ("three_public", "万元")]
    assert doc.info.amount_unit == "元"
    columns = BASE + ("amount_yuan",)
    expected = rows_of("general_expenditure", 1, SINGLE, [
        ("合计", None, None, True, "1,234,567.89", "1,000,000.00", "234,567.89"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "1,234,567.89", "1,000,000.00",
         "234,567.89"),
    ], unit="元") + rows_of("general_basic", 2, ECON, [
        ("合计", None, None, True, "1,000,000.00", "987,654.32", "12,345.68"),
        ("基本工资", None, "30101", False, "987,654.32", "987,654.32", ""),
        ("办公费", None, "30201", False, "12,345.68", "", "12,345.68"),
    ], unit="元") + rows_of("three_public", 3, (
        "total", "overseas", "vehicle_subtotal", "vehicle_purchase", "vehicle_operation", "reception"), [
        (None, None, None, False, "4.35", "0.50", "1.80", "", "1.80", "2.05"),
    ])
    yuan = {"元": Decimal(1), "万元": Decimal(10000)}
    assert got(facts, columns) == _sorted([row + (row[6] * yuan[row[7]],) for row in expected])
    assert set(facts.loc[facts["table_code"] == "three_public", "fiscal_year"]) == {2024}
    # exact: 4.35 万元 is 43,500 元 to the cent, 1,234,567.89 元 stays as printed
    assert Decimal("43500.00") in set(facts["amount_yuan"])
    assert Decimal("1234567.89") in set(facts["amount_yuan"])


# ------------------------------------------------------------------------ 11. numbered titles

def test_numbered_title_variants(run):
    doc, facts, _ = run("numbered_titles")
    assert [(t.table_code, t.pages) for t in doc.tables] == [
        ("expenditure", [1]), ("income", [2]), ("gov_fund_expenditure", [3]), ("summary", [4])]
    assert doc.info.fiscal_year == 2025
    columns = ("side",) + BASE
    plain = rows_of("expenditure", 1, SINGLE, [
        ("合计", None, None, True, "50.00", "40.00", "10.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "50.00", "40.00", "10.00"),
    ]) + rows_of("income", 2, ("total", "general_budget", "business_income"), [
        ("合计", None, None, True, "50.00", "45.00", "5.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "50.00", "45.00", "5.00"),
    ]) + rows_of("gov_fund_expenditure", 3, GENERAL, [
        ("合计", None, None, True, "8.00", "", "", "", "8.00"),
        ("用于社会福利的彩票公益金支出", "2296004", None, False, "8.00", "", "", "", "8.00"),
    ])
    summary = SUMMARY_ROWS
    assert got(facts, columns) == _sorted([(None,) + row for row in plain] + [
        (side, "summary", 4, item, func, None, "total", Decimal(a), "万元", total)
        for side, item, func, total, a in summary])


# ------------------------------------------------------------------------ 12. numbered headings

def test_numbered_heading_with_year_and_unit_inside(run):
    doc, facts, _ = run("numbered_headings")
    assert [(t.table_code, t.pages, t.unit) for t in doc.tables] == [
        ("expenditure", [1], "万元"), ("fiscal_expenditure", [2], "元")]
    assert doc.info.fiscal_year == 2017
    assert set(facts["fiscal_year"]) == {2017}
    assert got(facts) == _sorted(rows_of("expenditure", 1, SINGLE, [
        ("合计", None, None, True, "50.00", "40.00", "10.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "50.00", "40.00", "10.00"),
    ]) + rows_of("fiscal_expenditure", 2, SINGLE, [
        ("合计", None, None, True, "450,000.00", "400,000.00", "50,000.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "450,000.00", "400,000.00",
         "50,000.00"),
    ], unit="元"))


# ------------------------------------------------------------------------ 13. tables sharing a page

def test_tables_sharing_a_page_under_inline_titles(run):
    doc, facts, _ = run("tables_sharing_a_page")
    assert [(t.table_code, t.pages, t.title) for t in doc.tables] == [
        ("summary", [1], quirks.INLINE_TITLES[0]), ("income", [1], quirks.INLINE_TITLES[1]),
        ("expenditure", [2], quirks.INLINE_TITLES[2])]
    columns = ("side",) + BASE
    summary = SUMMARY_ROWS
    plain = rows_of("income", 1, ("total", "general_budget", "business_income"), [
        ("合计", None, None, True, "50.00", "45.00", "5.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "50.00", "45.00", "5.00"),
    ]) + rows_of("expenditure", 2, SINGLE, [
        ("合计", None, None, True, "50.00", "40.00", "10.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "50.00", "40.00", "10.00"),
    ])
    assert got(facts, columns) == _sorted([(None,) + row for row in plain] + [
        (side, "summary", 1, item, func, None, "total", Decimal(a), "万元", total)
        for side, item, func, total, a in summary])


# ------------------------------------------------------------------------ 14. rotated pages

def test_tables_drawn_turned_on_portrait_sheets(run):
    doc, facts, path = run("rotated_pages")
    with pdfplumber.open(path) as pdf:
        assert [p.rotation for p in pdf.pages] == [90, 0]
        assert not pdf.pages[1].chars[0]["upright"]  # page 2 really is sideways
    assert [(t.table_code, t.pages) for t in doc.tables] == [("income", [1]), ("general_expenditure", [2])]
    wide = quirks.WIDE_MEASURES
    assert got(facts) == _sorted(rows_of("income", 1, wide, [
        ("合计", None, None, True, "1,000.00", "700.00", "500.00", "150.00", "50.00", "40.00", "60.00",
         "20.00", "30.00", "50.00", "25.00", "35.00", "40.00"),
        ("机关事业单位基本养老保险缴费支出", "2080505", None, False, "1,000.00", "700.00", "500.00",
         "150.00", "50.00", "40.00", "60.00", "20.00", "30.00", "50.00", "25.00", "35.00", "40.00"),
    ]) + rows_of("general_expenditure", 2, GENERAL, [
        *one_branch("700.00", "600.00", "550.00", "50.00", "100.00"),
    ]))


# ------------------------------------------------------------------------ 15. one glyph per run

def test_text_drawn_one_glyph_at_a_time(run):
    doc, facts, path = run("one_glyph_per_run")
    with pdfplumber.open(path) as pdf:  # every glyph is shown by its own operator
        page = pdf.pages[0]
        shows = b"".join(s.get_data() for s in page.page_obj.contents).count(b"Tj")
        assert shows >= sum(1 for ch in page.chars if not ch["text"].isspace())
    assert [(t.table_code, t.title) for t in doc.tables] == [
        ("general_expenditure", "2024年部门一般公共预算支出情况表"),
        ("general_basic", "2024年部门一般公共预算基本支出情况表")]
    assert got(facts) == _sorted(rows_of("general_expenditure", 1, GENERAL, [
        *one_branch("1,234.50", "1,004.50", "994.50", "10.00", "230.00"),
    ]) + rows_of("general_basic", 2, ECON, [
        ("合计", None, None, True, "1,004.50", "994.50", "10.00"),
        ("基本工资", None, "30101", False, "994.50", "994.50", ""),
        ("办公费", None, "30201", False, "10.00", "", "10.00"),
    ]))


@pytest.mark.parametrize("name", sorted(quirks.ALL_QUIRKS))
def test_every_printed_amount_of_a_quirk_is_captured(run, name):
    doc, _, _ = run(name)
    assert doc.info.amount_coverage == (None if name == "empty_with_note" else 1)  # None: none printed


# ------------------------------------------------------------------------ the fixtures themselves

@pytest.mark.parametrize("name", sorted(quirks.ALL_QUIRKS))
def test_fixture_pages_are_a4_with_title_and_unit_line(name, tmp_path):
    path = quirks.ALL_QUIRKS[name](tmp_path)
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        assert sorted((round(first.width), round(first.height))) == [round(A4[0]), round(A4[1])]
        text = first.extract_text()
        assert "测试单位" in text and "单位：" in text
        assert first.find_tables()
