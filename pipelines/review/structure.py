"""The document as a whole: the tables its 目录 lists, notes on empty tables, the sections an
explanation must have, and the numbering of its headings.

    presentation.toc_table_missing   a table the 目录 lists is not in the document
    presentation.toc_order           the tables are not in the 目录's order
    presentation.empty_table_note    an empty table with no note saying why (on its page or in the prose)
    prose.empty_table_amount         an empty table whose amount the prose states as not zero
    presentation.section_missing     the explanation says nothing of 三公经费, 机关运行经费, 政府采购,
                                     国有资产 or 绩效 (vocab/review.yaml ``required_sections``)
    presentation.heading_sequence    headings 一、 二、 … with a number missing (一、 then 五、)

The explanation is the prose outside the 目录, the 名词解释 and the table titles; a document without
one (a tables attachment whose text is published apart) is not checked for sections or notes.
"""
from __future__ import annotations

import difflib
import re
from decimal import Decimal

from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.text import Paragraph, heading_marker, squeeze
from pipelines.review.vocab import review_vocab
from pipelines.vocabulary import normalise_title, parse_title, strip_ordinal

CATEGORY = "presentation"
_TOC = re.compile(r"^目录$")
_PRINTED_AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{2})(?![\d])")
SIMILAR_TITLE = 0.75  # a printed title this close to the listed one is the same table
MIN_EXPLANATION_SENTENCES = 3  # sentences stating a 预算/决算 amount: the document explains itself


# ---------------------------------------------------------------- the explanation
def toc_pages(review: Review) -> list[int]:
    """The 目录 page and the page after it when the list runs on (no part heading before it)."""
    for index, text in enumerate(review.doc.page_texts[:6]):
        lines = [squeeze(line) for line in text.split("\n")]
        if any(_TOC.match(line) for line in lines):
            pages = [index + 1]
            following = review.doc.page_texts[index + 1] if index + 1 < len(review.doc.page_texts) else ""
            if _looks_like_toc(following):
                pages.append(index + 2)
            return pages
    return []


def _looks_like_toc(text: str) -> bool:
    if _nonzero_amounts(text):
        return False  # a table page, whose rows are numbered like a 目录
    lines = [squeeze(line) for line in text.split("\n") if line.strip()]
    titled = [line for line in lines if heading_marker(line) or parse_title(strip_ordinal(line))]
    return bool(lines) and len(titled) >= 0.6 * len(lines) and not any("。" in line for line in lines)


def explanation(review: Review) -> list[Paragraph]:
    skip = set(toc_pages(review))
    glossary = review_vocab()["glossary_parts"]
    return [p for p in review.paragraphs if p.page not in skip and not (p.part and any(w in p.part for w in glossary))]


def has_explanation(review: Review) -> bool:
    """A part that explains (第三部分 …情况说明), or sentences stating amounts of the budget."""
    paragraphs = explanation(review)
    if any(p.part and _is_explained_part(p.part) for p in paragraphs):
        return True
    stating = [s for p in paragraphs for s in p.sentences()
               if re.search(r"\d万?元", s.text) and re.search(r"预算|决算", s.text)]
    return len(stating) >= MIN_EXPLANATION_SENTENCES


# ---------------------------------------------------------------- 目录
def _toc_entries(review: Review) -> list[tuple[int, str, str | None]]:
    """(page, title as listed, table family code) for each table the 目录 lists."""
    entries = []
    for page in toc_pages(review):
        for raw in review.doc.page_texts[page - 1].split("\n"):
            line = re.sub(r"[.…·．\-—]{2,}\s*\d*$|\s\d{1,3}$", "", squeeze(raw))
            line = strip_ordinal(re.sub(r"^表\s?\d{1,2}", "", line))
            listed = re.match(r"(.*表(?:[（(][^（()）]*[）)])?)", line)
            title_text = listed.group(1) if listed else ""
            title = parse_title(title_text) if title_text else None
            if title is not None and not title.is_form:
                entries.append((page, title_text, title.family.code if title.family else None))
    return entries


def _title_lines(review: Review, after: int) -> list[tuple[int, str]]:
    """(page, name) of every line after the 目录 that reads as a table title."""
    out = []
    for index, text in enumerate(review.doc.page_texts[after:], start=after + 1):
        for raw in text.split("\n"):
            title = parse_title(squeeze(raw))
            if title is not None:
                out.append((index, title.name))
    return out


