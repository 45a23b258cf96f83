"""A member's own assessment (`/assessment/members/mine/`, phone-friendly): their period ratings,
their year result once published or final, the branch's list under publication with the objection
form, their 民主评议 entry and 个人自评 form. Reached through `user.member_id` only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhibu.accounts.http import AuthedRequest
from zhibu.lib.dates import today
from zhibu.member_assessment import rules, selectors, services
from zhibu.member_assessment.models import MemberReview, MemberReviewEntry, MemberYearResult
from zhibu.members.models import Member


def _member(request: AuthedRequest) -> Member:
    if request.user.member_id is None:
        raise Http404("您的账号没有关联党员信息")
    return Member.objects.select_related("branch").get(pk=request.user.member_id)


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    member = _member(request)
    on = today()
    context = selectors.mine(member, on, request.user)
    return render(
        request,
        "member_assessment/mine.html",
        {
            "mine": context,
            "ratings": [(r, rules.period_label(r.period)) for r in context.ratings],
            "today": on,
            "open_entries": [e for e in context.entries if e.review.status == MemberReview.Status.OPEN],
        },
    )


@require_POST
@login_required
def mine_objection(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request)
    # Only results of the member's own branch under publication are reachable (else "not found").
    result = (
        MemberYearResult.objects.filter(branch_id=member.branch_id, status=MemberYearResult.Status.PUBLISHED)
        .select_related("member", "branch")
        .filter(pk=pk)
        .first()
    )
    if result is None:
        raise Http404("未找到该考核结果")
    try:
        services.objection_raise(actor=request.user, result=result, text=request.POST.get("text", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已就{result.member.name}的考核结果提出异议，党支部将予以答复。")
    return redirect("member_assessment:mine")


@require_POST
@login_required
def mine_self_evaluation(request: AuthedRequest, pk: int) -> HttpResponse:
    member = _member(request)
    entry = (
        MemberReviewEntry.objects.filter(member=member, pk=pk)
        .select_related("review__branch", "member")
        .first()
    )
    if entry is None:
        raise Http404("未找到该民主评议")
    try:
        services.review_self_evaluation_save(
            actor=request.user, entry=entry, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "个人自评已保存。")
    return redirect("member_assessment:mine")
