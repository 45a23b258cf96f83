"""The time rules of RULES §B as plain functions (DEV-6): each at its boundary — the day before, the
day of, the day after. No database except where a Member instance is read (not saved)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.development import rules
from zhibu.members.models import Member

D = dt.date
ONE = dt.timedelta(days=1)


# --- B-1 age ------------------------------------------------------------------------------------


def test_b1_the_18th_birthday_is_old_enough_the_day_before_is_not() -> None:
    birth = D(2004, 5, 10)
    assert rules.age_problem(birth, D(2022, 5, 10), 18) is None
    assert rules.age_problem(birth, D(2022, 5, 11), 18) is None
    message = rules.age_problem(birth, D(2022, 5, 9), 18)
    assert message is not None
    assert "B-1" in message and "17周岁" in message and "2022-05-10" in message


def test_b1_born_on_29_february_turns_18_on_1_march_in_a_common_year() -> None:
    birth = D(2004, 2, 29)
    assert rules.age_problem(birth, D(2022, 2, 28), 18) is not None
    assert rules.age_problem(birth, D(2022, 3, 1), 18) is None


def test_b1_the_minimum_age_is_the_rule_value() -> None:
    birth = D(2004, 5, 10)
    assert rules.age_problem(birth, D(2022, 5, 10), 19) is not None
    assert rules.age_problem(birth, D(2023, 5, 10), 19) is None


# --- B-2 talk -------------------------------------------------------------------------------------


def test_b2_talk_within_one_month_needs_no_reason_after_it_needs_one() -> None:
    applied = D(2022, 3, 1)
    assert rules.talk_due(applied, 1) == D(2022, 4, 1)
    assert rules.talk_problem(applied, D(2022, 3, 31), 1, "") is None
    assert rules.talk_problem(applied, D(2022, 4, 1), 1, "") is None
    late = rules.talk_problem(applied, D(2022, 4, 2), 1, "")
    assert late is not None and "B-2" in late and "2022-04-01" in late
    assert rules.talk_problem(applied, D(2022, 4, 2), 1, "申请人出差") is None
    assert rules.talk_problem(applied, D(2022, 4, 2), 1, "   ") is not None


def test_b2_month_end_application_is_due_at_the_end_of_the_next_month() -> None:
    assert rules.talk_due(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert rules.talk_problem(D(2023, 1, 31), D(2023, 3, 1), 1, "") is not None


# --- B-4 review, B-5 candidate ------------------------------------------------------------------------


def test_b4_next_review_counts_from_the_last_review_or_from_becoming_an_activist() -> None:
    assert rules.review_due(D(2022, 3, 29), None, 6) == D(2022, 9, 29)
    assert rules.review_due(D(2022, 3, 29), D(2022, 8, 1), 6) == D(2023, 2, 1)


def test_b5_candidate_a_full_year_after_becoming_activist() -> None:
    activist = D(2022, 3, 29)
    assert rules.candidate_earliest(activist, 12) == D(2023, 3, 29)
    before = rules.candidate_problem(activist, D(2023, 3, 28), 12)
    assert before is not None and "B-5" in before and "最早2023-03-29" in before
    assert rules.candidate_problem(activist, D(2023, 3, 29), 12) is None
    assert rules.candidate_problem(activist, D(2023, 3, 30), 12) is None
    assert rules.candidate_problem(None, D(2023, 3, 30), 12) is not None


def test_b5_activist_from_29_february_is_eligible_on_28_february() -> None:
    assert rules.candidate_earliest(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert rules.candidate_problem(D(2024, 2, 29), D(2025, 2, 27), 12) is not None
    assert rules.candidate_problem(D(2024, 2, 29), D(2025, 2, 28), 12) is None


# --- B-7 training -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "hours", "ok"),
    [
        ("2.5", "23.5", False),
        ("2.5", "24", True),
        ("3", "23.5", True),
        ("3", "24", True),
        ("0", "0", False),
    ],
)
def test_b7_training_three_days_or_twenty_four_hours(days: str, hours: str, ok: bool) -> None:
    problem = rules.training_problem(Decimal(days), Decimal(hours), 3, 24)
    assert (problem is None) is ok
    if problem:
        assert "B-7" in problem and f"共{days}天、{hours}学时" in problem


# --- B-8 approval ------------------------------------------------------------------------------------


def test_b8_approval_three_months_six_with_a_special_reason_never_beyond() -> None:
    voted = D(2023, 5, 12)
    due, latest = D(2023, 8, 12), D(2023, 11, 12)
    assert rules.approval_due(voted, 3) == due
    assert rules.approval_problem(voted, due - ONE, 3, 6, "") is None
    assert rules.approval_problem(voted, due, 3, 6, "") is None
    field, message = rules.approval_problem(voted, due + ONE, 3, 6, "") or ("", "")
    assert field == "late_reason" and "B-8" in message and "2023-08-12" in message
    assert rules.approval_problem(voted, due + ONE, 3, 6, "特殊情况：党委换届") is None
    assert rules.approval_problem(voted, latest, 3, 6, "特殊情况") is None
    field, message = rules.approval_problem(voted, latest + ONE, 3, 6, "特殊情况") or ("", "")
    assert field == "done_on" and "B-8" in message and "2023-11-12" in message


# --- B-9 probation ----------------------------------------------------------------------------------


def test_b9_probation_one_year_from_the_vote_plus_an_extension() -> None:
    assert rules.probation_end(D(2023, 5, 12), 12) == D(2024, 5, 12)
    assert rules.probation_end(D(2023, 5, 12), 12, 6) == D(2024, 11, 12)
    assert rules.probation_end(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_b9_conversion_from_the_last_day_of_probation() -> None:
    end = D(2024, 5, 12)
    before = rules.conversion_problem(end, end - ONE)
    assert before is not None and "B-9" in before and "2024-05-12" in before
    assert rules.conversion_problem(end, end) is None
    assert rules.conversion_problem(end, end + ONE) is None


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_b9_extension_six_to_twelve_months(months: int, ok: bool) -> None:
    problem = rules.extension_problem(months, 6, 12)
    assert (problem is None) is ok
    if problem:
        assert "B-9" in problem and f"{months}个月" in problem


# --- B-10 notices -------------------------------------------------------------------------------------


def test_b10_working_days_count_monday_to_friday_inclusive() -> None:
    thursday = D(2022, 3, 31)
    assert thursday.weekday() == 3
    assert rules.working_days(thursday, thursday) == 1
    assert rules.working_days(thursday, D(2022, 4, 3)) == 2  # Thu, Fri; the weekend does not count
    assert rules.working_days(thursday, D(2022, 4, 5)) == 4  # Thu Fri Mon Tue
    assert rules.working_days(thursday, D(2022, 4, 6)) == 5
    assert rules.working_days(D(2022, 4, 2), D(2022, 4, 3)) == 0
    assert rules.working_days(D(2022, 4, 6), thursday) == 0


@given(st.dates(D(2000, 1, 1), D(2040, 1, 1)), st.integers(0, 60))
def test_b10_working_days_agree_with_counting_day_by_day(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    expected = sum(1 for n in range(length + 1) if (start + dt.timedelta(days=n)).weekday() < 5)
    assert rules.working_days(start, end) == expected


def test_b10_four_working_days_across_a_weekend_are_refused_five_accepted() -> None:
    problem = rules.notice_period_problem(D(2022, 3, 31), D(2022, 4, 5), 5)
    assert problem is not None and "B-10" in problem and "4个工作日" in problem
    assert rules.notice_period_problem(D(2022, 3, 31), D(2022, 4, 6), 5) is None


def test_b10_the_step_waits_for_the_notice_to_end() -> None:
    end = D(2022, 4, 6)
    on_last_day = rules.notice_wait_problem(end, end, "④报上级党委备案")
    assert on_last_day is not None and "B-10" in on_last_day and "最早2022-04-07" in on_last_day
    assert rules.notice_wait_problem(end, end - ONE, "④") is not None
    assert rules.notice_wait_problem(end, end + ONE, "④") is None


def test_b10_a_notice_before_the_previous_step_is_not_this_stage_s() -> None:
    assert rules.notice_start_problem(D(2022, 3, 28), D(2022, 3, 29), "③") is not None
    assert rules.notice_start_problem(D(2022, 3, 29), D(2022, 3, 29), "③") is None


# --- B-3, B-6 sponsors -----------------------------------------------------------------------------


def _person(pk: int, **fields: object) -> Member:
    values: dict[str, object] = {
        "name": f"人{pk}",
        "category": "full",
        "converted_on": D(2011, 7, 1),
        "standing": "normal",
        "is_active": True,
    }
    values.update(fields)
    return Member(pk=pk, **values)


STEP_DAY = D(2023, 4, 9)


def _problem(person: Member, on: dt.date = STEP_DAY, under: bool = False) -> str | None:
    return rules.sponsor_problem(
        person, candidate=_person(99), on=on, under_probation=under, role_label="入党介绍人", rule="B-6"
    )


def test_b6_a_full_member_in_good_standing_may_introduce() -> None:
    assert _problem(_person(1)) is None


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"category": "probationary", "converted_on": None}, "预备党员"),
        ({"converted_on": D(2023, 4, 10)}, "2023-04-10转正"),
        ({"standing": "suspended"}, "停止党籍"),
        ({"is_active": False}, "不在册"),
    ],
)
def test_b6_not_a_full_member_on_the_day_refused(fields: dict[str, object], words: str) -> None:
    problem = _problem(_person(1, **fields))
    assert problem is not None and words in problem and "B-6" in problem


def test_b6_converted_on_the_day_of_the_step_may_introduce() -> None:
    assert _problem(_person(1, converted_on=D(2023, 4, 9))) is None


def test_b6_under_party_probation_refused_and_self_refused() -> None:
    problem = _problem(_person(1), under=True)
    assert problem is not None and "留党察看" in problem and "B-6" in problem
    himself = rules.sponsor_problem(
        _person(99),
        candidate=_person(99),
        on=D(2023, 4, 9),
        under_probation=False,
        role_label="培养联系人",
        rule="B-3",
    )
    assert himself is not None and "本人" in himself
