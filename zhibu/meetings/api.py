"""会议活动 API (ACT-1, ACT-2, ACT-4), mounted at /api/meetings: the meetings with the list page's
filters and their attendance counts, one meeting with every expected person's attendance and its
decisions, and recording a meeting through `services.meeting_record` (expected members present
unless listed in `exceptions`). Scoped like the pages: `meetings.view` to read, `meetings.edit`
to record; a meeting outside the user's subtree is 404."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import api_actor as _actor
from zhibu.accounts.scoping import orgs_for
from zhibu.meetings import selectors, services
from zhibu.meetings.models import Attendance, Decision, Kind, Meeting
from zhibu.meetings.rules import vote_outcome
from zhibu.members.api import MAX_ID, Input, ProblemsOut

router = Router(tags=["会议活动"])


# ---------------------------------------------------------------------------------------------
# Schemas


class MeetingOut(Schema):
    id: int = Field(title="编号")
    organisation_id: int = Field(title="党组织编号", description="党支部；党小组会为党小组")
    organisation_code: str = Field(title="组织代码")
    organisation_name: str = Field(title="党组织")
    branch_id: int = Field(title="党支部编号")
    kind: Kind = Field(title="会议类型")
    kind_label: str = Field(title="会议类型名称")
    held_on: dt.date = Field(title="日期")
    start_time: dt.time | None = Field(title="开始时间")
    topic: str = Field(title="主题")
    place: str = Field(title="地点")
    host: str = Field(title="主持人")
    recorder: str = Field(title="记录人")
    expected: int = Field(title="应到人数")
    present: int = Field(title="实到人数")
    on_leave: int = Field(title="请假人数")
    absent: int = Field(title="缺席人数")
    made_up: int = Field(title="已补课人数", description="请假或缺席且有补课记录的人数")


class AttendanceOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    status: Attendance.Status = Field(
        title="出勤情况", description="present 出席，on_leave 请假，absent 缺席"
    )
    status_label: str = Field(title="出勤情况名称")
    reason: str = Field(title="请假或缺席原因")
    makeup_on: dt.date | None = Field(title="补课日期")
    makeup_note: str = Field(title="补课方式和内容")


class DecisionOut(Schema):
    id: int = Field(title="编号")
    subject: Decision.Subject = Field(title="事项类别")
    title: str = Field(title="议题")
    entitled: int = Field(title="应到有表决权人数")
    present: int = Field(title="实到有表决权人数")
    votes_for: int = Field(title="赞成")
    votes_against: int = Field(title="反对")
    votes_abstain: int = Field(title="弃权")
    quorate: bool = Field(title="达到法定人数", description="实到超过应到的半数（规则 A-5）")
    passed: bool = Field(title="通过", description="赞成票超过应到有表决权人数的半数（规则 A-5）")
    explanation: str = Field(title="表决结果说明")
    resolution: str = Field(title="决议内容")


class MeetingDetailOut(MeetingOut):
    minutes: str = Field(title="会议记录")
    attendance: list[AttendanceOut] = Field(title="出勤", description="每位应到人员一行，按姓名排序")
    decisions: list[DecisionOut] = Field(title="议事决定")


class MeetingFilters(Input):
    branch: int | None = Field(
        None, ge=1, le=MAX_ID, title="党组织编号", description="党支部（含其党小组的会议）、党总支或党委"
    )
    group: int | None = Field(None, ge=1, le=MAX_ID, title="党小组编号")
    year: int | None = Field(None, ge=1901, le=2999, title="年度")
    kind: Kind | None = Field(None, title="会议类型")


class ExceptionIn(Input):
    member_id: int = Field(ge=1, le=MAX_ID, title="党员编号")
    status: Literal["on_leave", "absent"] = Field(title="出勤情况", description="on_leave 请假，absent 缺席")
    reason: str = Field("", max_length=200, title="请假或缺席原因")
    makeup_on: dt.date | None = Field(None, title="补课日期", description="不早于会议日期，不晚于今天")
    makeup_note: str = Field("", max_length=300, title="补课方式和内容")


class MeetingIn(Input):
    organisation_id: int = Field(
        ge=1, le=MAX_ID, title="党组织", description="党支部编号；党小组会为党小组编号。须在本人管理范围内"
    )
    kind: Kind = Field(title="会议类型")
    held_on: dt.date = Field(title="日期")
    topic: str = Field(max_length=300, title="主题")
    start_time: dt.time | None = Field(None, title="开始时间")
    place: str = Field("", max_length=200, title="地点")
    host: str = Field("", max_length=50, title="主持人")
    recorder: str = Field("", max_length=50, title="记录人")
    minutes: str = Field("", title="会议记录")
    exceptions: list[ExceptionIn] = Field(
        [], title="请假和缺席人员", description="未列出的应到人员均视为出席"
    )


# ---------------------------------------------------------------------------------------------
# Helpers


def _meeting_data(meeting: Meeting, counts: dict[str, int]) -> dict[str, Any]:
    org = meeting.organisation
    return {
        "id": meeting.pk,
        "organisation_id": org.pk,
        "organisation_code": org.code,
        "organisation_name": org.name,
        "branch_id": selectors.meeting_branch(org).pk,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "held_on": meeting.held_on,
        "start_time": meeting.start_time,
        "topic": meeting.topic,
        "place": meeting.place,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "expected": counts["expected"],
        "present": counts["present"],
        "on_leave": counts["on_leave"],
        "absent": counts["absent"],
        "made_up": counts["makeup"],
    }


def _detail(meeting: Meeting) -> dict[str, Any]:
    rows = list(meeting.attendances.select_related("member").order_by("member__name", "member_id"))
    decisions = []
    for d in meeting.decisions.order_by("id"):
        outcome = vote_outcome(entitled=d.entitled, present=d.present, votes_for=d.votes_for)
        decisions.append(
            {
                "id": d.pk,
                "subject": d.subject,
                "title": d.title,
                "entitled": d.entitled,
                "present": d.present,
                "votes_for": d.votes_for,
                "votes_against": d.votes_against,
                "votes_abstain": d.votes_abstain,
                "quorate": outcome.quorate,
                "passed": outcome.passed,
                "explanation": outcome.explanation,
                "resolution": d.resolution,
            }
        )
    attendance = [
        {
            "id": r.pk,
            "member_id": r.member_id,
            "member_name": r.member.name,
            "status": r.status,
            "status_label": r.get_status_display(),
            "reason": r.reason,
            "makeup_on": r.makeup_on,
            "makeup_note": r.makeup_note,
        }
        for r in rows
    ]
    return _meeting_data(meeting, selectors.attendance_counts(rows)) | {
        "minutes": meeting.minutes,
        "attendance": attendance,
        "decisions": decisions,
    }


def _problems(error: ValidationError) -> dict[str, Any]:
    """A service's refusal as the 422 body, named by this API's fields and labels."""
    if hasattr(error, "error_dict"):
        items = [(f, m) for f, messages in error.message_dict.items() for m in messages]
    else:
        items = [("", m) for m in error.messages]
    names = {"organisation": "organisation_id", "attendance": "exceptions", "__all__": ""}
    detail = []
    for field, message in items:
        name = names.get(field, field)
        info = MeetingIn.model_fields.get(name)
        detail.append({"field": name, "label": (info.title if info else "") or "", "message": message})
    return {"detail": detail}


class MeetingPagination(PageNumberPagination):
    """Pages of 50 (at most 500), each meeting with its attendance counts."""

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result[self.items_attribute] = [
            _meeting_data(
                m,
                {
                    "expected": m.expected_count,
                    "present": m.present_count,
                    "on_leave": m.leave_count,
                    "absent": m.absent_count,
                    "makeup": m.makeup_count,
                },
            )
            for m in result[self.items_attribute]
        ]
        return result


# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "",
    response=list[MeetingOut],
    summary="会议活动列表",
    description="本人管理范围内的会议活动，新的在前，附应到、实到、请假、缺席、补课人数。需要“查看组织生活”权限。",
)
@paginate(MeetingPagination, page_size=50, max_page_size=500)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> QuerySet:
    user = _actor(request, "meetings.view")
    return selectors.meeting_search(user, filters.model_dump())


@router.get(
    "/{meeting_id}",
    response=MeetingDetailOut,
    summary="会议活动详情",
    description="会议及每位应到人员的出勤、补课，议事决定及其表决结果（规则 A-5）。",
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    user = _actor(request, "meetings.view")
    return _detail(selectors.get_meeting_or_404(user, "meetings.view", meeting_id))


@router.post(
    "",
    response={201: MeetingDetailOut, 422: ProblemsOut},
    summary="记录会议活动",
    description=(
        "记录一次会议及出勤：应到人员按党组织、会议类型和日期计算（党员大会等为全体正式和预备党员，"
        "支委会为委员，党小组会为该党小组党员），未在 exceptions 中列出的均为出席。需要“记录组织生活”权限。"
    ),
)
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status:
    user = _actor(request, "meetings.edit")
    data = payload.model_dump()
    exceptions = data.pop("exceptions")
    org_id = data.pop("organisation_id")
    organisation = orgs_for(user, "meetings.edit").filter(pk=org_id).first()
    try:
        if organisation is None:
            raise ValidationError({"organisation": [f"编号为{org_id}的党组织不存在或不在您的管理范围内"]})
        seen: set[int] = set()
        for item in exceptions:
            if item["member_id"] in seen:
                raise ValidationError({"attendance": [f"编号为{item['member_id']}的党员重复列出"]})
            seen.add(item["member_id"])
        meeting = services.meeting_record(
            actor=user,
            organisation=organisation,
            exceptions={
                item["member_id"]: services.Absence(
                    status=item["status"],
                    reason=item["reason"].strip(),
                    makeup_on=item["makeup_on"],
                    makeup_note=item["makeup_note"].strip(),
                )
                for item in exceptions
            },
            **data,
        )
    except ValidationError as error:
        return Status(422, _problems(error))
    meeting = Meeting.objects.select_related("organisation__parent").get(pk=meeting.pk)
    return Status(201, _detail(meeting))
