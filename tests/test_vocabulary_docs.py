"""Every table_code and measure the vocabulary can produce is documented: in the data contract's
lists (named in docs/vocabulary.md's contract line) or in docs/vocabulary.md's own tables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "pipelines" / "vocab"
DOC = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")


def _mentioned(code: str) -> bool:
    return re.search(rf"(?<![a-z_]){re.escape(code)}(?![a-z_])", DOC) is not None


def _table_codes() -> list[str]:
    tables = yaml.safe_load((VOCAB / "tables.yaml").read_text(encoding="utf-8"))["tables"]
    return sorted({t["code"] for t in tables} | {"unclassified"})


def _measures() -> list[str]:
    rules = yaml.safe_load((VOCAB / "measures.yaml").read_text(encoding="utf-8"))
    names = yaml.safe_load((VOCAB / "messages.yaml").read_text(encoding="utf-8"))["measures"]
    found = set(names)
    for section in ("measures", "row_measures"):
        for rule in rules.get(section) or []:
            if isinstance(rule, dict) and rule.get("measure"):
                found.add(rule["measure"])
    return sorted(found)


@pytest.mark.parametrize("code", _table_codes())
def test_table_code_is_documented(code):
    assert _mentioned(code), f"table_code {code} is not in docs/vocabulary.md"


@pytest.mark.parametrize("measure", _measures())
def test_measure_is_documented(measure):
    assert _mentioned(measure), f"measure {measure} is not in docs/vocabulary.md"
