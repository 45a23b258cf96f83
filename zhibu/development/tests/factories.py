"""Build development files quickly, through the services, with valid dates and everything each step
needs (meetings, 公示, trainings, reviews, 培养联系人 and 入党介绍人).

    file = make_file(member, through=17, start=D(2023, 3, 1))   # ① … ⑰ recorded
    record_step(file, 18)                                        # the next one, on its planned date
    record_step(file, 18, on=D(2024, 9, 2))                      # or on a chosen date

The dates follow the time rules with the rules in force (e.g. ⑦ exactly `activist_months` after ③,
㉓ on the last day of probation); every date must be in the past, so a file through ㉕ needs a
start about 28 months ago (the default start, 2022-03-01, is).

Register the person before the file starts (`make_member(..., start_on=D(2020, 1, 1))`): the
registry's placement and category history begin on the registration day (today by default), and a
category change dated before it would be followed by the registration's own row.
"""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from zhibu.development import services
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review
from zhibu.development.selectors import probation_end
from zhibu.development.steps import BY_NUMBER
from zhibu.lib.dates import add_months
from zhibu.lib.rules import rules_for
from zhibu.meetings import services as meeting_services
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Meeting, Notice
from zhibu.members.models import Member, TrainingRecord
from zhibu.members.tests.factories import make_member
from zhibu.members.training import training_record
from zhibu.orgs.models import Organisation

DEFAULT_START = dt.date(2022, 3, 1)
_sequence = itertools.count(1)

# Days after the previous step, for the steps without a time rule of their own.
GAPS = {
    2: 7,
    3: 21,
    4: 10,
    5: 1,
    6: 30,
    8: 10,
    9: 1,
    10: 1,
    11: 7,
    12: 7,
    13: 10,
    14: 1,
    15: 7,
    16: 7,
    17: 14,
    18: 7,
    19: 1,
    20: 7,
    24: 30,
    25: 7,
}


def make_sponsor(branch: Organisation, name: str | None = None, **extra: Any) -> Member:
    """A full member (converted long ago) who can be a 培养联系人 or 入党介绍人."""
    extra.setdefault("joined_on", dt.date(2008, 7, 1))
    extra.setdefault("converted_on", dt.date(2009, 7, 1))
    return make_member(branch, name or f"联系人{next(_sequence)}", category="full", **extra)


def make_meeting(branch: Organisation, kind: str, on: dt.date, topic: str | None = None) -> Meeting:
    return meeting_services.meeting_record(
        actor=None,
        organisation=branch,
        kind=kind,
        held_on=on,
        topic=topic or f"发展党员会议{next(_sequence)}",
    )


def make_notice(
    branch: Organisation,
    start_on: dt.date,
    end_on: dt.date,
    *,
    subject: str = Notice.Subject.MEMBER_DEVELOPMENT,
) -> Notice:
    return meeting_services.notice_publish(
        actor=None,
        organisation=branch,
        subject=subject,
        title=f"发展党员公示{next(_sequence)}",
        content="公示内容",
        start_on=start_on,
        end_on=end_on,
    )


def make_training(
    member: Member,
    start_on: dt.date,
    end_on: dt.date,
    *,
    days: Decimal | str = "3",
    hours: Decimal | str = "24",
    kind: str = TrainingRecord.Kind.ACTIVIST,
) -> TrainingRecord:
    return training_record(
        actor=None,
        member=member,
        kind=kind,
        course="入党积极分子培训班",
        organiser="党委组织部",
        start_on=start_on,
        end_on=end_on,
        days=Decimal(days),
        hours=Decimal(hours),
    )


def make_review(file: DevelopmentFile, kind: str, on: dt.date, since: dt.date | None = None) -> Review:
    start = since or (file.activist_on if kind == Review.Kind.ACTIVIST else file.admitted_on) or on
    return services.review_record(
        actor=None,
        file=file,
        kind=kind,
        reviewed_on=on,
        period_start=min(start, on),
        period_end=on,
        performance="思想上进，工作积极，学习认真，履行义务",
    )


