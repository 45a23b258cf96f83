"""Writes of member development (DEV-1…6). Every write validates with `zhibu.development.rules`
(the time rules, pure) and `zhibu.development.checks` (what a step needs from the records), changes
the registry through `zhibu.members.services` and writes an audit event, in one transaction.

INTERFACE: views, API, imports and the demo call exactly these. A refusal is a ValidationError
{field: [Chinese message naming the rule]}; nothing is saved then. The numbers come from
`rules_for(<year of the step's date>)` (P-4: a changed rule applies to steps taken after it).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.development import checks
from zhibu.development import rules as dev_rules
from zhibu.development.models import OPEN_STAGES, DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.rules import cite, iso
from zhibu.development.selectors import probation_end
from zhibu.development.steps import BY_NUMBER, CATEGORY_RANK
from zhibu.lib.dates import today
from zhibu.lib.rules import rules_for
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Meeting, Notice
from zhibu.members import services as member_services
from zhibu.members.models import Category, Member, Standing


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked(file: DevelopmentFile) -> DevelopmentFile:
    return DevelopmentFile.objects.select_for_update().select_related("member__branch").get(pk=file.pk)


# ---------------------------------------------------------------------------------------------
# Opening a file: step ①


@transaction.atomic
def file_open(
    *, actor: Any, member: Member, applied_on: dt.date, basis: str = "", note: str = ""
) -> DevelopmentFile:
    """Open the 入党档案 of `member` (active, not 正式党员, no file yet) and record step ①
    on `applied_on` (B-1: at least `development.min_age` years old on that day).

    A person registered as 入党积极分子 or 发展对象 (an imported 台账) may get a file too: the
    earlier steps are then back-filled, and recording them never moves the category back."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    problems = checks.Problems()
    if not member.is_active:
        problems.add("member", f"{member.name}已不在册，不能建立入党档案")
    elif member.category == Category.FULL:
        # A 预备党员 may get a file (an imported 台账): its earlier steps are back-filled, and the
        # 支部大会 (⑮) must then be the registry's 入党日期.
        problems.add("member", f"{member.name}已是正式党员，不需要建立入党档案")
    elif DevelopmentFile.objects.filter(member=member).exists():
        problems.add("member", f"{member.name}已有入党档案")
    if applied_on > today():
        problems.add("applied_on", "递交申请日期不能晚于今天")
    else:
        min_age = rules_for(applied_on.year).integer("development.min_age")
        problems.add("applied_on", dev_rules.age_problem(member.birth_date, applied_on, min_age))
    problems.raise_if_any()
    file = DevelopmentFile.objects.create(member=member, stage=Stage.APPLICANT, applied_on=applied_on)
    first = DevelopmentStep.objects.create(
        file=file, number=1, done_on=applied_on, basis=basis.strip(), note=note.strip(), actor=_user(actor)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=file,
        organisation=member.branch,
        after=snapshot(file) | {"step": snapshot(first)},
    )
    return file


# ---------------------------------------------------------------------------------------------
# The steps ②…㉕


def _change_category(
    *, actor: Any, member: Member, category: str, effective_on: dt.date, reason: str
) -> None:
    """Through the registry (its history is the one truth), and only upwards: back-filling the file
    of someone imported as 发展对象 keeps them 发展对象."""
    rank = {str(key): value for key, value in CATEGORY_RANK.items()}
    if rank.get(member.category, 0) >= rank[category]:
        return
    member_services.member_change_status(
        actor=actor,
        member=member,
        field="category",
        new_value=category,
        effective_on=effective_on,
        reason=reason,
    )


