"""Reads of dues: the amount of a member for a month, the branch ledger of a year, arrears.

Definitions (the same words as docs/dues.md):

- Who pays: a member in the registry (在册), 正式党员 or 预备党员, 党籍 正常 (`PAYING`).
- Owed months: from the month of the member's first `DuesSetting` (its year and `from_month`) on, never
  before the month of `joined_on` — a probationary member pays from the 支部大会 vote (C-6) — up to
  today's month. The amount of a month is that of the latest setting whose (year, from_month) is not
  after it: a year without settings of its own carries on the amount of an earlier year until the
  yearly reset (年初核定) creates the January settings.
- A month has "ended" when it is before today's month. A month is unpaid when it has ended, is owed,
  and has no payment or a payment below its due. A recorded payment keeps its own `due`: a later
  setting changes the due of months not yet recorded only.
- Arrears: a member's ended unpaid months. `consecutive` counts the unpaid months back from the last
  ended month, across year ends (November, December and January unpaid with today in February → 3),
  and stops at the first settled month. The level is WARNING from `dues.arrears_warning_months` (3),
  FLAG from `dues.arrears_flag_months` (6): the Party Constitution treats 6 months unpaid without
  good reason as leaving the Party (C-8), so the branch must act on a flag.
- Payments are accepted for months no setting covers (an imported old ledger), but arrears count only
  the months covered by settings: a member without any setting is "未核定", not in arrears.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.dues.rules import month_index, month_label, month_of_index, month_start
from zhibu.lib.dates import today
from zhibu.lib.decimals import money
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Member, Standing
from zhibu.orgs.models import Organisation

OK, WARNING, FLAG = "", "warning", "flag"
LEVEL_LABELS = {OK: "", WARNING: "欠缴提醒", FLAG: "欠缴标记"}
ZERO = Decimal("0.00")

# Cell states of the ledger grid.
PAID, SHORT, UNPAID, OPEN, NONE = "paid", "short", "unpaid", "open", "none"
STATE_LABELS = {PAID: "已交", SHORT: "未交足", UNPAID: "欠缴", OPEN: "未到期", NONE: "—"}

PAYING = Q(is_active=True, category__in=PARTY_MEMBER_CATEGORIES, standing=Standing.NORMAL)


def pays_dues(member: Member) -> bool:
    """正式/预备党员 in the registry with 党籍 正常 (the `PAYING` filter, for one member)."""
    return (
        member.is_active and member.category in PARTY_MEMBER_CATEGORIES and member.standing == Standing.NORMAL
    )


def level_of(consecutive: int, rules: RuleSet) -> str:
    """The arrears level of a run of `consecutive` unpaid months (DUES-2, C-8)."""
    if consecutive >= rules.integer("dues.arrears_flag_months"):
        return FLAG
    if consecutive >= rules.integer("dues.arrears_warning_months"):
        return WARNING
    return OK


def level_message(level: str, consecutive: int, rules: RuleSet) -> str:
    """What a level asks of the branch, with the rule."""
    if level == FLAG:
        flag = rules.integer("dues.arrears_flag_months")
        return (
            f"已连续{consecutive}个月未交纳党费。连续{flag}个月不交纳党费，按自行脱党处理，请支部研究处理"
            "（党费规定 C-8）"
        )
    if level == WARNING:
        return f"已连续{consecutive}个月未交纳党费，请支部及时提醒并督促交纳（SPEC DUES-2）"
    return ""


class Schedule:
    """A member's settings in order: the amount in force for any month, and where owing starts."""

    def __init__(self, member: Member, settings: list[DuesSetting]) -> None:
        self.settings = sorted(settings, key=lambda s: (s.year, s.from_month, s.pk or 0))
        self._starts = [s.year * 12 + s.from_month - 1 for s in self.settings]
        start = self._starts[0] if self._starts else None
        if start is not None and member.joined_on is not None:
            start = max(start, month_index(member.joined_on))
        self.start = start  # month index of the first owed month, None when nothing is set

    def setting_at(self, index: int) -> DuesSetting | None:
        position = bisect.bisect_right(self._starts, index)
        return self.settings[position - 1] if position else None

    def due_at(self, index: int) -> Decimal | None:
        """The amount owed for the month at `index`, None when not owed (before the start)."""
        if self.start is None or index < self.start:
            return None
        setting = self.setting_at(index)
        return setting.amount if setting is not None else None


def schedules_for(members: Iterable[Member]) -> dict[int, Schedule]:
    """Every member's `Schedule` in one query."""
    members = list(members)
    settings: dict[int, list[DuesSetting]] = defaultdict(list)
    for setting in DuesSetting.objects.filter(member_id__in=[m.pk for m in members]):
        settings[setting.member_id].append(setting)
    return {member.pk: Schedule(member, settings[member.pk]) for member in members}


def amount_for_month(member: Member, month: dt.date) -> Decimal | None:
    """The member's monthly amount for `month` from the settings; None when none covers it. Only
    the settings: whether the member owes the month (joined, pays dues) is not asked here."""
    setting = setting_for_month(member, month)
    return setting.amount if setting is not None else None