def planned_on(file: DevelopmentFile, number: int) -> dt.date:
    """The date `make_file` gives step `number`, from the file as it stands (the previous step
    recorded)."""
    file.refresh_from_db()
    previous = DevelopmentStep.objects.get(file=file, number=number - 1).done_on
    if number in GAPS:
        return previous + dt.timedelta(days=GAPS[number])
    if number == 7:
        assert file.activist_on is not None
        months = rules_for(previous.year).integer("development.activist_months")
        return max(previous + dt.timedelta(days=1), add_months(file.activist_on, months))
    assert file.admitted_on is not None
    end = probation_end(file)
    assert end is not None
    if number == 21:
        return max(previous + dt.timedelta(days=1), add_months(file.admitted_on, 6))
    if number == 22:
        return max(previous + dt.timedelta(days=1), end - dt.timedelta(days=20))
    if number == 23:
        return max(previous + dt.timedelta(days=10), end)
    raise ValueError(number)


def step_kwargs(file: DevelopmentFile, number: int, on: dt.date) -> dict[str, Any]:
    """Everything step `number` on `on` needs, created valid: its meeting (held that day), its
    公示 (from the day after the previous step to the day before `on`), its people, the training
    (⑪) and reviews (⑥ ㉑) it relies on."""
    step = BY_NUMBER[number]
    member = file.member
    branch = member.branch
    kwargs: dict[str, Any] = {}
    previous = DevelopmentStep.objects.get(file=file, number=number - 1).done_on
    if step.meeting_kinds:
        kind = MeetingKind.GENERAL_MEETING if number in (15, 23) else MeetingKind.COMMITTEE_MEETING
        kwargs["meeting"] = make_meeting(branch, kind, on, f"{member.name}{step.label}（{next(_sequence)}）")
    if step.needs_notice:
        kwargs["notice"] = make_notice(branch, previous + dt.timedelta(days=1), on - dt.timedelta(days=1))
    if step.people == "cultivators":
        kwargs["people"] = [make_sponsor(branch)]
    elif step.people == "introducers":
        kwargs["people"] = [make_sponsor(branch), make_sponsor(branch)]
    if number == 2:
        kwargs["late_reason"] = "申请人外出" if on > add_months(file.applied_on, 1) else ""
    if number == 6 and not file.reviews.filter(kind=Review.Kind.ACTIVIST, reviewed_on__lte=on).exists():
        make_review(file, Review.Kind.ACTIVIST, on)
    if number == 10:
        kwargs["basis"] = "政治审查合格"
    if number == 11:
        start = max(previous, file.applied_on)
        make_training(member, start, min(start + dt.timedelta(days=2), on))
    if number == 17 and file.admitted_on and on > add_months(file.admitted_on, 3):
        kwargs["late_reason"] = "特殊情况"
    if number == 21 and not file.reviews.filter(kind=Review.Kind.PROBATIONARY, reviewed_on__lte=on).exists():
        make_review(file, Review.Kind.PROBATIONARY, on)
    if not step.meeting_kinds and number != 10:
        kwargs["basis"] = f"{step.name}材料"
    return kwargs


def record_step(
    file: DevelopmentFile,
    number: int | None = None,
    *,
    on: dt.date | None = None,
    actor: Any = None,
    **overrides: Any,
) -> DevelopmentStep:
    """Record the next step (or `number`) on `on` (default: its planned date) with valid
    decisions; `overrides` replace any argument of `services.step_record`."""
    file.refresh_from_db()
    if number is None:
        number = file.steps.count() + 1
    on = on or planned_on(file, number)
    kwargs = step_kwargs(file, number, on) | overrides
    return services.step_record(actor=actor, file=file, number=number, done_on=on, **kwargs)


def make_file(
    member: Member, through: int = 1, start: dt.date = DEFAULT_START, *, actor: Any = None
) -> DevelopmentFile:
    """Open `member`'s file on `start` and record the steps ② … `through` on their planned dates."""
    file = services.file_open(actor=actor, member=member, applied_on=start, basis="入党申请书")
    for number in range(2, through + 1):
        record_step(file, number, actor=actor)
    file.refresh_from_db()
    return file
