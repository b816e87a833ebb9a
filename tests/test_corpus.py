"""The real corpus (../shared/corpus, skipped when absent): every document loads with its
metadata, and the only failing identities are the source defects listed in docs/source-defects.md."""
from __future__ import annotations

import pytest

from conftest import process
from pipelines.model import DocumentError
from test_metadata import CORPUS_METADATA, as_tuple

# document -> (unit_name, fiscal_year, doc_kind, facts, failing (check_id, location))
EXPECTED = {
    "js-jcy-2018-doc.pdf": ("江苏省人民检察院", 2018, "部门预算", 194, {
        ("cross.three_public_reception_eq_econ_30217", "three_public p.19 row 1")}),
    "js-rd-2019-doc.pdf": ("江苏省人大常委会办公厅", 2019, "部门预算", 0, set()),
    "js-swbgt-2018-tables.pdf": ("中共江苏省委办公厅", 2018, "部门预算", 178, set()),
    "js-zx-2019-doc.pdf": ("江苏省政协办公厅", 2019, "部门预算", 0, set()),
    "js-zx-2019-tables.pdf": ("江苏省政协办公厅", 2019, "部门预算", 154, set()),
    "sh-ptqzf-dept-2025.pdf": ("上海市普陀区人民政府办公室", 2025, "部门预算", 221, {
        ("cross.three_public_reception_eq_econ_30217", "three_public p.20 row 1")}),
    "sh-ptqzf-unit-2025.pdf": ("上海市普陀区人民政府办公室", 2025, "单位预算", 231, {
        ("cross.three_public_reception_eq_econ_30217", "three_public p.20 row 1")}),
    "sh-shczj-2025.pdf": ("上海市财政局", 2025, "单位预算", 263, {
        ("hierarchy.类_eq_sum_of_children", "general_basic p.17 302 商品和服务支出 [total]"),
        ("hierarchy.类_eq_sum_of_children", "general_basic p.17 302 商品和服务支出 [public_operating]"),
        ("cross.three_public_reception_eq_econ_30217", "three_public p.20 row 1")}),
    "sh-wanli-dept-2024.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, "部门预算", 875, set()),
    "sh-welfare-unit-2024.pdf": ("上海市普陀区社会福利院", 2024, "单位预算", 185, set()),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_document(corpus_dir, name):
    unit, year, kind, fact_count, failing = EXPECTED[name]
    doc, facts, _, _, validation = process(corpus_dir / name)
    assert (doc.info.unit_name, doc.info.fiscal_year, doc.info.doc_kind) == (unit, year, kind)
    assert as_tuple(doc.info) == CORPUS_METADATA[name]  # as the ingestion sets it (test_metadata.py)
    assert len(facts) == fact_count
    failed = validation[~validation.passed]
    assert set(zip(failed.check_id, failed.location)) == failing
    # every table whose title is printed in the document was extracted
    from pipelines.vocabulary import table_code_for_title
    printed = {table_code_for_title(t).code for t in doc.titles_in_text}
    assert printed <= {t.table_code for t in doc.tables}


def test_shanghai_units_per_table(corpus_dir):
    _, facts, *_ = process(corpus_dir / "sh-ptqzf-dept-2025.pdf")
    assert set(facts[facts.table_code == "three_public"].unit) == {"万元"}
    assert set(facts[facts.table_code != "three_public"].unit) == {"元"}
    reception = facts[(facts.table_code == "three_public") & (facts.measure == "reception")].iloc[0]
    assert (str(reception.amount), str(reception.amount_yuan)) == ("28.50", "285000.00")


def test_the_dummy_is_not_a_pdf(corpus_dir):
    with pytest.raises(DocumentError, match="is not a PDF"):
        process(corpus_dir / "bad-dummy-17b.pdf")
