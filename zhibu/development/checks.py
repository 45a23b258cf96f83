"""What a step needs, read from the records: the order of the 25 steps, the deciding meeting, the
公示, the 培养联系人 and 入党介绍人, the reviews and trainings a step relies on. These gather the
values and call the pure rules of `zhibu.development.rules`; the services raise what they collect.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db.models import Sum

from zhibu.development import rules as dev_rules
from zhibu.development.models import OPEN_STAGES, DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.rules import cite, iso
from zhibu.development.selectors import probation_end
from zhibu.development.steps import BY_NUMBER, LAST, NOTICE_STAGES, Step
from zhibu.lib.rules import RuleSet
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Meeting, Notice
from zhibu.members.models import Discipline, Member, TrainingRecord
from zhibu.orgs.models import Organisation


class Problems:
    """Messages per field, raised together (the user sees every problem of the form at once)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.by_field[field].append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def refuse(field: str, message: str) -> NoReturn:
    raise ValidationError({field: [message]})


def stage_label(file: DevelopmentFile) -> str:
    return str(Stage(file.stage).label)


def kinds_label(kinds: Sequence[str]) -> str:
    return "或".join(str(MeetingKind(kind).label) for kind in kinds)


def decision_problems(
    problems: Problems,
    *,
    what: str,
    kinds: Sequence[str],
    rule: str,
    meeting: Meeting | None,
    basis: str,
    branch: Organisation,
    on: dt.date,
) -> None:
    """A decision by a meeting of `kinds`: the recorded meeting (of the branch, held that day) or,
    when it was not recorded in zhibu, a `basis` naming the decision."""
    if meeting is not None:
        if meeting.kind not in kinds:
            problems.add(
                "meeting",
                f"{what}应由{kinds_label(kinds)}决定{cite(rule)}，所选会议是{meeting.get_kind_display()}",
            )
        elif meeting.organisation_id != branch.pk:
            problems.add(
                "meeting", f"所选会议不是{branch.name}的会议，{what}应由本支部{kinds_label(kinds)}决定"
            )
        elif meeting.held_on != on:
            problems.add("meeting", f"所选会议于{iso(meeting.held_on)}召开，与{what}的日期{iso(on)}不一致")
    elif not basis.strip():
        problems.add(
            "meeting",
            f"{what}应由{kinds_label(kinds)}决定{cite(rule)}：请选择会议；会议未在系统中记录的，"
            "请在“依据”中写明决定（会议名称、日期）",
        )


def is_open_for(file: DevelopmentFile, number: int) -> bool:
    # ㉔ makes the person a full member (stage 已转正); ㉕ 材料归档 still follows it.
    return file.stage in OPEN_STAGES or (file.stage == Stage.FULL and number == LAST)


def check_order(file: DevelopmentFile, number: int, recorded: dict[int, DevelopmentStep]) -> Step:
    if number not in BY_NUMBER:
        refuse("number", f"步骤应为1至{LAST}{cite('B-11')}")
    step = BY_NUMBER[number]
    if not is_open_for(file, number):
        refuse("number", f"入党档案为“{stage_label(file)}”，不能再记录发展步骤")
    if not file.member.is_active:
        refuse("number", f"{file.member.name}已不在册，不能记录发展步骤")
    if number in recorded:
        refuse("number", f"{step.label}已于{iso(recorded[number].done_on)}记录")
    last = max(recorded, default=0)
    if number != last + 1:
        missing = BY_NUMBER[last + 1]
        refuse("number", f"请先完成{missing.label}：发展党员的{LAST}个步骤须依次进行{cite('B-11')}")
    return step


def notice_problems(
    problems: Problems,
    *,
    step: Step,
    notice: Notice | None,
    branch: Organisation,
    previous: DevelopmentStep,
    done_on: dt.date,
    rules: RuleSet,
) -> None:
    if not step.needs_notice:
        if notice is not None:
            problems.add("notice", f"{step.label}不需要选择公示")
        return
    if notice is None:
        problems.add(
            "notice",
            f"{step.label}前须对{NOTICE_STAGES[step.number]}进行公示{cite('B-10')}，请选择公示",
        )
        return
    if notice.subject != Notice.Subject.MEMBER_DEVELOPMENT:
        problems.add("notice", f"所选公示的类别是“{notice.get_subject_display()}”，应为“发展党员”")
        return
    if notice.organisation_id != branch.pk:
        problems.add("notice", f"所选公示不是{branch.name}发布的")
        return
    previous_label = BY_NUMBER[previous.number].label
    problems.add("notice", dev_rules.notice_start_problem(notice.start_on, previous.done_on, previous_label))
    minimum = rules.integer("development.notice_working_days")
    problems.add("notice", dev_rules.notice_period_problem(notice.start_on, notice.end_on, minimum))
    problems.add("done_on", dev_rules.notice_wait_problem(notice.end_on, done_on, step.label))


