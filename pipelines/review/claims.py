"""What the prose claims about its figures: changes against a base (上年, 2023年预算执行数, 年初预算),
outturn against budget (完成年初预算的98.20%, 决算数小于预算数) and shares of a total (占99.79%).

    change_claims(text) -> [ChangeClaim]      比上年增加61.71万元，增长2.82% / 与上年持平 / 比2023年执行数减少6.19%
    execution_claims(text) -> [ExecutionClaim] 年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%
    share_claims(text) -> [ShareClaim]          本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%

``text`` is one paragraph (pipelines.review.text). A bracketed aside is read as a text of its own, so
the amount a claim is about is the last one printed before it outside any aside. Offsets are in
``text``. The words are data (vocab/review.yaml, ``claims``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pipelines.review.numbers import NUMBER, Amount, amounts, asides, number, without_parentheses
from pipelines.review.vocab import review_vocab

NEAR = 80  # at most this many characters between the amount and the comparison about it


@dataclass(frozen=True)
class ChangeClaim:
    start: int  # of the comparison (比上年…)
    end: int
    current: Amount
    base_words: str  # 上年 / 2023年预算执行数 / 年初预算数, as printed
    base_year: int | None  # the year compared with, where printed
    base: Amount | None  # the base amount, where the sentence prints it
    word: str | None  # 增加 / 减少 / 持平 …
    sign: int  # +1 more, -1 less, 0 flat (from ``word``)
    delta: Amount | None
    percent: Decimal | None
    percent_word: str | None
    percent_sign: int | None
    flat: str | None  # 持平 / 基本持平 where the claim says so


@dataclass(frozen=True)
class ExecutionClaim:
    start: int
    end: int
    budget: Amount | None
    actual: Amount
    rate: Decimal | None  # 完成预算的 X%
    rate_text: str | None  # as printed: 完成年初预算的98.20%
    relation: str | None  # 大于 / 小于 / 等于 / 持平 / 基本持平, as the prose words it
    relation_start: int | None


@dataclass(frozen=True)
class ShareClaim:
    start: int
    end: int
    part: Amount
    whole: Amount
    percent: Decimal


def _words(key: str) -> str:
    return "|".join(sorted(map(re.escape, review_vocab()["claims"][key]), key=len, reverse=True))


def direction(word: str | None) -> int | None:
    if word is None:
        return None
    spec = review_vocab()["claims"]
    if word in spec["more"]:
        return 1
    if word in spec["less"]:
        return -1
    if word in spec["flat"] or any(word.endswith(w) for w in spec["flat"]):
        return 0
    return None


@lru_cache(maxsize=None)
def _change_pattern() -> re.Pattern:
    return re.compile(
        rf"(?P<cmp>(?:比|较|与|同)(?P<base>(?:上一?年度?|去年|同期|(?P<base_year>20\d\d)年度?)"
        rf"(?:当年)?(?:{_words('base_kinds')})*)(?:相比|相较|比较|对比)?)"
        rf"[，,]?(?P<subject>[^，,。；;\d%％]{{0,24}}?)"
        rf"(?:(?P<flat>{_words('flat')})"
        rf"|(?P<word>{_words('more')}|{_words('less')}|{_words('neutral')})(?:了|为)?"
        rf"(?:(?P<delta_number>{NUMBER})(?P<delta_unit>亿元|万元|元)"
        rf"(?:[，,]?(?:同比)?(?P<pword>{_words('percent_words')})(?:了|为|达|约)?(?P<pct2>{NUMBER})[%％])?"
        rf"|(?P<pct1>{NUMBER})[%％]))")


@lru_cache(maxsize=None)
def _execution_pattern() -> re.Pattern:
    budget = rf"(?:{_words('budget_words')})(?:数)?(?:为|是)?(?P<budget_number>{NUMBER})(?P<budget_unit>万元|元)"
    actual = rf"(?:{_words('actual_words')})(?:数)?(?:为|是)?(?P<actual_number>{NUMBER})(?P<actual_unit>万元|元)"
    return re.compile(rf"{budget}[，,]?[^，,。；;\d]{{0,12}}?{actual}")


@lru_cache(maxsize=None)
def _rate_pattern() -> re.Pattern:
    return re.compile(
        rf"完成(?:{_words('budget_words')})?(?:数)?(?:(?P<budget_number>{NUMBER})(?P<budget_unit>万元|元))?的?"
        rf"(?P<rate>{NUMBER})[%％]")


@lru_cache(maxsize=None)
def _relation_pattern() -> re.Pattern:
    return re.compile(rf"(?:决算|执行|支出)数?(?P<relation>{_words('relations')})(?:{_words('budget_words')})?数?")


def _amount(match: re.Match, group: str, offsets: list[int]) -> Amount:
    start, end = match.start(f"{group}_number"), match.end(f"{group}_unit")
    return Amount(number(match.group(f"{group}_number")), match.group(f"{group}_unit"),
                  offsets[start], offsets[end - 1] + 1, match.group(f"{group}_number") + match.group(f"{group}_unit"))


def _views(text: str) -> list[tuple[str, list[int]]]:
    """The paragraph without its asides, then each aside: (text, offsets into the paragraph)."""
    main, offsets = without_parentheses(text)
    return [(main, offsets)] + [(inside, list(range(at, at + len(inside)))) for inside, at in asides(text)]


# ---------------------------------------------------------------- changes
def change_claims(text: str, fiscal_year: int | None = None) -> list[ChangeClaim]:
    claims = []
    for view, offsets in _views(text):
        claims += _changes_in(view, offsets, fiscal_year)
    return sorted(claims, key=lambda c: c.start)


def _changes_in(view: str, offsets: list[int], fiscal_year: int | None) -> list[ChangeClaim]:
    matches = list(_change_pattern().finditer(view))
    deltas = {m.start("delta_number") for m in matches if m.group("delta_number")}
    found = []
    for match in matches:
        before = [a for a in amounts(view[:match.start()]) if a.start not in deltas]
        if not before or match.start() - before[-1].end > NEAR:
            continue
        current = before[-1]
        if re.search(r"[。；;]", view[current.end:match.start()]) and not _starts_sentence(view, match.start()):
            continue  # the comparison belongs to a later sentence about something else
        if _after_a_list(view, before, match.start()):
            continue  # 收入X万元，其中：A万元、B万元，较上年减少…: about X or about B? not said
        base_year = int(match.group("base_year")) if match.group("base_year") else (
            fiscal_year - 1 if fiscal_year and "上" in match.group("base") else None)
        base = _stated_base(view, before[:-1], current, base_year, match.group("base"))
        word = match.group("flat") or match.group("word")
        delta = (Amount(number(match.group("delta_number")), match.group("delta_unit"), 0, 0,
                        match.group("delta_number") + match.group("delta_unit"))
                 if match.group("delta_number") else None)
        percent_text = match.group("pct2") or match.group("pct1")
        percent_word = match.group("pword") or (match.group("word") if match.group("pct1") else None)
        found.append(ChangeClaim(
            offsets[match.start()], offsets[match.end() - 1] + 1,
            _moved(current, offsets), match.group("base"), base_year,
            _moved(base, offsets) if base else None, word, direction(word) if word else 0,
            delta, number(percent_text) if percent_text else None, percent_word,
            direction(percent_word), match.group("flat")))
    return found


def _after_a_list(view: str, before: list[Amount], at: int) -> bool:
    """The comparison follows a list of two or more parts (其中：A、B) in its sentence."""
    sentence_start = max(view.rfind(c, 0, at) for c in "。；;") + 1
    opener = max(view.rfind(w, sentence_start, at) for w in review_vocab()["claims"]["list_openers"])
    if opener < 0:
        return False
    return sum(1 for a in before if a.start > opener) >= 2


def _starts_sentence(view: str, at: int) -> bool:
    """The comparison opens its sentence (…万元。与上年相比增加…): it is about the amount before."""
    head = view[:at].rstrip("，, ")
    return bool(head) and head[-1] in "。；;"


def _stated_base(view: str, earlier: list[Amount], current: Amount, base_year: int | None,
                 base_words: str) -> Amount | None:
    """The base amount printed in the same sentence before the current one: its clause names the
    year compared with (2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年…)."""
    sentence_start = max(view.rfind(c, 0, current.start) for c in "。；;") + 1
    for amount in reversed(earlier):
        if amount.start < sentence_start:
            break
        clause = view[max(view.rfind(c, 0, amount.start) for c in "，,：:。；;、") + 1:amount.start]
        if _base_pattern(base_year if base_year else None, "上" in base_words).search(clause):
            return amount
    return None


@lru_cache(maxsize=None)
def _base_pattern(year: int | None, prior: bool) -> re.Pattern:
    """A clause that names the base year's amount: 2023年当年预算执行数为 / 上年预算数为 (not 上年结转)."""
    names = [re.escape(f"{year}年")] if year else []
    if prior:
        names.append("上一?年度?")
    if not names:
        return re.compile(r"(?!)")
    return re.compile(rf"(?:{'|'.join(names)})度?(?:当年)?(?:{_words('base_kinds')})*数?(?:为|是)?$")


