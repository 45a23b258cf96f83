"""流动党员 (MEM-3; RULES §D): the steps of a leave, the registry kept in step, the warnings at
their boundaries, the pages, the export, the API and query counts."""

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.lib.dates import add_months, today
from zhibu.members import mobile
from zhibu.members.models import Member, MobileRecord, MobileReport
from zhibu.members.tests.factories import make_member

Status = MobileRecord.Status


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(member: Member, left_on: dt.date, **kw: Any) -> MobileRecord:
    return mobile.mobile_register(
        actor=None,
        member=member,
        left_on=left_on,
        destination=kw.pop("destination", "广东省深圳市"),
        reason=kw.pop("reason", "借调至集团华南营销中心"),
        **kw,
    )


def away(member: Member, left_on: dt.date, **kw: Any) -> MobileRecord:
    record = register(member, left_on, **kw)
    return mobile.mobile_decide(actor=None, record=record, approve=True, decided_on=left_on)


# ---------------------------------------------------------------------------------------------
# Warnings (pure)

APPROVED = dt.date(2026, 1, 31)
DUE = dt.date(2026, 4, 30)  # three months after 31 January, clamped


def leave(**kw: Any) -> SimpleNamespace:
    values = {
        "status": Status.APPROVED,
        "left_on": APPROVED,
        "approved_on": APPROVED,
        "expected_return_on": dt.date(2026, 5, 31),
        "contact_person_id": 7,
        "certificate_number": "LD-2026-001",
    }
    return SimpleNamespace(**(values | kw))


def messages(warnings: list[Any]) -> list[str]:
    return [w.message for w in warnings]


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(DUE - dt.timedelta(days=1), False), (DUE, False), (DUE + dt.timedelta(days=1), True)],
)
def test_a_report_is_overdue_from_the_day_after_three_months(on: dt.date, overdue: bool) -> None:
    found = [m for m in messages(mobile.mobile_warnings(leave(), None, on=on)) if "逾期" in m]
    assert bool(found) is overdue
    if overdue:
        assert found == ["汇报已逾期：批准外出后尚无汇报，应于2026年4月30日前汇报（至少每3个月一次）"]


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(dt.date(2026, 6, 9), False), (dt.date(2026, 6, 10), False), (dt.date(2026, 6, 11), True)],
)
def test_the_three_months_run_from_the_last_report(on: dt.date, overdue: bool) -> None:
    warnings = mobile.mobile_warnings(leave(expected_return_on=None), dt.date(2026, 3, 10), on=on)
    assert any("上次汇报为2026年3月10日" in m for m in messages(warnings)) is overdue


def test_the_interval_is_a_rule() -> None:
    on = DUE + dt.timedelta(days=1)
    assert not any(
        "逾期" in m for m in messages(mobile.mobile_warnings(leave(), None, on=on, report_months=4))
    )


def test_a_leave_without_contact_or_card_says_so() -> None:
    warnings = mobile.mobile_warnings(
        leave(contact_person_id=None, certificate_number=""), dt.date(2026, 3, 1), on=dt.date(2026, 3, 2)
    )
    assert [(w.level, w.message, w.rule) for w in warnings] == [
        ("danger", "未指定支部联系人", "MEM-3"),
        ("info", "未登记流动党员活动证编号", "D-2"),
    ]


def test_a_request_waits_for_approval_and_closed_leaves_warn_nothing() -> None:
    on = dt.date(2026, 12, 1)
    assert messages(mobile.mobile_warnings(leave(status=Status.REQUESTED), None, on=on)) == [
        "外出请假尚未审批"
    ]
    assert mobile.mobile_warnings(leave(status=Status.RETURNED), None, on=on) == []
    assert mobile.mobile_warnings(leave(status=Status.REJECTED), None, on=on) == []