def setting_for_month(member: Member, month: dt.date) -> DuesSetting | None:
    """The setting in force for `month` (the latest whose year and month are not after it)."""
    return (
        DuesSetting.objects.filter(member=member)
        .filter(Q(year__lt=month.year) | Q(year=month.year, from_month__lte=month.month))
        .order_by("-year", "-from_month", "-pk")
        .first()
    )


# --- the branch ledger ----------------------------------------------------------------------


@dataclass
class LedgerCell:
    month: dt.date
    due: Decimal | None  # None: not owed that month
    payment: DuesPayment | None
    state: str  # "paid" / "short" (paid < due) / "unpaid" (ended, nothing) / "open" (not ended) / "none"
    counted: bool = False  # in the totals: ended, or paid (in advance)

    @property
    def paid(self) -> Decimal:
        return self.payment.paid if self.payment is not None else ZERO

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class LedgerRow:
    member: Member
    setting: DuesSetting | None  # in force at the end of the year (or today)
    cells: list[LedgerCell]
    due_total: Decimal
    paid_total: Decimal

    @property
    def unpaid_months(self) -> list[dt.date]:
        return [c.month for c in self.cells if c.state in (UNPAID, SHORT) and c.counted]


@dataclass
class Ledger:
    branch: Organisation
    year: int
    rows: list[LedgerRow]
    unset: list[Member]  # pay dues but have no setting for the year
    due_total: Decimal
    paid_total: Decimal
    monthly_paid: list[Decimal] = field(default_factory=list)  # 12 totals
    monthly_due: list[Decimal] = field(default_factory=list)  # 12 totals of the counted months
    on: dt.date | None = None

    @property
    def rate(self) -> Decimal | None:
        """收缴率 in percent (2 places), None when nothing is due yet."""
        if not self.due_total:
            return None
        return money(self.paid_total * 100 / self.due_total)

    @property
    def paying_count(self) -> int:
        """应交人数: the rows that owe at least one month of the year."""
        return sum(1 for row in self.rows if any(cell.due is not None for cell in row.cells))

    @property
    def arrears_count(self) -> int:
        return sum(1 for row in self.rows if row.unpaid_months)


def _cell(month: dt.date, due: Decimal | None, payment: DuesPayment | None, current: int) -> LedgerCell:
    ended = month_index(month) < current
    if payment is not None:
        due = payment.due  # a recorded payment keeps its due
        state = PAID if payment.paid >= payment.due else SHORT
        return LedgerCell(month, due, payment, state, counted=True)
    if due is None:
        return LedgerCell(month, None, None, NONE)
    return LedgerCell(month, due, None, UNPAID if ended else OPEN, counted=ended)


def branch_ledger(branch: Organisation, year: int, on: dt.date | None = None) -> Ledger:
    """The year's ledger of a branch (see `branch_ledgers`)."""
    return branch_ledgers([branch], year, on)[branch.pk]


def branch_ledgers(
    branches: Iterable[Organisation], year: int, on: dt.date | None = None
) -> dict[int, Ledger]:
    """The year's ledger of each branch: one row per member who owes dues in it (constant queries).

    Rows are the members currently in the branch (`Member.branch`) who pay dues and owe at least one
    month of the year, and those of them who no longer pay (出党, 去世, 停止党籍) but have a payment in
    the year. A row shows the member's payments of the year whichever branch collected them (a member
    transferred in mid-year shows the months paid before as paid). A cell's due is the recorded due of
    its payment, else the amount in force when the month is owed — future months of the year too, so
    that quarterly or advance collection can be prepared. Totals count the ended months and the months
    paid (in advance): 应交合计 is what was due up to last month plus what was paid ahead. `unset`
    lists the members who pay dues and have no setting of this year itself (年初核定 not done for
    them); their months may still be owed through an earlier year's setting carrying on.
    Three queries, whatever the number of members and branches."""
    branches = list(branches)
    on = on or today()
    current = month_index(on)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    paid_in_year = DuesPayment.objects.filter(member_id=OuterRef("pk"), month__gte=first, month__lte=last)
    members = list(
        Member.objects.filter(branch__in=branches)
        .filter(PAYING | Exists(paid_in_year))
        .select_related("group")
        .order_by("name", "pk")
    )
    ids = [m.pk for m in members]
    settings: dict[int, list[DuesSetting]] = defaultdict(list)
    for setting in DuesSetting.objects.filter(member_id__in=ids, year__lte=year):
        settings[setting.member_id].append(setting)
    payments: dict[tuple[int, dt.date], DuesPayment] = {
        (p.member_id, p.month): p
        for p in DuesPayment.objects.filter(member_id__in=ids, month__gte=first, month__lte=last)
    }
    reference = month_index(last) if year != on.year else current
    by_branch: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_branch[member.branch_id].append(member)
    return {
        branch.pk: _ledger(branch, year, on, by_branch[branch.pk], settings, payments, current, reference)
        for branch in branches
    }


