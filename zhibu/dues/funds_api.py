"""党建经费 API (DUES-3), mounted at /api/funds: one organisation's year summary (budget lines
with spent, remaining and 执行率) and the expenses with their receipts. Read-only, scoped like the
pages: `funds.view` somewhere or 403; an organisation outside the user's subtree is 404."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from zhibu.accounts.scoping import has_perm
from zhibu.dues import funds
from zhibu.dues.models import FundExpense, FundLine
from zhibu.lib.dates import today
from zhibu.members.api import MAX_ID

router = Router(tags=["党建经费"])


def _reader(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not has_perm(user, "funds.view"):
        raise PermissionDenied("您没有使用此接口的权限")
    return user


class LineOut(Schema):
    line: FundLine = Field(title="预算科目")
    label: str = Field(title="预算科目名称")
    budget: Decimal = Field(title="预算金额（元）")
    spent: Decimal = Field(title="已支出（元）")
    remaining: Decimal = Field(title="剩余（元）")
    usage: Decimal | None = Field(
        title="执行率（%）", description="已支出占预算的百分比，一位小数；预算为0时为空"
    )
    note: str = Field(title="说明")


class SummaryOut(Schema):
    organisation_id: int = Field(title="党组织编号")
    organisation_code: str = Field(title="组织代码")
    organisation_name: str = Field(title="党组织")
    year: int = Field(title="年度")
    lines: list[LineOut] = Field(title="预算科目")
    budget_total: Decimal = Field(title="预算合计（元）")
    spent_total: Decimal = Field(title="已支出合计（元）")
    remaining_total: Decimal = Field(title="剩余合计（元）")
    usage: Decimal | None = Field(title="执行率（%）")


class SummaryFilters(Schema):
    org: int = Field(ge=1, le=MAX_ID, title="党组织编号", description="党委、党总支或党支部（本级预算）")
    year: int | None = Field(None, ge=funds.FIRST_YEAR, le=2999, title="年度", description="默认本年")


class ReceiptOut(Schema):
    id: int = Field(title="编号")
    name: str = Field(title="文件名")
    size: int = Field(title="大小（字节）")
    sha256: str = Field(title="SHA-256")
    url: str = Field(title="下载地址", description="登录后按权限下载")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("funds:receipt", args=[obj.pk])


class ExpenseOut(Schema):
    id: int = Field(title="编号")
    organisation_id: int = Field(title="党组织编号")
    organisation_name: str = Field(title="党组织")
    year: int = Field(title="年度")
    line: FundLine = Field(title="预算科目")
    line_label: str = Field(title="预算科目名称")
    spent_on: dt.date = Field(title="支出日期")
    amount: Decimal = Field(title="金额（元）")
    purpose: str = Field(title="用途")
    payee: str = Field(title="收款方")
    voucher_number: str = Field(title="凭证号")
    approver: str = Field(title="审批人")
    receipts: list[ReceiptOut] = Field(title="票据")

    @staticmethod
    def resolve_organisation_id(obj: FundExpense) -> int:
        return obj.budget.organisation_id

    @staticmethod
    def resolve_organisation_name(obj: FundExpense) -> str:
        return obj.budget.organisation.name

    @staticmethod
    def resolve_year(obj: FundExpense) -> int:
        return obj.budget.year

    @staticmethod
    def resolve_line(obj: FundExpense) -> str:
        return obj.budget.line

    @staticmethod
    def resolve_line_label(obj: FundExpense) -> str:
        return obj.budget.get_line_display()

    @staticmethod
    def resolve_receipts(obj: FundExpense) -> list[Any]:
        return list(obj.receipts.all())


class ExpenseFilters(Schema):
    org: int | None = Field(
        None, ge=1, le=MAX_ID, title="党组织编号", description="只列该党组织本级的支出；不填为管辖范围内全部"
    )
    year: int | None = Field(None, ge=funds.FIRST_YEAR, le=2999, title="年度", description="不填为全部年度")


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")


@router.get(
    "/summary",
    response=SummaryOut,
    summary="党建经费预算执行",
    description="一个党组织本级一年的预算科目：预算、已支出、剩余和执行率，以及合计。",
)
def funds_summary(request: HttpRequest, filters: Query[SummaryFilters]) -> dict[str, Any]:
    user = _reader(request)
    organisation = funds.get_fund_org_or_404(user, "funds.view", filters.org)
    summary = funds.year_summary(organisation, filters.year or today().year)
    return {
        "organisation_id": organisation.pk,
        "organisation_code": organisation.code,
        "organisation_name": organisation.name,
        "year": summary.year,
        "lines": [
            {
                "line": row.line,
                "label": row.label,
                "budget": row.amount,
                "spent": row.spent,
                "remaining": row.remaining,
                "usage": row.usage,
                "note": row.budget.note,
            }
            for row in summary.lines
        ],
        "budget_total": summary.budget_total,
        "spent_total": summary.spent_total,
        "remaining_total": summary.remaining_total,
        "usage": summary.usage,
    }


@router.get(
    "/expenses",
    response=list[ExpenseOut],
    summary="党建经费支出",
    description="管辖范围内的党建经费支出及其票据，按支出日期从近到远。",
)
@paginate(Pages, page_size=50, max_page_size=500)
def funds_expense_list(request: HttpRequest, filters: Query[ExpenseFilters]) -> QuerySet:
    user = _reader(request)
    qs = funds.expenses_for(user).select_related("budget__organisation").prefetch_related("receipts")
    if filters.org is not None:
        organisation = funds.get_fund_org_or_404(user, "funds.view", filters.org)
        qs = qs.filter(budget__organisation=organisation)
    if filters.year is not None:
        qs = qs.filter(budget__year=filters.year)
    return qs.order_by("-spent_on", "-id")
