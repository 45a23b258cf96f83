"""MASSESS-4 with RULES §E: 民主评议党员 — entries, the one-third cap, probationary members, the
不合格 deadline, tallies, participation and closing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.member_assessment import selectors, services
from zhibu.member_assessment.models import MemberReview, MemberReviewEntry
from zhibu.members.tests.factories import make_member

YEAR = 2025
HELD = dt.date(2026, 1, 15)


def _open(world: World, *, held_on: dt.date = HELD) -> MemberReview:
    return services.review_open(actor=world.secretary_a, branch=world.branch_a, year=YEAR, held_on=held_on)


def _entries(review: MemberReview) -> list[MemberReviewEntry]:
    return selectors.review_entries(review)


def _save(world: World, review: MemberReview, rows: dict, voters: int | None = None) -> int:
    return services.review_entries_save(actor=world.secretary_a, review=review, rows=rows, voters=voters)


def _branch_of(world: World, size: int) -> MemberReview:
    """Branch A with `size` full members in all (member_in_a included)."""
    for n in range(size - 1):
        make_member(world.branch_a, f"党员{n:02d}")
    return _open(world)


def test_open_creates_one_entry_per_member_on_the_date_with_probationers_marked(world: World) -> None:
    probationer = make_member(
        world.branch_a, "预备党员甲", category="probationary", joined_on=dt.date(2025, 7, 1)
    )
    make_member(world.branch_a, "积极分子", category="activist")
    later = make_member(
        world.branch_a, "新党员", joined_on=dt.date(2026, 3, 1), converted_on=None, category="probationary"
    )
    review = _open(world)
    by_member = {e.member: e for e in _entries(review)}
    assert set(by_member) == {world.member_in_a, probationer}
    assert later not in by_member
    assert by_member[probationer].is_probationary is True
    assert by_member[world.member_in_a].is_probationary is False
    event = AuditEvent.objects.get(object_type="member_assessment.memberreview", action="create")
    assert event.after["entries"] == 2


def test_one_round_per_branch_and_year(world: World) -> None:
    _open(world)
    with pytest.raises(ValidationError, match="每个党支部每年一次"):
        _open(world, held_on=dt.date(2025, 12, 20))


def test_the_date_must_belong_to_the_year_or_the_start_of_the_next(world: World) -> None:
    with pytest.raises(ValidationError, match="应在2025年或2026年"):
        _open(world, held_on=dt.date(2027, 1, 5))


def test_probationary_members_are_not_rated(world: World) -> None:
    make_member(world.branch_a, "预备党员甲", category="probationary", joined_on=dt.date(2025, 7, 1))
    review = _open(world)
    entry = next(e for e in _entries(review) if e.is_probationary)
    with pytest.raises(ValidationError) as error:
        _save(world, review, {entry.pk: {"grade": "pass", "participated": True}})
    assert "规则 E-4" in error.value.message_dict[f"grade-{entry.pk}"][0]
    entry.refresh_from_db()
    assert (entry.grade, entry.participated) == ("", False)  # nothing saved
    assert _save(world, review, {entry.pk: {"participated": True, "self_evaluation": "努力学习"}}) == 1


@pytest.mark.parametrize(("rated", "cap"), [(3, 1), (9, 3), (10, 3), (11, 3)])
def test_excellent_is_capped_at_one_third_of_the_rated(world: World, rated: int, cap: int) -> None:
    # A probationer does not count toward the members rated.
    make_member(world.branch_a, "预备党员甲", category="probationary", joined_on=dt.date(2025, 7, 1))
    review = _branch_of(world, rated)
    ratable = [e for e in _entries(review) if not e.is_probationary]
    assert len(ratable) == rated
    allowed = {e.pk: {"grade": "excellent"} for e in ratable[:cap]}
    assert _save(world, review, allowed) == cap
    one_more = {ratable[cap].pk: {"grade": "excellent"}}
    with pytest.raises(ValidationError) as error:
        _save(world, review, one_more)
    message = error.value.message_dict["grade"][0]
    assert f"上限{cap}人" in message and f"参评党员{rated}人" in message and "规则 E-2" in message
    ratable[cap].refresh_from_db()
    assert ratable[cap].grade == ""


def test_the_cap_follows_the_rules_setting(world: World) -> None:
    from zhibu.rulebook.models import RuleValue

    RuleValue.objects.create(key="review.excellent_max_denominator", value="5", from_year=YEAR, reason="测试")
    review = _branch_of(world, 9)
    ratable = _entries(review)
    with pytest.raises(ValidationError, match="上限1人"):
        _save(world, review, {e.pk: {"grade": "excellent"} for e in ratable[:2]})


def test_fail_needs_measures_and_a_deadline(world: World) -> None:
    review = _open(world)
    entry = _entries(review)[0]
    with pytest.raises(ValidationError) as error:
        _save(world, review, {entry.pk: {"grade": "fail"}})
    problems = error.value.message_dict
    assert "帮教和改正措施" in problems[f"correction_measures-{entry.pk}"][0]
    assert "限期改正截止日期" in problems[f"correction_deadline-{entry.pk}"][0]


@pytest.mark.parametrize(
    ("deadline", "accepted"),
    [
        (HELD, False),  # must be after the review
        (HELD + dt.timedelta(days=1), True),
        (dt.date(2027, 1, 15), True),  # exactly 12 months later
        (dt.date(2027, 1, 16), False),  # a day more
    ],
)
def test_the_fail_deadline_bounds(world: World, deadline: dt.date, accepted: bool) -> None:
    review = _open(world)
    entry = _entries(review)[0]
    row = {entry.pk: {"grade": "fail", "correction_measures": "结对帮教", "correction_deadline": deadline}}
    if accepted:
        _save(world, review, row)
        entry.refresh_from_db()
        assert entry.correction_deadline == deadline
    else:
        with pytest.raises(ValidationError) as error:
            _save(world, review, row)
        assert f"correction_deadline-{entry.pk}" in error.value.message_dict


def test_a_deadline_in_text_is_parsed_or_refused(world: World) -> None:
    review = _open(world)
    entry = _entries(review)[0]
    with pytest.raises(ValidationError, match="格式应为"):
        _save(
            world,
            review,
            {entry.pk: {"grade": "fail", "correction_measures": "帮教", "correction_deadline": "明年"}},
        )
    _save(
        world,
        review,
        {entry.pk: {"grade": "fail", "correction_measures": "帮教", "correction_deadline": "2026-06-30"}},
    )
    entry.refresh_from_db()
    assert entry.correction_deadline == dt.date(2026, 6, 30)


def test_a_deadline_is_dropped_when_the_grade_is_not_fail(world: World) -> None:
    review = _open(world)
    entry = _entries(review)[0]
    _save(
        world,
        review,
        {entry.pk: {"grade": "fail", "correction_measures": "帮教", "correction_deadline": "2026-06-30"}},
    )
    _save(world, review, {entry.pk: {"grade": "pass"}})
    entry.refresh_from_db()
    assert (entry.grade, entry.correction_deadline, entry.correction_measures) == ("pass", None, "")


def test_tallies_are_not_negative_and_sum_to_at_most_the_voters(world: World) -> None:
    review = _open(world)
    entry = _entries(review)[0]
    with pytest.raises(ValidationError, match="不能小于0"):
        _save(world, review, {entry.pk: {"votes_pass": "-1"}}, voters=5)
    with pytest.raises(ValidationError, match="应为整数"):
        _save(world, review, {entry.pk: {"votes_pass": "两"}}, voters=5)
    with pytest.raises(ValidationError, match="合计6张，超过参加测评人数5人"):
        _save(world, review, {entry.pk: {"votes_excellent": 3, "votes_pass": 3}}, voters=5)
    _save(world, review, {entry.pk: {"votes_excellent": 2, "votes_pass": 3}}, voters=5)
    review.refresh_from_db()
    entry.refresh_from_db()
    assert (review.voters, entry.votes_excellent, entry.votes_pass) == (5, 2, 3)


def test_participation_rate(world: World) -> None:
    make_member(world.branch_a, "丙党员")
    make_member(world.branch_a, "丁党员")
    review = _open(world)
    entries = _entries(review)
    _save(world, review, {entries[0].pk: {"participated": True}, entries[1].pk: {"participated": True}})
    summary = selectors.review_summary(review)
    assert (summary.entries, summary.participated, summary.rate) == (3, 2, Decimal("66.67"))


def test_close_needs_every_rated_member_graded(world: World) -> None:
    make_member(world.branch_a, "预备党员甲", category="probationary", joined_on=dt.date(2025, 7, 1))
    make_member(world.branch_a, "丙党员")
    review = _open(world)
    full = [e for e in _entries(review) if not e.is_probationary]
    _save(world, review, {full[0].pk: {"grade": "pass"}})
    with pytest.raises(ValidationError, match="尚未评定等次"):
        services.review_close(actor=world.secretary_a, review=review, on=HELD)
    _save(world, review, {full[1].pk: {"grade": "basic_pass"}})
    services.review_close(actor=world.secretary_a, review=review, on=HELD)
    review.refresh_from_db()
    assert (review.status, review.closed_on) == ("closed", HELD)
    with pytest.raises(ValidationError, match="已完成"):
        _save(world, review, {full[0].pk: {"grade": "excellent"}})


def test_a_member_writes_their_own_self_evaluation_while_open(world: World) -> None:
    make_member(world.branch_a, "丙党员")
    review = _open(world)
    mine = next(e for e in _entries(review) if e.member == world.member_in_a)
    other = next(e for e in _entries(review) if e.member != world.member_in_a)
    services.review_self_evaluation_save(actor=world.member_a, entry=mine, text="认真履职")
    mine.refresh_from_db()
    assert mine.self_evaluation == "认真履职"
    with pytest.raises(ValidationError, match="只能填写本人"):
        services.review_self_evaluation_save(actor=world.member_a, entry=other, text="代写")
    with pytest.raises(ValidationError, match="必须填写"):
        services.review_self_evaluation_save(actor=world.member_a, entry=mine, text=" ")
    _save(world, review, {mine.pk: {"grade": "pass"}, other.pk: {"grade": "pass"}})
    services.review_close(actor=world.secretary_a, review=review, on=HELD)
    mine = MemberReviewEntry.objects.select_related("review").get(pk=mine.pk)
    with pytest.raises(ValidationError, match="已完成"):
        services.review_self_evaluation_save(actor=world.member_a, entry=mine, text="补充")


def test_an_entry_of_another_round_is_refused(world: World) -> None:
    review = _open(world)
    with pytest.raises(ValidationError, match="不属于本次民主评议"):
        _save(world, review, {999999: {"grade": "pass"}})
