"""The prose's own arithmetic: every percentage and comparison word recomputed from the amounts it
relates, within the sentence (pipelines.review.claims).

    prose.change_percent     增长/下降 P% against the current amount and the change (or the base)
    prose.change_direction   a direction word contradicting the numbers (增加…，下降5%; 2024年25.77万元
                             against 2023年60.13万元 called 增加)
    prose.change_amount      the change stated beside both amounts it is the difference of
    prose.flat_claim         持平 / 基本持平 where the amounts differ
    prose.share_percent      占 P% against the part and the total that opens the list
    prose.execution_rate     完成年初预算的 P% against the outturn and the budget (决算)
    prose.execution_relation 决算数大于 / 小于 / 等于 / 持平 预算数 against the two amounts

A percentage printed to n decimals may be rounded, cut, or nudged so that a list's shares add up to
100%: it agrees when it is within one and a half units of its last digit of the value the amounts
give, widened by what the rounding of the amounts allows.
"基本持平" allows a change of up to BASICALLY_FLAT of the base; "持平" none beyond the amounts'
rounding. A base of zero has no percentage: such claims are not checked.
"""
from __future__ import annotations

from decimal import Decimal

from pipelines.review.claims import ChangeClaim, ExecutionClaim, change_claims, direction, execution_claims, share_claims
from pipelines.review.context import Review
from pipelines.review.finding import Finding
from pipelines.review.numbers import Amount, UNITS, format_percent, step
from pipelines.review.text import Paragraph

HUNDRED = Decimal(100)
BASICALLY_FLAT = Decimal("0.05")  # 基本持平: at most 5 % of the base
SMALL_PERCENT_GAP = Decimal("0.5")  # a gap up to half a percentage point is a warning, not an error
WORD_FOR_SIGN = {1: "增加", -1: "减少", 0: "持平"}


def _half(amount: Amount) -> Decimal:
    return amount.step_yuan / 2


def percent_tolerance(percent: Decimal, rate_yuan: Decimal, numerator_half: Decimal,
                      denominator_yuan: Decimal, denominator_half: Decimal) -> Decimal:
    """One and a half units of the percentage's last printed digit (rounded, cut, or nudged so that
    the shares of a list add up to 100%), plus what the amounts' rounding moves it."""
    spread = HUNDRED * (numerator_half / denominator_yuan
                        + abs(rate_yuan) * denominator_half / denominator_yuan ** 2)
    return step(percent) * Decimal("1.5") + spread


def _severity(gap: Decimal) -> str:
    return "warning" if gap <= SMALL_PERCENT_GAP else "error"


def _wan(yuan: Decimal, like: Amount) -> str:
    """An amount in 元 written in the unit and decimals of a printed amount."""
    places = max(-like.value.as_tuple().exponent, 2)
    return f"{yuan / UNITS[like.unit]:,.{places}f}{like.unit}"


class _Base:
    """A change claim's base: printed in the sentence, or the current amount less the change."""

    def __init__(self, claim: ChangeClaim):
        self.claim = claim
        self.yuan: Decimal | None = None
        self.half = Decimal(0)
        self.stated = claim.base is not None
        if claim.base is not None:
            self.yuan, self.half = claim.base.yuan, _half(claim.base)
        elif claim.delta is not None and (claim.sign in (1, -1) or claim.delta.value == 0):
            self.yuan = claim.current.yuan - (claim.sign or 0) * claim.delta.yuan
            self.half = _half(claim.current) + _half(claim.delta)


def change_findings(review: Review) -> list[Finding]:
    findings = []
    for paragraph in review.paragraphs:
        claims = change_claims(paragraph.text, review.year)
        for claim in claims:
            findings += _check_change(paragraph, claim, claims)
    return findings


