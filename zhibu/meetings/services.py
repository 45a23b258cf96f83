"""Writes of organisational life. `meeting_record` is the one way a meeting with its attendance
enters the system (pages, API, import_meetings and the demo all call it)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib.dates import today
from zhibu.lib.uploads import sha256_of, upload_name, upload_problems
from zhibu.meetings.models import (
    ActivityPlan,
    Attendance,
    Decision,
    Kind,
    Meeting,
    MeetingAttachment,
    Notice,
)
from zhibu.meetings.rules import vote_outcome
from zhibu.meetings.selectors import expected_members, meeting_branch
from zhibu.orgs.models import Organisation


@dataclass(frozen=True)
class Absence:
    """An expected member who was not present: 请假 or 缺席, with a reason and maybe a 补课."""

    status: str  # Attendance.Status.ON_LEAVE or ABSENT
    reason: str = ""
    makeup_on: dt.date | None = None
    makeup_note: str = ""


def check_meeting(organisation: Organisation, kind: str, held_on: dt.date, topic: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if kind not in Kind.values:
        problems["kind"] = "会议类型不在规定范围内"
    if kind == Kind.GROUP_MEETING and organisation.kind != Organisation.Kind.GROUP:
        problems["organisation"] = "党小组会应记录在党小组下"
    if kind != Kind.GROUP_MEETING and organisation.kind not in (
        Organisation.Kind.BRANCH,
        Organisation.Kind.GENERAL_BRANCH,
        Organisation.Kind.PARTY_COMMITTEE,
    ):
        problems["organisation"] = (
            f"{Kind(kind).label if kind in Kind.values else kind}应记录在党支部（或党总支、党委）下"
        )
    if not organisation.is_active:
        problems["organisation"] = f"{organisation.name}已撤销"
    if held_on > today():
        problems["held_on"] = "会议日期不能晚于今天"
    if not topic.strip():
        problems["topic"] = "请填写会议主题"
    return problems


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    held_on: dt.date,
    topic: str,
    place: str = "",
    host: str = "",
    recorder: str = "",
    minutes: str = "",
    start_time: dt.time | None = None,
    exceptions: dict[int, Absence] | None = None,
    import_serial: str = "",
) -> Meeting:
    """Record a meeting and its attendance: one row per expected member (see
    `selectors.expected_members`), 出席 unless listed in `exceptions` (member id → 请假/缺席). A
    ledger lists those absent; a secretary marks the exceptions — everyone else was present."""
    problems = check_meeting(organisation, kind, held_on, topic)
    if Meeting.objects.filter(
        organisation=organisation, kind=kind, held_on=held_on, topic=topic.strip()
    ).exists():
        problems.setdefault("topic", "同一组织同一天已有同类型、同主题的会议")
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    expected = {m.pk: m for m in expected_members(organisation, kind, held_on)}
    exceptions = exceptions or {}
    unknown = [pk for pk in exceptions if pk not in expected]
    if unknown:
        raise ValidationError({"attendance": ["请假或缺席的人员不在应到人员之中（不是该组织当日的党员）"]})
    for pk, exception in exceptions.items():
        if exception.status not in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT):
            raise ValidationError({"attendance": [f"{expected[pk].name}的出勤情况应为请假或缺席"]})
        if exception.makeup_on is not None and exception.makeup_on < held_on:
            raise ValidationError({"attendance": [f"{expected[pk].name}的补课日期早于会议日期"]})
        if exception.makeup_on is not None and exception.makeup_on > today():
            raise ValidationError({"attendance": [f"{expected[pk].name}的补课日期不能晚于今天"]})
    meeting = Meeting(
        organisation=organisation,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        place=place,
        host=host,
        recorder=recorder,
        minutes=minutes,
        start_time=start_time,
        import_serial=import_serial,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    meeting.full_clean()
    meeting.save()
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                member_id=pk,
                status=exceptions[pk].status if pk in exceptions else Attendance.Status.PRESENT,
                reason=exceptions[pk].reason if pk in exceptions else "",
                makeup_on=exceptions[pk].makeup_on if pk in exceptions else None,
                makeup_note=exceptions[pk].makeup_note if pk in exceptions else "",
            )
            for pk in expected
        ]
    )
    present = len(expected) - len(exceptions)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=meeting,
        organisation=meeting_branch(organisation),
        after=snapshot(meeting) | {"expected": len(expected), "present": present},
    )
    return meeting


# ---------------------------------------------------------------------------------------------
# After the meeting: corrections, attendance, make-ups (ACT-1, ACT-2)

MEETING_TEXT_FIELDS = ("topic", "place", "host", "recorder", "minutes", "start_time")


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    topic: str,
    place: str = "",
    host: str = "",
    recorder: str = "",
    minutes: str = "",
    start_time: dt.time | None = None,
) -> Meeting:
    """Correct what was said about a meeting. Its kind, date and organisation decide who was
    expected, so they are not changed here: a wrong one is a different meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    topic = (topic or "").strip()
    problems: dict[str, str] = {}
    if not topic:
        problems["topic"] = "会议主题：必须填写"
    elif (
        Meeting.objects.filter(
            organisation_id=meeting.organisation_id, kind=meeting.kind, held_on=meeting.held_on, topic=topic
        )
        .exclude(pk=meeting.pk)
        .exists()
    ):
        problems["topic"] = "会议主题：同一组织同一天已有同类型、同主题的会议"
    _raise_if(problems)
    before = snapshot(meeting, MEETING_TEXT_FIELDS)
    meeting.topic, meeting.place, meeting.host = topic, place.strip(), host.strip()
    meeting.recorder, meeting.minutes, meeting.start_time = recorder.strip(), minutes, start_time
    meeting.full_clean()
    meeting.save(update_fields=[*MEETING_TEXT_FIELDS, "updated_at"])
    old, new = diff(before, snapshot(meeting, MEETING_TEXT_FIELDS))
    if new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            organisation=meeting_branch(meeting.organisation),
            before=old,
            after=new,
        )
    return meeting


