"""A finding: one check at one place, judged exact, rounding or failed, and the frame they make.

Every check yields one Finding per place it checks, passed or not, so an analyst sees what was
checked as well as what failed. A check decides what it compares and says it in Chinese; this
module decides what the difference means, the same way for every check:

- no difference (or, for prose, one within the rounding of the number the text states): passed;
- a difference no larger than the rounding of the printed numbers (``rounding``): failed,
  category ``rounding``, severity ``warning`` (data contract v2);
- anything larger: failed with the check's own category and severity.

``cells`` and ``row`` say which printed numbers and which row a finding involves, so that
pipelines.checks.cascade can tell that several failures are one defect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from pipelines.checks.wording import money
from pipelines.model import UNIT_TO_YUAN, VALIDATION_COLUMNS, empty_frame

ZERO = Decimal(0)

# the category a check belongs to, by the family (prefix) of its check_id
CATEGORY_BY_FAMILY = {"row_sum": "arithmetic", "hierarchy": "arithmetic", "balance": "arithmetic",
                      "cross": "cross_table",
                      "performance": "cross_table", "prose": "prose", "prose_xdoc": "cross_document",
                      "budget_xdoc": "cross_document",
                      "extraction": "completeness", "completeness": "completeness"}


@dataclass(frozen=True)
class RowRef:
    """The printed row a finding is about: its table, segment and position, what classifies it
    (codes, or 'total', or its label path), the row that sums it (its parent in the printed tree,
    or the table's total for a top-level row) and how deep it sits."""
    table_code: str
    segment: object
    row_no: int | None
    classification: tuple
    summed_by: int | None = None
    depth: int = 0


@dataclass
class Finding:
    check_id: str
    expected: Decimal
    actual: Decimal
    location: str
    message: str  # what is wrong, in Chinese, used when the check fails
    summary: str | None = None  # what was checked, used when it passes (defaults to message)
    claim: str | None = None  # the identity at its place, in a few words (named by other findings)
    severity: str = "error"
    category: str | None = None
    table_code: str | None = None
    page: int | None = None
    unit: str | None = None
    rounding: Decimal = ZERO  # a difference up to this is the rounding of the printed numbers
    exact: Decimal = ZERO  # a difference up to this passes (prose rounds the tables' numbers)
    rounding_note: str | None = None  # the source's own note that its figures are rounded
    cells: frozenset = frozenset()  # the printed numbers compared
    actual_cells: frozenset = frozenset()  # those of them that make up `actual` (the rest: `expected`)
    anchor: tuple | None = None  # the printed number checked (a total, a parent, the left side)
    anchor_yuan: Decimal | None = None
    row: RowRef | None = None
    order: int = 0  # printed order (page, row, column) for choosing where to report a defect
    passed: bool = field(init=False, default=False)
    note: str | None = None  # set when the finding repeats a defect reported elsewhere

    def __post_init__(self) -> None:
        self.category = self.category or CATEGORY_BY_FAMILY.get(self.family, "arithmetic")
        self.judge()

    @property
    def family(self) -> str:
        return self.check_id.split(".", 1)[0]

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def difference_yuan(self) -> Decimal:
        """actual − expected in 元, comparable between findings in different units."""
        return self.difference * UNIT_TO_YUAN.get(self.unit or "元", Decimal(1))

    def correction(self, cell: tuple) -> Decimal:
        """What the printed number ``cell`` would have to change by, in 元, for the identity to hold."""
        return -self.difference_yuan if cell in self.actual_cells else self.difference_yuan

    def judge(self) -> None:
        gap = abs(self.difference)
        self.passed = gap <= self.exact
        if not self.passed and gap <= max(self.rounding, self.exact):
            self.category, self.severity = "rounding", "warning"

    def text(self) -> str:
        if self.note:
            return self.note
        if self.passed:
            return self.summary or self.message
        if self.category == "rounding":
            tolerance = money(max(self.rounding, self.exact), self.unit)
            why = f"，在所涉各数四舍五入的误差（{tolerance}）以内，属尾差"
            if self.rounding_note:
                why += f"（表注已说明：{self.rounding_note}）"
            return self.message + why
        return self.message


def findings_frame(document_id: str, findings: list[Finding]) -> pd.DataFrame:
    rows = [{
        "document_id": document_id, "check_id": f.check_id, "severity": f.severity, "passed": bool(f.passed),
        "expected": f.expected, "actual": f.actual, "location": f.location, "table_code": f.table_code,
        "page": f.page, "unit": f.unit, "category": f.category, "message": f.text(),
    } for f in findings]
    frame = pd.DataFrame(rows, columns=VALIDATION_COLUMNS) if rows else empty_frame(VALIDATION_COLUMNS)
    frame["passed"] = frame["passed"].astype(bool)  # so ~frame.passed filters even when empty
    frame["page"] = frame["page"].astype("Int64")
    return frame
