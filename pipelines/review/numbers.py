"""Amounts and percentages as the prose prints them, and how exactly a printed figure is stated.

A figure is read exactly as printed (Decimal). Its precision is the unit of its last printed digit:
``5.4%`` is stated to 0.1, ``22%`` to 1, ``2,802.41万元`` to 0.01 万元.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines.model import UNIT_TO_YUAN

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
AMOUNT = re.compile(rf"(?<![\d.,])(?P<number>{NUMBER})(?P<unit>亿元|万元|元)")
PERCENT = re.compile(rf"(?<![\d.,])(?P<number>{NUMBER})[%％]")
UNITS = {**UNIT_TO_YUAN, "亿元": Decimal(100_000_000)}
_PARENTHESES = re.compile(r"[（(][^（()）]{0,120}[)）]")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    unit: str
    start: int  # offsets in the text it was read from
    end: int
    text: str  # as printed

    @property
    def yuan(self) -> Decimal:
        return self.value * UNITS[self.unit]

    @property
    def step_yuan(self) -> Decimal:
        """The unit of the last printed digit, in 元."""
        return step(self.value) * UNITS[self.unit]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def step(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    return Decimal(1).scaleb(min(exponent, 0))


def shown(amount) -> Decimal:
    """A stored amount as printed: the warehouse keeps six decimals (50.000000), tables print two."""
    value = Decimal(amount).normalize()
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent > -2 else value


def amounts(text: str) -> list[Amount]:
    return [Amount(number(m.group("number")), m.group("unit"), m.start(), m.end(), m.group(0))
            for m in AMOUNT.finditer(text)]


def format_percent(value: Decimal, like: Decimal | None = None) -> str:
    places = max(-(like.as_tuple().exponent), 0) if like is not None else 2
    places = max(places, 1) if abs(value) < 1 and value != 0 else places
    return f"{value:.{places}f}%"


def without_parentheses(text: str) -> tuple[str, list[int]]:
    """The text with its short bracketed asides removed, and for each kept character its offset in
    ``text`` (an aside such as （其中：公务用车购置费0万元，比上年增加0万元） is a claim of its own)."""
    kept: list[int] = []
    out = []
    position = 0
    for match in _PARENTHESES.finditer(text):
        out.append(text[position:match.start()])
        kept.extend(range(position, match.start()))
        position = match.end()
    out.append(text[position:])
    kept.extend(range(position, len(text)))
    return "".join(out), kept


def asides(text: str) -> list[tuple[str, int]]:
    """The bracketed asides of ``text`` with their offsets (the inside, without the brackets)."""
    return [(m.group(0)[1:-1], m.start() + 1) for m in _PARENTHESES.finditer(text)]
