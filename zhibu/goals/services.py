"""Writes to goal management (GOAL-1…7). Each service validates, saves and writes an audit event in
one transaction; `goal_problems` is the single validator of a goal (the form, the API and the copy
all meet it through `goal_create` / `goal_update`)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.goals.models import (
    ALLOWED_CHILD_LEVELS,
    AnnualReview,
    Aspect,
    ExcellencePlan,
    ExcellenceReview,
    Goal,
    GoalEvaluation,
    GoalPlan,
    Level,
    Measure,
    ProgressAttachment,
    ProgressUpdate,
)
from zhibu.lib.dates import add_years, today
from zhibu.lib.uploads import sha256_of, upload_name, upload_problems
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

GOAL_FIELDS = (
    "parent",
    "aligned_to",
    "level",
    "member",
    "aspect",
    "title",
    "description",
    "measure",
    "unit",
    "target_value",
    "start_on",
    "due_on",
    "owner",
    "weight",
    "sort_order",
)
_AUDITED = (*GOAL_FIELDS, "current_value", "completed_on", "is_cancelled")
PLAN_KINDS = (Organisation.Kind.PARTY_COMMITTEE, Organisation.Kind.GENERAL_BRANCH, Organisation.Kind.BRANCH)
OWNER_REQUIRED = (Level.QUARTERLY, Level.MONTHLY, Level.TASK)

MAX_FILES = 5


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _member_of_subtree(member: Member, organisation: Organisation) -> bool:
    return member.is_active and member.branch.path.startswith(organisation.path)


def goal_problems(plan: GoalPlan, data: dict[str, Any], *, responsibility: bool = False) -> dict[str, str]:
    """The rules of GOAL-2/3/4 on a goal's values, as {field: Chinese message}."""
    problems: dict[str, str] = {}
    organisation = plan.organisation
    level, measure = data.get("level"), data.get("measure")
    parent, owner, member = data.get("parent"), data.get("owner"), data.get("member")
    aspect, aligned = data.get("aspect"), data.get("aligned_to")
    target, weight = data.get("target_value"), data.get("weight")
    start, due = data.get("start_on"), data.get("due_on")

    if not (data.get("title") or "").strip():
        problems["title"] = "目标：必须填写目标内容"
    if level not in Level.values:
        problems["level"] = "层级：必须选择（年度目标、季度目标、月度目标或具体任务）"
    if measure not in Measure.values:
        problems["measure"] = "衡量方式：必须选择“数量指标”或“完成与否”（目标须可衡量）"
    elif measure == Measure.NUMBER:
        if not (data.get("unit") or "").strip():
            problems["unit"] = "单位：数量指标必须填写单位（如 次、人、%、万元）"
        if target is None or target <= 0:
            problems["target_value"] = "目标值：数量指标必须填写大于0的目标值"
        elif _places(target) > 2:
            problems["target_value"] = "目标值：最多两位小数"
    elif target is not None:
        problems["target_value"] = "目标值：“完成与否”类目标不填目标值，完成即达成"
    if due is None:
        problems["due_on"] = "完成日期：必须填写（目标须有时限）"
    else:
        if due.year != plan.year:
            problems["due_on"] = f"完成日期：应在计划年度{plan.year}年内"
        if start is not None and start > due:
            problems["start_on"] = "开始日期：不能晚于完成日期"
    if parent is not None:
        if parent.plan_id != plan.pk:
            problems["parent"] = "上级目标：须属于同一年度目标计划"
        elif level in Level.values and level not in ALLOWED_CHILD_LEVELS[parent.level]:
            allowed = "、".join(Level(x).label for x in ALLOWED_CHILD_LEVELS[parent.level])
            problems["level"] = (
                f"层级：“{Level(parent.level).label}”下不能分解出“{Level(level).label}”，可选：{allowed}"
            )
        if due is not None and due > parent.due_on:
            problems.setdefault(
                "due_on",
                f"完成日期：不能晚于上级目标“{parent.title}”的完成日期（{parent.due_on:%Y-%m-%d}）",
            )
        if parent.is_cancelled:
            problems["parent"] = f"上级目标：“{parent.title}”已取消，不能再分解"
    elif level in OWNER_REQUIRED and not responsibility and member is None:
        problems.setdefault("parent", f"上级目标：{Level(level).label}须从年度目标分解而来，请选择上级目标")
    if level in OWNER_REQUIRED and owner is None:
        problems["owner"] = "责任人：季度目标、月度目标和具体任务必须指定责任人"
    if owner is not None and not _member_of_subtree(owner, organisation):
        problems["owner"] = f"责任人：{owner.name}不是{organisation.name}的在册党员"
    if responsibility or member is not None or aspect is not None:
        if member is None:
            problems["member"] = (
                "党员：党员责任目标必须选择党员"
                if responsibility
                else "党员：选择了责任目标方面，必须同时选择党员"
            )
        elif not (member.is_active and member.branch_id == organisation.pk):
            problems["member"] = f"党员：{member.name}不是{organisation.name}的在册党员"
        if aspect is None:
            problems["aspect"] = "责任目标方面：党员责任目标必须选择五个方面之一"
        elif aspect not in Aspect.values:
            problems["aspect"] = "责任目标方面：取值无效"
    if aligned is not None:
        ancestors = organisation.ancestor_ids()[:-1]
        if aligned.level != Level.ANNUAL:
            problems["aligned_to"] = "对应上级目标：必须是上级党组织的年度目标"
        elif aligned.plan.year != plan.year or aligned.plan.organisation_id not in ancestors:
            problems["aligned_to"] = f"对应上级目标：须是上级党组织{plan.year}年度计划中的年度目标"
    if weight is not None:
        if weight < 0:
            problems["weight"] = "权重：不能为负数"
        elif _places(weight) > 2:
            problems["weight"] = "权重：最多两位小数"
    return problems


