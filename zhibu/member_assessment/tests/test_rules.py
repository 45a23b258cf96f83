"""The arithmetic as plain functions: periods, the suggested rating, achievement, the year points
with their caps (MASSESS-2), the one-third rule (RULES E-2) and the participation rate."""

import datetime as dt
from decimal import Decimal
from itertools import product

import pytest

from zhibu.member_assessment import rules
from zhibu.member_assessment.models import Rating

D = Decimal
TABLE = rules.PointsTable(
    points={Rating.EXCELLENT: D(95), Rating.GOOD: D(85), Rating.PASS: D(75), Rating.FAIL: D(60)},
    caps={"bonus_quality": D(5), "bonus_teamwork": D(3), "bonus_integrity": D(2)},
)
NO_BONUS: dict[str, str] = {}


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("M02", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("M12", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
    ],
)
def test_it_knows_the_bounds_of_each_period(period: str, first: dt.date, last: dt.date) -> None:
    assert rules.period_bounds(2025, period) == (first, last)


def test_it_knows_a_leap_february() -> None:
    assert rules.period_bounds(2028, "M02")[1] == dt.date(2028, 2, 29)


@pytest.mark.parametrize("period", ["Q0", "Q5", "M00", "M13", "M1", "q1", "", "Q1 ", "2025Q1"])
def test_it_refuses_a_bad_period_name(period: str) -> None:
    assert "格式不正确" in rules.period_problem(period)


def test_it_accepts_every_good_period_name() -> None:
    assert all(rules.period_problem(p) == "" for p in rules.PERIODS)
    assert len(rules.PERIODS) == 16


def test_rating_opens_in_the_last_week_of_the_period() -> None:
    assert rules.rating_opens_on(2025, "Q1") == dt.date(2025, 3, 25)
    assert rules.ratable_periods(2025, dt.date(2025, 3, 24)) == []
    assert rules.ratable_periods(2025, dt.date(2025, 3, 25)) == ["Q1"]
    assert rules.ratable_periods(2025, dt.date(2025, 12, 31)) == ["Q1", "Q2", "Q3", "Q4"]


@pytest.mark.parametrize(
    ("achievement", "suggested"),
    [
        (None, ""),
        (D("100"), Rating.EXCELLENT),
        (D("90"), Rating.EXCELLENT),
        (D("89.99"), Rating.GOOD),
        (D("75"), Rating.GOOD),
        (D("74.99"), Rating.PASS),
        (D("60"), Rating.PASS),
        (D("59.99"), Rating.FAIL),
        (D("0"), Rating.FAIL),
    ],
)
def test_it_suggests_a_rating_from_achievement(achievement: Decimal | None, suggested: str) -> None:
    assert rules.suggested_rating(achievement) == suggested


def test_goal_scores_count_completion_and_number_progress() -> None:
    assert rules.goal_score(completed=True, measure="deliverable", current=None, target=None) == 1
    assert rules.goal_score(completed=False, measure="deliverable", current=None, target=None) == 0
    assert rules.goal_score(completed=False, measure="number", current=D(3), target=D(4)) == D("0.75")
    assert rules.goal_score(completed=False, measure="number", current=D(9), target=D(4)) == 1
    assert rules.goal_score(completed=False, measure="number", current=None, target=D(4)) == 0
    assert rules.goal_score(completed=False, measure="number", current=D(3), target=D(0)) == 0


def test_achievement_is_the_mean_in_percent_half_up() -> None:
    assert rules.achievement_percent([]) is None
    assert rules.achievement_percent([D(1), D(0), D(0)]) == D("33.33")
    assert rules.achievement_percent([D(1), D(1), D(0)]) == D("66.67")
    assert rules.achievement_percent([D(1), D("0.75")]) == D("87.50")


# --- MASSESS-2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_the_mean_of_every_combination_of_quarter_ratings(count: int) -> None:
    """Exhaustive over the 4^n combinations of n rated quarters: the mean, half-up to 2 places."""
    for combo in product(Rating.values, repeat=count):
        expected = (sum(TABLE.points[r] for r in combo) / count).quantize(D("0.01"), rounding="ROUND_HALF_UP")
        points = rules.year_points(combo, NO_BONUS, TABLE)
        assert points.mean_points == expected
        assert points.total == expected
        assert points.mean_points.as_tuple().exponent == -2


def test_a_mean_is_rounded_half_up() -> None:
    # (95 + 85 + 85) / 3 = 88.333… → 88.33; (95 + 95 + 60) / 3 = 83.333…; (95+60+60)/3 = 71.666… → 71.67
    assert rules.mean_points(["excellent", "good", "good"], TABLE) == D("88.33")
    assert rules.mean_points(["excellent", "fail", "fail"], TABLE) == D("71.67")
    odd = rules.PointsTable(points=dict(TABLE.points) | {Rating.GOOD: D("85.01")}, caps=TABLE.caps)
    # (85.01 + 75) / 2 = 80.005 → 80.01 (half-up, not banker's 80.00)
    assert rules.mean_points(["good", "pass"], odd) == D("80.01")


