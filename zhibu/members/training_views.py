"""培训档案 pages (MEM-5): a branch's archive per year, its export, and recording a training."""

import io
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from openpyxl import Workbook

from zhibu.accounts.forms import BootstrapForm
from zhibu.accounts.scoping import get_member_or_404, get_org_or_404, in_scope, orgs_for, require_perm
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.xlsx import add_sheet, xlsx_response
from zhibu.members import training
from zhibu.members.forms import DATE
from zhibu.members.models import TrainingRecord
from zhibu.orgs.models import Organisation

FIRST_YEAR = 2000


class TrainingForm(BootstrapForm):
    kind = forms.ChoiceField(label="培训类别", choices=TrainingRecord.Kind.choices)
    course = forms.CharField(label="培训名称", max_length=200)
    organiser = forms.CharField(label="主办单位", max_length=100)
    start_on = forms.DateField(label="开始日期", widget=DATE)
    end_on = forms.DateField(label="结束日期", widget=DATE)
    days = forms.DecimalField(
        label="培训天数", max_digits=5, decimal_places=1, min_value=0, help_text="不超过开始至结束的日历天数"
    )
    hours = forms.DecimalField(label="学时", max_digits=6, decimal_places=1, min_value=0)
    certificate = forms.CharField(label="结业证书编号", max_length=100, required=False)
    notes = forms.CharField(label="备注", max_length=300, required=False)


def _year(request: HttpRequest) -> int:
    """The year asked for (?year=), or this year when absent or not a sensible year."""
    raw = request.GET.get("year", "")
    current = today().year
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= current:
        return int(raw)
    return current


def _branch(request: HttpRequest, pk: int) -> Organisation:
    org = get_org_or_404(request.user, "members.view", pk)
    if org.kind != Organisation.Kind.BRANCH:
        raise Http404("培训档案按党支部查看")
    return org


@require_perm("members.view")
def training_index(request: HttpRequest) -> HttpResponse:
    branches = orgs_for(request.user, "members.view").filter(kind="branch", is_active=True).order_by("path")
    return render(
        request,
        "members/training/index.html",
        {"branches": branches, "year": _year(request), "title": "培训档案"},
    )


@require_perm("members.view")
def training_branch(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    year = _year(request)
    archive = training.training_archive(branch, year)
    context = {
        "branch": branch,
        "archive": archive,
        "year": year,
        "years": list(range(today().year, max(FIRST_YEAR, today().year - 5) - 1, -1)),
        "can_edit": in_scope(request.user, "members.edit", branch),
        "labels": training.STATUS_LABELS,
    }
    return render(request, "members/training/branch.html", context)


@require_perm("members.view")
def training_export(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    year = _year(request)
    archive = training.training_archive(branch, year)
    book = Workbook()
    add_sheet(book, f"{year}年培训档案", training.ARCHIVE_HEADERS, training.archive_rows(archive), first=True)
    add_sheet(
        book,
        "入党积极分子集中培训",
        ("姓名", "集中培训学时", "是否已培训"),
        [(m.name, hours, hours > 0) for m, hours in archive.activists],
    )
    details = (
        TrainingRecord.objects.filter(training.in_year(year), member__in=[r.member for r in archive.rows])
        .select_related("member")
        .order_by("member__name", "start_on", "pk")
    )
    add_sheet(
        book,
        "培训明细",
        ("姓名", "培训类别", "培训名称", "主办单位", "开始日期", "结束日期", "天数", "学时", "结业证书编号"),
        [
            (
                t.member.name,
                t.get_kind_display(),
                t.course,
                t.organiser,
                t.start_on,
                t.end_on,
                t.days,
                t.hours,
                t.certificate,
            )
            for t in details
        ],
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="members.trainingrecord",
        object_repr=f"{branch.name}{year}年培训档案",
        organisation=branch,
        note=f"导出{branch.name}{year}年培训档案（{len(archive.rows)}人）",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return xlsx_response(buffer.getvalue(), f"{branch.name}{year}年培训档案.xlsx")


@require_perm("members.edit")
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    initial: dict[str, Any] = {"kind": TrainingRecord.Kind.ANNUAL, "days": Decimal(1), "hours": Decimal(8)}
    form = TrainingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            training.training_record(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{member.name}的培训。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/form.html", {"form": form, "title": f"登记培训：{member.name}", "member": member}
    )
