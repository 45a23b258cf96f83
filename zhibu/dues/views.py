"""党费 pages (DUES-1, DUES-2): the overview of branches, a branch's ledger of a year with 年初核定,
收缴登记, export and 公示, one member's settings and payments, the arrears list and a member's own
dues. Thin: the rules are in `zhibu.dues.services`, the reads in `zhibu.dues.selectors`; every
object is reached through the scoping helpers (404 outside the user's subtree), and writes need
`dues.edit` (the auditor and the inspector read, and get 403 on writes)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhibu.accounts.scoping import (
    get_member_or_404,
    get_org_or_404,
    has_perm,
    in_scope,
    orgs_for,
    require_perm,
)
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.dues import exports, selectors, services
from zhibu.dues.forms import FIRST_YEAR, CollectForm, PaymentForm, PublicationForm, SettingForm, parse_month
from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.dues.rules import DuesRuleError, compute_amount, month_label
from zhibu.lib.dates import add_months, today
from zhibu.lib.forms import apply_errors
from zhibu.lib.rules import rules_for
from zhibu.lib.xlsx import xlsx_response
from zhibu.members.models import DuesCategory, Member
from zhibu.orgs.models import Organisation

ZERO = Decimal("0.00")
# A ledger cell's state → its Bootstrap colour and its Chinese name.
STATES = {
    state: (css, selectors.STATE_LABELS[state])
    for state, css in (
        (selectors.PAID, "table-success"),
        (selectors.SHORT, "table-warning"),
        (selectors.UNPAID, "table-danger"),
        (selectors.OPEN, "table-light"),
        (selectors.NONE, ""),
    )
}


def _years() -> list[int]:
    """Next year too: the amounts of the coming year are set in December (C-5)."""
    this = today().year
    return list(range(this + 1, max(FIRST_YEAR, this - 6) - 1, -1))


def _year(raw: Any) -> int:
    """The year asked for, or this year when absent or not a sensible year."""
    text = str(raw or "")
    if text.isdigit() and FIRST_YEAR <= int(text) <= today().year + 1:
        return int(text)
    return today().year


def _branches(user: Any, perm: str = "dues.view") -> Any:
    return orgs_for(user, perm).filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("path")


def _branch(user: Any, perm: str, pk: int) -> Organisation:
    org = get_org_or_404(user, perm, pk)
    if org.kind != Organisation.Kind.BRANCH:
        raise Http404("党费台账按党支部查看")
    return org


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _audit_export(request: HttpRequest, branch: Organisation | None, what: str, count: int) -> None:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="dues.duespayment",
        object_repr=what,
        organisation=branch,
        note=f"导出{what}（{count}条）",
        ip_address=_ip(request),
    )


# ---------------------------------------------------------------------------------------------
# The overview: one line per branch


@dataclass
class BranchSummary:
    branch: Organisation
    ledger: selectors.Ledger | None = None
    arrears: int = 0
    warnings: int = 0
    flags: int = 0
    publication: DuesPublication | None = None

    @property
    def members(self) -> int:
        return self.ledger.paying_count if self.ledger else 0

    @property
    def due_total(self) -> Decimal:
        return self.ledger.due_total if self.ledger else ZERO

    @property
    def paid_total(self) -> Decimal:
        return self.ledger.paid_total if self.ledger else ZERO

    @property
    def rate_text(self) -> str:
        rate = self.ledger.rate if self.ledger else None
        return "" if rate is None else f"{rate}%"

    @property
    def unset(self) -> int:
        return len(self.ledger.unset) if self.ledger else 0

    @property
    def set_done(self) -> bool:
        """年初核定 done: every paying member has a setting of the year itself."""
        return bool(self.ledger and self.ledger.rows and not self.ledger.unset)

    @property
    def set_text(self) -> str:
        if self.set_done:
            return "已核定"
        return f"未核定（{self.unset}人）" if self.unset else "未核定"


def summarise(branches: list[Organisation], year: int, on: dt.date) -> list[BranchSummary]:
    """One line per branch: its ledger's totals, the current arrears and the year's 公示 — a fixed
    number of queries, whatever the number of branches and members."""
    publications = {
        p.organisation_id: p
        for p in DuesPublication.objects.filter(organisation__in=branches, year=year).select_related("notice")
    }
    ledgers = selectors.branch_ledgers(branches, year, on)
    summaries = {
        b.pk: BranchSummary(branch=b, ledger=ledgers[b.pk], publication=publications.get(b.pk))
        for b in branches
    }
    for row in selectors.arrears(branches, on) if branches else []:
        summary = summaries[row.member.branch_id]
        summary.arrears += 1
        summary.warnings += row.level == selectors.WARNING
        summary.flags += row.level == selectors.FLAG
    return [summaries[b.pk] for b in branches]


@require_perm("dues.view")
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year"))
    page = Paginator(_branches(request.user), django_settings.PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = summarise(list(page.object_list), year, today())
    context = {
        "page_obj": page,
        "summaries": summaries,
        "year": year,
        "years": _years(),
        "labels": exports.level_labels(year),
        "title": "党费",
        "can_import": has_perm(request.user, "dues.edit"),
    }
    return render(request, "dues/index.html", context)


@require_perm("dues.view")
def index_export(request: HttpRequest) -> HttpResponse:
    year = _year(request.GET.get("year"))
    summaries = summarise(list(_branches(request.user)), year, today())
    _audit_export(request, None, f"{year}年党费收缴情况", len(summaries))
    return xlsx_response(exports.overview_workbook(year, summaries), f"{year}年党费收缴情况.xlsx")


# ---------------------------------------------------------------------------------------------
# A branch's ledger


@dataclass
class GridRow:
    row: selectors.LedgerRow
    cells: list[tuple[selectors.LedgerCell, str, str]] = field(default_factory=list)
    owed: Decimal = ZERO


def grid(ledger: selectors.Ledger) -> list[GridRow]:
    rows = []
    for row in ledger.rows:
        cells = [(cell, *STATES.get(cell.state, ("", ""))) for cell in row.cells]
        rows.append(GridRow(row=row, cells=cells, owed=exports.row_owed(row)))
    return rows


@require_perm("dues.view")
def branch_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request.user, "dues.view", pk)
    year = _year(request.GET.get("year"))
    ledger = selectors.branch_ledger(branch, year, today())
    publication = (
        DuesPublication.objects.filter(organisation=branch, year=year).select_related("notice").first()
    )
    context = {
        "branch": branch,
        "year": year,
        "years": _years(),
        "ledger": ledger,
        "rows": grid(ledger),
        "months": range(1, 13),
        "states": [(css, label) for css, label in STATES.values() if css],
        "owed_total": sum((exports.row_owed(r) for r in ledger.rows), ZERO),
        "publication": publication,
        "can_edit": in_scope(request.user, "dues.edit", branch),
    }
    return render(request, "dues/branch.html", context)


@require_perm("dues.view")
def branch_export(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request.user, "dues.view", pk)
    year = _year(request.GET.get("year"))
    ledger = selectors.branch_ledger(branch, year, today())
    _audit_export(request, branch, f"{branch.name}{year}年党费台账", len(ledger.rows))
    return xlsx_response(exports.ledger_workbook(ledger), f"{branch.name}{year}年党费台账.xlsx")


def _ledger_url(branch: Organisation, year: int) -> str:
    return f"{reverse('dues:branch', args=[branch.pk])}?year={year}"


@require_perm("dues.edit")
@require_POST
def set_year(request: HttpRequest, pk: int) -> HttpResponse:
    """年初核定 (C-5): every paying member of the branch without a setting for the year."""
    branch = _branch(request.user, "dues.edit", pk)
    year = _year(request.POST.get("year"))
    try:
        created = services.dues_set_year(actor=request.user, branch=branch, year=year)
    except ValidationError as error:
        messages.error(request, f"{year}年党费未能核定，未作任何修改：" + "；".join(error.messages))
    else:
        if created:
            messages.success(request, f"已核定{len(created)}名党员{year}年每月应交党费。")
        else:
            messages.info(request, f"{year}年党费此前已全部核定，没有需要核定的党员。")
    return redirect(_ledger_url(branch, year))


def _collect_choices(ledger: selectors.Ledger, month: dt.date) -> tuple[list[dict[str, Any]], list[int]]:
    """The members who owe `month` (with the cell) and those of them not yet paid (prechecked)."""
    rows, unpaid = [], []
    for row in ledger.rows:
        cell = next((c for c in row.cells if c.month == month), None)
        if cell is None or cell.due is None:
            continue
        css, label = STATES.get(cell.state, ("", ""))
        rows.append({"member": row.member, "cell": cell, "css": css, "label": label})
        if cell.state != "paid":
            unpaid.append(row.member.pk)
    return rows, unpaid


@require_perm("dues.edit")
def collect(request: HttpRequest, pk: int) -> HttpResponse:
    """收缴登记: a month's payment day for many members at once, prechecked those who owe it."""
    branch = _branch(request.user, "dues.edit", pk)
    source = request.POST if request.method == "POST" else request.GET
    month = parse_month(str(source.get("month") or "")) or today().replace(day=1)
    ledger = selectors.branch_ledger(branch, month.year, today())
    rows, unpaid = _collect_choices(ledger, month)
    choices = [(r["member"].pk, r["member"].name) for r in rows]
    initial = {"month": month, "paid_on": today(), "method": DuesPayment.Method.CASH, "members": unpaid}
    form = CollectForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["members"])
        members = [r["member"] for r in rows if r["member"].pk in chosen]
        try:
            payments = services.payments_record_month(
                actor=request.user,
                branch=branch,
                month=data["month"],
                paid_on=data["paid_on"],
                method=data["method"],
                members=members,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{len(payments)}名党员{month_label(data['month'])}的党费。")
            return redirect(_ledger_url(branch, data["month"].year))
    checked = {int(v) for v in form["members"].value() or [] if str(v).isdigit()}
    context = {
        "branch": branch,
        "form": form,
        "month": month,
        "rows": rows,
        "checked": checked,
        "title": f"收缴登记：{branch.name}",
    }
    return render(request, "dues/collect.html", context)


@require_perm("dues.edit")
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """公示 of the year's collection (C-7): once a year per branch, content from the ledger."""
    branch = _branch(request.user, "dues.edit", pk)
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    existing = DuesPublication.objects.filter(organisation=branch, year=year).select_related("notice").first()
    start = today()
    form = PublicationForm(
        request.POST or None, initial={"start_on": start, "end_on": start + dt.timedelta(7)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_publish(actor=request.user, branch=branch, year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已发布{branch.name}{year}年党费收缴情况公示。")
            return redirect(_ledger_url(branch, year))
    ledger = selectors.branch_ledger(branch, year, today())
    context = {
        "branch": branch,
        "year": year,
        "years": _years(),
        "form": form,
        "existing": existing,
        "ledger": ledger,
        "title": f"党费收缴公示：{branch.name}{year}年",
    }
    return render(request, "dues/publication.html", context)


# ---------------------------------------------------------------------------------------------
# One member


def explain(setting: DuesSetting | None) -> str:
    """The sentence that says how the amount was computed (P-3), from the year's rules."""
    if setting is None:
        return ""
    farmer = setting.amount if setting.dues_category == DuesCategory.FARMER else None
    try:
        computed = compute_amount(
            setting.dues_category, setting.dues_base, rules_for(setting.year), farmer_amount=farmer
        )
    except DuesRuleError as error:
        return f"{error}；核定金额为{setting.amount}元"
    if setting.reduced_from is not None:
        return (
            f"{computed.explanation}；经党支部同意、上级党组织批准（{setting.reduction_approval}），"
            f"减免为每月{setting.amount}元（党费规定 C-7）"
        )
    if computed.amount != setting.amount:
        # The rules of the year were changed after the amount was set (P-4): the amount stands.
        return f"{computed.explanation}；核定时的金额为{setting.amount}元，按核定金额交纳"
    return computed.explanation


def current_setting(settings: list[DuesSetting], on: dt.date) -> DuesSetting | None:
    """The setting in force on `on`: the latest one starting at or before its month."""
    started = [s for s in settings if (s.year, s.from_month) <= (on.year, on.month)]
    return max(started, key=lambda s: (s.year, s.from_month)) if started else None


def _member_dues(member: Member, year: int) -> dict[str, Any]:
    """What the member page and a member's own page show (read-only)."""
    on = today()
    settings = list(member.dues_settings.order_by("year", "from_month"))
    setting = current_setting(settings, on)
    payments = list(member.dues_payments.filter(month__year=year).select_related("branch").order_by("month"))
    owing = next((r for r in selectors.arrears([member.branch], on) if r.member.pk == member.pk), None)
    ledger = selectors.branch_ledger(member.branch, year, on)
    row = next((r for r in ledger.rows if r.member.pk == member.pk), None)
    cells = [(cell, *STATES.get(cell.state, ("", ""))) for cell in row.cells] if row else []
    return {
        "member": member,
        "year": year,
        "years": _years(),
        "settings": settings,
        "setting": setting,
        "explanation": explain(setting),
        "payments": payments,
        "arrears": owing,
        "row": row,
        "cells": cells,
        "labels": exports.level_labels(),
        "unset": member in ledger.unset,
        "back_months": rules_for(on.year).integer("dues.max_back_months"),
    }


@require_perm("dues.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "dues.view", pk)
    context = _member_dues(member, _year(request.GET.get("year")))
    context["can_edit"] = in_scope(request.user, "dues.edit", member.branch)
    return render(request, "dues/member.html", context)


@require_perm("dues.view")
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "dues.view", pk)
    settings = list(member.dues_settings.order_by("year", "from_month"))
    payments = list(member.dues_payments.order_by("month"))
    owing = next((r for r in selectors.arrears([member.branch], today()) if r.member.pk == member.pk), None)
    _audit_export(request, member.branch, f"{member.name}的党费记录", len(payments))
    return xlsx_response(exports.member_workbook(settings, payments, owing), f"{member.name}的党费.xlsx")


def _member_url(member: Member, year: int | None = None) -> str:
    url = reverse("dues:member", args=[member.pk])
    return f"{url}?year={year}" if year else url


@require_perm("dues.edit")
def setting_change(request: HttpRequest, pk: int) -> HttpResponse:
    """调整党费: from a month of a year; mid-year needs a reason (C-5)."""
    member = get_member_or_404(request.user, "dues.edit", pk)
    on = today()
    initial = {
        "year": on.year,
        "from_month": on.month,
        "dues_category": member.dues_category,
        "dues_base": member.dues_base,
    }
    form = SettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.dues_setting_change(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"已核定{member.name}{saved.year}年{saved.from_month}月起每月应交党费{saved.amount}元。",
            )
            return redirect(_member_url(member, saved.year))
    settings = list(member.dues_settings.order_by("year", "from_month"))
    setting = current_setting(settings, on)
    context = {
        "member": member,
        "form": form,
        "setting": setting,
        "explanation": explain(setting),
        "title": f"调整党费：{member.name}",
        "submit": "保存核定",
    }
    return render(request, "dues/member_form.html", context)


@require_perm("dues.edit")
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """登记交纳: one month of one member (or a correction of it)."""
    member = get_member_or_404(request.user, "dues.edit", pk)
    month = parse_month(str(request.GET.get("month") or "")) or today().replace(day=1)
    due, _ = services.computed_due(member, month)
    initial = {"month": month, "paid": due, "paid_on": today(), "method": DuesPayment.Method.CASH}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.payment_record(actor=request.user, member=member, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{member.name}{month_label(record.month)}党费{record.paid}元。")
            return redirect(_member_url(member, record.month.year))
    context = {
        "member": member,
        "form": form,
        "due": due,
        "month": month,
        "back_months": rules_for(today().year).integer("dues.max_back_months"),
        "earliest": add_months(
            today().replace(day=1), -rules_for(today().year).integer("dues.max_back_months")
        ),
        "title": f"登记交纳：{member.name}",
        "submit": "登记",
    }
    return render(request, "dues/member_form.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member's own dues, read-only (SPEC §0: every member sees their own dues)."""
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        raise Http404("您的账号没有关联党员信息")
    member = Member.objects.select_related("branch").get(pk=member_id)
    context = _member_dues(member, _year(request.GET.get("year")))
    return render(request, "dues/mine.html", context)


# ---------------------------------------------------------------------------------------------
# Arrears


def _arrears(request: HttpRequest) -> tuple[list[selectors.ArrearsRow], dict[int, Organisation], Any]:
    branches = list(_branches(request.user))
    chosen = None
    raw = request.GET.get("branch", "")
    if raw:
        chosen = get_org_or_404(request.user, "dues.view", raw)
        branches = [b for b in branches if b.path.startswith(chosen.path)]
    by_pk = {b.pk: b for b in branches}
    rows = selectors.arrears(branches, today())
    order = {b.pk: i for i, b in enumerate(branches)}
    rows.sort(key=lambda r: (order.get(r.member.branch_id, 0), -r.consecutive, r.member.name))
    return rows, by_pk, chosen


@require_perm("dues.view")
def arrears_list(request: HttpRequest) -> HttpResponse:
    rows, by_pk, chosen = _arrears(request)
    rules = rules_for(today().year)
    context = {
        "rows": [(r, by_pk.get(r.member.branch_id)) for r in rows],
        "branches": list(by_pk.values()) if chosen is None else list(_branches(request.user)),
        "chosen": chosen,
        "labels": exports.level_labels(rules=rules),
        "flag_text": exports.flag_text(rules=rules),
        "flags": sum(1 for r in rows if r.level == selectors.FLAG),
        "warnings": sum(1 for r in rows if r.level == selectors.WARNING),
        "owed_total": sum((r.owed for r in rows), ZERO),
        "title": "党费欠缴",
    }
    return render(request, "dues/arrears.html", context)


@require_perm("dues.view")
def arrears_export(request: HttpRequest) -> HttpResponse:
    rows, by_pk, chosen = _arrears(request)
    names = {pk: b.name for pk, b in by_pk.items()}
    _audit_export(request, chosen, "党费欠缴名单", len(rows))
    content = exports.arrears_workbook(rows, names, exports.level_labels())
    return xlsx_response(content, "党费欠缴名单.xlsx")
