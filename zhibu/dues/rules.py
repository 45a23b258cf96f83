"""The dues arithmetic of RULES §C, pure: the rate from the category and base, the monthly amount
rounded half-up to the 分, and month arithmetic for the ledger. Every number is a rule
(`zhibu.lib.rules`, keys `dues.*`) read from a `RuleSet`, so a year's changes apply to that year.

Brackets are inclusive at the top (C-3a): with the defaults a base of exactly 3000.00 pays 0.5%,
3000.01 pays 1%; 5000.00 pays 1%, 10000.00 pays 1.5%, 10000.01 pays 2%. Retired members: up to
5000.00 inclusive 0.5%, above 1%.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zhibu.lib.decimals import money
from zhibu.lib.rules import RuleSet
from zhibu.members.models import DuesCategory

HUNDRED = Decimal(100)


class DuesRuleError(ValueError):
    """A category and base from which no amount can be computed (Chinese message)."""


@dataclass(frozen=True)
class Amount:
    """The computed monthly amount and how: `rate` in percent for the bracket categories (None for
    fixed amounts), and the sentence that explains it."""

    amount: Decimal
    rate: Decimal | None
    explanation: str


def _bracket_rate(base: Decimal, tops: list[Decimal], rates: list[Decimal]) -> tuple[Decimal, str]:
    lower = Decimal(0)
    for top, rate in zip(tops, rates, strict=False):
        if base <= top:
            span = f"{_yuan(lower)}元以上至{_yuan(top)}元（含）" if lower else f"{_yuan(top)}元及以下"
            return rate, span
        lower = top
    return rates[len(tops)], f"{_yuan(tops[-1])}元以上"


def _yuan(value: Decimal) -> str:
    return f"{value.normalize():f}"


def compute_amount(
    category: str, base: Decimal | None, rules: RuleSet, *, farmer_amount: Decimal | None = None
) -> Amount:
    """The monthly dues of a member of `category` with monthly `base` (C-2 … C-4)."""
    if category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
        if base is None:
            raise DuesRuleError("未登记党费基数（月工资收入），无法按比例计算党费")
        if base < 0:
            raise DuesRuleError("党费基数不能为负数")
        if category == DuesCategory.EMPLOYED:
            tops = [rules.decimal(f"dues.employed_top_{n}") for n in (1, 2, 3)]
            rates = [rules.decimal(f"dues.employed_rate_{n}") for n in (1, 2, 3, 4)]
            who, source = "在职党员", "C-2"
        else:
            tops = [rules.decimal("dues.retired_top_1")]
            rates = [rules.decimal(f"dues.retired_rate_{n}") for n in (1, 2)]
            who, source = "离退休党员", "C-3"
        rate, span = _bracket_rate(base, tops, rates)
        amount = money(base * rate / HUNDRED)
        return Amount(
            amount,
            rate,
            f"{who}月收入{span}按{_yuan(rate)}%交纳（规则 {source}）：{base:.2f}×{_yuan(rate)}% = {amount}元",
        )
    if category == DuesCategory.FARMER:
        low, high = rules.decimal("dues.farmer_min"), rules.decimal("dues.farmer_max")
        amount = low if farmer_amount is None else farmer_amount
        if not low <= amount <= high:
            raise DuesRuleError(f"农民党员每月交纳{low}至{high}元（规则 C-4），{amount}元不在此范围")
        amount = money(amount)
        return Amount(amount, None, f"农民党员每月交纳{low}至{high}元（规则 C-4）：{amount}元")
    if category in (DuesCategory.STUDENT, DuesCategory.NO_INCOME):
        amount = money(rules.decimal("dues.fixed_amount"))
        label = DuesCategory(category).label
        return Amount(amount, None, f"{label}党员每月交纳{amount}元（规则 C-4）")
    raise DuesRuleError(f"未知的党费类别“{category}”")


# --- months ----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_index(day: dt.date) -> int:
    """Months since year 0: differences are month counts across year ends."""
    return day.year * 12 + day.month - 1


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier`'s month to `later`'s month (2025-12 → 2026-01 is 1)."""
    return month_index(later) - month_index(earlier)


def month_of_index(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    """The 1st of each month from `first`'s month to `last`'s, inclusive (empty when reversed)."""
    return [month_of_index(i) for i in range(month_index(first), month_index(last) + 1)]


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"
