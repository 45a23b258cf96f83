"""Reminders (NOTIFY-1): what the daily `send_reminders` creates, and the inbox's writes.

`reminders_due(on)` reads the records and says who should be reminded of what; `reminders_send`
creates the notifications that do not exist yet and emails them. A reminder's `key` is its kind,
its object and its period ("committee_meeting_missing:12:2026-10"), unique per user: running the
command twice the same day — or every day of a month — creates each reminder once.

What is reminded, and to whom:
- 支委会 missing last month, 党员大会 or 党课 missing last quarter: the branch secretaries (role
  `branch_secretary` held at the branch). "Missing" is exactly the compliance calendar's
  (`meetings.compliance`): a committee is owed only by a branch that has one.
- a committee term expired, or ending within the warning months (RULES A-3): those holding
  `branch_secretary` or `org_officer` at that organisation.
- a mobile member (approved, not returned) whose last report — or departure, when none — is older
  than the reporting interval (RULES §D, `mobile.report_months`): the branch secretaries.
- a goal not done due within 7 days, or overdue: its 责任人's user account, when linked.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.development.reminders import KINDS as DEVELOPMENT_KINDS
from zhibu.development.reminders import development_reminders
from zhibu.dues.reminders import KINDS as DUES_KINDS
from zhibu.dues.reminders import dues_reminders
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.lib.rules import rules_for
from zhibu.meetings.compliance import CN_QUARTERS, State, load_years, quarter_of
from zhibu.meetings.models import Kind
from zhibu.notifications.models import Notification
from zhibu.orgs.models import BranchCommittee, Organisation

GOAL_WARNING_DAYS = 7
_CHUNK = 500

KINDS = {
    "committee_meeting_missing": "支委会未按月召开",
    "general_meeting_missing": "党员大会未按季度召开",
    "party_lesson_missing": "党课未按季度开展",
    "committee_term_expired": "委员会任期已届满",
    "committee_term_ending": "委员会任期即将届满",
    "mobile_report_overdue": "流动党员汇报逾期",
    "goal_due": "目标即将到期",
    "goal_overdue": "目标已逾期",
    # development (DEV-3, DEV-4) and dues (DUES-2): defined beside their rules
    **DEVELOPMENT_KINDS,
    **DUES_KINDS,
}


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""
    organisation_id: int | None = None
    due_on: dt.date | None = None


def _url(name: str, *args: Any, query: str = "") -> str:
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def _holders(org_ids: Iterable[int], roles: tuple[str, ...]) -> dict[int, list[int]]:
    """Active users holding one of `roles` at each organisation (not above it)."""
    holders: dict[int, list[int]] = defaultdict(list)
    rows = RoleAssignment.objects.filter(
        organisation_id__in=list(org_ids), role__in=roles, user__is_active=True
    ).values_list("organisation_id", "user_id")
    for org_id, user_id in rows.order_by("organisation_id", "user_id"):
        holders[org_id].append(user_id)
    return holders


# --- what is due -------------------------------------------------------------------------------------


def _month_before(on: dt.date) -> tuple[int, int]:
    last = add_months(on.replace(day=1), -1)
    return last.year, last.month


def quarter_before(on: dt.date) -> tuple[int, int]:
    quarter = quarter_of(on) - 1
    return (on.year, quarter) if quarter else (on.year - 1, 4)


def missing_meetings(on: dt.date) -> list[Reminder]:
    """Last month's 支委会 and last quarter's 党员大会 and 党课, per the compliance calendar."""
    branches = list(
        Organisation.objects.filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("path")
    )
    if not branches:
        return []
    (m_year, month), (q_year, quarter) = _month_before(on), quarter_before(on)
    calendars = {year: load_years(branches, year=year, on=on) for year in sorted({m_year, q_year})}
    secretaries = _holders((b.pk for b in branches), (Role.BRANCH_SECRETARY,))
    found: list[Reminder] = []
    for calendar in calendars[m_year]:
        row = calendar.row(Kind.COMMITTEE_MEETING)
        if row is None or row.cells[month - 1].state != State.MISSING:
            continue
        branch = calendar.branch
        for user_id in secretaries[branch.pk]:
            found.append(
                Reminder(
                    user_id=user_id,
                    kind="committee_meeting_missing",
                    key=f"committee_meeting_missing:{branch.pk}:{m_year}-{month:02d}",
                    title=f"{branch.name}{m_year}年{month}月没有支委会记录",
                    body=f"支委会每月至少召开1次（规则 A-6）。{m_year}年{month}月没有支委会会议记录；"
                    "如已召开，请补录会议记录。",
                    url=_url("compliance:branch", branch.pk, query=f"year={m_year}"),
                    organisation_id=branch.pk,
                )
            )
    for calendar in calendars[q_year]:
        branch = calendar.branch
        for kind, name, rule in (
            (Kind.GENERAL_MEETING, "general_meeting_missing", "党员大会每季度至少召开1次（规则 A-5）"),
            (Kind.PARTY_LESSON, "party_lesson_missing", "党课每季度1次（规则 A-7）"),
        ):
            row = calendar.row(kind)
            if row is None or row.cells[quarter - 1].state != State.MISSING:
                continue
            period = f"{q_year}年{CN_QUARTERS[quarter - 1]}"
            for user_id in secretaries[branch.pk]:
                found.append(
                    Reminder(
                        user_id=user_id,
                        kind=name,
                        key=f"{name}:{branch.pk}:{q_year}Q{quarter}",
                        title=f"{branch.name}{period}没有{Kind(kind).label}记录",
                        body=f"{rule}。{period}没有{Kind(kind).label}记录；如已召开，请补录会议记录。",
                        url=_url("compliance:branch", branch.pk, query=f"year={q_year}"),
                        organisation_id=branch.pk,
                    )
                )
    return found


def committee_terms(on: dt.date) -> list[Reminder]:
    months = rules_for(on.year).integer("committee.expiry_warning_months")
    committees = list(
        BranchCommittee.objects.filter(is_current=True, organisation__is_active=True)
        .filter(term_end__lte=add_months(on, months + 1))  # narrowed exactly below
        .select_related("organisation")
    )
    holders = _holders({c.organisation_id for c in committees}, (Role.BRANCH_SECRETARY, Role.ORG_OFFICER))
    found = []
    for committee in committees:
        org = committee.organisation
        if committee.term_end < on:
            kind = "committee_term_expired"
            title = f"{org.name}委员会任期已于{cn_date(committee.term_end)}届满"
            body = "委员会任期届满应按期换届（规则 A-3）；延期换届须经上级党组织批准，一般不超过1年。"
        elif on >= add_months(committee.term_end, -months):
            kind = "committee_term_ending"
            title = f"{org.name}委员会任期将于{cn_date(committee.term_end)}届满"
            body = f"任期届满前{months}个月提醒（规则 A-3）：请做好换届选举的准备，按期报请上级党组织批准。"
        else:
            continue
        for user_id in holders[org.pk]:
            found.append(
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    key=f"{kind}:{committee.pk}:{committee.term_end:%Y-%m-%d}",
                    title=title,
                    body=body,
                    url=_url("orgs:detail", org.pk),
                    organisation_id=org.pk,
                    due_on=committee.term_end,
                )
            )
    return found


def mobile_reports(on: dt.date) -> list[Reminder]:
    """Overdue exactly as on the member's page (`members.mobile.report_due_on`): from the day after
    the report was due."""
    from zhibu.members.mobile import report_due_on
    from zhibu.members.models import MobileRecord

    months = rules_for(on.year).integer("mobile.report_months")
    records = (
        MobileRecord.objects.filter(
            status=MobileRecord.Status.APPROVED, returned_on__isnull=True, member__is_active=True
        )
        .annotate(last_report=Max("reports__reported_on"))
        .select_related("member")
    )
    overdue = []
    for record in records:
        due = report_due_on(record, record.last_report, months=months)
        if on > due:
            overdue.append((record, due))
    secretaries = _holders({r.member.branch_id for r, _ in overdue}, (Role.BRANCH_SECRETARY,))
    found = []
    for record, due in overdue:
        member = record.member
        last = record.last_report
        since = f"最近一次汇报为{cn_date(last)}" if last else "批准外出后尚无汇报"
        for user_id in secretaries[member.branch_id]:
            found.append(
                Reminder(
                    user_id=user_id,
                    kind="mobile_report_overdue",
                    key=f"mobile_report_overdue:{record.pk}:{due:%Y-%m-%d}",
                    title=f"流动党员{member.name}的汇报已逾期（应于{cn_date(due)}前汇报）",
                    body=f"{member.name}（外出流向：{record.destination}）{since}。流动党员应至少每{months}个月"
                    "向党支部汇报一次（SPEC MEM-3，规则 §D），请联系并登记汇报情况。",
                    url=_url("members:mobile_detail", record.pk) or _url("members:detail", member.pk),
                    organisation_id=member.branch_id,
                    due_on=due,
                )
            )
    return found


def goals_due(on: dt.date) -> list[Reminder]:
    from zhibu.goals.models import Goal

    goals = (
        Goal.objects.filter(
            completed_on__isnull=True,
            is_cancelled=False,
            plan__status="adopted",  # a draft's goals are not commitments yet
            due_on__lte=on + dt.timedelta(days=GOAL_WARNING_DAYS),
            owner__user__isnull=False,
            owner__user__is_active=True,
        )
        .select_related("owner__user", "plan")
        .order_by("due_on", "pk")
    )
    found = []
    for goal in goals:
        overdue = goal.due_on < on
        kind = "goal_overdue" if overdue else "goal_due"
        if overdue:
            title = f"目标“{goal.title}”已逾期（应于{cn_date(goal.due_on)}完成）"
        else:
            title = f"目标“{goal.title}”将于{cn_date(goal.due_on)}到期"
        found.append(
            Reminder(
                user_id=goal.owner.user.pk,  # type: ignore[union-attr]
                kind=kind,
                key=f"{kind}:{goal.pk}:{goal.due_on:%Y-%m-%d}",
                title=title[:200],
                body="请及时填报进展；已完成的请标记完成并上传佐证材料（SPEC GOAL-5）。",
                url=_url("goals:goal_detail", goal.pk),
                organisation_id=goal.plan.organisation_id,
                due_on=goal.due_on,
            )
        )
    return found


def reminders_due(on: dt.date) -> list[Reminder]:
    return [
        *missing_meetings(on),
        *committee_terms(on),
        *mobile_reports(on),
        *goals_due(on),
        *development_reminders(on),
        *dues_reminders(on),
    ]


# --- writes -----------------------------------------------------------------------------------------------


def _existing_keys(reminders: list[Reminder]) -> set[tuple[int, str]]:
    keys = sorted({r.key for r in reminders})
    users = sorted({r.user_id for r in reminders})
    existing: set[tuple[int, str]] = set()
    for start in range(0, len(keys), _CHUNK):
        existing.update(
            Notification.objects.filter(user_id__in=users, key__in=keys[start : start + _CHUNK]).values_list(
                "user_id", "key"
            )
        )
    return existing


def _email(notification: Notification, email: str) -> bool:
    body = notification.body
    if notification.url:
        body += f"\n\n请登录党支部工作目标管理系统查看：{notification.url}"
    sent = send_mail(
        subject=f"【提醒】{notification.title}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
        fail_silently=True,
    )
    return bool(sent)


def reminders_send(*, on: dt.date | None = None, email: bool = True) -> Counter[str]:
    """Create the reminders due on `on` (the daily job). Returns the number created per kind."""
    return reminders_create(reminders_due(on or today()), email=email)


@transaction.atomic
def reminders_create(due: list[Reminder], *, email: bool = True) -> Counter[str]:
    """Create the reminders that do not exist yet (per user and key) and email each to a user with
    an e-mail address (through Django's configured backend)."""
    existing = _existing_keys(due) if due else set()
    emails = dict(
        User.objects.filter(pk__in={r.user_id for r in due}).exclude(email="").values_list("pk", "email")
    )
    created: Counter[str] = Counter()
    new: list[Notification] = []
    for reminder in due:
        if (reminder.user_id, reminder.key) in existing:
            continue
        existing.add((reminder.user_id, reminder.key))
        notification = Notification(
            user_id=reminder.user_id,
            kind=reminder.kind,
            key=reminder.key,
            title=reminder.title,
            body=reminder.body,
            url=reminder.url,
            organisation_id=reminder.organisation_id,
            due_on=reminder.due_on,
        )
        if email and reminder.user_id in emails and _email(notification, emails[reminder.user_id]):
            notification.emailed_at = timezone.now()
        new.append(notification)
        created[reminder.kind] += 1
    # ignore_conflicts: a run started at the same moment may have created some of them already.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return created


def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionError("只能处理自己的提醒")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