def _ledger(
    branch: Organisation,
    year: int,
    on: dt.date,
    members: list[Member],
    settings: dict[int, list[DuesSetting]],
    payments: dict[tuple[int, dt.date], DuesPayment],
    current: int,
    reference: int,
) -> Ledger:
    rows: list[LedgerRow] = []
    unset: list[Member] = []
    monthly_paid = [ZERO] * 12
    monthly_due = [ZERO] * 12
    for member in members:
        paying = pays_dues(member)
        schedule = Schedule(member, settings[member.pk])
        if paying and not any(s.year == year for s in schedule.settings):
            unset.append(member)
        cells = []
        for month in (dt.date(year, n, 1) for n in range(1, 13)):
            due = schedule.due_at(month_index(month)) if paying else None
            cells.append(_cell(month, due, payments.get((member.pk, month)), current))
        if all(cell.state == NONE for cell in cells):
            continue
        due_total = sum((c.due for c in cells if c.counted and c.due is not None), ZERO)
        paid_total = sum((c.paid for c in cells), ZERO)
        for n, cell in enumerate(cells):
            monthly_paid[n] += cell.paid
            if cell.counted and cell.due is not None:
                monthly_due[n] += cell.due
        rows.append(LedgerRow(member, schedule.setting_at(reference), cells, due_total, paid_total))
    return Ledger(
        branch=branch,
        year=year,
        rows=rows,
        unset=unset,
        due_total=sum((r.due_total for r in rows), ZERO),
        paid_total=sum((r.paid_total for r in rows), ZERO),
        monthly_paid=monthly_paid,
        monthly_due=monthly_due,
        on=on,
    )


# --- arrears ----------------------------------------------------------------------------------


@dataclass
class ArrearsRow:
    member: Member
    months: list[dt.date]  # every ended unpaid month owed (oldest first)
    consecutive: int  # unpaid months back from the last ended month
    owed: Decimal  # sum of (due − paid) over `months`
    level: str  # OK / WARNING / FLAG
    message: str = ""  # what the level asks of the branch, with the rule

    @property
    def run_start(self) -> dt.date | None:
        """The first month of the unpaid run that ends with last month."""
        return self.months[-self.consecutive] if self.consecutive else None

    @property
    def months_label(self) -> str:
        return "、".join(month_label(m) for m in self.months)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


def member_arrears(
    member: Member,
    settings: list[DuesSetting],
    payments: dict[dt.date, tuple[Decimal, Decimal]],
    on: dt.date,
    rules: RuleSet,
) -> ArrearsRow | None:
    """The arrears of one member from their settings and their payments ({month: (due, paid)}).
    Pure: `arrears` calls it for every member after loading everything in a few queries."""
    schedule = Schedule(member, settings)
    last_ended = month_index(on) - 1
    if schedule.start is None or schedule.start > last_ended:
        return None
    months: list[dt.date] = []
    owed = ZERO
    consecutive = 0
    for index in range(schedule.start, last_ended + 1):
        month = month_of_index(index)
        recorded = payments.get(month)
        due: Decimal | None = recorded[0] if recorded is not None else schedule.due_at(index)
        paid = recorded[1] if recorded is not None else ZERO
        if due is None or paid >= due:
            consecutive = 0
            continue
        months.append(month)
        owed += due - paid
        consecutive += 1
    if not months:
        return None
    level = level_of(consecutive, rules)
    return ArrearsRow(member, months, consecutive, owed, level, level_message(level, consecutive, rules))


def arrears(branches: Iterable[Organisation], on: dt.date | None = None) -> list[ArrearsRow]:
    """Members of these branches with at least one ended unpaid month (constant queries: the members,
    their settings, their payments, the rules). Only members who pay dues now; ordered by branch and
    name."""
    on = on or today()
    # A queryset stays a subquery; anything else becomes a list of ids.
    chosen: QuerySet[Organisation] | list[int] = (
        branches if isinstance(branches, QuerySet) else [b.pk for b in branches]
    )
    members = list(
        Member.objects.filter(PAYING, branch__in=chosen)
        .select_related("branch")
        .order_by("branch__path", "name", "pk")
    )
    if not members:
        return []
    in_scope = Q(member__branch__in=chosen, member__is_active=True)
    in_scope &= Q(member__category__in=PARTY_MEMBER_CATEGORIES, member__standing=Standing.NORMAL)
    settings: dict[int, list[DuesSetting]] = defaultdict(list)
    for setting in DuesSetting.objects.filter(in_scope):
        settings[setting.member_id].append(setting)
    payments: dict[int, dict[dt.date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    rows = DuesPayment.objects.filter(in_scope, month__lt=month_start(on)).values_list(
        "member_id", "month", "due", "paid"
    )
    for member_id, month, due, paid in rows:
        payments[member_id][month] = (due, paid)
    rules = rules_for(on.year)
    found = []
    for member in members:
        row = member_arrears(member, settings[member.pk], payments[member.pk], on, rules)
        if row is not None:
            found.append(row)
    return found
