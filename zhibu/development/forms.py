"""Forms of member development. They check shapes (a date is a date, a meeting is one of the
branch's); the rules of RULES §B live in the services, whose refusals land on these fields through
`zhibu.lib.forms.apply_errors`, so the secretary reads which rule refused the step."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from zhibu.accounts.forms import BootstrapForm
from zhibu.development.models import DevelopmentFile, Review, Sponsor
from zhibu.development.steps import Step
from zhibu.lib.dates import add_years, today
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Meeting, Notice
from zhibu.members.models import Category, Member, Standing
from zhibu.orgs.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
MEETING_YEARS = 2  # the decision meetings offered: those of the last two years

# What a secretary should have at hand before recording a step (the service names the rule when
# something is missing; this says it before the first try).
HINTS = {
    2: "收到入党申请书后应在规定期限内谈话（规则 B-2）；超过期限的须填写逾期说明。",
    3: "由支委会（或支部大会）研究决定（规则 B-3）。",
    6: "记录前须已登记入党积极分子考察记录（规则 B-4）。",
    7: "确定为入党积极分子满一年后，由支委会（或支部大会）研究决定（规则 B-5）。",
    10: "请在“依据”中写明政治审查结论（规则 B-7）。",
    11: "须已在培训档案中登记入党积极分子集中培训，累计达到规定的天数或学时（规则 B-7）。",
    15: "由支部大会讨论表决（规则 B-8）。",
    17: "支部大会讨论后应在规定期限内审批；特殊情况延长的须填写说明（规则 B-8）。",
    21: "记录前须已登记预备党员考察记录。",
    23: "预备期满后由支部大会讨论转正（规则 B-9）。",
}


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.get_kind_display()}：{obj.topic}"


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}（{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}）"


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def branch_meetings(branch: Organisation, kinds: tuple[str, ...]) -> QuerySet:
    """The branch's meetings of `kinds` held in the last two years, newest first."""
    since = add_years(today(), -MEETING_YEARS)
    return Meeting.objects.filter(organisation=branch, kind__in=kinds, held_on__gte=since).order_by(
        "-held_on", "-id"
    )


def branch_notices(branch: Organisation) -> QuerySet:
    """The branch's 公示 about member development, newest first."""
    return Notice.objects.filter(organisation=branch, subject=Notice.Subject.MEMBER_DEVELOPMENT).order_by(
        "-start_on", "-id"
    )


def full_members(branch: Organisation) -> QuerySet:
    """Who may be 培养联系人 or 入党介绍人: the branch's active full members in good standing (the
    service also refuses anyone under 留党察看, RULES B-6)."""
    return Member.objects.filter(
        branch=branch, is_active=True, category=Category.FULL, standing=Standing.NORMAL
    ).order_by("name", "id")


class FileOpenForm(BootstrapForm):
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    basis = forms.CharField(label="依据", max_length=300, required=False, help_text="如：入党申请书")
    note = forms.CharField(label="情况记录", widget=TEXT, required=False)


