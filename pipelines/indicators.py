"""Performance-target forms -> one row per performance indicator."""
from __future__ import annotations

import re

import pandas as pd

from pipelines.model import INDICATOR_COLUMNS, ExtractedDocument, FormIndicator, PerformanceForm, empty_frame
from pipelines.read.forms import form_vocab
from pipelines.vocabulary import compact

_OPERATORS = {"≤": "≤", "<=": "≤", "≥": "≥", ">=": "≥", "=": "=", "＝": "=", "<": "<", "＜": "<",
              ">": ">", "＞": ">", "小于等于": "≤", "大于等于": "≥", "不高于": "≤", "不低于": "≥",
              "不超过": "≤", "不少于": "≥", "大于": ">", "小于": "<", "等于": "="}
_TARGET = re.compile(
    r"^(?P<op>" + "|".join(sorted(map(re.escape, _OPERATORS), key=len, reverse=True)) + r")?"
    r"\s*(?P<value>\d+(?:\.\d+)?)?\s*(?P<unit>.*)$"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def parse_target(text: str) -> tuple[str | None, float | None, str | None]:
    """'≤30万元' -> ('≤', 30.0, '万元'); '100%' -> (None, 100.0, '%'); '好' -> (None, None, None);
    '2026年12月' -> (None, None, None): a date is not a target value."""
    cleaned = compact(text)
    match = _TARGET.match(cleaned)
    operator = _OPERATORS.get(match.group("op")) if match and match.group("op") else None
    if not match or match.group("value") is None:
        return operator, None, None
    if any(p.match(cleaned[match.start("value"):]) for p in form_vocab().not_a_number):
        return operator, None, None
    return operator, float(match.group("value")), match.group("unit") or None


def _weight(text: str | None) -> float | None:
    return float(text) if text and _NUMBER.match(text) else None


def indicator_row(form: PerformanceForm, indicator: FormIndicator, document_id: str,
                  project_name: str | None) -> dict:
    operator, value, unit = parse_target(indicator.target)
    # an operator column (≥ / ≤ / ＝; 定性 for a qualitative target) and a unit column, where printed
    if indicator.operator:
        operator = _OPERATORS.get(compact(indicator.operator), operator)
    return {
        "document_id": document_id, "project_name": project_name, "level1": indicator.level1,
        "level2": indicator.level2, "level3": indicator.level3, "operator": operator, "target_value": value,
        "target_unit": indicator.unit or unit, "target_text": indicator.target, "page": indicator.page,
        "form_kind": form.kind, "project_code": form.project_code, "activity": indicator.activity,
        "weight": _weight(indicator.weight),
    }


def form_indicators(form: PerformanceForm, document_id: str, unit_name: str | None = None) -> list[dict]:
    """A 部门整体 form that prints no name is about the document's unit."""
    name = form.project_name or (unit_name if form.kind == "overall" else None) or None
    return [indicator_row(form, i, document_id, name) for i in form.indicators]


def build_indicators(doc: ExtractedDocument) -> pd.DataFrame:
    rows = [r for form in doc.performance_forms
            for r in form_indicators(form, doc.info.document_id, doc.info.unit_name)]
    if not rows:
        return empty_frame(INDICATOR_COLUMNS)
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    frame["page"] = frame["page"].astype("Int64")
    return frame
