"""Writes of dues (DUES-1, DUES-2): the year's amounts, mid-year changes, payments, the yearly
publication. Each validates, writes an audit event, in one transaction.

INTERFACE (stubs to be filled in): views, API, the import and the demo call exactly these.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation


def dues_set_year(*, actor: Any, branch: Organisation, year: int) -> list[DuesSetting]:
    """年初核定 (C-5): for every member of `branch` who pays dues (active, 正式/预备, 党籍 正常) and
    has no setting for `year` yet, a setting from January computed from the registry's 党费类别 and
    基数. All or nothing: any member whose amount cannot be computed → ValidationError naming them."""
    raise NotImplementedError


def dues_setting_change(
    *,
    actor: Any,
    member: Member,
    year: int,
    from_month: int,
    dues_category: str,
    dues_base: Decimal | None,
    reason: str,
    farmer_amount: Decimal | None = None,
) -> DuesSetting:
    """Set or change a member's amount from a month (mid-year needs a reason, C-5). The registry's
    党费类别 and 基数 follow (entered once)."""
    raise NotImplementedError


def payment_record(
    *,
    actor: Any,
    member: Member,
    month: dt.date,
    paid: Decimal,
    paid_on: dt.date,
    method: str = "",
    due: Decimal | None = None,
    note: str = "",
) -> DuesPayment:
    """Record (or correct) one month's payment. `due` None → the member's amount for that month.
    Refused with the rule named: back-payment beyond `dues.max_back_months` (C-6), a month before
    the member owed dues, a date in the future, negative or more than 2 decimals."""
    raise NotImplementedError


def payments_record_month(
    *,
    actor: Any,
    branch: Organisation,
    month: dt.date,
    paid_on: dt.date,
    method: str,
    members: Sequence[Member],
) -> list[DuesPayment]:
    """收缴登记: these members paid the month's full amount on `paid_on` (all or nothing)."""
    raise NotImplementedError


def publication_publish(
    *, actor: Any, branch: Organisation, year: int, start_on: dt.date, end_on: dt.date
) -> DuesPublication:
    """Publish the year's dues collection as a 公示 (C-7), its content computed from the ledger."""
    raise NotImplementedError


def payment_problems(
    *,
    member: Member,
    month: dt.date,
    paid: Decimal | None,
    paid_on: dt.date | None,
    due: Decimal | None = None,
    on: dt.date | None = None,
) -> dict[str, str]:
    """The rules of one ledger entry as {field: Chinese message} (fields: member, month, due, paid,
    paid_on), read-only: the form, the API and import_dues report the same words. `due` None means
    "computed"; a problem is reported under `due` when it cannot be computed."""
    raise NotImplementedError
