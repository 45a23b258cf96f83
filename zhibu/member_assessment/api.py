"""党员考核 API (MASSESS-1…4): period ratings, year results, 民主评议 rounds, and a member's
objection to a published result.

Scoped like the pages: holders of `massess.view` see their subtree's branches; a member (a user
linked to a Member) sees their own ratings and results (once published or final), their branch's
list during publication (names and totals only) and their own 民主评议 entries. Anyone else: 403.
Out-of-scope ids: 404. Refusals: 422 with Chinese problems, as in zhibu/members/api.py."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import has_perm, in_scope, scope_q
from zhibu.lib.dates import today
from zhibu.member_assessment import rules, selectors, services
from zhibu.member_assessment.models import (
    MemberRating,
    MemberReview,
    MemberReviewEntry,
    MemberYearResult,
    Rating,
    ReviewGrade,
)
from zhibu.members.api import Input, Problem, ProblemsOut
from zhibu.members.models import Member

MAX_ID = 2**63 - 1

router = Router(tags=["党员考核"])


def _viewer(request: HttpRequest) -> tuple[Any, bool]:
    """The user and whether they hold `massess.view`; a user who neither holds it nor is a member: 403."""
    user = request.auth  # type: ignore[attr-defined]
    official = has_perm(user, "massess.view")
    if not official and user.member_id is None:
        raise PermissionDenied("您没有使用此接口的权限")
    return user, official


# ---------------------------------------------------------------------------------------------
# Schemas


class RatingOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="党支部编号")
    year: int = Field(title="年度")
    period: str = Field(title="考核期", description="Q1～Q4 季度，M01～M12 月度")
    period_label: str = Field(title="考核期名称")
    achievement: Decimal | None = Field(title="目标完成率（%）", description="无到期责任目标时为空")
    rating: Rating = Field(title="评定等次")
    rating_label: str = Field(title="评定等次名称")
    judgement: str = Field(title="定性评价")
    rated_on: dt.date = Field(title="评定日期")

    @staticmethod
    def resolve_member_name(obj: MemberRating) -> str:
        return obj.member.name

    @staticmethod
    def resolve_period_label(obj: MemberRating) -> str:
        return rules.period_label(obj.period)

    @staticmethod
    def resolve_rating_label(obj: MemberRating) -> str:
        return obj.get_rating_display()


class RatingFilters(Schema):
    branch: int | None = Field(None, ge=1, le=MAX_ID, title="党支部编号")
    year: int | None = Field(None, ge=2000, le=2100, title="年度")
    period: str | None = Field(None, pattern=r"^(Q[1-4]|M(0[1-9]|1[0-2]))$", title="考核期")
    member: int | None = Field(None, ge=1, le=MAX_ID, title="党员编号")


class ResultDetail(Schema):
    mean_points: Decimal = Field(title="期评平均分")
    bonus_quality: Decimal = Field(title="完成质量加分")
    bonus_teamwork: Decimal = Field(title="团队合作加分")
    bonus_integrity: Decimal = Field(title="党性修养和廉洁自律加分")
    basis: dict[str, Any] = Field(title="计算依据", description="折合分、加分上限和各期等次")
    finalised_on: dt.date | None = Field(title="确定日期")
    recommended_outstanding: bool = Field(title="推荐为优秀党员人选")


class ResultOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="党支部编号")
    year: int = Field(title="年度")
    total: Decimal = Field(title="年度积分")
    status: MemberYearResult.Status = Field(title="状态")
    status_label: str = Field(title="状态名称")
    published_on: dt.date | None = Field(title="公示开始")
    objection_until: dt.date | None = Field(title="公示截止", description="含当日，之前可提出异议")
    detail: ResultDetail | None = Field(
        title="明细", description="本人或有查看权限时提供；公示名单中他人的结果只有姓名和积分"
    )


class ResultFilters(Schema):
    branch: int | None = Field(None, ge=1, le=MAX_ID, title="党支部编号")
    year: int | None = Field(None, ge=2000, le=2100, title="年度")
    status: MemberYearResult.Status | None = Field(None, title="状态")


class EntryOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    is_probationary: bool = Field(title="预备党员", description="参加评议但不评定等次（规则 E-4）")
    participated: bool = Field(title="参加评议")
    self_evaluation: str = Field(title="个人自评")
    mutual_evaluation: str = Field(title="党员互评意见")
    votes_excellent: int = Field(title="测评票：优秀")
    votes_pass: int = Field(title="测评票：合格")
    votes_basic_pass: int = Field(title="测评票：基本合格")
    votes_fail: int = Field(title="测评票：不合格")
    grade: ReviewGrade | None = Field(title="评定等次")
    grade_label: str = Field(title="评定等次名称")
    opinion: str = Field(title="评定意见")
    correction_deadline: dt.date | None = Field(title="限期改正截止")
    correction_measures: str = Field(title="帮教和改正措施")


class ReviewOut(Schema):
    id: int = Field(title="编号")
    branch_id: int = Field(title="党支部编号")
    branch_name: str = Field(title="党支部")
    year: int = Field(title="年度")
    held_on: dt.date = Field(title="民主测评日期")
    voters: int = Field(title="参加测评人数")
    status: MemberReview.Status = Field(title="状态")
    closed_on: dt.date | None = Field(title="评定日期")
    entry_count: int = Field(title="评议名单人数")
    participated: int = Field(title="参加评议人数")
    participation_rate: Decimal | None = Field(
        title="参评率（%）", description="参加评议人数 / 名单人数，保留2位"
    )
    excellent_cap: int = Field(
        title="优秀上限", description="参评党员（不含预备党员）的三分之一，向下取整（规则 E-2）"
    )
    grade_counts: dict[str, int] = Field(title="各等次人数")
    entries: list[EntryOut] = Field(title="评议明细", description="党员本人只看到自己的一条")


class ReviewFilters(Schema):
    branch: int | None = Field(None, ge=1, le=MAX_ID, title="党支部编号")
    year: int | None = Field(None, ge=2000, le=2100, title="年度")


class ObjectionIn(Input):
    text: str = Field(title="异议内容", max_length=2000)


class ObjectionOut(Schema):
    id: int = Field(title="编号")
    result_id: int = Field(title="考核结果编号")
    raised_on: dt.date = Field(title="提出日期")
    text: str = Field(title="异议内容")
    outcome: str = Field(title="处理结果")


# ---------------------------------------------------------------------------------------------
# Helpers


def _result_data(result: MemberYearResult, *, detailed: bool) -> dict[str, Any]:
    return {
        "id": result.pk,
        "member_id": result.member_id,
        "member_name": result.member.name,
        "branch_id": result.branch_id,
        "year": result.year,
        "total": result.total,
        "status": result.status,
        "status_label": result.get_status_display(),
        "published_on": result.published_on,
        "objection_until": result.objection_until,
        "detail": {
            "mean_points": result.mean_points,
            "bonus_quality": result.bonus_quality,
            "bonus_teamwork": result.bonus_teamwork,
            "bonus_integrity": result.bonus_integrity,
            "basis": result.basis,
            "finalised_on": result.finalised_on,
            "recommended_outstanding": result.recommended_outstanding,
        }
        if detailed
        else None,
    }


def _entry_data(entry: MemberReviewEntry) -> dict[str, Any]:
    data = {f: getattr(entry, f) for f in EntryOut.model_fields if hasattr(entry, f)}
    data["member_name"] = entry.member.name
    data["grade"] = entry.grade or None
    data["grade_label"] = entry.get_grade_display() if entry.grade else ""
    return data


def _review_data(
    review: MemberReview, entries: list[MemberReviewEntry], shown: list[MemberReviewEntry]
) -> dict:
    summary = selectors.review_summary(review, entries)
    return {
        "id": review.pk,
        "branch_id": review.branch_id,
        "branch_name": review.branch.name,
        "year": review.year,
        "held_on": review.held_on,
        "voters": review.voters,
        "status": review.status,
        "closed_on": review.closed_on,
        "entry_count": summary.entries,
        "participated": summary.participated,
        "participation_rate": summary.rate,
        "excellent_cap": summary.cap,
        "grade_counts": {value: summary.grades.get(value, 0) for value in ReviewGrade.values},
        "entries": [_entry_data(e) for e in shown],
    }


# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "/ratings",
    response=list[RatingOut],
    summary="党员期评列表",
    description="有“查看党员考核”权限者：管辖范围内党支部的期评；党员：本人的期评。",
)
@paginate(PageNumberPagination, page_size=100)
def rating_list(request: HttpRequest, filters: Query[RatingFilters]) -> QuerySet:
    user, official = _viewer(request)
    scope = scope_q(user, "massess.view", "branch") if official else Q(pk__in=[])
    if user.member_id is not None:
        scope |= Q(member_id=user.member_id)
    qs = MemberRating.objects.filter(scope).select_related("member")
    for name, lookup in (
        ("branch", "branch_id"),
        ("year", "year"),
        ("period", "period"),
        ("member", "member_id"),
    ):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs.order_by("-year", "period", "member__name", "id")


@router.get(
    "/results",
    response=list[ResultOut],
    summary="党员年度考核结果",
    description="有“查看党员考核”权限者：管辖范围内的结果（含明细）。党员：本人已公示或已确定的结果（含明细），"
    "以及公示期内本支部的公示名单（仅姓名和积分）。",
)
@paginate(PageNumberPagination, page_size=100)
def result_list(request: HttpRequest, filters: Query[ResultFilters]) -> list[dict[str, Any]]:
    user, official = _viewer(request)
    on = today()
    scope = scope_q(user, "massess.view", "branch") if official else Q(pk__in=[])
    own_branch = None
    if user.member_id is not None:
        own = Q(
            member_id=user.member_id,
            status__in=[MemberYearResult.Status.PUBLISHED, MemberYearResult.Status.FINAL],
        )
        own_branch = Member.objects.filter(pk=user.member_id).values_list("branch_id", flat=True).first()
        published = Q(
            branch_id=own_branch,
            status=MemberYearResult.Status.PUBLISHED,
            published_on__lte=on,
            objection_until__gte=on,
        )
        scope |= own | published
    qs = MemberYearResult.objects.filter(scope).select_related("member", "branch")
    if filters.branch is not None:
        qs = qs.filter(branch_id=filters.branch)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return [
        _result_data(
            r,
            detailed=(official and in_scope(user, "massess.view", r.branch)) or r.member_id == user.member_id,
        )
        for r in qs.order_by("-year", "branch_id", "-total", "member__name", "id")
    ]


def _reviews(user: Any, official: bool) -> tuple[QuerySet, Q]:
    scope = scope_q(user, "massess.view", "branch") if official else Q(pk__in=[])
    if user.member_id is not None:
        scope |= Q(entries__member_id=user.member_id)
    return MemberReview.objects.filter(scope).distinct().select_related("branch"), scope


def _with_entries(user: Any, official: bool, reviews: list[MemberReview]) -> list[dict[str, Any]]:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        reviews,
        Prefetch(
            "entries",
            queryset=MemberReviewEntry.objects.select_related("member").order_by("member__name", "id"),
        ),
    )
    out = []
    for review in reviews:
        entries = list(review.entries.all())
        sees_all = official and in_scope(user, "massess.view", review.branch)
        shown = entries if sees_all else [e for e in entries if e.member_id == user.member_id]
        out.append(_review_data(review, entries, shown))
    return out


@router.get(
    "/reviews",
    response=list[ReviewOut],
    summary="民主评议党员",
    description="各党支部每年一次的民主评议，含参评率、各等次人数和明细；党员只看到本人参加的评议和本人的明细。",
)
def review_list(request: HttpRequest, filters: Query[ReviewFilters]) -> list[dict[str, Any]]:
    user, official = _viewer(request)
    qs, _ = _reviews(user, official)
    if filters.branch is not None:
        qs = qs.filter(branch_id=filters.branch)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    return _with_entries(user, official, list(qs.order_by("-year", "branch__path")[:200]))


@router.get("/reviews/{review_id}", response=ReviewOut, summary="民主评议详情")
def review_detail(request: HttpRequest, review_id: int) -> dict[str, Any]:
    user, official = _viewer(request)
    qs, _ = _reviews(user, official)
    review = qs.filter(pk=review_id).first() if 0 < review_id <= MAX_ID else None
    if review is None:
        raise Http404("未找到该民主评议")
    return _with_entries(user, official, [review])[0]


@router.post(
    "/results/{result_id}/objections",
    response={201: ObjectionOut, 422: ProblemsOut},
    summary="对公示的考核结果提出异议",
    description="党员在公示期内（含截止日）对本人所在党支部公示的考核结果提出异议。",
)
def objection_create(request: HttpRequest, result_id: int, payload: ObjectionIn) -> Status:
    user = request.auth  # type: ignore[attr-defined]
    if user.member_id is None:
        raise PermissionDenied("只有党员本人可以提出异议")
    branch_id = Member.objects.filter(pk=user.member_id).values_list("branch_id", flat=True).first()
    result = (
        MemberYearResult.objects.filter(pk=result_id, branch_id=branch_id)
        .select_related("member", "branch")
        .first()
        if 0 < result_id <= MAX_ID
        else None
    )
    if result is None or result.status == MemberYearResult.Status.DRAFT:
        raise Http404("未找到该考核结果")
    try:
        objection = services.objection_raise(actor=user, result=result, text=payload.text)
    except ValidationError as error:
        labels = {"text": "异议内容", "result": "考核结果"}
        return Status(
            422,
            {
                "detail": [
                    Problem(field=k, label=labels.get(k, ""), message=m)
                    for k, ms in error.message_dict.items()
                    for m in ms
                ]
            },
        )
    return Status(201, objection)
