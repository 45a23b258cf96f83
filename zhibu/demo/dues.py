"""党费 of the demo (DUES-1, DUES-2): last year's and this year's amounts set in January from the
registry's 党费类别 and 基数 (every bracket occurs: the people plan spreads the bases), a ledger of
monthly payments through the services, last year's collection published, and the exceptions a
secretary should see:

- 城区片区: one member has not paid the last 3 months (the 3-month warning), one paid short once;
- 油库: one member has not paid for the last 6 months (the 6-month flag of C-8);
- the 失联党员 has not paid since losing contact;
- a mid-year change from July with its reason (C-5) when the run date is past July;
- a hardship reduction (减免, C-7) agreed by the branch and approved by the party committee.

Idempotent: a branch and year already set are not set again, a month already recorded is skipped.
"""

import datetime as dt
from decimal import Decimal

from zhibu.demo.base import Demo, Section
from zhibu.dues import services
from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.dues.rules import month_range
from zhibu.lib.dates import add_months
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Member
from zhibu.orgs.models import Organisation

WARNING_BRANCH, FLAG_BRANCH = "DJ-LS-CQ", "DJ-CY-YK"
METHODS = ("payroll", "online", "transfer", "cash")


def _payers(branch: Organisation) -> list[Member]:
    return list(
        Member.objects.filter(
            branch=branch, is_active=True, category__in=PARTY_MEMBER_CATEGORIES, standing="normal"
        ).order_by("id_number")
    )


def _gaps(demo: Demo, branch: Organisation, payers: list[Member]) -> dict[int, dt.date]:
    """Member id → the first month they stop paying."""
    last_ended = add_months(demo.on.replace(day=1), -1)
    gaps: dict[int, dt.date] = {}
    plain = [m for m in payers if not m.is_lost_contact and not m.is_mobile]
    if branch.code == WARNING_BRANCH and len(plain) > 5:
        gaps[plain[5].pk] = add_months(last_ended, -2)  # 3 months unpaid
    if branch.code == FLAG_BRANCH and len(plain) > 3:
        gaps[plain[3].pk] = add_months(last_ended, -5)  # 6 months unpaid
    for member in payers:
        if member.is_lost_contact and member.lost_contact_on:
            gaps[member.pk] = add_months(member.lost_contact_on.replace(day=1), 1)
    return gaps


def _set_years(demo: Demo, branch: Organisation, years: list[int]) -> int:
    created = 0
    for year in years:
        if DuesSetting.objects.filter(member__branch=branch, year=year).exists():
            continue
        created += len(services.dues_set_year(actor=demo.actor, branch=branch, year=year))
    return created


def _pay(demo: Demo, branch: Organisation, first: dt.date) -> int:
    rng = demo.rng(f"dues:{branch.code}")
    payers = _payers(branch)
    gaps = _gaps(demo, branch, payers)
    last_ended = add_months(demo.on.replace(day=1), -1)
    recorded = set(
        DuesPayment.objects.filter(member__in=payers, month__gte=first).values_list("member_id", "month")
    )
    short = payers[7].pk if branch.code == WARNING_BRANCH and len(payers) > 7 else None
    created = 0
    for index, month in enumerate(month_range(first, last_ended)):
        paid_on = min(month.replace(day=rng.randint(8, 20)), demo.on)
        owing = [
            m
            for m in payers
            if (m.pk, month) not in recorded
            and (m.joined_on is None or m.joined_on.replace(day=1) <= month)
            and not (m.pk in gaps and month >= gaps[m.pk])
            and not (m.pk == short and month == add_months(last_ended, -4))
        ]
        if owing:
            method = METHODS[index % len(METHODS)]
            created += len(
                services.payments_record_month(
                    actor=demo.actor,
                    branch=branch,
                    month=month,
                    paid_on=paid_on,
                    method=method,
                    members=owing,
                )
            )
        if short is not None and month == add_months(last_ended, -4) and (short, month) not in recorded:
            member = next(m for m in payers if m.pk == short)
            services.payment_record(
                actor=demo.actor,
                member=member,
                month=month,
                paid=Decimal("10.00"),
                paid_on=paid_on,
                method="cash",
                note="当月少交，已提醒补足",
            )
            created += 1
    return created


def _raise(demo: Demo) -> int:
    """One mid-year change with its reason (C-5), from July of the run year."""
    if demo.on.month <= 7:
        return 0
    branch = Organisation.objects.get(code=WARNING_BRANCH)
    member = _payers(branch)[2]
    if DuesSetting.objects.filter(member=member, year=demo.on.year, from_month=7).exists():
        return 0
    base = (member.dues_base or Decimal(4000)) + Decimal(1200)
    services.dues_setting_change(
        actor=demo.actor,
        member=member,
        year=demo.on.year,
        from_month=7,
        dues_category=member.dues_category,
        dues_base=base,
        reason="7月起岗位调整，月工资收入变动",
    )
    return 1


def _reduction(demo: Demo) -> int:
    """One retired member's dues reduced for the year (C-7), before any payment of the year."""
    branch = Organisation.objects.get(code="DJ-CW")
    retired = [m for m in _payers(branch) if m.dues_category == "retired"]
    if not retired or DuesSetting.objects.filter(member=retired[0], reduced_from__isnull=False).exists():
        return 0
    member = retired[0]
    services.dues_setting_change(
        actor=demo.actor,
        member=member,
        year=demo.on.year,
        from_month=1,
        dues_category=member.dues_category,
        dues_base=member.dues_base,
        reason="本人长期患病、医疗费用负担重，经党支部委员会研究同意减免",
        reduced_amount=Decimal("5.00"),
        reduction_approval=f"东江党委组〔{demo.on.year}〕3号",
    )
    return 1


def _publish(demo: Demo, branch: Organisation, year: int) -> int:
    start = dt.date(year + 1, 1, 10)
    end = start + dt.timedelta(days=7)
    if end > demo.on or DuesPublication.objects.filter(organisation=branch, year=year).exists():
        return 0
    services.publication_publish(actor=demo.actor, branch=branch, year=year, start_on=start, end_on=end)
    return 1


def load(demo: Demo) -> int:
    year = demo.on.year
    branches = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.BRANCH, is_active=True, code__startswith="DJ-"
        ).order_by("code")
    )
    created = 0
    for branch in branches:
        created += _set_years(demo, branch, [year - 1, year])
    created += _raise(demo)
    created += _reduction(demo)
    for branch in branches:
        created += _pay(demo, branch, dt.date(year - 1, 1, 1))
        created += _publish(demo, branch, year - 1)
    return created


SECTION = Section("党费", load)
