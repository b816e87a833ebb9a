"""The same quantity stated twice with two values (prose.repeated_amount).

A quantity is the first clause of a sentence (after a label such as （一）收入预算：), up to its first
amount, naming one of the anchors of vocab/review.yaml (收入预算, “三公”经费, 机关运行经费 …) and none
of the words that make it a part or a comparison; its year is the one the clause prints, else the
document's. A budget balances, so its 收入预算, 支出预算 and 收支预算 are one quantity. Two sentences stating
the same quantity with amounts that differ by more than the rounding of the printed unit disagree.
"""
from __future__ import annotations

import re

from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.numbers import Amount, amounts, without_parentheses
from pipelines.review.structure import explanation
from pipelines.review.text import Sentence, heading_marker
from pipelines.review.vocab import review_vocab

_YEAR = re.compile(r"(20\d\d)年度?")
_LEADING = re.compile(r"^(?:其中|本部门|本单位|我局|本局|我单位|全年|当年)+")
_TRAILING = re.compile(r"(?:为|是|共|合计|共计|约|达|安排)+$")
_LABEL = re.compile(r"^[^，,；;。\d]{1,10}[：:]")  # （一）收入预算：2026年收入预算7,370.46万元


def quantity(sentence: Sentence, review: Review) -> tuple[tuple[int, str], Amount] | None:
    """((year, the quantity's name), its amount) of a sentence that states one."""
    text, _ = without_parentheses(sentence.body)
    found = amounts(text)
    if not found:
        return None
    head = text[:found[0].start]
    if re.search(r"[，,；;、]", head) or re.search(r"[：:]", _LABEL.sub("", _unmarked(head), count=1)):
        return None  # the amount is not in the first clause
    marker = heading_marker(head)
    if marker:
        head = head[len(marker.text):]
    head = _LABEL.sub("", head, count=1)
    years = _YEAR.findall(head)
    name = _YEAR.sub("", head)
    if review.info.unit_name:
        name = name.replace(review.info.unit_name, "")
    name = _TRAILING.sub("", _LEADING.sub("", name))
    spec = review_vocab()
    if not any(w in name for w in spec["repeated_anchors"]) or any(w in name for w in spec["repeated_exclude"]):
        return None
    if not review.is_final:
        name = spec["repeated_same_in_budgets"].get(name, name)
    return (int(years[-1]) if years else review.year or 0, name), found[0]


def _unmarked(head: str) -> str:
    marker = heading_marker(head)
    return head[len(marker.text):] if marker else head


def repeated_findings(review: Review) -> list[Finding]:
    first: dict[tuple[int, str], tuple[Amount, Sentence]] = {}
    findings = []
    for paragraph in explanation(review):
        for sentence in paragraph.sentences():
            stated = quantity(sentence, review)
            if stated is None:
                continue
            key, amount = stated
            if key not in first:
                first[key] = (amount, sentence)
                continue
            earlier, where = first[key]
            if abs(earlier.yuan - amount.yuan) <= max(earlier.step_yuan, amount.step_yuan) / 2:
                continue
            findings.append(Finding(
                "prose.repeated_amount", sentence.page,
                f"同一数额前后说法不一：第{where.page}页称“{key[1]}”为{earlier.text}（“{where.text[:60]}”）",
                amount.text, f"与第{where.page}页一致（{earlier.text}），或改正其中一处", sentence.text,
                expected=earlier.value, actual=amount.value,
                unit=amount.unit if amount.unit in ("元", "万元") else None))
    return findings
