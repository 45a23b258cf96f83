"""The pages: good input saves for the whole branch, bad input shows the rule and saves nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhibu.conftest import World
from zhibu.lib.dates import today
from zhibu.member_assessment import services
from zhibu.member_assessment.models import (
    MemberRating,
    MemberReview,
    MemberReviewEntry,
    MemberYearResult,
    Objection,
)
from zhibu.member_assessment.tests.factories import YEAR, make_goal, rate_all
from zhibu.members.tests.factories import make_member


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheet(world: World, period: str = "Q1") -> str:
    return f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}/ratings/{period}/"


def test_the_rating_sheet_shows_achievement_and_suggestion(world: World) -> None:
    make_goal(world.member_in_a, dt.date(YEAR, 2, 1), completed_on=dt.date(YEAR, 2, 1))
    response = _client(world.secretary_a).get(_sheet(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲党员" in body and "100.00%" in body
    assert 'value="excellent" selected' in body  # the suggestion preselected


def test_the_rating_sheet_saves_the_whole_branch_in_one_post(world: World) -> None:
    other = make_member(world.branch_a, "丙党员")
    response = _client(world.secretary_a).post(
        _sheet(world),
        {
            "member": [world.member_in_a.pk, other.pk],
            f"rating-{world.member_in_a.pk}": "good",
            f"judgement-{world.member_in_a.pk}": "积极",
            f"rating-{other.pk}": "pass",
        },
    )
    assert response.status_code == 302
    assert dict(MemberRating.objects.values_list("member__name", "rating")) == {
        "甲党员": "good",
        "丙党员": "pass",
    }


def test_a_bad_row_saves_nothing_and_names_the_member(world: World) -> None:
    response = _client(world.secretary_a).post(
        _sheet(world),
        {
            "member": [world.member_in_a.pk, world.member_in_b.pk],
            f"rating-{world.member_in_a.pk}": "good",
            f"rating-{world.member_in_b.pk}": "good",
        },
    )
    assert response.status_code == 422
    assert "乙党员" in response.content.decode()
    assert "未保存任何评定" in response.content.decode()
    assert not MemberRating.objects.exists()


def test_a_future_period_is_refused_on_the_page(world: World) -> None:
    year = today().year + 1
    url = f"/assessment/members/branches/{world.branch_a.pk}/{year}/ratings/Q4/"
    response = _client(world.secretary_a).post(
        url, {"member": [world.member_in_a.pk], f"rating-{world.member_in_a.pk}": "good"}
    )
    assert response.status_code == 422
    assert "尚未结束" in response.content.decode()
    assert not MemberRating.objects.exists()


def test_a_bad_period_in_the_url_is_not_found(world: World) -> None:
    assert _client(world.secretary_a).get(_sheet(world, "Q9")).status_code == 404


def test_the_inspector_reads_but_may_not_rate(world: World) -> None:
    client = _client(world.inspector)
    assert client.get(_sheet(world)).status_code == 200
    response = client.post(
        _sheet(world), {"member": [world.member_in_a.pk], f"rating-{world.member_in_a.pk}": "good"}
    )
    assert response.status_code == 403
    assert not MemberRating.objects.exists()


def test_secretary_b_cannot_post_to_branch_a(world: World) -> None:
    response = _client(world.secretary_b).post(
        _sheet(world), {"member": [world.member_in_a.pk], f"rating-{world.member_in_a.pk}": "good"}
    )
    assert response.status_code == 404


@pytest.fixture
def drafted(world: World) -> World:
    rate_all(world.secretary_a, world.branch_a, {world.member_in_a: ["good", "good", "pass", "fail"]})
    services.results_refresh(actor=world.secretary_a, branch=world.branch_a, year=YEAR)
    return world


def _results(world: World) -> str:
    return f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}/results/"


def test_bonuses_are_entered_on_the_results_page(drafted: World) -> None:
    result = MemberYearResult.objects.get()
    response = _client(drafted.secretary_a).post(
        _results(drafted),
        {
            "result": [result.pk],
            f"bonus_quality-{result.pk}": "",
            f"bonus_teamwork-{result.pk}": "2.5",
            f"bonus_integrity-{result.pk}": "1",
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.total == Decimal("79.75")  # (85 + 85 + 75 + 60) / 4 = 76.25, + 2.5 + 1


def test_a_quality_bonus_below_pass_is_refused_on_the_page(drafted: World) -> None:
    from zhibu.member_assessment.models import MemberRating as R

    R.objects.update(rating="fail")
    services.results_refresh(actor=drafted.secretary_a, branch=drafted.branch_a, year=YEAR)
    result = MemberYearResult.objects.get()
    response = _client(drafted.secretary_a).post(
        _results(drafted),
        {"result": [result.pk], f"bonus_quality-{result.pk}": "1", f"bonus_teamwork-{result.pk}": "3"},
    )
    assert response.status_code == 422
    assert "模板§三.2" in response.content.decode()
    result.refresh_from_db()
    assert result.bonus_teamwork == 0


def test_publish_and_finalise_buttons_report_the_rules(drafted: World) -> None:
    client = _client(drafted.secretary_a)
    response = client.post(f"{_results(drafted)}publish/", follow=True)
    assert "已在本支部公示1人" in response.content.decode()
    response = client.post(f"{_results(drafted)}finalise/", follow=True)
    assert "公示期结束后才能确定结果" in response.content.decode()
    assert MemberYearResult.objects.get().status == "published"


def test_the_member_page_shows_the_published_list_and_takes_an_objection(drafted: World) -> None:
    services.results_publish(actor=drafted.secretary_a, branch=drafted.branch_a, year=YEAR, on=today())
    client = _client(drafted.member_a)
    page = client.get("/assessment/members/mine/").content.decode()
    assert "本支部考核结果公示" in page and "76.25分" in page
    result = MemberYearResult.objects.get()
    response = client.post(
        f"/assessment/members/mine/results/{result.pk}/objection/", {"text": "Q4应为合格"}, follow=True
    )
    assert "已就甲党员的考核结果提出异议" in response.content.decode()
    assert Objection.objects.get().text == "Q4应为合格"
    # The secretary answers it from the results page's link.
    objection = Objection.objects.get()
    response = _client(drafted.secretary_a).post(
        f"/assessment/members/objections/{objection.pk}/answer/",
        {"outcome": "upheld", "response": "经核实更正", "rating-Q4": "pass"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.mean_points == Decimal("80.00")


def test_an_answer_without_a_response_is_refused_on_the_page(drafted: World) -> None:
    services.results_publish(actor=drafted.secretary_a, branch=drafted.branch_a, year=YEAR, on=today())
    objection = services.objection_raise(
        actor=drafted.member_a, result=MemberYearResult.objects.get(), text="异议"
    )
    response = _client(drafted.secretary_a).post(
        f"/assessment/members/objections/{objection.pk}/answer/", {"outcome": "rejected", "response": ""}
    )
    assert response.status_code == 422
    assert "答复必须填写" in response.content.decode()
    objection.refresh_from_db()
    assert objection.outcome == "pending"


def test_a_member_of_another_branch_cannot_reach_the_objection_form(drafted: World) -> None:
    from zhibu.accounts.models import User

    services.results_publish(actor=drafted.secretary_a, branch=drafted.branch_a, year=YEAR, on=today())
    b_user = User.objects.create_user(username="b_member", password="x", member=drafted.member_in_b)
    result = MemberYearResult.objects.get()
    response = _client(b_user).post(
        f"/assessment/members/mine/results/{result.pk}/objection/", {"text": "异议"}
    )
    assert response.status_code == 404
    assert "本支部考核结果公示" not in _client(b_user).get("/assessment/members/mine/").content.decode()


# --- 民主评议 pages ---------------------------------------------------------------------------


def test_the_review_is_opened_and_saved_for_the_branch_in_one_post(world: World) -> None:
    other = make_member(world.branch_a, "丙党员")
    third = make_member(world.branch_a, "丁党员")
    client = _client(world.secretary_a)
    response = client.post(
        f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}/review/open/", {"held_on": "2026-01-15"}
    )
    review = MemberReview.objects.get()
    assert response.status_code == 302 and response.url == f"/assessment/members/reviews/{review.pk}/"
    mine, theirs = (MemberReviewEntry.objects.get(member=m) for m in (world.member_in_a, other))
    response = client.post(
        f"/assessment/members/reviews/{review.pk}/",
        {
            "voters": "2",
            "entry": [mine.pk, theirs.pk],
            f"participated-{mine.pk}": "1",
            f"votes_excellent-{mine.pk}": "2",
            f"grade-{mine.pk}": "excellent",
            f"grade-{theirs.pk}": "pass",
            f"opinion-{theirs.pk}": "合格",
            f"grade-{MemberReviewEntry.objects.get(member=third).pk}": "pass",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.participated, mine.votes_excellent, mine.grade) == (True, 2, "excellent")
    page = client.get(f"/assessment/members/reviews/{review.pk}/").content.decode()
    assert "33.33%" in page  # 1 of 3 took part
    summary = client.get(f"/assessment/members/reviews/{review.pk}/summary/").content.decode()
    assert "33.33%" in summary


def test_one_excellent_of_two_is_refused_and_nothing_saved(world: World) -> None:
    other = make_member(world.branch_a, "丙党员")
    review = services.review_open(
        actor=world.secretary_a, branch=world.branch_a, year=YEAR, held_on=dt.date(2026, 1, 15)
    )
    mine, theirs = (MemberReviewEntry.objects.get(member=m) for m in (world.member_in_a, other))
    response = _client(world.secretary_a).post(
        f"/assessment/members/reviews/{review.pk}/",
        {
            "voters": "2",
            "entry": [mine.pk, theirs.pk],
            f"participated-{mine.pk}": "1",
            f"grade-{mine.pk}": "excellent",
            f"grade-{theirs.pk}": "pass",
        },
    )
    assert response.status_code == 422  # 2 rated: at most 2 // 3 = 0 优秀
    assert "规则 E-2" in response.content.decode()
    mine.refresh_from_db()
    assert (mine.grade, mine.participated) == ("", False)


def test_a_member_writes_a_self_evaluation_from_their_page(world: World) -> None:
    review = services.review_open(
        actor=world.secretary_a, branch=world.branch_a, year=YEAR, held_on=dt.date(2026, 1, 15)
    )
    entry = MemberReviewEntry.objects.get(review=review, member=world.member_in_a)
    client = _client(world.member_a)
    assert "个人自评" in client.get("/assessment/members/mine/").content.decode()
    client.post(f"/assessment/members/mine/reviews/{entry.pk}/self-evaluation/", {"text": "认真学习"})
    entry.refresh_from_db()
    assert entry.self_evaluation == "认真学习"


def test_the_branch_year_page_and_index_render(drafted: World) -> None:
    client = _client(drafted.officer)
    assert "第一党支部" in client.get("/assessment/members/").content.decode()
    page = client.get(f"/assessment/members/branches/{drafted.branch_a.pk}/{YEAR}/").content.decode()
    assert "第一季度" in page and "良好" in page
    assert client.get(f"/assessment/members/branches/{drafted.branch_a.pk}/1999/").status_code == 404
