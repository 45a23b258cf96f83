"""Forms of the dues pages (DUES-1, DUES-2). They check shapes (a month is a month, an amount has
at most 2 decimals); the rules live in `zhibu.dues.services`, whose ValidationErrors land on these
fields through `apply_errors`."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from zhibu.accounts.forms import BootstrapForm
from zhibu.dues.models import DuesPayment
from zhibu.members.models import DuesCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FIRST_YEAR = 2000
METHOD_CHOICES = [("", "（未填）"), *DuesPayment.Method.choices]


def parse_month(raw: str) -> dt.date | None:
    """`YYYY-MM` → the 1st of that month; None when it is not a real month."""
    match = _MONTH.match(raw.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return None
    return dt.date(year, month, 1)


def month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


class MonthInput(forms.TextInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return month_text(value)
        return super().format_value(value)


class MonthField(forms.Field):
    """A month typed as `YYYY-MM` (the browser's month picker): cleaned to the 1st of the month."""

    widget = MonthInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        month = parse_month(str(value))
        if month is None:
            raise ValidationError(f"{self.label}格式应为 YYYY-MM（如 2026-03），实为“{value}”")
        return month


class AmountField(forms.DecimalField):
    """Yuan: not negative, at most 2 decimals, with the messages in Chinese naming the field."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, max_digits=10, decimal_places=2, min_value=0, **kwargs)
        self.error_messages.update(
            {
                "invalid": f"{label}应为数字",
                "min_value": f"{label}不能为负数",
                "max_decimal_places": f"{label}最多两位小数（精确到分）",
                "max_digits": f"{label}过大",
                "max_whole_digits": f"{label}过大",
            }
        )


class SettingForm(BootstrapForm):
    """调整党费 (C-5): from a month of a year, computed from the category and base."""

    year = forms.IntegerField(label="年度", min_value=FIRST_YEAR, max_value=2999)
    from_month = forms.TypedChoiceField(
        label="起始月份", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)]
    )
    dues_category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    dues_base = AmountField(
        label="党费基数（元/月）",
        required=False,
        help_text="在职、离退休党员填写每月税后工资收入（规则 C-1），按比例计算（C-2、C-3）",
    )
    farmer_amount = AmountField(
        label="农民党员每月交纳（元）", required=False, help_text="仅农民党员填写，0.2至1元（规则 C-4）"
    )
    reason = forms.CharField(
        label="核定或调整原因", max_length=300, required=False, help_text="年中调整须写明原因（规则 C-5）"
    )
    reduced_amount = AmountField(
        label="减免后每月交纳（元）",
        required=False,
        help_text="仅困难党员减免时填写：须党支部同意（写明原因）并经上级党组织批准（规则 C-7）",
    )
    reduction_approval = forms.CharField(label="上级党组织批准（文号或日期）", max_length=200, required=False)


class PaymentForm(BootstrapForm):
    """登记交纳: one month of one member (C-6)."""

    month = MonthField(label="所属月份", help_text="格式 YYYY-MM")
    paid = AmountField(label="实交金额（元）")
    paid_on = forms.DateField(label="交纳日期", widget=DATE)
    method = forms.ChoiceField(label="交纳方式", choices=METHOD_CHOICES, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False)


class CollectForm(BootstrapForm):
    """收缴登记: the members who paid a month's full amount on one day."""

    month = MonthField(label="所属月份")
    paid_on = forms.DateField(label="交纳日期", widget=DATE)
    method = forms.ChoiceField(label="交纳方式", choices=DuesPayment.Method.choices)
    members = forms.TypedMultipleChoiceField(
        label="交纳党员",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一名交纳党员",
            "invalid_choice": "所选党员“%(value)s”不在本月应交名单中",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.widget.attrs["class"] = "form-check-input"


class PublicationForm(BootstrapForm):
    """公示 of the year's collection (C-7)."""

    start_on = forms.DateField(label="公示开始", widget=DATE)
    end_on = forms.DateField(label="公示结束", widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", "公示结束日期不能早于开始日期")
        return data
