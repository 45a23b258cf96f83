"""发展党员 API (DEV-1…6), mounted at /api/development: the files (paged, filtered by branch and
stage), one file with its 25-step checklist, sponsors and reviews, the due items of the user's
branches, and recording a file's next step through `services.step_record`.

Scoped like the pages: `development.view` to read, `development.edit` to record (403 when held
nowhere); a file outside the user's subtree is 404; a meeting, notice or person in the body that is
not the branch's (or not in scope) is a 422 naming the field. The service's refusals come back as
422 with its Chinese messages, each naming the rule (e.g. 规则 B-5)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import api_actor as _actor
from zhibu.accounts.scoping import members_for
from zhibu.development import selectors, services
from zhibu.development.access import branches_for, files_for, get_file_or_404
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.selectors import next_step
from zhibu.development.steps import LAST
from zhibu.meetings.models import Meeting, Notice
from zhibu.members.api import MAX_ID, MAX_PAGE, Input, ProblemsOut

router = Router(tags=["发展党员"])


# ---------------------------------------------------------------------------------------------
# Schemas


class FileOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="所在党支部编号")
    branch_name: str = Field(title="所在党支部")
    stage: Stage = Field(title="当前阶段")
    stage_label: str = Field(title="当前阶段名称")
    applied_on: dt.date = Field(title="递交申请日期")
    activist_on: dt.date | None = Field(title="确定为积极分子日期")
    candidate_on: dt.date | None = Field(title="确定为发展对象日期")
    admitted_on: dt.date | None = Field(title="支部大会接收日期")
    converted_on: dt.date | None = Field(title="转正日期")
    extension_months: int | None = Field(title="延长预备期（月）")
    closed_on: dt.date | None = Field(title="终止或取消日期")
    closed_reason: str = Field(title="终止或取消原因")
    last_step: int | None = Field(title="已办到的步骤", description="1–25，见规则 B-11")
    next_step: int | None = Field(title="下一步", description="可以记录的步骤；档案已结束或25步办完时为空")
    next_step_label: str | None = Field(title="下一步名称")


class ChecklistOut(Schema):
    number: int = Field(title="步骤")
    label: str = Field(title="步骤名称")
    stage: str = Field(title="所属阶段")
    id: int | None = Field(title="记录编号", description="尚未办理时为空")
    done_on: dt.date | None = Field(title="日期")
    meeting_id: int | None = Field(title="决定会议编号")
    basis: str = Field(title="依据（决定、批复或材料）")
    notice_id: int | None = Field(title="公示编号")
    late_reason: str = Field(title="逾期或特殊情况说明")
    note: str = Field(title="情况记录")
    due_on: dt.date | None = Field(title="应办日期", description="按时间要求推算")
    earliest_on: dt.date | None = Field(
        title="最早可办日期", description="如确定发展对象须在确定积极分子满1年后"
    )
    overdue: bool = Field(title="已逾期")


class SponsorOut(Schema):
    id: int = Field(title="编号")
    role: Sponsor.Role = Field(title="身份", description="cultivator 培养联系人，introducer 入党介绍人")
    role_label: str = Field(title="身份名称")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    start_on: dt.date = Field(title="确定日期")
    end_on: dt.date | None = Field(title="更换日期")
    end_reason: str = Field(title="更换原因")

    @staticmethod
    def resolve_role_label(obj: Sponsor) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_member_name(obj: Sponsor) -> str:
        return obj.member.name


class ReviewOut(Schema):
    id: int = Field(title="编号")
    kind: Review.Kind = Field(
        title="考察类别", description="activist 入党积极分子考察，probationary 预备党员考察"
    )
    reviewed_on: dt.date = Field(title="考察日期")
    period_start: dt.date = Field(title="考察期起")
    period_end: dt.date = Field(title="考察期止")
    performance: str = Field(title="现实表现")
    cultivator_opinion: str = Field(title="培养联系人意见")
    branch_opinion: str = Field(title="党支部意见")


class FileDetailOut(FileOut):
    probation_end: dt.date | None = Field(title="预备期满日期", description="接收之日起1年（含延长）")
    steps: list[ChecklistOut] = Field(title="25个步骤", description="按顺序，含已办的记录和应办日期")
    sponsors: list[SponsorOut] = Field(title="培养联系人和入党介绍人", description="含已更换的")
    reviews: list[ReviewOut] = Field(title="考察记录")


class DueOut(Schema):
    kind: str = Field(
        title="事项类别",
        description="talk / review / no_cultivator / candidate_eligible / approval / conversion",
    )
    label: str = Field(title="事项")
    rule: str = Field(title="依据规则")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="党支部编号")
    file_id: int | None = Field(title="入党档案编号", description="名册中的积极分子尚未建档时为空")
    due_on: dt.date | None = Field(title="应办日期")
    overdue: bool = Field(title="已逾期")
    text: str = Field(title="说明")


class StepOut(Schema):
    id: int = Field(title="编号")
    file_id: int = Field(title="入党档案编号")
    number: int = Field(title="步骤")
    label: str = Field(title="步骤名称")
    done_on: dt.date = Field(title="日期")
    meeting_id: int | None = Field(title="决定会议编号")
    basis: str = Field(title="依据（决定、批复或材料）")
    notice_id: int | None = Field(title="公示编号")
    late_reason: str = Field(title="逾期或特殊情况说明")
    note: str = Field(title="情况记录")

    @staticmethod
    def resolve_label(obj: DevelopmentStep) -> str:
        return obj.get_number_display()


class FileFilters(Schema):
    branch: int | None = Field(None, ge=1, le=MAX_ID, title="党组织编号", description="其下各党支部的档案")
    stage: Stage | None = Field(None, title="当前阶段")


class StepIn(Input):
    number: int = Field(ge=1, le=LAST, title="步骤", description="只能记录下一步（已办到的步骤 + 1）")
    done_on: dt.date = Field(title="日期")
    meeting_id: int | None = Field(
        None, ge=1, le=MAX_ID, title="决定会议", description="本支部的支委会或党员大会（第③⑦⑫⑮㉓步）"
    )
    basis: str = Field("", max_length=300, title="依据（决定、批复或材料）")
    notice_id: int | None = Field(
        None, ge=1, le=MAX_ID, title="公示", description="本支部“发展党员”类公示（第④⑧⑬㉓步）"
    )
    people_ids: list[int] = Field(
        [], max_length=10, title="人员", description="第⑤步为1至2名培养联系人，第⑨步为2名入党介绍人"
    )
    late_reason: str = Field("", max_length=300, title="逾期或特殊情况说明")
    note: str = Field("", max_length=5000, title="情况记录")


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        result[self.items_attribute] = [_file_data(f) for f in result[self.items_attribute]]
        return result


# ---------------------------------------------------------------------------------------------
# Helpers


def _file_data(file: DevelopmentFile) -> dict[str, Any]:
    """`file` with `member__branch` and `steps` loaded."""
    numbers = [s.number for s in file.steps.all()]
    coming = next_step(file)
    return {
        "id": file.pk,
        "member_id": file.member_id,
        "member_name": file.member.name,
        "branch_id": file.member.branch_id,
        "branch_name": file.member.branch.name,
        "stage": file.stage,
        "stage_label": file.get_stage_display(),
        "applied_on": file.applied_on,
        "activist_on": file.activist_on,
        "candidate_on": file.candidate_on,
        "admitted_on": file.admitted_on,
        "converted_on": file.converted_on,
        "extension_months": file.extension_months,
        "closed_on": file.closed_on,
        "closed_reason": file.closed_reason,
        "last_step": max(numbers, default=None),
        "next_step": coming.number if coming else None,
        "next_step_label": coming.label if coming else None,
    }


def _files() -> QuerySet:
    return DevelopmentFile.objects.select_related("member__branch").prefetch_related(
        Prefetch("steps", queryset=DevelopmentStep.objects.order_by("number"))
    )


def _detail(file: DevelopmentFile) -> dict[str, Any]:
    file = (
        _files()
        .prefetch_related(
            Prefetch(
                "sponsors",
                queryset=Sponsor.objects.select_related("member").order_by("role", "start_on", "id"),
            ),
            Prefetch("reviews", queryset=Review.objects.order_by("reviewed_on", "id")),
        )
        .get(pk=file.pk)
    )
    steps = []
    for row in selectors.checklist(file):
        r = row.record
        steps.append(
            {
                "number": row.step.number,
                "label": row.step.label,
                "stage": row.step.stage,
                "id": r.pk if r else None,
                "done_on": r.done_on if r else None,
                "meeting_id": r.meeting_id if r else None,
                "basis": r.basis if r else "",
                "notice_id": r.notice_id if r else None,
                "late_reason": r.late_reason if r else "",
                "note": r.note if r else "",
                "due_on": row.due_on,
                "earliest_on": row.earliest_on,
                "overdue": row.overdue,
            }
        )
    return _file_data(file) | {
        "probation_end": selectors.probation_end(file) if file.admitted_on else None,
        "steps": steps,
        "sponsors": list(file.sponsors.all()),
        "reviews": list(file.reviews.all()),
    }


_API_FIELDS = {"meeting": "meeting_id", "notice": "notice_id", "people": "people_ids", "__all__": ""}


def _problems(error: ValidationError) -> dict[str, Any]:
    """A service's refusal as the 422 body, named by this API's fields and labels."""
    if hasattr(error, "error_dict"):
        items = [(f, m) for f, messages in error.message_dict.items() for m in messages]
    else:
        items = [("", m) for m in error.messages]
    detail = []
    for field, message in items:
        name = _API_FIELDS.get(field, field)
        info = StepIn.model_fields.get(name)
        detail.append({"field": name, "label": (info.title if info else "") or "", "message": message})
    return {"detail": detail}


# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "/files",
    response=list[FileOut],
    summary="入党档案列表",
    description="本人管理范围内的入党档案，按党支部、递交申请日期排序，附已办到的步骤和下一步。需要“查看发展党员”权限。",
)
@paginate(Pages, page_size=50, max_page_size=500)
def development_files(request: HttpRequest, filters: Query[FileFilters]) -> QuerySet:
    user = _actor(request, "development.view")
    qs = _files().filter(pk__in=files_for(user).values("pk"))
    if filters.branch:
        qs = qs.filter(member__branch__path__contains=f"/{filters.branch}/")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs.order_by("member__branch__path", "applied_on", "id")


@router.get(
    "/files/{file_id}",
    response=FileDetailOut,
    summary="入党档案详情",
    description="一份入党档案：25个步骤（已办的记录、应办和最早可办日期），培养联系人和入党介绍人，考察记录。",
)
def development_file(request: HttpRequest, file_id: int) -> dict[str, Any]:
    user = _actor(request, "development.view")
    return _detail(get_file_or_404(user, "development.view", file_id))


@router.get(
    "/due",
    response=list[DueOut],
    summary="到期事项",
    description="本人管理范围内各党支部到期和逾期的发展党员事项（谈话、半年考察、培养联系人、确定发展对象、审批、转正），逾期的在前。",
)
def development_due(request: HttpRequest) -> list[dict[str, Any]]:
    user = _actor(request, "development.view")
    return [
        {
            "kind": item.kind,
            "label": item.label,
            "rule": item.rule,
            "member_id": item.member.pk,
            "member_name": item.member.name,
            "branch_id": item.member.branch_id,
            "file_id": item.file.pk if item.file else None,
            "due_on": item.due_on,
            "overdue": item.overdue,
            "text": item.text,
        }
        for item in selectors.due_items(branches_for(user))
    ]


@router.post(
    "/files/{file_id}/steps",
    response={201: StepOut, 422: ProblemsOut},
    summary="记录下一步",
    description=(
        "记录入党档案的下一步（规则 B-11 的25个步骤，只能按顺序逐步记录）及其决定会议、依据、公示和人员。"
        "违反发展党员工作细则时间要求的（如确定发展对象须在确定积极分子满1年后，规则 B-5）返回 422，"
        "说明中写明依据的规则。需要“维护发展党员”权限。"
    ),
)
def development_step_create(request: HttpRequest, file_id: int, payload: StepIn) -> Status:
    user = _actor(request, "development.edit")
    file = get_file_or_404(user, "development.edit", file_id)
    branch = file.member.branch
    data = payload.model_dump()
    try:
        meeting = notice = None
        if data["meeting_id"] is not None:
            meeting = Meeting.objects.filter(organisation=branch, pk=data["meeting_id"]).first()
            if meeting is None:
                raise ValidationError(
                    {"meeting": [f"决定会议：编号为{data['meeting_id']}的会议不是{branch.name}的会议"]}
                )
        if data["notice_id"] is not None:
            notice = Notice.objects.filter(organisation=branch, pk=data["notice_id"]).first()
            if notice is None:
                raise ValidationError(
                    {"notice": [f"公示：编号为{data['notice_id']}的公示不是{branch.name}发布的"]}
                )
        ids = list(dict.fromkeys(data["people_ids"]))
        people = {m.pk: m for m in members_for(user, "development.edit").filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in people]
        if missing:
            raise ValidationError(
                {"people": [f"人员：编号为{'、'.join(missing)}的党员不存在或不在您的管理范围内"]}
            )
        record = services.step_record(
            actor=user,
            file=file,
            number=data["number"],
            done_on=data["done_on"],
            meeting=meeting,
            basis=data["basis"].strip(),
            notice=notice,
            people=[people[pk] for pk in ids],
            late_reason=data["late_reason"].strip(),
            note=data["note"].strip(),
        )
    except ValidationError as error:
        return Status(422, _problems(error))
    return Status(201, record)
