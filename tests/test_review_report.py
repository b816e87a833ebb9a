"""The review end to end on PDFs: a variant of the bundled sample with defects planted in its prose
(rendered by pipelines.sample), `budget review` writing the HTML and .xlsx reports, the HTML opened
in headless Chromium (each finding and its page shown; screenshot test-artifacts/review-report.png),
and `budget review` on a corpus document."""
from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from assets import cli
from conftest import CORPUS, SAMPLE_PDF, process
from pipelines.review import CHECK_IDS
from pipelines.sample import load_description, render_sample

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "test-artifacts" / "review-report.png"

# (text of the seed's prose, planted text, the check that must find it, text on the page it is on)
PLANTED = [
    ("比上年增加20,354.66万元，其中：", "比上年增加20,354.66万元，增长2.06%，其中：", "prose.change_percent", "增长2.06%"),
    ("主要原因是：进一步合理规划运行机制，公用费用有所降低。", "主要原因是。", "presentation.unfinished_sentence",
     "较2023年预算减少2.07万元"),
    ("截至2023年12月31日", "截至2021年12月31日", "presentation.as_of_date", "截至2021年12月31日"),
    ("2024年预算未安排购置单位价值100万元以上大型设备。", "2024年部门预算安排购置单位价值100万元以上大型设备0台（套）。",
     "presentation.kind_wording", "部门预算安排购置"),
]
SEED_DEFECT = ("presentation.placeholder", "收支预算增加（减少）的主要原因")  # in the seed as published


def planted_description() -> dict:
    description = load_description()
    planted = {old: new for old, new, _, _ in PLANTED}
    for section in description["sections"]:
        for block in section.get("blocks", []) if section.get("kind") == "prose" else []:
            for old, new in planted.items():
                if "p" in block and old in block["p"]:
                    block["p"] = block["p"].replace(old, new)
    return description


