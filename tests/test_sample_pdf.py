"""The bundled sample PDF (pipelines/sample): real values, layout and determinism."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from pipelines.sample import DEFAULT_OUTPUT, load_description, render_sample

TABLE_PAGES = {
    "收支总体情况表": [6],
    "收入总体情况表": [7, 8],
    "支出总体情况表": [9],
    "财政拨款收支总体情况表": [10, 11],
    "一般公共预算支出情况表": [12],
    "一般公共预算基本支出情况表": [13],
    "一般公共预算“三公”经费支出情况表": [14],
    "政府性基金预算支出情况表": [15],
    "国有资本经营预算支出情况表": [16],
    "基本支出预算情况表": [17],
    "项目支出预算情况表": [18],
    "政府采购预算表": [19],
}
LANDSCAPE = {7, 8, 10, 11, 14, 17, 18, 19}
FORM_PAGES = [22, 23, 24, 25, 26]
PAGE_COUNT = 28
OVERRIDE = ("一般公共预算支出情况表", "2080109", "小 计", "1,728.90")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    base = d / "sample.pdf"
    info = render_sample(base)
    with pdfplumber.open(base) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
        sizes = [(p.width, p.height) for p in pdf.pages]
        tables = {n: pdf.pages[n - 1].extract_tables() for pages in TABLE_PAGES.values() for n in pages}
    return {"dir": d, "path": base, "info": info, "texts": texts, "sizes": sizes, "tables": tables}


def _clean(t):
    return [[(c or "").replace("\n", "") for c in row] for row in t]


def test_render_info_and_page_count(rendered):
    info = rendered["info"]
    assert info.page_count == PAGE_COUNT == len(rendered["texts"])
    assert info.table_pages == TABLE_PAGES
    assert [p for _, p in info.form_pages] == FORM_PAGES


def test_fonts_have_tounicode(rendered):
    raw = Path(rendered["path"]).read_bytes()
    assert b"/ToUnicode" in raw
    assert b"WenQuanYiZenHei" in raw
    for text in rendered["texts"]:
        assert "(cid:" not in text
    assert "烟台市社会保险服务中心" in rendered["texts"][0]
    assert "单位预算" in rendered["texts"][0]


@pytest.mark.parametrize("title,pages", list(TABLE_PAGES.items()))
def test_table_titles_on_expected_pages(rendered, title, pages):
    for n in pages:
        lines = rendered["texts"][n - 1].split("\n")
        assert lines[0] == title
        assert "部门（单位）" in lines[1] and "烟台市社会保险服务中心" in lines[1]
        assert "万元" in lines[1]
    for n, text in enumerate(rendered["texts"], 1):
        if n not in pages:
            assert not text.startswith(title + "\n")


def test_income_table_spans_two_pages_with_repeated_header_and_total(rendered):
    p7, p8 = (_clean(rendered["tables"][n][0]) for n in (7, 8))
    assert p7[:3] == p8[:3]  # two header rows + 合 计 row repeated
    assert p7[2][3:6] == ["合 计", "119,327.10", "119,327.10"]
    assert p7[-1][2:5] == ["99", "其他行政事业单位医疗支出", "53.61"]
    assert p8[3][0] == "221" and p8[-1][3] == "其他解决历史遗留问题及改革成本支出"


def test_merged_header_cells_are_single_cells(rendered):
    t = rendered["tables"][7][0]
    assert t[0][:9] == ["科目编码", None, None, "科目名称", "合计", "财政拨款收入", None, None, None]
    assert t[1][:5] == ["类", "款", "项", None, None]
    assert t[0][9] == "财政专户管理\n资金收入"  # wrapped inside its narrow cell
    for row in t[2:]:
        assert None not in row  # every body cell is its own ruled cell
    sg = rendered["tables"][14][0]
    assert sg[0] == ["2023年预算数"] + [None] * 5 + ["2024年预算数"] + [None] * 5
    assert sg[1][2:5] == ["公务用车购置及运行维护费", None, None]
    assert sg[3] == ["4.30", "", "1.80", "", "1.80", "2.50"] * 2


def test_general_budget_table_row_2080109(rendered):
    with pdfplumber.open(rendered["path"]) as pdf:
        found = pdf.pages[12 - 1].find_tables()
        assert len(found) == 1
        rows = found[0].extract()
    assert rows[0][:5] == ["科目编码", None, None, "科目名称", "合 计"]
    assert rows[1][5:8] == ["小 计", "人员支出", "日常公用支出"]
    row = next(r for r in rows if r[2] == "09")
    assert row == ["", "", "09", "社会保险经办机构", "2,308.90", "1,782.90", "1,650.16", "132.74", "526.00"]
    assert rows[2] == ["", "", "", "合 计", "119,072.10", "2,343.10", "2,210.36", "132.74", "116,729.00"]


def test_fund_table_has_only_header_and_note(rendered):
    t = rendered["tables"][15]
    assert len(t) == 1 and len(t[0]) == 2
    assert "（注：2024年没有使用政府性基金预算拨款安排的支出。）" in rendered["texts"][15 - 1]


def test_landscape_and_portrait_pages(rendered):
    for n, (w, h) in enumerate(rendered["sizes"], 1):
        if n in LANDSCAPE:
            assert w > h, n
        else:
            assert h > w, n


def test_performance_forms(rendered):
    with pdfplumber.open(rendered["path"]) as pdf:
        t = pdf.pages[FORM_PAGES[0] - 1].extract_tables()[0]
    assert t[0][:2] == ["项目名称", "社保基金管理工作经验费"]
    assert t[2][:4] == ["项目资金\n（万元）", "年度预算资金总额", None, "526"]
    assert t[6] == ["", "一级指标", "二级指标", "三级指标", "指标值"]
    body = t[7:]
    assert len(body) == 17
    assert [r[0] for r in body] == ["绩效指标"] + [None] * 16  # merged, printed once
    assert [r[1] for r in body if r[1]] == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert body[-1][2:] == ["服务对象满意度指标", "参保缴费职工对社保业务综合满意度", "≥95%"]


def test_render_is_deterministic(rendered):
    again = rendered["dir"] / "again.pdf"
    render_sample(again, load_description())
    assert again.read_bytes() == Path(rendered["path"]).read_bytes()


def test_override_changes_exactly_one_cell(rendered):
    out = rendered["dir"] / "override.pdf"
    render_sample(out, overrides=[OVERRIDE])
    with pdfplumber.open(out) as pdf:
        texts = [p.extract_text() for p in pdf.pages]
        changed = pdf.pages[12 - 1].extract_tables()[0]
    base = rendered["tables"][12][0]
    diffs = [(r, c) for r, row in enumerate(base) for c, v in enumerate(row) if changed[r][c] != v]
    assert len(diffs) == 1
    r, c = diffs[0]
    assert base[r][2] == "09" and c == 5
    assert (base[r][c], changed[r][c]) == ("1,782.90", "1,728.90")
    assert [n for n, (a, b) in enumerate(zip(texts, rendered["texts"]), 1) if a != b] == [12]


def test_override_unknown_row_raises(rendered):
    with pytest.raises(KeyError):
        render_sample(rendered["dir"] / "x.pdf", overrides=[("一般公共预算支出情况表", "9999999", 5, "1")])


def test_rows_per_page_repaginates(rendered):
    out = rendered["dir"] / "paged.pdf"
    info = render_sample(out, rows_per_page={"收入总体情况表": 8})
    pages = info.table_pages["收入总体情况表"]
    assert len(pages) == 3
    with pdfplumber.open(out) as pdf:
        tabs = [_clean(pdf.pages[n - 1].extract_tables()[0]) for n in pages]
    assert all(t[2][3] == "合 计" for t in tabs)  # 合 计 row repeated on each page
    assert [len(t) - 3 for t in tabs] == [8, 8, 5]


def test_committed_sample_matches_description(rendered):
    if not DEFAULT_OUTPUT.exists():
        pytest.skip("sample not generated")
    with pdfplumber.open(DEFAULT_OUTPUT) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
    assert texts == rendered["texts"], "regenerate: .venv/bin/python -m pipelines.sample"
