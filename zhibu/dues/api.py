"""党费 API (DUES-1, DUES-2), mounted at /api/dues: a branch's ledger of a year (12 months a
row), the arrears in scope, payments, and recording one payment through `services.payment_record`.

Scoped like the pages: reading needs `dues.view` (a member without it reads their own payments);
recording needs `dues.edit` over the member's branch. A branch or member outside the scope is 404
(or, inside a request body, a 422 naming the field). A refused payment is a 422 with the words of
`services.payment_problems`, one entry per field."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from zhibu.accounts.scoping import api_actor as _actor
from zhibu.accounts.scoping import get_org_or_404, has_perm, members_for, orgs_for, scope_q
from zhibu.dues import selectors, services
from zhibu.dues.exports import level_labels
from zhibu.dues.forms import parse_month
from zhibu.dues.models import DuesPayment
from zhibu.lib.dates import today
from zhibu.members.api import MAX_ID, Input, ProblemsOut
from zhibu.orgs.models import Organisation

router = Router(tags=["党费"])

MONTH_HELP = "格式 YYYY-MM，如 2026-03"


def _month(month: dt.date) -> str:
    return f"{month:%Y-%m}"


# ---------------------------------------------------------------------------------------------
# Schemas


class MonthOut(Schema):
    month: str = Field(title="月份", description=MONTH_HELP)
    due: Decimal | None = Field(title="应交金额", description="为空表示当月不需交纳")
    paid: Decimal | None = Field(title="实交金额", description="为空表示没有交纳记录")
    paid_on: dt.date | None = Field(title="交纳日期")
    state: str = Field(
        title="状态",
        description="paid 已交，short 少交，unpaid 未交（月份已结束），open 未到期，none 不需交纳",
    )


class LedgerRowOut(Schema):
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    dues_category: str | None = Field(title="党费类别", description="年末（或今天）适用的核定")
    dues_base: Decimal | None = Field(title="党费基数（元/月）")
    rate: Decimal | None = Field(title="交纳比例（%）", description="固定金额的类别为空")
    amount: Decimal | None = Field(title="每月应交（元）")
    months: list[MonthOut] = Field(title="各月", description="1月至12月，共12项")
    due_total: Decimal = Field(title="应交合计")
    paid_total: Decimal = Field(title="实交合计")


class UnsetOut(Schema):
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")


class LedgerOut(Schema):
    branch_id: int = Field(title="党支部编号")
    branch_code: str = Field(title="组织代码")
    branch_name: str = Field(title="党支部")
    year: int = Field(title="年度")
    rows: list[LedgerRowOut] = Field(title="党员", description="当年应交党费的党员，每人12个月")
    unset: list[UnsetOut] = Field(
        title="尚未核定", description="应交党费但尚未核定当年金额的党员（规则 C-5）"
    )
    due_total: Decimal = Field(title="应交合计")
    paid_total: Decimal = Field(title="实交合计")
    monthly_paid: list[Decimal] = Field(title="各月实交合计", description="1月至12月")


class LedgerFilters(Input):
    branch: int = Field(ge=1, le=MAX_ID, title="党支部编号")
    year: int | None = Field(None, ge=2000, le=2999, title="年度", description="默认今年")


class ArrearsOut(Schema):
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="党支部编号")
    branch_name: str = Field(title="党支部")
    months: list[str] = Field(title="欠缴月份", description="已结束、应交而未交足的月份，早的在前")
    consecutive: int = Field(title="连续欠缴月数", description="自最近一个已结束的月份往前连续未交足的月数")
    owed: Decimal = Field(title="欠缴金额")
    level: str = Field(title="级别", description="空、warning（提醒）或 flag（标记，规则 C-8）")
    level_label: str = Field(title="级别名称")


class ArrearsFilters(Input):
    branch: int | None = Field(None, ge=1, le=MAX_ID, title="党组织编号", description="其下各党支部")


class PaymentOut(Schema):
    id: int = Field(title="编号")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    branch_id: int = Field(title="收缴党支部编号")
    month: str = Field(title="所属月份", description=MONTH_HELP)
    due: Decimal = Field(title="应交金额")
    paid: Decimal = Field(title="实交金额")
    paid_on: dt.date = Field(title="交纳日期")
    method: str = Field(title="交纳方式")
    method_label: str = Field(title="交纳方式名称")
    note: str = Field(title="备注")
    settled: bool = Field(title="已交足", description="实交不少于应交")

    @staticmethod
    def resolve_member_name(obj: DuesPayment) -> str:
        return obj.member.name

    @staticmethod
    def resolve_month(obj: DuesPayment) -> str:
        return _month(obj.month)

    @staticmethod
    def resolve_method_label(obj: DuesPayment) -> str:
        return obj.get_method_display()

    @staticmethod
    def resolve_settled(obj: DuesPayment) -> bool:
        return obj.is_settled


class PaymentFilters(Input):
    member: int | None = Field(None, ge=1, le=MAX_ID, title="党员编号")
    year: int | None = Field(None, ge=2000, le=2999, title="年度")


class PaymentIn(Input):
    member_id: int = Field(ge=1, le=MAX_ID, title="党员编号", description="须在本人管理范围内")
    month: str = Field(title="所属月份", description=MONTH_HELP)
    paid: Decimal = Field(max_digits=10, decimal_places=2, title="实交金额")
    paid_on: dt.date = Field(title="交纳日期")
    method: DuesPayment.Method | None = Field(None, title="交纳方式")
    due: Decimal | None = Field(
        None, max_digits=10, decimal_places=2, title="应交金额", description="为空时按该党员当月核定金额"
    )
    note: str = Field("", max_length=300, title="备注")

    @field_validator("month")
    @classmethod
    def _real_month(cls, value: str) -> str:
        if parse_month(value) is None:
            raise ValueError(f"所属月份格式应为 YYYY-MM（如 2026-03），实为“{value}”")
        return value


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")


# ---------------------------------------------------------------------------------------------
# Endpoints


def _ledger_data(ledger: selectors.Ledger) -> dict[str, Any]:
    rows = []
    for row in ledger.rows:
        s = row.setting
        rows.append(
            {
                "member_id": row.member.pk,
                "member_name": row.member.name,
                "dues_category": s.dues_category if s else None,
                "dues_base": s.dues_base if s else None,
                "rate": s.rate if s else None,
                "amount": s.amount if s else None,
                "months": [
                    {
                        "month": _month(c.month),
                        "due": c.due,
                        "paid": c.payment.paid if c.payment else None,
                        "paid_on": c.payment.paid_on if c.payment else None,
                        "state": c.state,
                    }
                    for c in row.cells
                ],
                "due_total": row.due_total,
                "paid_total": row.paid_total,
            }
        )
    branch = ledger.branch
    return {
        "branch_id": branch.pk,
        "branch_code": branch.code,
        "branch_name": branch.name,
        "year": ledger.year,
        "rows": rows,
        "unset": [{"member_id": m.pk, "member_name": m.name} for m in ledger.unset],
        "due_total": ledger.due_total,
        "paid_total": ledger.paid_total,
        "monthly_paid": list(ledger.monthly_paid),
    }


@router.get(
    "/ledger",
    response=LedgerOut,
    summary="党费台账",
    description="一个党支部一年的党费台账：每名应交党员12个月的应交、实交、交纳日期和状态，及合计。需要“查看党费”权限。",
)
def dues_ledger(request: HttpRequest, filters: Query[LedgerFilters]) -> dict[str, Any]:
    user = _actor(request, "dues.view")
    branch = get_org_or_404(user, "dues.view", filters.branch)
    if branch.kind != Organisation.Kind.BRANCH:
        raise Http404("党费台账按党支部查看")
    year = filters.year or today().year
    return _ledger_data(selectors.branch_ledger(branch, year, today()))


@router.get(
    "/arrears",
    response=list[ArrearsOut],
    summary="党费欠缴",
    description=(
        "本人管理范围内（或 branch 之下）欠缴党费的党员：欠缴月份、连续欠缴月数、欠缴金额；"
        "连续欠缴达到提醒月数为 warning，达到标记月数为 flag（规则 C-8）。需要“查看党费”权限。"
    ),
)
def dues_arrears(request: HttpRequest, filters: Query[ArrearsFilters]) -> list[dict[str, Any]]:
    user = _actor(request, "dues.view")
    branches = orgs_for(user, "dues.view").filter(kind=Organisation.Kind.BRANCH, is_active=True)
    if filters.branch:
        top = get_org_or_404(user, "dues.view", filters.branch)
        branches = branches.filter(path__startswith=top.path)
    by_pk = {b.pk: b for b in branches.order_by("path")}
    labels = level_labels()
    order = {pk: i for i, pk in enumerate(by_pk)}
    rows = sorted(
        selectors.arrears(list(by_pk.values()), today()),
        key=lambda r: (order.get(r.member.branch_id, 0), -r.consecutive, r.member.name, r.member.pk),
    )
    return [
        {
            "member_id": r.member.pk,
            "member_name": r.member.name,
            "branch_id": r.member.branch_id,
            "branch_name": by_pk[r.member.branch_id].name if r.member.branch_id in by_pk else "",
            "months": [_month(m) for m in r.months],
            "consecutive": r.consecutive,
            "owed": r.owed,
            "level": r.level,
            "level_label": labels.get(r.level, ""),
        }
        for r in rows
    ]


def _payments_for(user: Any) -> QuerySet:
    """Payments collected by a branch in scope or of a member of one, and the user's own."""
    q = scope_q(user, "dues.view", "branch") | scope_q(user, "dues.view", "member__branch")
    if getattr(user, "member_id", None):
        q |= Q(member_id=user.member_id)
    return DuesPayment.objects.filter(q)