def page_of(pdf: Path, text: str) -> int:
    """The page whose text layer holds ``text`` (whitespace ignored), read with pypdfium2."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            found = text in "".join(textpage.get_text_range().split())
            textpage.close()
            page.close()
            if found:
                return index + 1
    finally:
        document.close()
    raise AssertionError(f"{text!r} is on no page of {pdf}")


@pytest.fixture(scope="module")
def planted_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "planted-review.pdf"
    render_sample(path, planted_description())
    return path


@pytest.fixture(scope="module")
def expected(planted_pdf) -> list[tuple[str, int]]:
    return sorted([(check, page_of(planted_pdf, where)) for _, _, check, where in PLANTED]
                  + [(SEED_DEFECT[0], page_of(planted_pdf, SEED_DEFECT[1]))])


def test_each_planted_defect_is_found_at_its_page(planted_pdf, expected):
    *_, validation = process(planted_pdf)
    review = validation[validation.check_id.isin(CHECK_IDS) & ~validation.passed]
    assert sorted(zip(review.check_id, review.page.astype(int))) == expected, review.message.tolist()
    percent = review[review.check_id == "prose.change_percent"].iloc[0]
    assert "应为增长20.57%" in percent.message


def test_the_sample_as_published_has_only_its_own_leftover():
    *_, validation = process(SAMPLE_PDF)
    review = validation[validation.check_id.isin(CHECK_IDS) & ~validation.passed]
    assert list(review.check_id) == [SEED_DEFECT[0]]
    assert "增加（减少）" in review.iloc[0].message


@pytest.fixture(scope="module")
def report(planted_pdf, tmp_path_factory):
    """`budget review` on the planted sample: (exit code, printed lines, html, xlsx)."""
    out = tmp_path_factory.mktemp("reports")
    database = out / "no-warehouse.duckdb"
    import contextlib
    import io
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["review", str(planted_pdf), "--out", str(out), "--db", str(database)])
    lines = printed.getvalue().splitlines()
    html = Path(next(line for line in lines if line.startswith("Report: ")).removeprefix("Report: "))
    xlsx = Path(next(line for line in lines if line.startswith("Workbook: ")).removeprefix("Workbook: "))
    return code, lines, html, xlsx


def test_budget_review_writes_both_reports(report, expected):
    code, lines, html, xlsx = report
    assert code == 0 and html.exists() and xlsx.exists() and html.parent == xlsx.parent
    text = html.read_text(encoding="utf-8")
    assert text.count('<article class="finding') >= len(expected)
    sheet = load_workbook(xlsx).active
    rows = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]
    assert len(rows) == text.count('<article class="finding')
    review_rows = [r for r in rows if r[8] in CHECK_IDS]
    assert sorted((r[8], r[1]) for r in review_rows) == expected
    assert all(r[5] and r[6] and r[7] for r in review_rows)  # printed, should be, why
    assert len(sheet._images) == len(rows)  # a picture per finding


def test_a_corpus_document_report(corpus_dir, tmp_path):
    code = cli.main(["review", str(corpus_dir / "sh-welfare-unit-2024.pdf"), "--out", str(tmp_path),
                     "--db", str(tmp_path / "none.duckdb")])
    assert code == 0
    (html,) = tmp_path.glob("*.html")
    (xlsx,) = tmp_path.glob("*.xlsx")
    text = html.read_text(encoding="utf-8")
    for shown in ("主要原因是。", "（增加内容）", "医疗卫生与计划生育支出", "第16页", "第6页", "第7页", "第10页"):
        assert shown in text
    rows = [r for r in load_workbook(xlsx).active.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert sorted(r[1] for r in rows if r[8] in CHECK_IDS) == [6, 7, 10, 16, 16]


# ---------------------------------------------------------------- in a browser
FINDINGS_JS = ("[...document.querySelectorAll('article.finding')].map(a => ({page: a.dataset.page, "
               "check: a.dataset.check, text: a.innerText, section: a.closest('section').querySelector('h2').innerText,"
               " image: !!a.querySelector('img.thumb') && a.querySelector('img.thumb').naturalWidth > 0}))")


def test_the_report_in_chromium(report, expected, tmp_path):
    from test_ui import CHROMIUM, CHROMIUM_FLAGS, DevTools, devtools_page_url, stop

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    websockets_client = pytest.importorskip("websockets.sync.client")
    _, _, html, _ = report
    profile = tmp_path / "chromium-profile"
    browser = subprocess.Popen(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
         "--window-size=1200,1800", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        with websockets_client.connect(devtools_page_url(profile, browser), max_size=None) as websocket:
            tools = DevTools(websocket)
            tools.call("Page.enable")
            tools.call("Page.navigate", url=html.as_uri())
            import time
            deadline = time.monotonic() + 30
            shown = []
            while time.monotonic() < deadline:
                # the page may still be parsing (its thumbnails are inline): only a complete one counts
                if tools.js("document.readyState") != "complete":
                    time.sleep(0.3)
                    continue
                shown = tools.js(FINDINGS_JS) or []
                if shown and all(item["image"] for item in shown):
                    break
                time.sleep(0.3)
            metrics = tools.call("Page.getLayoutMetrics")
            height = int(metrics["cssContentSize"]["height"])
            tools.call("Emulation.setDeviceMetricsOverride", width=1200, height=min(height, 6000),
                       deviceScaleFactor=1, mobile=False)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            SCREENSHOT.write_bytes(base64.b64decode(tools.call("Page.captureScreenshot", format="png")["data"]))
    finally:
        stop(browser)
    by_check = {(item["check"], int(item["page"])): item for item in shown if item["page"]}
    for check, page in expected:
        item = by_check.get((check, page))
        assert item is not None, f"{check} on p.{page} not shown; shown: {list(by_check)}"
        assert item["section"] == f"第{page}页" and f"第{page}页" in item["text"]
        assert "印为" in item["text"] and "应为" in item["text"] and item["image"]
