"""Goal pages (GOAL-1…7): thin views over the services and selectors. Plans and goals are reached
through zhibu.goals.selectors (scoped; 404 outside scope); a member reaches their own goals."""

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from zhibu.accounts.scoping import has_perm, in_scope, orgs_for, require_perm
from zhibu.goals import exports, selectors, services
from zhibu.goals.forms import (
    AdoptForm,
    AnnualReviewForm,
    CancelForm,
    EvaluationForm,
    ExcellencePlanForm,
    ExcellenceReviewForm,
    GoalForm,
    PlanForm,
    ProgressForm,
    ResponsibilityRowForm,
)
from zhibu.goals.models import Aspect, Goal, GoalPlan, Level, Measure, ProgressAttachment
from zhibu.goals.rules import EQUAL_WEIGHTS_NOTE, Status
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.xlsx import xlsx_response
from zhibu.meetings.models import Kind, Meeting
from zhibu.members.models import Member

# ---------------------------------------------------------------------------------------------
# Plans


@require_perm("goals.view")
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_for(request.user).order_by("-year", "organisation__path"))
    year = request.GET.get("year", "")
    if year.isdigit():
        plans = [p for p in plans if p.year == int(year)]
    trees = selectors.trees_for([p.pk for p in plans])
    rows = [{"plan": p, "tree": trees.get(p.pk)} for p in plans]
    years = sorted({p.year for p in plans}, reverse=True)
    return render(
        request,
        "goals/plan_list.html",
        {"rows": rows, "years": years, "year": year, "can_edit": has_perm(request.user, "goals.edit")},
    )


@require_perm("goals.edit")
def plan_create(request: HttpRequest) -> HttpResponse:
    organisations = orgs_for(request.user, "goals.edit")
    initial: dict[str, Any] = {"year": today().year}
    if request.GET.get("organisation"):
        initial["organisation"] = organisations.filter(pk=request.GET["organisation"]).first()
    form = PlanForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "年度目标计划已建立，请逐项填写年度目标。")
            return redirect("goals:plan_detail", pk=plan.pk)
    return render(request, "goals/form.html", {"form": form, "title": "新建年度目标计划"})


@require_perm("goals.view")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.view", pk)
    tree = selectors.plan_tree(plan)
    branch_goals = [n for n in tree.roots if n.goal.member_id is None]
    responsibility = [n for n in tree.roots if n.goal.member_id is not None]
    members = []
    if plan.organisation.kind == "branch":
        members = list(Member.objects.filter(branch=plan.organisation, is_active=True).order_by("name"))
        counts: dict[int, int] = {}
        for node in responsibility:
            if not node.goal.is_cancelled:
                counts[node.goal.member_id] = counts.get(node.goal.member_id, 0) + 1
        for member in members:
            member.goal_count = counts.get(member.pk, 0)  # type: ignore[attr-defined]
    # Members' goals grouped per member, folded: a branch of 55 has 275 of them.
    by_member: dict[int, list[Any]] = {}
    for node in responsibility:
        by_member.setdefault(node.goal.member_id, []).append(node)
    attention = (Status.OVERDUE, Status.AT_RISK)
    responsibility_groups = [
        {
            "member": nodes[0].goal.member,
            "nodes": nodes,
            "attention": sum(1 for n in nodes if n.status in attention and not n.goal.is_cancelled),
            "done": sum(1 for n in nodes if n.status == Status.DONE),
        }
        for nodes in by_member.values()
    ]
    responsibility_groups.sort(key=lambda g: (-g["attention"], g["member"].name))
    context = {
        "plan": plan,
        "tree": tree,
        "branch_goals": branch_goals,
        "responsibility": responsibility,
        "responsibility_groups": responsibility_groups,
        "members": members,
        "review": getattr(plan, "review", None) if hasattr(plan, "review") else None,
        "can_edit": in_scope(request.user, "goals.edit", plan.organisation),
        "equal_weights_note": EQUAL_WEIGHTS_NOTE,
        "statuses": Status.CHOICES,
        "next_plan": GoalPlan.objects.filter(organisation=plan.organisation, year=plan.year + 1).first(),
    }
    return render(request, "goals/plan_detail.html", context)