@transaction.atomic
def step_record(
    *,
    actor: Any,
    file: DevelopmentFile,
    number: int,
    done_on: dt.date,
    meeting: Meeting | None = None,
    basis: str = "",
    notice: Notice | None = None,
    people: Sequence[Member] = (),
    late_reason: str = "",
    note: str = "",
) -> DevelopmentStep:
    """Record step `number` (only the next one: last recorded + 1) with its decision. `people` are
    the 培养联系人 for ⑤ (1–2) or the 入党介绍人 for ⑨ (exactly 2). Refused (ValidationError with
    {field: [Chinese message naming the rule]}) when a rule of RULES §B is broken.

    Fields of the messages: number (order, file closed), done_on, meeting, basis, notice, people,
    late_reason. ③ ⑦ ⑰ ㉔ change the person's 人员类别 (⑰ from the ⑮ vote, ㉔ from the end of
    probation, B-9) through `members.services.member_change_status`."""
    file = _locked(file)
    member = file.member
    branch = member.branch
    recorded = {s.number: s for s in file.steps.all()}
    step = checks.check_order(file, number, recorded)
    previous = recorded[number - 1]
    problems = checks.Problems()
    if done_on > today():
        problems.add("done_on", "日期不能晚于今天")
    elif done_on < previous.done_on:
        problems.add(
            "done_on",
            f"日期不能早于上一步骤{BY_NUMBER[previous.number].label}的日期{iso(previous.done_on)}{cite('B-11')}",
        )
    rules = rules_for(done_on.year)
    if step.meeting_kinds:
        checks.decision_problems(
            problems,
            what=step.label,
            kinds=step.meeting_kinds,
            rule=dev_rules.STEP_RULES[number],
            meeting=meeting,
            basis=basis,
            branch=branch,
            on=done_on,
        )
    elif meeting is not None:
        problems.add("meeting", f"{step.label}不由会议决定，请在“依据”中写明")
    checks.notice_problems(
        problems, step=step, notice=notice, branch=branch, previous=previous, done_on=done_on, rules=rules
    )
    role, persons = checks.people_problems(problems, step=step, people=people, candidate=member, on=done_on)
    joined = member.joined_on
    if number == 15 and member.category == Category.PROBATIONARY and joined and joined != done_on:
        problems.add(
            "done_on",
            f"{member.name}在党员名册中的入党日期为{iso(joined)}，"
            "支部大会讨论接收预备党员的日期应与之一致（发展党员工作细则 B-9）",
        )
    checks.step_rules(
        problems,
        file=file,
        step=step,
        recorded=recorded,
        done_on=done_on,
        basis=basis,
        late_reason=late_reason,
        rules=rules,
    )
    problems.raise_if_any()

    record = DevelopmentStep.objects.create(
        file=file,
        number=number,
        done_on=done_on,
        meeting=meeting,
        basis=basis.strip(),
        notice=notice,
        late_reason=late_reason.strip(),
        note=note.strip(),
        actor=_user(actor),
    )
    Sponsor.objects.bulk_create(
        [Sponsor(file=file, role=role, member=person, start_on=done_on) for person in persons]
    )
    before = snapshot(file)
    effective_on = done_on
    if number == 3:
        file.activist_on, file.stage = done_on, Stage.ACTIVIST
    elif number == 7:
        file.candidate_on, file.stage = done_on, Stage.CANDIDATE
    elif number == 15:
        file.admitted_on = done_on
    elif number == 17:
        file.stage = Stage.PROBATIONARY
        effective_on = recorded[15].done_on
    elif number == 24:
        end = probation_end(file)
        assert end is not None  # ⑮ recorded
        file.converted_on, file.stage = end, Stage.FULL
        effective_on = end
    file.save()
    if step.category:
        _change_category(
            actor=actor,
            member=member,
            category=step.category,
            effective_on=effective_on,
            reason=f"发展党员：{step.label}",
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        organisation=branch,
        after=snapshot(record) | {"people": [person.pk for person in persons]},
    )
    old, new = diff(before, snapshot(file))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=file,
            organisation=branch,
            before=old,
            after=new,
            note=step.label,
        )
    return record


# ---------------------------------------------------------------------------------------------
# 培养联系人 and 入党介绍人


