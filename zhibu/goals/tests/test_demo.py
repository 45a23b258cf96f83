"""The demo's goal section: believable on the demo date, and idempotent on its own."""

from collections import Counter

from django.core.management import call_command
from django.test import TestCase

from zhibu.accounts.models import User
from zhibu.demo.base import Demo
from zhibu.demo.goals import load
from zhibu.goals.models import AnnualReview, ExcellencePlan, Goal, GoalEvaluation, GoalPlan, ProgressUpdate
from zhibu.goals.rules import Status
from zhibu.goals.selectors import member_goal_nodes, trees_for
from zhibu.lib.dates import today


class DemoGoalsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo_data", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    def test_a_second_load_creates_nothing(self) -> None:
        before = (Goal.objects.count(), ProgressUpdate.objects.count(), GoalPlan.objects.count())
        assert load(Demo()) == 0
        assert (Goal.objects.count(), ProgressUpdate.objects.count(), GoalPlan.objects.count()) == before

    def test_every_branch_has_an_adopted_plan_with_four_to_six_annual_goals(self) -> None:
        plans = GoalPlan.objects.filter(year=today().year, organisation__kind="branch")
        assert plans.count() == 9
        for plan in plans:
            assert plan.status == GoalPlan.Status.ADOPTED and plan.adopted_on.month in (1, today().month)
            annual = plan.goals.filter(level="annual", member__isnull=True).count()
            assert 4 <= annual <= 6
            assert plan.goals.filter(aligned_to__isnull=False).exists()

    def test_most_goals_are_on_track_with_a_few_overdue_and_at_risk(self) -> None:
        plans = GoalPlan.objects.filter(year=today().year)
        statuses = Counter(
            n.status for t in trees_for(plans.values_list("pk", flat=True)).values() for n in t.nodes
        )
        total = sum(statuses.values())
        assert statuses[Status.IN_PROGRESS] + statuses[Status.DONE] > total * 0.7
        if today().month > 2:
            assert statuses[Status.OVERDUE] > 0 and statuses[Status.AT_RISK] > 0

    def test_the_demo_member_has_five_aspects(self) -> None:
        member_id = User.objects.get(username="dangyuan").member_id
        aspects = {n.goal.aspect for n in member_goal_nodes(member_id) if n.goal.member_id == member_id}
        assert aspects == {1, 2, 3, 4, 5}

    def test_last_year_is_evaluated_and_reviewed(self) -> None:
        assert GoalEvaluation.objects.filter(goal__plan__year=today().year - 1).count() == 36
        assert (
            AnnualReview.objects.filter(plan__year=today().year - 1, next_year_plan__isnull=False).count()
            == 9
        )
        assert all(p.reviews.count() == 2 for p in ExcellencePlan.objects.all())
