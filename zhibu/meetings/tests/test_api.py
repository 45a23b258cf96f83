"""/api/meetings: the list with counts, a meeting with its attendance and decisions, and recording a
meeting through `meeting_record` with Chinese 422s in the shape of the members API."""

import datetime as dt
from typing import Any

from django.test import Client

from zhibu.lib.dates import today
from zhibu.meetings import services
from zhibu.meetings.models import Meeting
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members.tests.factories import make_member

D = dt.date


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/meetings", data, content_type="application/json")


def test_the_list_has_counts_and_the_pages_filters(world: Any) -> None:
    other = make_member(world.branch_a, "丙党员")
    meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=D(2026, 3, 10),
        topic="一季度党员大会",
        exceptions={other.pk: Absence(status="on_leave", reason="出差", makeup_on=D(2026, 3, 12))},
    )
    meeting_record(
        actor=None, organisation=world.branch_b, kind="party_lesson", held_on=D(2026, 3, 11), topic="党课"
    )
    body = client_for(world.secretary_a).get("/api/meetings").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["kind"], item["kind_label"], item["organisation_code"]) == (
        "general_meeting",
        "党员大会",
        "A",
    )
    assert (item["expected"], item["present"], item["on_leave"], item["absent"], item["made_up"]) == (
        2,
        1,
        1,
        0,
        1,
    )
    officer = client_for(world.officer)
    assert officer.get("/api/meetings", {"kind": "party_lesson"}).json()["count"] == 1
    assert officer.get("/api/meetings", {"branch": world.branch_a.pk, "year": 2025}).json()["count"] == 0
    response = officer.get("/api/meetings", {"kind": "tea_party"})
    assert response.status_code == 422 and response.json()["detail"][0]["label"] == "会议类型"


def test_the_detail_lists_every_expected_person_and_the_vote(world: Any) -> None:
    meeting = meeting_record(
        actor=None, organisation=world.branch_a, kind="general_meeting", held_on=D(2026, 3, 10), topic="大会"
    )
    services.decision_record(
        actor=None,
        meeting=meeting,
        subject="member_development",
        title="接收预备党员",
        entitled=1,
        present=1,
        votes_for=1,
    )
    body = client_for(world.inspector).get(f"/api/meetings/{meeting.pk}").json()
    assert [(a["member_name"], a["status"]) for a in body["attendance"]] == [("甲党员", "present")]
    assert body["decisions"][0]["passed"] is True
    assert body["decisions"][0]["explanation"] == "赞成1票，超过应到1人的半数，通过"
    assert client_for(world.secretary_b).get(f"/api/meetings/{meeting.pk}").status_code == 404


def test_posting_a_meeting_records_the_exceptions(world: Any) -> None:
    other = make_member(world.branch_a, "丙党员")
    response = _post(
        client_for(world.secretary_a),
        {
            "organisation_id": world.branch_a.pk,
            "kind": "party_lesson",
            "held_on": "2026-04-08",
            "topic": "二季度党课",
            "host": "王书记",
            "exceptions": [{"member_id": other.pk, "status": "absent", "reason": "值班"}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["expected"], body["present"], body["absent"]) == (2, 1, 1)
    meeting = Meeting.objects.get()
    assert meeting.created_by == world.secretary_a and meeting.host == "王书记"


def test_bad_meetings_get_chinese_422s_and_nothing_is_written(world: Any) -> None:
    client = client_for(world.secretary_a)
    base = {
        "organisation_id": world.branch_a.pk,
        "kind": "party_lesson",
        "held_on": "2026-04-08",
        "topic": "党课",
    }
    response = _post(client, base | {"kind": "picnic"})
    assert response.status_code == 422
    assert (
        response.json()["detail"][0]["field"] == "kind"
        and response.json()["detail"][0]["label"] == "会议类型"
    )
    future = (today() + dt.timedelta(days=2)).isoformat()
    response = _post(client, base | {"held_on": future})
    assert response.json() == {
        "detail": [{"field": "held_on", "label": "日期", "message": "会议日期不能晚于今天"}]
    }
    response = _post(client, base | {"organisation_id": world.branch_b.pk})
    assert response.json()["detail"][0] == {
        "field": "organisation_id",
        "label": "党组织",
        "message": f"编号为{world.branch_b.pk}的党组织不存在或不在您的管理范围内",
    }
    response = _post(client, base | {"exceptions": [{"member_id": world.member_in_b.pk, "status": "absent"}]})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "exceptions"
    response = _post(
        client,
        base
        | {
            "exceptions": [
                {"member_id": world.member_in_a.pk, "status": "absent"},
                {"member_id": world.member_in_a.pk, "status": "on_leave"},
            ]
        },
    )
    assert "重复" in response.json()["detail"][0]["message"]
    assert not Meeting.objects.exists()


def test_reading_without_the_permission_is_403_and_anonymous_401(world: Any) -> None:
    assert client_for(world.member_a).get("/api/meetings").status_code == 403
    assert Client().get("/api/meetings").status_code == 401
    body = {
        "organisation_id": world.branch_a.pk,
        "kind": "party_lesson",
        "held_on": "2026-04-08",
        "topic": "党课",
    }
    assert _post(client_for(world.inspector), body).status_code == 403
    assert not Meeting.objects.exists()
