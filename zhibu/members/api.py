"""党员 API (MEM-1, MEM-4, MEM-6): the registry as a paged list with the page's filters, one
record with its history, and registration and correction through the member services.

Scoped like the pages (zhibu.accounts.scoping). 公民身份号码 are masked unless `full_id=true` is
asked and the user holds `members.id_number` over that member's branch; every request that
returns full numbers writes one audit event (MEM-6)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from zhibu.accounts.scoping import api_actor as _actor
from zhibu.accounts.scoping import get_member_or_404, in_scope, orgs_for
from zhibu.lib import idnumber
from zhibu.members import services
from zhibu.members.models import Category, DuesCategory, Gender, Member, Placement, Standing, StatusChange
from zhibu.members.selectors import member_search

MAX_ID = 2**63 - 1  # ids are bigint: a larger number is refused as input, not sent to the database
MAX_PAGE = 1_000_000  # likewise for the OFFSET a page number makes

router = Router(tags=["党员"])


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# ---------------------------------------------------------------------------------------------
# Schemas


class Input(Schema):
    """Text a client sends: PostgreSQL cannot store a NUL character, so it is refused here (422)
    rather than failing in the database."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("不能包含空字符（\\x00）")
        return value


class PlacementOut(Schema):
    branch_id: int = Field(title="党支部编号")
    branch_code: str = Field(title="党支部代码")
    branch_name: str = Field(title="党支部")
    group_id: int | None = Field(title="党小组编号")
    group_name: str | None = Field(title="党小组")
    start_on: dt.date = Field(title="开始日期")
    end_on: dt.date | None = Field(title="结束日期", description="不含当日；为空表示至今")
    reason: str = Field(title="原因")

    @staticmethod
    def resolve_branch_code(obj: Placement) -> str:
        return obj.branch.code

    @staticmethod
    def resolve_branch_name(obj: Placement) -> str:
        return obj.branch.name

    @staticmethod
    def resolve_group_name(obj: Placement) -> str | None:
        return obj.group.name if obj.group else None


class StatusChangeOut(Schema):
    field: str = Field(title="项目", description="category 人员类别，standing 党籍状态")
    field_label: str = Field(title="项目名称")
    old_value: str = Field(title="原值")
    old_label: str = Field(title="原值名称")
    new_value: str = Field(title="新值")
    new_label: str = Field(title="新值名称")
    effective_on: dt.date = Field(title="生效日期")
    reason: str = Field(title="原因或依据")

    @staticmethod
    def resolve_field_label(obj: StatusChange) -> str:
        return obj.get_field_display()


class MemberOut(Schema):
    """One row of the national member record."""

    id: int = Field(title="编号")
    name: str = Field(title="姓名")
    gender: Gender = Field(title="性别")
    gender_label: str = Field(title="性别名称")
    ethnicity: str = Field(title="民族")
    id_number: str = Field(title="公民身份号码", description="默认脱敏（如 1101**********1234）")
    id_number_full: bool = Field(
        title="完整号码", description="为 true 时 id_number 为完整号码（已记入审计日志）"
    )
    birth_date: dt.date = Field(title="出生日期")
    education: str = Field(title="学历")
    category: Category = Field(title="人员类别")
    category_label: str = Field(title="人员类别名称")
    branch_id: int = Field(title="所在党支部编号")
    branch_code: str = Field(title="所在党支部代码")
    branch_name: str = Field(title="所在党支部")
    group_id: int | None = Field(title="党小组编号")
    group_name: str | None = Field(title="党小组")
    joined_on: dt.date | None = Field(title="入党日期")
    converted_on: dt.date | None = Field(title="转正日期")
    party_standing: int | None = Field(
        title="党龄", description="自转正之日起计算的整年数（规则 B-9）；未转正为空"
    )
    work_unit: str = Field(title="工作单位")
    post: str = Field(title="工作岗位")
    phone: str = Field(title="联系电话")
    address: str = Field(title="家庭住址")
    standing: Standing = Field(title="党籍状态")
    standing_label: str = Field(title="党籍状态名称")
    is_lost_contact: bool = Field(title="失联党员")
    lost_contact_on: dt.date | None = Field(title="失联日期")
    is_mobile: bool = Field(title="流动党员")
    mobile_destination: str = Field(title="外出流向")
    dues_category: DuesCategory = Field(title="党费类别")
    dues_base: Decimal | None = Field(title="党费基数（元/月）")
    is_active: bool = Field(title="在册")

    @staticmethod
    def resolve_id_number(obj: Member) -> str:
        # Masked unless the view decided, for this member, that the full number may be shown.
        return obj.id_number if getattr(obj, "id_number_full", False) else idnumber.mask(obj.id_number)

    @staticmethod
    def resolve_id_number_full(obj: Member) -> bool:
        return getattr(obj, "id_number_full", False)

    @staticmethod
    def resolve_gender_label(obj: Member) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_category_label(obj: Member) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_standing_label(obj: Member) -> str:
        return obj.get_standing_display()

    @staticmethod
    def resolve_branch_code(obj: Member) -> str:
        return obj.branch.code

    @staticmethod
    def resolve_branch_name(obj: Member) -> str:
        return obj.branch.name

    @staticmethod
    def resolve_group_name(obj: Member) -> str | None:
        return obj.group.name if obj.group else None