def test_a_mean_needs_at_least_one_rating() -> None:
    with pytest.raises(ValueError, match="没有期评结果"):
        rules.mean_points([], TABLE)


def test_total_is_mean_plus_all_bonuses_at_their_caps_without_further_cap() -> None:
    points = rules.year_points(
        ["excellent"] * 4, {"bonus_quality": "5", "bonus_teamwork": "3", "bonus_integrity": "2"}, TABLE
    )
    assert points.total == D("105.00")
    assert (points.bonus_quality, points.bonus_teamwork, points.bonus_integrity) == (D(5), D(3), D(2))


@pytest.mark.parametrize(
    ("field", "over"), [("bonus_quality", "5.01"), ("bonus_teamwork", "3.01"), ("bonus_integrity", "2.01")]
)
def test_each_bonus_is_refused_above_its_cap(field: str, over: str) -> None:
    with pytest.raises(rules.BonusError) as error:
        rules.year_points(["good"], {field: over}, TABLE)
    assert "上限" in error.value.problems[field]
    assert rules.bonus_problems(D(85), {field: str(TABLE.caps[field])}, TABLE) == {}


@pytest.mark.parametrize("field", list(rules.BONUS_KEYS))
def test_each_bonus_is_refused_below_zero_with_three_decimals_or_not_a_number(field: str) -> None:
    assert "不能小于0" in rules.bonus_problems(D(85), {field: "-0.01"}, TABLE)[field]
    assert "最多2位小数" in rules.bonus_problems(D(85), {field: "1.005"}, TABLE)[field]
    assert "不是数字" in rules.bonus_problems(D(85), {field: "abc"}, TABLE)[field]
    assert "不是数字" in rules.bonus_problems(D(85), {field: "NaN"}, TABLE)[field]
    assert rules.bonus_problems(D(85), {field: ""}, TABLE) == {}


def test_the_quality_bonus_needs_a_mean_of_pass_or_better() -> None:
    # 合格 75 exactly: allowed; 74.99 (75, 75, 75, 60 → 71.25): refused, naming the rule.
    assert rules.year_points(["pass"] * 4, {"bonus_quality": "5"}, TABLE).total == D("80.00")
    with pytest.raises(rules.BonusError) as error:
        rules.year_points(["pass", "pass", "pass", "fail"], {"bonus_quality": "0.01"}, TABLE)
    assert "模板§三.2" in error.value.problems["bonus_quality"]
    assert "71.25" in error.value.problems["bonus_quality"]
    # Zero quality bonus and the other bonuses remain open to a member below 合格.
    points = rules.year_points(
        ["fail"], {"bonus_quality": "0", "bonus_teamwork": "3", "bonus_integrity": "2"}, TABLE
    )
    assert points.total == D("65.00")


def test_the_basis_records_points_and_caps() -> None:
    basis = TABLE.as_basis()
    assert basis["points"]["excellent"] == "95"
    assert basis["caps"] == {"bonus_quality": "5", "bonus_teamwork": "3", "bonus_integrity": "2"}


# --- RULES E-2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rated", "cap"), [(0, 0), (2, 0), (3, 1), (9, 3), (10, 3), (11, 3), (12, 4)])
def test_excellent_is_at_most_one_third_rounded_down(rated: int, cap: int) -> None:
    assert rules.excellent_cap(rated, 3) == cap


def test_participation_rate_is_a_decimal_percent() -> None:
    assert rules.participation_rate(0, 0) is None
    assert rules.participation_rate(2, 3) == D("66.67")
    assert rules.participation_rate(1, 3) == D("33.33")
    assert rules.participation_rate(5, 5) == D("100.00")


def test_a_year_long_goal_on_track_scores_full_in_its_first_quarter() -> None:
    r, Dec = rules, Decimal
    year_start, year_end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    q1_end = dt.date(2026, 3, 31)
    expected = r.expected_share(start=year_start, due=year_end, period_end=q1_end)
    assert expected == Dec(90) / Dec(365)
    # 3 of 12 done by 31 March: ahead of the 90/365 due → 100%; 2 of 12 → 2/12 ÷ 90/365 ≈ 67.59%
    assert r.period_score(done_share=Dec(3) / Dec(12), expected=expected) == Dec(1)
    assert r.achievement_percent([r.period_score(done_share=Dec(2) / Dec(12), expected=expected)]) == Dec(
        "67.59"
    )
    # Once due, all of it is expected; a goal not begun by the period's end expects nothing yet.
    assert r.expected_share(start=year_start, due=q1_end, period_end=q1_end) == 1
    assert r.expected_share(start=dt.date(2026, 4, 1), due=year_end, period_end=q1_end) == 0
    assert r.period_score(done_share=Dec(0), expected=Dec(0)) == 1
