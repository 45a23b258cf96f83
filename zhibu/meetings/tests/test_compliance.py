"""The compliance calendar (ACT-3; RULES A-5…A-9; SPEC §8 definitions): the pure arithmetic at
month, quarter and year boundaries, the pooled attendance rate, and the queries feeding it."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from zhibu.meetings.compliance import (
    BranchFacts,
    GroupFact,
    MeetingFact,
    State,
    branch_year,
    has_committee,
    load_years,
    month_bounds,
    percent,
    quarter_bounds,
    quarter_of,
)
from zhibu.meetings.models import Kind
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services as org_services
from zhibu.orgs.tests.factories import make_org

D = dt.date
END_OF_2025 = D(2026, 1, 15)  # a day after the year assessed: every period has ended
_ids = iter(range(1, 100000))


def fact(kind: str, held_on: dt.date, org: int = 1, expected: int = 0, present: int = 0, unexcused: int = 0):
    return MeetingFact(next(_ids), kind, held_on, org, "主题", expected, present, unexcused)


def calendar(*meetings: MeetingFact, on: dt.date = END_OF_2025, year: int = 2025, **facts: Any):
    return branch_year(BranchFacts(pk=1, name="第一党支部", meetings=meetings, **facts), year=year, on=on)


def states(row: Any) -> list[State]:
    return [cell.state for cell in row.cells]


# --- calendar arithmetic ---------------------------------------------------------------------------


def test_month_and_quarter_bounds_include_leap_days() -> None:
    assert month_bounds(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_bounds(2025, 2) == (D(2025, 2, 1), D(2025, 2, 28))
    assert month_bounds(2025, 12) == (D(2025, 12, 1), D(2025, 12, 31))
    assert quarter_bounds(2025, 1) == (D(2025, 1, 1), D(2025, 3, 31))
    assert quarter_bounds(2025, 4) == (D(2025, 10, 1), D(2025, 12, 31))
    assert [quarter_of(D(2025, 3, 31)), quarter_of(D(2025, 4, 1))] == [1, 2]


def test_a_meeting_on_31_march_counts_for_march_and_q1_and_on_1_april_for_april_and_q2() -> None:
    year = calendar(
        fact(Kind.THEME_DAY, D(2025, 3, 31)),
        fact(Kind.GENERAL_MEETING, D(2025, 3, 31)),
        fact(Kind.PARTY_LESSON, D(2025, 4, 1)),
    )
    theme_day = states(year.row(Kind.THEME_DAY))
    assert theme_day[2] == State.MET and theme_day[3] == State.MISSING
    assert states(year.row(Kind.GENERAL_MEETING)) == [State.MET, *[State.MISSING] * 3]
    assert states(year.row(Kind.PARTY_LESSON)) == [State.MISSING, State.MET, State.MISSING, State.MISSING]


def test_records_dated_after_31_december_never_count_for_the_year() -> None:
    on_new_years_day = fact(Kind.GENERAL_MEETING, D(2026, 1, 1))
    year = calendar(fact(Kind.GENERAL_MEETING, D(2025, 12, 31)), on_new_years_day, on=D(2026, 6, 1))
    assert states(year.row(Kind.GENERAL_MEETING))[3] == State.MET
    assert year.row(Kind.GENERAL_MEETING).count == 1
    late_only = calendar(on_new_years_day, fact(Kind.ORGANISATIONAL_LIFE_MEETING, D(2026, 1, 2)))
    assert states(late_only.row(Kind.GENERAL_MEETING))[3] == State.MISSING
    assert states(late_only.row(Kind.ORGANISATIONAL_LIFE_MEETING)) == [State.MISSING]


def test_a_leap_day_meeting_is_in_february() -> None:
    year = calendar(fact(Kind.THEME_DAY, D(2024, 2, 29)), year=2024, on=D(2025, 1, 1))
    assert states(year.row(Kind.THEME_DAY))[1] == State.MET
    assert states(year.row(Kind.THEME_DAY))[2] == State.MISSING


def test_periods_not_yet_ended_are_running_or_not_due_never_missing() -> None:
    on = D(2025, 4, 1)  # the first day of Q2: Q1 has ended, April is running
    year = calendar(on=on)
    theme_day = states(year.row(Kind.THEME_DAY))
    assert theme_day[:3] == [State.MISSING] * 3
    assert theme_day[3] == State.CURRENT
    assert theme_day[4:] == [State.FUTURE] * 8
    assert states(year.row(Kind.GENERAL_MEETING)) == [
        State.MISSING,
        State.CURRENT,
        State.FUTURE,
        State.FUTURE,
    ]
    assert states(year.row(Kind.ORGANISATIONAL_LIFE_MEETING)) == [State.CURRENT]
    # on 31 March the quarter is still running
    assert states(calendar(on=D(2025, 3, 31)).row(Kind.GENERAL_MEETING))[0] == State.CURRENT
    # and on 31 December the year is too; on 1 January it has ended
    assert states(calendar(on=D(2025, 12, 31)).row(Kind.FEATURED_ACTIVITY)) == [State.CURRENT]
    assert states(calendar(on=D(2026, 1, 1)).row(Kind.FEATURED_ACTIVITY)) == [State.MISSING]


def test_a_meeting_met_in_the_running_month_is_met() -> None:
    year = calendar(fact(Kind.THEME_DAY, D(2025, 4, 1)), on=D(2025, 4, 1))
    assert states(year.row(Kind.THEME_DAY))[3] == State.MET


def test_no_committee_means_no_committee_meeting_is_required() -> None:
    year = calendar()
    row = year.row(Kind.COMMITTEE_MEETING)
    assert states(row) == [State.NOT_APPLICABLE] * 12
    assert row.missing == 0 and not year.has_committee
    assert "A-2" in row.note


def test_a_branch_reaching_seven_full_members_mid_year_owes_committee_meetings_from_the_next_month() -> None:
    assert has_committee(7) and not has_committee(6) and has_committee(5, required_from=5)
    growing = (6,) * 6 + (7,) * 6  # 7 full members on 1 July, not on 1 June
    year = calendar(fact(Kind.COMMITTEE_MEETING, D(2025, 8, 5)), full_members=growing)
    assert states(year.row(Kind.COMMITTEE_MEETING)) == [
        *[State.NOT_APPLICABLE] * 6,  # January to June: fewer than 7 full members on the 1st
        State.MISSING,
        State.MET,
        *[State.MISSING] * 4,
    ]
    assert year.missing(Kind.COMMITTEE_MEETING) == 5
    assert "规则 A-2" in year.row(Kind.COMMITTEE_MEETING).note
    always = calendar(full_members=(7,) * 12)
    assert year.has_committee and always.missing(Kind.COMMITTEE_MEETING) == 12
    assert always.row(Kind.COMMITTEE_MEETING).note == ""
    # the threshold is the year's setting (RULES A-2 via `committee.required_from_full_members`)
    small = branch_year(BranchFacts(pk=1, name="小支部", full_members=(5,) * 12), year=2025,
                        on=END_OF_2025, committee_from_full_members=5)  # fmt: skip
    assert small.missing(Kind.COMMITTEE_MEETING) == 12


def test_each_group_owes_its_own_group_meeting() -> None:
    groups = (GroupFact(7, "第一党小组"), GroupFact(8, "第二党小组", founded_on=D(2025, 11, 20)))
    year = calendar(fact(Kind.GROUP_MEETING, D(2025, 1, 9), org=7), groups=groups)
    first, second = [row for row in year.monthly if row.kind == Kind.GROUP_MEETING]
    assert first.title == "党小组会（第一党小组）"
    assert states(first)[:2] == [State.MET, State.MISSING]
    assert states(second) == [*[State.NOT_APPLICABLE] * 11, State.MISSING]
    assert year.missing(Kind.GROUP_MEETING) == 11 + 1


def test_yearly_requirements_and_two_featured_activities() -> None:
    one = calendar(fact(Kind.FEATURED_ACTIVITY, D(2025, 5, 1)), fact(Kind.HEART_TO_HEART_TALK, D(2025, 7, 1)))
    assert states(one.row(Kind.FEATURED_ACTIVITY)) == [State.MISSING]
    assert one.row(Kind.FEATURED_ACTIVITY).count == 1
    assert states(one.row(Kind.HEART_TO_HEART_TALK)) == [State.MET]
    for kind in (Kind.MEMBER_REVIEW, Kind.DEMOCRATIC_LIFE_MEETING, Kind.WARNING_EDUCATION):
        assert states(one.row(kind)) == [State.MISSING]
    two = calendar(fact(Kind.FEATURED_ACTIVITY, D(2025, 5, 1)), fact(Kind.FEATURED_ACTIVITY, D(2025, 9, 1)))
    assert states(two.row(Kind.FEATURED_ACTIVITY)) == [State.MET]
    assert two.row(Kind.FEATURED_ACTIVITY).cells[0].label == "✓2"


def test_attendance_is_one_pooled_ratio_not_a_mean_of_ratios() -> None:
    # 1/2 present and 90/100 present: the mean of ratios is 70.00%, the pooled ratio 91/102.
    year = calendar(
        fact(Kind.GENERAL_MEETING, D(2025, 2, 1), expected=2, present=1, unexcused=1),
        fact(Kind.PARTY_LESSON, D(2025, 3, 1), expected=100, present=90, unexcused=4),
        fact(Kind.THEME_DAY, D(2025, 3, 2), expected=50, present=0, unexcused=50),  # not counted
        fact(Kind.MEMBER_REVIEW, D(2025, 12, 1), expected=10, present=9),
        fact(Kind.MEMBER_REVIEW, D(2025, 12, 8), expected=1, present=1),
    )
    assert (year.attendance.part, year.attendance.whole) == (91, 102)
    assert year.attendance.percent == Decimal("89.22")
    assert year.attendance_low
    assert year.absences_without_makeup == 5
    assert year.review_participation.percent == Decimal("90.91")  # 10/11, not (90% + 100%) / 2


def test_percentages_round_half_up_to_two_places() -> None:
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 1600) == Decimal("0.06")  # 0.0625 → 0.06; 0.00625 would be 0.01
    assert percent(1, 16000) == Decimal("0.01")  # 0.00625 half-up
    assert percent(0, 0) is None


# --- the queries feeding it -------------------------------------------------------------------------


def test_the_facts_come_from_the_meetings_and_attendance(world: Any) -> None:
    a = world.branch_a
    second = make_member(a, "乙", group=world.group_a1)
    third = make_member(a, "丙")
    meeting_record(
        actor=None,
        organisation=a,
        kind=Kind.GENERAL_MEETING,
        held_on=D(2025, 3, 31),
        topic="一季度党员大会",
        exceptions={second.pk: Absence("on_leave", "出差", makeup_on=D(2025, 4, 2))},
    )
    meeting_record(
        actor=None,
        organisation=world.group_a1,
        kind=Kind.GROUP_MEETING,
        held_on=D(2025, 12, 31),
        topic="小组学习",
        exceptions={second.pk: Absence("absent", makeup_on=D(2026, 1, 3))},  # made up too late
    )
    meeting_record(
        actor=None,
        organisation=a,
        kind=Kind.PARTY_LESSON,
        held_on=D(2026, 1, 1),
        topic="新年党课",
        exceptions={third.pk: Absence("absent")},
    )
    meeting_record(actor=None, organisation=world.branch_b, kind=Kind.PARTY_LESSON, held_on=D(2025, 5, 5),
                   topic="B的党课")  # fmt: skip
    # a committee record alone does not make 支委会 owed: 7 full members do (SPEC §8, RULES A-2),
    # and A (甲, 乙, 丙) reaches 7 on 15 June
    org_services.committee_elect(actor=None, organisation=a, elected_on=D(2025, 1, 1))
    for index in range(4):
        make_member(a, f"六月党员{index}", start_on=D(2025, 6, 15))
    by_branch = {y.branch.code: y for y in load_years([a, world.branch_b], year=2025, on=D(2026, 2, 1))}
    year_a = by_branch["A"]
    # 3 expected at the 党员大会 (甲, 乙, 丙), 2 at the group meeting (甲, 乙); the new-year lesson is 2026's
    assert (year_a.attendance.part, year_a.attendance.whole) == (3, 5)
    assert year_a.absences_without_makeup == 1
    assert states(year_a.row(Kind.GENERAL_MEETING)) == [State.MET, *[State.MISSING] * 3]
    assert states(year_a.row(Kind.PARTY_LESSON)) == [State.MISSING] * 4
    group_row = next(r for r in year_a.monthly if r.kind == Kind.GROUP_MEETING)
    assert states(group_row)[11] == State.MET
    assert states(year_a.row(Kind.COMMITTEE_MEETING))[5:7] == [State.NOT_APPLICABLE, State.MISSING]
    assert states(year_a.row(Kind.COMMITTEE_MEETING))[:6] == [State.NOT_APPLICABLE] * 6
    assert states(by_branch["B"].row(Kind.PARTY_LESSON))[1] == State.MET


def test_dates_are_shanghai_calendar_dates(world: Any) -> None:
    # A meeting at 00:30 on 1 April in Shanghai is still 31 March in UTC: it is Q2's, not Q1's.
    utc_evening = dt.datetime(2025, 3, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 April in Shanghai
    meeting_record(actor=None, organisation=world.branch_a, kind=Kind.GENERAL_MEETING,
                   held_on=timezone.localdate(utc_evening), topic="二季度党员大会")  # fmt: skip
    year = load_years([world.branch_a], year=2025, on=D(2026, 1, 1))[0]
    assert timezone.localdate(utc_evening) == D(2025, 4, 1) and utc_evening.date() == D(2025, 3, 31)
    assert states(year.row(Kind.GENERAL_MEETING))[:2] == [State.MISSING, State.MET]


def test_the_facts_of_many_branches_cost_a_constant_number_of_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    branches = [world.branch_a, world.branch_b]
    for index in range(6):
        branch = make_org(f"X{index}", "branch", world.committee)
        make_org(f"X{index}G", "group", branch)
        make_member(branch, f"成员{index}")
        meeting_record(actor=None, organisation=branch, kind=Kind.PARTY_LESSON, held_on=D(2025, 5, 5),
                       topic="党课")  # fmt: skip
        branches.append(branch)
    # the rules, the groups, the committees, the meetings with their attendance counted
    with django_assert_num_queries(4):
        years = load_years(branches, year=2025, on=D(2026, 1, 1))
    assert len(years) == 8 and all(y.attendance.whole == 1 for y in years[2:])


# --- the pages ----------------------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_branch_page_shows_the_calendar(world: Any) -> None:
    meeting_record(actor=None, organisation=world.branch_a, kind=Kind.GENERAL_MEETING, held_on=D(2025, 3, 3),
                   topic="一季度党员大会")  # fmt: skip
    response = client_for(world.secretary_a).get(f"/compliance/branch/{world.branch_a.pk}/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "一季度党员大会" in html and "党员大会" in html and "缺" in html
    assert "不适用" in html  # no committee: 支委会 not required


def test_the_overview_costs_the_same_for_more_branches(world: Any, django_assert_num_queries: Any) -> None:
    client = client_for(world.officer)
    client.get("/")  # the first request of a session records its time (idle timeout)
    for index in range(5):
        branch = make_org(f"Y{index}", "branch", world.committee)
        make_org(f"Y{index}G", "group", branch)
        meeting_record(actor=None, organisation=branch, kind=Kind.THEME_DAY, held_on=D(2025, 5, 5),
                       topic="主题党日")  # fmt: skip
    # 1 session, 2 user, 3 role assignments, 4 the bell's unread count, 5 the branches in scope,
    # 6 the rules of the year, 7 their groups, 8 their committees, 9 their meetings with attendance
    with django_assert_num_queries(9):
        response = client.get("/compliance/?year=2025")
    html = response.content.decode()
    assert "党支部Y4" in html and "第一党支部" in html
    assert len(response.context["lines"]) == 7


def test_the_overview_is_scoped(world: Any) -> None:
    html = client_for(world.secretary_b).get("/compliance/?year=2025").content.decode()
    assert "第二党支部" in html and "第一党支部" not in html


@pytest.mark.parametrize(
    "url", ["/compliance/export.xlsx?year=2025", "/compliance/branch/{a}/export.xlsx?year=2025"]
)
def test_both_pages_export_to_xlsx(world: Any, url: str) -> None:
    import io

    meeting_record(actor=None, organisation=world.branch_a, kind=Kind.PARTY_LESSON, held_on=D(2025, 3, 3),
                   topic="党课")  # fmt: skip
    response = client_for(world.officer).get(url.format(a=world.branch_a.pk))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    text = " ".join(
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
    )
    assert "第一党支部" in text and "党课" in text
