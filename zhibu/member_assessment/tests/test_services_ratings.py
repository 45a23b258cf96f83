"""MASSESS-1: period ratings saved for the whole branch in one go, and their refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.member_assessment import selectors, services
from zhibu.member_assessment.models import MemberRating
from zhibu.member_assessment.tests.factories import YEAR, make_goal
from zhibu.members import services as member_services
from zhibu.members.tests.factories import make_member

END_Q1 = dt.date(YEAR, 3, 31)


def _save(world: World, rows: list[dict], *, period: str = "Q1", on: dt.date = END_Q1, branch=None) -> dict:
    return services.ratings_save(
        actor=world.secretary_a, branch=branch or world.branch_a, year=YEAR, period=period, rows=rows, on=on
    )


def test_it_rates_the_branch_in_one_go_with_the_achievement(world: World) -> None:
    other = make_member(world.branch_a, "丙党员")
    make_goal(world.member_in_a, dt.date(YEAR, 2, 1), completed_on=dt.date(YEAR, 1, 30))
    make_goal(world.member_in_a, dt.date(YEAR, 3, 1), measure="number", target="4", current="3")
    # Due 1 April, running since 1 January with nothing done by 31 March: 90 of its 91 days were due.
    make_goal(world.member_in_a, dt.date(YEAR, 4, 1))
    make_goal(
        world.member_in_a, dt.date(YEAR, 7, 1), start_on=dt.date(YEAR, 4, 2)
    )  # begins in Q2: not counted
    make_goal(world.member_in_a, dt.date(YEAR, 3, 2), cancelled=True)  # cancelled: not counted
    counts = _save(
        world,
        [
            {"member_id": world.member_in_a.pk, "rating": "excellent", "judgement": "表现突出"},
            {"member_id": other.pk, "rating": "pass"},
        ],
    )
    assert counts == {"created": 2, "updated": 0}
    mine = MemberRating.objects.get(member=world.member_in_a)
    assert mine.achievement == Decimal("58.33")  # (1 + 0.75 + 0) / 3
    assert (mine.rating, mine.judgement, mine.rated_by) == ("excellent", "表现突出", world.secretary_a)
    assert MemberRating.objects.get(member=other).achievement is None  # no goal due
    assert (
        AuditEvent.objects.filter(object_type="member_assessment.memberrating", action="create").count() == 2
    )


def test_the_sheet_lists_members_with_achievement_and_suggestion(world: World) -> None:
    make_goal(world.member_in_a, dt.date(YEAR, 2, 1), completed_on=dt.date(YEAR, 1, 30))
    applicant = make_member(world.branch_a, "申请人", category="applicant")
    rows = selectors.rating_sheet(world.branch_a, YEAR, "Q1")
    assert [r.member for r in rows] == [world.member_in_a]
    assert applicant not in [r.member for r in rows]
    assert (rows[0].achievement, rows[0].suggested, rows[0].suggested_label) == (
        Decimal("100.00"),
        "excellent",
        "优秀",
    )


def test_re_rating_updates_and_is_audited_before_and_after(world: World) -> None:
    _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}])
    counts = _save(
        world, [{"member_id": world.member_in_a.pk, "rating": "excellent"}], on=dt.date(YEAR, 4, 2)
    )
    assert counts == {"created": 0, "updated": 1}
    rating = MemberRating.objects.get(member=world.member_in_a)
    assert (rating.rating, rating.rated_on) == ("excellent", dt.date(YEAR, 4, 2))
    event = AuditEvent.objects.filter(object_type="member_assessment.memberrating", action="update").get()
    assert event.before["rating"] == "good"
    assert event.after["rating"] == "excellent"


def test_the_same_rating_again_changes_nothing(world: World) -> None:
    _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}])
    assert _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}]) == {
        "created": 0,
        "updated": 0,
    }


def test_a_row_without_a_rating_is_left_alone(world: World) -> None:
    assert _save(world, [{"member_id": world.member_in_a.pk, "rating": ""}]) == {"created": 0, "updated": 0}
    assert not MemberRating.objects.exists()


def test_it_refuses_a_member_not_in_the_branch_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        _save(
            world,
            [
                {"member_id": world.member_in_a.pk, "rating": "good"},
                {"member_id": world.member_in_b.pk, "rating": "good"},
            ],
        )
    message = error.value.message_dict[f"rating-{world.member_in_b.pk}"][0]
    assert "乙党员" in message and "不是第一党支部的党员" in message
    assert not MemberRating.objects.exists()


def test_a_member_who_joined_the_branch_after_the_period_is_refused(world: World) -> None:
    mover = make_member(world.branch_b, "调入者")
    member_services.member_transfer(
        actor=None,
        member=mover,
        kind="internal",
        transferred_on=dt.date(YEAR, 5, 1),
        to_branch=world.branch_a,
    )
    with pytest.raises(ValidationError, match="考核期末"):
        _save(world, [{"member_id": mover.pk, "rating": "good"}])
    assert _save(world, [{"member_id": mover.pk, "rating": "good"}], period="Q2", on=dt.date(YEAR, 6, 30))


def test_it_refuses_a_period_before_its_last_week(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}], on=dt.date(YEAR, 3, 24))
    assert "尚未结束" in error.value.message_dict["period"][0]
    assert "2025年3月25日" in error.value.message_dict["period"][0]
    # The first day of the last week is allowed.
    assert _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}], on=dt.date(YEAR, 3, 25))


@pytest.mark.parametrize("period", ["Q5", "M13", "X1", ""])
def test_it_refuses_a_bad_period(world: World, period: str) -> None:
    with pytest.raises(ValidationError, match="格式不正确"):
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}], period=period)


def test_it_refuses_a_bad_rating_value(world: World) -> None:
    with pytest.raises(ValidationError, match="评定等次“great”无效"):
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "great"}])


def test_it_refuses_mixing_quarters_and_months_in_a_year(world: World) -> None:
    _save(
        world, [{"member_id": world.member_in_a.pk, "rating": "good"}], period="M01", on=dt.date(YEAR, 2, 1)
    )
    with pytest.raises(ValidationError, match="不能混用"):
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}])


def test_it_refuses_a_non_branch(world: World) -> None:
    with pytest.raises(ValidationError, match="不是党支部"):
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}], branch=world.general_branch)


def test_ratings_are_locked_once_the_year_is_published(world: World) -> None:
    _save(world, [{"member_id": world.member_in_a.pk, "rating": "good"}])
    services.results_publish(
        actor=world.secretary_a, branch=world.branch_a, year=YEAR, on=dt.date(YEAR + 1, 1, 5)
    )
    with pytest.raises(ValidationError, match="已公示或确定"):
        _save(world, [{"member_id": world.member_in_a.pk, "rating": "excellent"}])