# ---------------------------------------------------------------------------------------------
# Plans


def _check_plan_org(organisation: Organisation) -> None:
    if organisation.kind not in PLAN_KINDS or not organisation.is_active:
        raise ValidationError(
            {"organisation": [f"党组织：{organisation.name}不能制定年度目标（党小组或已撤销）"]}
        )


@transaction.atomic
def plan_create(
    *, actor: Any, organisation: Organisation, year: int, title: str = "", notes: str = ""
) -> GoalPlan:
    _check_plan_org(organisation)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["年度：应为2000至2100之间的年份"]})
    if GoalPlan.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError({"year": [f"年度：{organisation.name}{year}年度目标计划已存在"]})
    plan = GoalPlan.objects.create(
        organisation=organisation,
        year=year,
        title=(title or "").strip() or f"{organisation.short_name or organisation.name}{year}年度工作目标",
        notes=notes,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        organisation=organisation,
        after=snapshot(plan),
    )
    return plan


@transaction.atomic
def plan_adopt(
    *,
    actor: Any,
    plan: GoalPlan,
    adopted_on: dt.date | None = None,
    adopted_at: str = "",
    meeting: Any = None,
) -> GoalPlan:
    """GOAL-1: the plan adopted at a 党员大会 of the plan's year (or December of the year before).
    Given the recorded `meeting`, its date and topic are taken from it (entered once)."""
    plan = GoalPlan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)
    if meeting is not None:
        from zhibu.meetings.models import Kind
        from zhibu.meetings.selectors import meeting_branch

        if (
            meeting.kind != Kind.GENERAL_MEETING
            or meeting_branch(meeting.organisation).pk != plan.organisation_id
        ):
            raise ValidationError({"meeting": [f"通过的党员大会：应为{plan.organisation.name}的党员大会"]})
        adopted_on, adopted_at = meeting.held_on, meeting.topic
    if adopted_on is None:
        raise ValidationError({"adopted_on": ["党员大会通过日期：请选择已记录的党员大会，或填写会议日期"]})
    if plan.status == GoalPlan.Status.ADOPTED:
        raise ValidationError({"adopted_on": ["该计划已经通过，无需再次通过"]})
    in_window = adopted_on.year == plan.year or (adopted_on.year == plan.year - 1 and adopted_on.month == 12)
    if not in_window:
        raise ValidationError(
            {"adopted_on": [f"党员大会通过日期：应在{plan.year}年内或{plan.year - 1}年12月（年初制定目标）"]}
        )
    if adopted_on > today():
        raise ValidationError({"adopted_on": ["党员大会通过日期：不能晚于今天"]})
    goals = list(plan.goals.filter(is_cancelled=False))
    if not any(goal.level == Level.ANNUAL for goal in goals):
        raise ValidationError("计划中还没有年度目标，不能提交党员大会通过")
    missing = [g.title for g in goals if g.level in OWNER_REQUIRED and g.owner_id is None]
    if missing:
        raise ValidationError(f"以下分解目标缺少责任人，请先指定：{'、'.join(missing)}")
    before = snapshot(plan, ("status", "adopted_on", "adopted_at"))
    plan.status = GoalPlan.Status.ADOPTED
    plan.adopted_on = adopted_on
    plan.adopted_at = (adopted_at or "").strip() or "党员大会"
    plan.adopted_meeting = meeting
    plan.save(update_fields=["status", "adopted_on", "adopted_at", "adopted_meeting"])
    old, new = diff(before, snapshot(plan, ("status", "adopted_on", "adopted_at")))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=plan,
        organisation=plan.organisation,
        before=old,
        after=new,
        note="党员大会通过年度目标",
    )
    return plan


