from typing import Any

from django import forms

from zhibu.accounts.forms import BootstrapForm
from zhibu.lib.forms import GroupChoiceField
from zhibu.members.models import Category, DuesCategory, Gender, Standing, StatusChange, Transfer
from zhibu.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(BootstrapForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=18, min_length=18, help_text="18位；出生日期和性别由号码自动核对"
    )
    gender = forms.ChoiceField(
        label="性别", choices=[("", "（按身份证号）"), *Gender.choices], required=False
    )
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族", required=False)
    birth_date = forms.DateField(
        label="出生日期", widget=DATE, required=False, help_text="留空则取身份证号中的日期"
    )
    education = forms.CharField(label="学历", max_length=30, required=False)
    category = forms.ChoiceField(label="人员类别", choices=Category.choices)
    branch = forms.ModelChoiceField(label="所在党支部", queryset=Organisation.objects.none())
    group = GroupChoiceField(label="党小组", queryset=Organisation.objects.none(), required=False)
    joined_on = forms.DateField(label="入党日期", widget=DATE, required=False)
    converted_on = forms.DateField(label="转正日期", widget=DATE, required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    post = forms.CharField(label="工作岗位", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    is_lost_contact = forms.BooleanField(label="失联党员", required=False)
    lost_contact_on = forms.DateField(label="失联日期", widget=DATE, required=False)
    is_mobile = forms.BooleanField(label="流动党员", required=False)
    mobile_destination = forms.CharField(label="外出流向", max_length=200, required=False)
    dues_category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    dues_base = forms.DecimalField(
        label="党费基数（元/月）", max_digits=10, decimal_places=2, min_value=0, required=False
    )

    def __init__(self, *args: Any, branches: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch_field = self.fields["branch"]
        group_field = self.fields["group"]
        assert isinstance(branch_field, forms.ModelChoiceField)
        assert isinstance(group_field, forms.ModelChoiceField)
        branch_field.queryset = branches.filter(kind="branch", is_active=True).order_by("path")
        group_field.queryset = (
            Organisation.objects.filter(kind="group", is_active=True, parent__in=branch_field.queryset)
            .select_related("parent")
            .order_by("path")
        )
        if editing:
            self.fields["id_number"].help_text = "显示为脱敏号码，保持不变即不修改；更正时请输入完整号码"
            # Category and standing change with a date and a reason (状态变更); the branch by transfer.
            for name in ("category", "branch", "group"):
                self.fields[name].disabled = True
                self.fields[name].required = False
                self.fields[name].help_text = "请通过“状态变更”或“组织关系转接”办理"


class StatusChangeForm(BootstrapForm):
    field = forms.ChoiceField(label="变更项目", choices=StatusChange.Field.choices)
    new_category = forms.ChoiceField(label="新的人员类别", choices=Category.choices, required=False)
    new_standing = forms.ChoiceField(label="新的党籍状态", choices=Standing.choices, required=False)
    effective_on = forms.DateField(label="生效日期", widget=DATE)
    reason = forms.CharField(label="原因或依据", max_length=300, help_text="如：支部大会决议、上级批复文号")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = "new_category" if data.get("field") == "category" else "new_standing"
        if not data.get(key):
            self.add_error(key, "请选择新的值")
        data["new_value"] = data.get(key)
        return data


class TransferForm(BootstrapForm):
    kind = forms.ChoiceField(label="转接类型", choices=[c for c in Transfer.Kind.choices if c[0] != "in"])
    to_branch = forms.ModelChoiceField(
        label="转入党支部（系统内）", queryset=Organisation.objects.none(), required=False
    )
    outside_organisation = forms.CharField(label="转往的党组织（系统外）", max_length=200, required=False)
    transferred_on = forms.DateField(label="转接日期", widget=DATE)
    letter_number = forms.CharField(label="介绍信编号", max_length=50, required=False)
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_branch"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = branches.filter(kind="branch", is_active=True).order_by("path")
