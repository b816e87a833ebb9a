"""Table titles, column headers and class names: the template vocabulary, loaded from YAML.

Variation between provinces and years is described in ``pipelines/vocab/*.yaml``; this module
only normalises printed text and looks it up there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCAB_DIR = Path(__file__).with_name("vocab")

_FULL_TO_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "、": "、", "\u3000": " "})
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
_ORDINAL = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百]+[）)、．.]|[（(]\d+[）)]|\d+[、．.](?!\d)|其中[:：]|[①-⑳])\s*"
)
_YEAR = re.compile(r"^(20\d\d)年(?:度)?")


def compact(text: str | None) -> str:
    """Remove all whitespace (wrapped cells, letter-spaced headings such as 合 计)."""
    return re.sub(r"\s+", "", text or "")


def normalise_header(text: str | None) -> str:
    return compact(text).translate(_FULL_TO_HALF)


def normalise_quotes(text: str) -> str:
    return _QUOTES.sub("", text)


def strip_ordinal(label: str) -> str:
    """一、财政拨款 -> 财政拨款; 1.一般公共预算 -> 一般公共预算; （一）… -> …"""
    previous = None
    while previous != label:
        previous, label = label, _ORDINAL.sub("", label, count=1)
    return label


def split_year(header: str) -> tuple[int | None, str]:
    match = _YEAR.match(header)
    if match:
        return int(match.group(1)), header[match.end():]
    return None, header


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    with open(VOCAB_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# ---------------------------------------------------------------- table titles
@dataclass(frozen=True)
class TableFamily:
    code: str
    sided: bool
    patterns: tuple[re.Pattern, ...]
    headings: tuple[re.Pattern, ...] = ()
    row_measures: bool = False

    @property
    def is_final(self) -> bool:
        return self.code.startswith("final_")


@lru_cache(maxsize=None)
def table_families() -> tuple[TableFamily, ...]:
    return tuple(
        TableFamily(entry["code"], bool(entry.get("sided")), tuple(re.compile(p) for p in entry["titles"]),
                    tuple(re.compile(p) for p in entry.get("headings", [])), bool(entry.get("row_measures")))
        for entry in _load("tables.yaml")["tables"]
    )


@lru_cache(maxsize=None)
def _title_rules() -> tuple[tuple[re.Pattern, ...], tuple[re.Pattern, ...], frozenset[str]]:
    spec = _load("tables.yaml")
    return (tuple(re.compile(p) for p in spec["sheet_codes"]), tuple(re.compile(p) for p in spec["prefixes"]),
            frozenset(spec["ignore_titles"]))


@dataclass(frozen=True)
class Title:
    printed: str  # as printed, whitespace removed
    sheet_code: str | None  # 公开03表 / 预算01表 / 表一 … printed before the name
    name: str  # without sheet code, year and owner words
    family: TableFamily | None  # None: a table title no family knows
    is_form: bool  # a performance-target form, read by pipelines.read.forms


def _strip_sheet_code(title: str) -> tuple[str | None, str]:
    sheet_codes, _, _ = _title_rules()
    code = None
    for _ in range(3):
        for pattern in sheet_codes:
            if (match := pattern.match(title)) and match.end() < len(title):
                code = code or match.group(0)
                title = title[match.end():]
    return code, title


def normalise_title(text: str) -> str:
    """The name of a printed title: 公开03表：2025年部门收入总体情况表 -> 收入总体情况表."""
    title = normalise_quotes(compact(text).translate(_FULL_TO_HALF))
    _, title = _strip_sheet_code(title)
    _, prefixes, _ = _title_rules()
    for _ in range(3):
        for pattern in prefixes:
            title = pattern.sub("", title, count=1)
    return title


_ENDS_LIKE_A_TITLE = re.compile(r"表(?:[(][^)]*[)])?$")


def parse_title(text: str) -> Title | None:
    """A printed line read as a table title, or None when it is not one (too long, a sentence, a
    bare sheet code such as 公开02表, a generic word such as 部门预算表)."""
    printed = compact(text)
    if not (3 <= len(printed) <= 60) or "…" in printed or "..." in printed or "。" in printed:
        return None
    if sheet_code_of(printed):
        return None
    plain = normalise_quotes(printed.translate(_FULL_TO_HALF))
    sheet_code, rest = _strip_sheet_code(plain)
    if not _ENDS_LIKE_A_TITLE.search(plain) or not rest or rest == plain and sheet_code:
        return None
    name = normalise_title(printed)
    if name in _title_rules()[2] or len(name) < 3:
        return None
    if is_performance_title(printed):
        return Title(printed, sheet_code, name, None, True)
    family = next((f for f in table_families() if any(p.search(name) for p in f.patterns)), None)
    return Title(printed, sheet_code, name, family, False)


def sheet_code_of(text: str) -> str | None:
    """A line that is only a table number (公开02表, 表3, 表十一, 预算表12)."""
    plain = normalise_quotes(compact(text).translate(_FULL_TO_HALF))
    if re.fullmatch(r"(?:预算|公开|附)?表?\s*(?:\d{1,2}(?:[-—－]\d{1,2})?|[一二三四五六七八九十]+)\s*表?", plain) \
            and ("表" in plain):
        return plain
    return None


def family_for_heading(text: str) -> TableFamily | None:
    """A section heading or lead sentence that names the untitled table below it."""
    line = compact(text)
    return next((f for f in table_families() if any(p.search(line) for p in f.headings)), None)


def is_title_candidate(line: str) -> bool:
    """A short line that names a table (ends with 表, optionally a bracketed qualifier)."""
    return parse_title(line) is not None


def table_code_for_title(text: str) -> TableFamily | None:
    title = parse_title(text)
    return title.family if title is not None else None


def is_performance_title(text: str) -> bool:
    title = compact(text)
    return any(word in title for word in _load("tables.yaml")["performance_titles"])


def family_by_code(code: str) -> TableFamily | None:
    return next((f for f in table_families() if f.code == code), None)


# ---------------------------------------------------------------- measures
@dataclass(frozen=True)
class MeasureRule:
    measure: str
    leaf: frozenset[str]
    under: frozenset[str]


def _measure_key(text: str) -> str:
    return normalise_quotes(normalise_header(text))


@lru_cache(maxsize=None)
def measure_rules() -> tuple[MeasureRule, ...]:
    return tuple(
        MeasureRule(
            rule["measure"],
            frozenset(_measure_key(x) for x in rule["leaf"]),
            frozenset(_measure_key(x) for x in rule.get("under", [])),
        )
        for rule in _load("measures.yaml")["measures"]
    )


def measure_for_path(path: tuple[str, ...]) -> tuple[str | None, int | None]:
    """Map a column's header path to (measure, fiscal_year printed in the path)."""
    year = None
    keys: list[str] = []
    for cell in path:
        cell_year, rest = split_year(normalise_header(cell))
        year = cell_year or year
        if rest:
            keys.append(_measure_key(rest))
    if not keys:
        return None, year
    # a header cell broken over two ruled rows (单位预留机动经 / 费) reads as one
    for leaf, ancestors in ((keys[-1], set(keys[:-1])), ("".join(keys[-2:]), set(keys[:-2]))):
        for rule in measure_rules():
            if leaf in rule.leaf and (not rule.under or ancestors & rule.under):
                return rule.measure, year
    # A leaf such as 预算数 under a named measure (e.g. 机关运行经费 / 预算数): try the parent.
    for depth in range(len(keys) - 2, -1, -1):
        for rule in measure_rules():
            if keys[depth] in rule.leaf and not rule.under and rule.measure != "total":
                return rule.measure, year
    return None, year


def label_role(path: tuple[str, ...]) -> str | None:
    """code / project_category / project_name / text for label columns; None for amount columns."""
    spec = _load("measures.yaml")["label_columns"]
    cells = [_measure_key(c) for c in path if c]
    if not cells:
        return None
    leaf = cells[-1]
    if leaf in spec["code"] or any("编码" in c or "代码" in c for c in cells):
        return "code"
    if leaf in spec["project_category"]:
        return "project_category"
    if leaf in spec["project_name"]:
        return "project_name"
    measure, _ = measure_for_path(path)
    if measure is not None:
        return None
    if leaf == "项目" or any(marker in leaf for marker in spec["text_markers"]):
        return "text"
    return None


# ---------------------------------------------------------------- functional classes
@lru_cache(maxsize=None)
def class_code_by_name() -> dict[str, str]:
    mapping = {}
    for code, names in _load("functions.yaml")["classes"].items():
        for name in names:
            mapping[compact(name)] = str(code)
    return mapping


def class_code_for_label(label: str) -> str | None:
    return class_code_by_name().get(strip_ordinal(compact(label)))
