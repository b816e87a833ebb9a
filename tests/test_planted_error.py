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


def test_planted_number_fails_exactly_its_identities(planted, processed_sample):
    *_, validation = planted
    *_, baseline = processed_sample
    known = set(zip(_failed(baseline).check_id, _failed(baseline).location))
    new = _failed(validation)[[(c, l) not in known for c, l in zip(_failed(validation).check_id,
                                                                    _failed(validation).location)]]
    assert sorted(zip(new.check_id, new.location)) == sorted([
        ("hierarchy.款_eq_sum_of_children", "general_expenditure p.12 20801 人力资源和社会保障管理事务 [basic]"),
        ("row_sum.basic_eq_personnel_plus_public", "general_expenditure p.12 2080109 社会保险经办机构"),
        ("row_sum.total_eq_basic_plus_project", "general_expenditure p.12 2080109 社会保险经办机构"),
    ])
    by_check = {r.check_id: r for r in new.itertuples()}
    assert (by_check["row_sum.total_eq_basic_plus_project"].expected,
            by_check["row_sum.total_eq_basic_plus_project"].actual) == (Decimal("2254.90"), Decimal("2308.90"))
    assert (by_check["hierarchy.款_eq_sum_of_children"].expected,
            by_check["hierarchy.款_eq_sum_of_children"].actual) == (Decimal("1728.90"), Decimal("1782.90"))
    assert all("1,728.90" in m or "1,782.90" in m for m in new.message)
