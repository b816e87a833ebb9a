"""How the prose is written: template leftovers, unfinished sentences, doubled punctuation, and years
that are not the document's.

    presentation.placeholder           增加（减少）, XX局, （如有）, （增加内容） left from the template
    presentation.unfinished_sentence   主要原因是。 / 部门预算包括：。 / 收入预算：2026年。 / a paragraph that
                                       stops mid-sentence (…安排604.53万元，) before the next heading
    presentation.punctuation           。。 ，， ，。 and the like
    presentation.heading_year          a heading naming a year that is not the document's
    presentation.as_of_date            截至2023年12月31日 in a 2026 budget (a budget states its assets at the
                                       end of the year before or early in its year; final accounts at the
                                       end of their year)
    presentation.document_year         2025年部门预算编制范围 in a 2026 budget

Vocabulary: vocab/review.yaml (placeholders, unfinished_endings, unfinished_patterns, years).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.text import TERMINAL, Paragraph
from pipelines.review.vocab import review_vocab

CATEGORY = "presentation"


# ---------------------------------------------------------------- template leftovers
@lru_cache(maxsize=None)
def _placeholder_patterns() -> tuple[re.Pattern, ...]:
    spec = review_vocab()["placeholders"]
    words = "|".join(sorted(spec["alternatives"], key=len, reverse=True))
    alternatives = re.compile(rf"(?P<a>{words})[（(](?P<b>{words})[)）]")
    return (alternatives,) + tuple(re.compile(p) for p in spec["patterns"])


def placeholder_findings(review: Review) -> list[Finding]:
    findings = []
    for paragraph in review.paragraphs:
        for pattern in _placeholder_patterns():
            for match in pattern.finditer(paragraph.text):
                if "a" in pattern.groupindex and match.group("a") == match.group("b"):
                    continue
                sentence = paragraph.sentence_at(match.start())
                findings.append(Finding(
                    "presentation.placeholder", sentence.page, "模板占位内容未替换或未删除", match.group(0),
                    _placeholder_fix(match), sentence.text, category=CATEGORY))
    return findings


def _placeholder_fix(match: re.Match) -> str:
    if "a" in match.re.groupindex:
        return f"按实际情况写“{match.group('a')}”或“{match.group('b')}”其中之一"
    return "实际内容（或删去）"


# ---------------------------------------------------------------- unfinished sentences
@lru_cache(maxsize=None)
def _unfinished_pattern() -> re.Pattern:
    spec = review_vocab()
    endings = "|".join(map(re.escape, sorted(spec["unfinished_endings"], key=len, reverse=True)))
    extra = "|".join(spec["unfinished_patterns"])
    return re.compile(rf"(?:(?:{endings})|{extra})[{TERMINAL}]+$")


def _tail(text: str) -> str:
    """The sentence's last clause (what the reader sees stop), at most 30 characters."""
    if len(text) <= 30:
        return text
    body = text.rstrip("。；;，,、：: ")
    start = max(body.rfind(c) for c in "，,；;：:") + 1
    clause = text[start:]
    return clause if 2 <= len(clause) <= 30 else text[-30:]


def unfinished_findings(review: Review) -> list[Finding]:
    findings = []
    table_pages = {page for table in review.doc.tables for page in table.pages}
    paragraphs = review.paragraphs
    for index, paragraph in enumerate(paragraphs):
        for sentence in paragraph.sentences():
            if sentence.finished and _unfinished_pattern().search(sentence.text):
                findings.append(Finding(
                    "presentation.unfinished_sentence", sentence.page, "句子未写完，缺少应有的内容",
                    _tail(sentence.body), "写明所述内容（如原因、金额或所含项目）", sentence.text,
                    category=CATEGORY))
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if following is not None and _stops_mid_sentence(paragraph, following, table_pages):
            last = paragraph.sentences()[-1]
            cut = last.text[-1] in "，,、"
            findings.append(Finding(
                "presentation.unfinished_sentence", last.page,
                "句子未写完就转入下一标题" if cut else "段落末句缺少句号",
                _tail(last.text), "补全句子" if cut else "句末加“。”", last.text, category=CATEGORY,
                severity="error" if cut else "warning"))
    return findings