class MemberDetailOut(MemberOut):
    placements: list[PlacementOut] = Field(title="组织隶属记录", description="新的在前")
    status_changes: list[StatusChangeOut] = Field(title="人员类别和党籍状态变更", description="新的在前")


class MemberFilters(Input):
    """The list page's filters (zhibu.members.selectors.member_search)."""

    q: str = Field("", title="关键词", description="姓名、电话、岗位包含的文字，或完整的公民身份号码")
    branch: int | None = Field(
        None, ge=1, le=MAX_ID, title="党组织编号", description="党支部、党小组或党总支：列出其下的党员"
    )
    category: Category | None = Field(None, title="人员类别")
    standing: Standing | None = Field(None, title="党籍状态")
    mobile: bool = Field(False, title="只看流动党员")
    lost: bool = Field(False, title="只看失联党员")
    inactive: bool = Field(False, title="含已不在册", description="含已转出、出党、去世的人员")
    full_id: bool = Field(
        False,
        title="完整公民身份号码",
        description="为 true 时，对本人有“查看完整身份证号”权限的党员返回完整号码；每次请求记入审计日志",
    )

    def as_params(self) -> dict[str, str]:
        """In the shape of the page's query string, for `member_search`."""
        return {
            "q": self.q,
            "branch": str(self.branch or ""),
            "category": self.category or "",
            "standing": self.standing or "",
            "mobile": "1" if self.mobile else "",
            "lost": "1" if self.lost else "",
            "inactive": "1" if self.inactive else "",
        }


class DetailFilters(Schema):
    full_id: bool = Field(
        False, title="完整公民身份号码", description="为 true 且有权限时返回完整号码，记入审计日志"
    )


class MemberIn(Input):
    name: str = Field(title="姓名")
    gender: Gender | None = Field(None, title="性别", description="不填时按公民身份号码第17位")
    ethnicity: str = Field("汉族", title="民族")
    id_number: str = Field(title="公民身份号码", description="18位，校验码按 GB 11643")
    birth_date: dt.date | None = Field(None, title="出生日期", description="不填时取公民身份号码中的日期")
    education: str = Field("", title="学历")
    category: Category = Field(title="人员类别")
    branch_id: int = Field(title="所在党支部", description="党支部编号，须在本人管理范围内")
    group_id: int | None = Field(None, title="党小组", description="党小组编号，须属于所在党支部")
    joined_on: dt.date | None = Field(None, title="入党日期")
    converted_on: dt.date | None = Field(None, title="转正日期")
    work_unit: str = Field("", title="工作单位")
    post: str = Field("", title="工作岗位")
    phone: str = Field("", title="联系电话")
    address: str = Field("", title="家庭住址")
    standing: Standing = Field(Standing.NORMAL, title="党籍状态")
    is_lost_contact: bool = Field(False, title="失联党员")
    lost_contact_on: dt.date | None = Field(None, title="失联日期")
    is_mobile: bool = Field(False, title="流动党员")
    mobile_destination: str = Field("", title="外出流向")
    dues_category: DuesCategory = Field(DuesCategory.EMPLOYED, title="党费类别")
    dues_base: Decimal | None = Field(None, title="党费基数（元/月）")
    start_on: dt.date | None = Field(
        None, title="编入日期", description="编入党支部的日期；不填时为入党日期或今天"
    )
    reason: str = Field("", title="原因", description="如“从系统外转入”；不填为“登记”")


