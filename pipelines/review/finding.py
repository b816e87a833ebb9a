"""One review finding: where it is, what is printed, what it should be and why.

A finding becomes one validation_results row (contract v2). Its message follows one convention so
that the review report can show the three parts from the warehouse row alone:

    {why}：印为「{printed}」，应为{should}。

``location`` holds the sentence (or the table row) the finding is about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines.model import VALIDATION_COLUMNS

LOCATION_CHARS = 300  # a sentence longer than this is cut in the location column
_MESSAGE = re.compile(r"^(?P<why>.*)：印为「(?P<printed>.*)」，应为(?P<should>.*?)。?$", re.S)


@dataclass(frozen=True)
class Finding:
    check_id: str
    page: int | None
    why: str  # why it is wrong, in words a reviewer uses
    printed: str  # the printed fragment
    should: str  # what it should be
    sentence: str | None = None  # the sentence or table row it is in
    category: str = "prose"
    severity: str = "error"
    table_code: str | None = None
    expected: Decimal | None = None
    actual: Decimal | None = None
    unit: str | None = None
    passed: bool = False

    @property
    def message(self) -> str:
        if self.passed:
            return self.why
        return compose(self.why, self.printed, self.should)

    def row(self, document_id: str) -> dict:
        location = (self.sentence or self.printed or "")[:LOCATION_CHARS]
        row = {
            "document_id": document_id, "check_id": self.check_id, "severity": self.severity,
            "passed": self.passed, "expected": self.expected, "actual": self.actual,
            "location": location, "table_code": self.table_code, "page": self.page, "unit": self.unit,
            "category": self.category, "message": self.message,
        }
        assert list(row) == VALIDATION_COLUMNS, "keep Finding.row in the contract's column order"
        return row


def passed(check_id: str, category: str, what: str) -> Finding:
    """The row saying a rule ran on the document and found nothing."""
    return Finding(check_id, None, f"{what}：未发现问题", "", "", category=category, passed=True)


def compose(why: str, printed: str, should: str) -> str:
    return f"{why}：印为「{printed}」，应为{should}。"


def parse_message(message: str) -> tuple[str, str, str] | None:
    """(why, printed, should) of a message written by ``compose``; None for any other message."""
    match = _MESSAGE.match(message or "")
    if not match:
        return None
    return match.group("why"), match.group("printed"), match.group("should")
