"""MASSESS-2/3: year results from the ratings, bonuses, publication window, objections, final."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.member_assessment import selectors, services
from zhibu.member_assessment.models import MemberRating, MemberYearResult, Objection
from zhibu.member_assessment.tests.factories import YEAR, rate_all
from zhibu.members.tests.factories import make_member
from zhibu.rulebook.models import RuleValue

PUBLISHED = dt.date(YEAR + 1, 1, 10)
LAST_DAY = PUBLISHED + dt.timedelta(days=7)


@pytest.fixture
def rated(world: World) -> World:
    """member_in_a: 优秀, 良好, 良好, 合格 (mean 85.00); 丙: 合格 ×3 + 不合格 (71.25)."""
    world.third = make_member(world.branch_a, "丙党员")  # type: ignore[attr-defined]
    rate_all(
        world.secretary_a,
        world.branch_a,
        {
            world.member_in_a: ["excellent", "good", "good", "pass"],
            world.third: ["pass", "pass", "pass", "fail"],  # type: ignore[attr-defined]
        },
    )
    return world


def _result(world: World, member=None) -> MemberYearResult:
    return MemberYearResult.objects.get(member=member or world.member_in_a, year=YEAR)


def test_refresh_computes_drafts_with_their_basis(rated: World) -> None:
    counts = services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    assert counts == {"created": 2, "updated": 0}
    mine = _result(rated)
    assert (mine.mean_points, mine.total, mine.status) == (Decimal("85.00"), Decimal("85.00"), "draft")
    assert mine.basis["points"] == {"excellent": "95", "good": "85", "pass": "75", "fail": "60"}
    assert mine.basis["caps"]["bonus_quality"] == "5"
    assert mine.basis["periods"] == {"Q1": "excellent", "Q2": "good", "Q3": "good", "Q4": "pass"}
    assert _result(rated, rated.third).mean_points == Decimal("71.25")  # type: ignore[attr-defined]


def test_refresh_uses_the_points_in_force_for_the_year(rated: World) -> None:
    RuleValue.objects.create(key="massess.points_good", value="80", from_year=YEAR, reason="测试")
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    assert _result(rated).mean_points == Decimal("82.50")  # (95 + 80 + 80 + 75) / 4
    assert _result(rated).basis["points"]["good"] == "80"


def test_refresh_without_ratings_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="还没有期评结果"):
        services.results_refresh(actor=world.secretary_a, branch=world.branch_a, year=YEAR)


def test_bonuses_are_saved_for_the_branch_in_one_go(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    mine = _result(rated)
    changed = services.bonuses_save(
        actor=rated.secretary_a,
        branch=rated.branch_a,
        year=YEAR,
        rows=[
            {"result_id": mine.pk, "bonus_quality": "4.5", "bonus_teamwork": "3", "bonus_integrity": "1.25"}
        ],
    )
    assert changed == 1
    mine.refresh_from_db()
    assert mine.total == Decimal("93.75")
    assert AuditEvent.objects.filter(object_id=str(mine.pk), action="update", note="录入加分").exists()


def test_a_bonus_over_its_cap_refuses_the_whole_save(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    mine, third = _result(rated), _result(rated, rated.third)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as error:
        services.bonuses_save(
            actor=rated.secretary_a,
            branch=rated.branch_a,
            year=YEAR,
            rows=[
                {"result_id": mine.pk, "bonus_teamwork": "2"},
                {"result_id": third.pk, "bonus_integrity": "2.5"},
            ],
        )
    assert "上限2" in error.value.message_dict[f"bonus_integrity-{third.pk}"][0]
    mine.refresh_from_db()
    assert mine.bonus_teamwork == 0  # nothing saved


def test_the_quality_bonus_is_refused_below_pass_naming_the_rule(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    third = _result(rated, rated.third)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as error:
        services.bonuses_save(
            actor=rated.secretary_a,
            branch=rated.branch_a,
            year=YEAR,
            rows=[{"result_id": third.pk, "bonus_quality": "1"}],
        )
    message = error.value.message_dict[f"bonus_quality-{third.pk}"][0]
    assert "丙党员" in message and "合格" in message and "模板§三.2" in message
    # The other bonuses stay open to them.
    services.bonuses_save(
        actor=rated.secretary_a,
        branch=rated.branch_a,
        year=YEAR,
        rows=[{"result_id": third.pk, "bonus_teamwork": "3"}],
    )
    third.refresh_from_db()
    assert third.total == Decimal("74.25")


def test_a_result_of_another_branch_is_refused(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    with pytest.raises(ValidationError, match="不属于第二党支部"):
        services.bonuses_save(
            actor=rated.secretary_a, branch=rated.branch_b, year=YEAR, rows=[{"result_id": _result(rated).pk}]
        )


def test_refresh_keeps_bonuses_and_resets_a_quality_bonus_no_longer_allowed(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    mine = _result(rated)
    services.bonuses_save(
        actor=rated.secretary_a,
        branch=rated.branch_a,
        year=YEAR,
        rows=[{"result_id": mine.pk, "bonus_quality": "2", "bonus_teamwork": "1"}],
    )
    MemberRating.objects.filter(member=rated.member_in_a).update(rating="fail")
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    mine.refresh_from_db()
    assert (mine.bonus_quality, mine.bonus_teamwork, mine.total) == (Decimal(0), Decimal(1), Decimal("61.00"))
    assert AuditEvent.objects.filter(object_id=str(mine.pk), note__contains="完成质量加分清零").exists()


# --- publication ---------------------------------------------------------------------------------


def _publish(world: World) -> None:
    services.results_publish(actor=world.secretary_a, branch=world.branch_a, year=YEAR, on=PUBLISHED)


def test_publish_sets_the_window_in_calendar_days(rated: World) -> None:
    _publish(rated)
    mine = _result(rated)
    assert (mine.status, mine.published_on, mine.objection_until) == ("published", PUBLISHED, LAST_DAY)
    assert AuditEvent.objects.filter(object_id=str(mine.pk), action="status").exists()


def test_publication_days_come_from_the_rules(rated: World) -> None:
    RuleValue.objects.create(key="massess.publication_days", value="5", from_year=YEAR, reason="测试")
    _publish(rated)
    assert _result(rated).objection_until == PUBLISHED + dt.timedelta(days=5)


def test_publishing_twice_is_refused(rated: World) -> None:
    _publish(rated)
    with pytest.raises(ValidationError, match="已公示或确定"):
        _publish(rated)


def test_the_published_list_is_visible_only_during_the_window(rated: World) -> None:
    _publish(rated)
    names = [r.member.name for r in selectors.published_list(rated.branch_a.pk, YEAR, LAST_DAY)]
    assert names == ["甲党员", "丙党员"]  # best first
    assert list(selectors.published_list(rated.branch_a.pk, YEAR, LAST_DAY + dt.timedelta(days=1))) == []
    assert list(selectors.published_list(rated.branch_a.pk, YEAR, PUBLISHED - dt.timedelta(days=1))) == []
    assert list(selectors.published_list(rated.branch_b.pk, YEAR, LAST_DAY)) == []


def test_an_objection_on_the_last_day_is_accepted(rated: World) -> None:
    _publish(rated)
    objection = services.objection_raise(
        actor=rated.member_a, result=_result(rated), text="Q4应为良好", on=LAST_DAY
    )
    assert (objection.outcome, objection.raised_by, objection.raised_on) == (
        "pending",
        rated.member_a,
        LAST_DAY,
    )


def test_an_objection_the_next_day_is_refused(rated: World) -> None:
    _publish(rated)
    with pytest.raises(ValidationError, match="公示期已于2026年1月17日结束"):
        services.objection_raise(
            actor=rated.member_a, result=_result(rated), text="晚了", on=LAST_DAY + dt.timedelta(days=1)
        )
    assert not Objection.objects.exists()


def test_an_objection_about_a_draft_is_refused(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    with pytest.raises(ValidationError, match="不在公示期"):
        services.objection_raise(actor=rated.member_a, result=_result(rated), text="异议", on=PUBLISHED)


def test_an_objection_about_another_branch_is_refused(rated: World) -> None:
    _publish(rated)
    make_member(rated.branch_b, "丁党员")
    from zhibu.accounts.models import User

    outsider_member = User.objects.create_user(username="b_member", password="x", member=rated.member_in_b)
    with pytest.raises(ValidationError, match="本人所在党支部"):
        services.objection_raise(actor=outsider_member, result=_result(rated), text="异议", on=PUBLISHED)


def test_an_objection_needs_text(rated: World) -> None:
    _publish(rated)
    with pytest.raises(ValidationError, match="异议内容必须填写"):
        services.objection_raise(actor=rated.member_a, result=_result(rated), text="  ", on=PUBLISHED)


def test_an_upheld_objection_corrects_ratings_and_bonuses_and_recomputes(rated: World) -> None:
    _publish(rated)
    mine = _result(rated)
    objection = services.objection_raise(actor=rated.member_a, result=mine, text="Q4应为良好", on=PUBLISHED)
    services.objection_answer(
        actor=rated.secretary_a,
        objection=objection,
        outcome="upheld",
        response="经核实，Q4更正为良好",
        ratings={"Q4": "good"},
        bonuses={"bonus_teamwork": "2"},
        on=PUBLISHED,
    )
    mine.refresh_from_db()
    assert mine.mean_points == Decimal("87.50")  # (95 + 85 × 3) / 4
    assert mine.total == Decimal("89.50")
    assert mine.status == "published"
    assert MemberRating.objects.get(member=rated.member_in_a, period="Q4").rating == "good"
    objection.refresh_from_db()
    assert (objection.outcome, objection.answered_by) == ("upheld", rated.secretary_a)


def test_a_rejected_objection_needs_a_response(rated: World) -> None:
    _publish(rated)
    objection = services.objection_raise(
        actor=rated.member_a, result=_result(rated), text="异议", on=PUBLISHED
    )
    with pytest.raises(ValidationError, match="答复必须填写"):
        services.objection_answer(
            actor=rated.secretary_a, objection=objection, outcome="rejected", response=""
        )
    services.objection_answer(
        actor=rated.secretary_a, objection=objection, outcome="rejected", response="评定有据"
    )
    objection.refresh_from_db()
    assert objection.outcome == "rejected"
    with pytest.raises(ValidationError, match="已答复"):
        services.objection_answer(
            actor=rated.secretary_a, objection=objection, outcome="rejected", response="再答"
        )


def test_an_upheld_correction_is_still_bound_by_the_caps(rated: World) -> None:
    _publish(rated)
    objection = services.objection_raise(
        actor=rated.member_a, result=_result(rated), text="异议", on=PUBLISHED
    )
    with pytest.raises(ValidationError, match="上限"):
        services.objection_answer(
            actor=rated.secretary_a,
            objection=objection,
            outcome="upheld",
            response="更正",
            bonuses={"bonus_integrity": "3"},
        )
    objection.refresh_from_db()
    assert objection.outcome == "pending"


def test_finalise_waits_for_the_end_of_the_window(rated: World) -> None:
    _publish(rated)
    with pytest.raises(ValidationError, match="公示期结束后"):
        services.results_finalise(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=LAST_DAY)
    assert (
        services.results_finalise(
            actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=LAST_DAY + dt.timedelta(days=1)
        )
        == 2
    )
    mine = _result(rated)
    assert (mine.status, mine.finalised_on) == ("final", LAST_DAY + dt.timedelta(days=1))


def test_finalise_waits_for_every_objection_to_be_answered(rated: World) -> None:
    _publish(rated)
    objection = services.objection_raise(
        actor=rated.member_a, result=_result(rated), text="异议", on=PUBLISHED
    )
    after = LAST_DAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="1条异议未答复"):
        services.results_finalise(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=after)
    services.objection_answer(
        actor=rated.secretary_a, objection=objection, outcome="rejected", response="评定有据", on=after
    )
    assert services.results_finalise(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=after) == 2


def test_finalise_without_publication_is_refused(rated: World) -> None:
    services.results_refresh(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR)
    with pytest.raises(ValidationError, match="没有公示中的"):
        services.results_finalise(actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=LAST_DAY)


def test_recommendation_only_on_final_results(rated: World) -> None:
    _publish(rated)
    with pytest.raises(ValidationError, match="尚未确定"):
        services.result_recommend(actor=rated.secretary_a, result=_result(rated), recommended=True)
    services.results_finalise(
        actor=rated.secretary_a, branch=rated.branch_a, year=YEAR, on=LAST_DAY + dt.timedelta(days=1)
    )
    services.result_recommend(actor=rated.secretary_a, result=_result(rated), recommended=True)
    assert _result(rated).recommended_outstanding is True
    candidates = selectors.outstanding_candidates(rated.branch_a, YEAR)
    assert [c.member.name for c in candidates] == ["甲党员", "丙党员"]
