"""Forms of the 党建经费 pages (DUES-3). The rules live in `zhibu.dues.funds`; these forms only
shape the input (the services name the field and the rule when they refuse it)."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from zhibu.accounts.forms import BootstrapForm
from zhibu.dues.funds import MAX_RECEIPTS
from zhibu.dues.models import FundBudget, FundLine
from zhibu.lib.uploads import ALLOWED_EXTENSIONS
from zhibu.members.forms import DATE

RECEIPT_HELP = f"发票、收据等扫描件或照片；{'/'.join(ALLOWED_EXTENSIONS)}，每个不超过10MB"
ACCEPT = ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; always cleans to a list (empty when none was sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BudgetForm(BootstrapForm):
    line = forms.ChoiceField(label="预算科目", choices=FundLine.choices)
    amount = forms.DecimalField(
        label="预算金额（元）",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="已有的科目将调整为此金额，不能低于已支出金额",
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class BudgetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_line_display()}（预算{obj.amount}元）"


class ExpenseForm(BootstrapForm):
    budget = BudgetChoiceField(label="预算科目", queryset=FundBudget.objects.none(), empty_label=None)
    spent_on = forms.DateField(label="支出日期", widget=DATE)
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2)
    purpose = forms.CharField(label="用途", max_length=300)
    payee = forms.CharField(label="收款方", max_length=200)
    voucher_number = forms.CharField(label="凭证号", max_length=50, required=False)
    approver = forms.CharField(label="审批人", max_length=50)
    # The service refuses an expense without receipts with its own message ("支出须附票据").
    receipts = MultipleFileField(
        label="票据", required=False, help_text=f"至少一个，一次最多{MAX_RECEIPTS}个；{RECEIPT_HELP}"
    )

    def __init__(self, *args: Any, budgets: QuerySet[FundBudget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = budgets


class ReceiptForm(BootstrapForm):
    file = forms.FileField(
        label="票据文件",
        required=False,
        help_text=RECEIPT_HELP,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
