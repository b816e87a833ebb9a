"""Which printed cells a rule means: the row selections of vocab/cross_tables.yaml and of the prose
targets in vocab/prose.yaml.

    select(context, spec, year)      -> Selected | None   one amount: a total row, one row, or a sum
    select_rows(context, spec, year) -> [fact]            every coded row (rows: each)

``spec`` is one side of a rule: {table, measure (or a list of alternatives, or ``any``), side, rows,
exclude, requires}; see vocab/cross_tables.yaml for the meaning of each key. ``context`` holds the
document's facts by table and its tables' printed trees (pipelines.checks.context).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipelines.checks.context import CheckContext, rules
from pipelines.checks.tree import CODE_KINDS, row_number, segment_of
from pipelines.checks.wording import cell, first_code, measure_name, money, number, table_place, text
from pipelines.vocabulary import compact

ZERO = Decimal(0)
ANY_MEASURE = "any"


@dataclass
class Selected:
    facts: list  # the printed cells, in printed order
    summed: bool = False  # several rows added up (rows: {code: …} or rows: top_level)

    @property
    def first(self):
        return self.facts[0]

    @property
    def unit(self) -> str:
        return self.first.unit

    @property
    def amount_yuan(self) -> Decimal:
        return sum((f.amount_yuan for f in self.facts), ZERO)

    @property
    def amount(self) -> Decimal:
        """In the first cell's unit (a selection's cells come from one table)."""
        return sum((f.amount for f in self.facts), ZERO)


def _measures(spec: dict) -> list[str]:
    measure = spec.get("measure", "total")
    return [measure] if isinstance(measure, str) else list(measure)


def _candidates(context: CheckContext, spec: dict, year: int | None) -> list:
    """The table's cells of the first measure it prints (every cell for ``measure: any``), on the
    side and in the year asked for."""
    rows = [f for f in context.by_table.get(spec["table"], [])
            if spec.get("side") is None or text(getattr(f, "side", None)) == spec["side"]]
    if year is not None:
        rows = [f for f in rows if f.fiscal_year == year]  # the 三公 table prints the prior year too
    if spec.get("measure") == ANY_MEASURE:
        return rows  # labelled rows whose amounts sit in different columns (人员经费合计 / 公用经费合计)
    for measure in _measures(spec):
        cells = [f for f in rows if f.measure == measure]
        if cells:
            return cells
    return []


def _label_rank(fact) -> int:
    labels = rules("cross_tables.yaml")["total_labels"]
    label = text(getattr(fact, "item", None))
    return next((i for i, word in enumerate(labels) if word in label), len(labels))


def _total(cells: list):
    totals = [f for f in cells if bool(f.is_total)]
    if not totals:
        return cells[0] if len(cells) == 1 else None
    best = min(_label_rank(f) for f in totals)
    return [f for f in totals if _label_rank(f) == best][-1]  # ties: the grand total is printed last


def _matches(fact, wanted: dict) -> bool:
    """Every column's code starts with one of the wanted codes ({econ_gov_code: [505, 506]})."""
    for column, codes in wanted.items():
        codes = codes if isinstance(codes, list) else [codes]
        if not text(getattr(fact, column, None)).startswith(tuple(str(c) for c in codes)):
            return False
    return True


def labelled(fact, labels: list[str]) -> bool:
    """The row's printed label begins with one of ``labels`` (本年收入合计, 人员经费合计 …)."""
    label = compact(text(getattr(fact, "item", None)))
    return bool(label) and label.startswith(tuple(compact(word) for word in labels))


def _top_level(context: CheckContext, fact) -> bool:
    tree = context.trees.get((fact.table_code, segment_of(fact)))
    return tree is not None and tree.parent.get(row_number(fact)) is None


def select(context: CheckContext, spec: dict, year: int | None = None) -> Selected | None:
    cells = _candidates(context, spec, year)
    if not cells:
        return None
    rows = spec.get("rows", "total")
    if rows == "total":
        total = _total(cells)
        return Selected([total]) if total is not None else None
    if rows == "top_level":
        chosen = [f for f in cells if not bool(f.is_total) and _top_level(context, f)]
    elif isinstance(rows, dict) and "labels" in rows:  # the rows of those labels, total rows included
        chosen = [f for f in cells if labelled(f, rows["labels"])]
        if len(chosen) == 1:
            return Selected(chosen)
    else:  # {code column: code}: every row of that code
        chosen = [f for f in cells if not bool(f.is_total) and _matches(f, rows)]
    for column in spec.get("requires", []):
        if not any(text(getattr(f, column, None)) for f in chosen):
            return None  # the table does not print what the rule needs to tell the rows apart
    if exclude := spec.get("exclude"):
        chosen = [f for f in chosen if not _matches(f, exclude)]
    return Selected(chosen, summed=True) if chosen else None


def select_rows(context: CheckContext, spec: dict, year: int | None = None) -> list:
    """Every non-total row that carries a classification code."""
    return [f for f in _candidates(context, spec, year)
            if not bool(f.is_total) and any(text(getattr(f, k, None)) for k in CODE_KINDS)]


def describe(selected: Selected, context: CheckContext) -> str:
    """The printed cell, or for a sum of rows: which rows, and what they add up to."""
    if not selected.summed:
        return cell(selected.first, context.titles)
    first = selected.first
    where = table_place(first.table_code, first.page, context.titles)
    if not any(first_code(f) for f in selected.facts):  # labelled rows: 人员经费合计2,152.26 + 公用经费合计184.65
        terms = " + ".join(f"{text(f.item)}{number(f.amount, f.unit)}" for f in selected.facts)
        return f"{where}{terms} = {money(selected.amount, selected.unit)}"
    codes = "、".join(dict.fromkeys(first_code(f) for f in selected.facts))
    terms = " + ".join(number(f.amount, f.unit) for f in selected.facts)
    shown = f"（{terms}）" if len(selected.facts) > 1 else ""
    return (f"{where}{codes}各行{measure_name(first.measure)}"
            f"之和{money(selected.amount, selected.unit)}{shown}")