@router.get(
    "/payments",
    response=list[PaymentOut],
    summary="党费交纳记录",
    description="本人管理范围内党员的交纳记录，以及本人的交纳记录；可按党员和年度筛选。",
)
@paginate(Pages, page_size=50, max_page_size=500)
def dues_payment_list(request: HttpRequest, filters: Query[PaymentFilters]) -> QuerySet:
    user = request.auth  # type: ignore[attr-defined]
    own = getattr(user, "member_id", None)
    if not has_perm(user, "dues.view") and not own:
        raise PermissionDenied("您没有使用此接口的权限")
    qs = _payments_for(user).select_related("member")
    if filters.member:
        visible = filters.member == own or members_for(user, "dues.view").filter(pk=filters.member).exists()
        if not visible:
            raise Http404("未找到该党员")
        qs = qs.filter(member_id=filters.member)
    if filters.year:
        qs = qs.filter(month__year=filters.year)
    return qs.order_by("member__branch__path", "member__name", "member_id", "month", "id")


def _problems(problems: dict[str, Any]) -> dict[str, Any]:
    """{field: message or [messages]} of the services as the 422 body, named by this API's fields."""
    names = {"member": "member_id", "__all__": ""}
    detail = []
    for field, messages in problems.items():
        name = names.get(field, field)
        info = PaymentIn.model_fields.get(name)
        for message in messages if isinstance(messages, list) else [messages]:
            detail.append({"field": name, "label": (info.title if info else "") or "", "message": message})
    return {"detail": detail}


