"""The 25 steps of member development (RULES B-11; 发展党员工作细则), in order, with what each needs.

This table is the pipeline's transition table (ARCHITECTURE "a workflow moves only along its
transition table"): a step can be recorded only after the one before it, on or after its date;
the time rules of RULES §B are checked in `zhibu.development.rules`.
"""

from dataclasses import dataclass

from zhibu.meetings.models import Kind as MeetingKind
from zhibu.members.models import Category


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    stage: str  # the stage (阶段) of the five the step belongs to
    # The decision that makes the step: the meeting kinds that may take it (empty: no meeting).
    meeting_kinds: tuple[str, ...] = ()
    # The person's 人员类别 from this step on (effective on the step's date unless said otherwise).
    category: str = ""
    # A 公示 (RULES B-10) that must have ended before this step is taken.
    needs_notice: bool = False
    # The step records people: 培养联系人 (⑤) or 入党介绍人 (⑨).
    people: str = ""

    @property
    def label(self) -> str:
        return f"{CIRCLED[self.number]}{self.name}"


CIRCLED = " ①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕"

STAGES = (
    ("application", "申请入党"),
    ("activist", "入党积极分子的确定和培养教育"),
    ("candidate", "发展对象的确定和考察"),
    ("admission", "预备党员的接收"),
    ("probation", "预备党员的教育考察和转正"),
)

COMMITTEE = (MeetingKind.COMMITTEE_MEETING, MeetingKind.GENERAL_MEETING)
GENERAL = (MeetingKind.GENERAL_MEETING,)

STEPS: tuple[Step, ...] = (
    Step(1, "递交入党申请书", "application"),
    Step(2, "党组织派人谈话", "application"),
    Step(3, "确定入党积极分子", "activist", COMMITTEE, category=Category.ACTIVIST),
    Step(4, "报上级党委备案", "activist", needs_notice=True),
    Step(5, "指定培养联系人", "activist", people="cultivators"),
    Step(6, "培养教育考察", "activist"),
    Step(7, "确定发展对象", "candidate", COMMITTEE, category=Category.CANDIDATE),
    Step(8, "报上级党委备案", "candidate", needs_notice=True),
    Step(9, "确定入党介绍人", "candidate", people="introducers"),
    Step(10, "进行政治审查", "candidate"),
    Step(11, "开展集中培训", "candidate"),
    Step(12, "支部委员会审查", "admission", COMMITTEE),
    Step(13, "上级党委预审", "admission", needs_notice=True),
    Step(14, "填写入党志愿书", "admission"),
    Step(15, "支部大会讨论", "admission", GENERAL),
    Step(16, "上级党委派人谈话", "admission"),
    # Approval makes the person a 预备党员 from the 支部大会 vote (⑮), RULES B-9.
    Step(17, "上级党委审批", "admission", category=Category.PROBATIONARY),
    Step(18, "报上级党委组织部门备案", "admission"),
    Step(19, "编入党支部和党小组", "probation"),
    Step(20, "入党宣誓", "probation"),
    Step(21, "继续教育考察", "probation"),
    Step(22, "提出转正申请", "probation"),
    Step(23, "支部大会讨论转正", "probation", GENERAL, needs_notice=True),
    # Approval makes the person a 正式党员 from the end of probation, RULES B-9.
    Step(24, "上级党委审批转正", "probation", category=Category.FULL),
    Step(25, "材料归档", "probation"),
)
BY_NUMBER = {step.number: step for step in STEPS}
LAST = STEPS[-1].number

# Steps after which a 公示 is published (the notice is attached to the step that must wait for it).
NOTICE_STAGES = {4: "入党积极分子", 8: "发展对象", 13: "拟接收预备党员", 23: "预备党员转正"}

# Category order: recording an earlier step never moves a person back (back-filling a file of
# someone imported as 发展对象 keeps them 发展对象).
CATEGORY_RANK = {
    Category.APPLICANT: 1,
    Category.ACTIVIST: 2,
    Category.CANDIDATE: 3,
    Category.PROBATIONARY: 4,
    Category.FULL: 5,
}


def step(number: int) -> Step:
    return BY_NUMBER[number]
