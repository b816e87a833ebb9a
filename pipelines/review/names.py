"""Names: classes called by a name a reform retired, a 单位 document speaking as a 部门 (or the
reverse), and the prose naming another unit as the owner of this document.

    presentation.retired_name   医疗卫生与计划生育支出 in a 2024 document (卫生健康支出 since 2019),
                                in the prose or in a table row (every page's text is read)
    presentation.kind_wording   部门预算安排 / 本部门 in a 单位预算
    presentation.unit_name      <another unit>2026年部门预算 in this unit's document

Vocabulary: vocab/review.yaml (retired_names, kind_wording, organisation_suffixes).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.text import squeeze
from pipelines.review.vocab import review_vocab
from pipelines.units import area_prefix, known_name

CATEGORY = "presentation"


def retired_name_findings(review: Review) -> list[Finding]:
    """The prose's sentences, then every page's text (tables print class names too); one finding
    per name per page."""
    if review.year is None:
        return []
    renames = [r for r in review_vocab()["retired_names"] if review.year >= r["from"]]
    table_by_page = _table_by_page(review)
    found: dict[tuple[int, str], str] = {}  # (page, old name) -> where it is printed
    for paragraph in review.paragraphs:
        for sentence in paragraph.sentences():
            for rename in renames:
                if rename["old"] in sentence.text:
                    found.setdefault((sentence.page, rename["old"]), sentence.text)
    for index, text in enumerate(review.doc.page_texts):
        for raw in text.split("\n"):
            for rename in renames:
                if rename["old"] in squeeze(raw):
                    token = next((t for t in raw.split() if rename["old"] in t), squeeze(raw))
                    found.setdefault((index + 1, rename["old"]), token)
    findings = []
    for (page, old), where in sorted(found.items()):
        rename = next(r for r in renames if r["old"] == old)
        findings.append(Finding(
            "presentation.retired_name", page,
            f"“{old}”是{rename['from']}年起已停用的支出功能分类名称（{rename['code']}），"
            f"{review.year}年应称“{rename['new']}”",
            old, f"“{rename['new']}”", where, category=CATEGORY, table_code=table_by_page.get(page)))
    return findings


def _table_by_page(review: Review) -> dict[int, str]:
    facts = review.facts
    if facts.empty:
        return {}
    return {int(page): str(group.table_code.iloc[0]) for page, group in facts.groupby("page")}


def kind_wording_findings(review: Review) -> list[Finding]:
    spec = review_vocab()["kind_wording"].get(review.kind or "")
    if not spec:
        return []
    pattern = re.compile("|".join(map(re.escape, sorted(spec["wrong"], key=len, reverse=True))))
    findings = []
    for paragraph in review.paragraphs:
        for match in pattern.finditer(paragraph.text):
            sentence = paragraph.sentence_at(match.start())
            wrong = match.group(0)
            findings.append(Finding(
                "presentation.kind_wording", sentence.page,
                f"本文件是{review.kind}，文中却按{_other(review.kind)}的口径表述",
                wrong, f"“{wrong.replace(spec['from'], spec['to'], 1)}”", sentence.text, category=CATEGORY))
    return findings


def _other(kind: str) -> str:
    return kind.replace("单位", "部门") if kind.startswith("单位") else kind.replace("部门", "单位")


@lru_cache(maxsize=None)
def _owner_pattern() -> re.Pattern:
    suffixes = "|".join(sorted(review_vocab()["organisation_suffixes"], key=len, reverse=True))
    return re.compile(rf"(?P<name>[\u4e00-\u9fff（）()]{{2,40}}?(?:{suffixes})(?:[（(]本级[)）])?)"
                      rf"(?:20\d\d年度?)?(?P<kind>部门|单位)(?:综合)?(?:预算|决算)")


def unit_name_findings(review: Review) -> list[Finding]:
    own = {known_name(n) for n in (review.info.unit_name, review.info.supervisor) if n}
    if not own:
        return []
    findings = []
    for paragraph in review.paragraphs:
        for match in _owner_pattern().finditer(paragraph.text):
            name = _from_area(match.group("name"))
            if name is None or _same_unit(name, own):
                continue
            sentence = paragraph.sentence_at(match.start())
            findings.append(Finding(
                "presentation.unit_name", sentence.page,
                f"文中把本{match.group('kind')}的预算或决算归于另一单位（封面为“{review.info.unit_name}”）",
                name, f"“{review.info.unit_name}”", sentence.text, category=CATEGORY))
    return findings


def _from_area(text: str) -> str | None:
    """The name from where an administrative area starts (机构设置情况烟台市教育局 -> 烟台市教育局)."""
    for start in range(len(text)):
        found = area_prefix(text[start:])
        if found is not None and found[1]:
            return text[start:]
    return None


def _same_unit(name: str, own: set[str]) -> bool:
    known = known_name(name)
    return any(known == o or known.startswith(o) or o.startswith(known) for o in own)