def _next_year(day: dt.date | None) -> dt.date | None:
    return add_years(day, 1) if day is not None else None  # 29 Feb → 28 Feb


@transaction.atomic
def plan_copy(*, actor: Any, plan: GoalPlan, to_year: int | None = None) -> GoalPlan:
    """GOAL-3: the whole tree as a draft for the next year — dates a year on, progress cleared,
    owners kept only while still active in the organisation (adoption then asks for the others)."""
    to_year = to_year or plan.year + 1
    organisation = plan.organisation
    if to_year != plan.year + 1:
        raise ValidationError({"year": [f"年度：只能复制为下一年度（{plan.year + 1}年）"]})
    if GoalPlan.objects.filter(organisation=organisation, year=to_year).exists():
        raise ValidationError({"year": [f"年度：{organisation.name}{to_year}年度目标计划已存在，不能再复制"]})
    title = plan.title.replace(str(plan.year), str(to_year))
    copy = GoalPlan.objects.create(
        organisation=organisation, year=to_year, title=title, copied_from=plan, notes=plan.notes
    )
    goals = list(
        plan.goals.filter(is_cancelled=False).select_related("owner__branch", "member").order_by("id")
    )
    by_id = {goal.pk: goal for goal in goals}
    new_ids: dict[int, Goal] = {}

    def make(goal: Goal) -> Goal | None:
        if goal.pk in new_ids:
            return new_ids[goal.pk]
        parent = None
        if goal.parent_id is not None:
            if goal.parent_id not in by_id:
                return None
            parent = make(by_id[goal.parent_id])
            if parent is None:
                return None
        if goal.member is not None and not (
            goal.member.is_active and goal.member.branch_id == organisation.pk
        ):
            return None
        owner = goal.owner if goal.owner and _member_of_subtree(goal.owner, organisation) else None
        new = Goal.objects.create(
            plan=copy,
            parent=parent,
            level=goal.level,
            member=goal.member,
            aspect=goal.aspect,
            title=goal.title,
            description=goal.description,
            measure=goal.measure,
            unit=goal.unit,
            target_value=goal.target_value,
            start_on=_next_year(goal.start_on),
            due_on=add_years(goal.due_on, 1),
            owner=owner,
            weight=goal.weight,
            sort_order=goal.sort_order,
        )
        new_ids[goal.pk] = new
        return new

    for goal in goals:
        make(goal)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=copy,
        organisation=organisation,
        after=snapshot(copy) | {"goals": len(new_ids)},
        note=f"由{plan.year}年度目标复制为{to_year}年度草稿",
    )
    return copy


# ---------------------------------------------------------------------------------------------
# Goals


