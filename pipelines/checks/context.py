"""What every check reads: the document's facts, its tables' printed trees, and what the checks
need to know about the document besides.

    build_context(doc, facts) -> CheckContext

- the document's fiscal year (tables such as 三公 print the prior year beside it);
- each table's printed title, for messages;
- the source's own rounding notes (注：由于四舍五入因素…), quoted beside rounding differences;
- how many decimals each table prints, which fixes the rounding of its numbers: a number printed
  to d decimals stands for any exact value within half a unit of its last digit.

A table's precision is the most decimals its amounts print (1,237.02 → 2; 24,840,779 → 0); facts
read back from the warehouse carry six decimals whatever was printed, so for them it is the most
decimals any amount needs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pandas as pd
import yaml

from pipelines.checks.findings import RowRef
from pipelines.checks.tree import classification, row_number, segment_of, table_trees
from pipelines.model import UNIT_TO_YUAN, ExtractedDocument
from pipelines.vocabulary import VOCAB_DIR, compact

HALF = Decimal("0.5")


@lru_cache(maxsize=None)
def rules(name: str) -> dict:
    """A vocabulary file of check rules (pipelines/vocab/<name>)."""
    with open(VOCAB_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def half_unit_of(amount: Decimal) -> Decimal:
    """Half a unit of the last digit of a number as it was stated (12.5 → 0.05)."""
    return HALF * Decimal(10) ** amount.as_tuple().exponent


@dataclass
class CheckContext:
    fiscal_year: int | None = None
    titles: dict[str, str] = field(default_factory=dict)
    rounding_notes: dict[str, str] = field(default_factory=dict)
    decimals: dict[str, int] = field(default_factory=dict)
    rows: list = field(default_factory=list)  # the facts, with attribute access, printed order
    trees: dict = field(default_factory=dict)  # (table_code, segment) -> Tree
    by_table: dict[str, list] = field(default_factory=dict)  # table_code -> its facts, printed order

    def row_ref(self, fact) -> RowRef:
        """The fact's printed row, with its place in its table's tree."""
        tree = self.trees.get((fact.table_code, segment_of(fact)))
        row_no = row_number(fact)
        if tree is not None and row_no in tree.rows:
            return tree.ref(row_no)
        return RowRef(fact.table_code, segment_of(fact), row_no, classification(fact))

    def half_unit(self, fact) -> Decimal:
        """Half a unit of the last digit the fact's table prints, in the fact's unit."""
        return HALF * Decimal(10) ** -self.decimals.get(fact.table_code, 2)

    def rounding(self, facts, unit: str | None) -> Decimal:
        """How far the printed numbers ``facts`` may together be off their exact values, in ``unit``:
        half a unit of the last printed digit per number."""
        total_yuan = sum((self.half_unit(f) * _factor(f.unit) for f in facts), Decimal(0))
        return total_yuan / _factor(unit)

    def rounding_note(self, table_code: str | None) -> str | None:
        return self.rounding_notes.get(table_code) if table_code else None


def _factor(unit) -> Decimal:
    """元 per unit; a table that prints no unit is compared in its own numbers (factor 1)."""
    return UNIT_TO_YUAN.get(unit, Decimal(1)) if isinstance(unit, str) else Decimal(1)


def _decimals(facts: pd.DataFrame) -> dict[str, int]:
    places: dict[str, int] = {}
    for table_code, amount in zip(facts["table_code"], facts["amount"]):
        if isinstance(amount, Decimal) and amount.is_finite():
            exponent = amount.as_tuple().exponent
            if exponent <= -6:  # the warehouse's six decimals, not the printed ones
                exponent = amount.normalize().as_tuple().exponent
            places[table_code] = max(places.get(table_code, 0), -exponent if exponent < 0 else 0)
    return places


def _rounding_notes(doc: ExtractedDocument) -> dict[str, str]:
    """Tables whose note says their figures are rounded; a note saying 下同 covers the tables after it."""
    spec = rules("identities.yaml")["rounding_notes"]
    notes: dict[str, str] = {}
    carried = None
    for table in doc.tables:
        note = compact(table.note or "")
        if any(word in note for word in spec["words"]):
            notes[table.table_code] = note
            if any(word in note for word in spec["carry_words"]):
                carried = note
        elif carried:
            notes.setdefault(table.table_code, carried)
    return notes


def _main_year(facts: pd.DataFrame) -> int | None:
    """The year most facts are about: the document's, where only its facts are at hand."""
    years = facts["fiscal_year"].dropna() if "fiscal_year" in facts else []
    return int(years.mode().iloc[0]) if len(years) else None


def build_context(doc: ExtractedDocument | None, facts: pd.DataFrame) -> CheckContext:
    """``doc`` may be None for facts read back from the warehouse (no titles, no notes)."""
    rows = list(facts.itertuples())  # plain rows: per-row pandas access is slow on long documents
    by_table: dict[str, list] = {}
    for fact in rows:
        by_table.setdefault(fact.table_code, []).append(fact)
    titles: dict[str, str] = {}
    if doc is not None:
        for table in doc.tables:
            titles.setdefault(table.table_code, compact(table.title))
    return CheckContext(
        fiscal_year=doc.info.fiscal_year if doc is not None else _main_year(facts),
        titles=titles,
        rounding_notes=_rounding_notes(doc) if doc is not None else {},
        decimals=_decimals(facts) if len(facts) else {},
        rows=rows,
        trees=table_trees(rows),
        by_table=by_table,
    )
