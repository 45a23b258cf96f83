from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhibu.accounts.forms import BootstrapForm
from zhibu.accounts.scoping import require_perm
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.rules import CATALOGUE, CATALOGUE_BY_KEY, rules_for
from zhibu.rulebook import services
from zhibu.rulebook.models import RuleValue


class RuleForm(BootstrapForm):
    value = forms.CharField(label="新的取值", max_length=50)
    from_year = forms.IntegerField(label="自哪一年度起执行", min_value=2000, max_value=2100)
    reason = forms.CharField(label="调整原因或依据", max_length=300, help_text="如：党委会议纪要文号")


@require_perm("rules.manage")
def rule_list(request: HttpRequest) -> HttpResponse:
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today().year
    rules = rules_for(year)
    rows = [
        {"rule": rule, "value": rules.value(rule.key), "changed": not rules.is_default(rule.key)}
        for rule in CATALOGUE
    ]
    history = RuleValue.objects.select_related("changed_by").order_by("-changed_at")[:50]
    return render(request, "rulebook/list.html", {"rows": rows, "year": year, "history": history})


@require_perm("rules.manage")
def rule_edit(request: HttpRequest, key: str) -> HttpResponse:
    rule = CATALOGUE_BY_KEY.get(key)
    if rule is None:
        raise Http404("未找到该规则")
    current = rules_for(today().year).value(key)
    form = RuleForm(request.POST or None, initial={"value": current, "from_year": today().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_change(actor=request.user, key=key, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{rule.label}”已调整，记入审计日志。")
            return redirect("rulebook:list")
    return render(request, "rulebook/edit.html", {"rule": rule, "current": current, "form": form})