def _goal_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    clean = dict(data)
    for name in ("title", "description", "unit"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "sort_order" in clean and clean["sort_order"] is None:
        clean["sort_order"] = 0
    return clean


@transaction.atomic
def goal_create(*, actor: Any, plan: GoalPlan, responsibility: bool = False, **data: Any) -> Goal:
    data = _goal_data(data)
    if responsibility and data.get("member") is not None and data.get("owner") is None:
        data["owner"] = data["member"]  # the member carries their own responsibility goal
    _raise_if(goal_problems(plan, data, responsibility=responsibility))
    goal = Goal(plan=plan, **data)
    goal.full_clean(exclude=["plan", "parent", "aligned_to", "member", "owner"])
    goal.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=goal,
        organisation=plan.organisation,
        after=snapshot(goal, _AUDITED),
    )
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, **data: Any) -> Goal:
    goal = Goal.objects.select_for_update().select_related("plan__organisation").get(pk=goal.pk)
    if goal.is_cancelled:
        raise ValidationError("该目标已取消，不能修改")
    data = _goal_data(data)
    merged = {name: getattr(goal, name) for name in GOAL_FIELDS} | data
    problems = goal_problems(goal.plan, merged, responsibility=goal.member_id is not None)
    children = list(goal.children.filter(is_cancelled=False))
    late = [c.title for c in children if merged["due_on"] is not None and c.due_on > merged["due_on"]]
    if late:
        problems.setdefault("due_on", f"完成日期：早于下级目标的完成日期（{'、'.join(late)}）")
    if merged["level"] in Level.values:
        wrong = [c.title for c in children if c.level not in ALLOWED_CHILD_LEVELS[merged["level"]]]
        if wrong:
            problems.setdefault(
                "level",
                f"层级：改为“{Level(merged['level']).label}”后，下级目标{'、'.join(wrong)}的层级不再允许",
            )
    if merged.get("parent") is not None and merged["parent"].pk == goal.pk:
        problems["parent"] = "上级目标：不能是本目标自己"
    _raise_if(problems)
    before = snapshot(goal, _AUDITED)
    for name, value in data.items():
        setattr(goal, name, value)
    goal.full_clean(exclude=["plan", "parent", "aligned_to", "member", "owner"])
    goal.save()
    old, new = diff(before, snapshot(goal, _AUDITED))
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=goal,
            organisation=goal.plan.organisation,
            before=old,
            after=new,
        )
    return goal


@transaction.atomic
def goal_cancel(*, actor: Any, goal: Goal, reason: str) -> Goal:
    """A cancelled goal (and everything under it) drops out of the roll-ups; nothing is deleted."""
    goal = Goal.objects.select_for_update().select_related("plan__organisation").get(pk=goal.pk)
    if goal.is_cancelled:
        raise ValidationError("该目标已经取消")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["取消原因：必须填写"]})
    ids = [goal.pk]
    frontier = [goal.pk]
    while frontier:
        frontier = list(
            Goal.objects.filter(parent_id__in=frontier, is_cancelled=False).values_list("pk", flat=True)
        )
        ids += frontier
    Goal.objects.filter(pk__in=ids).update(is_cancelled=True)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=goal,
        organisation=goal.plan.organisation,
        before={"is_cancelled": False},
        after={"is_cancelled": True, "cancelled_goal_ids": ids},
        note=reason.strip(),
    )
    goal.is_cancelled = True
    return goal


# ---------------------------------------------------------------------------------------------
# Progress (GOAL-5)


def attachment_problems(files: Sequence[Any]) -> list[str]:
    """The evidence rules: at most 5 files, each ≤ 10 MB, of the listed types."""
    problems = []
    if len(files) > MAX_FILES:
        problems.append(f"佐证材料：最多上传{MAX_FILES}个文件（本次{len(files)}个）")
    for upload in files:
        problems += upload_problems(upload, label="佐证材料")
    return problems