@require_perm("goals.edit")
def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.edit", pk)
    meetings = Meeting.objects.filter(
        organisation=plan.organisation,
        kind=Kind.GENERAL_MEETING,
        held_on__gte=dt.date(plan.year - 1, 12, 1),
        held_on__lte=dt.date(plan.year, 12, 31),
    ).order_by("held_on")
    form = AdoptForm(request.POST or None, meetings=meetings, initial={"meeting": meetings.first()})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_adopt(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已登记党员大会通过年度目标。")
            return redirect("goals:plan_detail", pk=plan.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"党员大会通过：{plan}", "back": plan.get_absolute_url()},
    )


@require_perm("goals.edit")
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.edit", pk)
    if request.method == "POST":
        try:
            copy = services.plan_copy(actor=request.user, plan=plan, to_year=plan.year + 1)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("goals:plan_detail", pk=plan.pk)
        messages.success(
            request, f"已复制为{copy.year}年度目标草稿；请核对日期、目标值和责任人后提交党员大会通过。"
        )
        return redirect("goals:plan_detail", pk=copy.pk)
    return render(
        request,
        "goals/confirm.html",
        {
            "title": f"复制为{plan.year + 1}年度目标草稿",
            "text": (
                "将复制全部目标的分解结构：日期顺延一年，进展和完成情况清空，不再在本组织的责任人需重新指定。"
            ),
            "button": "复制",
            "back": plan.get_absolute_url(),
        },
    )


@require_perm("goals.view")
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.view", pk)
    content = exports.plan_workbook(selectors.plan_tree(plan))
    return xlsx_response(content, f"{plan.organisation.name}{plan.year}年度目标.xlsx")


@require_perm("goals.edit")
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.edit", pk)
    form = AnnualReviewForm(request.POST or None, initial={"held_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.annual_review_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "总结讲评已记录。")
            if review.next_year_plan_id:
                messages.info(request, f"{plan.year + 1}年度目标草稿已生成。")
            return redirect("goals:plan_detail", pk=plan.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"年度总结讲评：{plan}", "back": plan.get_absolute_url()},
    )


# ---------------------------------------------------------------------------------------------
# Goals


def _goal_initial(plan: GoalPlan, parent: Goal | None) -> dict[str, Any]:
    if parent is None:
        return {"level": Level.ANNUAL, "measure": Measure.NUMBER, "due_on": f"{plan.year}-12-31"}
    level = {
        Level.ANNUAL: Level.QUARTERLY,
        Level.QUARTERLY: Level.MONTHLY,
        Level.MONTHLY: Level.TASK,
        Level.TASK: Level.TASK,
    }[Level(parent.level)]
    return {
        "parent": parent,
        "level": level,
        "measure": parent.measure,
        "unit": parent.unit,
        "due_on": parent.due_on,
        "owner": parent.owner,
    }


@require_perm("goals.edit")
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_or_404(request.user, "goals.edit", pk)
    parent = None
    if request.GET.get("parent"):
        parent = Goal.objects.filter(plan=plan, pk=request.GET["parent"]).first()
    form = GoalForm(request.POST or None, plan=plan, initial=_goal_initial(plan, parent))
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已添加{goal.get_level_display()}“{goal.title}”。")
            return redirect("goals:plan_detail", pk=plan.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"添加目标：{plan}", "back": plan.get_absolute_url()},
    )


@login_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_or_404(request.user, "goals.view", pk)
    node = selectors.nodes_for([goal])[goal.pk]
    updates = goal.updates.select_related("reported_by").prefetch_related("attachments")
    context = {
        "goal": goal,
        "node": node,
        "updates": updates,
        "evaluation": getattr(goal, "evaluation", None) if hasattr(goal, "evaluation") else None,
        "can_edit": selectors.may_edit_goal(request.user, goal),
        "can_report": selectors.may_report(request.user, goal) and not goal.is_cancelled,
        "can_view_plan": in_scope(request.user, "goals.view", goal.plan.organisation),
        "form": ProgressForm(goal=goal, initial={"reported_on": today()}),
    }
    return render(request, "goals/goal_detail.html", context)


