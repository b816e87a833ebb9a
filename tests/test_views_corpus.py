"""The views on real documents of four templates (../shared/corpus, skipped when absent): the
values are the printed ones (read off the PDFs' text), and the Shanghai office's 部门预算 and
单位预算 of 2025, both loaded under one unit_key, are counted once."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import process
from pipelines import warehouse

# unit_key as documents.unit_key derives it (pipelines/units.py)
SHANGHAI = "上海市普陀区政府办公室"
YANTAI = "山东省烟台市教育局"
WUXI = "江苏省无锡市商务局"
FUZHOU = "福建省福州市民政局"
DOCUMENTS = {
    "sh-ptqzf-dept-2025.pdf": SHANGHAI,
    "sh-ptqzf-unit-2025.pdf": SHANGHAI,
    "sd-yantai-jyj-2026.pdf": YANTAI,
    "js-wx-swj-2026.pdf": WUXI,
    "fj-fz-mzj-unit-2026.pdf": FUZHOU,  # 福州市民政局(本级): 本级 is not part of the key
}


@pytest.fixture(scope="module")
def con(corpus_dir, tmp_path_factory):
    connection = warehouse.connect(tmp_path_factory.mktemp("corpus") / "budget.duckdb")
    for name, key in DOCUMENTS.items():
        doc, facts, indicators, prose, validation = process(corpus_dir / name)
        assert doc.info.unit_key == key
        assert warehouse.load_document(connection, doc.info, facts, indicators, prose, validation) == "loaded"
    yield connection
    connection.close()


def kind_of(con, document_id):
    return con.execute("SELECT doc_kind FROM documents WHERE document_id = ?", [document_id]).fetchall()[0][0]


def test_shanghai_department_and_unit_budgets_are_counted_once(con):
    rows = con.execute("SELECT document_id, func_code, total_yuan, basic_yuan, project_yuan "
                       "FROM expenditure_by_function WHERE unit_key = ? AND level = '类' ORDER BY func_code",
                       [SHANGHAI]).fetchall()
    assert {kind_of(con, r[0]) for r in rows} == {"部门预算"}
    assert [r[1:] for r in rows] == [
        ("201", D("82096797.42"), D("15686797.42"), D("66410000.00")),
        ("208", D("4213779.28"), D("4213779.28"), None),
        ("210", D("1097073.43"), D("1097073.43"), None),
        ("221", D("3609125.22"), D("3609125.22"), None),
    ]
    # Σ 类 is the printed 合计 91,016,775.35 元, once; the facts of both documents hold it twice
    assert sum(r[2] for r in rows) == D("91016775.35")
    twice = con.execute("SELECT sum(amount_yuan) FROM facts WHERE table_code = 'expenditure' AND measure = 'total' "
                        "AND length(func_code) = 3 AND unit_name = '上海市普陀区人民政府办公室'").fetchall()[0][0]
    assert twice == 2 * D("91016775.35")
    assert con.execute("SELECT passed_over FROM counted_documents WHERE unit_key = ?", [SHANGHAI]).fetchall() == [(1,)]


def test_expenditure_by_function_of_yantai_and_wuxi(con):
    yantai = con.execute("SELECT total_yuan, basic_yuan, project_yuan FROM expenditure_by_function "
                         "WHERE unit_key = ? AND func_code = '205'", [YANTAI]).fetchall()
    assert yantai == [(D("3130686400"), D("1817365300"), D("1313321100"))]  # 313,068.64 / 181,736.53 / 131,332.11 万元
    wuxi = con.execute("SELECT total_yuan, project_yuan FROM expenditure_by_function "
                       "WHERE unit_key = ? AND func_code = '206'", [WUXI]).fetchall()
    assert wuxi == [(D("125000000"), D("125000000"))]  # 12,500.00 万元


def test_three_public_in_one_meaning_across_four_templates(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT unit_key, three_public_yuan, overseas_yuan, vehicle_yuan, reception_yuan, meeting_yuan, "
        "training_yuan FROM three_public_by_unit").fetchall()}
    # Shanghai (parts as columns, 万元 beside 元 tables): 867.50 = 839.00 + 28.50
    assert rows[SHANGHAI] == (D("8675000"), D("8390000"), None, D("285000"), None, None)
    # Shandong, 2026 (its 2025 column stays in facts): 10.00 = 6.50 + 3.50
    assert rows[YANTAI] == (D("100000"), None, D("65000"), D("35000"), None, None)
    # Jiangsu: the 三公 6.40 without 会议费 2.80 and 培训费 10.00
    assert rows[WUXI] == (D("64000"), D("0"), D("28000"), D("36000"), D("28000"), D("100000"))
    # Fujian (parts as rows of one 预算数 column): 25.05 = 7.05 + 8.00 + 10.00
    assert rows[FUZHOU] == (D("250500"), D("70500"), D("100000"), D("80000"), None, None)


def test_printed_table_rebuilds_real_tables(con):
    shanghai = con.execute("SELECT document_id FROM counted_documents WHERE unit_key = ?", [SHANGHAI]).fetchall()[0][0]
    rows = con.execute("SELECT row_no, func_code, item, total, basic, project, unit FROM printed_table(?, 'expenditure')",
                       [shanghai]).fetchall()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert rows[0][1:4] == ("201", "一般公共服务支出", D("82096797.42"))
    assert rows[-1][3:] == (D("91016775.35"), D("24606775.35"), D("66410000.00"), "元")
    yantai = con.execute("SELECT document_id FROM counted_documents WHERE unit_key = ?", [YANTAI]).fetchall()[0][0]
    assert con.execute("SELECT fiscal_year, total, vehicle_subtotal, reception FROM printed_table(?, 'three_public')",
                       [yantai]).fetchall() == [(2025, D("21.00"), D("6.70"), D("14.30")),
                                                (2026, D("10.00"), D("6.50"), D("3.50"))]


def test_findings_are_the_failed_checks_with_their_unit(con):
    per_document = dict(con.execute("SELECT document_id, count(*) FROM validation_results WHERE NOT passed "
                                    "GROUP BY ALL").fetchall())
    in_view = dict(con.execute("SELECT document_id, count(*) FROM findings GROUP BY ALL").fetchall())
    assert in_view == per_document
    assert con.execute("SELECT count(*) FROM findings WHERE unit_name IS NULL OR message IS NULL").fetchall() == [(0,)]
