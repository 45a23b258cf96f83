"""The compliance figures against the exact definitions of SPEC §8 (contract review R1), computed
from records through `load_years`, the base of `assessment_proposals` (§13)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.meetings.compliance import State, full_member_counts, load_years
from zhibu.meetings.models import Kind
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members import services as member_services
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services as org_services
from zhibu.orgs.tests.factories import make_org

D = dt.date


SPRING_2026 = D(2026, 3, 1)


def year_of(branch: Any, year: int = 2025, on: dt.date = SPRING_2026) -> Any:
    return load_years([branch], year=year, on=on)[0]


def record(org: Any, kind: str, held_on: dt.date, absences: dict[Any, Absence] | None = None) -> None:
    meeting_record(
        actor=None,
        organisation=org,
        kind=kind,
        held_on=held_on,
        topic=f"{kind}{held_on}",
        exceptions={member.pk: absence for member, absence in (absences or {}).items()},
    )


def test_seven_full_members_owe_a_committee_meeting_every_month_without_any_committee_record(
    world: Any,
) -> None:
    branch = make_org("S7", "branch", world.committee, name="七人党支部")
    for index in range(7):
        make_member(branch, f"正式{index}")
    record(branch, Kind.COMMITTEE_MEETING, D(2025, 3, 5))
    year = year_of(branch)
    assert year.missing(Kind.COMMITTEE_MEETING) == 11
    assert states_of(year, Kind.COMMITTEE_MEETING)[2] == State.MET


def test_fewer_than_seven_full_members_owe_none_even_with_a_committee_record(world: Any) -> None:
    branch = make_org("S6", "branch", world.committee, name="六人党支部")
    for index in range(6):
        make_member(branch, f"正式{index}")
    for index in range(3):  # probationary members and activists are not full members
        make_member(branch, f"预备{index}", category="probationary", joined_on=D(2024, 12, 1))
        make_member(branch, f"积极分子{index}", category="activist")
    org_services.committee_elect(actor=None, organisation=branch, elected_on=D(2024, 1, 1))
    year = year_of(branch)
    assert year.missing(Kind.COMMITTEE_MEETING) == 0 and not year.has_committee
    assert set(states_of(year, Kind.COMMITTEE_MEETING)) == {State.NOT_APPLICABLE}


def test_full_members_are_counted_on_each_months_first_day_from_the_history(world: Any) -> None:
    branch = make_org("H", "branch", world.committee, name="变动党支部")
    stay = [make_member(branch, f"正式{index}") for index in range(5)]
    leaver = make_member(branch, "调出者")
    converting = make_member(branch, "转正者", category="probationary", joined_on=D(2024, 5, 1))
    make_member(branch, "新调入", start_on=D(2025, 9, 20))
    # the leaver moves to B on 10 April; the probationary member is converted on 1 May 2025
    member_services.member_update(
        actor=None, member=leaver, branch=world.branch_b, effective_on=D(2025, 4, 10)
    )
    member_services.member_update(actor=None, member=converting, category="full", converted_on=D(2025, 5, 1),
                                  effective_on=D(2025, 5, 1))  # fmt: skip
    counts = full_member_counts([branch.pk, world.branch_b.pk], year=2025)[branch.pk]
    #            Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
    assert counts == (6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7)
    assert len(stay) == 5
    year = year_of(branch)
    assert states_of(year, Kind.COMMITTEE_MEETING)[8:] == [State.NOT_APPLICABLE] + [State.MISSING] * 3


def states_of(year: Any, kind: str) -> list[State]:
    return [cell.state for cell in year.row(kind).cells]


def test_attendance_is_one_pooled_ratio_of_general_group_meetings_and_lessons(world: Any) -> None:
    a = world.branch_a
    first = world.member_in_a  # in group A1
    others = [make_member(a, f"党员{index}") for index in range(9)]  # 10 members in all
    make_member(a, "积极分子", category="activist")  # never expected
    # 党员大会: 10 expected, 1 on leave (made up), 1 absent → 8 present
    made_up = Absence("on_leave", makeup_on=D(2025, 3, 9))
    record(a, Kind.GENERAL_MEETING, D(2025, 3, 1), {others[0]: made_up, others[1]: Absence("absent")})
    # 党小组会 of A1: only 甲 expected, absent → 0 of 1
    record(world.group_a1, Kind.GROUP_MEETING, D(2025, 4, 1), absences={first: Absence("absent")})
    # 党课: 10 expected, all present
    record(a, Kind.PARTY_LESSON, D(2025, 5, 1))
    # not counted: 支委会, 主题党日, and anything dated after 31 December
    record(a, Kind.THEME_DAY, D(2025, 6, 1), absences={m: Absence("absent") for m in others})
    record(a, Kind.GENERAL_MEETING, D(2026, 1, 2), absences={m: Absence("absent") for m in others})
    year = year_of(a)
    assert (year.attendance.part, year.attendance.whole) == (18, 21)
    # the pooled ratio 18/21 = 85.71%, not the mean of 80%, 0% and 100% (60%)
    assert year.attendance.percent == Decimal("85.71")
    assert isinstance(year.attendance.percent, Decimal)
    # absences without make-up at those meetings: others[1] and 甲 (the theme day does not count)
    assert year.absences_without_makeup == 2


def test_a_makeup_dated_after_31_december_does_not_count_whenever_computed(world: Any) -> None:
    a = world.branch_a
    late = make_member(a, "晚补课")
    record(
        a, Kind.PARTY_LESSON, D(2025, 12, 20), absences={late: Absence("on_leave", makeup_on=D(2026, 1, 5))}
    )
    for on in (D(2026, 1, 10), D(2026, 11, 1)):
        assert year_of(a, on=on).absences_without_makeup == 1


def test_member_review_participation_is_pooled_over_the_years_review_meetings(world: Any) -> None:
    a = world.branch_a
    others = [make_member(a, f"党员{index}") for index in range(3)]  # 4 members
    record(a, Kind.MEMBER_REVIEW, D(2025, 12, 1), absences={others[0]: Absence("absent")})
    record(a, Kind.MEMBER_REVIEW, D(2025, 12, 8))
    year = year_of(a)
    assert (year.review_participation.part, year.review_participation.whole) == (7, 8)
    assert year.review_participation.percent == Decimal("87.50")


def test_any_year_and_any_branch_can_be_computed(world: Any) -> None:
    empty = make_org("E", "branch", world.committee, name="空支部")
    for year in (2019, 2025, 2026):
        result = load_years([empty, world.branch_a], year=year, on=D(2026, 11, 25))
        assert [y.branch.code for y in result] == ["E", "A"]
        assert result[0].attendance.percent is None and result[0].absences_without_makeup == 0
    past = year_of(empty, year=2019)
    assert past.missing(Kind.GENERAL_MEETING) == 4 and past.missing(Kind.PARTY_LESSON) == 4
