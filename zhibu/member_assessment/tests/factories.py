"""Test data for member assessment: responsibility goals (written directly: the goals services are
another app's) and shortcuts through this app's services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.goals.models import Goal, GoalPlan
from zhibu.member_assessment import services
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

YEAR = 2025
AFTER_YEAR = dt.date(2026, 1, 10)


def make_goal(
    member: Member,
    due_on: dt.date,
    *,
    completed_on: dt.date | None = None,
    measure: str = "deliverable",
    target: str | None = None,
    current: str | None = None,
    cancelled: bool = False,
    start_on: dt.date | None = None,
) -> Goal:
    plan, _ = GoalPlan.objects.get_or_create(
        organisation=member.branch, year=due_on.year, defaults={"title": f"{due_on.year}年度目标"}
    )
    return Goal.objects.create(
        plan=plan,
        level="task",
        member=member,
        aspect=5,
        title="完成岗位职责",
        measure=measure,
        target_value=Decimal(target) if target is not None else None,
        current_value=Decimal(current) if current is not None else None,
        start_on=start_on,
        due_on=due_on,
        completed_on=completed_on,
        is_cancelled=cancelled,
    )


def rate_all(actor: Any, branch: Organisation, ratings: dict[Member, list[str]], *, year: int = YEAR) -> None:
    """Each member's ratings for Q1, Q2… in order."""
    periods = ("Q1", "Q2", "Q3", "Q4")
    for index, period in enumerate(periods):
        rows = [
            {"member_id": m.pk, "rating": values[index]}
            for m, values in ratings.items()
            if index < len(values)
        ]
        if rows:
            services.ratings_save(
                actor=actor, branch=branch, year=year, period=period, rows=rows, on=dt.date(year + 1, 1, 5)
            )