@transaction.atomic
def progress_report(
    *,
    actor: Any,
    goal: Goal,
    reported_on: dt.date,
    value: Decimal | None = None,
    done: bool = False,
    note: str,
    files: Iterable[Any] = (),
) -> ProgressUpdate:
    """A progress report with its evidence; keeps the goal's current value and completion."""
    goal = Goal.objects.select_for_update().select_related("plan__organisation").get(pk=goal.pk)
    files = list(files)
    problems: dict[str, str] = {}
    if goal.is_cancelled:
        raise ValidationError("该目标已取消，不能填报进展")
    if goal.measure == Measure.NUMBER:
        if value is None:
            problems["value"] = f"完成值：数量指标必须填写当前完成值（单位：{goal.unit}）"
        elif value < 0:
            problems["value"] = "完成值：不能为负数"
        elif _places(value) > 2:
            problems["value"] = "完成值：最多两位小数"
    elif value is not None:
        problems["value"] = "完成值：“完成与否”类目标请勾选“已完成”，不填数值"
    if reported_on is None:
        problems["reported_on"] = "日期：必须填写"
    elif reported_on > today():
        problems["reported_on"] = "日期：不能晚于今天"
    elif reported_on < dt.date(goal.plan.year, 1, 1):
        problems["reported_on"] = f"日期：不能早于计划年度{goal.plan.year}年"
    if not (note or "").strip():
        problems["note"] = "进展说明：必须填写"
    attachment_errors = attachment_problems(files)
    if attachment_errors:
        problems["files"] = "；".join(attachment_errors)
    _raise_if(problems)
    update = ProgressUpdate.objects.create(
        goal=goal,
        reported_on=reported_on,
        value=value,
        done=bool(done) if goal.measure == Measure.DELIVERABLE else False,
        note=note.strip(),
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for upload in files:
        ProgressAttachment.objects.create(
            update=update,
            file=upload,
            name=upload_name(upload)[:200],
            size=upload.size,
            sha256=sha256_of(upload),
        )
    latest = not goal.updates.filter(reported_on__gt=reported_on).exists()
    before = snapshot(goal, ("current_value", "completed_on"))
    if latest:
        if goal.measure == Measure.NUMBER:
            goal.current_value = value
            reached = value is not None and goal.target_value is not None and value >= goal.target_value
        else:
            reached = bool(done)
        if reached:
            goal.completed_on = goal.completed_on or reported_on
        elif goal.measure == Measure.NUMBER or goal.completed_on is None:
            goal.completed_on = None
        goal.save(update_fields=["current_value", "completed_on", "updated_at"])
    old, new = diff(before, snapshot(goal, ("current_value", "completed_on")))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=update,
        organisation=goal.plan.organisation,
        before=old or None,
        after=snapshot(update) | new | {"attachments": [a.sha256 for a in update.attachments.all()]},
    )
    return update


# ---------------------------------------------------------------------------------------------
# Year end (GOAL-6) and 创先争优 (GOAL-7)