@transaction.atomic
def sponsor_replace(*, actor: Any, sponsor: Sponsor, member: Member, on: dt.date, reason: str) -> Sponsor:
    """Replace a 培养联系人 or 入党介绍人 from `on` (the old row gets end_on, a new row starts).
    The new person is checked as at the step (B-3, B-6) on `on`."""
    sponsor = Sponsor.objects.select_for_update().select_related("file__member__branch").get(pk=sponsor.pk)
    file = sponsor.file
    candidate = file.member
    role_label = str(Sponsor.Role(sponsor.role).label)
    problems = checks.Problems()
    if file.stage not in OPEN_STAGES:
        checks.refuse("sponsor", f"入党档案为“{checks.stage_label(file)}”，不能更换{role_label}")
    if sponsor.end_on is not None:
        checks.refuse("sponsor", f"{sponsor.member.name}已于{iso(sponsor.end_on)}不再担任{role_label}")
    if not reason.strip():
        problems.add("reason", "请填写更换原因")
    if on > today():
        problems.add("on", "更换日期不能晚于今天")
    elif on < sponsor.start_on:
        problems.add("on", f"更换日期不能早于原{role_label}的确定日期{iso(sponsor.start_on)}")
    person = Member.objects.get(pk=member.pk)
    if person.pk == sponsor.member_id:
        problems.add("member", f"新的{role_label}与原{role_label}是同一人")
    elif Sponsor.objects.filter(file=file, role=sponsor.role, member=person, end_on__isnull=True).exists():
        problems.add("member", f"{person.name}已是{candidate.name}的{role_label}")
    else:
        rule = "B-3" if sponsor.role == Sponsor.Role.CULTIVATOR else "B-6"
        problems.add(
            "member",
            dev_rules.sponsor_problem(
                person,
                candidate=candidate,
                on=on,
                under_probation=person.pk in checks.under_probation([person.pk], on),
                role_label=role_label,
                rule=rule,
            ),
        )
    problems.raise_if_any()
    sponsor.end_on, sponsor.end_reason = on, reason.strip()[:200]
    sponsor.save(update_fields=["end_on", "end_reason"])
    new = Sponsor.objects.create(file=file, role=sponsor.role, member=person, start_on=on)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=sponsor,
        organisation=candidate.branch,
        before={"end_on": None, "end_reason": ""},
        after={"end_on": on, "end_reason": sponsor.end_reason, "replaced_by": person.pk},
        note=reason,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=new,
        organisation=candidate.branch,
        after=snapshot(new),
    )
    return new


# ---------------------------------------------------------------------------------------------
# 考察


@transaction.atomic
def review_record(
    *,
    actor: Any,
    file: DevelopmentFile,
    kind: str,
    reviewed_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    performance: str,
    cultivator_opinion: str = "",
    branch_opinion: str = "",
) -> Review:
    """A 考察 entry: kind `activist` while 积极分子/发展对象 (steps ③…⑰), `probationary` while 预备党员.

    Fields of the messages: kind, reviewed_on, period_start, period_end, performance."""
    file = _locked(file)
    problems = checks.Problems()
    if file.stage not in OPEN_STAGES:
        checks.refuse("kind", f"入党档案为“{checks.stage_label(file)}”，不能再登记考察记录")
    if kind == Review.Kind.ACTIVIST:
        approved = file.steps.filter(number=17).exists()
        if file.activist_on is None:
            problems.add("kind", f"尚未确定为入党积极分子（③），不能登记入党积极分子考察{cite('B-4')}")
        elif approved:
            problems.add("kind", "已经上级党委审批为预备党员，请登记预备党员考察")
        elif reviewed_on < file.activist_on:
            problems.add(
                "reviewed_on", f"考察日期不能早于确定为入党积极分子的日期{iso(file.activist_on)}{cite('B-4')}"
            )
    elif kind == Review.Kind.PROBATIONARY:
        if file.stage != Stage.PROBATIONARY or file.admitted_on is None:
            problems.add("kind", f"当前阶段为“{checks.stage_label(file)}”，只有预备党员才登记预备党员考察")
        elif reviewed_on < file.admitted_on:
            problems.add(
                "reviewed_on", f"考察日期不能早于支部大会接收为预备党员的日期{iso(file.admitted_on)}"
            )
    else:
        problems.add("kind", "考察类别应为入党积极分子考察或预备党员考察")
    if period_end < period_start:
        problems.add("period_end", "考察期止不能早于考察期起")
    elif period_end > reviewed_on:
        problems.add("period_end", f"考察期止不能晚于考察日期{iso(reviewed_on)}")
    if reviewed_on > today():
        problems.add("reviewed_on", "考察日期不能晚于今天")
    if not performance.strip():
        problems.add("performance", "请填写现实表现（思想、工作、学习、履行义务）")
    problems.raise_if_any()
    review = Review.objects.create(
        file=file,
        kind=kind,
        reviewed_on=reviewed_on,
        period_start=period_start,
        period_end=period_end,
        performance=performance.strip(),
        cultivator_opinion=cultivator_opinion.strip(),
        branch_opinion=branch_opinion.strip(),
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        organisation=file.member.branch,
        after=snapshot(review),
    )
    return review


