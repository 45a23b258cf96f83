"""Dues test data, written straight to the tables (no rules checked, no audit): for setting up a
situation — an old ledger, a long run of arrears — that the services would refuse to create today.
Test the services through the services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.dues.rules import compute_amount, month_range, month_start
from zhibu.dues.selectors import amount_for_month
from zhibu.lib.rules import rules_for
from zhibu.members.models import DuesCategory, Member


def make_setting(
    member: Member,
    year: int,
    amount: Decimal | str | None = None,
    *,
    from_month: int = 1,
    dues_category: str | None = None,
    dues_base: Decimal | str | None = None,
    reason: str = "年初核定",
) -> DuesSetting:
    """A setting of `member` from `from_month` of `year`. With no `amount`, it is computed from the
    category and base (the member's registry values when not given)."""
    category = dues_category or member.dues_category
    base = Decimal(dues_base) if dues_base is not None else member.dues_base
    rate = None
    if amount is None:
        if category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED) and base is None:
            base = Decimal("3000.00")
        computed = compute_amount(category, base, rules_for(year))
        amount, rate = computed.amount, computed.rate
    return DuesSetting.objects.create(
        member=member,
        year=year,
        from_month=from_month,
        dues_category=category,
        dues_base=base,
        rate=rate,
        amount=Decimal(amount),
        reason=reason,
    )


def pay(
    member: Member,
    month: dt.date,
    paid: Decimal | str | None = None,
    *,
    due: Decimal | str | None = None,
    paid_on: dt.date | None = None,
    method: str = DuesPayment.Method.CASH,
    note: str = "",
) -> DuesPayment:
    """A payment of `month` (any day of it). `due` defaults to the amount in force (else 0.20),
    `paid` to the due, `paid_on` to the 10th of the month."""
    month = month_start(month)
    if due is None:
        due = amount_for_month(member, month) or Decimal("0.20")
    due = Decimal(due)
    return DuesPayment.objects.create(
        member=member,
        branch=member.branch,
        month=month,
        due=due,
        paid=Decimal(paid) if paid is not None else due,
        paid_on=paid_on or month.replace(day=10),
        method=method,
        note=note,
    )


def pay_months(member: Member, first: dt.date, last: dt.date, **kwargs: Any) -> list[DuesPayment]:
    """`pay` every month from `first`'s to `last`'s, inclusive."""
    return [pay(member, month, **kwargs) for month in month_range(first, last)]