def _moved(amount: Amount, offsets: list[int]) -> Amount:
    return Amount(amount.value, amount.unit, offsets[amount.start], offsets[amount.end - 1] + 1, amount.text)


# ---------------------------------------------------------------- outturn against budget
def execution_claims(text: str) -> list[ExecutionClaim]:
    view, offsets = without_parentheses(text)
    pairs = list(_execution_pattern().finditer(view))
    rates = list(_rate_pattern().finditer(view))
    relations = list(_relation_pattern().finditer(view))
    every_amount = amounts(view)
    claims = []
    for index, pair in enumerate(pairs):
        limit = pairs[index + 1].start() if index + 1 < len(pairs) else len(view)
        actual_end = pair.end("actual_unit")
        rate = next((r for r in rates if actual_end <= r.start() < limit
                     and _no_amount_between(every_amount, actual_end, r.start())), None)
        relation = next((r for r in relations if actual_end <= r.start() < limit), None)
        claims.append(ExecutionClaim(
            offsets[pair.start()], offsets[pair.end() - 1] + 1, _amount(pair, "budget", offsets),
            _amount(pair, "actual", offsets), number(rate.group("rate")) if rate else None,
            rate.group(0) if rate else None, relation.group("relation") if relation else None,
            offsets[relation.start()] if relation else None))
    # 决算为0.16万元，完成预算0万元的0%: the budget inside the rate
    for rate in rates:
        if not rate.group("budget_number") or any(p.start() <= rate.start() < p.end() + 40 for p in pairs):
            continue
        before = [a for a in every_amount if a.end <= rate.start()]
        if before and rate.start() - before[-1].end <= 4:
            actual = _moved(before[-1], offsets)
            claims.append(ExecutionClaim(actual.start, offsets[rate.end() - 1] + 1,
                                         _amount(rate, "budget", offsets), actual,
                                         number(rate.group("rate")), rate.group(0), None, None))
    return sorted(claims, key=lambda c: c.start)