class MemberPatch(Input):
    """Only the fields sent are changed. A change of 所在党支部 or 党小组 is a move and a change of
    人员类别 or 党籍状态 a status change: both are kept as history from `effective_on`."""

    name: str | None = Field(None, title="姓名")
    gender: Gender | None = Field(None, title="性别")
    ethnicity: str | None = Field(None, title="民族")
    id_number: str | None = Field(None, title="公民身份号码")
    birth_date: dt.date | None = Field(None, title="出生日期")
    education: str | None = Field(None, title="学历")
    category: Category | None = Field(None, title="人员类别")
    branch_id: int | None = Field(None, title="所在党支部", description="改变时党小组须一并给出，否则清空")
    group_id: int | None = Field(None, title="党小组")
    joined_on: dt.date | None = Field(None, title="入党日期")
    converted_on: dt.date | None = Field(None, title="转正日期")
    work_unit: str | None = Field(None, title="工作单位")
    post: str | None = Field(None, title="工作岗位")
    phone: str | None = Field(None, title="联系电话")
    address: str | None = Field(None, title="家庭住址")
    standing: Standing | None = Field(None, title="党籍状态")
    is_lost_contact: bool | None = Field(None, title="失联党员")
    lost_contact_on: dt.date | None = Field(None, title="失联日期")
    is_mobile: bool | None = Field(None, title="流动党员")
    mobile_destination: str | None = Field(None, title="外出流向")
    dues_category: DuesCategory | None = Field(None, title="党费类别")
    dues_base: Decimal | None = Field(None, title="党费基数（元/月）")
    effective_on: dt.date | None = Field(
        None, title="生效日期", description="调整组织或状态的生效日期；不填为今天"
    )
    reason: str = Field("", title="原因", description="不填为“信息维护”")


class Problem(Schema):
    field: str = Field(title="字段")
    label: str = Field(title="字段名称")
    message: str = Field(title="说明")


class ProblemsOut(Schema):
    detail: list[Problem]


# ---------------------------------------------------------------------------------------------
# Helpers


def member_detail_data(member: Member) -> Member:
    """`member` with its history loaded (two queries), ready for `MemberDetailOut`."""
    prefetch_related_objects(
        [member],
        Prefetch(
            "placements",
            queryset=Placement.objects.select_related("branch", "group").order_by("-start_on", "-id"),
        ),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("-effective_on", "-id")),
    )
    return member


def _reveal(request: HttpRequest, user: Any, members: list[Member]) -> None:
    """Mark the members whose full 公民身份号码 this user may see, and log them in one event."""
    shown = [m for m in members if in_scope(user, "members.id_number", m.branch)]
    for member in shown:
        member.id_number_full = True  # type: ignore[attr-defined]
    services.members_reveal_id_numbers(actor=user, members=shown, channel="接口", ip_address=_ip(request))


