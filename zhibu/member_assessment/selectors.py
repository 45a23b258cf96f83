"""Reads of member assessment. Every list a user sees is scoped by branch (`scope_q(user, perm,
"branch")`); members reach their own rows through `user.member_id` only."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from zhibu.accounts.scoping import get_org_or_404, orgs_for, scope_q
from zhibu.goals.models import Goal, ProgressUpdate
from zhibu.member_assessment import rules
from zhibu.member_assessment.models import (
    MemberRating,
    MemberReview,
    MemberReviewEntry,
    MemberYearResult,
    Objection,
    ReviewGrade,
)
from zhibu.members.models import Category, Member, StatusChange
from zhibu.members.selectors import members_of_branch_on
from zhibu.orgs.models import Organisation

# ---------------------------------------------------------------------------------------------
# Scope


def branches_for(user: Any, perm: str = "massess.view") -> QuerySet:
    return orgs_for(user, perm).filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("path")


def get_branch_or_404(user: Any, perm: str, pk: Any) -> Organisation:
    branch = get_org_or_404(user, perm, pk)
    if branch.kind != Organisation.Kind.BRANCH:
        raise Http404("未找到该党支部")
    return branch


def ratings_for(user: Any, perm: str = "massess.view") -> QuerySet:
    return MemberRating.objects.filter(scope_q(user, perm, "branch"))


def results_for(user: Any, perm: str = "massess.view") -> QuerySet:
    return MemberYearResult.objects.filter(scope_q(user, perm, "branch"))


def reviews_for(user: Any, perm: str = "massess.view") -> QuerySet:
    return MemberReview.objects.filter(scope_q(user, perm, "branch"))


def get_result_or_404(user: Any, perm: str, pk: Any) -> MemberYearResult:
    try:
        return results_for(user, perm).select_related("member", "branch").get(pk=pk)
    except (MemberYearResult.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该考核结果") from None


def get_review_or_404(user: Any, perm: str, pk: Any) -> MemberReview:
    try:
        return reviews_for(user, perm).select_related("branch").get(pk=pk)
    except (MemberReview.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该民主评议") from None


def get_objection_or_404(user: Any, perm: str, pk: Any) -> Objection:
    try:
        return Objection.objects.select_related("result__member", "result__branch").get(
            scope_q(user, perm, "result__branch"), pk=pk
        )
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该异议") from None


# ---------------------------------------------------------------------------------------------
# Members of a branch on a date, with their category then


def members_with_category_on(branch_id: int, on: dt.date) -> QuerySet:
    """正式 or 预备 members of the branch on `on` (SPEC §8), each annotated `category_on`."""
    latest = (
        StatusChange.objects.filter(member_id=OuterRef("pk"), field="category", effective_on__lte=on)
        .order_by("-effective_on", "-id")
        .values("new_value")[:1]
    )
    return members_of_branch_on(branch_id, on).annotate(category_on=Subquery(latest)).order_by("name", "id")


def achievements(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal | None]:
    """Quantitative achievement of each member in a period (three queries): their non-cancelled
    responsibility goals running during the period — due within it, or begun before its end and due
    later — each scored by what was reported done by the period's end against what was due by then
    (`rules.period_score`); None for a member with no such goal."""
    goals = list(
        Goal.objects.filter(member_id__in=member_ids, is_cancelled=False, due_on__gte=start)
        .select_related("plan")
        .only(
            "member_id",
            "measure",
            "target_value",
            "start_on",
            "due_on",
            "plan__year",
            "current_value",
            "completed_on",
        )
    )
    goals = [g for g in goals if (g.start_on or dt.date(g.plan.year, 1, 1)) <= end]
    # The latest report on or before the period's end, per goal (reports are the record).
    latest: dict[int, ProgressUpdate] = {}
    for report in ProgressUpdate.objects.filter(goal__in=goals, reported_on__lte=end).order_by(
        "goal_id", "reported_on", "id"
    ):
        latest[report.goal_id] = report
    reported = set(ProgressUpdate.objects.filter(goal__in=goals).values_list("goal_id", flat=True).distinct())
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for goal in goals:
        update = latest.get(goal.pk)
        done = (goal.completed_on is not None and goal.completed_on <= end) or (
            update is not None
            and (
                update.done
                or (update.value is not None and goal.target_value and update.value >= goal.target_value)
            )
        )
        # The value reported by the period's end; a goal kept without reports (entered directly)
        # counts with its current value.
        value = update.value if update is not None else (None if goal.pk in reported else goal.current_value)
        share = rules.goal_score(
            completed=bool(done), measure=goal.measure, current=value, target=goal.target_value
        )
        goal_start = goal.start_on or dt.date(goal.plan.year, 1, 1)
        expected = rules.expected_share(start=goal_start, due=goal.due_on, period_end=end)
        assert goal.member_id is not None
        scores[goal.member_id].append(rules.period_score(done_share=share, expected=expected))
    return {pk: rules.achievement_percent(scores.get(pk, [])) for pk in member_ids}


@dataclass
class SheetRow:
    member: Member
    achievement: Decimal | None
    suggested: str
    rating: MemberRating | None

    @property
    def suggested_label(self) -> str:
        return str(dict(rules.Rating.choices).get(self.suggested, ""))


def rating_sheet(branch: Organisation, year: int, period: str) -> list[SheetRow]:
    """MASSESS-1: everyone 正式 or 预备 in the branch at the period's end, with their achievement,
    the suggested rating and the rating already given (three queries whatever the size)."""
    start, end = rules.period_bounds(year, period)
    members = list(members_of_branch_on(branch.pk, end).order_by("name", "id"))
    ids = [m.pk for m in members]
    done = {r.member_id: r for r in MemberRating.objects.filter(member_id__in=ids, year=year, period=period)}
    achieved = achievements(ids, start, end)
    return [
        SheetRow(m, achieved[m.pk], rules.suggested_rating(achieved[m.pk]), done.get(m.pk)) for m in members
    ]


def period_kind_used(branch: Organisation, year: int) -> str:
    """ "quarter" or "month" once the branch has rated that year; "" before."""
    first = MemberRating.objects.filter(branch=branch, year=year).values_list("period", flat=True).first()
    return rules.period_kind(first) if first else ""


@dataclass
class YearGridRow:
    member: Member
    ratings: dict[str, MemberRating] = field(default_factory=dict)

    def cells(self, periods: list[str]) -> list[MemberRating | None]:
        return [self.ratings.get(p) for p in periods]


def year_grid(branch: Organisation, year: int) -> tuple[list[str], list[YearGridRow]]:
    """The branch's ratings of a year as members × periods (two queries)."""
    ratings = MemberRating.objects.filter(branch=branch, year=year).select_related("member")
    rows: dict[int, YearGridRow] = {}
    used: set[str] = set()
    for rating in ratings:
        row = rows.setdefault(rating.member_id, YearGridRow(rating.member))
        row.ratings[rating.period] = rating
        used.add(rating.period)
    periods = [p for p in rules.PERIODS if p in used]
    return periods, sorted(rows.values(), key=lambda r: (r.member.name, r.member.pk))