@router.post(
    "/payments",
    response={201: PaymentOut, 422: ProblemsOut},
    summary="登记党费交纳",
    description=(
        "登记（或更正）一名党员一个月的党费。应交金额为空时按当月核定金额；补交最多6个月（规则 C-6），"
        "交纳日期不能是将来。需要对该党员的“维护党费”权限。"
    ),
)
def dues_payment_create(request: HttpRequest, payload: PaymentIn) -> Status:
    user = _actor(request, "dues.edit")
    data = payload.model_dump()
    member = members_for(user, "dues.edit").select_related("branch").filter(pk=data["member_id"]).first()
    if member is None:
        message = f"编号为{data['member_id']}的党员不存在或不在您的管理范围内"
        return Status(422, _problems({"member": message}))
    month = parse_month(data["month"])
    assert month is not None  # the schema checked it
    problems = services.payment_problems(
        member=member,
        month=month,
        paid=data["paid"],
        paid_on=data["paid_on"],
        due=data["due"],
        method=data["method"] or "",
    )
    if problems:
        return Status(422, _problems(problems))
    try:
        payment = services.payment_record(
            actor=user,
            member=member,
            month=month,
            paid=data["paid"],
            paid_on=data["paid_on"],
            method=data["method"] or "",
            due=data["due"],
            note=data["note"],
        )
    except ValidationError as error:
        return Status(
            422, _problems(error.message_dict if hasattr(error, "error_dict") else {"": error.messages})
        )
    return Status(201, DuesPayment.objects.select_related("member").get(pk=payment.pk))