@transaction.atomic
def goal_evaluate(
    *,
    actor: Any,
    goal: Goal,
    achieved: bool,
    achieved_value: Decimal | None = None,
    difficulties: str = "",
    contribution: str = "",
    evaluated_on: dt.date | None = None,
) -> GoalEvaluation:
    goal = Goal.objects.select_related("plan__organisation").get(pk=goal.pk)
    on = evaluated_on or today()
    problems: dict[str, str] = {}
    if goal.is_cancelled:
        raise ValidationError("该目标已取消，无需评估")
    if goal.measure == Measure.NUMBER and achieved_value is None:
        achieved_value = goal.current_value
    if achieved_value is not None and (achieved_value < 0 or _places(achieved_value) > 2):
        problems["achieved_value"] = "实际完成值：应为非负数，最多两位小数"
    if on > today():
        problems["evaluated_on"] = "评估日期：不能晚于今天"
    elif on < dt.date(goal.plan.year, 1, 1):
        problems["evaluated_on"] = f"评估日期：不能早于计划年度{goal.plan.year}年"
    _raise_if(problems)
    existing = GoalEvaluation.objects.filter(goal=goal).first()
    before = snapshot(existing) if existing else None
    evaluation, _ = GoalEvaluation.objects.update_or_create(
        goal=goal,
        defaults={
            "achieved_value": achieved_value,
            "achieved": achieved,
            "difficulties": (difficulties or "").strip(),
            "contribution": (contribution or "").strip(),
            "evaluated_on": on,
            "evaluated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE if existing else AuditEvent.Action.CREATE,
        obj=evaluation,
        organisation=goal.plan.organisation,
        before=before,
        after=snapshot(evaluation),
    )
    return evaluation


@transaction.atomic
def annual_review_record(
    *,
    actor: Any,
    plan: GoalPlan,
    held_on: dt.date,
    summary: str,
    strengths: str = "",
    problems: str = "",
    create_next: bool = False,
) -> AnnualReview:
    """总结讲评 once a year; optionally drafts next year's goals (plan_copy) and links them."""
    plan = GoalPlan.objects.select_related("organisation").get(pk=plan.pk)
    errors: dict[str, str] = {}
    if AnnualReview.objects.filter(plan=plan).exists():
        raise ValidationError(f"{plan.year}年度的总结讲评已经记录（每年一次）")
    if held_on is None or held_on.year not in (plan.year, plan.year + 1):
        errors["held_on"] = f"党员大会日期：应在{plan.year}年或{plan.year + 1}年初"
    elif held_on > today():
        errors["held_on"] = "党员大会日期：不能晚于今天"
    if not (summary or "").strip():
        errors["summary"] = "总结讲评：必须填写"
    _raise_if(errors)
    next_plan = GoalPlan.objects.filter(organisation=plan.organisation, year=plan.year + 1).first()
    if create_next and next_plan is None:
        next_plan = plan_copy(actor=actor, plan=plan, to_year=plan.year + 1)
    review = AnnualReview.objects.create(
        plan=plan,
        held_on=held_on,
        summary=summary.strip(),
        strengths=(strengths or "").strip(),
        problems=(problems or "").strip(),
        next_year_plan=next_plan,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        organisation=plan.organisation,
        after=snapshot(review),
    )
    return review


@transaction.atomic
def excellence_plan_create(
    *,
    actor: Any,
    organisation: Organisation,
    year: int,
    adopted_on: dt.date,
    branch_aim: str,
    member_aim: str,
    candidates: Iterable[Member] = (),
) -> ExcellencePlan:
    candidates = list(candidates)
    problems: dict[str, str] = {}
    if organisation.kind != Organisation.Kind.BRANCH or not organisation.is_active:
        problems["organisation"] = f"党支部：{organisation.name}不是在册的党支部"
    if ExcellencePlan.objects.filter(organisation=organisation, year=year).exists():
        problems["year"] = f"年度：{organisation.name}{year}年创先争优规划已存在"
    if adopted_on is None or not (
        adopted_on.year == year or (adopted_on.year == year - 1 and adopted_on.month == 12)
    ):
        problems["adopted_on"] = f"制定日期：应在{year}年初（{year}年内或{year - 1}年12月）"
    elif adopted_on > today():
        problems["adopted_on"] = "制定日期：不能晚于今天"
    if not (branch_aim or "").strip():
        problems["branch_aim"] = "创建先进党支部的目标和措施：必须填写"
    if not (member_aim or "").strip():
        problems["member_aim"] = "争当优秀党员的目标和措施：必须填写"
    outside = [m.name for m in candidates if not (m.is_active and m.branch_id == organisation.pk)]
    if outside:
        problems["candidates"] = f"争创优秀党员人选：{'、'.join(outside)}不是本支部在册党员"
    _raise_if(problems)
    plan = ExcellencePlan.objects.create(
        organisation=organisation,
        year=year,
        adopted_on=adopted_on,
        branch_aim=branch_aim.strip(),
        member_aim=member_aim.strip(),
    )
    plan.candidates.set(candidates)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=plan,
        organisation=organisation,
        after=snapshot(plan) | {"candidates": [m.pk for m in candidates]},
    )
    return plan


@transaction.atomic
def excellence_review_add(
    *, actor: Any, plan: ExcellencePlan, reviewed_on: dt.date, findings: str, next_steps: str = ""
) -> ExcellenceReview:
    problems: dict[str, str] = {}
    if reviewed_on is None or reviewed_on < plan.adopted_on:
        problems["reviewed_on"] = "对照检查日期：不能早于规划制定日期"
    elif reviewed_on > today():
        problems["reviewed_on"] = "对照检查日期：不能晚于今天"
    if not (findings or "").strip():
        problems["findings"] = "对照检查情况：必须填写"
    _raise_if(problems)
    review = ExcellenceReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, findings=findings.strip(), next_steps=(next_steps or "").strip()
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        organisation=plan.organisation,
        after=snapshot(review),
    )
    return review
