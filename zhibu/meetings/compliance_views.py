"""The compliance calendar pages (ACT-3): one branch's year, all branches on one page (for the org
officer; anyone else sees the branches of their own scope), their .xlsx exports, and the upload of
meeting ledgers (SPEC §13 import_meetings)."""

import io
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from openpyxl import Workbook

from zhibu.accounts.scoping import get_org_or_404, has_perm, orgs_for, require_perm
from zhibu.lib.dates import today
from zhibu.lib.importing import ImportForm
from zhibu.lib.xlsx import add_sheet, xlsx_response
from zhibu.meetings import exchange
from zhibu.meetings.compliance import (
    OVERVIEW_HEADERS,
    STATE_LABELS,
    BranchYear,
    load_years,
    overview_figures,
)
from zhibu.orgs.models import Organisation

FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    raw = str(request.GET.get("year") or "")
    current = today().year
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= current + 1:
        return int(raw)
    return current


def _years() -> list[int]:
    current = today().year
    return list(range(current, current - 6, -1))


def _branches(user: Any, year: int) -> list[Organisation]:
    """The branches in the user's scope that existed in `year` (a branch dissolved before it is not)."""
    return list(
        orgs_for(user, "meetings.view")
        .filter(kind=Organisation.Kind.BRANCH)
        .filter(Q(is_active=True) | Q(dissolved_on__year__gte=year))
        .order_by("path")
    )


def _branch(user: Any, pk: Any) -> Organisation:
    org = get_org_or_404(user, "meetings.view", pk)
    if org.kind != Organisation.Kind.BRANCH:
        raise Http404("合规日历按党支部查看")
    return org


def _calendar(user: Any, pk: Any, year: int) -> BranchYear:
    return load_years([_branch(user, pk)], year=year, on=today())[0]


@require_perm("meetings.view")
def overview(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    years = load_years(_branches(request.user, year), year=year, on=today())
    lines = [(y, overview_figures(y)) for y in years]
    context = {
        "year": year,
        "years": _years(),
        "lines": lines,
        "headers": OVERVIEW_HEADERS,
        "today": today(),
        "can_edit": has_perm(request.user, "meetings.edit"),
    }
    return render(request, "compliance/overview.html", context)


@require_perm("meetings.view")
def overview_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    years = load_years(_branches(request.user, year), year=year, on=today())
    rows = [[y.branch.code, y.branch.name, *(f.text for f in overview_figures(y))] for y in years]
    book = Workbook()
    add_sheet(book, f"{year}年合规情况", ["组织代码", "党支部", *OVERVIEW_HEADERS], rows, first=True)
    return xlsx_response(_save(book), f"组织生活合规情况_{year}年_{today():%Y%m%d}.xlsx")


@require_perm("meetings.view")
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    year = _year(request)
    calendar = _calendar(request.user, pk, year)
    context = {
        "calendar": calendar,
        "year": year,
        "years": _years(),
        "months": range(1, 13),
        "labels": STATE_LABELS,
    }
    return render(request, "compliance/branch.html", context)


@require_perm("meetings.view")
def branch_export(request: HttpRequest, pk: int) -> HttpResponse:
    year = _year(request)
    calendar = _calendar(request.user, pk, year)
    book = Workbook()
    rows = [
        [
            row.title,
            row.requirement,
            cell.period,
            cell.label,
            cell.count,
            "；".join(m.topic for m in cell.meetings),
        ]
        for row in calendar.rows
        for cell in row.cells
    ]
    add_sheet(book, "合规日历", ["项目", "要求", "期间", "情况", "次数", "会议"], rows, first=True)
    figures = overview_figures(calendar)
    heading = [("党支部", calendar.branch.name), ("组织代码", calendar.branch.code), ("年度", f"{year}年")]
    lines = zip(OVERVIEW_HEADERS, (f.text for f in figures), strict=True)
    add_sheet(book, "汇总", ["项目", "情况"], [*heading, *lines])
    add_sheet(
        book,
        "会议",
        ["日期", "会议类型", "主题", "应到", "实到", "缺勤未补课"],
        [
            [m.held_on, m.kind_label, m.topic, m.expected, m.present, m.without_makeup]
            for m in calendar.meetings
        ],
    )
    name = f"{calendar.branch.name}_{year}年合规日历_{today():%Y%m%d}.xlsx"
    return xlsx_response(_save(book), name)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@require_perm("meetings.edit")
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload of a meeting ledger: validated as a whole, written only when every row is good,
    as the uploader and within their `meetings.edit` scope."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = exchange.import_meetings(
            upload,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
            scope_user=request.user,
            file_name=upload.name,
        )
    context = {
        "title": "导入会议台账",
        "form": form,
        "result": result,
        "template_url": reverse("compliance:import_template"),
        "back_url": reverse("compliance:overview"),
        "sheets": [
            (exchange.MEETINGS_SHEET, exchange.MEETING_COLUMNS),
            (exchange.ATTENDANCE_SHEET, exchange.ATTENDANCE_COLUMNS),
        ],
        "notes": exchange.TEMPLATE_NOTES,
        "nav_template": "meetings/_nav.html",
        "nav_tab": "compliance",
    }
    return render(request, "includes/import_page.html", context)


@require_perm("meetings.edit")
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(exchange.template_bytes(), "会议台账导入模板.xlsx")
