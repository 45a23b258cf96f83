"""培训记录和流动党员 API (MEM-5, MEM-3), mounted at /api/members-records.

Scoped like the pages: the lists answer what the user sees through `members.view` plus their own
records (a member without any role sees only their own); writes need `members.edit` over the
person's branch. Someone who can see nothing here (no permission, no linked member) gets 403; an
id outside the scope is 404 (or, inside a request body, a 422 naming the field)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import has_perm, members_for
from zhibu.members import mobile, training
from zhibu.members.api import MAX_ID, Input, Problem, ProblemsOut, _actor
from zhibu.members.models import MobileRecord, MobileReport, TrainingRecord

router = Router(tags=["培训与流动党员"])


def _reader(request: HttpRequest) -> Any:
    """Anyone who sees records here: `members.view` somewhere, or a linked member (their own)."""
    user = request.auth  # type: ignore[attr-defined]
    if not has_perm(user, "members.view") and not getattr(user, "member_id", None):
        raise PermissionDenied("您没有使用此接口的权限")
    return user


def _problems(error: ValidationError, schema: type[Schema], names: dict[str, str] | None = None) -> dict:
    names = names or {}
    if hasattr(error, "error_dict"):
        items = [(f, m) for f, messages in error.message_dict.items() for m in messages]
    else:
        items = [("", m) for m in error.messages]
    detail = []
    for field, message in items:
        name = "" if field == "__all__" else names.get(field, field)
        info = schema.model_fields.get(name)
        detail.append({"field": name, "label": (info.title or "") if info else "", "message": message})
    return {"detail": detail}


# ---------------------------------------------------------------------------------------------
# Training


class TrainingOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="所在党支部编号")
    kind: TrainingRecord.Kind = Field(title="培训类别")
    kind_label: str = Field(title="培训类别名称")
    course: str = Field(title="培训名称")
    organiser: str = Field(title="主办单位")
    start_on: dt.date = Field(title="开始日期")
    end_on: dt.date = Field(title="结束日期")
    days: Decimal = Field(title="培训天数")
    hours: Decimal = Field(title="学时")
    certificate: str = Field(title="结业证书编号")
    notes: str = Field(title="备注")

    @staticmethod
    def resolve_member_name(obj: TrainingRecord) -> str:
        return obj.member.name

    @staticmethod
    def resolve_branch_id(obj: TrainingRecord) -> int:
        return obj.member.branch_id

    @staticmethod
    def resolve_kind_label(obj: TrainingRecord) -> str:
        return obj.get_kind_display()


class TrainingFilters(Schema):
    member_id: int | None = Field(None, ge=1, le=MAX_ID, title="党员编号")
    branch_id: int | None = Field(None, ge=1, le=MAX_ID, title="党组织编号", description="其下各党支部的党员")
    year: int | None = Field(None, ge=1900, le=2999, title="年度", description="按培训结束日期计入年度")


class TrainingIn(Input):
    member_id: int = Field(ge=1, le=MAX_ID, title="党员编号", description="须在本人管理范围内")
    kind: TrainingRecord.Kind = Field(TrainingRecord.Kind.ANNUAL, title="培训类别")
    course: str = Field(max_length=200, title="培训名称")
    organiser: str = Field(max_length=100, title="主办单位")
    start_on: dt.date = Field(title="开始日期")
    end_on: dt.date = Field(title="结束日期")
    days: Decimal = Field(ge=0, max_digits=5, decimal_places=1, title="培训天数")
    hours: Decimal = Field(ge=0, max_digits=6, decimal_places=1, title="学时")
    certificate: str = Field("", max_length=100, title="结业证书编号")
    notes: str = Field("", max_length=300, title="备注")


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")


@router.get(
    "/trainings",
    response=list[TrainingOut],
    summary="培训记录",
    description="本人管理范围内党员的培训记录，以及本人的培训记录。",
)
@paginate(Pages, page_size=50, max_page_size=500)
def training_list(request: HttpRequest, filters: Query[TrainingFilters]) -> QuerySet:
    user = _reader(request)
    qs = training.trainings_for(user).select_related("member")
    if filters.member_id:
        qs = qs.filter(member_id=filters.member_id)
    if filters.branch_id:
        qs = qs.filter(member__branch__path__contains=f"/{filters.branch_id}/")
    if filters.year:
        qs = qs.filter(training.in_year(filters.year))
    return qs.order_by("member__branch__path", "member__name", "member_id", "-end_on", "-id")


@router.post(
    "/trainings",
    response={201: TrainingOut, 422: ProblemsOut},
    summary="登记培训",
    description="为本人管理范围内的党员登记一次培训。需要“维护党员”权限。",
)
def training_create(request: HttpRequest, payload: TrainingIn) -> Status:
    user = _actor(request, "members.edit")
    data = payload.model_dump()
    member_id = data.pop("member_id")
    member = members_for(user, "members.edit").select_related("branch").filter(pk=member_id).first()
    if member is None:
        problem = Problem(
            field="member_id", label="党员编号", message=f"编号为{member_id}的党员不存在或不在您的管理范围内"
        )
        return Status(422, {"detail": [problem.model_dump()]})
    try:
        record = training.training_record(actor=user, member=member, **data)
    except ValidationError as error:
        return Status(422, _problems(error, TrainingIn, {"member": "member_id"}))
    return Status(201, record)


# ---------------------------------------------------------------------------------------------
# Mobile members


class WarningOut(Schema):
    level: str = Field(title="级别", description="danger / warning / info")
    message: str = Field(title="说明")
    rule: str = Field(title="依据")


class MobileOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="所在党支部编号")
    branch_name: str = Field(title="所在党支部")
    left_on: dt.date = Field(title="外出日期")
    destination: str = Field(title="外出流向")
    reason: str = Field(title="外出原因")
    expected_return_on: dt.date | None = Field(title="预计返回日期")
    status: MobileRecord.Status = Field(title="状态")
    status_label: str = Field(title="状态名称")
    approved_on: dt.date | None = Field(title="审批日期")
    approved_by: str | None = Field(title="审批人")
    contact_person_id: int | None = Field(title="支部联系人编号")
    contact_person_name: str | None = Field(title="支部联系人")
    certificate_number: str = Field(title="流动党员活动证编号")
    last_report_on: dt.date | None = Field(title="最近汇报日期")
    returned_on: dt.date | None = Field(title="返回日期")
    warnings: list[WarningOut] = Field(title="提示", description="逾期未汇报、未指定联系人、应转移组织关系等")


def _mobile_out(row: mobile.MobileRow) -> dict[str, Any]:
    r = row.record
    return {
        "id": r.pk,
        "member_id": r.member_id,
        "member_name": r.member.name,
        "branch_id": r.member.branch_id,
        "branch_name": r.member.branch.name,
        "left_on": r.left_on,
        "destination": r.destination,
        "reason": r.reason,
        "expected_return_on": r.expected_return_on,
        "status": r.status,
        "status_label": r.get_status_display(),
        "approved_on": r.approved_on,
        "approved_by": r.approved_by.display_name if r.approved_by else None,
        "contact_person_id": r.contact_person_id,
        "contact_person_name": r.contact_person.name if r.contact_person else None,
        "certificate_number": r.certificate_number,
        "last_report_on": row.last_report_on,
        "returned_on": r.returned_on,
        "warnings": [{"level": w.level, "message": w.message, "rule": w.rule} for w in row.warnings],
    }


class MobileFilters(Schema):
    branch_id: int | None = Field(None, ge=1, le=MAX_ID, title="党组织编号", description="其下各党支部的党员")
    all: bool = Field(False, title="含已结束", description="为 true 时含已返回、未批准的登记")


class ReportIn(Input):
    reported_on: dt.date = Field(title="汇报日期")
    channel: MobileReport.Channel = Field(title="汇报方式")
    content: str = Field(min_length=1, max_length=5000, title="汇报内容")


class ReportOut(Schema):
    id: int = Field(title="编号")
    record_id: int = Field(title="流动登记编号")
    reported_on: dt.date = Field(title="汇报日期")
    channel: MobileReport.Channel = Field(title="汇报方式")
    content: str = Field(title="汇报内容")


@router.get(
    "/mobile",
    response=list[MobileOut],
    summary="流动党员登记",
    description="本人管理范围内的流动党员外出登记（默认只含待审批和已批准的），附提示；以及本人的登记。",
)
def mobile_list(request: HttpRequest, filters: Query[MobileFilters]) -> list[dict[str, Any]]:
    user = _reader(request)
    qs = mobile.records_for(user)
    if not filters.all:
        qs = qs.filter(status__in=mobile.OPEN)
    if filters.branch_id:
        qs = qs.filter(member__branch__path__contains=f"/{filters.branch_id}/")
    rows = mobile.warn(qs.order_by("member__branch__path", "member__name", "-left_on", "-id"))
    return [_mobile_out(row) for row in rows]


@router.post(
    "/mobile/{record_id}/reports",
    response={201: ReportOut, 422: ProblemsOut},
    summary="登记流动党员汇报",
    description="为已批准、尚未返回的外出登记一次汇报。需要对该党员的“维护党员”权限，或为本人的登记。",
)
def mobile_report(request: HttpRequest, record_id: int, payload: ReportIn) -> Status:
    user = request.auth  # type: ignore[attr-defined]
    if not has_perm(user, "members.edit") and not getattr(user, "member_id", None):
        raise PermissionDenied("您没有使用此接口的权限")
    if not 1 <= record_id <= MAX_ID:
        raise Http404("未找到该流动党员登记")
    record = mobile.get_record_or_404(user, "members.edit", record_id, own=True)
    try:
        report = mobile.mobile_report(actor=user, record=record, **payload.model_dump())
    except ValidationError as error:
        return Status(422, _problems(error, ReportIn))
    return Status(201, report)
