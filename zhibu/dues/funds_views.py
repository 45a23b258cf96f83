"""党建经费 pages (DUES-3): the organisations' year totals, one organisation's budget lines and
expenses, an expense with its receipts, the receipt download, the exports and the auditor's
list. Thin: the rules and the reads are in `zhibu.dues.funds`. Readers need `funds.view`, writers
`funds.edit` over the organisation; ids outside the user's subtree are 404."""

import datetime as dt
import io
import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from openpyxl import Workbook

from zhibu.accounts.scoping import has_perm, in_scope, require_perm
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.dues import funds
from zhibu.dues.funds_forms import BudgetForm, ExpenseForm, ReceiptForm
from zhibu.dues.models import FundBudget
from zhibu.lib.dates import today
from zhibu.lib.decimals import money
from zhibu.lib.forms import apply_errors
from zhibu.lib.xlsx import add_sheet, xlsx_response
from zhibu.orgs.models import Organisation

PAGE_SIZE = 50


def _year(request: HttpRequest) -> int:
    """The year asked for (?year=), or this year when absent or not a sensible year."""
    raw = request.GET.get("year", "")
    current = today().year
    if raw.isdigit() and funds.FIRST_YEAR <= int(raw) <= current + 1:
        return int(raw)
    return current


def _default_day(year: int) -> dt.date:
    """The date a new expense form starts with: today, or the last day of a past year."""
    return min(today(), dt.date(year, 12, 31))


def _org_url(org: Organisation, year: int) -> str:
    return f"{reverse('funds:organisation', args=[org.pk])}?year={year}"


def _years() -> list[int]:
    current = today().year
    return list(range(current + 1, max(funds.FIRST_YEAR, current - 6) - 1, -1))