# ---------------------------------------------------------------------------------------------
# Year results


def branch_results(branch: Organisation, year: int) -> QuerySet:
    return (
        MemberYearResult.objects.filter(branch=branch, year=year)
        .select_related("member")
        .annotate(
            pending_objections=Count("objections", filter=Q(objections__outcome=Objection.Outcome.PENDING))
        )
        .order_by("-total", "member__name", "member_id")
    )


def publication_open(result: MemberYearResult, on: dt.date) -> bool:
    return (
        result.status == MemberYearResult.Status.PUBLISHED
        and result.published_on is not None
        and result.objection_until is not None
        and result.published_on <= on <= result.objection_until
    )


def published_list(branch_id: int, year: int | None, on: dt.date) -> QuerySet:
    """The branch's results under publication with the objection window open on `on` (MASSESS-3):
    what every member of the branch may see — names and totals in order, nothing across branches."""
    qs = MemberYearResult.objects.filter(
        branch_id=branch_id,
        status=MemberYearResult.Status.PUBLISHED,
        published_on__lte=on,
        objection_until__gte=on,
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("member").order_by("-total", "member__name", "member_id")


def outstanding_candidates(branch: Organisation, year: int, limit: int = 5) -> list[MemberYearResult]:
    """Final results of the branch, best first: the candidates for 优秀党员 (MASSESS-3)."""
    return list(
        MemberYearResult.objects.filter(branch=branch, year=year, status=MemberYearResult.Status.FINAL)
        .select_related("member")
        .order_by("-total", "member__name")[:limit]
    )


def branch_objections(branch: Organisation, year: int) -> QuerySet:
    return (
        Objection.objects.filter(result__branch=branch, result__year=year)
        .select_related("result__member", "raised_by", "answered_by")
        .order_by("raised_on", "id")
    )


# ---------------------------------------------------------------------------------------------
# 民主评议


@dataclass
class ReviewSummary:
    entries: int
    participated: int
    rate: Decimal | None
    rated: int
    cap: int
    grades: dict[str, int]

    @property
    def grade_rows(self) -> list[tuple[str, int]]:
        return [(label, self.grades.get(value, 0)) for value, label in ReviewGrade.choices]

    @property
    def probationary(self) -> int:
        return self.entries - self.rated

    @property
    def ungraded(self) -> int:
        return self.rated - sum(self.grades.values())


def review_summary(review: MemberReview, entries: list[MemberReviewEntry] | None = None) -> ReviewSummary:
    from zhibu.lib.rules import rules_for

    items = entries if entries is not None else list(review.entries.all())
    rated = [e for e in items if not e.is_probationary]
    grades: dict[str, int] = defaultdict(int)
    for entry in rated:
        if entry.grade:
            grades[entry.grade] += 1
    participated = sum(1 for e in items if e.participated)
    return ReviewSummary(
        entries=len(items),
        participated=participated,
        rate=rules.participation_rate(participated, len(items)),
        rated=len(rated),
        cap=rules.excellent_cap(
            len(rated), rules_for(review.year).integer("review.excellent_max_denominator")
        ),
        grades=dict(grades),
    )


def review_entries(review: MemberReview) -> list[MemberReviewEntry]:
    return list(review.entries.select_related("member").order_by("member__name", "member_id"))


# ---------------------------------------------------------------------------------------------
# A member's own page


@dataclass
class MineContext:
    member: Member
    ratings: list[MemberRating]
    results: list[MemberYearResult]
    published: list[MemberYearResult]
    own_objections: list[Objection]
    entries: list[MemberReviewEntry]


def mine(member: Member, on: dt.date, user: Any) -> MineContext:
    """What a member sees of their own assessment (SPEC §0): their ratings, their results once
    published or final, the branch's list while under publication, their 民主评议 entries."""
    results = list(
        MemberYearResult.objects.filter(
            member=member, status__in=[MemberYearResult.Status.PUBLISHED, MemberYearResult.Status.FINAL]
        )
        .select_related("branch")
        .order_by("-year")
    )
    return MineContext(
        member=member,
        ratings=list(MemberRating.objects.filter(member=member).order_by("-year", "-period")[:24]),
        results=results,
        published=list(published_list(member.branch_id, None, on)),
        own_objections=list(
            Objection.objects.filter(raised_by=user).select_related("result").order_by("-raised_on", "-id")
        ),
        entries=list(
            MemberReviewEntry.objects.filter(member=member)
            .select_related("review__branch")
            .order_by("-review__year")
        ),
    )


def is_probationary_on(category_on: str | None) -> bool:
    return category_on == Category.PROBATIONARY
