from typing import Any

from django import forms

from zhibu.accounts.forms import BootstrapForm
from zhibu.lib.forms import MemberChoiceField, OrganisationChoiceField
from zhibu.members.models import Member
from zhibu.orgs.models import CommitteePost, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(BootstrapForm):
    code = forms.CharField(label="组织代码", max_length=32)
    name = forms.CharField(label="组织名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    kind = forms.ChoiceField(label="组织类型", choices=Organisation.Kind.choices)
    parent = OrganisationChoiceField(label="上级组织", queryset=Organisation.objects.none(), required=False)
    founded_on = forms.DateField(label="成立日期", required=False, widget=DATE)
    unit_name = forms.CharField(label="所在单位", max_length=100, required=False)
    is_village_or_community = forms.BooleanField(label="村或社区党组织（任期5年）", required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)

    def __init__(self, *args: Any, parents: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parents.exclude(kind="group")
        if editing:
            # The place in the tree changes only through 调整隶属关系, which keeps history.
            del self.fields["parent"]


class MoveForm(BootstrapForm):
    new_parent = OrganisationChoiceField(label="新的上级组织", queryset=Organisation.objects.none())
    moved_on = forms.DateField(label="调整日期", widget=DATE)
    reason = forms.CharField(label="原因或依据", max_length=200)

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parents.exclude(kind="group")


class DissolveForm(BootstrapForm):
    dissolved_on = forms.DateField(label="撤销日期", widget=DATE)
    reason = forms.CharField(label="原因或依据", max_length=200)


class CommitteeForm(BootstrapForm):
    elected_on = forms.DateField(label="选举日期", widget=DATE)
    term_start = forms.DateField(label="任期开始", widget=DATE, required=False, help_text="默认为选举日期")
    term_end = forms.DateField(
        label="任期届满",
        widget=DATE,
        required=False,
        help_text="默认按每届3年（村、社区5年）计算（规则 A-3）",
    )
    approval_ref = forms.CharField(label="上级批复文号", max_length=100, required=False)
    notes = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SeatForm(BootstrapForm):
    member = MemberChoiceField(label="党员", queryset=Member.objects.none())
    post = forms.ChoiceField(label="职务", choices=CommitteePost.choices)
    start_on = forms.DateField(label="任职日期", widget=DATE)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class SeatEndForm(BootstrapForm):
    end_on = forms.DateField(label="离任日期", widget=DATE)
    reason = forms.CharField(label="离任原因", max_length=200)


class ContactPointForm(BootstrapForm):
    leader = forms.ModelChoiceField(label="联系领导（党委班子成员）", queryset=Member.objects.none())
    start_on = forms.DateField(label="开始日期", widget=DATE)
    focus = forms.CharField(label="联系重点", max_length=200, required=False)

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = leaders


class VisitForm(BootstrapForm):
    visited_on = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(
        label="方式", choices=[(k, k) for k in ("调研指导", "督促检查", "讲党课", "座谈交流", "其他")]
    )
    summary = forms.CharField(label="内容摘要", widget=forms.Textarea(attrs={"rows": 3}))


class FourSyncForm(BootstrapForm):
    org_set_up = forms.BooleanField(label="党组织与行政机构同步设立", required=False)
    cadres_assigned = forms.BooleanField(label="党组织负责人同步配备", required=False)
    rules_made = forms.BooleanField(label="党建工作制度同步制定", required=False)
    work_assessed = forms.BooleanField(label="党建工作同步考核", required=False)
    checked_on = forms.DateField(label="核查日期", widget=DATE, required=False)
    notes = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
