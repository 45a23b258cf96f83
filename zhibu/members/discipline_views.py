"""党纪处分 pages: record a discipline on a member, restore the rights after 留党察看 (RULES B-6).
Both need `members.edit` over the member's branch; anything outside it is 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhibu.accounts.forms import BootstrapForm
from zhibu.accounts.scoping import get_member_or_404, require_perm, scope_q
from zhibu.lib.dates import cn_date, today
from zhibu.lib.forms import apply_errors
from zhibu.members import discipline as services
from zhibu.members.forms import DATE
from zhibu.members.models import Discipline

MONTHS = [("", "（留党察看时填写）"), ("12", "12个月（一年）"), ("24", "24个月（二年）")]


class DisciplineForm(BootstrapForm):
    kind = forms.ChoiceField(label="处分类别", choices=Discipline.Kind.choices)
    decided_on = forms.DateField(label="处分决定日期", widget=DATE)
    decided_by = forms.CharField(
        label="决定机关", max_length=100, help_text="如：中共××委员会、××纪律检查委员会"
    )
    reason = forms.CharField(label="处分事由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    probation_months = forms.TypedChoiceField(
        label="留党察看期限",
        choices=MONTHS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="只有留党察看填写，期限为一年或二年",
    )


class RestoreForm(BootstrapForm):
    restored_on = forms.DateField(label="恢复党员权利日期", widget=DATE)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_perm("members.edit")
def discipline_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "members.edit", pk)
    form = DisciplineForm(_posted(request), initial={"decided_on": today()})
    if form.is_bound and form.is_valid():
        try:
            record = services.discipline_record(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{member.name}的党纪处分：{record.get_kind_display()}。")
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/discipline_form.html",
        {"form": form, "member": member, "title": f"登记党纪处分：{member.name}"},
        status=422 if form.is_bound else 200,
    )


@require_perm("members.edit")
def discipline_restore(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = Discipline.objects.select_related("member__branch").get(
            scope_q(request.user, "members.edit", "member__branch"), pk=pk
        )
    except (Discipline.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该处分记录") from None
    member = record.member
    form = RestoreForm(_posted(request), initial={"restored_on": today()})
    if form.is_bound and form.is_valid():
        try:
            services.discipline_restore(
                actor=request.user, discipline=record, restored_on=form.cleaned_data["restored_on"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已登记{member.name}恢复党员权利。")
            return redirect("members:detail", pk=member.pk)
    end = services.probation_end(record)
    return render(
        request,
        "members/discipline_form.html",
        {
            "form": form,
            "member": member,
            "record": record,
            "title": f"恢复党员权利：{member.name}",
            "intro": (
                f"{cn_date(record.decided_on)}{record.decided_by}给予留党察看"
                + (f"{record.probation_months}个月，察看期至{cn_date(end)}" if end else "")
                + "。恢复党员权利之日起不再处于留党察看期间。"
            ),
        },
        status=422 if form.is_bound else 200,
    )
