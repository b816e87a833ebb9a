"""Which table codes and measures the warehouse can hold, which the data contract defines, and what
users call them.

pipelines/vocab/codes.yaml lists the codes (contract or project, and a measure's printed columns):
docs/warehouse.md's vocabularies and the `printed_table` macro's columns (in that order) come from
it. The Chinese names (sheet names, column headers) are the findings' words, one vocabulary for
both: pipelines/vocab/messages.yaml through pipelines.checks.wording.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from pipelines.checks.wording import measure_name, table_name
from pipelines.vocabulary import VOCAB_DIR

CODES_FILE = VOCAB_DIR / "codes.yaml"


@dataclass(frozen=True)
class TableLabel:
    code: str
    contract: bool

    @property
    def title(self) -> str:
        return table_title(self.code)


@dataclass(frozen=True)
class MeasureLabel:
    code: str
    printed: str
    contract: bool

    @property
    def label(self) -> str:
        return measure_label(self.code)


@lru_cache(maxsize=None)
def _codes() -> dict:
    with open(CODES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=None)
def table_labels() -> tuple[TableLabel, ...]:
    return tuple(TableLabel(t["code"], bool(t["contract"])) for t in _codes()["tables"])


@lru_cache(maxsize=None)
def measure_labels() -> tuple[MeasureLabel, ...]:
    return tuple(MeasureLabel(m["code"], m["printed"], bool(m["contract"])) for m in _codes()["measures"])


def table_title(code: str) -> str:
    """What a table is called (一般公共预算支出情况表); the code itself for one without a name."""
    return table_name(code)


def measure_label(code: str) -> str:
    """What a column is called (合计, 因公出国（境）经费（一般公共预算）, 合计增减额)."""
    return measure_name(code)