@require_perm("goals.edit")
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_or_404(request.user, "goals.edit", pk, own=False)
    names = list(GoalForm.base_fields)
    form = GoalForm(request.POST or None, plan=goal.plan, initial={n: getattr(goal, n) for n in names})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("goals:goal_detail", pk=goal.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"编辑目标：{goal.title}", "back": goal.get_absolute_url()},
    )


@require_perm("goals.edit")
def goal_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_or_404(request.user, "goals.edit", pk, own=False)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_cancel(actor=request.user, goal=goal, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "目标已取消（其下级目标一并取消），不再计入汇总进度。")
            return redirect("goals:plan_detail", pk=goal.plan_id)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"取消目标：{goal.title}", "back": goal.get_absolute_url(), "danger": True},
    )


@require_perm("goals.edit")
def goal_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    goal = selectors.get_goal_or_404(request.user, "goals.edit", pk, own=False)
    existing = getattr(goal, "evaluation", None) if hasattr(goal, "evaluation") else None
    initial: dict[str, Any] = {"evaluated_on": today(), "achieved_value": goal.current_value}
    if existing:
        initial |= {
            "achieved": existing.achieved,
            "achieved_value": existing.achieved_value,
            "difficulties": existing.difficulties,
            "contribution": existing.contribution,
        }
    else:
        initial["achieved"] = goal.completed_on is not None
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_evaluate(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "目标评估已保存。")
            return redirect("goals:goal_detail", pk=goal.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"年终评估：{goal.title}", "back": goal.get_absolute_url()},
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def progress_report(request: HttpRequest, pk: int) -> HttpResponse:
    """GOAL-5: the 责任人, the member of a responsibility goal, or an editor reports progress.
    Anyone else gets 404, as if the goal did not exist."""
    goal = selectors.get_goal_or_404(request.user, "goals.edit", pk)
    if not selectors.may_report(request.user, goal):
        raise Http404("未找到该目标")
    form = ProgressForm(
        request.POST or None, request.FILES or None, goal=goal, initial={"reported_on": today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(
                actor=request.user,
                goal=goal,
                reported_on=data["reported_on"],
                value=data.get("value"),
                done=data.get("done", False),
                note=data["note"],
                files=data.get("files") or [],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已填报“{goal.title}”的进展。")
            return redirect(_safe_next(request, goal.get_absolute_url()))
    return render(
        request,
        "goals/progress_form.html",
        {"form": form, "goal": goal, "next": _safe_next(request, "")},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is streamed after the goal's scope check — never a public MEDIA url."""
    try:
        item = ProgressAttachment.objects.select_related("update").get(pk=pk)
    except (ProgressAttachment.DoesNotExist, ValueError):
        raise Http404("未找到该文件") from None
    selectors.get_goal_or_404(request.user, "goals.view", item.update.goal_id)
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Member responsibility goals (GOAL-4)


@require_perm("goals.edit")
def responsibility(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """The secretary sets one member's responsibility goals, the five aspects on one page."""
    plan = selectors.get_plan_or_404(request.user, "goals.edit", pk)
    member = Member.objects.filter(pk=member_pk, branch=plan.organisation, is_active=True).first()
    if member is None:
        raise Http404("未找到该党员")
    rows = [
        ResponsibilityRowForm(request.POST or None, aspect=aspect, initial={"due_on": f"{plan.year}-12-31"})
        for aspect in Aspect.values
    ]
    if request.method == "POST" and all(row.is_valid() for row in rows):
        filled = [row for row in rows if (row.cleaned_data.get("title") or "").strip()]
        failed = False
        created = 0
        for row in filled:
            data = row.cleaned_data
            try:
                services.goal_create(
                    actor=request.user,
                    plan=plan,
                    responsibility=True,
                    member=member,
                    aspect=row.aspect,
                    level=Level.ANNUAL,
                    title=data["title"],
                    measure=data["measure"],
                    unit=data.get("unit") or "",
                    target_value=data.get("target_value"),
                    due_on=data.get("due_on"),
                )
                created += 1
            except ValidationError as error:
                apply_errors(row, error)
                failed = True
        if not failed:
            if created:
                messages.success(request, f"已为{member.name}添加{created}项责任目标。")
            return redirect("goals:responsibility", pk=plan.pk, member_pk=member.pk)
    existing = selectors.member_goal_nodes(member.pk)
    by_aspect = {
        aspect: [n for n in existing if n.goal.aspect == aspect and n.goal.plan_id == plan.pk]
        for aspect in Aspect.values
    }
    sections = [{"aspect": Aspect(row.aspect), "form": row, "nodes": by_aspect[row.aspect]} for row in rows]
    return render(
        request, "goals/responsibility.html", {"plan": plan, "member": member, "sections": sections}
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member's own goals, phone-first, each with a small progress form."""
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        raise Http404("您的账号没有关联党员信息")
    nodes = selectors.member_goal_nodes(member_id)
    year = today().year
    current = [n for n in nodes if n.goal.plan.year == year]
    other = [n for n in nodes if n.goal.plan.year != year]
    rows = [
        {
            "node": n,
            "form": ProgressForm(goal=n.goal, initial={"reported_on": today()}, prefix=f"g{n.goal.pk}"),
        }
        for n in current
    ]
    return render(request, "goals/mine.html", {"rows": rows, "other": other, "year": year})


@login_required
def mine_export(request: HttpRequest) -> HttpResponse:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        raise Http404("您的账号没有关联党员信息")
    member = Member.objects.get(pk=member_id)
    content = exports.member_workbook(member, selectors.member_goal_nodes(member_id))
    return xlsx_response(content, f"{member.name}的目标.xlsx")


# ---------------------------------------------------------------------------------------------
# 创先争优 (GOAL-7)


@require_perm("goals.view")
def excellence_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.excellence_plans_for(request.user).order_by("-year", "organisation__path")
    return render(
        request,
        "goals/excellence_list.html",
        {"plans": plans, "can_edit": has_perm(request.user, "goals.edit")},
    )


@require_perm("goals.edit")
def excellence_create(request: HttpRequest) -> HttpResponse:
    organisations = orgs_for(request.user, "goals.edit")
    form = ExcellencePlanForm(
        request.POST or None,
        organisations=organisations,
        initial={"year": today().year, "adopted_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.excellence_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "创先争优规划已保存。")
            return redirect("goals:excellence_detail", pk=plan.pk)
    return render(request, "goals/form.html", {"form": form, "title": "制定创先争优规划"})


@require_perm("goals.view")
def excellence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_excellence_plan_or_404(request.user, "goals.view", pk)
    return render(
        request,
        "goals/excellence_detail.html",
        {
            "plan": plan,
            "candidates": plan.candidates.order_by("name"),
            "reviews": plan.reviews.all(),
            "can_edit": in_scope(request.user, "goals.edit", plan.organisation),
        },
    )


@require_perm("goals.edit")
def excellence_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_excellence_plan_or_404(request.user, "goals.edit", pk)
    form = ExcellenceReviewForm(request.POST or None, initial={"reviewed_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.excellence_review_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "对照检查已记录。")
            return redirect("goals:excellence_detail", pk=plan.pk)
    return render(
        request,
        "goals/form.html",
        {"form": form, "title": f"对照检查：{plan}", "back": plan.get_absolute_url()},
    )


@require_perm("goals.view")
def excellence_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_excellence_plan_or_404(request.user, "goals.view", pk)
    return xlsx_response(exports.excellence_workbook(plan), f"{plan}.xlsx")
