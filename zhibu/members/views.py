from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from zhibu.accounts.http import AuthedRequest
from zhibu.accounts.scoping import get_member_or_404, has_perm, in_scope, orgs_for, require_perm
from zhibu.development.models import DevelopmentFile
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.members import services
from zhibu.members.discipline import member_disciplines
from zhibu.members.forms import MemberForm, StatusChangeForm, TransferForm
from zhibu.members.mobile import member_mobile
from zhibu.members.models import Category, Member, Standing
from zhibu.members.selectors import FILTERS, member_search
from zhibu.orgs.models import Organisation


@require_perm("members.view")
def member_list(request: HttpRequest) -> HttpResponse:
    members = member_search(request.user, request.GET)
    page = Paginator(members, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": {name: request.GET.get(name, "") for name in FILTERS},
        "branches": orgs_for(request.user, "members.view")
        .filter(kind__in=["general_branch", "branch", "group"], is_active=True)
        .order_by("path"),
        "categories": Category.choices,
        "standings": Standing.choices,
        "can_edit": has_perm(request.user, "members.edit"),
        "can_full_export": has_perm(request.user, "members.id_number"),
    }
    return render(request, "members/list.html", context)


@require_perm("members.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.view", pk)
    return render(request, "members/detail.html", _detail_context(request, member))


def _detail_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    return {
        "member": member,
        "placements": member.placements.select_related("branch", "group").order_by("-start_on", "-id"),
        "status_changes": member.status_changes.order_by("-effective_on", "-id"),
        "transfers": member.transfers.select_related("from_branch", "to_branch"),
        "seats": member.committee_seats.select_related("committee__organisation").order_by("-start_on"),
        "can_edit": in_scope(request.user, "members.edit", member.branch),
        "can_reveal": in_scope(request.user, "members.id_number", member.branch),
        "today": today(),
        # 培训档案 (MEM-5) and 流动党员 (MEM-3): zhibu/members/training.py, mobile.py
        "trainings": member.trainings.order_by("-end_on", "-id"),
        "mobile_rows": member_mobile(member),
        # 党纪处分 (RULES B-6): zhibu/members/discipline.py
        "discipline_rows": member_disciplines(member),
        # Links to the person's 入党档案 (DEV-1) and dues page (DUES-1), where the user may go.
        "development_file": DevelopmentFile.objects.filter(member=member).only("pk", "stage").first(),
        "can_development": in_scope(request.user, "development.view", member.branch),
        "can_open_file": in_scope(request.user, "development.edit", member.branch)
        and member.is_active
        and member.category != Category.FULL,
        "can_dues": in_scope(request.user, "dues.view", member.branch) and member.is_party_member,
    }


@require_POST
@require_perm("members.id_number")
def member_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the full 公民身份号码, logged (MEM-6)."""
    member = get_member_or_404(request.user, "members.id_number", pk)
    value = services.member_reveal_id_number(
        actor=request.user, member=member, ip_address=request.META.get("REMOTE_ADDR")
    )
    return HttpResponse(
        format_html(
            '<span id="id-number-box"><span id="id-number"><code>{}</code></span>'
            ' <span class="text-muted small">（本次查看已记入审计日志）</span></span>',
            value,
        )
    )


@require_perm("members.edit")
def member_create(request: HttpRequest) -> HttpResponse:
    branches = orgs_for(request.user, "members.edit")
    initial: dict[str, Any] = {"category": Category.FULL, "dues_category": "employed"}
    if request.GET.get("branch"):
        initial["branch"] = branches.filter(pk=request.GET["branch"]).first()
    form = MemberForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记党员 {member.name}。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "title": "新增党员"})


@require_perm("members.edit")
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    names = list(MemberForm.base_fields)
    # The form shows the masked number (MEM-6: the full one only through the logged reveal); sent back
    # unchanged it means "keep the number", a new full number corrects it.
    initial = {name: getattr(member, name) for name in names} | {"id_number": member.masked_id_number}
    form = MemberForm(
        request.POST or None, branches=orgs_for(request.user, "members.edit"), editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("category", "branch", "group")}
        if data.get("id_number") == member.masked_id_number:
            del data["id_number"]
        # Left empty, birth date and gender keep their value, or follow a corrected number.
        for name in ("gender", "birth_date"):
            if not data.get(name):
                data.pop(name, None)
        try:
            services.member_update(actor=request.user, member=member, reason="信息维护", **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/form.html", {"form": form, "title": f"编辑：{member.name}", "member": member}
    )


@require_perm("members.edit")
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    form = StatusChangeForm(request.POST or None, initial={"effective_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_change_status(
                actor=request.user,
                member=member,
                field=data["field"],
                new_value=data["new_value"],
                effective_on=data["effective_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "状态变更已登记。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/form.html", {"form": form, "title": f"状态变更：{member.name}", "member": member}
    )


@require_perm("members.edit")
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    top = Organisation.objects.get(pk=member.branch.ancestor_ids()[0])
    branches = Organisation.objects.filter(path__startswith=top.path)
    form = TransferForm(request.POST or None, branches=branches, initial={"transferred_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_transfer(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "组织关系转接已办理，历史记录已保存。")
            if in_scope(request.user, "members.view", Member.objects.get(pk=member.pk).branch):
                return redirect("members:detail", pk=member.pk)
            return redirect("members:list")
    return render(
        request,
        "members/form.html",
        {"form": form, "title": f"组织关系转接：{member.name}", "member": member},
    )


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """A member's own record (SPEC §0: every member sees their own)."""
    if request.user.member_id is None:
        raise Http404("您的账号没有关联党员信息")
    member = Member.objects.select_related("branch", "group").get(pk=request.user.member_id)
    context = _detail_context(request, member) | {"own": True, "can_edit": False, "can_reveal": False}
    return render(request, "members/detail.html", context)
