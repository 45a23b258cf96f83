"""Forms of organisational life. They check shapes (a date is a date); the rules live in the
services, whose ValidationErrors land on these fields through `apply_errors`."""

from typing import Any

from django import forms

from zhibu.accounts.forms import BootstrapForm
from zhibu.lib.forms import OrganisationChoiceField
from zhibu.lib.uploads import ALLOWED_EXTENSIONS as ATTACHMENT_EXTENSIONS
from zhibu.meetings.models import Attendance, Decision, Kind, Notice
from zhibu.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MEETING_ORG_KINDS = (
    Organisation.Kind.BRANCH,
    Organisation.Kind.GROUP,
    Organisation.Kind.GENERAL_BRANCH,
    Organisation.Kind.PARTY_COMMITTEE,
)


def meeting_organisations(scope: Any) -> Any:
    """Where a meeting may be recorded: the branches (and groups, for 党小组会) in `scope`."""
    return scope.filter(kind__in=MEETING_ORG_KINDS, is_active=True).order_by("path")


class MeetingForm(BootstrapForm):
    kind = forms.ChoiceField(label="会议类型", choices=Kind.choices)
    held_on = forms.DateField(label="日期", widget=DATE)
    organisation = OrganisationChoiceField(
        label="党组织",
        queryset=Organisation.objects.none(),
        help_text="党小组会选党小组，其余选党支部",
    )
    topic = forms.CharField(label="主题", max_length=300)
    start_time = forms.TimeField(label="开始时间", widget=TIME, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.CharField(label="主持人", max_length=50, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    minutes = forms.CharField(label="会议记录", widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class MeetingEditForm(BootstrapForm):
    topic = forms.CharField(label="主题", max_length=300)
    start_time = forms.TimeField(label="开始时间", widget=TIME, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.CharField(label="主持人", max_length=50, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    minutes = forms.CharField(label="会议记录", widget=forms.Textarea(attrs={"rows": 8}), required=False)


class AttendanceForm(BootstrapForm):
    status = forms.ChoiceField(label="出勤情况", choices=Attendance.Status.choices)
    reason = forms.CharField(label="请假或缺席原因", max_length=200, required=False)


class MakeupForm(BootstrapForm):
    makeup_on = forms.DateField(
        label="补课日期", widget=DATE, required=False, help_text="留空表示撤销误登记的补课"
    )
    makeup_note = forms.CharField(
        label="补课方式和内容", max_length=300, required=False, help_text="如：支部书记单独传达会议精神"
    )


class DecisionForm(BootstrapForm):
    subject = forms.ChoiceField(label="事项类别", choices=Decision.Subject.choices)
    title = forms.CharField(label="议题", max_length=300)
    entitled = forms.IntegerField(label="应到有表决权人数", min_value=0)
    present = forms.IntegerField(label="实到有表决权人数", min_value=0)
    votes_for = forms.IntegerField(label="赞成", min_value=0)
    votes_against = forms.IntegerField(label="反对", min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)
    resolution = forms.CharField(label="决议内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionChoiceField(forms.ModelChoiceField):
    """Decisions with their meeting's date (select_related("meeting") on the queryset)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.meeting.held_on:%Y-%m-%d} {obj.title}"


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_level_display()}：{obj.title}"


class NoticeForm(BootstrapForm):
    organisation = OrganisationChoiceField(label="党组织", queryset=Organisation.objects.none())
    subject = forms.ChoiceField(label="类别", choices=Notice.Subject.choices)
    title = forms.CharField(label="标题", max_length=300)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}))
    start_on = forms.DateField(label="公示开始", widget=DATE)
    end_on = forms.DateField(label="公示结束", widget=DATE, help_text="发展党员等公示一般不少于5个工作日")
    decision = DecisionChoiceField(label="对应的议事决定", queryset=Decision.objects.none(), required=False)

    def __init__(self, *args: Any, organisations: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        decision = self.fields["decision"]
        assert isinstance(organisation, forms.ModelChoiceField)
        assert isinstance(decision, forms.ModelChoiceField)
        organisation.queryset = organisations
        decision.queryset = decisions


class ActivityPlanForm(BootstrapForm):
    organisation = OrganisationChoiceField(label="党支部", queryset=Organisation.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    adopted_on = forms.DateField(label="制定日期", widget=DATE)
    content = forms.CharField(
        label="活动计划",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="逐月列出主题党日、党课和特色活动的安排",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class AttachmentForm(BootstrapForm):
    file = forms.FileField(
        label="附件",
        help_text=f"不超过10MB；{'/'.join(ATTACHMENT_EXTENSIONS)}",
        # The size and type rules are the service's; here only "a file was sent".
        error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空文件"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{x}" for x in ATTACHMENT_EXTENSIONS)


class ReviewedGoalsForm(forms.Form):
    goals = GoalChoiceField(
        label="检查的目标",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["goals"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = goals
