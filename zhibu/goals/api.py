"""目标 API (GOAL-1…5): plans, the goal tree with progress and status, goals with filters, one goal
with its updates, and progress reports (JSON, no files). Scoped like the pages: `goals.view` for
plans and lists; a member without it reaches their own goals (`mine=true`, their goal's detail)
and reports progress only on those."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import has_perm
from zhibu.goals import selectors, services
from zhibu.goals.models import GoalPlan, Level
from zhibu.goals.rules import Node
from zhibu.goals.rules import Status as GoalStatus
from zhibu.members.api import MAX_ID, Input, ProblemsOut

router = Router(tags=["目标"])


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _viewer(request: HttpRequest) -> Any:
    user = _user(request)
    if not has_perm(user, "goals.view"):
        raise PermissionDenied("您没有使用此接口的权限")
    return user


class PlanOut(Schema):
    id: int = Field(title="编号")
    organisation_id: int = Field(title="党组织编号")
    organisation_name: str = Field(title="党组织")
    year: int = Field(title="年度")
    title: str = Field(title="名称")
    status: GoalPlan.Status = Field(title="状态", description="draft 草稿，adopted 已通过")
    adopted_on: dt.date | None = Field(title="党员大会通过日期")
    adopted_at: str = Field(title="通过的会议")
    copied_from_id: int | None = Field(title="复制自（计划编号）")

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj["organisation_name"] if isinstance(obj, dict) else obj.organisation.name


class GoalOut(Schema):
    id: int = Field(title="编号")
    plan_id: int = Field(title="计划编号")
    year: int = Field(title="年度")
    organisation_id: int = Field(title="党组织编号")
    parent_id: int | None = Field(title="上级目标编号")
    aligned_to_id: int | None = Field(title="对应上级党组织目标编号")
    level: Level = Field(title="层级")
    title: str = Field(title="目标")
    measure: str = Field(title="衡量方式", description="number 数量指标，deliverable 完成与否")
    unit: str = Field(title="单位")
    target_value: Decimal | None = Field(title="目标值")
    current_value: Decimal | None = Field(title="当前值")
    start_on: dt.date | None = Field(title="开始日期")
    due_on: dt.date = Field(title="完成日期")
    completed_on: dt.date | None = Field(title="实际完成日期")
    owner_id: int | None = Field(title="责任人编号")
    owner_name: str | None = Field(title="责任人")
    member_id: int | None = Field(title="党员编号（责任目标）")
    aspect: int | None = Field(title="责任目标方面（1–5）")
    weight: Decimal | None = Field(title="权重")
    is_cancelled: bool = Field(title="已取消")
    progress_percent: Decimal = Field(
        title="进度（%）", description="子目标按权重（或平均）汇总，保留一位小数"
    )
    status: str = Field(title="状态", description="not_started/in_progress/done/overdue/at_risk")
    status_label: str = Field(title="状态名称")


class GoalTreeOut(GoalOut):
    children: list["GoalTreeOut"] = Field(title="下级目标")


class PlanDetailOut(PlanOut):
    progress_percent: Decimal = Field(title="总体进度（%）")
    goals: list[GoalTreeOut] = Field(title="目标树")


class UpdateOut(Schema):
    id: int = Field(title="编号")
    reported_on: dt.date = Field(title="日期")
    value: Decimal | None = Field(title="完成值")
    done: bool = Field(title="已完成")
    note: str = Field(title="进展说明")
    attachments: list[str] = Field(title="佐证材料文件名")


class GoalDetailOut(GoalOut):
    updates: list[UpdateOut] = Field(title="进展记录", description="新的在前")


class GoalFilters(Input):
    plan: int | None = Field(None, ge=1, le=MAX_ID, title="计划编号")
    year: int | None = Field(None, ge=2000, le=2100, title="年度")
    organisation: int | None = Field(None, ge=1, le=MAX_ID, title="党组织编号")
    status: str | None = Field(None, title="状态", description="not_started/in_progress/done/overdue/at_risk")
    owner: int | None = Field(None, ge=1, le=MAX_ID, title="责任人编号")
    level: Level | None = Field(None, title="层级")
    mine: bool = Field(False, title="只看本人的目标", description="本人的责任目标和本人担任责任人的目标")


class ProgressIn(Input):
    reported_on: dt.date = Field(title="日期")
    value: Decimal | None = Field(None, title="完成值", description="数量指标必填，非负，最多两位小数")
    done: bool = Field(False, title="已完成", description="完成与否类目标完成时为 true")
    note: str = Field(title="进展说明")


def _goal_data(node: Node) -> dict[str, Any]:
    goal = node.goal
    return {
        "id": goal.pk,
        "plan_id": goal.plan_id,
        "year": goal.plan.year,
        "organisation_id": goal.plan.organisation_id,
        "parent_id": goal.parent_id,
        "aligned_to_id": goal.aligned_to_id,
        "level": goal.level,
        "title": goal.title,
        "measure": goal.measure,
        "unit": goal.unit,
        "target_value": goal.target_value,
        "current_value": goal.current_value,
        "start_on": goal.start_on,
        "due_on": goal.due_on,
        "completed_on": goal.completed_on,
        "owner_id": goal.owner_id,
        "owner_name": goal.owner.name if goal.owner else None,
        "member_id": goal.member_id,
        "aspect": goal.aspect,
        "weight": goal.weight,
        "is_cancelled": goal.is_cancelled,
        "progress_percent": node.percent,
        "status": node.status,
        "status_label": node.status_label,
    }


def _tree_data(node: Node) -> dict[str, Any]:
    return _goal_data(node) | {"children": [_tree_data(child) for child in node.children]}


def _problems(error: ValidationError) -> dict[str, Any]:
    items = (
        [(f, m) for f, messages in error.message_dict.items() for m in messages]
        if hasattr(error, "error_dict")
        else [("", m) for m in error.messages]
    )
    detail = []
    for field, message in items:
        name = "" if field == "__all__" else field
        info = ProgressIn.model_fields.get(name)
        detail.append({"field": name, "label": info.title if info and info.title else "", "message": message})
    return {"detail": detail}


@router.get("/plans", response=list[PlanOut], summary="年度目标计划列表", description="需要“查看目标”权限。")
@paginate(PageNumberPagination, page_size=50)
def goal_plan_list(request: HttpRequest, year: int | None = None) -> Any:
    plans = selectors.plans_for(_viewer(request)).order_by("-year", "organisation__path")
    return plans.filter(year=year) if year else plans


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="年度目标计划及目标树")
def goal_plan_detail(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = selectors.get_plan_or_404(_viewer(request), "goals.view", plan_id)
    tree = selectors.plan_tree(plan)
    data = {name: getattr(plan, name) for name in PlanOut.model_fields if name != "organisation_name"}
    return data | {
        "organisation_name": plan.organisation.name,
        "progress_percent": tree.progress_percent,
        "goals": [_tree_data(root) for root in tree.roots],
    }


@router.get(
    "",
    response=list[GoalOut],
    summary="目标列表",
    description=(
        "本人管理范围内的目标（或 mine=true 时本人的目标），可按计划、年度、党组织、状态、责任人筛选。"
    ),
)
@paginate(PageNumberPagination, page_size=50)
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> list[dict[str, Any]]:
    user = _user(request)
    if not (has_perm(user, "goals.view") or getattr(user, "member_id", None)):
        raise PermissionDenied("您没有使用此接口的权限")
    params = filters.model_dump()
    if params.get("status") and params["status"] not in GoalStatus.LABELS:
        params["status"] = "__none__"
    return [_goal_data(node) for node in selectors.goal_search(user, params)]


@router.get("/{goal_id}", response=GoalDetailOut, summary="目标详情", description="目标及其进展记录。")
def goal_detail(request: HttpRequest, goal_id: int) -> dict[str, Any]:
    goal = selectors.get_goal_or_404(_user(request), "goals.view", goal_id)
    node = selectors.nodes_for([goal])[goal.pk]
    updates = [
        {
            "id": u.pk,
            "reported_on": u.reported_on,
            "value": u.value,
            "done": u.done,
            "note": u.note,
            "attachments": [a.name for a in u.attachments.all()],
        }
        for u in goal.updates.prefetch_related("attachments")
    ]
    return _goal_data(node) | {"updates": updates}


@router.post(
    "/{goal_id}/progress",
    response={201: GoalDetailOut, 422: ProblemsOut},
    summary="填报进展",
    description="责任人、责任目标本人或有“维护目标”权限的用户填报进展（不含附件）。",
)
def goal_progress(request: HttpRequest, goal_id: int, payload: ProgressIn) -> Status:
    user = _user(request)
    goal = selectors.get_goal_or_404(user, "goals.edit", goal_id)
    if not selectors.may_report(user, goal):
        raise Http404("未找到该目标")
    try:
        services.progress_report(actor=user, goal=goal, **payload.model_dump())
    except ValidationError as error:
        return Status(422, _problems(error))
    return Status(201, goal_detail(request, goal_id))
