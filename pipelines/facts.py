"""ExtractedTable -> long-format facts: one row per non-empty numeric cell."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pipelines.form_facts import form_facts
from pipelines.model import FACT_COLUMNS, ExtractedDocument, ExtractedTable, empty_frame
from pipelines.money import parse_amount, to_yuan
from pipelines.vocabulary import (
    class_code_for_label, compact, family_by_code, label_role, measure_for_path, strip_ordinal,
)

# internal columns kept next to the contract's: row position and ordinal depth feed the checks
INTERNAL_COLUMNS = ["row_index", "ordinal", "segment", "parent_row_no"]
_ORDINAL_KIND = [
    (re.compile(r"^[一二三四五六七八九十]+[、．.]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d+[、．.](?!\d)"), 2),
    (re.compile(r"^其中[:：]"), 3),
]


@dataclass
class Column:
    index: int
    path: tuple[str, ...]
    role: str | None  # code / text / project_name / project_category, None for amounts
    measure: str | None
    year: int | None
    side: str | None
    segment: int
    code_group: int | None = None
    after_code_group: int | None = None  # for text columns: the code group printed just before


def _side(path: tuple[str, ...]) -> str | None:
    top = path[0] if path else ""
    if "收入" in top:
        return "income"
    if "支出" in top:
        return "expenditure"
    return None


def plan_columns(table: ExtractedTable) -> list[Column]:
    family = family_by_code(table.table_code)
    sided = bool(family and family.sided)
    columns, segment, previous_was_amount, group, previous_was_code = [], 0, False, -1, False
    for i, path in enumerate(table.header_paths):
        role = label_role(path)
        if sided and role in ("project_name", "project_category"):
            role = "text"
        if role is not None and previous_was_amount:
            segment += 1
        measure, year = (None, None) if role else measure_for_path(path)
        if role is None and measure is None:
            measure = "unmapped" if path else "total"
        code_group = None
        if role == "code":
            if not previous_was_code:
                group += 1
            code_group = group
        columns.append(Column(i, path, role, measure, year, _side(path) if sided else None, segment, code_group,
                              group if role in ("text", "project_name") and previous_was_code else None))
        previous_was_amount = role is None
        previous_was_code = role == "code"
    return columns


def _code_from_parts(parts: list[str]) -> str | None:
    """Join 类/款/项 cells ('208','01','09') or one printed code ('2080109', '208 01 09', '301 2')."""
    parts = [p for p in (re.sub(r"\s+", " ", p or "").strip() for p in parts)]
    if len(parts) == 1:
        pieces = parts[0].split(" ") if parts[0] else []
    else:
        pieces = parts
    if not any(pieces):
        return None
    if not all(re.fullmatch(r"\d*", p) for p in pieces):
        return None
    head, *rest = pieces
    if len(pieces) == 1:
        return head if len(head) in (3, 5, 7) else None
    return head + "".join(p.zfill(2) for p in rest if p)


def _code_kind(code: str) -> str | None:
    return {"2": "func_code", "3": "econ_dept_code", "5": "econ_gov_code"}.get(code[:1])


def _ordinal_level(label: str) -> int | None:
    for pattern, level in _ORDINAL_KIND:
        if pattern.match(label):
            return level
    return None


def table_facts(table: ExtractedTable, document_id: str, unit_name: str | None, fiscal_year: int | None,
                doc_kind: str | None = None) -> list[dict]:
    columns = plan_columns(table)
    unit = table.unit or "万元"
    facts: list[dict] = []
    carried: dict[int, list[str]] = {}  # code group -> last printed parts (类/款 carried down)
    labelled = any(c.role is not None for c in columns)
    for row_index, row in enumerate(table.rows):
        texts = [c.text or "" for c in row]
        labels_by_segment: dict[int, list[str]] = {}
        codes: dict[str, str] = {}
        project_name = project_category = None
        # codes, one per code group
        groups: dict[int, list[int]] = {}
        for col in columns:
            if col.role == "code":
                groups.setdefault(col.code_group, []).append(col.index)
        for group, indexes in groups.items():
            parts = [compact(texts[i]) if len(indexes) > 1 else texts[i].strip() for i in indexes]
            if len(indexes) > 1:
                previous = carried.get(group, [""] * len(indexes))
                if any(parts):
                    first = next(i for i, p in enumerate(parts) if p)
                    parts = previous[:first] + parts[first:]
                    # a deeper level printed alone: keep the carried parents, drop stale children
                    depth = max(i for i, p in enumerate(parts) if p)
                    parts = [p if i <= depth else "" for i, p in enumerate(parts)]
                    carried[group] = parts
            code = _code_from_parts(parts)
            if code and (kind := _code_kind(code)):
                codes[kind] = code
        for col in columns:
            text = compact(texts[col.index])
            if col.role == "text" and text:
                if col.after_code_group is not None and col.after_code_group > 0:
                    continue  # e.g. 政府预算经济分类科目名称: the row is labelled by the first classification
                labels_by_segment.setdefault(col.segment, []).append(text)
            elif col.role == "project_name" and text:
                project_name = text
                labels_by_segment.setdefault(col.segment, []).append(text)
            elif col.role == "project_category" and text:
                project_category = text
        raw_label_for: dict[int, str | None] = {}
        last_label = None
        for segment in sorted({c.segment for c in columns}):
            labels = labels_by_segment.get(segment)
            if labels:
                label = labels[-1]
                if label in ("小计", "合计") and len(labels) > 1:
                    label = labels[-2] + label
                last_label = label
            raw_label_for[segment] = labels[-1] if labels else last_label
        for col in columns:
            if col.role is not None:
                continue
            amount = parse_amount(texts[col.index])
            if amount is None:
                continue
            raw = raw_label_for.get(col.segment)
            item = strip_ordinal(raw) if raw else None
            func_code = codes.get("func_code")
            if func_code is None and item and not codes:
                func_code = class_code_for_label(item)
            is_total = bool(item) and (any(w in item for w in ("合计", "总计")) or item.endswith("小计"))
            if not item and not codes and labelled and row_index in (0, len(table.rows) - 1):
                is_total = True  # an unlabelled first/last row in a labelled table is its total
            facts.append({
                "document_id": document_id,
                "unit_name": unit_name,
                "doc_kind": doc_kind,
                "fiscal_year": col.year or fiscal_year,
                "table_code": table.table_code,
                "side": col.side,
                "item": item,
                "func_code": func_code,
                "econ_dept_code": codes.get("econ_dept_code"),
                "econ_gov_code": codes.get("econ_gov_code"),
                "project_name": None if is_total else project_name,
                "project_category": project_category,
                "measure": col.measure,
                "amount": amount,
                "unit": unit,
                "amount_yuan": to_yuan(amount, unit),
                "is_total": is_total,
                "page": row[col.index].page,
                "row_no": row_index + 1,
                "row_path": item,
                "row_index": row_index,
                "ordinal": _ordinal_level(raw) if raw else None,
                "segment": col.segment,
                "parent_row_no": None,
            })
    _assign_tree(facts)
    return facts


def _depth(fact: dict) -> int | None:
    """How deep a row sits in its table's printed hierarchy: 0 for a total, 1..3 for 类/款/项 codes
    (or ordinals 一、 / （一） / 其中), None when the row shows no level."""
    if fact["is_total"]:
        return 0
    code = fact["func_code"] or fact["econ_dept_code"] or fact["econ_gov_code"]
    if code:
        return {3: 1, 5: 2, 7: 3}.get(len(code), 3)
    return fact["ordinal"]


def _assign_tree(facts: list[dict]) -> None:
    """parent_row_no and row_path from the row order and each row's level, per label segment (the
    two sides of a summary table are two trees)."""
    rows: dict[tuple[int, int], list[dict]] = {}
    for fact in facts:
        rows.setdefault((fact["segment"], fact["row_index"]), []).append(fact)
    stacks: dict[int, list[tuple[int, int, str]]] = {}
    for (segment, row_index), row_facts in sorted(rows.items()):
        first = row_facts[0]
        depth = _depth(first)
        stack = stacks.setdefault(segment, [])
        label = first["item"] or ""
        if depth is None or depth == 0:
            parent = None
            if depth == 0:
                stack.clear()
        else:
            while stack and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1] if stack else None
            stack.append((depth, first["row_no"], (parent[2] + " / " if parent else "") + label))
        path = (parent[2] + " / " + label) if parent and label else (label or None)
        for fact in row_facts:
            fact["parent_row_no"] = parent[1] if parent else None
            fact["row_path"] = path


def build_facts(doc: ExtractedDocument) -> pd.DataFrame:
    rows: list[dict] = []
    for table in doc.tables:
        rows.extend(table_facts(table, doc.info.document_id, doc.info.unit_name, doc.info.fiscal_year,
                                doc.info.doc_kind))
    rows.extend(form_facts(doc))
    if not rows:
        return empty_frame(FACT_COLUMNS + INTERNAL_COLUMNS)
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS + INTERNAL_COLUMNS)
    for column in ("fiscal_year", "page", "row_no", "row_index", "parent_row_no"):
        frame[column] = frame[column].astype("Int64")
    frame["is_total"] = frame["is_total"].astype(bool)
    return frame