# ---------------------------------------------------------------------------------------------
# The end of probation other than conversion, and closing a file


def _append_note(file: DevelopmentFile, line: str) -> None:
    file.notes = f"{file.notes}\n{line}".strip() if file.notes else line


def _last_step_on(file: DevelopmentFile) -> dt.date:
    last = file.steps.order_by("-number").first()
    return last.done_on if last else file.applied_on


def _audit_file_update(actor: Any, file: DevelopmentFile, before: dict[str, Any], note: str) -> None:
    old, new = diff(before, snapshot(file))
    old.pop("updated_at", None)
    new.pop("updated_at", None)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=file,
        organisation=file.member.branch,
        before=old,
        after=new,
        note=note,
    )


@transaction.atomic
def probation_extend(
    *,
    actor: Any,
    file: DevelopmentFile,
    months: int,
    decided_on: dt.date,
    meeting: Meeting | None,
    basis: str,
) -> DevelopmentFile:
    """延长预备期 once, 6–12 months, by 支部大会 on or after the end of probation (B-9).

    Fields of the messages: file (stage, already extended), months, decided_on, meeting."""
    file = _locked(file)
    if file.stage != Stage.PROBATIONARY or file.admitted_on is None:
        checks.refuse("file", f"当前阶段为“{checks.stage_label(file)}”，只有预备党员才能延长预备期")
    if file.extension_months is not None:
        decided = iso(file.extension_decided_on) if file.extension_decided_on else ""
        checks.refuse(
            "months", f"预备期已于{decided}延长{file.extension_months}个月，只能延长一次{cite('B-9')}"
        )
    if file.steps.filter(number__gte=23).exists():
        checks.refuse("file", "支部大会已讨论转正，不能再延长预备期")
    problems = checks.Problems()
    rules = rules_for(decided_on.year)
    problems.add(
        "months",
        dev_rules.extension_problem(
            months,
            rules.integer("development.extension_min_months"),
            rules.integer("development.extension_max_months"),
        ),
    )
    end = probation_end(file)
    assert end is not None
    if decided_on > today():
        problems.add("decided_on", "决定日期不能晚于今天")
    elif decided_on < end:
        problems.add(
            "decided_on",
            f"延长预备期由支部大会在预备期满时讨论决定{cite('B-9')}：预备期至{iso(end)}期满，最早{iso(end)}",
        )
    checks.decision_problems(
        problems,
        what="延长预备期",
        kinds=(MeetingKind.GENERAL_MEETING,),
        rule="B-9",
        meeting=meeting,
        basis=basis,
        branch=file.member.branch,
        on=decided_on,
    )
    problems.raise_if_any()
    before = snapshot(file)
    file.extension_months = months
    file.extension_decided_on = decided_on
    file.extension_meeting = meeting
    if basis.strip():
        _append_note(file, f"{iso(decided_on)}延长预备期{months}个月，依据：{basis.strip()}")
    file.save()
    _audit_file_update(actor, file, before, f"延长预备期{months}个月")
    return file


