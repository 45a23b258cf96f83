"""The services after `meeting_record`: corrections, attendance, 补课, decisions with votes (RULES
A-5), notices, the yearly activity plan, attachments and reviewed goals. Each refusal is in
Chinese, names the field and writes nothing."""

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhibu.audit.models import AuditEvent
from zhibu.goals.tests.factories import make_goal, make_plan
from zhibu.lib.dates import today
from zhibu.lib.uploads import MAX_FILE_BYTES
from zhibu.meetings import services
from zhibu.meetings.models import ActivityPlan, Attendance, Decision, Meeting, Notice
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members.tests.factories import make_member

D = dt.date


@pytest.fixture
def meeting(world: Any) -> Meeting:
    other = make_member(world.branch_a, "丙党员")
    return meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=D(2026, 3, 10),
        topic="一季度党员大会",
        exceptions={other.pk: Absence(status="on_leave", reason="出差")},
    )


def _row(meeting: Meeting, name: str) -> Attendance:
    return meeting.attendances.select_related("member").get(member__name=name)


def _messages(caught: Any) -> dict[str, list[str]]:
    return caught.value.message_dict


def test_meeting_update_changes_the_text_not_the_kind_date_or_organisation(meeting: Meeting) -> None:
    services.meeting_update(
        actor=None,
        meeting=meeting,
        topic="一季度党员大会（补记）",
        place="三楼会议室",
        host="张书记",
        minutes="议程…",
    )
    meeting.refresh_from_db()
    assert (meeting.topic, meeting.place, meeting.host, meeting.kind) == (
        "一季度党员大会（补记）",
        "三楼会议室",
        "张书记",
        "general_meeting",
    )
    event = AuditEvent.objects.filter(object_type="meetings.meeting", action="update").get()
    assert event.after is not None
    assert event.after["place"] == "三楼会议室" and "kind" not in event.after


def test_meeting_update_refuses_an_empty_or_duplicate_topic(meeting: Meeting, world: Any) -> None:
    meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=meeting.held_on,
        topic="另一次",
    )
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(actor=None, meeting=meeting, topic="另一次")
    assert "同主题" in _messages(caught)["topic"][0]
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(actor=None, meeting=meeting, topic="  ")
    assert _messages(caught)["topic"] == ["会议主题：必须填写"]
    meeting.refresh_from_db()
    assert meeting.topic == "一季度党员大会"


def test_attendance_update_marks_and_unmarks_with_the_reason(meeting: Meeting) -> None:
    row = _row(meeting, "甲党员")
    services.attendance_update(actor=None, attendance=row, status="absent", reason="未请假")
    row.refresh_from_db()
    assert (row.status, row.reason) == ("absent", "未请假")
    services.makeup_record(actor=None, attendance=row, makeup_on=D(2026, 3, 12), makeup_note="个别补课")
    services.attendance_update(actor=None, attendance=row, status="present")
    row.refresh_from_db()
    assert (row.status, row.reason, row.makeup_on, row.makeup_note) == ("present", "", None, "")
    with pytest.raises(ValidationError):
        services.attendance_update(actor=None, attendance=row, status="late")


def test_makeup_is_on_or_after_the_meeting_and_not_in_the_future(meeting: Meeting) -> None:
    row = _row(meeting, "丙党员")
    with pytest.raises(ValidationError) as caught:
        services.makeup_record(actor=None, attendance=row, makeup_on=D(2026, 3, 9))
    assert _messages(caught)["makeup_on"] == ["补课日期：不能早于会议日期"]
    with pytest.raises(ValidationError) as caught:
        services.makeup_record(actor=None, attendance=row, makeup_on=today() + dt.timedelta(days=1))
    assert _messages(caught)["makeup_on"] == ["补课日期：不能晚于今天"]
    services.makeup_record(actor=None, attendance=row, makeup_on=D(2026, 3, 10), makeup_note="会后补学")
    row.refresh_from_db()
    assert (row.makeup_on, row.makeup_note) == (D(2026, 3, 10), "会后补学")


def test_a_person_present_needs_no_makeup(meeting: Meeting) -> None:
    with pytest.raises(ValidationError, match="出席了会议，无需补课"):
        services.makeup_record(actor=None, attendance=_row(meeting, "甲党员"), makeup_on=D(2026, 3, 11))
    assert not Attendance.objects.filter(makeup_on__isnull=False).exists()


