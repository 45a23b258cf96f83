"""Reading goals, scoped (zhibu.accounts.scoping), with their derived progress and status.

Progress and status need the whole tree under a goal, so every read loads the goals of the plans
involved in one query and computes the roll-ups in Python (`zhibu.goals.rules`): a page costs the
same few queries whatever the number of goals."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from zhibu.accounts.scoping import has_perm, scope_q
from zhibu.goals.models import ExcellencePlan, Goal, GoalPlan, ProgressUpdate
from zhibu.goals.rules import Node, Status, build_tree, flatten
from zhibu.lib.dates import today
from zhibu.lib.rules import RuleSet, rules_for


def own_q(user: Any, prefix: str = "") -> Q:
    """The goals a member reaches without any role: their responsibility goals and goals they own."""
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return Q(pk__in=[])
    return Q(**{f"{prefix}member_id": member_id}) | Q(**{f"{prefix}owner_id": member_id})


def plans_for(user: Any, perm: str = "goals.view") -> QuerySet:
    return GoalPlan.objects.filter(scope_q(user, perm, "organisation")).select_related("organisation")


def get_plan_or_404(user: Any, perm: str, pk: Any) -> GoalPlan:
    try:
        return plans_for(user, perm).get(pk=pk)
    except (GoalPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该年度目标计划") from None


def goals_for(user: Any, perm: str = "goals.view", *, own: bool = True) -> QuerySet:
    q = scope_q(user, perm, "plan__organisation")
    if own:
        q |= own_q(user)
    return Goal.objects.filter(q)


def get_goal_or_404(user: Any, perm: str, pk: Any, *, own: bool = True) -> Goal:
    """A goal the user may reach with `perm` (or as its member / 责任人 when `own`); 404 otherwise."""
    try:
        return (
            goals_for(user, perm, own=own).select_related("plan__organisation", "owner", "member").get(pk=pk)
        )
    except (Goal.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该目标") from None


def may_edit_goal(user: Any, goal: Goal) -> bool:
    from zhibu.accounts.scoping import in_scope

    return in_scope(user, "goals.edit", goal.plan.organisation)


def may_report(user: Any, goal: Goal) -> bool:
    member_id = getattr(user, "member_id", None)
    own = member_id is not None and member_id in (goal.member_id, goal.owner_id)
    return own or may_edit_goal(user, goal)


def excellence_plans_for(user: Any, perm: str = "goals.view") -> QuerySet:
    return ExcellencePlan.objects.filter(scope_q(user, perm, "organisation")).select_related("organisation")


def get_excellence_plan_or_404(user: Any, perm: str, pk: Any) -> ExcellencePlan:
    try:
        return excellence_plans_for(user, perm).get(pk=pk)
    except (ExcellencePlan.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该创先争优规划") from None


# ---------------------------------------------------------------------------------------------
# Trees and statuses


class _Rules:
    """rules_for(year), once per year per request."""

    def __init__(self) -> None:
        self._by_year: dict[int, RuleSet] = {}

    def __call__(self, year: int) -> RuleSet:
        if year not in self._by_year:
            self._by_year[year] = rules_for(year)
        return self._by_year[year]


@dataclass
class PlanTree:
    plan: GoalPlan
    roots: list[Node]
    nodes: list[Node]

    @property
    def progress_percent(self) -> Any:
        from zhibu.goals.rules import percent, rollup

        annual = [n for n in self.roots if not n.goal.is_cancelled and n.goal.member_id is None]
        return percent(rollup([(n.progress, n.goal.weight) for n in annual])[0])

    def counts(self) -> dict[str, int]:
        live = [n for n in self.nodes if not n.goal.is_cancelled]
        return {status: sum(1 for n in live if n.status == status) for status, _ in Status.CHOICES}


def _trees(plan_ids: Iterable[int], on: dt.date, rules: _Rules | None = None) -> dict[int, PlanTree]:
    """The computed trees of these plans: 2 queries + one per distinct year for the rules."""
    plan_ids = list(set(plan_ids))
    if not plan_ids:
        return {}
    rules = rules or _Rules()
    goals = list(
        Goal.objects.filter(plan_id__in=plan_ids)
        .select_related("plan__organisation", "owner", "member")
        .order_by("plan_id", "sort_order", "due_on", "id")
    )
    updated = set(
        ProgressUpdate.objects.filter(goal__plan_id__in=plan_ids).values_list("goal_id", flat=True).distinct()
    )
    by_plan: dict[int, list[Goal]] = {}
    for goal in goals:
        by_plan.setdefault(goal.plan_id, []).append(goal)
    trees = {}
    for plan_id, plan_goals in by_plan.items():
        plan = plan_goals[0].plan
        ruleset = rules(plan.year)
        roots = build_tree(
            plan_goals,
            on=on,
            year=plan.year,
            lag_points=ruleset.decimal("goals.risk_lag_points"),
            days_before_due=ruleset.integer("goals.risk_days_before_due"),
            updated_ids=updated,
        )
        trees[plan_id] = PlanTree(plan, roots, flatten(roots))
    return trees


def trees_for(plan_ids: Iterable[int], on: dt.date | None = None) -> dict[int, PlanTree]:
    return _trees(plan_ids, on or today())


def plan_tree(plan: GoalPlan, on: dt.date | None = None) -> PlanTree:
    """GOAL-3: the plan's goals as a tree with roll-ups (3 queries whatever the size)."""
    tree = _trees([plan.pk], on or today()).get(plan.pk)
    return tree or PlanTree(plan, [], [])


