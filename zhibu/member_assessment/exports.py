"""Every list exports to .xlsx (DOC-4): a branch's period ratings of a year, its year results and a
民主评议 round's entries. Each export is audited, as the other exports are."""

from django.http import HttpRequest, HttpResponse

from zhibu.accounts.scoping import require_perm
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.xlsx import workbook_bytes, xlsx_response
from zhibu.member_assessment import rules, selectors
from zhibu.member_assessment.models import MemberRating
from zhibu.member_assessment.views import _year

RATING_HEADERS = ["党支部", "年度", "考核期", "姓名", "目标完成率（%）", "评定等次", "定性评价", "评定日期"]
RESULT_HEADERS = [
    "党支部",
    "年度",
    "姓名",
    "期评平均分",
    "完成质量加分",
    "团队合作加分",
    "党性修养和廉洁自律加分",
    "年度积分",
    "状态",
    "公示开始",
    "公示截止",
    "确定日期",
    "推荐为优秀党员人选",
]
REVIEW_HEADERS = [
    "党支部",
    "年度",
    "姓名",
    "预备党员",
    "参加评议",
    "个人自评",
    "党员互评意见",
    "测评票：优秀",
    "测评票：合格",
    "测评票：基本合格",
    "测评票：不合格",
    "评定等次",
    "评定意见",
    "帮教和改正措施",
    "限期改正截止",
]


def _audited(
    request: HttpRequest, content: bytes, *, object_type: str, label: str, branch: object
) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=object_type,
        object_repr=label,
        organisation=branch,
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(content, f"{label}.xlsx")


@require_perm("massess.view")
def ratings_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    branch, year = selectors.get_branch_or_404(request.user, "massess.view", pk), _year(year)
    ratings = (
        MemberRating.objects.filter(branch=branch, year=year)
        .select_related("member")
        .order_by("period", "member__name", "member_id")
    )
    rows = (
        [
            branch.name,
            year,
            rules.period_label(r.period),
            r.member.name,
            r.achievement,
            r.get_rating_display(),
            r.judgement,
            r.rated_on,
        ]
        for r in ratings
    )
    content = workbook_bytes("党员期评", RATING_HEADERS, rows)
    label = f"{branch.name}{year}年党员目标考核"
    return _audited(
        request, content, object_type="member_assessment.memberrating", label=label, branch=branch
    )


@require_perm("massess.view")
def results_export(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    branch, year = selectors.get_branch_or_404(request.user, "massess.view", pk), _year(year)
    rows = (
        [
            branch.name,
            year,
            r.member.name,
            r.mean_points,
            r.bonus_quality,
            r.bonus_teamwork,
            r.bonus_integrity,
            r.total,
            r.get_status_display(),
            r.published_on,
            r.objection_until,
            r.finalised_on,
            r.recommended_outstanding,
        ]
        for r in selectors.branch_results(branch, year)
    )
    content = workbook_bytes("年度考核结果", RESULT_HEADERS, rows)
    label = f"{branch.name}{year}年党员年度考核结果"
    return _audited(
        request, content, object_type="member_assessment.memberyearresult", label=label, branch=branch
    )


@require_perm("massess.view")
def review_export(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_or_404(request.user, "massess.view", pk)
    rows = (
        [
            review.branch.name,
            review.year,
            e.member.name,
            e.is_probationary,
            e.participated,
            e.self_evaluation,
            e.mutual_evaluation,
            e.votes_excellent,
            e.votes_pass,
            e.votes_basic_pass,
            e.votes_fail,
            e.get_grade_display() if e.grade else ("不评定（预备党员）" if e.is_probationary else ""),
            e.opinion,
            e.correction_measures,
            e.correction_deadline,
        ]
        for e in selectors.review_entries(review)
    )
    content = workbook_bytes("民主评议党员", REVIEW_HEADERS, rows)
    label = f"{review.branch.name}{review.year}年民主评议党员"
    return _audited(
        request, content, object_type="member_assessment.memberreview", label=label, branch=review.branch
    )
