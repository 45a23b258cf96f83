"""Plans and goals for tests, built through the services (so they are valid and audited)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.goals import services
from zhibu.goals.models import Goal, GoalPlan, Level, Measure
from zhibu.lib.dates import today
from zhibu.orgs.models import Organisation

YEAR = today().year


def past(month: int, day: int, year: int = YEAR) -> dt.date:
    """A date of the year, never after today (the services refuse future reports)."""
    return min(dt.date(year, month, day), today())


def make_plan(organisation: Organisation, year: int = YEAR, **extra: Any) -> GoalPlan:
    return services.plan_create(actor=None, organisation=organisation, year=year, **extra)


def make_goal(plan: GoalPlan, title: str = "目标", **data: Any) -> Goal:
    parent = data.get("parent")
    defaults: dict[str, Any] = {
        "level": Level.ANNUAL if parent is None else Level.TASK,
        "measure": Measure.NUMBER,
        "unit": "次",
        "target_value": Decimal(10),
        "due_on": dt.date(plan.year, 12, 31) if parent is None else parent.due_on,
    }
    values = defaults | data
    if values["measure"] == Measure.DELIVERABLE:
        values.setdefault("unit", "")
        values["target_value"] = data.get("target_value")
        values["unit"] = data.get("unit", "")
    return services.goal_create(actor=None, plan=plan, title=title, **values)