def nodes_for(goals: Iterable[Goal], on: dt.date | None = None) -> dict[int, Node]:
    """Progress and status of these goals (any plans), by goal id."""
    trees = _trees([goal.plan_id for goal in goals], on or today())
    return {node.goal.pk: node for tree in trees.values() for node in tree.nodes}


def goal_search(user: Any, params: dict[str, Any], on: dt.date | None = None) -> list[Node]:
    """The goals list (API, pages): in scope (or own), filtered, with status. `status` filters the
    derived status, so it is applied after the roll-ups."""
    if params.get("mine"):
        goals = Goal.objects.filter(own_q(user))
    else:
        goals = goals_for(user, "goals.view", own=True)
    if params.get("plan"):
        goals = goals.filter(plan_id=params["plan"])
    if params.get("year"):
        goals = goals.filter(plan__year=params["year"])
    if params.get("organisation"):
        goals = goals.filter(plan__organisation_id=params["organisation"])
    if params.get("owner"):
        goals = goals.filter(owner_id=params["owner"])
    if params.get("level"):
        goals = goals.filter(level=params["level"])
    if not params.get("cancelled"):
        goals = goals.filter(is_cancelled=False)
    ids = list(goals.values_list("pk", "plan_id"))
    trees = _trees([plan_id for _, plan_id in ids], on or today())
    wanted = {pk for pk, _ in ids}
    nodes = [node for tree in trees.values() for node in tree.nodes if node.goal.pk in wanted]
    if params.get("status"):
        nodes = [node for node in nodes if node.status == params["status"]]
    nodes.sort(key=lambda n: (-n.goal.plan.year, n.goal.plan.organisation.path, n.goal.due_on, n.goal.pk))
    return nodes


def member_goal_nodes(member_id: int, on: dt.date | None = None, *, year: int | None = None) -> list[Node]:
    """A member's responsibility goals and the goals they own (GOAL-4, /goals/mine/)."""
    goals = Goal.objects.filter(Q(member_id=member_id) | Q(owner_id=member_id), is_cancelled=False)
    if year:
        goals = goals.filter(plan__year=year)
    ids = list(goals.values_list("pk", "plan_id"))
    trees = _trees([plan_id for _, plan_id in ids], on or today())
    wanted = {pk for pk, _ in ids}
    nodes = [node for tree in trees.values() for node in tree.nodes if node.goal.pk in wanted]
    nodes.sort(key=lambda n: (n.goal.member_id is None, n.goal.aspect or 0, n.goal.due_on, n.goal.pk))
    return nodes


def attention_nodes(user: Any, on: dt.date | None = None, limit: int = 20) -> list[Node]:
    """The secretary's home page: overdue and at-risk goals of the plans they edit (current year)."""
    on = on or today()
    if not has_perm(user, "goals.edit"):
        return []
    plan_ids = list(plans_for(user, "goals.edit").filter(year=on.year).values_list("pk", flat=True))
    trees = _trees(plan_ids, on)
    nodes = [
        node
        for tree in trees.values()
        for node in tree.nodes
        if not node.goal.is_cancelled and node.status in (Status.OVERDUE, Status.AT_RISK)
    ]
    nodes.sort(key=lambda n: (n.status != Status.OVERDUE, n.goal.due_on, n.goal.pk))
    return nodes[:limit]


def due_soon_nodes(member_id: int, on: dt.date | None = None, days: int = 30) -> list[Node]:
    """The member's home card: their unfinished goals due within `days`, or overdue."""
    on = on or today()
    return [
        node
        for node in member_goal_nodes(member_id, on)
        if node.status != Status.DONE and (node.goal.due_on - on).days <= days
    ]