def _check_change(paragraph: Paragraph, claim: ChangeClaim, claims: list[ChangeClaim]) -> list[Finding]:
    sentence = paragraph.sentence_at(claim.start)
    base = _Base(claim)
    out = []
    if claim.flat:
        out += _check_flat(sentence, claim, base, claims)
        return out
    if base.stated and claim.delta is not None and claim.sign in (1, -1):
        out += _check_amount(sentence, claim)
    if base.stated and claim.sign in (1, -1) and base.yuan != claim.current.yuan:
        actual_sign = 1 if claim.current.yuan > base.yuan else -1
        if actual_sign != claim.sign:
            out.append(Finding(
                "prose.change_direction", sentence.page,
                f"增减方向与金额不符：本年{claim.current.text}，{claim.base_words}{claim.base.text}",
                claim.word, f"“{WORD_FOR_SIGN[actual_sign]}”", sentence.text))
    if (claim.percent_sign is not None and claim.sign in (1, -1) and claim.percent_sign in (1, -1)
            and claim.percent_sign != claim.sign and claim.percent and claim.delta and claim.delta.value):
        out.append(Finding(
            "prose.change_direction", sentence.page,
            f"同一句中增减方向前后矛盾：金额{claim.word}{claim.delta.text}，百分比却是{claim.percent_word}",
            f"{claim.word}{claim.delta.text}，{claim.percent_word}{claim.percent}%",
            f"与“{claim.word}”同向的百分比（{'增长' if claim.sign == 1 else '下降'}…%），或改正增减额",
            sentence.text))
    elif claim.percent is not None and base.yuan is not None and base.yuan > 0:
        out += _check_percent(sentence, claim, base)
    return out


def _check_percent(sentence, claim: ChangeClaim, base: _Base) -> list[Finding]:
    change = claim.current.yuan - base.yuan
    expected = abs(change) / base.yuan * HUNDRED
    change_half = (_half(claim.delta) if claim.delta is not None and not base.stated
                   else _half(claim.current) + base.half)
    tolerance = percent_tolerance(claim.percent, change, change_half, base.yuan, base.half)
    gap = abs(expected - claim.percent)
    if gap <= tolerance:
        return [Finding("prose.change_percent", sentence.page, "增减百分比与金额相符", "", "",
                        sentence.text, expected=expected, actual=claim.percent, passed=True)]
    base_text = _wan(base.yuan, claim.current)
    how = (f"{claim.base_words}{claim.base.text}" if base.stated
           else f"{claim.word}{claim.delta.text}，{claim.base_words}应为{base_text}")
    return [Finding(
        "prose.change_percent", sentence.page,
        f"增减百分比与所列金额不符：本年{claim.current.text}，{how}，"
        f"变动{abs(change) / UNITS[claim.current.unit]:,.2f}{claim.current.unit} ÷ {base_text}",
        f"{claim.percent_word}{claim.percent}%", f"{claim.percent_word}{format_percent(expected, claim.percent)}",
        sentence.text, severity=_severity(gap), expected=expected, actual=claim.percent)]


def _check_amount(sentence, claim: ChangeClaim) -> list[Finding]:
    difference = abs(claim.current.yuan - claim.base.yuan)
    tolerance = _half(claim.current) + _half(claim.base) + _half(claim.delta)
    if abs(difference - claim.delta.yuan) <= tolerance:
        return []
    return [Finding(
        "prose.change_amount", sentence.page,
        f"增减额与两个金额之差不符：本年{claim.current.text}，{claim.base_words}{claim.base.text}",
        f"{claim.word}{claim.delta.text}", f"{claim.word}{_wan(difference, claim.delta)}", sentence.text,
        expected=difference / UNITS[claim.delta.unit], actual=claim.delta.value, unit=_unit(claim.delta))]


def _unit(amount: Amount) -> str | None:
    return amount.unit if amount.unit in ("元", "万元") else None


def _check_flat(sentence, claim: ChangeClaim, base: _Base, claims: list[ChangeClaim]) -> list[Finding]:
    """持平 against a base printed in the sentence, or against the change stated just before it
    about the same amount (比上年增加0.00万元，增长0.00%，与上年持平)."""
    if base.yuan is None:
        earlier = [c for c in claims if c.current.start == claim.current.start and c.delta is not None
                   and c.start < claim.start and c.sign in (1, -1)]
        if not earlier:
            return []
        base = _Base(earlier[-1])
        if base.yuan is None:
            return []
    change = abs(claim.current.yuan - base.yuan)
    allowed = base.half + _half(claim.current)
    if claim.flat.startswith("基本"):
        allowed = max(allowed, abs(base.yuan) * BASICALLY_FLAT)
    if change <= allowed:
        return []
    sign = 1 if claim.current.yuan > base.yuan else -1
    return [Finding(
        "prose.flat_claim", sentence.page,
        f"称“{claim.flat}”，但本年{claim.current.text}与{claim.base_words}{_wan(base.yuan, claim.current)}"
        f"相差{_wan(change, claim.current)}",
        claim.flat, f"“{WORD_FOR_SIGN[sign]}{_wan(change, claim.current)}”", sentence.text,
        expected=(claim.current.yuan - base.yuan) / UNITS[claim.current.unit], actual=Decimal(0),
        unit=_unit(claim.current))]