@pytest.mark.parametrize(
    ("expected_return_on", "on", "hint"),
    [
        (dt.date(2026, 7, 30), dt.date(2026, 3, 1), False),  # expected away one day short of 6 months
        (dt.date(2026, 7, 31), dt.date(2026, 3, 1), True),  # expected away 6 months
        (None, dt.date(2026, 7, 30), False),
        (None, dt.date(2026, 7, 31), True),  # actually away 6 months
    ],
)
def test_six_months_away_hints_at_a_transfer(expected_return_on: Any, on: dt.date, hint: bool) -> None:
    record = leave(expected_return_on=expected_return_on)
    warnings = mobile.mobile_warnings(record, on - dt.timedelta(days=1), on=on)
    assert any(w.rule == "D-1" for w in warnings) is hint


def test_a_passed_expected_return_is_flagged() -> None:
    warnings = mobile.mobile_warnings(leave(), dt.date(2026, 5, 30), on=dt.date(2026, 6, 1))
    assert "已超过预计返回日期2026年5月31日，请核实是否已返回" in messages(warnings)


# ---------------------------------------------------------------------------------------------
# Services


def test_the_steps_of_a_leave_keep_the_registry_in_step(world: World) -> None:
    member = world.member_in_a
    contact = make_member(world.branch_a, "联系人丁")
    record = register(member, dt.date(2026, 2, 1), expected_return_on=dt.date(2026, 6, 30))
    assert record.status == Status.REQUESTED
    member.refresh_from_db()
    assert member.is_mobile is False
    mobile.mobile_decide(actor=world.secretary_a, record=record, approve=True, decided_on=dt.date(2026, 2, 3))
    record.refresh_from_db()
    member.refresh_from_db()
    assert (record.status, record.approved_on, record.approved_by) == (
        Status.APPROVED,
        dt.date(2026, 2, 3),
        world.secretary_a,
    )
    assert (member.is_mobile, member.mobile_destination) == (True, "广东省深圳市")
    mobile.mobile_update(actor=None, record=record, contact_person=contact, certificate_number="LD-001")
    mobile.mobile_report(
        actor=None, record=record, reported_on=dt.date(2026, 4, 1), channel="online", content="工作顺利"
    )
    mobile.mobile_return(actor=None, record=record, returned_on=dt.date(2026, 6, 28))
    record.refresh_from_db()
    member.refresh_from_db()
    assert (record.status, record.returned_on, record.contact_person, record.certificate_number) == (
        Status.RETURNED,
        dt.date(2026, 6, 28),
        contact,
        "LD-001",
    )
    assert (member.is_mobile, member.mobile_destination) == (False, "")
    assert MobileReport.objects.get().content == "工作顺利"
    notes = set(
        AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk)).values_list(
            "note", flat=True
        )
    )
    assert {"流动党员外出审批", "流动党员返回"} <= notes


def test_a_rejected_leave_leaves_the_registry_alone(world: World) -> None:
    record = register(world.member_in_a, dt.date(2026, 2, 1))
    mobile.mobile_decide(
        actor=world.secretary_a, record=record, approve=False, decided_on=dt.date(2026, 2, 2)
    )
    record.refresh_from_db()
    world.member_in_a.refresh_from_db()
    assert (record.status, record.approved_by) == (Status.REJECTED, world.secretary_a)
    assert world.member_in_a.is_mobile is False
    with pytest.raises(ValidationError) as caught:
        mobile.mobile_decide(actor=None, record=record, approve=True)
    assert caught.value.message_dict["status"] == ["该登记未批准，不能再审批"]


