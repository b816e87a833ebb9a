"""Document metadata as printed: unit, supervisor, fiscal year, kind, region and unit key.

Where each comes from (docs/metadata.md has the reasoning):
  fiscal_year, doc_kind  the title on the document's first page with text (`2026年度福州市民政局(本级)单位预算`,
                         `上海市普陀区财政局2024年度部门决算`, a title split over lines read as one); without a
                         title, the year-and-kind phrase the document prints most often (2026年部门预算).
                         Only the title, or without one final-accounts tables or a majority of such phrases,
                         makes a document a 决算: a budget's prose mentions 决算 often (上年决算数).
  unit_name              the name printed most often after a unit label (部门（单位）：…, 部门名称 | …); else
                         the title's; else the organisation opening the prose's sentences.
  supervisor             the 主管部门 after an explicit label (预算主管部门：…, a form's 主管部门 cell), never
                         from a sentence; NULL in a 部门 document where it names the department itself.
  region, unit_key       pipelines.units, from the unit's name (else the title's or the supervisor's area).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pipelines.model import ExtractedTable, PerformanceForm
from pipelines.units import is_area, region_of, unit_key
from pipelines.vocabulary import _load, compact

UNIT_CHARS = r"[\u4e00-\u9fff（）()]"


def _across_lines(*words: str) -> str:
    """Words of a title that a line break may split (`…（本级）部` / `门预算`)."""
    return "|".join(r"\n?".join(word) for word in words)


# before the year: its own line's run of characters, or the whole line above (西安市公安局（汇总） /
# 2026年部门预算); between the year and the kind: the unit, over lines (2026年度 / 福州市民政局(本级) /
# 单位预算); after the kind: the rest of its line and the line below (2026年部门预算 / 烟台市教育局)
TITLE = re.compile(
    rf"(?P<before>{UNIT_CHARS}*)\n?(?P<year>20\d\d)年度?(?P<middle>[\u4e00-\u9fff（）()\n]{{0,40}}?)"
    rf"(?:[省市区县]级)?\n?(?P<scope>{_across_lines('部门', '单位')})\n?(?:{_across_lines('综合')})?\n?"
    rf"(?P<kind>{_across_lines('预算', '决算')})(?P<rest>{UNIT_CHARS}*)\n?(?P<after>{UNIT_CHARS}*)")
YEAR_KIND_PHRASE = re.compile(r"(20\d\d)年度?(?:[省市区县]级)?(部门|单位)(?:综合)?(预算|决算)")
KIND_PHRASE = re.compile(r"(部门|单位)(?:综合)?(预算|决算)")
TABLE_KIND = re.compile(r"(预算|决算)总?表")  # 收入支出决算总表, 收支预算总表
PAGE_NUMBER = re.compile(r"^[-—–\s\d]*$")
TITLE_LINES = 6  # a cover's title is among the first lines of its page


@dataclass(frozen=True)
class DocumentMetadata:
    unit_name: str | None
    supervisor: str | None
    fiscal_year: int | None
    doc_kind: str | None  # 单位预算 / 部门预算 / 单位决算 / 部门决算
    region: str | None
    unit_key: str | None


@dataclass(frozen=True)
class Title:
    year: int
    doc_kind: str
    unit_name: str | None  # the organisation the title names, if it names one
    area_text: str  # what the title prints before the year (a unit, or an area: 上海市普陀区)


def read_metadata(page_texts: list[str], tables: list[ExtractedTable] = (),
                  forms: list[PerformanceForm] = ()) -> DocumentMetadata:
    """The metadata of a document from every page's text, its tables' titles and its forms."""
    title = printed_title(page_texts)
    year, kind = (title.year, title.doc_kind) if title else (
        _year_without_title(page_texts, tables), _kind_without_title(page_texts, tables))
    unit = labelled_unit(page_texts, title) or (title.unit_name if title else None) \
        or unit_named_in_prose(page_texts)
    supervisor = printed_supervisor(page_texts, forms)
    if supervisor and kind.startswith("部门") and unit_key(supervisor) == unit_key(unit):
        supervisor = None  # a 部门 document is the 主管部门's own: it names itself
    region = region_of(unit) or (region_of(title.area_text) if title else None) or region_of(supervisor)
    return DocumentMetadata(unit_name=unit, supervisor=supervisor, fiscal_year=year, doc_kind=kind,
                            region=region, unit_key=unit_key(unit))


# ---------------------------------------------------------------- year and kind
def title_lines(page_texts: list[str]) -> list[str]:
    """The first lines of the first page that prints any text (page numbers skipped), compacted."""
    for text in page_texts:
        lines = [compact(line) for line in text.splitlines() if not PAGE_NUMBER.match(line)]
        if lines:
            return lines[:TITLE_LINES]
    return []


def printed_title(page_texts: list[str]) -> Title | None:
    """The document's title: year, kind and, where printed, its unit, read across line breaks
    (`2026 年深圳市医疗保障局（本级）部` / `门预算`)."""
    match = TITLE.search("\n".join(title_lines(page_texts)))
    if not match:
        return None
    parts = {name: match[name].replace("\n", "") for name in ("middle", "before", "after", "scope", "kind")}
    named = [parts[name] for name in ("middle", "before", "after") if is_organisation(parts[name])]
    return Title(year=int(match["year"]), doc_kind=parts["scope"] + parts["kind"],
                 unit_name=named[0] if named else None, area_text=parts["before"])


def printed_year(page_texts: list[str]) -> int | None:
    """The year of the title, else the year of the year-and-kind phrase printed most often
    (2024年部门预算, 2024年度部门决算); None when the document prints neither (never guessed)."""
    title = printed_title(page_texts)
    if title:
        return title.year
    phrases = _year_kind_phrases(page_texts)
    return int(phrases.most_common(1)[0][0][0]) if phrases else None


def _year_kind_phrases(page_texts: list[str]) -> Counter:
    return Counter(m.groups() for text in page_texts for line in text.splitlines()
                   for m in YEAR_KIND_PHRASE.finditer(compact(line)))


def _year_without_title(page_texts: list[str], tables: list[ExtractedTable]) -> int | None:
    year = printed_year(page_texts)
    if year is not None:
        return year
    years = Counter(int(y) for t in tables for y in re.findall(r"(20\d\d)年", t.title))
    if not years:
        years = Counter(int(y) for text in page_texts for y in re.findall(r"(20\d\d)\s*年", text))
    return years.most_common(1)[0][0] if years else None


def _kind_without_title(page_texts: list[str], tables: list[ExtractedTable]) -> str:
    """部门 or 单位, as the kind phrases printed most often say (部门 when none is printed: a document
    without a title is most often a department's tables attachment); 决算 when its tables are final
    accounts tables (收入支出决算总表 …), else when its kind phrases say so. 预算单位 (a budget unit, a
    column header) is no kind phrase."""
    phrases = [m.groups() for text in page_texts for m in KIND_PHRASE.finditer(compact(text))]
    scopes = Counter(scope for scope, _ in phrases)
    scope = max(("部门", "单位"), key=lambda s: scopes[s])
    finals = Counter("决算" in t.title for t in tables) or Counter(kind == "决算" for _, kind in phrases) \
        or Counter(kind == "决算" for text in page_texts for kind in TABLE_KIND.findall(compact(text)))
    return scope + ("决算" if finals[True] > finals[False] else "预算")


# ---------------------------------------------------------------- unit
@lru_cache(maxsize=None)
def _vocab() -> dict:
    return _load("metadata.yaml")


def _label_pattern(label: str) -> str:
    """A label as printed: either bracket width, letter-spaced (部 门)."""
    chars = [{"（": "[（(]", "）": "[）)]"}.get(c, re.escape(c)) for c in label]
    return r"\s*".join(chars)


def _labels(key: str) -> str:
    return "|".join(_label_pattern(label) for label in sorted(_vocab()[key], key=len, reverse=True))


VALUE_END = r"(?=\s|$|(?:金额)?单位[:：])"


@lru_cache(maxsize=None)
def _labelled(key: str) -> tuple[re.Pattern, re.Pattern]:
    """(label：value anywhere after a space or at the line start, `label value` as a whole line:
    a form's label cell beside its value)."""
    labels = _labels(key)
    return (re.compile(rf"(?:^|(?<=\s))(?:{labels})\s*[:：]\s*(?P<value>[^\s:：]+?){VALUE_END}"),
            re.compile(rf"^\s*(?:{labels})\s+(?P<value>[^\s:：]+)\s*$"))


def labelled_values(page_texts: list[str], key: str) -> Counter:
    """Every name printed after a label of ``key`` (unit_labels, supervisor_labels), counted. A name
    after a colon need only look like a name; one beside a label cell must end like an organisation
    (a header row such as `主管部门 实施期限` is no label and its name)."""
    with_colon, as_cells = _labelled(key)
    values = Counter()
    for text in page_texts:
        for line in text.splitlines():
            for m in with_colon.finditer(line):
                value = _without_code(m["value"])
                if is_unit_name(value):
                    values[value] += 1
            if (m := as_cells.match(line)) and is_organisation(value := _without_code(m["value"])):
                values[value] += 1
    return values


def is_unit_name(text: str | None) -> bool:
    """Could be an organisation's name printed after a label: Chinese, not a header word or phrase,
    not a bare area (上海市普陀区 is where, not who)."""
    if not text or not re.fullmatch(r"[\u4e00-\u9fff（）()·\d]{2,40}", text) or text[0].isdigit():
        return False
    if text in _vocab()["not_a_unit"] or any(word in text for word in _vocab()["never_in_a_unit"]):
        return False
    return not is_area(text)


def is_organisation(text: str | None) -> bool:
    """A unit's name read without a label (from a title or a sentence): it must also end like an
    organisation (…局, …中心, …委员会, optionally followed by a bracketed scope such as （本级）)."""
    if not is_unit_name(text):
        return False
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", text)
    return bare.endswith(tuple(_vocab()["organisation_suffixes"]))


def labelled_unit(page_texts: list[str], title: Title | None = None) -> str | None:
    """The name printed most often after a unit label; a tie goes to the title's unit, else to the
    name printed first."""
    names = labelled_values(page_texts, "unit_labels")
    if not names:
        return None
    best = max(names.values())
    tied = [name for name, n in names.items() if n == best]
    return title.unit_name if title and title.unit_name in tied else tied[0]


SENTENCE_START = re.compile(r"^(" + UNIT_CHARS + r"{3,30}?)(?:20\d\d年度?|本年)")


def unit_named_in_prose(page_texts: list[str]) -> str | None:
    """The organisation most often opening a sentence such as 江苏省政协办公厅 2019 年度收入…预算
    (for prose documents whose cover is an image and that print no unit label)."""
    names = Counter()
    for text in page_texts:
        for line in text.splitlines():
            if m := SENTENCE_START.match(compact(line)):
                if is_organisation(m.group(1)):
                    names[m.group(1)] += 1
    return names.most_common(1)[0][0] if names else None


# ---------------------------------------------------------------- supervisor
def printed_supervisor(page_texts: list[str], forms: list[PerformanceForm]) -> str | None:
    """The 主管部门 printed after an explicit label, on a text line (预算主管部门：…, a label cell's
    line `主管部门 西安市气象局`) or in a form's label cell (主管部门 | 烟台市人力资源和社会保障局;
    主管部门及代码 | 225_烟台市司法局), the one printed most often. A sentence (…完成上级主管部门交办的…)
    is never read."""
    names = labelled_values(page_texts, "supervisor_labels")
    for form in forms:
        for row in form.rows:
            names.update(_supervisor_cells([compact(c.text) for c in row]))
    names = Counter({name: n for name, n in names.items() if is_organisation(name)})
    return names.most_common(1)[0][0] if names else None


@lru_cache(maxsize=None)
def _supervisor_label() -> re.Pattern:
    return re.compile(rf"(?:{_labels('supervisor_labels')})")


def _supervisor_cells(cells: list[str]) -> list[str]:
    """The value beside a 主管部门 label cell (merged cells repeat their text: the first other one)."""
    for i, cell in enumerate(cells):
        if cell and _supervisor_label().fullmatch(cell):
            value = next((c for c in cells[i + 1:] if c and c != cell), None)
            return [_without_code(value)] if value else []
    return []


def _without_code(value: str) -> str:
    """225_烟台市司法局 -> 烟台市司法局 (主管部门及代码 prints the department's code first)."""
    return re.sub(r"^\d+[_\-－—.、:：\s]*", "", value)