_ATTENDANCE_FIELDS = ("status", "reason", "makeup_on", "makeup_note")


def _attendance_locked(attendance_pk: int) -> Attendance:
    return (
        Attendance.objects.select_for_update()
        .select_related("meeting__organisation", "member")
        .get(pk=attendance_pk)
    )


def _attendance_audit(actor: Any, attendance: Attendance, before: dict[str, Any]) -> None:
    old, new = diff(before, snapshot(attendance, _ATTENDANCE_FIELDS))
    if new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=attendance,
            organisation=meeting_branch(attendance.meeting.organisation),
            before=old,
            after=new,
        )


@transaction.atomic
def attendance_update(*, actor: Any, attendance: Attendance, status: str, reason: str = "") -> Attendance:
    """Change one expected person's 出勤情况. Back to 出席 clears the reason and any 补课."""
    attendance = _attendance_locked(attendance.pk)
    if status not in Attendance.Status.values:
        _raise_if({"status": "出勤情况：应为出席、请假或缺席"})
    before = snapshot(attendance, _ATTENDANCE_FIELDS)
    attendance.status = status
    if status == Attendance.Status.PRESENT:
        attendance.reason, attendance.makeup_on, attendance.makeup_note = "", None, ""
    else:
        attendance.reason = (reason or "").strip()
    attendance.full_clean(exclude=["meeting", "member"])
    attendance.save(update_fields=list(_ATTENDANCE_FIELDS))
    _attendance_audit(actor, attendance, before)
    return attendance


@transaction.atomic
def makeup_record(
    *, actor: Any, attendance: Attendance, makeup_on: dt.date | None, makeup_note: str = ""
) -> Attendance:
    """补课 (ACT-2) for a person on leave or absent: on or after the meeting, not in the future.
    An empty date withdraws a make-up recorded by mistake."""
    attendance = _attendance_locked(attendance.pk)
    problems: dict[str, str] = {}
    if attendance.status == Attendance.Status.PRESENT:
        problems["makeup_on"] = f"补课日期：{attendance.member.name}出席了会议，无需补课"
    elif makeup_on is not None and makeup_on < attendance.meeting.held_on:
        problems["makeup_on"] = "补课日期：不能早于会议日期"
    elif makeup_on is not None and makeup_on > today():
        problems["makeup_on"] = "补课日期：不能晚于今天"
    if makeup_on is None and (makeup_note or "").strip():
        problems["makeup_on"] = "补课日期：填写了补课内容，请同时填写补课日期"
    _raise_if(problems)
    before = snapshot(attendance, _ATTENDANCE_FIELDS)
    attendance.makeup_on = makeup_on
    attendance.makeup_note = (makeup_note or "").strip() if makeup_on else ""
    attendance.full_clean(exclude=["meeting", "member"])
    attendance.save(update_fields=["makeup_on", "makeup_note"])
    _attendance_audit(actor, attendance, before)
    return attendance


