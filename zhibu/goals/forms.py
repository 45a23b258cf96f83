from typing import Any

from django import forms

from zhibu.accounts.forms import BootstrapForm
from zhibu.goals.models import Aspect, Goal, Level, Measure
from zhibu.goals.services import MAX_FILES
from zhibu.lib.forms import MemberChoiceField, OrganisationChoiceField
from zhibu.lib.uploads import ALLOWED_EXTENSIONS
from zhibu.meetings.models import Meeting
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_level_display()}：{obj.title}"


class AlignedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.organisation.short_name or obj.plan.organisation.name}：{obj.title}"


class PlanForm(BootstrapForm):
    organisation = OrganisationChoiceField(label="党组织", queryset=Organisation.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="名称", max_length=100, required=False, help_text="留空则为“××党支部20××年度工作目标”"
    )
    notes = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations.filter(
            kind__in=["party_committee", "general_branch", "branch"], is_active=True
        ).order_by("path")


class AdoptForm(BootstrapForm):
    meeting = forms.ModelChoiceField(
        label="通过的党员大会（已在“组织生活”中记录的）",
        queryset=Meeting.objects.none(),
        required=False,
        help_text="选择后日期和会议名称取自会议记录，无需再填",
    )
    adopted_on = forms.DateField(label="党员大会日期（未记录会议时填写）", widget=DATE, required=False)
    adopted_at = forms.CharField(
        label="会议名称", max_length=200, required=False, help_text="如：2026年第一次党员大会"
    )

    def __init__(self, *args: Any, meetings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        if meetings is not None:
            field.queryset = meetings


class GoalForm(BootstrapForm):
    parent = GoalChoiceField(label="上级目标（分解自）", queryset=Goal.objects.none(), required=False)
    level = forms.ChoiceField(label="层级", choices=Level.choices)
    title = forms.CharField(label="目标", max_length=200)
    description = forms.CharField(label="说明", widget=TEXT, required=False)
    measure = forms.ChoiceField(label="衡量方式", choices=Measure.choices)
    unit = forms.CharField(
        label="单位", max_length=20, required=False, help_text="数量指标必填，如 次、人、%"
    )
    target_value = forms.DecimalField(
        label="目标值",
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="数量指标必填；完成与否不填",
    )
    start_on = forms.DateField(label="开始日期", widget=DATE, required=False)
    due_on = forms.DateField(label="完成日期", widget=DATE, required=False)
    owner = MemberChoiceField(label="责任人", queryset=Member.objects.none(), required=False)
    weight = forms.DecimalField(label="权重", max_digits=6, decimal_places=2, required=False)
    aligned_to = AlignedChoiceField(label="对应上级党组织目标", queryset=Goal.objects.none(), required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = plan.organisation
        self._set("parent", Goal.objects.filter(plan=plan, is_cancelled=False, member__isnull=True))
        self._set(
            "owner",
            Member.objects.filter(is_active=True, branch__path__startswith=org.path)
            .select_related("branch")
            .order_by("branch__path", "name"),
        )
        self._set(
            "aligned_to",
            Goal.objects.filter(
                plan__year=plan.year,
                plan__organisation_id__in=org.ancestor_ids()[:-1],
                level=Level.ANNUAL,
                is_cancelled=False,
                member__isnull=True,
            ).select_related("plan__organisation"),
        )

    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class CancelForm(BootstrapForm):
    reason = forms.CharField(label="取消原因", max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressForm(BootstrapForm):
    reported_on = forms.DateField(label="日期", widget=DATE)
    value = forms.DecimalField(label="当前完成值", max_digits=14, decimal_places=2, required=False)
    done = forms.BooleanField(label="已完成", required=False)
    note = forms.CharField(label="进展说明", widget=forms.Textarea(attrs={"rows": 2}))
    # Django moves declared fields off the class, so this does not shadow Form.files at run time.
    files = MultipleFileField(  # type: ignore[assignment]
        label="佐证材料",
        required=False,
        help_text=f"最多{MAX_FILES}个，每个不超过10MB；{'/'.join(ALLOWED_EXTENSIONS)}",
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if goal.measure == Measure.NUMBER:
            del self.fields["done"]
            self.fields["value"].label = f"当前完成值（{goal.unit}，目标{goal.target_value}）"
        else:
            del self.fields["value"]
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{x}" for x in ALLOWED_EXTENSIONS)


class EvaluationForm(BootstrapForm):
    achieved = forms.BooleanField(label="达成目标", required=False)
    achieved_value = forms.DecimalField(
        label="实际完成值", max_digits=14, decimal_places=2, required=False, help_text="留空取当前值"
    )
    difficulties = forms.CharField(label="困难和问题", widget=TEXT, required=False)
    contribution = forms.CharField(label="对企业发展的贡献", widget=TEXT, required=False)
    evaluated_on = forms.DateField(label="评估日期", widget=DATE)


class AnnualReviewForm(BootstrapForm):
    held_on = forms.DateField(label="党员大会日期", widget=DATE)
    summary = forms.CharField(label="总结讲评", widget=forms.Textarea(attrs={"rows": 5}))
    strengths = forms.CharField(label="先进经验", widget=TEXT, required=False)
    problems = forms.CharField(label="存在问题", widget=TEXT, required=False)
    create_next = forms.BooleanField(
        label="同时生成下年度目标草稿（复制本年度目标结构）", required=False, initial=True
    )


class ResponsibilityRowForm(BootstrapForm):
    """One new responsibility goal of one aspect (the secretary's five-aspect page)."""

    title = forms.CharField(label="目标", max_length=200, required=False)
    measure = forms.ChoiceField(label="衡量方式", choices=Measure.choices, initial=Measure.NUMBER)
    unit = forms.CharField(label="单位", max_length=20, required=False)
    target_value = forms.DecimalField(label="目标值", max_digits=14, decimal_places=2, required=False)
    due_on = forms.DateField(label="完成日期", widget=DATE, required=False)

    def __init__(self, *args: Any, aspect: int, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"a{aspect}", **kwargs)
        self.aspect = aspect
        self.aspect_label = Aspect(aspect).label


class ExcellencePlanForm(BootstrapForm):
    organisation = OrganisationChoiceField(label="党支部", queryset=Organisation.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    adopted_on = forms.DateField(label="制定日期", widget=DATE)
    branch_aim = forms.CharField(label="创建先进党支部的目标和措施", widget=TEXT)
    member_aim = forms.CharField(label="争当优秀党员的目标和措施", widget=TEXT)
    candidates = forms.ModelMultipleChoiceField(
        label="争创优秀党员人选",
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        cand_field = self.fields["candidates"]
        assert isinstance(org_field, forms.ModelChoiceField)
        assert isinstance(cand_field, forms.ModelMultipleChoiceField)
        org_field.queryset = organisations.filter(kind="branch", is_active=True).order_by("path")
        cand_field.queryset = (
            Member.objects.filter(is_active=True, branch__in=org_field.queryset)
            .select_related("branch")
            .order_by("branch__path", "name")
        )


class ExcellenceReviewForm(BootstrapForm):
    reviewed_on = forms.DateField(label="对照检查日期", widget=DATE)
    findings = forms.CharField(label="对照检查情况", widget=TEXT)
    next_steps = forms.CharField(label="下一步措施", widget=TEXT, required=False)
