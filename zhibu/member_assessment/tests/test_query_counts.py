"""Query counts of the branch rating page and the 民主评议 page are part of their contract (STYLE):
constant in the number of members."""

import datetime as dt
from typing import Any

import pytest

from zhibu.conftest import World
from zhibu.member_assessment import services
from zhibu.member_assessment.models import MemberReview
from zhibu.member_assessment.tests.factories import YEAR, make_goal
from zhibu.members.tests.factories import make_member


def _grow(world: World, size: int) -> None:
    for n in range(size):
        member = make_member(world.branch_a, f"成员{n:02d}")
        make_goal(member, dt.date(YEAR, 2, 1), completed_on=dt.date(YEAR, 2, 1) if n % 2 else None)


def _sheet_queries(world: World, client: Any, django_assert_num_queries: Any) -> None:
    client.force_login(world.secretary_a)
    client.get("/")  # the first request of a session records its time (idle timeout)
    # 1 session, 2 user, 3 the user's role assignments, 4 the branch, 5 the members on the period's
    # end, 6 their ratings of the period, 7 their responsibility goals running in the period,
    # 8 the progress reports on those goals up to the period's end, 9 which of them have any
    # report, 10 the unread notifications count of the navigation bar.
    with django_assert_num_queries(10):
        response = client.get(f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}/ratings/Q1/")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_rating_sheet_queries_are_constant(
    world: World, client: Any, django_assert_num_queries: Any, size: int
) -> None:
    _grow(world, size)
    _sheet_queries(world, client, django_assert_num_queries)


@pytest.mark.parametrize("size", [3, 30])
def test_review_page_queries_are_constant(
    world: World, client: Any, django_assert_num_queries: Any, size: int
) -> None:
    _grow(world, size)
    review = services.review_open(
        actor=world.secretary_a, branch=world.branch_a, year=YEAR, held_on=dt.date(2026, 1, 15)
    )
    client.force_login(world.secretary_a)
    client.get("/")
    # 1 session, 2 user, 3 role assignments, 4 the round with its branch, 5 its entries with their
    # members, 6 the rules in force (the 优秀 cap), 7 the unread notifications count of the
    # navigation bar.
    with django_assert_num_queries(7):
        response = client.get(f"/assessment/members/reviews/{review.pk}/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == size + 1
    assert MemberReview.objects.count() == 1