@pytest.mark.parametrize(
    ("kw", "field", "message"),
    [
        ({"destination": " "}, "destination", "请填写外出流向"),
        ({"reason": ""}, "reason", "请填写外出原因"),
        ({"expected_return_on": dt.date(2026, 1, 31)}, "expected_return_on", "预计返回日期不能早于外出日期"),
    ],
)
def test_registration_names_the_field(world: World, kw: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        register(world.member_in_a, dt.date(2026, 2, 1), **kw)
    assert caught.value.message_dict[field] == [message]
    assert MobileRecord.objects.count() == 0


def test_one_open_leave_per_person_and_only_party_members(world: World) -> None:
    register(world.member_in_a, dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as caught:
        register(world.member_in_a, dt.date(2026, 3, 1))
    assert caught.value.message_dict["member"] == ["甲党员已有未结束的外出登记，请先办理返回"]
    activist = make_member(world.branch_a, "积极分子甲", category="activist")
    with pytest.raises(ValidationError) as caught:
        register(activist, dt.date(2026, 3, 1))
    assert "只适用于正式党员和预备党员" in caught.value.message_dict["member"][0]


def test_the_contact_is_a_full_member_of_the_branch_and_not_the_person(world: World) -> None:
    record = away(world.member_in_a, dt.date(2026, 2, 1))
    probationary = make_member(world.branch_a, "预备党员戊", category="probationary")
    for person, message in (
        (world.member_in_a, "联系人不能是本人"),
        (world.member_in_b, "联系人乙党员不是第一党支部在册党员"),
        (probationary, "联系人预备党员戊不是正式党员"),
    ):
        with pytest.raises(ValidationError) as caught:
            mobile.mobile_update(actor=None, record=record, contact_person=person)
        assert caught.value.message_dict["contact_person"] == [message]
    record.refresh_from_db()
    assert record.contact_person is None


def test_reports_and_returns_are_dated_sensibly(world: World) -> None:
    record = away(world.member_in_a, dt.date(2026, 2, 1))
    cases = [
        ({"reported_on": dt.date(2026, 1, 31)}, "reported_on", "汇报日期不能早于外出日期2026年2月1日"),
        ({"reported_on": today() + dt.timedelta(days=1)}, "reported_on", "汇报日期不能晚于今天"),
        ({"channel": "pigeon"}, "channel", "汇报方式应为：电话、网络、书面、当面"),
        ({"content": "  "}, "content", "请填写汇报内容"),
    ]
    for changes, field, message in cases:
        data = {"reported_on": dt.date(2026, 3, 1), "channel": "phone", "content": "正常"} | changes
        with pytest.raises(ValidationError) as caught:
            mobile.mobile_report(actor=None, record=record, **data)
        assert caught.value.message_dict[field] == [message]
    with pytest.raises(ValidationError) as caught:
        mobile.mobile_return(actor=None, record=record, returned_on=dt.date(2026, 1, 31))
    assert caught.value.message_dict["returned_on"] == ["返回日期不能早于外出日期2026年2月1日"]
    # The return day may be the day of leaving.
    mobile.mobile_return(actor=None, record=record, returned_on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as caught:
        mobile.mobile_report(
            actor=None, record=record, reported_on=dt.date(2026, 3, 1), channel="phone", content="x"
        )
    assert "已返回" in caught.value.message_dict["record"][0]
    assert MobileReport.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Pages


def test_the_branch_page_lists_leaves_with_warnings(world: World) -> None:
    on = today()
    overdue = away(world.member_in_a, add_months(on, -4))
    fresh_member = make_member(world.branch_a, "己党员")
    fresh = away(fresh_member, add_months(on, -1))
    make_member(world.branch_a, "庚党员", is_mobile=True, mobile_destination="海南")
    away(world.member_in_b, add_months(on, -5))
    response = client_for(world.secretary_a).get(f"/members/mobile/branch/{world.branch_a.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    rows = {row.record.pk: row for row in response.context["rows"]}
    assert set(rows) == {overdue.pk, fresh.pk}
    assert any("汇报已逾期" in w.message for w in rows[overdue.pk].warnings)
    assert not any("汇报已逾期" in w.message for w in rows[fresh.pk].warnings)
    assert [m.name for m in response.context["unrecorded"]] == ["庚党员"]
    assert "没有已批准的外出登记" in html and "乙党员" not in html


def test_registering_on_the_page_saves_nothing_on_error(world: World) -> None:
    client = client_for(world.secretary_a)
    url = f"/members/{world.member_in_a.pk}/mobile/new/"
    form = {
        "left_on": "2026-03-01",
        "destination": "新疆喀什",
        "reason": "援疆挂职",
        "expected_return_on": "2026-02-01",
    }
    bad = client.post(url, form)
    assert bad.status_code == 200 and "预计返回日期不能早于外出日期" in bad.content.decode()
    assert client.post(url, form | {"left_on": "not a date"}).status_code == 200
    assert MobileRecord.objects.count() == 0
    ok = client.post(url, form | {"expected_return_on": "2027-03-01"})
    record = MobileRecord.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/members/mobile/{record.pk}/"


def test_the_secretary_approves_reports_and_closes_on_the_pages(world: World) -> None:
    client = client_for(world.secretary_a)
    contact = make_member(world.branch_a, "联系人丁")
    record = register(world.member_in_a, dt.date(2026, 2, 1))
    assert client.post(f"/members/mobile/{record.pk}/decide/", {"decision": "maybe"}).status_code == 302
    assert MobileRecord.objects.get().status == Status.REQUESTED
    client.post(f"/members/mobile/{record.pk}/decide/", {"decision": "approve"})
    assert MobileRecord.objects.get().status == Status.APPROVED
    assert Member.objects.get(pk=world.member_in_a.pk).is_mobile is True
    edit = client.post(
        f"/members/mobile/{record.pk}/edit/", {"contact_person": contact.pk, "certificate_number": "LD-9"}
    )
    assert edit.status_code == 302 and MobileRecord.objects.get().contact_person == contact
    bad = client.post(
        f"/members/mobile/{record.pk}/report/",
        {"reported_on": "2026-01-01", "channel": "phone", "content": "好"},
    )
    assert "汇报日期不能早于外出日期" in bad.content.decode() and MobileReport.objects.count() == 0
    client.post(
        f"/members/mobile/{record.pk}/report/",
        {"reported_on": "2026-03-01", "channel": "phone", "content": "好"},
    )
    assert MobileReport.objects.count() == 1
    detail = client.get(f"/members/mobile/{record.pk}/").content.decode()
    assert "LD-9" in detail and "联系人丁" in detail and "2026年3月1日" in detail
    back = client.post(f"/members/mobile/{record.pk}/return/", {"returned_on": "2026-01-01"})
    assert "返回日期不能早于外出日期" in back.content.decode()
    client.post(f"/members/mobile/{record.pk}/return/", {"returned_on": "2026-05-01"})
    assert MobileRecord.objects.get().status == Status.RETURNED
    assert Member.objects.get(pk=world.member_in_a.pk).is_mobile is False


def test_the_member_sees_their_own_leave(world: World) -> None:
    record = away(world.member_in_a, dt.date(2026, 2, 1))
    mobile.mobile_report(
        actor=None, record=record, reported_on=dt.date(2026, 3, 1), channel="phone", content="在深圳一切正常"
    )
    away(world.member_in_b, dt.date(2026, 2, 1), destination="海南省三亚市")
    html = client_for(world.member_a).get("/members/me/").content.decode()
    assert "外出至广东省深圳市" in html and "在深圳一切正常" in html and "三亚" not in html


def test_the_export_reads_back(world: World) -> None:
    contact = make_member(world.branch_a, "联系人丁")
    record = away(world.member_in_a, dt.date(2026, 2, 1), certificate_number="LD-2026-007")
    mobile.mobile_update(actor=None, record=record, contact_person=contact)
    mobile.mobile_report(
        actor=None, record=record, reported_on=dt.date(2026, 3, 1), channel="phone", content="正常"
    )
    response = client_for(world.officer).get(f"/members/mobile/branch/{world.committee.pk}/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(mobile.MOBILE_HEADERS)
    row = dict(zip(mobile.MOBILE_HEADERS, rows[1], strict=True))
    assert (row["姓名"], row["状态"], row["支部联系人"], row["流动党员活动证编号"]) == (
        "甲党员",
        "已批准",
        "联系人丁",
        "LD-2026-007",
    )
    assert row["最近汇报日期"].date() == dt.date(2026, 3, 1)
    assert len(rows) == 2


def test_the_branch_page_queries_do_not_grow_with_the_members(world: World) -> None:
    client = client_for(world.secretary_a)
    url = f"/members/mobile/branch/{world.branch_a.pk}/?all=1"
    contact = make_member(world.branch_a, "联系人丁")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    record = away(world.member_in_a, dt.date(2026, 2, 1))
    mobile.mobile_update(actor=None, record=record, contact_person=contact)
    count()  # the first request of a session does its own bookkeeping
    few = count()
    for n in range(6):
        member = make_member(world.branch_a, f"新党员{n}")
        record = away(member, dt.date(2026, 2, 1) + dt.timedelta(days=n))
        mobile.mobile_update(actor=None, record=record, contact_person=contact)
        mobile.mobile_report(
            actor=None, record=record, reported_on=dt.date(2026, 4, 1), channel="phone", content="好"
        )
        if n % 2:
            mobile.mobile_return(actor=None, record=record, returned_on=dt.date(2026, 5, 1))
    make_member(world.branch_a, "庚党员", is_mobile=True, mobile_destination="海南")
    assert count() == few


# ---------------------------------------------------------------------------------------------
# API


def test_the_api_lists_leaves_with_warnings_in_scope(world: World) -> None:
    on = today()
    away(world.member_in_a, add_months(on, -4))
    away(world.member_in_b, add_months(on, -1))
    items = client_for(world.officer).get("/api/members-records/mobile").json()
    assert [i["member_name"] for i in items] == ["甲党员", "乙党员"]
    mine = client_for(world.member_a).get("/api/members-records/mobile").json()
    assert [i["member_name"] for i in mine] == ["甲党员"]
    assert any(w["message"].startswith("汇报已逾期") for w in mine[0]["warnings"])
    theirs = client_for(world.secretary_b).get("/api/members-records/mobile").json()
    assert [i["member_name"] for i in theirs] == ["乙党员"]
    assert theirs[0]["status_label"] == "已批准" and theirs[0]["last_report_on"] is None
    assert client_for(world.rater).get("/api/members-records/mobile").status_code == 403


def test_the_api_takes_a_report(world: World) -> None:
    record = away(world.member_in_a, dt.date(2026, 2, 1))
    url = f"/api/members-records/mobile/{record.pk}/reports"
    body = {"reported_on": "2026-03-01", "channel": "online", "content": "参加了当地党组织的主题党日"}
    own = client_for(world.member_a).post(url, body, content_type="application/json")
    assert own.status_code == 201 and own.json()["channel"] == "online"
    early = client_for(world.secretary_a).post(
        url, body | {"reported_on": "2026-01-01"}, content_type="application/json"
    )
    assert early.status_code == 422
    assert early.json()["detail"] == [
        {"field": "reported_on", "label": "汇报日期", "message": "汇报日期不能早于外出日期2026年2月1日"}
    ]
    assert client_for(world.secretary_b).post(url, body, content_type="application/json").status_code == 404
    other = away(world.member_in_b, dt.date(2026, 2, 1))
    foreign = f"/api/members-records/mobile/{other.pk}/reports"
    assert client_for(world.member_a).post(foreign, body, content_type="application/json").status_code == 404
    huge = "/api/members-records/mobile/99999999999999999999/reports"
    assert client_for(world.officer).post(huge, body, content_type="application/json").status_code in (
        404,
        422,
    )
    assert MobileReport.objects.count() == 1
