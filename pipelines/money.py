"""Read printed amounts exactly: a number is read as printed or not at all."""
from __future__ import annotations

import re
from decimal import Decimal

from pipelines.model import UNIT_TO_YUAN

# 1,234.56 / 1234.56 / 1234 / -12.00 / 0.5 ; thousands groups must be well-formed
_AMOUNT = re.compile(r"^[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def looks_like_amount(text: str | None) -> bool:
    return bool(text) and bool(_AMOUNT.match(re.sub(r"\s+", "", text)))


def parse_amount(text: str | None) -> Decimal | None:
    """Return the Decimal printed in a cell, or None for an empty / non-numeric cell."""
    if text is None:
        return None
    cleaned = re.sub(r"\s+", "", text)
    if not _AMOUNT.match(cleaned):
        return None
    return Decimal(cleaned.replace(",", "").replace("−", "-").lstrip("+"))


def to_yuan(amount: Decimal, unit: str) -> Decimal:
    return amount * UNIT_TO_YUAN[unit]