def toc_findings(review: Review) -> list[Finding]:
    """Only documents with tables (a prose document whose tables are published apart lists them
    too) and only titles of a known table family (a 目录 also lists parts and sections)."""
    entries = [e for e in _toc_entries(review) if e[2] is not None]
    if not entries or not review.doc.tables:
        return []
    last_toc = max(page for page, _, _ in entries)
    title_lines = _title_lines(review, last_toc)
    listed_codes = [code for _, _, code in entries]
    findings = []
    placed = []
    for page, title, code in entries:
        name = normalise_title(title)
        printed_on = next((p for p, line_name in title_lines if line_name == name), None)
        if printed_on is None and listed_codes.count(code) == 1:  # the title printed in other words
            printed_on = next((min(t.pages) for t in review.doc.tables if t.table_code == code), None)
        if printed_on is not None:
            placed.append((printed_on, title))
            continue
        if code in {t.table_code for t in review.doc.tables} or any(
                difflib.SequenceMatcher(None, name, line_name).ratio() >= SIMILAR_TITLE for _, line_name in title_lines):
            continue  # printed under a title worded a little differently
        findings.append(Finding(
            "presentation.toc_table_missing", page, "目录列出的表在文件中找不到", title,
            "补上此表（或从目录中删去）", title, category=CATEGORY))
    findings += _order_findings(placed)
    return findings


def _order_findings(placed: list[tuple[int, str]]) -> list[Finding]:
    """The first table printed before one the 目录 lists ahead of it."""
    latest = (0, "")
    for page, title in placed:
        if page < latest[0]:
            return [Finding("presentation.toc_order", page, f"表的顺序与目录不一致：目录中“{title}”排在"
                            f"“{latest[1]}”之后", f"第{page}页“{title}”在第{latest[0]}页“{latest[1]}”之前",
                            "按目录顺序排列（或改正目录）", title, category=CATEGORY, severity="warning")]
        latest = max(latest, (page, title))
    return []


# ---------------------------------------------------------------- empty tables
def _empty_tables(review: Review):
    """Tables without an amount other than zero, in the facts and on their own pages: amounts on
    its page the reader did not load do not make a table empty (a page it shares with another
    table is read from the facts alone)."""
    facts = review.facts
    for table in review.doc.tables:
        rows = facts[facts.table_code == table.table_code] if len(facts) else facts
        if len(rows) and (rows.amount != 0).any():
            continue
        shared = {p for other in review.doc.tables if other is not table for p in other.pages}
        texts = [review.doc.page_texts[p - 1] for p in table.pages if p - 1 < len(review.doc.page_texts)]
        own = [review.doc.page_texts[p - 1] for p in table.pages if p not in shared and p - 1 < len(review.doc.page_texts)]
        if any(_nonzero_amounts(text) for text in own):
            continue
        yield table, texts


def _nonzero_amounts(text: str) -> bool:
    return any(Decimal(m.group(0).replace(",", "")) != 0 for m in _PRINTED_AMOUNT.finditer(text))


def empty_table_findings(review: Review) -> list[Finding]:
    if not has_explanation(review):
        return []
    spec = review_vocab()["empty_tables"]
    explained_in_prose = _prose_absences(review)
    findings = []
    for table, texts in _empty_tables(review):
        words = spec["funds"].get(table.table_code)
        if words is None:
            continue  # only the fund tables a template prints empty when a unit has no such fund
        page_text = squeeze("".join(texts))
        if table.note or any(w in page_text for w in spec["note_words"]):
            continue
        if any(w in sentence for w in words for sentence in explained_in_prose):
            continue
        findings.append(Finding(
            "presentation.empty_table_note", min(table.pages), "空表未注明原因（表下或说明中均无）",
            f"{normalise_title(table.title) or table.table_code}（空表）",
            "在表下注明“本单位（部门）无…，故本表为空”", table.title, category=CATEGORY,
            table_code=table.table_code))
    return findings


def _prose_absences(review: Review) -> list[str]:
    """Sentences saying a fund has nothing this year (无政府性基金…, 国有资本经营预算拨款支出预算为0)."""
    absent = re.compile("|".join(review_vocab()["empty_tables"]["absence_words"]))
    return [s.text for p in explanation(review) for s in p.sentences() if absent.search(s.text)]


