"""培训档案 and 流动党员 of the demo (MEM-5, MEM-3), dated from the run date.

Trainings of the year: every party member has a 冬训 and online study; committee members a
committee course; secretaries a 书记轮训 — 城区片区's secretary has 7 days and more, 油库's
only 5 (the "差2天" of seed §二.1); a few members stay short of 32 学时; most activists went to
the concentrated training. The registry's 流动党员 have approved leaves with a contact person, a
流动党员活动证 and reports — one report overdue, one away over 6 months (D-1); one member is back
(returned), one leave waits for approval. Each person is skipped once they have records."""

import datetime as dt
from decimal import Decimal

from zhibu.demo.base import Demo, Section
from zhibu.lib.dates import add_months
from zhibu.members import mobile, training
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Category, Member, MobileRecord, TrainingRecord
from zhibu.orgs.models import CommitteeMember, CommitteePost

D = Decimal
# Secretaries' yearly training in days (seed §二.1: at least 7): one short, one well above.
SECRETARY_DAYS = {"DJ-LS-CQ": 8, "DJ-CY-YK": 5}
# Short of 32 学时: about one member in eight.
SHORT_EVERY = 8


def _window(demo: Demo) -> tuple[dt.date, dt.date]:
    """The days of the year the demo's trainings fall in: this year up to yesterday (last year
    when the run date is in January)."""
    year = demo.on.year if demo.on.month > 1 else demo.on.year - 1
    return dt.date(year, 1, 5), min(demo.on - dt.timedelta(days=1), dt.date(year, 12, 20))


def _day(start: dt.date, end: dt.date, fraction: float) -> dt.date:
    return start + dt.timedelta(days=int((end - start).days * fraction))


def _course(
    demo: Demo, member: Member, kind: str, course: str, organiser: str, end: dt.date, days: int, hours: D
) -> None:
    span = max(days, 1)
    training.training_record(
        actor=demo.actor,
        member=member,
        kind=kind,
        course=course,
        organiser=organiser,
        start_on=end - dt.timedelta(days=span - 1),
        end_on=end,
        days=D(days),
        hours=hours,
        certificate=f"PX{end:%Y}-{member.pk:04d}-{kind[:2].upper()}" if days >= 3 else "",
    )


def _trainings(demo: Demo) -> int:
    rng = demo.rng("records:training")
    start, end = _window(demo)
    if (end - start).days < 20:
        return 0
    seats = {
        seat.member_id: seat
        for seat in CommitteeMember.objects.filter(
            committee__is_current=True, committee__organisation__kind="branch", end_on__isnull=True
        ).select_related("committee__organisation")
    }
    trained = set(TrainingRecord.objects.values_list("member_id", flat=True).distinct())
    people = Member.objects.filter(is_active=True, branch__code__startswith="DJ-").select_related("branch")
    created = 0
    for index, member in enumerate(people.order_by("branch__code", "id_number")):
        if member.pk in trained:
            continue
        if member.category == Category.ACTIVIST:
            if index % 5 == 3:
                continue  # not yet sent to the concentrated training
            _course(
                demo,
                member,
                "activist",
                "入党积极分子集中培训班",
                "集团党委党校",
                _day(start, end, 0.45),
                3,
                D(24),
            )
            created += 1
            continue
        if member.category not in PARTY_MEMBER_CATEGORIES:
            continue
        _course(demo, member, "annual", "党员冬训", f"{member.branch.name}", _day(start, end, 0.1), 2, D(16))
        online = D(rng.choice((16, 18, 20, 24))) if index % SHORT_EVERY else D(rng.choice((6, 8, 10)))
        _course(
            demo,
            member,
            "other",
            "网上党校专题学习",
            "中国共产党党员网络培训学院",
            _day(start, end, 0.8),
            0,
            online,
        )
        created += 2
        seat = seats.get(member.pk)
        if seat is None:
            continue
        code = seat.committee.organisation.code
        _course(
            demo,
            member,
            "annual",
            "支部委员履职能力培训班",
            "集团党委组织部",
            _day(start, end, 0.3),
            3,
            D(24),
        )
        created += 1
        if seat.post == CommitteePost.SECRETARY:
            # The 冬训 (2 days) and the committee course (3 days) count: the rest in the 书记轮训.
            days = SECRETARY_DAYS.get(code, 7 if index % 3 else 8) - 5
            if days > 0:
                end_on = _day(start, end, 0.55)
                _course(demo, member, "annual", "党支部书记轮训班", "集团党委党校", end_on, days, D(8 * days))
                created += 1
    return created