def _export_audit(request: HttpRequest, organisation: Organisation | None, what: str, rows: int) -> None:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="dues.fundexpense",
        object_repr=what,
        organisation=organisation,
        note=f"导出{what}（{rows}行）",
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def _workbook_response(book: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    return xlsx_response(buffer.getvalue(), filename)


# ---------------------------------------------------------------------------------------------
# Index


def _index_rows(request: HttpRequest, year: int) -> list[funds.OrgTotals]:
    organisations = list(funds.fund_organisations(request.user).filter(is_active=True).order_by("path"))
    return funds.org_totals(organisations, year)


@require_perm("funds.view")
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = _index_rows(request, year)
    return render(
        request,
        "dues/funds/index.html",
        {
            "rows": rows,
            "year": year,
            "years": _years(),
            "budget_total": sum((r.budget for r in rows), funds.ZERO),
            "spent_total": sum((r.spent for r in rows), funds.ZERO),
        },
    )


@require_perm("funds.view")
def index_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = _index_rows(request, year)
    book = Workbook()
    add_sheet(
        book,
        f"{year}年党建经费",
        (
            "组织代码",
            "党组织",
            "组织类型",
            "预算科目数",
            "预算（元）",
            "已支出（元）",
            "剩余（元）",
            "执行率（%）",
        ),
        [
            (
                r.organisation.code,
                r.organisation.name,
                r.organisation.get_kind_display(),
                r.lines,
                r.budget,
                r.spent,
                r.remaining,
                r.usage,
            )
            for r in rows
        ],
        first=True,
    )
    _export_audit(request, None, f"{year}年党建经费汇总", len(rows))
    return _workbook_response(book, f"{year}年党建经费汇总.xlsx")


# ---------------------------------------------------------------------------------------------
# One organisation


@require_perm("funds.view")
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = funds.get_fund_org_or_404(request.user, "funds.view", pk)
    year = _year(request)
    summary = funds.year_summary(org, year)
    can_edit = in_scope(request.user, "funds.edit", org) and org.is_active
    context: dict[str, Any] = {
        "org": org,
        "year": year,
        "years": _years(),
        "summary": summary,
        "expenses": funds.expense_list(org, year),
        "can_edit": can_edit,
        "append_only_note": funds.APPEND_ONLY_NOTE,
    }
    if can_edit:
        context["budget_form"] = BudgetForm(auto_id="budget-%s")  # two forms on one page: distinct ids
        if summary.lines and year <= today().year:
            budgets = FundBudget.objects.filter(pk__in=[row.budget.pk for row in summary.lines])
            context["expense_form"] = ExpenseForm(
                budgets=budgets, initial={"spent_on": _default_day(year)}, auto_id="expense-%s"
            )
    return render(request, "dues/funds/organisation.html", context)


@require_perm("funds.view")
def organisation_export(request: HttpRequest, pk: int) -> HttpResponse:
    org = funds.get_fund_org_or_404(request.user, "funds.view", pk)
    year = _year(request)
    summary = funds.year_summary(org, year)
    expenses = list(funds.expense_list(org, year))
    book = Workbook()
    add_sheet(book, "预算执行", funds.SUMMARY_HEADERS, funds.summary_rows(summary), first=True)
    add_sheet(book, "支出明细", funds.EXPENSE_HEADERS, funds.expense_rows(expenses))
    _export_audit(request, org, f"{org.name}{year}年党建经费", len(expenses))
    return _workbook_response(book, f"{org.name}{year}年党建经费.xlsx")


@require_perm("funds.edit")
def budget_set(request: HttpRequest, pk: int) -> HttpResponse:
    org = funds.get_fund_org_or_404(request.user, "funds.edit", pk)
    year = _year(request)
    posted = request.method == "POST"
    form = BudgetForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            budget = funds.budget_set(actor=request.user, organisation=org, year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"已保存{year}年预算科目“{budget.get_line_display()}”：{budget.amount}元。"
            )
            return redirect(_org_url(org, year))
    return render(
        request,
        "dues/funds/form.html",
        {"form": form, "org": org, "year": year, "title": f"{org.name} · 编制{year}年预算"},
        status=422 if posted else 200,
    )


@require_perm("funds.edit")
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    org = funds.get_fund_org_or_404(request.user, "funds.edit", pk)
    year = _year(request)
    budgets = FundBudget.objects.filter(organisation=org, year=year)
    posted = request.method == "POST"
    form = ExpenseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        budgets=budgets,
        initial={"spent_on": _default_day(year)},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            expense = funds.expense_record(
                actor=request.user,
                budget=data["budget"],
                spent_on=data["spent_on"],
                amount=data["amount"],
                purpose=data["purpose"],
                payee=data["payee"],
                voucher_number=data["voucher_number"],
                approver=data["approver"],
                receipts=data["receipts"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记支出：{expense.purpose} {expense.amount}元。")
            return redirect("funds:expense", pk=expense.pk)
    return render(
        request,
        "dues/funds/form.html",
        {
            "form": form,
            "org": org,
            "year": year,
            "title": f"{org.name} · 登记{year}年支出",
            "multipart": True,
            "no_budget": not budgets.exists(),
            "append_only_note": funds.APPEND_ONLY_NOTE,
        },
        status=422 if posted else 200,
    )


# ---------------------------------------------------------------------------------------------
# One expense and its receipts


@require_perm("funds.view")
def expense_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expense = funds.get_expense_or_404(request.user, "funds.view", pk)
    org = expense.budget.organisation
    can_edit = in_scope(request.user, "funds.edit", org) and org.is_active
    return render(
        request,
        "dues/funds/expense.html",
        {
            "expense": expense,
            "org": org,
            "receipts": expense.receipts.order_by("created_at", "pk"),
            "can_edit": can_edit,
            "receipt_form": ReceiptForm() if can_edit else None,
            "append_only_note": funds.APPEND_ONLY_NOTE,
        },
    )


@require_perm("funds.edit")
def receipt_add(request: HttpRequest, pk: int) -> HttpResponse:
    expense = funds.get_expense_or_404(request.user, "funds.edit", pk)
    posted = request.method == "POST"
    form = ReceiptForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            receipt = funds.receipt_add(actor=request.user, expense=expense, upload=form.cleaned_data["file"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已补充票据“{receipt.name}”。")
            return redirect("funds:expense", pk=expense.pk)
    return render(
        request,
        "dues/funds/form.html",
        {
            "form": form,
            "org": expense.budget.organisation,
            "year": expense.budget.year,
            "expense": expense,
            "title": f"补充票据：{expense.purpose}",
            "multipart": True,
        },
        status=422 if posted else 200,
    )


@require_perm("funds.view")
def receipt_download(request: HttpRequest, pk: int) -> FileResponse:
    """Receipts are streamed after the scope check — never a public MEDIA url."""
    receipt = funds.get_receipt_or_404(request.user, "funds.view", pk)
    content_type = mimetypes.guess_type(receipt.name)[0] or "application/octet-stream"
    try:
        handle = receipt.file.open("rb")
    except FileNotFoundError:
        raise Http404("票据文件已不在存储中，请联系系统管理员") from None
    response = FileResponse(handle, as_attachment=True, filename=receipt.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# The auditor's view


def _audit_query(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    raw_year = request.GET.get("year", "")
    year: int | None = None if raw_year == "all" else _year(request)
    org = None
    raw_org = request.GET.get("org", "")
    if raw_org:
        org = funds.get_fund_org_or_404(request.user, "funds.view", raw_org)
    sort = request.GET.get("sort", "-date")
    sort = sort if sort in funds.SORTS else "-date"
    flag = request.GET.get("flag", "")
    flag = flag if flag in funds.FLAGS else ""
    qs = funds.audit_expenses(request.user, year=year, organisation=org, sort=sort, flag=flag)
    return {"year": year, "org": org, "sort": sort, "flag": flag}, qs


@require_perm("funds.view")
def audit(request: HttpRequest) -> HttpResponse:
    filters, qs = _audit_query(request)
    unflagged = funds.audit_expenses(request.user, year=filters["year"], organisation=filters["org"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for expense in page.object_list:
        expense.flags = funds.flags_of(expense)
        expense.running_total = money(expense.running_total)  # SQLite drops the trailing zeros
    return render(
        request,
        "dues/funds/audit.html",
        filters
        | {
            "page_obj": page,
            "counts": funds.flag_counts(unflagged),
            "flags": funds.FLAGS,
            "years": _years(),
            "organisations": funds.fund_organisations(request.user).order_by("path"),
            "is_auditor": not has_perm(request.user, "funds.edit"),
        },
    )


AUDIT_HEADERS = (
    "支出日期",
    "组织代码",
    "党组织",
    "年度",
    "预算科目",
    "用途",
    "收款方",
    "金额（元）",
    "凭证号",
    "审批人",
    "票据数",
    "科目预算（元）",
    "科目累计支出（元）",
    "审计提示",
)


@require_perm("funds.view")
def audit_export(request: HttpRequest) -> HttpResponse:
    filters, qs = _audit_query(request)
    rows = [
        (
            e.spent_on,
            e.budget.organisation.code,
            e.budget.organisation.name,
            e.budget.year,
            e.budget.get_line_display(),
            e.purpose,
            e.payee,
            e.amount,
            e.voucher_number,
            e.approver,
            e.receipt_count,  # type: ignore[attr-defined]
            e.budget.amount,
            money(e.running_total),  # type: ignore[attr-defined]
            "、".join(funds.flags_of(e)),
        )
        for e in qs
    ]
    book = Workbook()
    add_sheet(book, "支出审计", AUDIT_HEADERS, rows, first=True)
    year = filters["year"]
    what = f"{year}年党建经费支出审计" if year else "党建经费支出审计（全部年度）"
    _export_audit(request, filters["org"], what, len(rows))
    return _workbook_response(book, f"{what}.xlsx")
