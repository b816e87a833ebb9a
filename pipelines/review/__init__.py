"""Document review: the findings a careful reviewer makes in the prose and the presentation of a
budget or final account, as validation_results rows (categories prose and presentation).

    review_document(doc, facts, prose) -> DataFrame[VALIDATION_COLUMNS]

Each rule is a small function of one family module (arithmetic, repeated, prior_year, wording,
names, structure) taking the document's Review and returning Findings; their words are data in
vocab/review.yaml and every rule is described in docs/review.md. A rule that finds nothing leaves
one passed row, so an analyst sees what was checked. One source defect is one finding: the same
rule reporting the same printed text on the same page again is folded into the first report.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from pipelines.model import VALIDATION_COLUMNS, ExtractedDocument, empty_frame
from pipelines.review import arithmetic, names, prior_year, repeated, structure, wording
from pipelines.review.context import Review
from pipelines.review.finding import Finding, passed

Rule = Callable[[Review], list[Finding]]

# (rule, check_id, category, what it checks — the passed row's message)
RULES: list[tuple[Rule, str, str, str]] = [
    (arithmetic.change_findings, "prose.change_percent", "prose", "增减额、增减百分比与所列金额的一致性"),
    (arithmetic.share_findings, "prose.share_percent", "prose", "占比与金额的一致性"),
    (arithmetic.execution_findings, "prose.execution_rate", "prose", "预算完成率及决算与预算的比较用词"),
    (repeated.repeated_findings, "prose.repeated_amount", "prose", "同一数额前后说法的一致性"),
    (prior_year.prior_year_table_findings, "prose.prior_year_table", "prose", "说明所述上年数与表中上年栏"),
    (structure.empty_table_amount_findings, "prose.empty_table_amount", "prose", "空表与说明所述金额"),
    (wording.placeholder_findings, "presentation.placeholder", "presentation", "模板占位内容"),
    (wording.unfinished_findings, "presentation.unfinished_sentence", "presentation", "未写完的句子"),
    (wording.punctuation_findings, "presentation.punctuation", "presentation", "重复或多余的标点"),
    (wording.heading_year_findings, "presentation.heading_year", "presentation", "标题中的年份"),
    (wording.as_of_findings, "presentation.as_of_date", "presentation", "资产情况的截止日期"),
    (wording.document_year_findings, "presentation.document_year", "presentation", "文中所称文件年度"),
    (names.retired_name_findings, "presentation.retired_name", "presentation", "已停用的功能分类名称"),
    (names.kind_wording_findings, "presentation.kind_wording", "presentation", "部门/单位口径的表述"),
    (names.unit_name_findings, "presentation.unit_name", "presentation", "文中所称单位名称"),
    (structure.toc_findings, "presentation.toc_table_missing", "presentation", "目录所列各表是否齐全、有序"),
    (structure.empty_table_findings, "presentation.empty_table_note", "presentation", "空表是否注明原因"),
    (structure.section_findings, "presentation.section_missing", "presentation", "说明部分应有的各节"),
    (structure.heading_sequence_findings, "presentation.heading_sequence", "presentation", "标题序号"),
]


# every check id the rules write (some rules write more than the one their passed row names)
CHECK_IDS = frozenset([check for _, check, _, _ in RULES] + [
    "prose.change_direction", "prose.change_amount", "prose.flat_claim", "prose.execution_relation",
    "presentation.toc_order",
])


def run_rules(review: Review) -> list[Finding]:
    findings: list[Finding] = []
    for rule, check_id, category, what in RULES:
        found = fold_repeats(rule(review))
        findings += found or [passed(check_id, category, what)]
    return findings


# the same words printed again on a page are one defect to correct (a leftover, a wrong name);
# for the other rules each sentence is its own
FOLDED_BY_PAGE = {"presentation.placeholder", "presentation.kind_wording", "presentation.retired_name",
                  "presentation.punctuation", "presentation.document_year", "presentation.as_of_date"}


def fold_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, page and printed text (and sentence, for the rules not folded by page)."""
    first: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    kept: list[Finding] = []
    for finding in findings:
        sentence = None if finding.check_id in FOLDED_BY_PAGE else finding.sentence
        key = (finding.check_id, finding.page, finding.printed, sentence, finding.passed)
        if finding.passed or key not in first:
            first.setdefault(key, len(kept))
            kept.append(finding)
        counts[key] = counts.get(key, 0) + 1
    for key, index in first.items():
        if counts[key] > 1 and not key[4]:
            original = kept[index]
            kept[index] = _with_count(original, counts[key])
    return kept


def _with_count(finding: Finding, count: int) -> Finding:
    return replace(finding, why=f"{finding.why}（本页共{count}处）")


def review_document(doc: ExtractedDocument, facts: pd.DataFrame, prose: pd.DataFrame) -> pd.DataFrame:
    rows = [f.row(doc.info.document_id) for f in run_rules(Review(doc, facts, prose))]
    if not rows:
        return empty_frame(VALIDATION_COLUMNS)
    frame = pd.DataFrame(rows, columns=VALIDATION_COLUMNS)
    frame["passed"] = frame["passed"].astype(bool)
    frame["page"] = frame["page"].astype("Int64")
    return frame
