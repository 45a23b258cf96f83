"""培训档案 (MEM-5; RULES A-10; seed §二.1): each person's trainings, and per branch and year the
hour rules (党员 ≥32 学时, 书记和支委会委员 ≥56 学时), the secretary's 7 days and the new
secretary's training within 6 months of taking office, each shown as met or missing.

A training counts in the year it ends (its `end_on`): a course from 28 December to 3 January is
the second year's. The numbers are rules (`zhibu.lib.rules`): `training.member_hours`,
`training.leader_hours`, `training.new_secretary_months`, `secretary.training_days`."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from zhibu.accounts.scoping import scope_q
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, snapshot
from zhibu.lib.dates import add_months, today
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import Category, Member, TrainingRecord
from zhibu.members.selectors import members_of_branch_on
from zhibu.orgs.models import CommitteeMember, CommitteePost, Organisation

Kind = TrainingRecord.Kind
ZERO = Decimal(0)

# Status words of a check, shown as badges.
MET, MISSING, PENDING = "met", "missing", "pending"
STATUS_LABELS = {MET: "达标", MISSING: "未达标", PENDING: "未到期"}


# ---------------------------------------------------------------------------------------------
# Validation and writes


def training_problems(data: dict[str, Any], *, on: dt.date | None = None) -> dict[str, str]:
    """The rules of one training record as {field: Chinese message}. Pure."""
    on = on or today()
    problems: dict[str, str] = {}
    if data.get("kind") not in Kind.values:
        problems["kind"] = "培训类别应为：" + "、".join(str(label) for label in Kind.labels)
    for name, label in (("course", "培训名称"), ("organiser", "主办单位")):
        if not str(data.get(name) or "").strip():
            problems[name] = f"请填写{label}"
    start, end = data.get("start_on"), data.get("end_on")
    if start is None:
        problems["start_on"] = "请填写开始日期"
    if end is None:
        problems["end_on"] = "请填写结束日期"
    if start and start > on:
        problems["start_on"] = "开始日期不能晚于今天（只登记已参加的培训）"
    if end and end > on:
        problems["end_on"] = "结束日期不能晚于今天（只登记已结束的培训）"
    if start and end and end < start:
        problems["end_on"] = "结束日期不能早于开始日期"
    days, hours = data.get("days"), data.get("hours")
    if days is None:
        problems["days"] = "请填写培训天数"
    elif days < 0:
        problems["days"] = "培训天数不能为负数"
    elif _places(days) > 1:
        problems["days"] = "培训天数最多一位小数（如 0.5 天）"
    elif start and end and end >= start and days > (end - start).days + 1:
        span = (end - start).days + 1
        problems["days"] = f"培训天数{days}天超过了开始至结束日期的日历天数（{span}天）"
    if hours is None:
        problems["hours"] = "请填写学时"
    elif hours < 0:
        problems["hours"] = "学时不能为负数"
    elif _places(hours) > 1:
        problems["hours"] = "学时最多一位小数"
    return problems


def tidy(value: Decimal) -> Decimal:
    """One decimal place at most, none when whole: 6 and 6.5, whatever the database returns."""
    value = Decimal(value).quantize(Decimal("0.1"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@transaction.atomic
def training_record(
    *,
    actor: Any,
    member: Member,
    kind: str,
    course: str,
    organiser: str,
    start_on: dt.date,
    end_on: dt.date,
    days: Decimal,
    hours: Decimal,
    certificate: str = "",
    notes: str = "",
) -> TrainingRecord:
    """Record one training a person attended."""
    data = {
        "kind": kind,
        "course": course,
        "organiser": organiser,
        "start_on": start_on,
        "end_on": end_on,
        "days": days,
        "hours": hours,
    }
    problems = training_problems(data)
    if not member.is_active:
        problems["member"] = f"{member.name}已不在册，不能登记培训"
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    record = TrainingRecord(
        member=member,
        kind=kind,
        course=course.strip(),
        organiser=organiser.strip(),
        start_on=start_on,
        end_on=end_on,
        days=days,
        hours=hours,
        certificate=certificate.strip(),
        notes=notes.strip(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        organisation=member.branch,
        after=snapshot(record),
    )
    return record


# ---------------------------------------------------------------------------------------------
# Reads


def trainings_for(user: Any, perm: str = "members.view") -> QuerySet[TrainingRecord]:
    """Training records the user may see through `perm`, plus their own."""
    own = Q(member_id=user.member_id) if getattr(user, "member_id", None) else Q(pk__in=[])
    return TrainingRecord.objects.filter(scope_q(user, perm, "member__branch") | own)


def in_year(year: int) -> Q:
    return Q(end_on__year=year)


def year_as_of(year: int, on: dt.date | None = None) -> dt.date:
    """The date a year is judged on: today for the current year, 31 December for a past one."""
    on = on or today()
    return min(on, dt.date(year, 12, 31))


def new_secretary_status(
    took_office_on: dt.date, trainings: list[tuple[str, dt.date]], *, on: dt.date, months: int
) -> tuple[str, dt.date]:
    """RULES A-10: a new secretary is trained within `months` of taking office; a 岗前培训 finished
    before taking office also counts. `trainings` are (kind, end_on). Returns (status, deadline):
    met, or pending up to and including the deadline, missing from the day after. Pure."""
    deadline = add_months(took_office_on, months)
    for kind, end_on in trainings:
        if end_on > deadline or kind == Kind.ACTIVIST:
            continue
        if end_on >= took_office_on or kind == Kind.PRE_APPOINTMENT:
            return MET, deadline
    return (PENDING if on <= deadline else MISSING), deadline


@dataclass
class Check:
    """One rule on one person: what they have, what is required, and the verdict."""

    label: str
    have: Decimal
    need: Decimal
    unit: str

    @property
    def met(self) -> bool:
        return self.have >= self.need

    @property
    def status(self) -> str:
        return MET if self.met else MISSING

    @property
    def short(self) -> Decimal:
        return tidy(max(self.need - self.have, ZERO))


@dataclass
class ArchiveRow:
    member: Member
    role: str  # 书记 / 委员 / 党员
    hours: Decimal
    days: Decimal
    count: int
    checks: list[Check]
    new_secretary: tuple[str, dt.date, dt.date] | None = None  # (status, took office, deadline)

    @property
    def met(self) -> bool:
        ok = all(check.met for check in self.checks)
        return ok and (self.new_secretary is None or self.new_secretary[0] != MISSING)

    @property
    def new_secretary_label(self) -> str:
        return STATUS_LABELS[self.new_secretary[0]] if self.new_secretary else ""


@dataclass
class Archive:
    branch: Organisation
    year: int
    as_of: dt.date
    rows: list[ArchiveRow]
    activists: list[tuple[Member, Decimal]]  # activists and their concentrated-training hours
    rules: dict[str, int] = field(default_factory=dict)

    @property
    def secretary(self) -> ArchiveRow | None:
        return next((row for row in self.rows if row.role == "书记"), None)

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if not row.met)


def _seats_on(branch: Organisation, on: dt.date) -> list[CommitteeMember]:
    return list(
        CommitteeMember.objects.filter(committee__organisation=branch, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .select_related("member")
    )


def _took_office(branch: Organisation, seat: CommitteeMember) -> dt.date:
    """When the secretary took office: the seat's start, or the start of an unbroken run of
    secretary seats (a re-elected secretary is not new)."""
    earlier = CommitteeMember.objects.filter(
        committee__organisation=branch, member_id=seat.member_id, post=CommitteePost.SECRETARY
    ).exclude(pk=seat.pk)
    start = seat.start_on
    runs = sorted(earlier, key=lambda s: s.start_on, reverse=True)
    for previous in runs:
        if previous.end_on is not None and previous.end_on >= start - dt.timedelta(days=1):
            start = min(start, previous.start_on)
    return start


def training_archive(
    branch: Organisation, year: int, *, on: dt.date | None = None, rules: RuleSet | None = None
) -> Archive:
    """The branch's 培训档案 for `year`: every party member of the branch on the year's judging date
    with their hours and days, the checks of RULES A-10 and seed §二.1. A fixed number of queries
    whatever the number of members."""
    as_of = year_as_of(year, on)
    rules = rules or rules_for(year)
    member_hours = Decimal(rules.integer("training.member_hours"))
    leader_hours = Decimal(rules.integer("training.leader_hours"))
    secretary_days = Decimal(rules.integer("secretary.training_days"))
    months = rules.integer("training.new_secretary_months")

    members = list(members_of_branch_on(branch.pk, as_of).select_related("group").order_by("name", "pk"))
    activists = list(
        Member.objects.filter(branch=branch, is_active=True, category=Category.ACTIVIST).order_by(
            "name", "pk"
        )
    )
    ids = [m.pk for m in members] + [m.pk for m in activists]
    totals: dict[tuple[int, str], tuple[Decimal, Decimal, int]] = {}
    for sums in (
        TrainingRecord.objects.filter(in_year(year), member_id__in=ids)
        .values("member_id", "kind")
        .annotate(hours=Sum("hours"), days=Sum("days"), n=Count("id"))
    ):
        totals[(sums["member_id"], sums["kind"])] = (
            tidy(sums["hours"] or ZERO),
            tidy(sums["days"] or ZERO),
            sums["n"],
        )

    def total(member_id: int, kinds: tuple[str, ...] = tuple(Kind.values)) -> tuple[Decimal, Decimal, int]:
        parts = [totals.get((member_id, kind), (ZERO, ZERO, 0)) for kind in kinds]
        hours, days = tidy(sum((p[0] for p in parts), ZERO)), tidy(sum((p[1] for p in parts), ZERO))
        return hours, days, sum(p[2] for p in parts)

    seats = {seat.member_id: seat for seat in _seats_on(branch, as_of)}
    rows: list[ArchiveRow] = []
    for member in members:
        hours, days, count = total(member.pk)
        seat = seats.get(member.pk)
        if seat is not None and seat.post == CommitteePost.SECRETARY:
            role = "书记"
            checks = [
                Check("年培训学时", hours, leader_hours, "学时"),
                Check("年培训天数", days, secretary_days, "天"),
            ]
        elif seat is not None:
            role = seat.get_post_display() if seat.post != CommitteePost.OTHER else "委员"
            checks = [Check("年培训学时", hours, leader_hours, "学时")]
        else:
            role = "党员"
            checks = [Check("年培训学时", hours, member_hours, "学时")]
        row = ArchiveRow(member, role, hours, days, count, checks)
        if role == "书记" and seat is not None:
            row.new_secretary = _new_secretary(branch, seat, year, as_of, months)
        rows.append(row)
    rows.sort(key=lambda r: (r.role == "党员", r.role != "书记", r.member.name, r.member.pk))
    return Archive(
        branch=branch,
        year=year,
        as_of=as_of,
        rows=rows,
        activists=[(m, total(m.pk, (Kind.ACTIVIST,))[0]) for m in activists],
        rules={
            "member_hours": int(member_hours),
            "leader_hours": int(leader_hours),
            "secretary_days": int(secretary_days),
            "new_secretary_months": months,
        },
    )


def _new_secretary(
    branch: Organisation, seat: CommitteeMember, year: int, as_of: dt.date, months: int
) -> tuple[str, dt.date, dt.date] | None:
    """The new-secretary check, when the secretary's first months in office overlap the year."""
    took_office = _took_office(branch, seat)
    deadline = add_months(took_office, months)
    if took_office > dt.date(year, 12, 31) or deadline < dt.date(year, 1, 1):
        return None
    trainings = list(
        TrainingRecord.objects.filter(member_id=seat.member_id, end_on__lte=deadline).values_list(
            "kind", "end_on"
        )
    )
    status, deadline = new_secretary_status(took_office, trainings, on=as_of, months=months)
    return status, took_office, deadline


ARCHIVE_HEADERS = (
    "姓名",
    "职务",
    "党小组",
    "培训次数",
    "年培训学时",
    "应达学时",
    "学时是否达标",
    "年培训天数",
    "应达天数",
    "天数是否达标",
    "新任书记培训",
)


def archive_rows(archive: Archive) -> list[list[Any]]:
    """The archive as spreadsheet rows (the export)."""
    out: list[list[Any]] = []
    for row in archive.rows:
        hours = row.checks[0]
        days = next((c for c in row.checks if c.unit == "天"), None)
        new = ""
        if row.new_secretary:
            status, took, deadline = row.new_secretary
            new = f"{STATUS_LABELS[status]}（{took:%Y-%m-%d}任职，应于{deadline:%Y-%m-%d}前完成）"
        out.append(
            [
                row.member.name,
                row.role,
                row.member.group.name if row.member.group else "",
                row.count,
                row.hours,
                hours.need,
                "达标" if hours.met else "未达标",
                row.days,
                days.need if days else "",
                ("达标" if days.met else "未达标") if days else "",
                new,
            ]
        )
    return out