class MemberPagination(PageNumberPagination):
    """Pages of 50 (at most 500); on the page's rows, reveal the full 公民身份号码 when asked and
    allowed."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])
        if params["filters"].full_id:
            _reveal(request, request.auth, items)  # type: ignore[attr-defined]
        result[self.items_attribute] = items
        return result


_API_FIELDS = {"branch": "branch_id", "group": "group_id"}


def _problems(error: ValidationError, schema: type[Schema]) -> dict[str, Any]:
    """A service's ValidationError as the 422 body, named by the API's fields and their labels."""
    if hasattr(error, "error_dict"):
        items = [(field, message) for field, messages in error.message_dict.items() for message in messages]
    else:
        items = [("", message) for message in error.messages]
    detail = []
    for field, message in items:
        name = "" if field == "__all__" else _API_FIELDS.get(field, field)
        info = schema.model_fields.get(name)
        if info is not None and info.title:
            label = info.title
        else:
            # Fields outside the schema (a model-level check): the model's verbose name, if any.
            try:
                label = str(getattr(Member._meta.get_field(field), "verbose_name", ""))
            except FieldDoesNotExist:
                label = ""
        detail.append({"field": name, "label": label, "message": message})
    return {"detail": detail}


def _organisations(user: Any, data: dict[str, Any]) -> None:
    """Replace `branch_id` / `group_id` by organisations the user may edit members of. An id outside
    the scope reads as not existing."""
    scope = orgs_for(user, "members.edit")
    for key, name, label in (("branch_id", "branch", "党支部"), ("group_id", "group", "党小组")):
        if key not in data:
            continue
        pk = data.pop(key)
        org = scope.filter(pk=pk).first() if pk is not None else None
        if pk is not None and org is None:
            raise ValidationError({name: [f"编号为{pk}的{label}不存在或不在您的管理范围内"]})
        data[name] = org


# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "",
    response=list[MemberOut],
    summary="党员列表",
    description="本人管理范围内的党员，筛选条件与“党员名册”页面相同。需要“查看党员”权限。",
)
@paginate(MemberPagination, page_size=50, max_page_size=500)
def member_list(request: HttpRequest, filters: Query[MemberFilters]) -> QuerySet:
    user = _actor(request, "members.view")
    return member_search(user, filters.as_params())


@router.get(
    "/{member_id}",
    response=MemberDetailOut,
    summary="党员详情",
    description="党员档案及组织隶属、人员类别和党籍状态的历史。",
)
def member_detail(request: HttpRequest, member_id: int, filters: Query[DetailFilters]) -> Member:
    user = _actor(request, "members.view")
    member = get_member_or_404(user, "members.view", member_id)
    if filters.full_id and in_scope(user, "members.id_number", member.branch):
        services.member_reveal_id_number(actor=user, member=member, ip_address=_ip(request))
        member.id_number_full = True  # type: ignore[attr-defined]
    return member_detail_data(member)


@router.post(
    "",
    response={201: MemberDetailOut, 422: ProblemsOut},
    summary="新增党员",
    description="登记一名党员（或入党申请人等），所在党支部须在本人管理范围内。需要“维护党员”权限。",
)
def member_create(request: HttpRequest, payload: MemberIn) -> Status:
    user = _actor(request, "members.edit")
    data = payload.model_dump()
    try:
        _organisations(user, data)
        member = services.member_create(actor=user, **data)
    except ValidationError as error:
        return Status(422, _problems(error, MemberIn))
    return Status(201, member_detail_data(member))


@router.patch(
    "/{member_id}",
    response={200: MemberDetailOut, 422: ProblemsOut},
    summary="修改党员信息",
    description="只修改请求中给出的字段。需要对该党员的“维护党员”权限。",
)
def member_update(request: HttpRequest, member_id: int, payload: MemberPatch) -> Status:
    user = _actor(request, "members.edit")
    member = get_member_or_404(user, "members.edit", member_id)
    data = payload.model_dump(exclude_unset=True)
    effective_on, reason = data.pop("effective_on", None), data.pop("reason", "") or "信息维护"
    if "branch_id" in data and data["branch_id"] != member.branch_id and "group_id" not in data:
        data["group_id"] = None
    try:
        _organisations(user, data)
        services.member_update(actor=user, member=member, effective_on=effective_on, reason=reason, **data)
    except ValidationError as error:
        return Status(422, _problems(error, MemberPatch))
    return Status(200, member_detail_data(Member.objects.select_related("branch", "group").get(pk=member.pk)))
