"""The API: scoped lists, a member's own view (own rows + the branch's published list), 民主评议
with participation, and the objection endpoint with Chinese 422 problems."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhibu.accounts.models import User
from zhibu.conftest import World
from zhibu.lib.dates import today
from zhibu.member_assessment import services
from zhibu.member_assessment.models import MemberReviewEntry, MemberYearResult, Objection
from zhibu.member_assessment.tests.factories import YEAR, rate_all
from zhibu.members.tests.factories import make_member

BASE = "/api/member-assessment"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(world: World) -> World:
    third = make_member(world.branch_a, "丙党员")
    rate_all(world.secretary_a, world.branch_a, {world.member_in_a: ["good"] * 4, third: ["excellent"] * 4})
    rate_all(world.secretary_b, world.branch_b, {world.member_in_b: ["pass"] * 4})
    services.results_publish(actor=world.secretary_a, branch=world.branch_a, year=YEAR, on=today())
    services.results_refresh(actor=world.secretary_b, branch=world.branch_b, year=YEAR)
    return world


def test_ratings_are_scoped_and_filtered(published: World) -> None:
    body = _client(published.secretary_a).get(f"{BASE}/ratings", {"period": "Q1"}).json()
    assert body["count"] == 2
    assert {item["member_name"] for item in body["items"]} == {"甲党员", "丙党员"}
    assert body["items"][0]["period_label"] == "第一季度"
    officer = _client(published.officer).get(f"{BASE}/ratings", {"branch": published.branch_b.pk}).json()
    assert officer["count"] == 4
    assert _client(published.secretary_b).get(f"{BASE}/ratings").json()["count"] == 4


def test_a_member_sees_only_their_own_ratings(published: World) -> None:
    body = _client(published.member_a).get(f"{BASE}/ratings").json()
    assert body["count"] == 4
    assert {item["member_id"] for item in body["items"]} == {published.member_in_a.pk}


def test_a_bad_filter_is_a_chinese_422(published: World) -> None:
    response = _client(published.secretary_a).get(f"{BASE}/ratings", {"period": "Q9", "year": "abc"})
    assert response.status_code == 422
    fields = {p["field"]: p for p in response.json()["detail"]}
    assert fields["year"]["label"] == "年度" and "整数" in fields["year"]["message"]
    assert fields["period"]["label"] == "考核期"


def test_results_for_officials_carry_the_detail(published: World) -> None:
    body = _client(published.officer).get(f"{BASE}/results", {"year": YEAR}).json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["detail"]["basis"]["points"]["excellent"] == "95"
    assert Decimal(first["total"]) == Decimal("95.00")


def test_a_member_sees_their_own_detail_and_the_branch_list_without_others_details(published: World) -> None:
    items = _client(published.member_a).get(f"{BASE}/results").json()["items"]
    assert [i["member_name"] for i in items] == ["丙党员", "甲党员"]  # in order, no ranks
    by_name = {i["member_name"]: i for i in items}
    assert by_name["甲党员"]["detail"]["mean_points"] == "85.00"
    assert by_name["丙党员"]["detail"] is None
    # Nothing of branch B (a draft anyway, and another branch: P-2).
    assert all(i["branch_id"] == published.branch_a.pk for i in items)


def test_after_the_window_the_member_sees_only_their_own(published: World) -> None:
    MemberYearResult.objects.filter(branch=published.branch_a).update(
        published_on=today() - dt.timedelta(days=10), objection_until=today() - dt.timedelta(days=3)
    )
    items = _client(published.member_a).get(f"{BASE}/results").json()["items"]
    assert [i["member_name"] for i in items] == ["甲党员"]


def test_users_without_the_permission_or_a_member_get_403(published: World) -> None:
    for name in ("rater", "auditor", "outsider", "admin"):
        assert _client(published.users[name]).get(f"{BASE}/results").status_code == 403


def test_reviews_carry_participation_and_members_see_their_own_entry(published: World) -> None:
    review = services.review_open(
        actor=published.secretary_a, branch=published.branch_a, year=YEAR, held_on=dt.date(YEAR + 1, 1, 15)
    )
    mine = MemberReviewEntry.objects.get(review=review, member=published.member_in_a)
    services.review_entries_save(
        actor=published.secretary_a, review=review, rows={mine.pk: {"participated": True}}
    )
    body = _client(published.secretary_a).get(f"{BASE}/reviews/{review.pk}").json()
    assert (body["entry_count"], body["participated"], body["participation_rate"]) == (2, 1, "50.00")
    assert body["excellent_cap"] == 0
    assert len(body["entries"]) == 2
    member_view = _client(published.member_a).get(f"{BASE}/reviews").json()
    assert [e["member_name"] for e in member_view[0]["entries"]] == ["甲党员"]
    assert _client(published.secretary_b).get(f"{BASE}/reviews/{review.pk}").status_code == 404
    assert _client(published.secretary_b).get(f"{BASE}/reviews").json() == []


def test_a_member_objects_through_the_api(published: World) -> None:
    result = MemberYearResult.objects.get(member=published.member_in_a)
    response = _client(published.member_a).post(
        f"{BASE}/results/{result.pk}/objections",
        {"text": "第二季度应为优秀"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "pending"
    assert Objection.objects.get().raised_by == published.member_a


def test_an_empty_objection_is_a_chinese_422(published: World) -> None:
    result = MemberYearResult.objects.get(member=published.member_in_a)
    response = _client(published.member_a).post(
        f"{BASE}/results/{result.pk}/objections", {"text": " "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "text", "label": "异议内容", "message": "异议内容必须填写"}
    ]
    assert not Objection.objects.exists()


def test_an_objection_after_the_window_is_refused(published: World) -> None:
    MemberYearResult.objects.filter(branch=published.branch_a).update(
        published_on=today() - dt.timedelta(days=10), objection_until=today() - dt.timedelta(days=1)
    )
    result = MemberYearResult.objects.get(member=published.member_in_a)
    response = _client(published.member_a).post(
        f"{BASE}/results/{result.pk}/objections", {"text": "异议"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "公示期已于" in response.json()["detail"][0]["message"]


def test_an_objection_to_another_branch_or_a_draft_is_not_found(published: World) -> None:
    b_user = User.objects.create_user(username="b_member", password="x", member=published.member_in_b)
    a_result = MemberYearResult.objects.get(member=published.member_in_a)
    b_draft = MemberYearResult.objects.get(member=published.member_in_b)
    for target in (a_result, b_draft):
        response = _client(b_user).post(
            f"{BASE}/results/{target.pk}/objections", {"text": "异议"}, content_type="application/json"
        )
        assert response.status_code == 404
    assert (
        _client(published.officer)
        .post(f"{BASE}/results/{a_result.pk}/objections", {"text": "异议"}, content_type="application/json")
        .status_code
        == 403
    )
