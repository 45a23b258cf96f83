"""Reads of dues: the amount of a member for a month, the branch ledger of a year, arrears.
INTERFACE (stubs to be filled in).

Definitions (docs/dues.md): a member owes a month when a setting covers it (the first setting's
month onward), the month is not before the 支部大会 vote that admitted them (C-6), and the member
pays dues (active, 正式/预备, 党籍 正常). A month is in arrears once it has ended without a payment
of at least its due amount. `consecutive` counts the unpaid months back from the last ended month,
across year ends; warning at `dues.arrears_warning_months`, flag at `dues.arrears_flag_months`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

OK, WARNING, FLAG = "", "warning", "flag"


def amount_for_month(member: Member, month: dt.date) -> Decimal | None:
    """The member's monthly amount for `month` from the settings; None when none covers it."""
    raise NotImplementedError


@dataclass
class LedgerCell:
    month: dt.date
    due: Decimal | None  # None: not owed that month
    payment: DuesPayment | None
    state: str  # "paid" / "short" (paid < due) / "unpaid" (ended, nothing) / "open" (not ended) / "none"


@dataclass
class LedgerRow:
    member: Member
    setting: DuesSetting | None  # in force at the end of the year (or today)
    cells: list[LedgerCell]
    due_total: Decimal
    paid_total: Decimal


@dataclass
class Ledger:
    branch: Organisation
    year: int
    rows: list[LedgerRow]
    unset: list[Member]  # pay dues but have no setting for the year
    due_total: Decimal
    paid_total: Decimal
    monthly_paid: list[Decimal] = field(default_factory=list)  # 12 totals


def branch_ledger(branch: Organisation, year: int, on: dt.date | None = None) -> Ledger:
    """The year's ledger of a branch: one row per member who owes dues in it (constant queries)."""
    raise NotImplementedError


@dataclass
class ArrearsRow:
    member: Member
    months: list[dt.date]  # every ended unpaid month owed (oldest first)
    consecutive: int  # unpaid months back from the last ended month
    owed: Decimal  # sum of (due − paid) over `months`
    level: str  # OK / WARNING / FLAG


def arrears(branches: Iterable[Organisation], on: dt.date | None = None) -> list[ArrearsRow]:
    """Members of these branches with at least one ended unpaid month (constant queries)."""
    raise NotImplementedError
