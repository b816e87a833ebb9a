"""Document metadata as printed: unit, supervisor, fiscal year, kind."""
from __future__ import annotations

import re
from collections import Counter

from pipelines.model import DocumentInfo, ExtractedTable, PerformanceForm
from pipelines.vocabulary import compact

UNIT_NAME_PATTERN = re.compile(
    r"(?:部门（单位）|部门\(单位\)|编制部门|编制单位|预算单位|单位名称|部门名称|部门)[:：]\s*([^\s:：]{2,40}?)(?=\s|单位[:：]|金额单位|$)"
)
SUPERVISOR_PATTERN = re.compile(r"(?:预算)?主管部门[:：]?\s*([^\s:：]{2,40}?)(?=\s|$)")
YEAR_KIND_PATTERN = re.compile(r"(20\d\d)\s*年(?:度)?\s*(?:[区市省县]级)?\s*(?:预算)?(部门|单位)\s*预算")


def read_metadata(reads, tables: list[ExtractedTable], forms: list[PerformanceForm],
              info: DocumentInfo, cover_text: list[str]) -> None:
    all_text = [(i + 1, line) for i, text in enumerate(cover_text) for line in text.splitlines()]
    all_text += [(p.number, ln.text) for p in reads for ln in p.lines if p.number > len(cover_text)]
    names = Counter()
    for _, text in all_text:
        for m in UNIT_NAME_PATTERN.finditer(text):
            name = m.group(1).strip()
            if not re.search(r"万元|^元$|预算|情况", name):
                names[name] += 1
    if names:
        info.unit_name = names.most_common(1)[0][0]
    else:
        cover = [t for n, t in all_text if n <= 2][:6]
        for i, text in enumerate(cover):
            m = YEAR_KIND_PATTERN.search(compact(text))
            if m:
                before = compact(text)[: m.start()] or (compact(cover[i - 1]) if i else "")
                if re.fullmatch(r"20\d\d年", before) and i >= 1:
                    before = ""
                info.unit_name = before or (compact(cover[i + 1]) if i + 1 < len(cover) else None)
                if not info.unit_name and i >= 1:
                    info.unit_name = compact(cover[i - 1]) if not re.fullmatch(r"20\d\d年", compact(cover[i - 1])) else None
                break
        if not info.unit_name:
            # seed style cover: 2024年 / <unit> / 单位预算
            lines = [compact(t) for n, t in all_text if n == 1]
            for i, t in enumerate(lines):
                if t in ("单位预算", "部门预算") and i >= 1:
                    info.unit_name = lines[i - 1]
    for _, text in all_text:
        if m := SUPERVISOR_PATTERN.search(text):
            info.supervisor = m.group(1)
            break
    if info.supervisor is None:
        for form in forms:
            for row in form.rows:
                texts = [compact(c.text) for c in row if compact(c.text)]
                if texts and texts[0] == "主管部门" and len(texts) > 1:
                    info.supervisor = texts[1]
                    break
            if info.supervisor:
                break
    joined = "\n".join(compact(t) for n, t in all_text if n <= 3)
    m = YEAR_KIND_PATTERN.search(joined) or YEAR_KIND_PATTERN.search("\n".join(compact(t) for _, t in all_text))
    if m:
        info.fiscal_year = int(m.group(1))
        info.doc_kind = f"{m.group(2)}预算"
    else:
        years = Counter(int(y) for t in tables for y in re.findall(r"(20\d\d)年", t.title))
        if not years:
            years = Counter(int(y) for _, text in all_text for y in re.findall(r"(20\d\d)年", text))
        info.fiscal_year = years.most_common(1)[0][0] if years else None
        info.doc_kind = "单位预算" if any("单位预算" in compact(t) or "预算单位" in compact(t) for _, t in all_text[:80]) else "部门预算"
    units = Counter(t.unit for t in tables if t.unit)
    info.amount_unit = units.most_common(1)[0][0] if units else None


ORGANISATION_AT_SENTENCE_START = re.compile(
    r"^([\u4e00-\u9fff（）()]{3,30}?(?:厅|局|委|院|会|室|中心|所|站|办|部|馆|校|社|队|处|政府|委员会|办事处))"
    r"\s*(?:20\d\d\s*年度?|本年)")


def unit_named_in_prose(page_texts) -> str | None:
    """The organisation most often opening a sentence such as 江苏省政协办公厅 2019 年度收入…预算
    (for prose documents whose cover is an image and that print no table captions)."""
    names = Counter()
    for text in page_texts:
        for line in text.splitlines():
            if m := ORGANISATION_AT_SENTENCE_START.match(compact(line)):
                names[m.group(1)] += 1
    return names.most_common(1)[0][0] if names else None
