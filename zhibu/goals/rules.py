"""The arithmetic of goals (GOAL-3, GOAL-5), pure: no database, Decimal throughout.

- A leaf's progress: 数量指标 min(current / target, 1) (no value yet → 0); 完成与否 1 when done.
- A parent's progress: the weighted mean of its non-cancelled children's progress. Weights count
  only when every non-cancelled child has one and they sum to more than 0; otherwise the children
  weigh the same (and the page says so when only some have weights).
- The status on a date is derived, never typed: 已完成, 逾期, 有风险, 未开始, 进行中 (see `status_on`).
docs/goals.md explains the rules for the people who use them.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")
# Below this much progress a goal close to its due date is at risk.
RISK_PROGRESS_BELOW = Decimal("0.8")
EQUAL_WEIGHTS_NOTE = "部分子目标未设权重，按平均计算"


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"

    LABELS = {
        NOT_STARTED: "未开始",
        IN_PROGRESS: "进行中",
        DONE: "已完成",
        OVERDUE: "逾期",
        AT_RISK: "有风险",
    }
    BADGES = {
        NOT_STARTED: "secondary",
        IN_PROGRESS: "primary",
        DONE: "success",
        OVERDUE: "danger",
        AT_RISK: "warning",
    }
    CHOICES = list(LABELS.items())


def leaf_progress(
    *, measure: str, target: Decimal | None, current: Decimal | None, completed: bool
) -> Decimal:
    """The progress of a goal without children, as a fraction 0..1."""
    if measure == "deliverable":
        return ONE if completed else ZERO
    if current is None or not target or target <= ZERO:
        return ZERO
    return max(min(Decimal(current) / Decimal(target), ONE), ZERO)


def rollup(children: Sequence[tuple[Decimal, Decimal | None]]) -> tuple[Decimal, bool]:
    """(progress, weight) of the non-cancelled children → (progress, weights_used)."""
    if not children:
        return ZERO, False
    weights = [weight for _, weight in children]
    if all(weight is not None for weight in weights):
        total = sum((Decimal(w) for w in weights if w is not None), ZERO)
        if total > ZERO:
            weighted = sum((p * Decimal(w) for p, w in children if w is not None), ZERO)
            return weighted / total, True
    return sum((p for p, _ in children), ZERO) / Decimal(len(children)), False


def percent(progress: Decimal) -> Decimal:
    """A fraction as a percentage rounded half-up to 0.1 (0.12345 → 12.3)."""
    return (progress * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)


def elapsed_percent(start: dt.date, due: dt.date, on: dt.date) -> Decimal:
    """How much of the time from `start` to `due` has passed on `on`, 0..100."""
    if on <= start:
        return ZERO
    if on >= due:
        return HUNDRED
    return Decimal((on - start).days) * HUNDRED / Decimal((due - start).days)


def status_on(
    *,
    on: dt.date,
    progress: Decimal,
    completed: bool,
    has_update: bool,
    start_on: dt.date | None,
    due_on: dt.date,
    year: int,
    lag_points: int | Decimal,
    days_before_due: int,
) -> str:
    """The status of a goal on `on` (a date passed in, so the rule is testable across dates)."""
    if completed:
        return Status.DONE
    if on > due_on:
        return Status.OVERDUE
    start = start_on or dt.date(year, 1, 1)
    lag = elapsed_percent(start, due_on, on) - progress * HUNDRED
    if lag >= Decimal(lag_points):
        return Status.AT_RISK
    if (due_on - on).days <= days_before_due and progress < RISK_PROGRESS_BELOW:
        return Status.AT_RISK
    if progress == ZERO and not has_update:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


@dataclass
class Node:
    """A goal in the computed tree: its children, progress, status and the roll-up note."""

    goal: Any
    children: list["Node"] = field(default_factory=list)
    progress: Decimal = ZERO
    completed: bool = False
    has_update: bool = False
    status: str = Status.NOT_STARTED
    equal_weights: bool = False  # some but not all children have weights: the mean is plain
    depth: int = 0

    @property
    def percent(self) -> Decimal:
        return percent(self.progress)

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def badge(self) -> str:
        return Status.BADGES[self.status]

    def walk(self) -> Iterable["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()


def build_tree(
    goals: Iterable[Any],
    *,
    on: dt.date,
    year: int,
    lag_points: int | Decimal,
    days_before_due: int,
    updated_ids: set[int] | frozenset[int] = frozenset(),
    include_cancelled: bool = True,
) -> list[Node]:
    """The goals of one plan (already loaded, in display order) as trees with their roll-ups.

    Cancelled goals stay in the tree for display (with their own progress) but drop out of their
    parent's roll-up and completion."""
    nodes = {goal.pk: Node(goal=goal) for goal in goals if include_cancelled or not goal.is_cancelled}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.goal.parent_id) if node.goal.parent_id else None
        (parent.children if parent is not None else roots).append(node)

    def compute(node: Node, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            compute(child, depth + 1)
        goal = node.goal
        live = [child for child in node.children if not child.goal.is_cancelled]
        node.has_update = goal.pk in updated_ids or any(child.has_update for child in live)
        if live:
            node.progress, weighted = rollup([(c.progress, c.goal.weight) for c in live])
            some = any(c.goal.weight is not None for c in live)
            node.equal_weights = some and not weighted
            node.completed = all(child.completed for child in live)
        else:
            node.completed = goal.completed_on is not None
            node.progress = leaf_progress(
                measure=goal.measure,
                target=goal.target_value,
                current=goal.current_value,
                completed=node.completed,
            )
        node.status = status_on(
            on=on,
            progress=node.progress,
            completed=node.completed,
            has_update=node.has_update,
            start_on=goal.start_on,
            due_on=goal.due_on,
            year=year,
            lag_points=lag_points,
            days_before_due=days_before_due,
        )

    for root in roots:
        compute(root, 0)
    return roots


def flatten(roots: Iterable[Node]) -> list[Node]:
    return [node for root in roots for node in root.walk()]
