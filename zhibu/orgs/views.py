from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from zhibu.accounts.scoping import (
    get_org_or_404,
    has_perm,
    in_scope,
    members_for,
    orgs_for,
    require_perm,
)
from zhibu.goals.models import GoalPlan
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.members.models import Member
from zhibu.orgs import services
from zhibu.orgs.forms import (
    CommitteeForm,
    ContactPointForm,
    DissolveForm,
    FourSyncForm,
    MoveForm,
    OrganisationForm,
    SeatEndForm,
    SeatForm,
    VisitForm,
)
from zhibu.orgs.models import BranchCommittee, CommitteeMember, ContactPoint, FourSyncRecord, Organisation
from zhibu.orgs.selectors import branch_overview, visible_tree


@require_perm("orgs.view")
def tree(request: HttpRequest) -> HttpResponse:
    show_inactive = request.GET.get("inactive") == "1"
    context = {
        "roots": visible_tree(request.user, include_inactive=show_inactive),
        "show_inactive": show_inactive,
        "can_structure": has_perm(request.user, "orgs.structure"),
    }
    return render(request, "orgs/tree.html", context)


@require_perm("orgs.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.view", pk)
    user = request.user
    context: dict[str, Any] = {
        "org": org,
        "overview": branch_overview(org),
        "children": org.children.filter(is_active=True).order_by("sort_order", "code"),
        "moves": org.moves.select_related("from_parent", "to_parent")[:10],
        "contact_points": ContactPoint.objects.filter(organisation=org)
        .select_related("leader")
        .prefetch_related("visits")
        .order_by("-start_on"),
        "four_sync": FourSyncRecord.objects.filter(organisation=org).first(),
        "can_structure": in_scope(user, "orgs.structure", org),
        "can_committee": in_scope(user, "orgs.committee", org) and org.kind != "group",
        "can_oversight": in_scope(user, "orgs.oversight", org),
        "can_members": in_scope(user, "members.view", org),
        "can_meetings": in_scope(user, "meetings.view", org),
        "can_goals": in_scope(user, "goals.view", org),
        "can_massess": in_scope(user, "massess.view", org),
        "year": today().year,
        "goal_plan": GoalPlan.objects.filter(organisation=org, year=today().year).first()
        if org.kind != Organisation.Kind.GROUP
        else None,
    }
    return render(request, "orgs/detail.html", context)


def _structure_parents(user: Any) -> Any:
    return orgs_for(user, "orgs.structure").filter(is_active=True).order_by("path")


@require_perm("orgs.structure")
def create(request: HttpRequest) -> HttpResponse:
    parents = _structure_parents(request.user)
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = parents.filter(pk=request.GET["parent"]).first()
    form = OrganisationForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["parent"] is None and not request.user.is_superuser:
            form.add_error("parent", "请选择上级组织（新的最高一级党委只能由导入或超级用户建立）")
        else:
            try:
                org = services.organisation_create(actor=request.user, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"已新建{org.get_kind_display()}：{org.name}")
                return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": "新建党组织"})