@pytest.mark.parametrize(
    ("numbers", "field", "message"),
    [
        ({"entitled": 0, "present": 0, "votes_for": 0}, "entitled", "应到有表决权人数：至少1人"),
        ({"entitled": 9, "present": 10, "votes_for": 5}, "present", "实到有表决权人数：10人多于应到的9人"),
        (
            {"entitled": 9, "present": 6, "votes_for": 5, "votes_against": 1, "votes_abstain": 1},
            "votes_for",
            "赞成、反对、弃权合计7票，多于实到的6人",
        ),
        ({"entitled": 9, "present": 6, "votes_for": -1}, "votes_for", "赞成：应为不小于0的整数"),
    ],
)
def test_decision_votes_must_add_up(
    meeting: Meeting, numbers: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.decision_record(actor=None, meeting=meeting, subject="major_matter", title="议题", **numbers)
    assert _messages(caught)[field] == [message]
    assert not Decision.objects.exists()


def test_a_decision_is_stored_whatever_the_outcome_with_the_explanation_audited(meeting: Meeting) -> None:
    decision = services.decision_record(
        actor=None,
        meeting=meeting,
        subject="member_development",
        title="接收张三为预备党员",
        entitled=9,
        present=5,
        votes_for=4,
        votes_against=1,
    )
    assert Decision.objects.get() == decision
    event = AuditEvent.objects.get(object_type="meetings.decision")
    # 4 of 9 entitled is not more than half: not passed even though 4 of the 5 present said yes.
    assert event.after is not None
    assert event.after["outcome"] == "赞成4票，未超过应到9人的半数，未通过"


def test_decisions_belong_to_general_or_committee_meetings(world: Any) -> None:
    lesson = meeting_record(
        actor=None, organisation=world.branch_a, kind="party_lesson", held_on=D(2026, 3, 11), topic="党课"
    )
    with pytest.raises(ValidationError, match="党员大会或支委会"):
        services.decision_record(
            actor=None, meeting=lesson, subject="other", title="议题", entitled=3, present=2, votes_for=2
        )


def test_notice_periods_end_after_they_start(world: Any, meeting: Meeting) -> None:
    with pytest.raises(ValidationError) as caught:
        services.notice_publish(
            actor=None,
            organisation=world.branch_a,
            subject="commendation",
            title="表彰公示",
            content="拟表彰……",
            start_on=D(2026, 6, 10),
            end_on=D(2026, 6, 9),
        )
    assert _messages(caught)["end_on"] == ["公示结束：不能早于公示开始日期"]
    with pytest.raises(ValidationError) as caught:
        services.notice_publish(
            actor=None,
            organisation=world.group_a1,
            subject="oops",
            title="",
            content="",
            start_on=None,
            end_on=None,
        )
    assert set(_messages(caught)) == {"organisation", "subject", "title", "content", "start_on", "end_on"}
    assert not Notice.objects.exists()


def test_a_notice_may_publish_a_decision_of_its_own_branch_only(world: Any, meeting: Meeting) -> None:
    decision = services.decision_record(
        actor=None,
        meeting=meeting,
        subject="commendation",
        title="推荐优秀党员",
        entitled=2,
        present=2,
        votes_for=2,
    )
    with pytest.raises(ValidationError, match="不是本组织的决定"):
        services.notice_publish(
            actor=None,
            organisation=world.branch_b,
            subject="commendation",
            title="公示",
            content="内容",
            start_on=D(2026, 3, 11),
            end_on=D(2026, 3, 17),
            decision=decision,
        )
    notice = services.notice_publish(
        actor=None,
        organisation=world.branch_a,
        subject="commendation",
        title="公示",
        content="内容",
        start_on=D(2026, 3, 11),
        end_on=D(2026, 3, 17),
        decision=decision,
    )
    assert list(decision.notices.all()) == [notice]


def test_the_activity_plan_is_one_per_branch_and_year_revised_in_place(world: Any) -> None:
    first = services.activity_plan_set(
        actor=None, organisation=world.branch_a, year=2026, adopted_on=D(2026, 1, 8), content="1月：主题党日"
    )
    second = services.activity_plan_set(
        actor=None,
        organisation=world.branch_a,
        year=2026,
        adopted_on=D(2026, 1, 9),
        content="1月：主题党日；2月：党课",
    )
    assert first.pk == second.pk and ActivityPlan.objects.count() == 1
    assert ActivityPlan.objects.get().content.endswith("2月：党课")
    assert AuditEvent.objects.filter(object_type="meetings.activityplan").count() == 2
    with pytest.raises(ValidationError) as caught:
        services.activity_plan_set(
            actor=None, organisation=world.group_a1, year=2026, adopted_on=D(2027, 1, 1), content=""
        )
    assert set(_messages(caught)) == {"organisation", "adopted_on", "content"}


def test_attachments_are_checked_and_hashed(meeting: Meeting, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in", content_type="application/pdf")
    attachment = services.meeting_attachment_add(actor=None, meeting=meeting, upload=good)
    assert attachment.size == 16
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.4 sign-in").hexdigest()
    with pytest.raises(ValidationError, match="类型不允许"):
        services.meeting_attachment_add(
            actor=None, meeting=meeting, upload=SimpleUploadedFile("run.exe", b"MZ")
        )
    big = SimpleUploadedFile("big.pdf", b"0" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ValidationError, match="超过10MB"):
        services.meeting_attachment_add(actor=None, meeting=meeting, upload=big)
    assert meeting.attachments.count() == 1


def test_reviewed_goals_come_from_the_branch_plan_of_the_meeting_year(world: Any, meeting: Meeting) -> None:
    own = make_goal(make_plan(world.branch_a, year=2026), "发展党员2名")
    other = make_goal(make_plan(world.branch_b, year=2026), "乙支部目标")
    services.meeting_goals_set(actor=None, meeting=meeting, goals=[own])
    assert list(meeting.reviewed_goals.all()) == [own]
    with pytest.raises(ValidationError, match="只能选择本支部2026年度目标计划中的目标"):
        services.meeting_goals_set(actor=None, meeting=meeting, goals=[own, other])
    assert list(meeting.reviewed_goals.all()) == [own]
