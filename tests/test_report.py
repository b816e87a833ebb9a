"""The corpus report (pipelines.report): the bundled sample, the real corpus, the amount reader."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipelines.report import (
    DEFAULT_CORPUS, amount_tokens, corpus_report, main, page_coverage, pdf_rect, render,
    table_regions, token_value,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "yantai-shebao-2024-unit-budget.pdf"
CORPUS = DEFAULT_CORPUS
BAD_DUMMY = "bad-dummy-17b.pdf"

SAMPLE_TABLES = [
    "summary", "income", "expenditure", "fiscal_summary", "general_expenditure", "general_basic",
    "three_public", "gov_fund_expenditure", "state_capital_expenditure", "basic_expenditure",
    "project_expenditure", "procurement",
]
# The 合 计 row of 收入总体情况表 is printed again under the repeated header on its continuation
# page 8, inside the table's ruled region there; extraction keeps it once (page 7), so the
# independent reading of the table regions sees it unmatched on page 8.
SAMPLE_REPEATED_TOTAL = {"8: 119,327.10", "8: 119,072.10", "8: 255.00"}


def test_amount_tokens_skip_years_codes_and_page_numbers():
    text = ("2024年预算 2080109 社会保险经办机构 2,308.90 82,000.00 0.90 -12.50\n"
            "合计 1895.00 12.5% 21.95 % 1,234 - 7 -\n第 3 页")
    assert amount_tokens(text) == ["2,308.90", "82,000.00", "0.90", "-12.50", "1895.00", "1,234"]
    assert token_value("82,000.00") == Decimal("82000")


@pytest.fixture(scope="module")
def sample_report():
    return corpus_report([SAMPLE], seconds=120, workers=1)


def test_sample_report(sample_report):
    assert len(sample_report) == 1
    row = sample_report.iloc[0]
    assert row.file == SAMPLE.name
    assert row.status == "loaded", row.error
    assert row.error == ""
    assert row.pages == 28
    assert row.seconds > 0 and row.seconds_per_page == pytest.approx(row.seconds / 28, abs=1e-3)
    # all 12 tables, gov_fund_expenditure included: it is printed (title, header and a note saying
    # no 政府性基金 money is used) and extracted as a table with no rows, so it yields no facts
    assert sorted(row.tables_found) == sorted(SAMPLE_TABLES)
    assert len(row.titles_in_text) == 12
    assert row.titles_missing == []
    assert row.facts > 300 and row.indicators > 0 and row.prose_amounts > 0
    assert row.checks_passed > 0
    assert row.amounts_printed >= row.amounts_matched > 0
    assert row.amount_coverage >= 0.98
    # only the table regions are read: nothing else is missing
    assert set(row.missing_amounts) <= SAMPLE_REPEATED_TOTAL, row.missing_amounts
    assert row.amounts_printed == row.amounts_matched + row.missing_amounts_total


class FakePage:
    def __init__(self, mediabox, rotation):
        self.mediabox, self.rotation = mediabox, rotation

    def get_mediabox(self):
        return self.mediabox

    def get_rotation(self):
        return self.rotation


@pytest.mark.parametrize("rotation, expected", [
    # A4 portrait user space (595 x 842); the bbox is pdfplumber's, in the page as displayed
    (0, (98, 740, 202, 824)),      # bottom = 842 - (bbox_bottom + 2), top = 842 - (bbox_top - 2)
    (90, (18, 98, 102, 202)),      # displayed landscape: user x = top, user y = x
    (180, (393, 18, 497, 102)),
    (270, (493, 640, 577, 744)),
])
def test_pdf_rect_converts_pdfplumber_boxes_to_user_space(rotation, expected):
    page = FakePage((0.0, 0.0, 595.0, 842.0), rotation)
    assert pdf_rect(page, (100.0, 20.0, 200.0, 100.0)) == pytest.approx(expected)
    assert pdf_rect(page, (100.0, 20.0, 200.0, 100.0), margin=0)[2] - \
        pdf_rect(page, (100.0, 20.0, 200.0, 100.0), margin=0)[0] == pytest.approx(
            100.0 if rotation in (0, 180) else 80.0)


def test_coverage_reads_only_table_regions():
    from pipelines.ingest import build_facts, extract_document

    doc = extract_document(SAMPLE)
    facts = build_facts(doc)
    regions = table_regions(doc.tables)
    assert regions and all(boxes for boxes in regions.values())  # every table page has its regions
    in_tables = page_coverage(SAMPLE, facts, regions)
    whole_pages = page_coverage(SAMPLE, facts, sorted(regions))
    assert in_tables[0] > 0 and in_tables[0] <= whole_pages[0]
    # a region holding no table (the top margin of each page) has no amounts
    margins = {page: [(0.0, 0.0, 50.0, 10.0)] for page in regions}
    assert page_coverage(SAMPLE, facts, margins) == (0, 0, [])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")
def test_prose_after_a_table_end_is_not_counted():
    # js-jcy-2018-doc.pdf p.23: the 三公 table ends and the text under it restates its amounts
    report = corpus_report([CORPUS / "js-jcy-2018-doc.pdf"], seconds=300, workers=1)
    row = report.iloc[0]
    assert row.status == "loaded", row.error
    assert not [m for m in row.missing_amounts if m.startswith("23: ")], row.missing_amounts


def test_sample_empty_gov_fund_table():
    from pipelines.ingest import build_facts, extract_document

    doc = extract_document(SAMPLE)
    table = next(t for t in doc.tables if t.table_code == "gov_fund_expenditure")
    assert table.rows == []
    assert table.note and "没有使用政府性基金" in table.note
    facts = build_facts(doc)
    assert not (facts["table_code"] == "gov_fund_expenditure").any()


def test_render_plain_and_markdown(sample_report):
    plain = render(sample_report)
    assert SAMPLE.name in plain and "coverage" in plain and "missing_amounts" in plain
    markdown = render(sample_report, markdown=True)
    assert "| file" in markdown and f"### {SAMPLE.name}" in markdown


def test_cli_exit_code(capsys):
    assert main([str(SAMPLE), "--workers", "1"]) == 0
    assert SAMPLE.name in capsys.readouterr().out


# Files added to the corpus after the 99.5% floor was set, which the table reader on main does not
# read fully yet (coverage 0.31-0.98 on main as well; the table-reader rewrite owns them). They
# must still load; every other document keeps the floor. Remove a name once it reaches 99.5%.
NOT_YET_FULLY_READ = {
    "bj-sthjj-tables-2026.pdf", "cq-kjj-2026.pdf", "fj-fz-mzj-unit-2026.pdf", "fj-qz-gaj-unit-2026.pdf",
    "gd-fs-gdjt-final-2019.pdf", "gd-gz-wjw-2026.pdf", "gd-gz-xfj-2026.pdf", "gd-sz-czj-2026.pdf",
    "gd-sz-ybj-2026.pdf", "gd-zh-czj-2026.pdf", "js-sz-sthjj-2026.pdf", "js-wx-swj-2026.pdf",
    "sh-ptczj-final-2024.pdf", "sn-xa-gaj-2026.pdf", "sn-xa-qxj-2026.pdf",
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")
def test_corpus_report():
    report = corpus_report([CORPUS], seconds=300)
    print()
    print(render(report))
    files = set(report.file)
    assert BAD_DUMMY in files and len(files) == len(list(CORPUS.glob("*.pdf")))
    for row in report.itertuples(index=False):
        if row.file.startswith("bad-"):  # the corpus's files that are not PDFs (its README says so)
            assert row.status == "failed"
            assert "not a PDF" in row.error
        else:
            assert row.status == "loaded", f"{row.file}: {row.error}"
            assert not row.titles_missing, (row.file, row.titles_missing)
            if row.file in NOT_YET_FULLY_READ:
                assert row.amount_coverage < 0.995, f"{row.file} is read fully now: drop it from the list"
                continue
            # at least 99.5% of the amounts printed in each document's tables became facts
            assert pd.isna(row.amount_coverage) or row.amount_coverage >= 0.995, (row.file, row.missing_amounts)