def _stops_mid_sentence(paragraph: Paragraph, following: Paragraph, table_pages: set[int]) -> bool:
    """The paragraph's last sentence has no end mark although a heading follows: it is a sentence
    (a clause with a comma) on a page without tables, not a heading or a row of a text table."""
    last = paragraph.sentences()[-1] if paragraph.sentences() else None
    if last is None or last.finished or last.page in table_pages or paragraph.is_heading:
        return False
    text = last.text
    cut = text[-1] in "，,、"
    if text[-1] in "：:”\"）)" or text[-1].isdigit() or text[-1] in "%％" or "，" not in text and "," not in text:
        return False
    if len(text) < (6 if cut else 15) or "：" in text or ":" in text:
        return False  # after a colon comes a list or a table, not the sentence's end
    # the heading is on the same page: across a page break a text layer may list boxes out of order
    # …万元， then a line 其中： goes on with the list; …预算 then 其中： lost its full stop
    opens = following.opens_with_heading or (following.opens_a_list and not cut)
    return opens and following.page == paragraph.lines[-1].page


# ---------------------------------------------------------------- punctuation
_DOUBLED = re.compile(r"([。，、；：！？])\1+|[，、；][。！？]|。[，、；：]|[，、][，、；]")


def punctuation_findings(review: Review) -> list[Finding]:
    """Within one printed line: a mark alone on a line is the text layer's order, not the author's."""
    findings = []
    for paragraph in review.paragraphs:
        offset = 0
        for line in paragraph.lines:
            for match in _DOUBLED.finditer(line.text):
                findings.append(_punctuation_finding(paragraph, offset + match.start(), match.group(0)))
            offset += len(line.text)
    return findings


def _punctuation_finding(paragraph: Paragraph, at: int, marks: str) -> Finding:
    sentence = paragraph.sentence_at(max(at - 1, 0))
    return Finding("presentation.punctuation", sentence.page, "标点重复或多余", marks, f"“{_kept_mark(marks)}”",
                   sentence.text, category=CATEGORY, severity="warning")


def _kept_mark(marks: str) -> str:
    """The mark a reader expects: the sentence end if one is there, else the first mark."""
    return next((m for m in marks if m in "。！？"), marks[0])


# ---------------------------------------------------------------- years
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年")
_AS_OF = re.compile(r"(?:截至|截止)(?:到)?(?P<year>20\d\d)年")
_DOCUMENT_YEAR = re.compile(r"(?<!\d)(?P<year>20\d\d)年度?(?:部门|单位)(?:综合)?(?:预算|决算)")


def _years_spec() -> dict:
    return review_vocab()["years"]


def heading_year_findings(review: Review) -> list[Finding]:
    if review.year is None:
        return []
    findings = []
    spec = _years_spec()
    for paragraph in review.paragraphs:
        heading = paragraph.lines[0].text
        if not (paragraph.opens_with_heading or (paragraph.part and paragraph.part.startswith(heading))):
            continue
        for match in _YEAR.finditer(heading):
            year = int(match.group(1))
            if year == review.year or (year == review.year - 1 and any(w in heading for w in spec["prior_year_words"])):
                continue
            findings.append(Finding(
                "presentation.heading_year", paragraph.page, f"标题中的年份不是本文件的年度（{review.year}年）",
                heading, f"“{review.year}年”", heading, category=CATEGORY))
    return findings


def as_of_findings(review: Review) -> list[Finding]:
    if review.year is None:
        return []
    allowed = {review.year, review.year + 1} if review.is_final else {review.year - 1, review.year}
    findings = []
    for paragraph in review.paragraphs:
        for match in _AS_OF.finditer(paragraph.text):
            year = int(match.group("year"))
            if year in allowed:
                continue
            sentence = paragraph.sentence_at(match.start())
            expected = review.year if review.is_final else review.year - 1
            findings.append(Finding(
                "presentation.as_of_date", sentence.page,
                f"{'决算' if review.is_final else '预算'}说明资产情况的截止日期应在"
                f"{'、'.join(str(y) for y in sorted(allowed))}年", match.group(0), f"“截至{expected}年…”",
                sentence.text, category=CATEGORY))
    return findings


def document_year_findings(review: Review) -> list[Finding]:
    if review.year is None:
        return []
    spec = _years_spec()
    findings = []
    for paragraph in review.paragraphs:
        text = paragraph.text
        for match in _DOCUMENT_YEAR.finditer(text):
            year = int(match.group("year"))
            before, after = text[max(0, match.start() - 6):match.start()], text[match.end():match.end() + 4]
            if (year == review.year or any(w in before for w in spec["comparison_before"])
                    or any(after.startswith(w) for w in spec["comparison_after"])):
                continue
            sentence = paragraph.sentence_at(match.start())
            findings.append(Finding(
                "presentation.document_year", sentence.page,
                f"文中称本文件为另一年度的{match.group(0)[len(match.group('year')) + 1:].lstrip('度')}",
                match.group(0), f"“{match.group(0).replace(match.group('year'), str(review.year), 1)}”",
                sentence.text, category=CATEGORY))
    return findings