# ---------------------------------------------------------------------------------------------
# Decisions and notices (ACT-4)

DECISION_KINDS = (Kind.GENERAL_MEETING, Kind.COMMITTEE_MEETING)


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    meeting: Meeting,
    subject: str,
    title: str,
    entitled: int,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    votes_abstain: int = 0,
    resolution: str = "",
) -> Decision:
    """A decision with its vote (RULES A-5). Stored whether or not it passed: the outcome is
    computed from the numbers (`rules.vote_outcome`), never typed."""
    problems: dict[str, str] = {}
    if meeting.kind not in DECISION_KINDS:
        problems["meeting"] = "议事决定应在党员大会或支委会上作出"
    if subject not in Decision.Subject.values:
        problems["subject"] = "事项类别：不在规定范围内"
    if not (title or "").strip():
        problems["title"] = "议题：必须填写"
    numbers = {
        "entitled": ("应到有表决权人数", entitled),
        "present": ("实到有表决权人数", present),
        "votes_for": ("赞成", votes_for),
        "votes_against": ("反对", votes_against),
        "votes_abstain": ("弃权", votes_abstain),
    }
    for field, (label, value) in numbers.items():
        if value is None or value < 0:
            problems[field] = f"{label}：应为不小于0的整数"
    if not problems:
        if entitled < 1:
            problems["entitled"] = "应到有表决权人数：至少1人"
        elif present > entitled:
            problems["present"] = f"实到有表决权人数：{present}人多于应到的{entitled}人"
        elif votes_for + votes_against + votes_abstain > present:
            problems["votes_for"] = (
                f"赞成、反对、弃权合计{votes_for + votes_against + votes_abstain}票，多于实到的{present}人"
            )
    _raise_if(problems)
    decision = Decision(
        meeting=meeting,
        subject=subject,
        title=title.strip(),
        entitled=entitled,
        present=present,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        resolution=resolution.strip(),
    )
    decision.full_clean()
    decision.save()
    outcome = vote_outcome(entitled=entitled, present=present, votes_for=votes_for)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=decision,
        organisation=meeting_branch(meeting.organisation),
        after=snapshot(decision) | {"outcome": outcome.explanation},
    )
    return decision


NOTICE_ORG_KINDS = (
    Organisation.Kind.BRANCH,
    Organisation.Kind.GENERAL_BRANCH,
    Organisation.Kind.PARTY_COMMITTEE,
)


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    organisation: Organisation,
    subject: str,
    title: str,
    content: str,
    start_on: dt.date | None,
    end_on: dt.date | None,
    decision: Decision | None = None,
) -> Notice:
    """公示 / 党务公开 (ACT-4) for a period; a notice may name the decision it makes public."""
    problems: dict[str, str] = {}
    if organisation.kind not in NOTICE_ORG_KINDS:
        problems["organisation"] = "党组织：公示由党支部（或党总支、党委）发布"
    if subject not in Notice.Subject.values:
        problems["subject"] = "类别：不在规定范围内"
    if not (title or "").strip():
        problems["title"] = "标题：必须填写"
    if not (content or "").strip():
        problems["content"] = "内容：必须填写"
    if start_on is None:
        problems["start_on"] = "公示开始：必须填写"
    if end_on is None:
        problems["end_on"] = "公示结束：必须填写"
    if start_on is not None and end_on is not None and end_on < start_on:
        problems["end_on"] = "公示结束：不能早于公示开始日期"
    if decision is not None:
        if meeting_branch(decision.meeting.organisation).pk != organisation.pk:
            problems["decision"] = "对应的议事决定：不是本组织的决定"
        elif start_on is not None and start_on < decision.meeting.held_on:
            problems["start_on"] = "公示开始：不能早于作出决定的会议日期"
    _raise_if(problems)
    assert start_on is not None and end_on is not None
    notice = Notice(
        organisation=organisation,
        subject=subject,
        title=title.strip(),
        content=content.strip(),
        start_on=start_on,
        end_on=end_on,
        decision=decision,
    )
    notice.full_clean()
    notice.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=notice,
        organisation=organisation,
        after=snapshot(notice),
    )
    return notice


