"""The development services (DEV-1…6): every time rule of RULES §B at its boundary through the
services, the 25-step order (B-11), the registry's category history, the sponsors, reviews, the
end of probation, and that a refusal saves nothing.

The default plan of `factories.make_file` (start 2022-03-01): ③ 2022-03-29, ⑦ 2023-03-29,
⑧ 2023-04-08, ⑩ 2023-04-10, ⑮ 2023-05-12, ㉒ 2024-04-22, probation ends 2024-05-12."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.development import services
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.selectors import probation_end
from zhibu.development.tests.factories import (
    make_file,
    make_meeting,
    make_notice,
    make_review,
    make_sponsor,
    make_training,
    record_step,
    step_kwargs,
)
from zhibu.lib.dates import add_months, today
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Notice
from zhibu.members.models import Discipline, Member, StatusChange
from zhibu.members.tests.factories import make_member

D = dt.date
ONE = dt.timedelta(days=1)
FAR = dt.date(2050, 1, 1)


def person(world: Any, name: str = "丙申请人", **extra: Any) -> Member:
    """Someone in branch A, registered (placement and category history) before their file starts."""
    extra.setdefault("category", "applicant")
    extra.setdefault("birth", D(1995, 6, 15))
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(world.branch_a, name, **extra)


def refused(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    return excinfo.value.message_dict


def refused_step(file: DevelopmentFile, number: int, on: dt.date, **overrides: Any) -> dict[str, list[str]]:
    kwargs = step_kwargs(file, number, on) | overrides
    return refused(services.step_record, actor=None, file=file, number=number, done_on=on, **kwargs)


def text(errors: dict[str, list[str]], field: str) -> str:
    assert field in errors, errors
    return " ".join(errors[field])


# --- ① file_open (B-1) ------------------------------------------------------------------------------


def test_b1_the_day_before_the_18th_birthday_refused_the_birthday_itself_accepted(world: Any) -> None:
    young = person(world, "丁青年", birth=D(2004, 5, 10))
    errors = refused(services.file_open, actor=world.secretary_a, member=young, applied_on=D(2022, 5, 9))
    assert "B-1" in text(errors, "applied_on") and "2022-05-10" in text(errors, "applied_on")
    assert not DevelopmentFile.objects.filter(member=young).exists()
    file = services.file_open(
        actor=world.secretary_a, member=young, applied_on=D(2022, 5, 10), basis="入党申请书"
    )
    first = file.steps.get()
    assert (first.number, first.done_on, first.basis) == (1, D(2022, 5, 10), "入党申请书")
    assert file.stage == Stage.APPLICANT and file.applied_on == D(2022, 5, 10)


def test_b1_the_day_after_the_18th_birthday_accepted(world: Any) -> None:
    young = person(world, "戊青年", birth=D(2004, 5, 10))
    assert services.file_open(actor=None, member=young, applied_on=D(2022, 5, 11)).pk


def test_file_open_refuses_party_members_a_second_file_the_future_and_people_out_of_the_registry(
    world: Any,
) -> None:
    errors = refused(services.file_open, actor=None, member=world.member_in_a, applied_on=D(2022, 3, 1))
    assert "已是正式党员" in text(errors, "member")
    applicant = person(world)
    assert "晚于今天" in text(
        refused(services.file_open, actor=None, member=applicant, applied_on=FAR), "applied_on"
    )
    services.file_open(actor=None, member=applicant, applied_on=D(2022, 3, 1))
    assert "已有入党档案" in text(
        refused(services.file_open, actor=None, member=applicant, applied_on=D(2022, 3, 1)), "member"
    )
    gone = person(world, "己离开")
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    assert "不在册" in text(
        refused(services.file_open, actor=None, member=gone, applied_on=D(2022, 3, 1)), "member"
    )
    assert DevelopmentFile.objects.count() == 1


def test_file_open_writes_an_audit_event_of_the_branch(world: Any) -> None:
    file = services.file_open(actor=world.secretary_a, member=person(world), applied_on=D(2022, 3, 1))
    event = AuditEvent.objects.get(object_type="development.developmentfile", object_id=str(file.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.organisation_id == world.branch_a.pk and event.actor_id == world.secretary_a.pk
    assert event.after is not None and event.after["step"]["done_on"] == "2022-03-01"


# --- The order of the 25 steps (B-11) -------------------------------------------------------------


def test_b11_only_the_next_step_may_be_recorded(world: Any) -> None:
    file = make_file(person(world), through=2)
    errors = refused(
        services.step_record, actor=None, file=file, number=4, done_on=D(2022, 4, 20), basis="备案"
    )
    assert "请先完成③确定入党积极分子" in text(errors, "number") and "B-11" in text(errors, "number")
    errors = refused(services.step_record, actor=None, file=file, number=2, done_on=D(2022, 3, 9), basis="x")
    assert "已于2022-03-08记录" in text(errors, "number")
    errors = refused(services.step_record, actor=None, file=file, number=26, done_on=D(2022, 3, 9))
    assert "1至25" in text(errors, "number")
    assert sorted(file.steps.values_list("number", flat=True)) == [1, 2]


def test_b11_every_step_in_order_reaches_full_membership_and_then_nothing_more(world: Any) -> None:
    file = make_file(person(world), through=25)
    assert list(file.steps.values_list("number", flat=True)) == list(range(1, 26))
    dates = list(file.steps.values_list("done_on", flat=True))
    assert dates == sorted(dates) and dates[-1] <= today()
    assert file.stage == Stage.FULL
    assert (file.activist_on, file.candidate_on, file.admitted_on, file.converted_on) == (
        D(2022, 3, 29),
        D(2023, 3, 29),
        D(2023, 5, 12),
        D(2024, 5, 12),
    )
    errors = refused(services.step_record, actor=None, file=file, number=25, done_on=D(2024, 7, 1), basis="x")
    assert "㉕材料归档已于2024-06-18记录" in text(errors, "number")


def test_b11_a_date_before_the_previous_step_or_in_the_future_refused(world: Any) -> None:
    file = make_file(person(world), through=2)
    errors = refused(
        services.step_record, actor=None, file=file, number=3, done_on=D(2022, 3, 7), basis="支委会决定"
    )
    assert "②党组织派人谈话" in text(errors, "done_on") and "2022-03-08" in text(errors, "done_on")
    errors = refused(services.step_record, actor=None, file=file, number=3, done_on=FAR, basis="支委会决定")
    assert "晚于今天" in text(errors, "done_on")
    same_day = services.step_record(
        actor=None, file=file, number=3, done_on=D(2022, 3, 8), basis="支委会决定"
    )
    assert same_day.done_on == D(2022, 3, 8)


def test_a_refused_step_saves_nothing_and_names_every_problem(world: Any) -> None:
    file = make_file(person(world), through=3)
    events = AuditEvent.objects.count()
    lesson = make_meeting(world.branch_a, MeetingKind.PARTY_LESSON, D(2022, 4, 8))
    errors = refused(
        services.step_record,
        actor=None,
        file=file,
        number=4,
        done_on=D(2022, 4, 8),
        meeting=lesson,
        people=[world.member_in_a],
    )
    assert set(errors) == {"meeting", "notice", "people"}
    assert "B-10" in text(errors, "notice")
    assert file.steps.count() == 3 and AuditEvent.objects.count() == events + 1  # the lesson's own event
    file.refresh_from_db()
    assert file.stage == Stage.ACTIVIST


def test_a_step_writes_audit_events_for_the_step_and_the_file(world: Any) -> None:
    file = make_file(person(world), through=2)
    step = record_step(file, 3, actor=world.secretary_a)
    created = AuditEvent.objects.get(object_type="development.developmentstep", object_id=str(step.pk))
    assert created.action == AuditEvent.Action.CREATE and created.organisation_id == world.branch_a.pk
    updated = AuditEvent.objects.filter(
        object_type="development.developmentfile", object_id=str(file.pk), action=AuditEvent.Action.UPDATE
    ).get()
    assert updated.after == {"stage": "activist", "activist_on": "2022-03-29"}
    assert updated.before == {"stage": "applicant", "activist_on": None}


# --- ② talk (B-2) -------------------------------------------------------------------------------------


def test_b2_talk_on_the_due_day_needs_no_reason(world: Any) -> None:
    file = make_file(person(world), through=1)
    assert services.step_record(actor=None, file=file, number=2, done_on=D(2022, 4, 1), basis="谈话记录").pk


def test_b2_talk_a_day_late_refused_without_a_reason_accepted_with_one(world: Any) -> None:
    file = make_file(person(world), through=1)
    errors = refused(
        services.step_record, actor=None, file=file, number=2, done_on=D(2022, 4, 2), basis="谈话"
    )
    message = text(errors, "late_reason")
    assert "B-2" in message and "2022-04-01" in message
    step = services.step_record(
        actor=None, file=file, number=2, done_on=D(2022, 4, 2), basis="谈话", late_reason="申请人出差"
    )
    assert step.late_reason == "申请人出差"


# --- Meeting steps (③ ⑦ ⑫ ⑮ ㉓) ---------------------------------------------------------------------


def test_meeting_steps_take_the_decision_of_the_branch_s_meeting_of_the_right_kind_that_day(
    world: Any,
) -> None:
    file = make_file(person(world), through=2)
    on = D(2022, 3, 29)
    lesson = make_meeting(world.branch_a, MeetingKind.PARTY_LESSON, on)
    assert "党课" in text(refused_step(file, 3, on, meeting=lesson), "meeting")
    elsewhere = make_meeting(world.branch_b, MeetingKind.COMMITTEE_MEETING, on)
    assert "不是第一党支部的会议" in text(refused_step(file, 3, on, meeting=elsewhere), "meeting")
    earlier = make_meeting(world.branch_a, MeetingKind.COMMITTEE_MEETING, on - ONE)
    assert "2022-03-28召开" in text(refused_step(file, 3, on, meeting=earlier), "meeting")
    errors = refused_step(file, 3, on, meeting=None, basis="  ")
    assert "支委会或党员大会" in text(errors, "meeting") and "B-3" in text(errors, "meeting")
    general = make_meeting(world.branch_a, MeetingKind.GENERAL_MEETING, on)
    assert record_step(file, 3, on=on, meeting=general).meeting == general


def test_a_meeting_step_may_name_its_decision_when_the_meeting_is_not_recorded(world: Any) -> None:
    file = make_file(person(world), through=2)
    step = services.step_record(
        actor=None, file=file, number=3, done_on=D(2022, 3, 29), basis="2022年3月29日支委会决定"
    )
    assert step.meeting is None and step.basis == "2022年3月29日支委会决定"


def test_b8_the_admission_vote_is_the_general_meeting_s_only(world: Any) -> None:
    file = make_file(person(world), through=14)
    on = D(2023, 5, 12)
    committee = make_meeting(world.branch_a, MeetingKind.COMMITTEE_MEETING, on)
    errors = refused_step(file, 15, on, meeting=committee)
    assert "应由党员大会决定" in text(errors, "meeting") and "B-8" in text(errors, "meeting")


def test_a_step_without_a_meeting_refuses_one(world: Any) -> None:
    file = make_file(person(world), through=1)
    meeting = make_meeting(world.branch_a, MeetingKind.COMMITTEE_MEETING, D(2022, 3, 8))
    assert "不由会议决定" in text(refused_step(file, 2, D(2022, 3, 8), meeting=meeting), "meeting")


# --- 公示 (B-10) -------------------------------------------------------------------------------------


def test_b10_four_working_days_across_a_weekend_refused_five_accepted(world: Any) -> None:
    file = make_file(person(world), through=3)  # ③ on Tuesday 2022-03-29
    short = make_notice(world.branch_a, D(2022, 3, 31), D(2022, 4, 5))  # Thu Fri Mon Tue
    errors = refused_step(file, 4, D(2022, 4, 7), notice=short)
    assert "4个工作日" in text(errors, "notice") and "B-10" in text(errors, "notice")
    enough = make_notice(world.branch_a, D(2022, 3, 31), D(2022, 4, 6))  # … and Wednesday
    assert record_step(file, 4, on=D(2022, 4, 7), notice=enough).notice == enough


def test_b10_the_last_day_of_the_notice_refused_the_day_after_accepted(world: Any) -> None:
    file = make_file(person(world), through=3)
    notice = make_notice(world.branch_a, D(2022, 3, 31), D(2022, 4, 6))
    errors = refused_step(file, 4, D(2022, 4, 6), notice=notice)
    assert "最早2022-04-07" in text(errors, "done_on") and "B-10" in text(errors, "done_on")
    assert "最早2022-04-07" in text(refused_step(file, 4, D(2022, 4, 5), notice=notice), "done_on")
    assert record_step(file, 4, on=D(2022, 4, 7), notice=notice).done_on == D(2022, 4, 7)


def test_b10_the_notice_must_be_the_branch_s_member_development_notice_of_this_stage(world: Any) -> None:
    file = make_file(person(world), through=3)
    on = D(2022, 4, 8)
    assert "请选择公示" in text(refused_step(file, 4, on, notice=None), "notice")
    other_kind = make_notice(
        world.branch_a, D(2022, 3, 30), D(2022, 4, 7), subject=Notice.Subject.COMMENDATION
    )
    assert "表彰先进" in text(refused_step(file, 4, on, notice=other_kind), "notice")
    other_branch = make_notice(world.branch_b, D(2022, 3, 30), D(2022, 4, 7))
    assert "不是第一党支部发布的" in text(refused_step(file, 4, on, notice=other_branch), "notice")
    earlier = make_notice(world.branch_a, D(2022, 3, 20), D(2022, 4, 7))
    assert "早于上一步骤③确定入党积极分子" in text(refused_step(file, 4, on, notice=earlier), "notice")
    assert "不需要选择公示" in text(
        refused(
            services.step_record,
            actor=None,
            file=make_file(person(world, "庚"), through=1),
            number=2,
            done_on=D(2022, 3, 8),
            notice=earlier,
        ),
        "notice",
    )


# --- ⑤ cultivators (B-3), ⑨ introducers (B-6) -----------------------------------------------------------


def test_b3_one_or_two_cultivators(world: Any) -> None:
    file = make_file(person(world), through=4)
    on = D(2022, 4, 9)
    a, b, c = make_sponsor(world.branch_a), make_sponsor(world.branch_a), make_sponsor(world.branch_b)
    assert "1至2名" in text(refused_step(file, 5, on, people=[]), "people")
    assert "已选择3名" in text(refused_step(file, 5, on, people=[a, b, c]), "people")
    assert "重复" in text(refused_step(file, 5, on, people=[a, a]), "people")
    record_step(file, 5, on=on, people=[a, c])
    rows = Sponsor.objects.filter(file=file).order_by("member_id")
    assert [(s.role, s.member_id, s.start_on, s.end_on) for s in rows] == [
        ("cultivator", a.pk, on, None),
        ("cultivator", c.pk, on, None),
    ]


def test_b6_exactly_two_full_members_as_introducers(world: Any) -> None:
    file = make_file(person(world), through=8)
    on = D(2023, 4, 9)
    a, b = make_sponsor(world.branch_a), make_sponsor(world.branch_a)
    assert "入党介绍人应为2名正式党员" in text(refused_step(file, 9, on, people=[a]), "people")
    probationary = make_member(world.branch_a, "预备乙", category="probationary", joined_on=D(2023, 1, 5))
    errors = refused_step(file, 9, on, people=[a, probationary])
    assert "预备乙是预备党员" in text(errors, "people") and "B-6" in text(errors, "people")
    late = make_sponsor(world.branch_a, joined_on=D(2022, 4, 10), converted_on=D(2023, 4, 10))
    assert "2023-04-10转正" in text(refused_step(file, 9, on, people=[a, late]), "people")
    assert "本人" in text(refused_step(file, 9, on, people=[a, file.member]), "people")
    record_step(file, 9, on=on, people=[a, b])
    assert set(file.sponsors.filter(role="introducer").values_list("member_id", flat=True)) == {a.pk, b.pk}


def _party_probation(member: Member, decided_on: dt.date, restored_on: dt.date | None) -> Discipline:
    return Discipline.objects.create(
        member=member,
        kind=Discipline.Kind.PROBATION,
        decided_on=decided_on,
        decided_by="党委",
        reason="违纪",
        probation_months=12,
        rights_restored_on=restored_on,
    )


@pytest.mark.parametrize(
    ("restored_on", "ok"),
    [
        (None, False),  # under 留党察看, rights not restored
        (D(2023, 4, 10), False),  # restored the day after the step
        (D(2023, 4, 9), True),  # restored on the day of the step
        (D(2023, 4, 8), True),  # restored the day before
    ],
)
def test_b6_an_introducer_under_party_probation_until_rights_are_restored(
    world: Any, restored_on: dt.date | None, ok: bool
) -> None:
    file = make_file(person(world), through=8)
    on = D(2023, 4, 9)
    a, b = make_sponsor(world.branch_a), make_sponsor(world.branch_a, "受处分者")
    _party_probation(b, D(2022, 4, 1), restored_on)
    if ok:
        assert record_step(file, 9, on=on, people=[a, b]).number == 9
    else:
        errors = refused_step(file, 9, on, people=[a, b])
        assert "受处分者" in text(errors, "people") and "留党察看" in text(errors, "people")
        assert "B-6" in text(errors, "people")


def test_b6_a_warning_is_not_party_probation(world: Any) -> None:
    file = make_file(person(world), through=8)
    a, b = make_sponsor(world.branch_a), make_sponsor(world.branch_a)
    Discipline.objects.create(
        member=b, kind=Discipline.Kind.WARNING, decided_on=D(2023, 1, 1), decided_by="党委", reason="x"
    )
    assert record_step(file, 9, on=D(2023, 4, 9), people=[a, b]).number == 9


def test_only_steps_five_and_nine_take_people(world: Any) -> None:
    file = make_file(person(world), through=1)
    errors = refused_step(file, 2, D(2022, 3, 8), people=[make_sponsor(world.branch_a)])
    assert "不需要选择人员" in text(errors, "people")


# --- ⑥ review, ⑦ candidate (B-4, B-5), ⑩ political review ---------------------------------------------------


def test_b4_training_and_review_step_needs_an_activist_review_on_or_before_it(world: Any) -> None:
    file = make_file(person(world), through=5)
    on = D(2022, 5, 9)
    make_review(file, Review.Kind.ACTIVIST, on + ONE)
    errors = refused(services.step_record, actor=None, file=file, number=6, done_on=on, basis="考察材料")
    assert "B-4" in text(errors, "done_on")
    make_review(file, Review.Kind.ACTIVIST, on)
    assert services.step_record(actor=None, file=file, number=6, done_on=on, basis="考察材料").pk


def test_b5_candidate_the_day_before_a_full_year_refused_the_day_itself_accepted(world: Any) -> None:
    file = make_file(person(world), through=6)
    errors = refused_step(file, 7, D(2023, 3, 28))
    assert "B-5" in text(errors, "done_on") and "最早2023-03-29" in text(errors, "done_on")
    assert record_step(file, 7, on=D(2023, 3, 29)).done_on == D(2023, 3, 29)


def test_b7_political_review_needs_its_conclusion(world: Any) -> None:
    file = make_file(person(world), through=9)
    errors = refused(
        services.step_record, actor=None, file=file, number=10, done_on=D(2023, 4, 10), basis=" "
    )
    assert "政审结论" in text(errors, "basis") and "B-7" in text(errors, "basis")


# --- ⑪ concentrated training (B-7) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "hours", "ok"),
    [("2.5", "23.5", False), ("2.5", "24", True), ("3", "23.5", True)],
)
def test_b7_concentrated_training_three_days_or_24_hours(world: Any, days: str, hours: str, ok: bool) -> None:
    file = make_file(person(world), through=10)
    member = file.member
    make_training(member, D(2023, 4, 11), D(2023, 4, 13), days=days, hours=hours)
    if ok:
        assert services.step_record(actor=None, file=file, number=11, done_on=D(2023, 4, 17), basis="结业").pk
    else:
        errors = refused(
            services.step_record, actor=None, file=file, number=11, done_on=D(2023, 4, 17), basis="结业"
        )
        assert "B-7" in text(errors, "done_on") and "共2.5天、23.5学时" in text(errors, "done_on")


def test_b7_only_activist_trainings_since_the_application_finished_by_the_step_count(world: Any) -> None:
    file = make_file(person(world), through=10)
    member = file.member
    make_training(member, D(2022, 2, 1), D(2022, 2, 3))  # before the application
    make_training(member, D(2023, 4, 11), D(2023, 4, 13), kind="annual")  # not 入党积极分子集中培训
    make_training(member, D(2023, 4, 16), D(2023, 4, 18))  # ends after the step
    make_training(member, D(2023, 4, 11), D(2023, 4, 11), days="1", hours="8")
    errors = refused(
        services.step_record, actor=None, file=file, number=11, done_on=D(2023, 4, 17), basis="结业"
    )
    assert "共1天、8学时" in text(errors, "done_on")
    assert services.step_record(actor=None, file=file, number=11, done_on=D(2023, 4, 18), basis="结业").pk


# --- ⑰ approval (B-8) ---------------------------------------------------------------------------------------


def test_b8_approval_on_the_last_day_of_three_months_needs_no_reason(world: Any) -> None:
    file = make_file(person(world), through=16)  # ⑮ 2023-05-12
    assert services.step_record(actor=None, file=file, number=17, done_on=D(2023, 8, 12), basis="批复").pk


def test_b8_approval_after_three_months_only_in_a_special_case_never_after_six(world: Any) -> None:
    file = make_file(person(world), through=16)
    errors = refused(
        services.step_record, actor=None, file=file, number=17, done_on=D(2023, 8, 13), basis="批复"
    )
    assert "B-8" in text(errors, "late_reason") and "2023-08-12" in text(errors, "late_reason")
    errors = refused(
        services.step_record,
        actor=None,
        file=file,
        number=17,
        done_on=D(2023, 11, 13),
        basis="批复",
        late_reason="特殊情况",
    )
    assert "B-8" in text(errors, "done_on") and "2023-11-12" in text(errors, "done_on")
    step = services.step_record(
        actor=None,
        file=file,
        number=17,
        done_on=D(2023, 11, 12),
        basis="批复",
        late_reason="特殊情况：党委换届",
    )
    assert step.late_reason == "特殊情况：党委换届"


# --- ㉑ ㉓ probation and conversion (B-9) ------------------------------------------------------------


def test_dev4_continued_review_needs_a_probationary_review(world: Any) -> None:
    file = make_file(person(world), through=20)
    errors = refused(
        services.step_record, actor=None, file=file, number=21, done_on=D(2023, 11, 12), basis="x"
    )
    assert "预备党员考察记录" in text(errors, "done_on")
    make_review(file, Review.Kind.PROBATIONARY, D(2023, 11, 1))
    assert services.step_record(actor=None, file=file, number=21, done_on=D(2023, 11, 12), basis="x").pk


def test_b9_conversion_discussed_the_day_before_the_end_of_probation_refused_on_the_day_accepted(
    world: Any,
) -> None:
    file = make_file(person(world), through=22)
    assert probation_end(file) == D(2024, 5, 12)
    errors = refused_step(file, 23, D(2024, 5, 11))
    assert "B-9" in text(errors, "done_on") and "最早2024-05-12" in text(errors, "done_on")
    assert record_step(file, 23, on=D(2024, 5, 12)).done_on == D(2024, 5, 12)


def test_b9_conversion_needs_the_general_meeting_and_the_notice(world: Any) -> None:
    file = make_file(person(world), through=22)
    on = D(2024, 5, 13)
    errors = refused_step(
        file, 23, on, notice=None, meeting=make_meeting(world.branch_a, "committee_meeting", on)
    )
    assert "应由党员大会决定" in text(errors, "meeting") and "预备党员转正" in text(errors, "notice")


def test_dev1_category_history_after_steps_3_7_17_and_24(world: Any) -> None:
    """③ 入党积极分子 from ③; ⑦ 发展对象 from ⑦; ⑰ 预备党员 from the ⑮ vote (joined_on); ㉔ 正式党员
    from the end of probation (converted_on), B-9."""
    file = make_file(person(world), through=25)
    member = Member.objects.get(pk=file.member_id)
    assert (member.category, member.joined_on, member.converted_on) == (
        "full",
        D(2023, 5, 12),
        D(2024, 5, 12),
    )
    history = list(
        StatusChange.objects.filter(member=member, field="category")
        .order_by("effective_on", "id")
        .values_list("old_value", "new_value", "effective_on", "reason")
    )
    assert history == [
        ("", "applicant", D(2020, 1, 1), "登记"),
        ("applicant", "activist", D(2022, 3, 29), "发展党员：③确定入党积极分子"),
        ("activist", "candidate", D(2023, 3, 29), "发展党员：⑦确定发展对象"),
        ("candidate", "probationary", D(2023, 5, 12), "发展党员：⑰上级党委审批"),
        ("probationary", "full", D(2024, 5, 12), "发展党员：㉔上级党委审批转正"),
    ]
    assert file.steps.get(number=17).done_on == D(2023, 6, 2)  # approved after the vote, effective from it
    assert member.party_standing(D(2025, 5, 12)) == 1


def test_backfilling_an_imported_candidate_never_moves_the_category_back(world: Any) -> None:
    imported = person(world, "辛发展对象", category="candidate")
    file = make_file(imported, through=7)
    imported.refresh_from_db()
    assert imported.category == "candidate" and file.stage == Stage.CANDIDATE
    assert StatusChange.objects.filter(member=imported, field="category").count() == 1
    record_step(file, 8)
    file = make_file(person(world, "壬积极分子", category="activist"), through=7)
    assert list(
        StatusChange.objects.filter(member=file.member, field="category").values_list("new_value", flat=True)
    ) == ["activist", "candidate"]


# --- 考察 (DEV-3, DEV-4) -------------------------------------------------------------------------------


def _review(file: DevelopmentFile, kind: str, on: dt.date, **extra: Any) -> dict[str, list[str]]:
    kwargs: dict[str, Any] = {
        "actor": None,
        "file": file,
        "kind": kind,
        "reviewed_on": on,
        "period_start": on - dt.timedelta(days=30),
        "period_end": on,
        "performance": "表现良好",
    }
    return refused(services.review_record, **(kwargs | extra))


def test_dev3_activist_reviews_from_becoming_an_activist_until_approval(world: Any) -> None:
    file = make_file(person(world), through=2)
    assert "尚未确定为入党积极分子" in text(_review(file, "activist", D(2022, 3, 20)), "kind")
    record_step(file, 3)
    assert "2022-03-29" in text(_review(file, "activist", D(2022, 3, 28)), "reviewed_on")
    review = make_review(file, "activist", D(2022, 3, 29))
    assert (review.kind, review.reviewed_on, review.period_end) == (
        "activist",
        D(2022, 3, 29),
        D(2022, 3, 29),
    )
    assert AuditEvent.objects.filter(object_type="development.review", object_id=str(review.pk)).exists()


def test_dev3_review_fields_checked(world: Any) -> None:
    file = make_file(person(world), through=3)
    on = D(2022, 9, 1)
    assert "考察期止不能早于" in text(
        _review(file, "activist", on, period_start=D(2022, 8, 1), period_end=D(2022, 7, 1)), "period_end"
    )
    assert "不能晚于考察日期" in text(_review(file, "activist", on, period_end=on + ONE), "period_end")
    assert "现实表现" in text(_review(file, "activist", on, performance=" "), "performance")
    assert "晚于今天" in text(_review(file, "activist", FAR, period_end=FAR), "reviewed_on")
    assert "考察类别" in text(_review(file, "other", on), "kind")
    assert "只有预备党员" in text(_review(file, "probationary", on), "kind")
    assert not Review.objects.exists()


def test_dev4_probationary_reviews_only_while_probationary_activist_reviews_end_with_approval(
    world: Any,
) -> None:
    file = make_file(person(world), through=17)
    assert "预备党员考察" in text(_review(file, "activist", D(2023, 7, 1)), "kind")
    assert "2023-05-12" in text(_review(file, "probationary", D(2023, 5, 11)), "reviewed_on")
    assert make_review(file, "probationary", D(2023, 7, 1)).kind == "probationary"


# --- 延长预备期, 取消预备党员资格, 终止培养 (B-9) ------------------------------------------------


def _extend(file: DevelopmentFile, months: int, on: dt.date, **extra: Any) -> Any:
    kwargs: dict[str, Any] = {"actor": None, "file": file, "months": months, "decided_on": on}
    kwargs |= {"meeting": None, "basis": "支部大会决议"} | extra
    return services.probation_extend(**kwargs)


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_b9_extension_of_six_to_twelve_months(world: Any, months: int, ok: bool) -> None:
    file = make_file(person(world), through=22)
    if ok:
        extended = _extend(file, months, D(2024, 5, 12))
        assert extended.extension_months == months
        assert probation_end(extended) == add_months(D(2024, 5, 12), months)
    else:
        errors = refused(_extend, file=file, months=months, on=D(2024, 5, 12))
        assert "B-9" in text(errors, "months") and "6至12个月" in text(errors, "months")


def test_b9_extension_once_by_the_general_meeting_at_the_end_of_probation(world: Any) -> None:
    file = make_file(person(world), through=22)
    errors = refused(_extend, file=file, months=6, on=D(2024, 5, 11))
    assert "最早2024-05-12" in text(errors, "decided_on") and "B-9" in text(errors, "decided_on")
    committee = make_meeting(world.branch_a, "committee_meeting", D(2024, 5, 12))
    assert "应由党员大会决定" in text(
        refused(_extend, file=file, months=6, on=D(2024, 5, 12), meeting=committee), "meeting"
    )
    assert "请选择会议" in text(refused(_extend, file=file, months=6, on=D(2024, 5, 12), basis=""), "meeting")
    general = make_meeting(world.branch_a, "general_meeting", D(2024, 5, 12))
    extended = _extend(file, 6, D(2024, 5, 12), meeting=general, basis="")
    assert (extended.extension_months, extended.extension_decided_on, extended.extension_meeting) == (
        6,
        D(2024, 5, 12),
        general,
    )
    assert "只能延长一次" in text(refused(_extend, file=file, months=6, on=D(2024, 5, 13)), "months")
    # The conversion now waits for the extended end (B-9).
    assert "最早2024-11-12" in text(refused_step(file, 23, D(2024, 11, 11)), "done_on")
    record_step(file, 23, on=D(2024, 11, 12))
    record_step(file, 24)
    file.member.refresh_from_db()
    assert file.member.converted_on == D(2024, 11, 12)


def test_b9_no_extension_before_probation_or_after_the_conversion_discussion(world: Any) -> None:
    file = make_file(person(world), through=16)
    assert "只有预备党员" in text(refused(_extend, file=file, months=6, on=D(2023, 6, 1)), "file")
    file = make_file(person(world, "癸"), through=23)
    assert "已讨论转正" in text(refused(_extend, file=file, months=6, on=D(2024, 5, 20)), "file")


def test_b9_cancellation_takes_the_person_out_of_the_registry_with_history(world: Any) -> None:
    file = make_file(person(world), through=20)
    kwargs: dict[str, Any] = {"actor": world.secretary_a, "file": file, "decided_on": D(2023, 9, 1)}
    assert "原因" in text(
        refused(services.probation_cancel, meeting=None, basis="决议", reason=" ", **kwargs), "reason"
    )
    assert "请选择会议" in text(
        refused(services.probation_cancel, meeting=None, basis="", reason="x", **kwargs), "meeting"
    )
    cancelled = services.probation_cancel(
        meeting=None, basis="支部大会决议", reason="不履行党员义务", **kwargs
    )
    assert (cancelled.stage, cancelled.closed_on, cancelled.closed_reason) == (
        Stage.CANCELLED,
        D(2023, 9, 1),
        "不履行党员义务",
    )
    member = Member.objects.get(pk=file.member_id)
    assert member.standing == "left" and not member.is_active
    change = StatusChange.objects.get(member=member, field="standing")
    assert (change.new_value, change.effective_on, change.reason) == (
        "left",
        D(2023, 9, 1),
        "取消预备党员资格",
    )
    errors = refused(
        services.step_record, actor=None, file=cancelled, number=21, done_on=D(2023, 9, 2), basis="x"
    )
    assert "已取消预备党员资格" in text(errors, "number")


def test_b9_only_a_probationary_member_s_qualification_can_be_cancelled(world: Any) -> None:
    file = make_file(person(world), through=3)
    errors = refused(
        services.probation_cancel,
        actor=None,
        file=file,
        decided_on=D(2022, 5, 1),
        meeting=None,
        basis="x",
        reason="x",
    )
    assert "只有预备党员" in text(errors, "file")


def test_file_close_ends_cultivation_keeps_the_category_and_ends_the_sponsors(world: Any) -> None:
    file = make_file(person(world), through=5)
    assert "原因" in text(
        refused(services.file_close, actor=None, file=file, closed_on=D(2022, 6, 1), reason=""), "reason"
    )
    assert "2022-04-09" in text(
        refused(services.file_close, actor=None, file=file, closed_on=D(2022, 4, 8), reason="调离"),
        "closed_on",
    )
    closed = services.file_close(
        actor=world.secretary_a, file=file, closed_on=D(2022, 6, 1), reason="本人撤回申请"
    )
    assert (closed.stage, closed.closed_on, closed.closed_reason) == (
        Stage.CLOSED,
        D(2022, 6, 1),
        "本人撤回申请",
    )
    assert Member.objects.get(pk=file.member_id).category == "activist"
    assert list(file.sponsors.values_list("end_on", "end_reason")) == [(D(2022, 6, 1), "终止培养")]
    errors = refused(
        services.step_record, actor=None, file=closed, number=6, done_on=D(2022, 6, 2), basis="x"
    )
    assert "已终止培养" in text(errors, "number")
    assert "不能终止培养" in text(
        refused(services.file_close, actor=None, file=closed, closed_on=D(2022, 6, 2), reason="x"), "file"
    )
    event = AuditEvent.objects.filter(object_type="development.developmentfile", note="终止培养").get()
    assert event.after is not None and event.after["stage"] == "closed"


def test_file_close_refuses_a_probationary_member(world: Any) -> None:
    file = make_file(person(world), through=17)
    errors = refused(services.file_close, actor=None, file=file, closed_on=D(2023, 7, 1), reason="x")
    assert "预备党员" in text(errors, "file")


# --- Replacing a sponsor ----------------------------------------------------------------------------------


def test_sponsor_replace_ends_the_old_and_starts_the_new_checked_on_the_day(world: Any) -> None:
    file = make_file(person(world), through=5)
    old = file.sponsors.get()
    newcomer = make_sponsor(world.branch_a, "新联系人")
    kwargs: dict[str, Any] = {"actor": world.secretary_a, "sponsor": old, "reason": "工作调动"}
    assert "早于原培养联系人" in text(
        refused(services.sponsor_replace, member=newcomer, on=D(2022, 4, 8), **kwargs), "on"
    )
    assert "同一人" in text(
        refused(services.sponsor_replace, member=old.member, on=D(2022, 6, 1), **kwargs), "member"
    )
    _party_probation(newcomer, D(2022, 1, 1), None)
    assert "留党察看" in text(
        refused(services.sponsor_replace, member=newcomer, on=D(2022, 6, 1), **kwargs), "member"
    )
    other = make_sponsor(world.branch_b, "他支部党员")
    assert "更换原因" in text(
        refused(services.sponsor_replace, actor=None, sponsor=old, member=other, on=D(2022, 6, 1), reason=""),
        "reason",
    )
    new = services.sponsor_replace(member=other, on=D(2022, 6, 1), **kwargs)
    old.refresh_from_db()
    assert (old.end_on, old.end_reason) == (D(2022, 6, 1), "工作调动")
    assert (new.role, new.member, new.start_on, new.end_on) == ("cultivator", other, D(2022, 6, 1), None)
    assert "已于2022-06-01不再担任" in text(
        refused(services.sponsor_replace, member=newcomer, on=D(2022, 7, 1), **kwargs), "sponsor"
    )
    assert AuditEvent.objects.filter(object_type="development.sponsor", object_id=str(new.pk)).exists()


def test_steps_refuse_a_person_out_of_the_registry(world: Any) -> None:
    file = make_file(person(world), through=2)
    Member.objects.filter(pk=file.member_id).update(is_active=False)
    errors = refused(services.step_record, actor=None, file=file, number=3, done_on=D(2022, 3, 29), basis="x")
    assert "不在册" in text(errors, "number")
    assert DevelopmentStep.objects.filter(file=file).count() == 2


def test_a_probationary_member_s_file_is_back_filled_and_the_vote_must_be_the_registry_s_joining_day(
    world: Any,
) -> None:
    """An imported 预备党员 gets a file (DEV-1): earlier steps never move the category back, and the
    支部大会 of ⑮ must be the 入党日期 of the registry (B-9)."""
    probationary = make_member(
        world.branch_a, "预备甲", category="probationary", joined_on=D(2025, 1, 1), birth=D(1995, 3, 1)
    )
    file = make_file(probationary, through=14, start=D(2022, 3, 1))
    probationary.refresh_from_db()
    assert probationary.category == "probationary" and file.stage == Stage.CANDIDATE
    joined = probationary.joined_on
    assert joined is not None
    wrong_day = joined - dt.timedelta(days=1)
    errors = refused_step(file, 15, wrong_day)
    assert "入党日期为2025-01-01" in text(errors, "done_on")
    record_step(file, 15, on=joined)
    record_step(file, 16)
    record_step(file, 17)
    file.refresh_from_db()
    probationary.refresh_from_db()
    assert file.stage == Stage.PROBATIONARY and file.admitted_on == joined
    assert probationary.joined_on == joined and probationary.category == "probationary"
