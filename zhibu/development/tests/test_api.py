"""The 发展党员 API (DEV-1…6): files paged and filtered, one file with its 25 steps, sponsors and
reviews, the due items, and recording the next step — scoped like the pages (401, 403, 404) and
refusing a broken rule with the service's Chinese message on the API's own field names."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhibu.accounts.models import ApiToken
from zhibu.accounts.services import token_create
from zhibu.development.models import DevelopmentStep, Review, Sponsor
from zhibu.development.tests.factories import make_file, make_meeting
from zhibu.lib.dates import add_months, today
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member

D = dt.date


def person(world: Any, name: str, branch: Any = None, **extra: Any) -> Member:
    extra.setdefault("category", "applicant")
    extra.setdefault("birth", D(1995, 6, 15))
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(branch or world.branch_a, name, **extra)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {p["field"]: p["message"] for p in response.json()["detail"]}


# --- Reading -------------------------------------------------------------------------------------


def test_dev1_the_file_list_is_paged_scoped_and_filtered(world: Any) -> None:
    applicant = make_file(person(world, "丙申请人"), start=days_ago(10))
    activist = make_file(person(world, "丁积极分子"), through=5)
    other = make_file(person(world, "戊申请人", world.branch_b), start=days_ago(10))

    body = client_for(world.secretary_a).get("/api/development/files").json()
    assert body["count"] == 2
    by_name = {item["member_name"]: item for item in body["items"]}
    assert set(by_name) == {"丙申请人", "丁积极分子"}
    item = by_name["丁积极分子"]
    assert item["id"] == activist.pk and item["stage"] == "activist" and item["stage_label"] == "入党积极分子"
    assert (item["last_step"], item["next_step"], item["next_step_label"]) == (5, 6, "⑥培养教育考察")
    assert item["activist_on"] == "2022-03-29" and item["branch_name"] == "第一党支部"

    officer = client_for(world.officer)
    assert officer.get("/api/development/files").json()["count"] == 3
    only_b = officer.get("/api/development/files", {"branch": world.branch_b.pk}).json()
    assert [i["id"] for i in only_b["items"]] == [other.pk]
    applicants = officer.get("/api/development/files", {"stage": "applicant"}).json()
    assert {i["id"] for i in applicants["items"]} == {applicant.pk, other.pk}
    page = officer.get("/api/development/files", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    bad = officer.get("/api/development/files", {"stage": "member"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["label"] == "当前阶段"


def test_the_file_list_queries_do_not_grow_with_the_files(world: Any, django_assert_num_queries: Any) -> None:
    """Two files, then six: the same queries (session, user, roles, count, files, their steps)."""
    for index in range(2):
        make_file(person(world, f"申请人{index}"), through=3)
    client = client_for(world.secretary_a)
    client.get("/api/development/files")  # the first request of a session saves it
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/development/files")
    for index in range(2, 6):
        make_file(person(world, f"申请人{index}"), through=3)
    with django_assert_num_queries(len(queries)):
        body = client.get("/api/development/files").json()
    assert body["count"] == 6 and all(i["last_step"] == 3 for i in body["items"])
    assert len(queries) == 6


def test_dev6_a_file_comes_with_its_25_steps_sponsors_and_reviews(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=6, start=days_ago(100))
    body = client_for(world.inspector).get(f"/api/development/files/{file.pk}").json()
    assert body["id"] == file.pk and body["probation_end"] is None
    steps = body["steps"]
    assert [s["number"] for s in steps] == list(range(1, 26))
    third = steps[2]
    recorded = file.steps.get(number=3)
    assert (third["label"], third["id"], third["done_on"]) == (
        "③确定入党积极分子",
        recorded.pk,
        recorded.done_on.isoformat(),
    )
    assert third["meeting_id"] == recorded.meeting_id is not None and third["stage"] == "activist"
    assert steps[3]["notice_id"] == file.steps.get(number=4).notice_id is not None
    seventh = steps[6]
    assert seventh["id"] is None and seventh["done_on"] is None
    assert (
        seventh["earliest_on"] == add_months(file.activist_on, 12).isoformat() and seventh["overdue"] is False
    )
    sponsor = Sponsor.objects.get(file=file)
    assert body["sponsors"] == [
        {
            "id": sponsor.pk,
            "role": "cultivator",
            "role_label": "培养联系人",
            "member_id": sponsor.member_id,
            "member_name": sponsor.member.name,
            "start_on": sponsor.start_on.isoformat(),
            "end_on": None,
            "end_reason": "",
        }
    ]
    review = Review.objects.get(file=file)
    assert [r["id"] for r in body["reviews"]] == [review.pk] and body["reviews"][0]["kind"] == "activist"


def test_a_probationary_file_has_its_probation_end(world: Any) -> None:
    file = make_file(person(world, "丙预备党员"), through=17)
    body = client_for(world.officer).get(f"/api/development/files/{file.pk}").json()
    assert body["probation_end"] == "2024-05-12" and body["stage"] == "probationary"
    assert len([s for s in body["sponsors"] if s["role"] == "introducer"]) == 2


def test_dev3_due_items_of_the_user_s_branches(world: Any) -> None:
    late = make_file(person(world, "丙申请人"), start=days_ago(60))
    make_file(person(world, "戊申请人", world.branch_b), start=days_ago(60))
    waiting = person(world, "庚积极分子", category="activist")
    body = client_for(world.secretary_a).get("/api/development/due").json()
    talk = next(i for i in body if i["member_name"] == "丙申请人")
    assert talk["kind"] == "talk" and talk["label"] == "入党申请谈话" and talk["rule"] == "B-2"
    assert talk["file_id"] == late.pk and talk["overdue"] is True and talk["branch_id"] == world.branch_a.pk
    assert talk["due_on"] == add_months(late.applied_on, 1).isoformat() and "B-2" in talk["text"]
    no_file = next(i for i in body if i["member_id"] == waiting.pk)
    assert no_file["kind"] == "no_cultivator" and no_file["file_id"] is None
    assert "戊申请人" not in {i["member_name"] for i in body}
    assert body[0]["overdue"] is True  # overdue first


def test_reading_is_scoped_like_the_pages(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), start=days_ago(10))
    assert Client().get("/api/development/files").status_code == 401
    for persona in ("member_a", "rater", "auditor", "admin"):
        response = client_for(world.users[persona]).get(f"/api/development/files/{file.pk}")
        assert response.status_code == 403 and response.json()["detail"] == "您没有使用此接口的权限"
    missing = client_for(world.secretary_b).get(f"/api/development/files/{file.pk}")
    assert missing.status_code == 404 and missing.json()["detail"] == "未找到该入党档案"
    assert client_for(world.secretary_b).get("/api/development/files").json()["count"] == 0
    assert client_for(world.officer).get("/api/development/files/99999999").status_code == 404


# --- Recording the next step ---------------------------------------------------------------------


def test_dev1_the_next_step_is_recorded_with_its_meeting(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    meeting = make_meeting(world.branch_a, MeetingKind.COMMITTEE_MEETING, today(), "确定入党积极分子")
    token, key = token_create(actor=None, user=world.secretary_a, name="测试")
    assert isinstance(token, ApiToken)
    response = Client().post(
        f"/api/development/files/{file.pk}/steps",
        {"number": 3, "done_on": today().isoformat(), "meeting_id": meeting.pk, "note": "  一致同意  "},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    step = DevelopmentStep.objects.get(file=file, number=3)
    assert response.json() == {
        "id": step.pk,
        "file_id": file.pk,
        "number": 3,
        "label": "③确定入党积极分子",
        "done_on": today().isoformat(),
        "meeting_id": meeting.pk,
        "basis": "",
        "notice_id": None,
        "late_reason": "",
        "note": "一致同意",
    }
    assert step.actor == world.secretary_a
    assert Member.objects.get(pk=file.member_id).category == "activist"


def test_b5_a_broken_rule_is_a_422_naming_the_rule_and_nothing_is_saved(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=6, start=days_ago(100))
    response = client_for(world.secretary_a).post(
        f"/api/development/files/{file.pk}/steps",
        {"number": 7, "done_on": today().isoformat(), "basis": "支委会决定"},
        content_type="application/json",
    )
    found = problems(response)
    assert "B-5" in found["done_on"] and add_months(file.activist_on, 12).isoformat() in found["done_on"]
    assert response.json()["detail"][0]["label"] == "日期"
    assert not file.steps.filter(number=7).exists()


def test_b11_order_and_the_api_s_field_names_in_refusals(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    client = client_for(world.secretary_a)
    url = f"/api/development/files/{file.pk}/steps"
    skip = problems(
        client.post(url, {"number": 5, "done_on": today().isoformat()}, content_type="application/json")
    )
    assert "请先完成③确定入党积极分子" in skip["number"] and "B-11" in skip["number"]
    # The service's "meeting" is this API's meeting_id.
    none = problems(
        client.post(url, {"number": 3, "done_on": today().isoformat()}, content_type="application/json")
    )
    assert "请选择会议" in none["meeting_id"]
    theirs = make_meeting(world.branch_b, MeetingKind.COMMITTEE_MEETING, today(), "乙支部支委会")
    wrong = problems(
        client.post(
            url,
            {"number": 3, "done_on": today().isoformat(), "meeting_id": theirs.pk},
            content_type="application/json",
        )
    )
    assert "不是第一党支部的会议" in wrong["meeting_id"]
    shape = problems(
        client.post(url, {"number": 30, "done_on": "2026-13-01"}, content_type="application/json")
    )
    assert shape["number"] == "不能大于25" and "YYYY-MM-DD" in shape["done_on"]
    assert file.steps.count() == 2


def test_b3_people_out_of_scope_are_refused_on_people_ids(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=4, start=days_ago(60))
    client = client_for(world.secretary_a)
    url = f"/api/development/files/{file.pk}/steps"
    data = {"number": 5, "done_on": today().isoformat(), "basis": "支委会指定"}
    outside = problems(
        client.post(url, data | {"people_ids": [world.member_in_b.pk]}, content_type="application/json")
    )
    assert f"编号为{world.member_in_b.pk}的党员不存在或不在您的管理范围内" in outside["people_ids"]
    three = [make_member(world.branch_a, f"党员{i}").pk for i in range(3)]
    too_many = problems(client.post(url, data | {"people_ids": three}, content_type="application/json"))
    assert "B-3" in too_many["people_ids"]
    assert not Sponsor.objects.exists()
    ok = client.post(url, data | {"people_ids": [world.member_in_a.pk]}, content_type="application/json")
    assert ok.status_code == 201
    assert list(Sponsor.objects.values_list("member_id", "role")) == [(world.member_in_a.pk, "cultivator")]


def test_recording_is_scoped_like_the_pages(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), start=days_ago(10))
    url = f"/api/development/files/{file.pk}/steps"
    data = {"number": 2, "done_on": today().isoformat(), "basis": "谈话"}
    assert Client().post(url, data, content_type="application/json").status_code == 401
    assert client_for(world.inspector).post(url, data, content_type="application/json").status_code == 403
    assert client_for(world.secretary_b).post(url, data, content_type="application/json").status_code == 404
    # The browser's session needs the CSRF header for a write.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.secretary_a)
    assert browser.post(url, data, content_type="application/json").status_code == 403
    assert file.steps.count() == 1