@transaction.atomic
def activity_plan_set(
    *, actor: Any, organisation: Organisation, year: int, adopted_on: dt.date | None, content: str
) -> ActivityPlan:
    """The branch's yearly 党日活动 plan (seed §二.13): one per branch and year, revised in place."""
    problems: dict[str, str] = {}
    if organisation.kind != Organisation.Kind.BRANCH:
        problems["organisation"] = "党组织：年度活动计划由党支部制定"
    if not year or year < 2000 or year > today().year + 1:
        problems["year"] = f"年度：应在2000年至{today().year + 1}年之间"
    if adopted_on is None:
        problems["adopted_on"] = "制定日期：必须填写"
    elif adopted_on > today():
        problems["adopted_on"] = "制定日期：不能晚于今天"
    elif year and adopted_on.year > year:
        problems["adopted_on"] = f"制定日期：{year}年的计划不能在{adopted_on.year}年才制定"
    if not (content or "").strip():
        problems["content"] = "活动计划：必须填写"
    _raise_if(problems)
    assert adopted_on is not None
    plan = ActivityPlan.objects.select_for_update().filter(organisation=organisation, year=year).first()
    before = snapshot(plan, ("adopted_on", "content")) if plan else None
    if plan is None:
        plan = ActivityPlan(organisation=organisation, year=year)
    plan.adopted_on, plan.content = adopted_on, content.strip()
    plan.full_clean()
    plan.save()
    after = snapshot(plan, ("year", "adopted_on", "content"))
    if before is None:
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, obj=plan, organisation=organisation, after=after
        )
    else:
        old, new = diff(before, after)
        if new:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=plan,
                organisation=organisation,
                before=old,
                after=new,
            )
    return plan


# ---------------------------------------------------------------------------------------------
# Attachments and reviewed goals


@transaction.atomic
def meeting_attachment_add(*, actor: Any, meeting: Meeting, upload: Any) -> MeetingAttachment:
    """A file of the meeting (sign-in sheet, photos, minutes): at most 10 MB, office documents,
    PDF or pictures. Stored with its SHA-256; served only through the scoped download view."""
    name = upload_name(upload)
    if upload is None or not name:
        _raise_if({"file": "文件：请选择要上传的文件"})
    problems = upload_problems(upload, label="文件")
    if problems:
        _raise_if({"file": problems[0]})
    attachment = MeetingAttachment.objects.create(
        meeting=meeting, file=upload, name=name[:200], size=upload.size, sha256=sha256_of(upload)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=attachment,
        organisation=meeting_branch(meeting.organisation),
        after={
            "meeting": meeting.pk,
            "name": attachment.name,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment


def reviewable_goals(meeting: Meeting) -> Any:
    """GOAL-5: the goals a meeting may review — those of its branch's plan for the meeting's year."""
    from zhibu.goals.models import Goal

    branch = meeting_branch(meeting.organisation)
    return (
        Goal.objects.filter(plan__organisation=branch, plan__year=meeting.held_on.year)
        .select_related("plan")
        .order_by("id")
    )


@transaction.atomic
def meeting_goals_set(*, actor: Any, meeting: Meeting, goals: Iterable[Any]) -> Meeting:
    """The goals whose progress the meeting reviewed (GOAL-5), chosen from the branch's plan of
    the meeting's year."""
    chosen = {goal.pk for goal in goals}
    allowed = set(reviewable_goals(meeting).values_list("pk", flat=True))
    stray = chosen - allowed
    if stray:
        _raise_if({"goals": f"检查的目标：只能选择本支部{meeting.held_on.year}年度目标计划中的目标"})
    before = sorted(meeting.reviewed_goals.values_list("pk", flat=True))
    meeting.reviewed_goals.set(sorted(chosen))
    after = sorted(chosen)
    if before != after:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            organisation=meeting_branch(meeting.organisation),
            before={"reviewed_goals": before},
            after={"reviewed_goals": after},
        )
    return meeting
