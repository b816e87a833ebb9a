"""A variant of the sample with one wrong number fails exactly the identities that number is in."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import process
from pipelines.sample import render_sample


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = tmp_path_factory.mktemp("variant") / "planted.pdf"
    render_sample(path, overrides=[("一般公共预算支出情况表", "2080109", "小 计", "1,728.90")])
    return process(path)


def _failed(validation):
    return validation[~validation.passed]


def test_planted_number_loads_as_printed(planted):
    _, facts, *_ = planted
    cell = facts[(facts.table_code == "general_expenditure") & (facts.func_code == "2080109")
                 & (facts.measure == "basic")]
    assert list(cell.amount) == [Decimal("1728.90")]
    assert list(cell.page) == [12]


def _rows(validation, check_id, location):
    return validation[(validation.check_id == check_id) & (validation.location == location)]


# The planted cell breaks three identities by the same 54.00: its row's 基本支出 = 人员 + 公用 and
# 合计 = 基本 + 项目, and its 款's 基本支出 = Σ 项. They are one defect, so they are one finding, at the
# planted cell (the 基本支出 that both row identities and the 款 sum read), naming the other two.
# Until issue 8 they were three failures; the other two are now checked rows that pass with a note.
PLANTED = ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.12 2080109 社会保险经办机构")
REPEATS = [("row_sum.total_eq_basic_plus_project", "general_expenditure p.12 2080109 社会保险经办机构"),
           ("hierarchy.款_eq_sum_of_children", "general_expenditure p.12 20801 人力资源和社会保障管理事务 [basic]")]


def test_planted_number_is_one_finding_at_its_cell(planted, processed_sample):
    *_, validation = planted
    *_, baseline = processed_sample
    known = set(zip(_failed(baseline).check_id, _failed(baseline).location))
    new = _failed(validation)[[(c, l) not in known for c, l in zip(_failed(validation).check_id,
                                                                    _failed(validation).location)]]
    assert list(zip(new.check_id, new.location)) == [PLANTED]
    finding = new.iloc[0]
    assert (finding.expected, finding.actual) == (Decimal("1782.90"), Decimal("1728.90"))
    assert (finding.severity, finding.category, finding.table_code, finding.page, finding.unit) == (
        "error", "arithmetic", "general_expenditure", 12, "万元")
    assert finding.message.startswith(
        "一般公共预算支出情况表（第12页）“社会保险经办机构”（2080109）基本支出1,728.90万元，"
        "但人员支出")
    assert "相差54.00万元" in finding.message
    # it names the two identities the same wrong number breaks
    assert "“社会保险经办机构”（2080109）合计 = 基本支出 + 项目支出" in finding.message
    assert "“人力资源和社会保障管理事务”（20801）基本支出 = 其明细之和" in finding.message


def test_identities_the_planted_number_also_breaks_stay_checked(planted):
    *_, validation = planted
    for check_id, location in REPEATS:
        row = _rows(validation, check_id, location)
        assert len(row) == 1 and bool(row.passed.iloc[0]), (check_id, location)
        assert row.expected.iloc[0] != row.actual.iloc[0]  # the difference is still recorded
        assert "已在该处作为一项发现报告" in row.message.iloc[0]
    total_row = _rows(validation, *REPEATS[0]).iloc[0]
    assert (total_row.expected, total_row.actual) == (Decimal("2254.90"), Decimal("2308.90"))
