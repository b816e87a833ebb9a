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
    project_rows: bool = False  # its leaf rows are projects (project_name = the row's label)
    first_headers: tuple[re.Pattern, ...] = ()  # an untitled table whose first header matches
    headers: tuple[re.Pattern, ...] = ()  # an untitled table with a column header that matches

    @property
    def is_final(self) -> bool:
        return self.code.startswith("final_")


@lru_cache(maxsize=None)
def table_families() -> tuple[TableFamily, ...]:
    return tuple(
        TableFamily(entry["code"], bool(entry.get("sided")), tuple(re.compile(p) for p in entry["titles"]),
                    tuple(re.compile(p) for p in entry.get("headings", [])), bool(entry.get("row_measures")),
                    bool(entry.get("project_rows")), tuple(re.compile(p) for p in entry.get("first_headers", [])),
                    tuple(re.compile(p) for p in entry.get("headers", [])))
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


def family_for_headers(headers: list[str]) -> TableFamily | None:
    """An untitled table named by its column headers: its first one (年度: a chart's data) or any
    one that only that family prints (自评分数: the projects' self-evaluation scores)."""
    keys = [compact(h) for h in headers if compact(h)]
    first = keys[0] if keys else ""
    return next((f for f in table_families()
                 if any(p.search(first) for p in f.first_headers)
                 or any(p.search(key) for p in f.headers for key in keys)), None)


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


_WHEREOF = re.compile(r"^(?:其中[:：]?|含[:：])")
_UNIT_SUFFIX = re.compile(r"[(](?:金额)?(?:单位[:：])?(?:万元|元)[)]$")


def _measure_key(text: str) -> str:
    return normalise_quotes(normalise_header(text))


@dataclass(frozen=True)
class HeaderCell:
    key: str  # normalised, year / 其中 / unit removed
    year: int | None  # printed year (2024年)
    whereof: bool  # printed as 其中：…: a part of its parent, never its parent's measure


def header_cell(text: str) -> HeaderCell:
    key = _measure_key(text)
    whereof = bool(_WHEREOF.match(key))
    year, rest = split_year(strip_ordinal(_WHEREOF.sub("", key)))
    return HeaderCell(_UNIT_SUFFIX.sub("", rest), year, whereof)


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


@lru_cache(maxsize=None)
def _qualifiers(final: bool = False) -> dict[str, str]:
    spec = dict(_load("measures.yaml")["qualifiers"])
    if final:
        spec.update(_load("measures.yaml")["final_qualifiers"])
    return {_measure_key(word): kind for kind, words in spec.items() for word in words}


@dataclass(frozen=True)
class ColumnMeaning:
    measure: str | None
    year: int | None = None  # printed in the header (2025年)
    year_offset: int | None = None  # -1 under 上年, 0 under 本年 / 当年
    change: bool = False  # 增减变化: the column is a change, its measure gets the suffix _change
    final: str | None = None  # in a 决算 table: budget / budget_adjusted / actual


def _leaf_measure(keys: list[str]) -> str | None:
    # a header cell broken over two ruled rows (单位预留机动经 / 费) reads as one
    for leaf, ancestors in ((keys[-1], set(keys[:-1])), ("".join(keys[-2:]), set(keys[:-2]))):
        for rule in measure_rules():
            if leaf in rule.leaf and (not rule.under or ancestors & rule.under):
                return rule.measure
    return None


def _plain_measure(key: str) -> str | None:
    return next((r.measure for r in measure_rules() if key in r.leaf and not r.under), None)


_FINAL_KINDS = ("budget", "budget_adjusted", "actual")


def column_meaning(path: tuple[str, ...], final: bool = False) -> ColumnMeaning:
    """What an amount column holds, from its header path (top header cell first). ``final``: the
    column is in a final-accounts (决算) table, where 预算数 / 决算数 qualify their item."""
    cells = [header_cell(c) for c in path if compact(c)]
    year = next((c.year for c in reversed(cells) if c.year), None)
    qualifiers = _qualifiers(final)
    kinds = {qualifiers[c.key] for c in cells if c.key in qualifiers}
    keys = [c.key for c in cells if c.key and c.key not in qualifiers]
    offset = -1 if "prior_year" in kinds else (0 if "current_year" in kinds else None)
    stage = next((k for k in _FINAL_KINDS if k in kinds), None)
    meaning = dict(year=year, year_offset=offset, change="change" in kinds, final=stage)
    stage_measure = {"budget": "budget_initial", "budget_adjusted": "budget_adjusted", "actual": "actual"}.get(stage)
    if not keys:
        # 决算数 alone is the table's total; 预算数 alone its budget (renamed in pipelines.columns)
        return ColumnMeaning(stage_measure, **meaning)
    measure = _leaf_measure(keys)
    if measure is None and stage_measure is not None and _plain_measure(keys[-1]) is None:
        return ColumnMeaning(stage_measure, **meaning)  # 收入 / 决算数
    spec = _load("measures.yaml")
    if measure in spec["fund_measures"]:
        # 因公出国（境）费 / 一般公共预算 -> overseas_general_budget
        parent = next((m for m in map(_plain_measure, reversed(keys[:-1])) if m in spec["composable"]), None)
        if parent is not None:
            measure = f"{parent}_{measure}"
    if measure in (None, "total") and not cells[-1].whereof:
        # a generic leaf (预算数, 金额) under a named measure (机关运行经费 / 预算数): the parent's
        parent = next((m for m in map(_plain_measure, reversed(keys[:-1])) if m not in (None, "total")), None)
        measure = parent or measure
    if stage in ("budget", "budget_adjusted") and measure is not None:
        # 合计 / 年初预算数 is the table's budget_initial, 合计 / 调整预算数 its budget_adjusted
        measure = stage_measure if measure == "total" else f"{measure}_{stage}"
    return ColumnMeaning(measure, **meaning)


def measure_for_path(path: tuple[str, ...]) -> tuple[str | None, int | None]:
    """(measure, fiscal_year printed in the path) of a column's header path."""
    meaning = column_meaning(path)
    return meaning.measure, meaning.year


@lru_cache(maxsize=None)
def _row_measures() -> dict[str, str]:
    spec = _load("measures.yaml")["row_measures"]
    return {_measure_key(word): measure for measure, words in spec.items() for word in words}


def row_measure_for_label(label: str | None) -> str | None:
    """The measure a row label names in a table whose rows are its measures (三公 items)."""
    if not label:
        return None
    return _row_measures().get(header_cell(label).key)


def header_kind(path: tuple[str, ...]) -> str | None:
    """'label', 'amount' or None (no vocabulary reads it): for mending headers split by a rule."""
    if not path:
        return None
    if label_role(path) is not None:
        return "label"
    cell = header_cell(path[-1]).key
    if column_meaning(path, final=True).measure is not None or cell in _qualifiers(True):
        return "amount"
    return None


def label_role(path: tuple[str, ...]) -> str | None:
    """The role a header gives its column: code, unit_code, project_category, project_name, year,
    ignore (printed but neither label nor money), text; None for an amount column."""
    spec = _load("measures.yaml")["label_columns"]
    cells = [header_cell(c).key for c in path if compact(c)]
    if not cells:
        return None
    leaf = cells[-1]
    for role in ("unit_code", "ignore", "year", "project_category", "project_name"):
        if leaf in {_measure_key(w) for w in spec[role]}:
            return role
    if any(marker in leaf for marker in spec["ignore_markers"]):
        return "ignore"
    if leaf in spec["code"] or any("编码" in c or "代码" in c for c in cells):
        return "code"
    if _leaf_measure([leaf]) is not None:
        return None  # the leaf names an amount (事业单位经营支出 despite its 单位)
    joined = "".join(cells[-2:])  # a header broken over two ruled rows (采购组织 / 形式)
    if leaf == "项目" or any(marker in leaf or marker in joined for marker in spec["text_markers"]):
        return "text"  # 人员经费 / 科目名称: a label column under an amount heading
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


# ---------------------------------------------------------------- economic classes by name
@lru_cache(maxsize=None)
def _economic_names() -> dict[str, dict[str, list[str]]]:
    """kind -> normalised name -> codes with that name."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind, column in (("econ_dept", "econ_dept_code"), ("econ_gov", "econ_gov_code")):
        names: dict[str, list[str]] = {}
        for code, printed in _load("economic.yaml")[kind].items():
            for name in printed:
                names.setdefault(_measure_key(name), []).append(str(code))
        out[column] = names
    return out


def econ_code_for_label(label: str, kind: str, parent_code: str | None) -> str | None:
    """The 经济分类 code a name stands for: a 类 (3 digits) at the top, a 款 only under its 类."""
    codes = _economic_names()[kind].get(_measure_key(strip_ordinal(compact(label))), [])
    if parent_code:
        codes = [c for c in codes if len(c) == len(parent_code) + 2 and c.startswith(parent_code)]
    else:
        codes = [c for c in codes if len(c) == 3]
    return codes[0] if len(codes) == 1 else None