def _contact_for(member: Member) -> Member | None:
    return (
        Member.objects.filter(
            branch_id=member.branch_id, is_active=True, category=Category.FULL, is_mobile=False
        )
        .exclude(pk=member.pk)
        .order_by("id_number")
        .first()
    )


# (months ago left, months the leave is expected to last, months ago of each report)
PLANS = (
    (8, 12, (6, 3, 1)),  # away 8 months: the D-1 hint
    (5, 6, (4,)),  # last report 4 months ago: overdue
    (2, 4, (1,)),
    (10, 14, (8, 5, 2)),
)


def _mobile(demo: Demo) -> int:
    on = demo.on
    recorded = set(MobileRecord.objects.values_list("member_id", flat=True))
    away = Member.objects.filter(is_active=True, is_mobile=True, branch__code__startswith="DJ-")
    created = 0
    for index, member in enumerate(away.select_related("branch").order_by("branch__code", "id_number")):
        if member.pk in recorded:
            continue
        left_months, lasting, reports = PLANS[index % len(PLANS)]
        left_on = add_months(on, -left_months)
        record = mobile.mobile_register(
            actor=demo.actor,
            member=member,
            left_on=left_on,
            destination=member.mobile_destination or "广东省广州市",
            reason="工作需要外派",
            expected_return_on=add_months(left_on, lasting),
        )
        mobile.mobile_decide(actor=demo.actor, record=record, approve=True, decided_on=left_on)
        contact = _contact_for(member)
        mobile.mobile_update(
            actor=demo.actor,
            record=record,
            contact_person=contact,
            certificate_number=f"LDZ{left_on:%Y}{member.pk:04d}",
        )
        for months in reports:
            mobile.mobile_report(
                actor=demo.actor,
                record=record,
                reported_on=add_months(on, -months),
                channel="online" if months % 2 else "phone",
                content="汇报近期思想、工作情况，按时参加所在地党组织活动，已通过网上党校完成本季度学习。",
            )
        created += 2 + len(reports)
    created += _returned_and_requested(demo, recorded)
    return created


def _returned_and_requested(demo: Demo, recorded: set[int]) -> int:
    """A member of 北部片区 back from a leave, and one of 南湖片区 waiting for approval."""
    created = 0
    for code, returned in (("DJ-LS-BB", True), ("DJ-LS-NH", False)):
        candidates = Member.objects.filter(
            branch__code=code,
            is_active=True,
            category=Category.FULL,
            is_mobile=False,
            committee_seats__isnull=True,
        ).order_by("-id_number")
        member = candidates.first()
        if member is None or member.pk in recorded or MobileRecord.objects.filter(member=member).exists():
            continue
        if returned:
            left_on = add_months(demo.on, -7)
            record = mobile.mobile_register(
                actor=demo.actor,
                member=member,
                left_on=left_on,
                destination="广西壮族自治区南宁市（支援新站开业）",
                reason="支援新站开业",
                expected_return_on=add_months(left_on, 4),
            )
            mobile.mobile_decide(actor=demo.actor, record=record, approve=True, decided_on=left_on)
            mobile.mobile_update(actor=demo.actor, record=record, contact_person=_contact_for(member))
            mobile.mobile_report(
                actor=demo.actor,
                record=record,
                reported_on=add_months(left_on, 2),
                channel="phone",
                content="新站运营平稳，参加了当地党支部的主题党日活动。",
            )
            mobile.mobile_return(actor=demo.actor, record=record, returned_on=add_months(left_on, 4))
            created += 3
        else:
            mobile.mobile_register(
                actor=demo.actor,
                member=member,
                left_on=demo.on,
                destination="湖南省长沙市（参加集团公司油品储运技能竞赛集训）",
                reason="参加技能竞赛集训",
                expected_return_on=add_months(demo.on, 2),
            )
            created += 1
    return created


def load(demo: Demo) -> int:
    return _trainings(demo) + _mobile(demo)


SECTION = Section("培训档案与流动党员", load)