@require_perm("orgs.structure")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.structure", pk)
    fields = (
        "code",
        "name",
        "short_name",
        "kind",
        "founded_on",
        "unit_name",
        "is_village_or_community",
        "address",
        "phone",
        "sort_order",
    )
    form = OrganisationForm(
        request.POST or None,
        parents=_structure_parents(request.user),
        editing=True,
        initial={name: getattr(org, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"编辑：{org.name}", "org": org})


@require_perm("orgs.structure")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.structure", pk)
    parents = _structure_parents(request.user).exclude(path__startswith=org.path)
    form = MoveForm(request.POST or None, parents=parents, initial={"moved_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "隶属关系已调整，调整记录已保存。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"调整隶属关系：{org.name}", "org": org})


@require_perm("orgs.structure")
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.structure", pk)
    form = DissolveForm(request.POST or None, initial={"dissolved_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_dissolve(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{org.name}已撤销（历史记录保留）。")
            return redirect("orgs:tree")
    return render(
        request, "orgs/form.html", {"form": form, "title": f"撤销：{org.name}", "org": org, "danger": True}
    )


@require_perm("orgs.committee")
def committee_elect(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.committee", pk)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_elect(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已登记换届选举，请增补本届委员。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"换届选举：{org.name}", "org": org})


def _committee(request: HttpRequest, pk: int) -> BranchCommittee:
    committee = get_object_or_404(BranchCommittee.objects.select_related("organisation"), pk=pk)
    if not in_scope(request.user, "orgs.committee", committee.organisation):
        raise Http404("未找到该委员会")
    return committee


@require_perm("orgs.committee")
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    fields = ("elected_on", "term_start", "term_end", "approval_ref", "notes")
    form = CommitteeForm(request.POST or None, initial={f: getattr(committee, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            services.committee_update(actor=request.user, committee=committee, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:detail", pk=committee.organisation_id)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": f"修改届次：{committee}", "org": committee.organisation},
    )


@require_perm("orgs.committee")
def seat_add(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee(request, pk)
    org = committee.organisation
    candidates = (
        Member.objects.filter(branch__path__startswith=org.path, is_active=True, category="full")
        .select_related("branch")
        .order_by("branch__path", "name")
    )
    form = SeatForm(request.POST or None, members=candidates, initial={"start_on": committee.term_start})
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_seat_add(actor=request.user, committee=committee, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "委员已增补。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"增补委员：{org.name}", "org": org})


@require_perm("orgs.committee")
def seat_end(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(
        CommitteeMember.objects.select_related("committee__organisation", "member"), pk=pk
    )
    org = seat.committee.organisation
    if not in_scope(request.user, "orgs.committee", org):
        raise Http404("未找到该委员")
    form = SeatEndForm(request.POST or None, initial={"end_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_seat_end(actor=request.user, seat=seat, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已办理离任。")
            return redirect("orgs:detail", pk=org.pk)
    title = f"离任：{seat.get_post_display()} {seat.member.name}"
    return render(request, "orgs/form.html", {"form": form, "title": title, "org": org})


def _leaders(user: Any) -> Any:
    """Committee-level leaders: members on a current committee of a 党委 or 党总支 in scope."""
    scope = orgs_for(user, "orgs.oversight").filter(kind__in=["party_committee", "general_branch"])
    return (
        members_for(user, "members.view")
        .filter(
            committee_seats__committee__organisation__in=scope,
            committee_seats__committee__is_current=True,
            committee_seats__end_on__isnull=True,
        )
        .distinct()
        .order_by("name")
    )


@require_perm("orgs.oversight")
def contact_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.oversight", pk)
    form = ContactPointForm(
        request.POST or None, leaders=_leaders(request.user), initial={"start_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_point_create(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "联系点已建立。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"建立联系点：{org.name}", "org": org})


@require_perm("orgs.oversight")
def visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(ContactPoint.objects.select_related("organisation", "leader"), pk=pk)
    org = point.organisation
    if not in_scope(request.user, "orgs.oversight", org):
        raise Http404("未找到该联系点")
    form = VisitForm(request.POST or None, initial={"visited_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_visit_record(actor=request.user, contact_point=point, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "联系点活动已记录。")
            return redirect("orgs:detail", pk=org.pk)
    title = f"记录联系点活动：{point.leader.name} → {org.name}"
    return render(request, "orgs/form.html", {"form": form, "title": title, "org": org})


@require_perm("orgs.oversight")
def four_sync_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "orgs.oversight", pk)
    record = FourSyncRecord.objects.filter(organisation=org).first()
    fields = ("org_set_up", "cadres_assigned", "rules_made", "work_assessed", "checked_on", "notes")
    initial = {f: getattr(record, f) for f in fields} if record else {"checked_on": today()}
    form = FourSyncForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.four_sync_update(actor=request.user, organisation=org, **form.cleaned_data)
        messages.success(request, "“四个同步”情况已保存。")
        return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "title": f"四个同步：{org.name}", "org": org})


KIND_BADGES = {
    Organisation.Kind.PARTY_COMMITTEE: "danger",
    Organisation.Kind.GENERAL_BRANCH: "warning",
    Organisation.Kind.BRANCH: "primary",
    Organisation.Kind.GROUP: "secondary",
}
