"""Writes of organisational life. `meeting_record` is the one way a meeting with its attendance
enters the system (pages, API, import_meetings and the demo all call it)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, snapshot
from zhibu.lib.dates import today
from zhibu.meetings.models import Attendance, Kind, Meeting
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