def _no_amount_between(every_amount: list[Amount], start: int, end: int) -> bool:
    return not any(start <= a.start < end for a in every_amount)


# ---------------------------------------------------------------- shares
@lru_cache(maxsize=None)
def _share_pattern() -> re.Pattern:
    return re.compile(rf"(?P<part_number>{NUMBER})(?P<part_unit>亿元|万元|元)[，,]?(?:占比|占)(?:为)?"
                      rf"(?P<percent>{NUMBER})[%％]")


@lru_cache(maxsize=None)
def _head_pattern() -> re.Pattern:
    return re.compile(rf"^[，,。]?(?:{_words('list_openers')})")


def share_claims(text: str) -> list[ShareClaim]:
    """``X万元，占P%`` where the whole is the amount that opens the list (…合计2946.25万元，其中：)."""
    view, offsets = without_parentheses(text)
    every_amount = amounts(view)
    heads = [a for a in every_amount if _head_pattern().match(view[a.end:a.end + 12])]
    claims = []
    for match in _share_pattern().finditer(view):
        part = _amount(match, "part", list(range(len(view))))
        whole = next((h for h in reversed(heads) if h.end <= part.start), None)
        if whole is None:
            continue
        claims.append(ShareClaim(offsets[match.start()], offsets[match.end() - 1] + 1,
                                 _moved(part, offsets), _moved(whole, offsets), number(match.group("percent"))))
    return claims
