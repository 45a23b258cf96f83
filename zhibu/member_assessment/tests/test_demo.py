"""The demo's assessment data: what the demo logins are told to look at is there."""

from django.test import TestCase

from zhibu.demo.base import Demo
from zhibu.demo.loader import load_demo
from zhibu.lib.dates import today
from zhibu.member_assessment import selectors
from zhibu.member_assessment.models import MemberRating, MemberReview, MemberYearResult, Objection
from zhibu.orgs.models import Organisation


class AssessmentDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_demo()
        cls.year = Demo().on.year

    def test_every_branch_has_last_years_final_results_and_recommendations(self) -> None:
        branches = Organisation.objects.filter(kind="branch", is_active=True)
        for branch in branches:
            statuses = set(
                MemberYearResult.objects.filter(branch=branch, year=self.year - 1).values_list(
                    "status", flat=True
                )
            )
            assert statuses == {"final"}, branch.code
        assert MemberYearResult.objects.filter(year=self.year - 1, recommended_outstanding=True).exists()
        assert Objection.objects.filter(outcome="rejected").count() == 1

    def test_the_demo_members_branch_is_under_publication_today(self) -> None:
        cq = Organisation.objects.get(code="DJ-LS-CQ")
        assert len(selectors.published_list(cq.pk, self.year, today())) > 0

    def test_ratings_cover_all_four_quarters_last_year_with_a_mix(self) -> None:
        last = MemberRating.objects.filter(year=self.year - 1)
        assert set(last.values_list("period", flat=True)) == {"Q1", "Q2", "Q3", "Q4"}
        assert set(last.values_list("rating", flat=True)) == {"excellent", "good", "pass", "fail"}

    def test_last_years_reviews_are_closed_within_the_cap_and_one_is_below_full_participation(self) -> None:
        reviews = list(MemberReview.objects.filter(year=self.year - 1))
        assert reviews and all(r.status == "closed" for r in reviews)
        summaries = [selectors.review_summary(r) for r in reviews]
        assert all(s.grades.get("excellent", 0) <= s.cap for s in summaries)
        assert all(s.ungraded == 0 for s in summaries)
        assert sum(1 for s in summaries if s.rate is not None and s.rate < 100) == 1
        assert MemberReview.objects.filter(year=self.year, status="open").count() == 1

    def test_loading_again_creates_nothing(self) -> None:
        assert dict(load_demo())["党员考核与民主评议"] == 0