# ---------------------------------------------------------------- shares
def share_findings(review: Review) -> list[Finding]:
    findings = []
    for paragraph in review.paragraphs:
        for claim in share_claims(paragraph.text):
            if claim.whole.yuan <= 0:
                continue
            sentence = paragraph.sentence_at(claim.start)
            expected = claim.part.yuan / claim.whole.yuan * HUNDRED
            tolerance = percent_tolerance(claim.percent, claim.part.yuan, _half(claim.part),
                                          claim.whole.yuan, _half(claim.whole))
            gap = abs(expected - claim.percent)
            if gap <= tolerance:
                findings.append(Finding("prose.share_percent", sentence.page, "占比与金额相符", "", "",
                                        sentence.text, expected=expected, actual=claim.percent, passed=True))
                continue
            findings.append(Finding(
                "prose.share_percent", sentence.page,
                f"占比与金额不符：{claim.part.text} ÷ 合计{claim.whole.text}",
                f"占{claim.percent}%", f"占{format_percent(expected, claim.percent)}", sentence.text,
                severity=_severity(gap), expected=expected, actual=claim.percent))
    return findings


# ---------------------------------------------------------------- outturn against budget
RELATION_SIGNS = {"大于": 1, "高于": 1, "超过": 1, "小于": -1, "低于": -1, "等于": 0}


def execution_findings(review: Review) -> list[Finding]:
    findings = []
    for paragraph in review.paragraphs:
        for claim in execution_claims(paragraph.text):
            sentence = paragraph.sentence_at(claim.start)
            findings += _check_rate(sentence, claim) + _check_relation(paragraph, claim)
    return findings


def _check_rate(sentence, claim: ExecutionClaim) -> list[Finding]:
    if claim.rate is None or claim.budget is None or claim.budget.yuan <= 0:
        return []
    expected = claim.actual.yuan / claim.budget.yuan * HUNDRED
    tolerance = percent_tolerance(claim.rate, claim.actual.yuan, _half(claim.actual),
                                  claim.budget.yuan, _half(claim.budget))
    gap = abs(expected - claim.rate)
    if gap <= tolerance:
        return [Finding("prose.execution_rate", sentence.page, "预算完成率与金额相符", "", "", sentence.text,
                        expected=expected, actual=claim.rate, passed=True)]
    return [Finding(
        "prose.execution_rate", sentence.page,
        f"预算完成率与金额不符：决算{claim.actual.text} ÷ 预算{claim.budget.text}",
        claim.rate_text, claim.rate_text.replace(f"{claim.rate}", format_percent(expected, claim.rate).rstrip("%"), 1),
        sentence.text,
        severity=_severity(gap), expected=expected, actual=claim.rate)]


def _check_relation(paragraph: Paragraph, claim: ExecutionClaim) -> list[Finding]:
    if claim.relation is None or claim.budget is None:
        return []
    stated = RELATION_SIGNS.get(claim.relation, 0 if direction(claim.relation) == 0 or "持平" in claim.relation
                                or "一致" in claim.relation else None)
    if stated is None:
        return []
    difference = claim.actual.yuan - claim.budget.yuan
    allowed = _half(claim.actual) + _half(claim.budget)
    if "基本" in claim.relation:
        allowed = max(allowed, claim.budget.yuan * BASICALLY_FLAT)
    actual = 0 if abs(difference) <= allowed else (1 if difference > 0 else -1)
    if actual == stated:
        return []
    sentence = paragraph.sentence_at(claim.relation_start)
    correct = {1: "大于", -1: "小于", 0: "等于"}[actual]
    return [Finding(
        "prose.execution_relation", sentence.page,
        f"比较用词与金额不符：决算{claim.actual.text}，预算{claim.budget.text}",
        f"决算数{claim.relation}", f"“决算数{correct}预算数”", sentence.text,
        expected=claim.actual.value, actual=claim.budget.value, unit=_unit(claim.actual))]