@transaction.atomic
def probation_cancel(
    *,
    actor: Any,
    file: DevelopmentFile,
    decided_on: dt.date,
    meeting: Meeting | None,
    basis: str,
    reason: str,
) -> DevelopmentFile:
    """取消预备党员资格 by 支部大会 (B-9): the person leaves the registry (党籍状态 出党, history kept).

    Fields of the messages: file (stage), decided_on, meeting, reason."""
    file = _locked(file)
    if file.stage != Stage.PROBATIONARY:
        checks.refuse("file", f"当前阶段为“{checks.stage_label(file)}”，只有预备党员才能取消预备党员资格")
    problems = checks.Problems()
    if not reason.strip():
        problems.add("reason", "请填写取消预备党员资格的原因")
    last_on = _last_step_on(file)
    if decided_on > today():
        problems.add("decided_on", "决定日期不能晚于今天")
    elif decided_on < last_on:
        problems.add("decided_on", f"决定日期不能早于最近一个步骤的日期{iso(last_on)}")
    checks.decision_problems(
        problems,
        what="取消预备党员资格",
        kinds=(MeetingKind.GENERAL_MEETING,),
        rule="B-9",
        meeting=meeting,
        basis=basis,
        branch=file.member.branch,
        on=decided_on,
    )
    problems.raise_if_any()
    before = snapshot(file)
    file.stage = Stage.CANCELLED
    file.closed_on = decided_on
    file.closed_reason = reason.strip()[:300]
    if basis.strip():
        _append_note(file, f"{iso(decided_on)}取消预备党员资格，依据：{basis.strip()}")
    file.save()
    _end_sponsors(file, decided_on, "取消预备党员资格")
    member_services.member_change_status(
        actor=actor,
        member=file.member,
        field="standing",
        new_value=Standing.LEFT,
        effective_on=decided_on,
        reason="取消预备党员资格",
    )
    _audit_file_update(actor, file, before, "取消预备党员资格")
    return file


def _end_sponsors(file: DevelopmentFile, on: dt.date, reason: str) -> None:
    Sponsor.objects.filter(file=file, end_on__isnull=True).update(end_on=on, end_reason=reason)


@transaction.atomic
def file_close(*, actor: Any, file: DevelopmentFile, closed_on: dt.date, reason: str) -> DevelopmentFile:
    """终止培养 of an applicant, activist or 发展对象 (withdrawn, moved away, not suitable).

    The person's 人员类别 stays as it is: whether they remain 入党积极分子 in the registry is the
    registry's decision (member page), not the file's. Open 培养联系人/入党介绍人 rows end on
    `closed_on`. Fields of the messages: file (stage), closed_on, reason."""
    file = _locked(file)
    if file.stage not in (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE):
        checks.refuse("file", f"当前阶段为“{checks.stage_label(file)}”，不能终止培养")
    problems = checks.Problems()
    if not reason.strip():
        problems.add("reason", "请填写终止培养的原因")
    last_on = _last_step_on(file)
    if closed_on > today():
        problems.add("closed_on", "终止日期不能晚于今天")
    elif closed_on < last_on:
        problems.add("closed_on", f"终止日期不能早于最近一个步骤的日期{iso(last_on)}")
    problems.raise_if_any()
    before = snapshot(file)
    file.stage = Stage.CLOSED
    file.closed_on = closed_on
    file.closed_reason = reason.strip()[:300]
    file.save()
    _end_sponsors(file, closed_on, "终止培养")
    _audit_file_update(actor, file, before, "终止培养")
    return file
