"""The pages: recording a meeting in a few clicks (everyone present, mark the exceptions), the
list and detail at a constant number of queries, corrections, decisions, notices, plans, exports."""

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhibu.lib.dates import today
from zhibu.meetings import services
from zhibu.meetings.models import ActivityPlan, Attendance, Decision, Meeting, Notice
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services as org_services

D = dt.date


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _record_data(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "general_meeting",
        "held_on": "2026-03-10",
        "organisation": world.branch_a.pk,
        "topic": "一季度党员大会",
        "place": "三楼会议室",
        "host": "王书记",
        "recorder": "李委员",
        "minutes": "传达学习上级会议精神。",
    } | extra


def test_the_record_page_defaults_to_today_the_users_branch_and_its_secretary(world: Any) -> None:
    committee = org_services.committee_elect(
        actor=None, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    org_services.committee_seat_add(
        actor=None, committee=committee, member=world.member_in_a, post="secretary", start_on=D(2025, 1, 1)
    )
    response = client_for(world.secretary_a).get("/meetings/new/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["held_on"] == today()
    assert form.initial["organisation"] == world.branch_a
    assert form.initial["host"] == "甲党员"
    # The expected members are listed at once, all present.
    assert [row["member"].name for row in response.context["rows"]] == ["甲党员"]
    assert 'value="present" autocomplete="off" checked' in response.content.decode()


def test_the_expected_list_follows_the_kind_organisation_and_date(world: Any) -> None:
    make_member(world.branch_a, "丙党员")
    client = client_for(world.secretary_a)
    url = "/meetings/new/expected/"
    general = client.get(
        url, {"kind": "general_meeting", "held_on": "2026-03-10", "organisation": world.branch_a.pk}
    )
    assert general.status_code == 200 and "丙党员" in general.content.decode()
    group = client.get(
        url, {"kind": "group_meeting", "held_on": "2026-03-10", "organisation": world.group_a1.pk}
    )
    assert "甲党员" in group.content.decode() and "丙党员" not in group.content.decode()
    wrong = client.get(
        url, {"kind": "group_meeting", "held_on": "2026-03-10", "organisation": world.branch_a.pk}
    )
    assert "党小组会请选择党小组" in wrong.content.decode()
    # Another branch's organisation is not offered: nothing is listed.
    other = client.get(
        url, {"kind": "general_meeting", "held_on": "2026-03-10", "organisation": world.branch_b.pk}
    )
    assert "乙党员" not in other.content.decode()


def test_recording_a_meeting_marks_only_the_exceptions(world: Any) -> None:
    other = make_member(world.branch_a, "丙党员")
    third = make_member(world.branch_a, "丁党员")
    data = _record_data(
        world,
        **{
            f"status_{other.pk}": "on_leave",
            f"reason_{other.pk}": "出差",
            f"status_{third.pk}": "absent",
            f"status_{world.member_in_a.pk}": "present",
        },
    )
    response = client_for(world.secretary_a).post("/meetings/new/", data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    statuses = {a.member.name: (a.status, a.reason) for a in meeting.attendances.select_related("member")}
    assert statuses == {"甲党员": ("present", ""), "丙党员": ("on_leave", "出差"), "丁党员": ("absent", "")}
    assert meeting.created_by == world.secretary_a


def test_bad_input_is_named_in_chinese_and_nothing_is_saved(world: Any) -> None:
    client = client_for(world.secretary_a)
    future = (today() + dt.timedelta(days=3)).isoformat()
    response = client.post("/meetings/new/", _record_data(world, held_on=future, topic=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["topic"] == ["这个字段是必填项。"]
    response = client.post("/meetings/new/", _record_data(world, held_on=future))
    assert response.context["form"].errors["held_on"] == ["会议日期不能晚于今天"]
    # Another branch is not a choice of secretary_a.
    response = client.post("/meetings/new/", _record_data(world, organisation=world.branch_b.pk))
    assert "organisation" in response.context["form"].errors
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def _meetings(world: Any, count: int, people: int) -> list[Meeting]:
    for index in range(people):
        make_member(world.branch_a, f"党员{index:02d}")
    return [
        meeting_record(
            actor=None,
            organisation=world.branch_a,
            kind="theme_day",
            held_on=D(2026, 1 + index, 8),
            topic=f"{1 + index}月主题党日",
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("people", [1, 12])
def test_the_detail_page_costs_the_same_for_more_people(
    world: Any, people: int, django_assert_num_queries: Any
) -> None:
    for index in range(people):
        make_member(world.branch_a, f"党员{index:02d}")
    meeting = meeting_record(
        actor=None, organisation=world.branch_a, kind="general_meeting", held_on=D(2026, 2, 2), topic="大会"
    )
    row = meeting.attendances.first()
    assert row is not None
    services.attendance_update(actor=None, attendance=row, status="absent", reason="病假")
    services.decision_record(
        actor=None, meeting=meeting, subject="other", title="议题", entitled=3, present=2, votes_for=2
    )
    client = client_for(world.secretary_a)
    client.get(f"/meetings/{meeting.pk}/")  # warm the session
    # session, user, roles, unread notifications (base page), meeting, attendance, decisions (+ their
    # notices), attachments, reviewed goals
    with django_assert_num_queries(10):
        response = client.get(f"/meetings/{meeting.pk}/")
    assert response.status_code == 200
    assert response.context["counts"] == {
        "expected": people + 1,
        "present": people,
        "on_leave": 0,
        "absent": 1,
        "makeup": 0,
    }


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_page_costs_the_same_for_more_meetings(
    world: Any, count: int, django_assert_num_queries: Any
) -> None:
    _meetings(world, count, 3)
    client = client_for(world.officer)
    client.get("/meetings/")
    # session, user, roles, count, unread notifications (base page), page of meetings with their
    # counts, branches, groups
    with django_assert_num_queries(8):
        response = client.get("/meetings/", {"year": "2026"})
    assert len(response.context["page_obj"]) == count
    assert response.context["page_obj"][0].expected_count == 4


def test_the_list_filters_by_kind_and_group_and_hides_other_branches(world: Any) -> None:
    meeting_record(
        actor=None, organisation=world.branch_a, kind="party_lesson", held_on=D(2026, 4, 1), topic="党课"
    )
    meeting_record(
        actor=None, organisation=world.group_a1, kind="group_meeting", held_on=D(2026, 4, 2), topic="小组会"
    )
    meeting_record(
        actor=None, organisation=world.branch_b, kind="party_lesson", held_on=D(2026, 4, 3), topic="乙党课"
    )
    client = client_for(world.secretary_a)
    topics = lambda params: [m.topic for m in client.get("/meetings/", params).context["page_obj"]]  # noqa: E731
    assert topics({}) == ["小组会", "党课"]
    assert topics({"kind": "party_lesson"}) == ["党课"]
    assert topics({"group": world.group_a1.pk}) == ["小组会"]
    assert topics({"year": "2025"}) == []


def test_detail_is_404_outside_the_subtree(world: Any) -> None:
    meeting = _meetings(world, 1, 0)[0]
    assert client_for(world.secretary_b).get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client_for(world.member_a).get(f"/meetings/{meeting.pk}/").status_code == 403


def test_attendance_and_makeup_are_corrected_on_one_page(world: Any) -> None:
    meeting = _meetings(world, 1, 0)[0]
    row = meeting.attendances.get()
    client = client_for(world.secretary_a)
    response = client.post(
        f"/meetings/attendance/{row.pk}/",
        {"action": "status", "status-status": "on_leave", "status-reason": "出差"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/meetings/attendance/{row.pk}/",
        {"action": "makeup", "makeup-makeup_on": "2026-01-01", "makeup-makeup_note": "补学"},
    )
    assert response.context["makeup_form"].errors["makeup_on"] == ["补课日期：不能早于会议日期"]
    response = client.post(
        f"/meetings/attendance/{row.pk}/",
        {"action": "makeup", "makeup-makeup_on": "2026-01-09", "makeup-makeup_note": "补学"},
    )
    row.refresh_from_db()
    assert (row.status, row.reason, row.makeup_on) == ("on_leave", "出差", D(2026, 1, 9))


def test_a_decision_shows_its_outcome_and_asks_for_a_notice(world: Any) -> None:
    meeting = meeting_record(
        actor=None, organisation=world.branch_a, kind="general_meeting", held_on=D(2026, 5, 6), topic="大会"
    )
    client = client_for(world.secretary_a)
    response = client.get(f"/meetings/{meeting.pk}/decisions/new/")
    assert response.context["form"].initial["entitled"] == 1
    response = client.post(
        f"/meetings/{meeting.pk}/decisions/new/",
        {
            "subject": "commendation",
            "title": "推荐甲党员为优秀党员",
            "entitled": 1,
            "present": 1,
            "votes_for": 1,
            "votes_against": 0,
            "votes_abstain": 0,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "赞成1票，超过应到1人的半数，通过" in page and "尚未公示" in page
    decision = Decision.objects.get()
    response = client.get("/meetings/notices/new/", {"decision": decision.pk})
    assert response.context["form"].initial["title"] == "关于推荐甲党员为优秀党员的公示"


def test_notices_are_listed_as_open_or_closed(world: Any) -> None:
    on = today()
    for title, start, end in (
        ("进行中", on, on + dt.timedelta(days=5)),
        ("已过", D(2026, 1, 5), D(2026, 1, 10)),
    ):
        services.notice_publish(
            actor=None,
            organisation=world.branch_a,
            subject="party_affairs",
            title=title,
            content="内容",
            start_on=start,
            end_on=end,
        )
    client = client_for(world.secretary_a)
    page = client.get("/meetings/notices/").content.decode()
    assert "公示中" in page and "已结束" in page
    assert [n.title for n in client.get("/meetings/notices/", {"state": "open"}).context["page_obj"]] == [
        "进行中"
    ]
    assert client_for(world.secretary_b).get("/meetings/notices/").context["page_obj"].paginator.count == 0
    response = client.post(
        "/meetings/notices/new/",
        {
            "organisation": world.branch_a.pk,
            "subject": "dues",
            "title": "党费收缴公示",
            "content": "2026年党费收缴情况",
            "start_on": "2026-06-01",
            "end_on": "2026-05-01",
        },
    )
    assert response.context["form"].errors["end_on"] == ["公示结束：不能早于公示开始日期"]
    assert Notice.objects.count() == 2


def test_the_activity_plan_is_set_per_branch_and_year(world: Any) -> None:
    client = client_for(world.secretary_a)
    response = client.post(
        "/meetings/plans/edit/",
        {
            "organisation": world.branch_a.pk,
            "year": 2026,
            "adopted_on": "2026-01-06",
            "content": "1月：主题党日",
        },
    )
    assert response.status_code == 302
    page = client.get("/meetings/plans/", {"year": 2026})
    rows = {branch.name: plan for branch, plan in page.context["rows"]}
    assert rows["第一党支部"] == ActivityPlan.objects.get()


def test_the_exports_are_xlsx_with_the_ledger_columns(world: Any) -> None:
    meeting = meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="party_lesson",
        held_on=D(2026, 3, 3),
        topic="党课",
        exceptions={world.member_in_a.pk: Absence(status="absent", reason="值班")},
    )
    client = client_for(world.officer)
    book = load_workbook(io.BytesIO(client.get("/meetings/export.xlsx", {"year": 2026}).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "组织代码", "党组织", "会议类型", "日期", "主题")
    assert rows[1][1] == "A" and rows[1][3] == "党课" and rows[1][9:13] == (1, 0, 0, 1)
    book = load_workbook(io.BytesIO(client.get(f"/meetings/{meeting.pk}/attendance.xlsx").content))
    assert list(book["出勤"].iter_rows(values_only=True))[1][1:4] == ("甲党员", "缺席", "值班")
    response = client.get("/meetings/notices/export.xlsx")
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content)).active.title == "公示"


def test_attachments_upload_and_download_only_in_scope(world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    meeting = _meetings(world, 1, 0)[0]
    client = client_for(world.secretary_a)
    upload = io.BytesIO(b"%PDF-1.4 minutes")
    upload.name = "会议记录.pdf"
    assert client.post(f"/meetings/{meeting.pk}/attachments/", {"file": upload}).status_code == 302
    attachment = meeting.attachments.get()
    response = client.get(f"/meetings/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.getvalue() == b"%PDF-1.4 minutes"
    assert client_for(world.secretary_b).get(f"/meetings/attachments/{attachment.pk}/").status_code == 404
    bad = io.BytesIO(b"MZ")
    bad.name = "virus.exe"
    response = client.post(f"/meetings/{meeting.pk}/attachments/", {"file": bad}, follow=True)
    assert "类型不允许" in response.content.decode() and meeting.attachments.count() == 1
