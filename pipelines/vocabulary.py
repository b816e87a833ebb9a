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


@lru_cache(maxsize=None)
def table_families() -> tuple[TableFamily, ...]:
    return tuple(
        TableFamily(entry["code"], bool(entry.get("sided")), tuple(re.compile(p) for p in entry["titles"]))
        for entry in _load("tables.yaml")["tables"]
    )


_TITLE_NOISE = [
    re.compile(r"^(?:公开|附)?表?\d{1,2}(?:[-—]\d{1,2})?(?:表|[:：.．、])[:：.．、]?"),  # 公开03表 / 表3 / 3. / 附表1-2
    re.compile(r"^表[一二三四五六七八九十]+[:：.．、]?"),
    re.compile(r"^[一二三四五六七八九十]+[、．.]"),
    re.compile(r"^(?:20\d\d)年(?:度)?"),
]
_TITLE_OWNER = re.compile(r"^(?:区级|市级|省级|县级)?(?:预算单位|部门|单位)(?=.{2,}表)")


def normalise_title(text: str) -> str:
    title = normalise_quotes(compact(text).translate(_FULL_TO_HALF))
    for _ in range(3):
        for pattern in _TITLE_NOISE:
            title = pattern.sub("", title, count=1)
    return _TITLE_OWNER.sub("", title, count=1)


def is_title_candidate(line: str) -> bool:
    """A short line that names a table (ends with 表, optionally a bracketed qualifier)."""
    text = compact(line)
    if not (3 <= len(text) <= 60) or "…" in text or "..." in text:
        return False
    return bool(re.search(r"表(?:[（(][^）)]*[）)])?$", text))


def table_code_for_title(text: str) -> TableFamily | None:
    title = normalise_title(text)
    if is_performance_title(text):
        return None
    for family in table_families():
        if any(p.search(title) for p in family.patterns):
            return family
    return None


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
