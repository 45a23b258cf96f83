"""流动党员 pages (MEM-3): a branch's list with warnings and its export, one leave with its reports,
and the steps of a leave (register, approve or reject, contact and card, report, return)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhibu.accounts.forms import BootstrapForm
from zhibu.accounts.scoping import get_member_or_404, get_org_or_404, in_scope, orgs_for, require_perm
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.xlsx import workbook_bytes, xlsx_response
from zhibu.members import mobile
from zhibu.members.forms import DATE
from zhibu.members.models import Category, Member, MobileRecord, MobileReport


class RegisterForm(BootstrapForm):
    left_on = forms.DateField(label="外出日期", widget=DATE)
    destination = forms.CharField(label="外出流向", max_length=200, help_text="省、市及单位或地点")
    reason = forms.CharField(label="外出原因", max_length=200)
    expected_return_on = forms.DateField(label="预计返回日期", widget=DATE, required=False)
    certificate_number = forms.CharField(label="流动党员活动证编号", max_length=50, required=False)


class ContactForm(BootstrapForm):
    contact_person = forms.ModelChoiceField(
        label="支部联系人", queryset=Member.objects.none(), required=False
    )
    certificate_number = forms.CharField(label="流动党员活动证编号", max_length=50, required=False)
    expected_return_on = forms.DateField(label="预计返回日期", widget=DATE, required=False)

    def __init__(self, *args: Any, record: MobileRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact_person"]
        assert isinstance(field, forms.ModelChoiceField)
        # Offered: the branch's full members but the person; the service checks again.
        field.queryset = (
            Member.objects.filter(branch_id=record.member.branch_id, is_active=True, category=Category.FULL)
            .exclude(pk=record.member_id)
            .order_by("name", "pk")
        )


class ReportForm(BootstrapForm):
    reported_on = forms.DateField(label="汇报日期", widget=DATE)
    channel = forms.ChoiceField(label="汇报方式", choices=MobileReport.Channel.choices)
    content = forms.CharField(label="汇报内容", widget=forms.Textarea(attrs={"rows": 4}))


class ReturnForm(BootstrapForm):
    returned_on = forms.DateField(label="返回日期", widget=DATE)


def _wants_closed(request: HttpRequest) -> bool:
    return request.GET.get("all") == "1"


@require_perm("members.view")
def mobile_index(request: HttpRequest) -> HttpResponse:
    branches = orgs_for(request.user, "members.view").filter(kind="branch", is_active=True).order_by("path")
    return render(request, "members/mobile/index.html", {"branches": branches})


@require_perm("members.view")
def mobile_branch(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "members.view", pk)
    data = mobile.branch_mobile(org, include_closed=_wants_closed(request))
    context = data | {
        "org": org,
        "all": _wants_closed(request),
        "can_edit": in_scope(request.user, "members.edit", org),
    }
    return render(request, "members/mobile/branch.html", context)


@require_perm("members.view")
def mobile_export(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org_or_404(request.user, "members.view", pk)
    rows = mobile.branch_mobile(org, include_closed=_wants_closed(request))["rows"]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="members.mobilerecord",
        object_repr=f"{org.name}流动党员名单",
        organisation=org,
        note=f"导出{org.name}流动党员名单（{len(rows)}条）",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    content = workbook_bytes("流动党员", mobile.MOBILE_HEADERS, mobile.mobile_rows(rows))
    return xlsx_response(content, f"{org.name}流动党员名单.xlsx")


@require_perm("members.view")
def mobile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = mobile.get_record_or_404(request.user, "members.view", pk)
    row = mobile.warn([record])[0]
    context = {
        "record": record,
        "row": row,
        "reports": record.reports.order_by("-reported_on", "-id"),
        "can_edit": in_scope(request.user, "members.edit", record.member.branch),
    }
    return render(request, "members/mobile/detail.html", context)


@require_perm("members.edit")
def mobile_register(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    form = RegisterForm(request.POST or None, initial={"left_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            record = mobile.mobile_register(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{member.name}的外出请假，待审批。")
            return redirect("members:mobile_detail", pk=record.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "title": f"流动党员外出登记：{member.name}", "member": member},
    )


@require_POST
@require_perm("members.edit")
def mobile_decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = mobile.get_record_or_404(request.user, "members.edit", pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, "请选择“批准”或“不批准”。")
        return redirect("members:mobile_detail", pk=record.pk)
    try:
        mobile.mobile_decide(actor=request.user, record=record, approve=decision == "approve")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(
            request, "已批准外出，党员名册已标记为流动党员。" if decision == "approve" else "已登记为不批准。"
        )
    return redirect("members:mobile_detail", pk=record.pk)


@require_perm("members.edit")
def mobile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = mobile.get_record_or_404(request.user, "members.edit", pk)
    initial = {
        "contact_person": record.contact_person_id,
        "certificate_number": record.certificate_number,
        "expected_return_on": record.expected_return_on,
    }
    form = ContactForm(request.POST or None, record=record, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mobile.mobile_update(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("members:mobile_detail", pk=record.pk)
    title = f"联系人与活动证：{record.member.name}"
    return render(request, "members/form.html", {"form": form, "title": title, "member": record.member})


@require_perm("members.edit")
def mobile_report_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = mobile.get_record_or_404(request.user, "members.edit", pk)
    form = ReportForm(request.POST or None, initial={"reported_on": today(), "channel": "phone"})
    if request.method == "POST" and form.is_valid():
        try:
            mobile.mobile_report(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已登记汇报。")
            return redirect("members:mobile_detail", pk=record.pk)
    title = f"登记汇报：{record.member.name}"
    return render(request, "members/form.html", {"form": form, "title": title, "member": record.member})


@require_perm("members.edit")
def mobile_return(request: HttpRequest, pk: int) -> HttpResponse:
    record = mobile.get_record_or_404(request.user, "members.edit", pk)
    form = ReturnForm(request.POST or None, initial={"returned_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            mobile.mobile_return(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{record.member.name}已返回，党员名册已取消流动党员标记。")
            return redirect("members:mobile_detail", pk=record.pk)
    title = f"办理返回：{record.member.name}"
    return render(request, "members/form.html", {"form": form, "title": title, "member": record.member})