def empty_table_amount_findings(review: Review) -> list[Finding]:
    """An empty table while the prose states its amount as more than zero."""
    prose = review.prose_amounts
    if prose.empty:
        return []
    topics = review_vocab()["empty_tables"]["topics"]
    findings = []
    for table, _ in _empty_tables(review):
        wanted = topics.get(table.table_code, [])
        stated = prose[prose.topic.isin(wanted) & (prose.fiscal_year == review.year)]
        stated = stated[stated.amount != 0]
        if stated.empty:
            continue
        row = stated.iloc[0]
        findings.append(Finding(
            "prose.empty_table_amount", int(row.page),
            f"说明中称此项金额为{row.amount}{row.unit}，但“{normalise_title(table.title)}”（第{min(table.pages)}页）为空表",
            f"{row.amount}{row.unit}", "表中列出该金额（或改正说明）", row.sentence, table_code=table.table_code,
            expected=Decimal(0), actual=Decimal(row.amount), unit=row.unit))
    return findings


# ---------------------------------------------------------------- sections
def section_findings(review: Review) -> list[Finding]:
    """One finding naming every section the explanation lacks."""
    if not has_explanation(review):
        return []
    kind = "final" if review.is_final else "budget"
    paragraphs = _explained(review)
    text = "".join(p.text for p in paragraphs if not _is_table_title(p))
    missing = [section["name"] for section in review_vocab()["required_sections"][kind]
               if (review.year or 0) >= section.get("from", 0) and not any(w in text for w in section["words"])]
    if not missing:
        return []
    names = "、".join(missing)
    return [Finding("presentation.section_missing", paragraphs[0].page if paragraphs else None,
                    f"说明部分没有{names}的内容", f"（缺）{names}", f"补充{names}的说明",
                    (paragraphs[0].part or paragraphs[0].lines[0].text) if paragraphs else None, category=CATEGORY)]


def _explained(review: Review) -> list[Paragraph]:
    """The paragraphs of the parts that explain (第三部分 …情况说明); without such parts, the
    explanation's paragraphs on pages without tables."""
    paragraphs = explanation(review)
    parts = [p for p in paragraphs if p.part and _is_explained_part(p.part)]
    if parts:
        return parts
    table_pages = {page for table in review.doc.tables for page in table.pages}
    return [p for p in paragraphs if p.page not in table_pages]


def _is_table_title(paragraph: Paragraph) -> bool:
    """A table's title line (not a numbered heading that names a table, （二）…绩效目标表)."""
    first = paragraph.lines[0].text
    return heading_marker(first) is None and parse_title(first) is not None


# ---------------------------------------------------------------- heading numbers
def heading_sequence_findings(review: Review) -> list[Finding]:
    """In each part of the explanation, 一、 二、 三、 … with no number skipped. A part may go on
    from the previous part's numbers (一 to 四 in 第一部分, 五 to 九 in 第二部分)."""
    findings = []
    previous_last = 0
    for part, headings in _headings_by_part(review):
        numbers = [h.marker.number for h in headings]
        if part and _is_explained_part(part):
            first = numbers[0]
            if first not in (1, previous_last + 1):
                findings.append(_gap(headings[0], list(range(1 if first <= previous_last else previous_last + 1, first))))
            for before, after in zip(headings, headings[1:]):
                missing = list(range(before.marker.number + 1, after.marker.number))
                if missing and not any(n in numbers for n in missing):
                    findings.append(_gap(after, missing))
        previous_last = numbers[-1]
    return findings


def _headings_by_part(review: Review) -> list[tuple[str | None, list[Paragraph]]]:
    """The 一、 二、 … headings of each part, in order (lines inside ruled tables are not prose)."""
    groups: dict[str | None, list[Paragraph]] = {}
    for paragraph in explanation(review):
        marker = paragraph.marker
        if paragraph.opens_with_heading and marker and marker.kind == "cn":
            groups.setdefault(paragraph.part, []).append(paragraph)
    return list(groups.items())


def _is_explained_part(part: str) -> bool:
    spec = review_vocab()
    return (any(w in part for w in spec["explanation_parts"])
            and not any(part.endswith(w) for w in spec["explanation_parts_not"]))


def _gap(heading: Paragraph, missing: list[int]) -> Finding:
    names = "、".join(_cn(n) for n in missing)
    return Finding("presentation.heading_sequence", heading.page, f"标题序号不连续：缺少“{names}、”",
                   heading.lines[0].text, "补上缺少的部分（或改正序号）", heading.lines[0].text,
                   category=CATEGORY, severity="warning")


def _cn(number: int) -> str:
    digits = "一二三四五六七八九"
    if number < 10:
        return digits[number - 1]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[units - 1] if units else "")
