"""项目支出绩效目标表 -> one row per performance indicator."""
from __future__ import annotations

import re

import pandas as pd

from pipelines.model import INDICATOR_COLUMNS, ExtractedDocument, PerformanceForm, empty_frame
from pipelines.vocabulary import compact

_OPERATORS = {"≤": "≤", "<=": "≤", "≥": "≥", ">=": "≥", "=": "=", "＝": "=", "<": "<", "＜": "<",
              ">": ">", "＞": ">", "小于等于": "≤", "大于等于": "≥", "不高于": "≤", "不低于": "≥",
              "不超过": "≤", "不少于": "≥", "大于": ">", "小于": "<", "等于": "="}
_TARGET = re.compile(
    r"^(?P<op>" + "|".join(sorted(map(re.escape, _OPERATORS), key=len, reverse=True)) + r")?"
    r"\s*(?P<value>\d+(?:\.\d+)?)?\s*(?P<unit>.*)$"
)
_HEADER = ("一级指标", "二级指标", "三级指标", "指标值")


def parse_target(text: str) -> tuple[str | None, float | None, str | None]:
    """'≤30万元' -> ('≤', 30.0, '万元'); '100%' -> (None, 100.0, '%'); '好' -> (None, None, None)."""
    cleaned = compact(text)
    match = _TARGET.match(cleaned)
    if not match or match.group("value") is None:
        return (_OPERATORS.get(match.group("op")) if match and match.group("op") else None), None, None
    unit = match.group("unit") or None
    return (_OPERATORS[match.group("op")] if match.group("op") else None,
            float(match.group("value")), unit)


def form_indicators(form: PerformanceForm, document_id: str) -> list[dict]:
    columns: dict[str, int] | None = None
    carried = {"level1": None, "level2": None}
    rows = []
    for row in form.rows:
        texts = [compact(c.text) for c in row]
        if all(h in texts for h in _HEADER):
            columns = {h: texts.index(h) for h in _HEADER}
            continue
        if columns is None:
            continue
        level1 = texts[columns["一级指标"]] or carried["level1"]
        level2 = texts[columns["二级指标"]] or carried["level2"]
        level3 = texts[columns["三级指标"]]
        target = texts[columns["指标值"]]
        if not (level3 or target):
            continue
        carried.update(level1=level1, level2=level2)
        operator, value, unit = parse_target(target)
        rows.append({
            "document_id": document_id, "project_name": form.project_name, "level1": level1,
            "level2": level2, "level3": level3, "operator": operator, "target_value": value,
            "target_unit": unit, "target_text": target, "page": row[columns["三级指标"]].page,
        })
    return rows


def build_indicators(doc: ExtractedDocument) -> pd.DataFrame:
    rows = [r for form in doc.performance_forms for r in form_indicators(form, doc.info.document_id)]
    if not rows:
        return empty_frame(INDICATOR_COLUMNS)
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    frame["page"] = frame["page"].astype("Int64")
    return frame