class StepForm(BootstrapForm):
    """The next step of a file, with only the fields that step uses: the deciding meeting for ③ ⑦
    ⑫ ⑮ ㉓, the 公示 for ④ ⑧ ⑬ ㉓, the people for ⑤ (培养联系人) and ⑨ (入党介绍人)."""

    number = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label="日期", widget=DATE)
    meeting = MeetingChoiceField(
        label="决定会议",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="（会议未在本系统记录，请在“依据”中写明）",
    )
    basis = forms.CharField(
        label="依据（决定、批复或材料）", max_length=300, required=False, help_text="如：上级党委批复文号"
    )
    notice = NoticeChoiceField(label="公示", queryset=Notice.objects.none(), required=False)
    people = PeopleField(label="", queryset=Member.objects.none(), required=False)
    late_reason = forms.CharField(
        label="逾期或特殊情况说明", max_length=300, required=False, help_text="超过规定时限办理时填写"
    )
    note = forms.CharField(label="情况记录", widget=TEXT, required=False)

    def __init__(self, *args: Any, file: DevelopmentFile, step: Step, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("number", step.number)
        kwargs["initial"].setdefault("done_on", today())
        super().__init__(*args, **kwargs)
        self.step = step
        self.hint = HINTS.get(step.number, "")
        branch = file.member.branch
        if step.meeting_kinds:
            meeting = self.fields["meeting"]
            assert isinstance(meeting, forms.ModelChoiceField)
            meeting.queryset = branch_meetings(branch, step.meeting_kinds)
            kinds = "或".join(str(MeetingKind(k).label) for k in step.meeting_kinds)
            meeting.help_text = f"近{MEETING_YEARS}年本支部的{kinds}"
        else:
            del self.fields["meeting"]
        if step.needs_notice:
            notice = self.fields["notice"]
            assert isinstance(notice, forms.ModelChoiceField)
            notice.queryset = branch_notices(branch)
            notice.help_text = "本支部“发展党员”类公示；公示期满后才能办理（规则 B-10）"
        else:
            del self.fields["notice"]
        if step.people:
            people = self.fields["people"]
            assert isinstance(people, forms.ModelMultipleChoiceField)
            people.queryset = full_members(branch)
            people.required = True
            people.widget.attrs["size"] = 6
            if step.people == "cultivators":
                people.label = "培养联系人"
                people.help_text = "1至2名正式党员（规则 B-3）；按住 Ctrl 可多选"
            else:
                people.label = "入党介绍人"
                people.help_text = "2名正式党员，受留党察看处分尚未恢复党员权利的不能担任（规则 B-6）"
        else:
            del self.fields["people"]


class ReviewForm(BootstrapForm):
    kind = forms.ChoiceField(label="考察类别", choices=Review.Kind.choices)
    reviewed_on = forms.DateField(label="考察日期", widget=DATE)
    period_start = forms.DateField(label="考察期起", widget=DATE)
    period_end = forms.DateField(label="考察期止", widget=DATE)
    performance = forms.CharField(
        label="现实表现",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="思想、工作、学习、履行义务等情况",
    )
    cultivator_opinion = forms.CharField(label="培养联系人意见", widget=TEXT, required=False)
    branch_opinion = forms.CharField(label="党支部意见", widget=TEXT, required=False)


class ExtendForm(BootstrapForm):
    months = forms.IntegerField(
        label="延长预备期（月）", min_value=1, max_value=24, help_text="6至12个月，只能延长一次（规则 B-9）"
    )
    decided_on = forms.DateField(label="支部大会决定日期", widget=DATE)
    meeting = MeetingChoiceField(label="支部大会", queryset=Meeting.objects.none(), required=False)
    basis = forms.CharField(label="依据", max_length=300, required=False, help_text="如：上级党委批复文号")

    def __init__(self, *args: Any, file: DevelopmentFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = branch_meetings(file.member.branch, (MeetingKind.GENERAL_MEETING,))


class CancelForm(ExtendForm):
    reason = forms.CharField(label="取消原因", max_length=300)

    def __init__(self, *args: Any, file: DevelopmentFile, **kwargs: Any) -> None:
        super().__init__(*args, file=file, **kwargs)
        del self.fields["months"]


class CloseForm(BootstrapForm):
    closed_on = forms.DateField(label="终止日期", widget=DATE)
    reason = forms.CharField(
        label="终止原因", max_length=300, help_text="如：本人撤回申请、调离本单位、不宜继续培养"
    )


class SponsorReplaceForm(BootstrapForm):
    member = forms.ModelChoiceField(label="新的人选", queryset=Member.objects.none())
    on = forms.DateField(label="更换日期", widget=DATE)
    reason = forms.CharField(label="更换原因", max_length=200)

    def __init__(self, *args: Any, sponsor: Sponsor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        # The branch's full members, without those already in this role on the file.
        holding = Sponsor.objects.filter(file_id=sponsor.file_id, role=sponsor.role, end_on__isnull=True)
        member.queryset = full_members(sponsor.file.member.branch).exclude(pk__in=holding.values("member_id"))
        member.label_from_instance = lambda obj: obj.name  # type: ignore[method-assign]
