"""The form vocabulary (pipelines/vocab/forms.yaml): labels, column headers, fund labels, levels."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from pipelines.vocabulary import VOCAB_DIR, compact

_NOTE = re.compile(r"[（(][^（()）]*[)）]")  # （90分） (%) （万元）
_UNIT_NOTE = re.compile(r"[（(]\s*(万元|元)\s*[)）]")
_LEAD = re.compile(r"^(?:其中|含)[:：]?")


def label_key(text: str | None) -> str:
    """A printed label as the vocabulary spells it: no whitespace, no bracketed note, no leading
    其中：, no trailing colon, brackets full-width (专项(项目)名称 = 专项（项目）名称)."""
    key = compact(text).replace("(", "（").replace(")", "）")
    bracketed_name = re.fullmatch(r"[^（]+（[^）]+）名称", key)  # 部门（单位）名称 keeps its brackets
    if not bracketed_name:
        key = _NOTE.sub("", key)
    key = _LEAD.sub("", key)
    return key.rstrip(":：")


def unit_in_label(text: str | None) -> str | None:
    """万元 / 元 printed in a label such as 项目资金（万元）."""
    m = _UNIT_NOTE.search(compact(text))
    return m.group(1) if m else None


@dataclass(frozen=True)
class FormKind:
    kind: str
    table_code: str
    titles: tuple[re.Pattern, ...]
    names: frozenset[str]
    name_lines: bool


@dataclass(frozen=True)
class FormVocab:
    page_words: tuple[str, ...]
    title_words: tuple[str, ...]
    kinds: tuple[FormKind, ...]
    title_name_endings: tuple[str, ...]
    field_labels: frozenset[str]
    columns: dict[str, tuple[str, ...]]
    project_code: re.Pattern
    funds: dict[str, str]  # label key -> measure
    group_total_labels: frozenset[str]
    split_measures: dict[str, dict[str, str]]
    total_row_words: tuple[str, ...]
    level1: tuple[str, ...]
    parent_of: dict[str, str]  # level-2 name -> level-1 name
    level2: tuple[str, ...]
    numbered: re.Pattern
    not_a_number: tuple[re.Pattern, ...]

    # ------------------------------------------------------------ titles and kinds
    def is_title(self, text: str) -> bool:
        return any(w in compact(text) for w in self.title_words)

    def kind_for_title(self, title: str) -> FormKind:
        text = compact(title)
        return next(k for k in self.kinds if any(p.search(text) for p in k.titles))

    def kind_for_name_label(self, label: str) -> FormKind | None:
        key = label_key(label)
        return next((k for k in self.kinds if key in k.names), None)

    def kind(self, name: str) -> FormKind:
        return next(k for k in self.kinds if k.kind == name)

    @property
    def name_labels(self) -> frozenset[str]:
        return frozenset().union(*(k.names for k in self.kinds))

    # ------------------------------------------------------------ columns
    def column_role(self, text: str) -> str | None:
        """The role of an indicator-header cell: exact alias first, else the longest alias the
        cell ends with when little else is printed in it (a digit fallen in from the row above:
        300⏎指标名称)."""
        key = label_key(text)
        if not key:
            return None
        for role, aliases in self.columns.items():
            if key in aliases:
                return role
        best = None
        for role, aliases in self.columns.items():
            for alias in aliases:
                if key.endswith(alias) and len(key) - len(alias) <= 3 and (best is None or len(alias) > len(best[1])):
                    best = (role, alias)
        return best[0] if best else None

    # ------------------------------------------------------------ funds
    def fund_measure(self, label: str) -> str | None:
        return self.funds.get(label_key(label))

    def is_group_total(self, label: str) -> bool:
        return label_key(label) in self.group_total_labels

    def is_total_row(self, label: str) -> bool:
        return any(w in compact(label) for w in self.total_row_words)

    # ------------------------------------------------------------ levels
    def split_levels(self, text: str) -> tuple[str | None, str | None, str]:
        """产出指标质量指标来信扫描完成率 -> (产出指标, 质量指标, 来信扫描完成率)."""
        rest = compact(text)
        level1 = next((n for n in sorted(self.level1, key=len, reverse=True) if rest.startswith(n)), None)
        if level1 is None:
            return None, None, rest
        rest = rest[len(level1):]
        level2 = next((n for n in sorted(self.level2, key=len, reverse=True)
                       if rest.startswith(n) and len(rest) > len(n)), None)
        if level2 is None:
            return level1, None, rest
        return level1, level2, rest[len(level2):]

    def is_numbered(self, level3: str | None) -> bool:
        return bool(level3) and bool(self.numbered.match(compact(level3)))


@lru_cache(maxsize=None)
def form_vocab() -> FormVocab:
    with open(VOCAB_DIR / "forms.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    kinds = tuple(FormKind(k["kind"], k["table_code"], tuple(re.compile(p) for p in k["titles"]),
                           frozenset(label_key(n) for n in k.get("names", [])), bool(k.get("name_lines")))
                  for k in data["kinds"])
    funds = {label_key(label): measure for measure, labels in data["funds"].items() for label in labels}
    parent_of = {label_key(l2): l1 for l1, names in data["level2"].items() for l2 in names}
    return FormVocab(
        page_words=tuple(data["page_words"]),
        title_words=tuple(data["title_words"]),
        kinds=kinds,
        title_name_endings=tuple(sorted(data["title_name_endings"], key=len, reverse=True)),
        field_labels=frozenset(label_key(x) for x in data["field_labels"]),
        columns={role: tuple(label_key(a) for a in aliases) for role, aliases in data["columns"].items()},
        project_code=re.compile(data["project_code"]),
        funds=funds,
        group_total_labels=frozenset(data["group_total_labels"]),
        split_measures={k: dict(v) for k, v in data["split_measures"].items()},
        total_row_words=tuple(data["total_row_words"]),
        level1=tuple(data["level1"]),
        parent_of=parent_of,
        level2=tuple(parent_of),
        numbered=re.compile(data["numbered_indicator"]),
        not_a_number=tuple(re.compile(p) for p in data["not_a_number"]),
    )


def is_form_page(text: str) -> bool:
    """A page worth parsing for forms: its text, whitespace removed, holds a form word (pypdfium2
    prints some pages one character per line)."""
    flat = compact(text)
    return any(w in flat for w in form_vocab().page_words)