def under_probation(member_ids: Sequence[int], on: dt.date) -> set[int]:
    """Members under 留党察看 on `on` (rights not restored by then)."""
    return {
        discipline.member_id
        for discipline in Discipline.objects.filter(member_id__in=member_ids, kind=Discipline.Kind.PROBATION)
        if discipline.is_probation_on(on)
    }


def people_problems(
    problems: Problems, *, step: Step, people: Sequence[Member], candidate: Member, on: dt.date
) -> tuple[str, list[Member]]:
    """The 培养联系人 (⑤: 1–2, B-3) or 入党介绍人 (⑨: exactly 2, B-6), each checked on `on`."""
    if not step.people:
        if people:
            problems.add("people", f"{step.label}不需要选择人员")
        return "", []
    if step.people == "cultivators":
        role, low, high, rule = Sponsor.Role.CULTIVATOR, 1, 2, "B-3"
        wanted = f"培养联系人应为1至2名正式党员{cite(rule)}"
    else:
        role, low, high, rule = Sponsor.Role.INTRODUCER, 2, 2, "B-6"
        wanted = f"入党介绍人应为2名正式党员{cite(rule)}"
    ids = [person.pk for person in people]
    if len(set(ids)) != len(ids):
        problems.add("people", "同一人不能重复选择")
        return role, []
    if not low <= len(ids) <= high:
        problems.add("people", f"{wanted}，已选择{len(ids)}名")
        return role, []
    persons = list(Member.objects.filter(pk__in=ids).order_by("pk"))
    under = under_probation(ids, on)
    for person in persons:
        problems.add(
            "people",
            dev_rules.sponsor_problem(
                person,
                candidate=candidate,
                on=on,
                under_probation=person.pk in under,
                role_label=str(Sponsor.Role(role).label),
                rule=rule,
            ),
        )
    return role, persons


def training_sums(file: DevelopmentFile, until: dt.date) -> tuple[Decimal, Decimal]:
    """入党积极分子集中培训 attended since the application and finished by `until` (B-7)."""
    sums = TrainingRecord.objects.filter(
        member_id=file.member_id,
        kind=TrainingRecord.Kind.ACTIVIST,
        start_on__gte=file.applied_on,
        end_on__lte=until,
    ).aggregate(days=Sum("days"), hours=Sum("hours"))
    return Decimal(sums["days"] or 0), Decimal(sums["hours"] or 0)


def step_rules(
    problems: Problems,
    *,
    file: DevelopmentFile,
    step: Step,
    recorded: dict[int, DevelopmentStep],
    done_on: dt.date,
    basis: str,
    late_reason: str,
    rules: RuleSet,
) -> None:
    """The time rules of RULES §B particular to one step."""
    number = step.number
    if number == 2:
        months = rules.integer("development.talk_months")
        problems.add("late_reason", dev_rules.talk_problem(file.applied_on, done_on, months, late_reason))
    elif number == 6:
        if not Review.objects.filter(file=file, kind=Review.Kind.ACTIVIST, reviewed_on__lte=done_on).exists():
            problems.add(
                "done_on",
                f"{step.label}：{iso(done_on)}前尚无入党积极分子考察记录，请先登记考察记录{cite('B-4')}",
            )
    elif number == 7:
        months = rules.integer("development.activist_months")
        problems.add("done_on", dev_rules.candidate_problem(file.activist_on, done_on, months))
    elif number == 10:
        if not basis.strip():
            problems.add("basis", f"政治审查须在“依据”中写明政审结论{cite('B-7')}")
    elif number == 11:
        days, hours = training_sums(file, done_on)
        problem = dev_rules.training_problem(
            days,
            hours,
            rules.integer("development.training_days"),
            rules.integer("development.training_hours"),
        )
        if problem:
            problems.add("done_on", f"{problem}（{iso(file.applied_on)}至{iso(done_on)}）")
    elif number == 17:
        found = dev_rules.approval_problem(
            recorded[15].done_on,
            done_on,
            rules.integer("development.approval_months"),
            rules.integer("development.approval_months_special"),
            late_reason,
        )
        if found:
            problems.add(*found)
    elif number == 21:
        if not Review.objects.filter(
            file=file, kind=Review.Kind.PROBATIONARY, reviewed_on__lte=done_on
        ).exists():
            problems.add(
                "done_on",
                f"{step.label}：{iso(done_on)}前尚无预备党员考察记录，请先登记考察记录（SPEC DEV-4）",
            )
    elif number == 23:
        end = probation_end(file)
        if end is not None:
            problems.add("done_on", dev_rules.conversion_problem(end, done_on))
