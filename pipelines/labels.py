"""What each table_code and measure means, in the words users see (pipelines/vocab/labels.yaml).

Read by the warehouse documentation, the `printed_table` macro (one column per measure, in this
order) and the .xlsx export (titles and column headers).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from pipelines.vocabulary import VOCAB_DIR

LABELS_FILE = VOCAB_DIR / "labels.yaml"


@dataclass(frozen=True)
class TableLabel:
    code: str
    title: str
    contract: bool


@dataclass(frozen=True)
class MeasureLabel:
    code: str
    label: str
    printed: str
    contract: bool


@lru_cache(maxsize=None)
def _labels() -> dict:
    with open(LABELS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=None)
def table_labels() -> tuple[TableLabel, ...]:
    return tuple(TableLabel(t["code"], t["title"], bool(t["contract"])) for t in _labels()["tables"])


@lru_cache(maxsize=None)
def measure_labels() -> tuple[MeasureLabel, ...]:
    return tuple(MeasureLabel(m["code"], m["label"], m["printed"], bool(m["contract"]))
                 for m in _labels()["measures"])


def table_title(code: str) -> str:
    """The printed title of a table code; the code itself for one the vocabulary lacks."""
    return next((t.title for t in table_labels() if t.code == code), code)


@lru_cache(maxsize=None)
def measure_label(code: str) -> str:
    """The short column header of a measure, composed for one the readers compose
    (overseas_general_budget -> 因公出国（境）经费 / 一般公共预算, total_change -> 合计 / 增减);
    the code itself for one the vocabulary cannot explain."""
    return _composed_label(code) or code


def _composed_label(code: str) -> str | None:
    plain = next((m.label for m in measure_labels() if m.code == code), None)
    if plain is not None:
        return plain
    for suffix, label in sorted(_labels()["measure_suffixes"].items(), key=lambda s: -len(s[0])):
        if code.endswith(f"_{suffix}") and (head := _composed_label(code[:-len(suffix) - 1])):
            return f"{head} / {label}"
    parts = code.split("_")
    for cut in range(1, len(parts)):
        head, tail = _composed_label("_".join(parts[:cut])), _composed_label("_".join(parts[cut:]))
        if head and tail:
            return f"{head} / {tail}"
    return None
