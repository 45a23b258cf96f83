"""The pure arithmetic of goals (zhibu.goals.rules): leaf progress, roll-up, percent, status."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from zhibu.goals.rules import (
    Status,
    build_tree,
    elapsed_percent,
    leaf_progress,
    percent,
    rollup,
    status_on,
)


class TestLeafProgress:
    def test_it_divides_the_current_value_by_the_target(self) -> None:
        assert leaf_progress(measure="number", target=D(12), current=D(3), completed=False) == D("0.25")

    def test_it_caps_at_one(self) -> None:
        assert leaf_progress(measure="number", target=D(10), current=D(15), completed=True) == D(1)

    def test_no_value_yet_is_zero(self) -> None:
        assert leaf_progress(measure="number", target=D(10), current=None, completed=False) == D(0)

    def test_a_missing_or_zero_target_is_zero(self) -> None:
        assert leaf_progress(measure="number", target=None, current=D(5), completed=False) == D(0)
        assert leaf_progress(measure="number", target=D(0), current=D(5), completed=False) == D(0)

    def test_a_deliverable_is_all_or_nothing(self) -> None:
        assert leaf_progress(measure="deliverable", target=None, current=None, completed=True) == D(1)
        assert leaf_progress(measure="deliverable", target=None, current=D(5), completed=False) == D(0)


class TestRollup:
    def test_it_weights_when_every_child_has_a_weight(self) -> None:
        progress, weighted = rollup([(D(1), D(3)), (D(0), D(1))])
        assert (progress, weighted) == (D("0.75"), True)

    def test_it_averages_when_a_child_has_no_weight(self) -> None:
        progress, weighted = rollup([(D(1), D(3)), (D(0), None)])
        assert (progress, weighted) == (D("0.5"), False)

    def test_it_averages_when_the_weights_sum_to_zero(self) -> None:
        assert rollup([(D(1), D(0)), (D(0), D(0))]) == (D("0.5"), False)

    def test_no_children_is_zero(self) -> None:
        assert rollup([]) == (D(0), False)

    def test_it_keeps_decimal_precision(self) -> None:
        progress, _ = rollup([(D(1), None), (D(0), None), (D(0), None)])
        assert isinstance(progress, D)
        assert percent(progress) == D("33.3")

    def test_decimal_weights_are_exact(self) -> None:
        progress, _ = rollup([(D("0.5"), D("0.1")), (D("1"), D("0.2"))])
        assert progress == D("2.5") / D("3")  # (0.05 + 0.2) / 0.3
        assert percent(progress) == D("83.3")


class TestPercent:
    @pytest.mark.parametrize(
        ("fraction", "expected"),
        [(D("0.12345"), D("12.3")), (D("0.12350"), D("12.4")), (D("0.00049"), D("0.0")), (D(1), D("100.0"))],
    )
    def test_it_rounds_half_up_to_a_tenth(self, fraction: D, expected: D) -> None:
        assert percent(fraction) == expected

    def test_half_up_not_bankers(self) -> None:
        assert percent(D("0.0025")) == D("0.3")  # 0.25 → 0.3, banker's rounding would give 0.2


class TestElapsed:
    def test_it_is_zero_before_the_start_and_100_after_the_due_date(self) -> None:
        start, due = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
        assert elapsed_percent(start, due, dt.date(2025, 12, 31)) == D(0)
        assert elapsed_percent(start, due, dt.date(2027, 1, 1)) == D(100)

    def test_it_counts_days(self) -> None:
        assert elapsed_percent(dt.date(2026, 1, 1), dt.date(2026, 1, 11), dt.date(2026, 1, 6)) == D(50)

    def test_a_leap_year_has_366_days(self) -> None:
        value = elapsed_percent(dt.date(2028, 1, 1), dt.date(2028, 12, 31), dt.date(2028, 3, 1))
        assert value == D(60) * 100 / D(365)  # 31 + 29 days elapsed of 365 day-steps


RULES = {"lag_points": 20, "days_before_due": 14, "year": 2026}


def _status(on: dt.date, progress: str, *, due: dt.date = dt.date(2026, 6, 30), **kw: object) -> str:
    args: dict = {
        "on": on,
        "progress": D(progress),
        "completed": False,
        "has_update": True,
        "start_on": None,
        "due_on": due,
        **RULES,
    }
    args.update(kw)
    return status_on(**args)


class TestStatus:
    def test_completed_wins_over_everything(self) -> None:
        assert _status(dt.date(2026, 9, 1), "1", completed=True) == Status.DONE

    def test_the_day_after_the_due_date_is_overdue(self) -> None:
        assert _status(dt.date(2026, 7, 1), "0.9") == Status.OVERDUE

    def test_the_due_date_itself_is_not_overdue(self) -> None:
        # 0 days left ≤ 14 and progress < 80% → at risk, not yet overdue
        assert _status(dt.date(2026, 6, 30), "0.5") == Status.AT_RISK
        assert _status(dt.date(2026, 6, 30), "0.9") == Status.IN_PROGRESS

    def test_the_day_before_the_due_date(self) -> None:
        assert _status(dt.date(2026, 6, 29), "0.79") == Status.AT_RISK
        assert _status(dt.date(2026, 6, 29), "0.8") == Status.IN_PROGRESS

    def test_lagging_behind_time_by_the_rule_points_is_at_risk(self) -> None:
        # 1 Jan → 31 Dec: 2 Jul is 182/364 = 50% elapsed
        due = dt.date(2026, 12, 31)
        assert _status(dt.date(2026, 7, 2), "0.30", due=due) == Status.AT_RISK  # lag exactly 20
        assert _status(dt.date(2026, 7, 2), "0.31", due=due) == Status.IN_PROGRESS

    def test_the_lag_is_measured_from_the_start_date(self) -> None:
        due, start = dt.date(2026, 12, 31), dt.date(2026, 7, 1)
        assert (
            _status(dt.date(2026, 7, 2), "0", due=due, start_on=start, has_update=False) == Status.NOT_STARTED
        )
        assert _status(dt.date(2026, 7, 2), "0", due=due, has_update=False) == Status.AT_RISK

    def test_the_lag_rule_follows_the_setting(self) -> None:
        due = dt.date(2026, 12, 31)
        assert _status(dt.date(2026, 7, 2), "0.30", due=due, lag_points=25) == Status.IN_PROGRESS

    def test_the_days_before_due_follow_the_setting(self) -> None:
        assert _status(dt.date(2026, 6, 10), "0.7", days_before_due=14, start_on=dt.date(2026, 6, 1)) == (
            Status.IN_PROGRESS
        )
        assert _status(dt.date(2026, 6, 10), "0.7", days_before_due=30, start_on=dt.date(2026, 6, 1)) == (
            Status.AT_RISK
        )

    def test_nothing_reported_and_no_progress_is_not_started(self) -> None:
        assert _status(dt.date(2026, 1, 5), "0", has_update=False) == Status.NOT_STARTED
        assert _status(dt.date(2026, 1, 5), "0", has_update=True) == Status.IN_PROGRESS

    def test_a_year_end_goal_on_new_years_eve_and_day(self) -> None:
        due = dt.date(2026, 12, 31)
        assert _status(dt.date(2026, 12, 31), "0.95", due=due) == Status.IN_PROGRESS
        assert _status(dt.date(2027, 1, 1), "0.95", due=due) == Status.OVERDUE

    def test_leap_day_due_dates(self) -> None:
        due = dt.date(2028, 2, 29)
        assert _status(dt.date(2028, 2, 29), "0.9", due=due, year=2028) == Status.IN_PROGRESS
        assert _status(dt.date(2028, 3, 1), "0.9", due=due, year=2028) == Status.OVERDUE


@dataclass
class FakeGoal:
    pk: int
    parent_id: int | None
    measure: str = "number"
    target_value: D | None = D(10)
    current_value: D | None = None
    completed_on: dt.date | None = None
    weight: D | None = None
    is_cancelled: bool = False
    start_on: dt.date | None = None
    due_on: dt.date = dt.date(2026, 12, 31)


class TestTree:
    def _tree(
        self, goals: list[FakeGoal], on: dt.date = dt.date(2026, 3, 1), updated: set[int] | None = None
    ):
        return build_tree(
            goals, on=on, year=2026, lag_points=20, days_before_due=14, updated_ids=updated or set()
        )

    def test_it_rolls_up_weighted_children(self) -> None:
        goals = [
            FakeGoal(1, None),
            FakeGoal(2, 1, current_value=D(10), completed_on=dt.date(2026, 2, 1), weight=D(1)),
            FakeGoal(3, 1, current_value=D(0), weight=D(3)),
        ]
        (root,) = self._tree(goals)
        assert root.progress == D("0.25")
        assert not root.equal_weights
        assert not root.completed

    def test_cancelled_children_drop_out(self) -> None:
        goals = [
            FakeGoal(1, None),
            FakeGoal(2, 1, current_value=D(10), completed_on=dt.date(2026, 2, 1)),
            FakeGoal(3, 1, is_cancelled=True),
        ]
        (root,) = self._tree(goals)
        assert root.progress == D(1)
        assert root.completed and root.status == Status.DONE
        assert len(root.children) == 2  # still shown

    def test_partial_weights_are_flagged(self) -> None:
        goals = [FakeGoal(1, None), FakeGoal(2, 1, weight=D(2), current_value=D(5)), FakeGoal(3, 1)]
        (root,) = self._tree(goals, updated={2})
        assert root.equal_weights
        assert root.percent == D("25.0")
        assert root.has_update

    def test_three_levels(self) -> None:
        goals = [
            FakeGoal(1, None),
            FakeGoal(2, 1),
            FakeGoal(3, 2, current_value=D(5)),
            FakeGoal(4, 2, measure="deliverable", target_value=None, completed_on=dt.date(2026, 2, 1)),
            FakeGoal(5, 1, current_value=D(10), completed_on=dt.date(2026, 2, 2)),
        ]
        (root,) = self._tree(goals)
        assert root.children[0].progress == D("0.75")
        assert root.progress == D("0.875")
        assert [n.depth for n in root.walk()] == [0, 1, 2, 2, 1]
