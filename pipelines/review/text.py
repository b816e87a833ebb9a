"""The document's prose as a reviewer reads it: parts, headings, paragraphs and sentences, each
with the page it starts on.

    read_prose(doc) -> Prose

Lines come from the reader's prose pages (text outside ruled grids). Page footers (— 29 —, - 3 -)
are dropped; a sentence that runs over a page break is joined to its end on the next page (its page
is where it starts). Whitespace is removed except between two ASCII letters or digits, so
``2,802.41 万元`` reads ``2,802.41万元`` and letter-spaced headings read as words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from pipelines.model import ExtractedDocument

CN_DIGITS = "一二三四五六七八九十"
_FOOTER = re.compile(r"^[\s—\-─–－_·•]*(?:第\s*)?\d{1,4}(?:\s*页)?[\s—\-─–－_·•]*$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
# heading markers: 一、 （一） (一) 1. 1、 1． （1） ① ; the level is the marker's kind
_MARKERS = (
    ("part", re.compile(r"^第(?P<n>[一二三四五六七八九十]+)部分")),
    ("cn", re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})、")),
    ("cn_paren", re.compile(r"^[（(](?P<n>[一二三四五六七八九十]{1,3})[）)]")),
    ("digit", re.compile(r"^(?P<n>\d{1,2})(?:[、．]|\.(?!\d))")),
    ("digit_paren", re.compile(r"^[（(](?P<n>\d{1,2})[）)]")),
)
TERMINAL = "。！？；;!?"
LIST_OPENERS = ("其中：", "其中:")  # a line of its own that opens a list, like a heading
_SENTENCE = re.compile(r"[^。！？；;!?]*[。！？；;!?]+|[^。！？；;!?]+$")
_SPACE = re.compile(r"(?<![0-9A-Za-z])\s+|\s+(?![0-9A-Za-z])")


def squeeze(text: str) -> str:
    """Whitespace out, except between two ASCII letters or digits."""
    return _SPACE.sub("", text).strip()


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十一 -> 21."""
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    if "十" not in text:
        return CN_DIGITS.index(text) + 1 if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (CN_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (CN_DIGITS.index(units) + 1 if units else 0)


@dataclass(frozen=True)
class Marker:
    kind: str  # part, cn, cn_paren, digit, digit_paren
    number: int
    text: str  # the marker as printed: 二、


def heading_marker(line: str) -> Marker | None:
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            raw = match.group("n")
            number = int(raw) if raw.isdigit() else chinese_number(raw)
            if number:
                return Marker(kind, number, match.group(0))
    return None


@dataclass
class Line:
    page: int
    text: str  # squeezed
    raw: str  # as the reader gave it (columns of a text table stay apart)


@dataclass
class Paragraph:
    """Lines from one heading or list marker (一、 （一） 1.) to the next."""
    lines: list[Line]
    part: str | None = None  # the 第X部分 heading it is under, as printed

    @property
    def page(self) -> int:
        return self.lines[0].page

    @cached_property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    @property
    def marker(self) -> Marker | None:
        return heading_marker(self.text)

    @property
    def is_heading(self) -> bool:
        """A short marked line without a sentence in it: 二、“三公”经费支出情况."""
        text = self.text
        return (self.marker is not None and len(text) <= 40 and not any(c in text for c in "，,；;")
                and not text.rstrip("。").count("。") and not re.search(r"\d+(?:\.\d+)?万?元", text))

    @cached_property
    def _sentences(self) -> list[Sentence]:
        out = []
        for match in _SENTENCE.finditer(self.text):
            if match.group(0).strip():
                out.append(Sentence(self._page_at(match.start()), match.group(0), self, match.start()))
        return out

    def sentences(self) -> list[Sentence]:
        return list(self._sentences)

    @property
    def opens_a_list(self) -> bool:
        return self.lines[0].text in LIST_OPENERS

    @property
    def opens_with_heading(self) -> bool:
        """Its first line is a heading: 四、委托业务费情况 (the body may follow on the next lines)."""
        first = self.lines[0].text
        return (heading_marker(first) is not None and len(first) <= 40
                and not any(c in first.rstrip("。") for c in "，,；;。") and not re.search(r"\d+(?:\.\d+)?万?元", first))

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding the character at ``offset``."""
        for sentence in self._sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return self._sentences[-1]

    def _page_at(self, offset: int) -> int:
        seen = 0
        for line in self.lines:
            seen += len(line.text)
            if offset < seen:
                return line.page
        return self.lines[-1].page


@dataclass(frozen=True)
class Sentence:
    page: int
    text: str
    paragraph: Paragraph = field(repr=False, compare=False)
    start: int = 0  # offset in the paragraph's text

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def body(self) -> str:
        """The text without the paragraph's heading line run in before it (一、收支预算情况2026年…)."""
        if self.start == 0 and self.paragraph.opens_with_heading:
            heading = self.paragraph.lines[0].text
            if self.text.startswith(heading) and len(self.text) > len(heading):
                return self.text[len(heading):]
        return self.text

    @property
    def finished(self) -> bool:
        return self.text[-1] in TERMINAL


@dataclass
class Prose:
    paragraphs: list[Paragraph]

    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences()]


def _lines(doc: ExtractedDocument) -> list[Line]:
    lines = []
    for page, text in sorted(doc.prose_pages):
        for raw in text.split("\n"):
            if _FOOTER.match(raw) or not raw.strip():
                continue
            lines.append(Line(page, squeeze(raw), raw.strip()))
    return lines


def read_prose(doc: ExtractedDocument) -> Prose:
    paragraphs: list[Paragraph] = []
    part = None
    previous = None
    bare_part = False  # 第三部分 alone on its line: its name is the next line
    for line in _lines(doc):
        if bare_part and not heading_marker(line.text):
            part = f"{part}{line.text}"
            paragraphs[-1].part = part
        bare_part = False
        if _PART.match(line.text):
            part = line.text
            bare_part = _PART.fullmatch(line.text) is not None
        # only a marker starts a paragraph: a line after a full stop may continue the same one
        # (a wrapped line can end on 。), and a claim may reach back over a sentence end
        if previous is None or heading_marker(line.text) is not None or line.text in LIST_OPENERS:
            paragraphs.append(Paragraph([line], part))
        else:
            paragraphs[-1].lines.append(line)
        previous = line
    return Prose(paragraphs)
