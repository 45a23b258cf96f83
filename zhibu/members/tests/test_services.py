"""Writes to the member registry (MEM-1, MEM-4) and the one validator of a record, `member_problems`.

A person is never deleted: moves, status changes, transfers and deaths leave history rows."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.lib import idnumber
from zhibu.lib.dates import today
from zhibu.members import services
from zhibu.members.models import Member, Placement, Transfer
from zhibu.members.services import member_problems
from zhibu.members.tests.factories import make_id_number, make_member
from zhibu.orgs.models import Organisation
from zhibu.orgs.tests.factories import make_org

D = dt.date
ON = D(2026, 6, 1)
BIRTH = D(1985, 6, 15)
MALE_ID = idnumber.make("110101", BIRTH, 1, gender=idnumber.MALE)
FEMALE_ID = idnumber.make("110101", BIRTH, 2, gender=idnumber.FEMALE)
BRANCH = Organisation(pk=1, kind="branch", name="第一党支部")
OTHER_BRANCH = Organisation(pk=2, kind="branch", name="第二党支部")
GROUP = Organisation(pk=3, kind="group", name="第一党小组", parent_id=1)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "id_number": MALE_ID,
        "birth_date": BIRTH,
        "gender": "male",
        "category": "full",
        "joined_on": D(2010, 7, 1),
        "converted_on": D(2011, 7, 1),
        "branch": BRANCH,
        "group": None,
    }
    return base | changes


def create(world: Any, **data: Any) -> Member:
    base = {
        "name": "新党员",
        "id_number": make_id_number(),
        "category": "full",
        "branch": world.branch_a,
        "joined_on": D(2010, 7, 1),
        "converted_on": D(2011, 7, 1),
    }
    return services.member_create(actor=world.secretary_a, **(base | data))


# ---------------------------------------------------------------- member_problems: every rule


def test_a_good_record_has_no_problem() -> None:
    assert member_problems(record(), on=ON) == {}
    assert member_problems(record(group=GROUP), on=ON) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "11010519491231002"}, "id_number", "公民身份号码应为18位，实为17位"),
        ({"id_number": MALE_ID[:17] + ("0" if MALE_ID[17] != "0" else "1")}, "id_number", "校验码错误"),
        ({"birth_date": D(1985, 6, 16)}, "birth_date", "出生日期与公民身份号码不一致（号码中为1985-06-15）"),
        ({"gender": "female"}, "gender", "性别与公民身份号码不一致（号码第17位表示男）"),
        (
            {"id_number": FEMALE_ID, "gender": "male"},
            "gender",
            "性别与公民身份号码不一致（号码第17位表示女）",
        ),
        (
            {"joined_on": D(2026, 6, 2), "converted_on": None, "category": "probationary"},
            "joined_on",
            "入党日期不能晚于今天",
        ),
        ({"converted_on": D(2026, 6, 2)}, "converted_on", "转正日期不能晚于今天"),
        (
            {"is_lost_contact": True, "lost_contact_on": D(2026, 6, 2)},
            "lost_contact_on",
            "失联日期不能晚于今天",
        ),
        ({"joined_on": None, "converted_on": None}, "joined_on", "正式党员和预备党员必须填写入党日期"),
        (
            {"category": "probationary", "joined_on": None, "converted_on": None},
            "joined_on",
            "正式党员和预备党员必须填写入党日期",
        ),
        ({"converted_on": None}, "converted_on", "正式党员必须填写转正日期"),
        ({"category": "probationary"}, "converted_on", "只有正式党员才有转正日期"),
        ({"category": "activist", "converted_on": None}, "joined_on", "尚未入党的人员不应填写入党日期"),
        ({"converted_on": D(2010, 6, 30)}, "converted_on", "转正日期不能早于入党日期"),
        (
            {"joined_on": D(2003, 6, 14), "converted_on": D(2004, 6, 14)},
            "joined_on",
            "入党时未满18周岁（发展党员工作细则 B-1）",
        ),
        ({"is_lost_contact": True}, "lost_contact_on", "失联党员必须填写失联日期"),
        ({"lost_contact_on": D(2025, 1, 1)}, "is_lost_contact", "填写了失联日期，但未标记为失联党员"),
        ({"is_mobile": True, "mobile_destination": ""}, "mobile_destination", "流动党员必须填写外出流向"),
        ({"branch": GROUP, "group": None}, "branch", "第一党小组不是党支部"),
        ({"group": BRANCH}, "group", "第一党支部不是党小组"),
        ({"branch": OTHER_BRANCH, "group": GROUP}, "group", "党小组第一党小组不属于第二党支部"),
        ({"dues_base": Decimal("-1")}, "dues_base", "党费基数应为非负数，最多两位小数"),
        ({"dues_base": Decimal("3000.005")}, "dues_base", "党费基数应为非负数，最多两位小数"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, Any], field: str, message: str) -> None:
    problems = member_problems(record(**changes), on=ON)
    assert field in problems, problems
    assert message in problems[field]


def test_eighteen_on_the_joined_date_is_old_enough() -> None:
    assert member_problems(record(joined_on=D(2003, 6, 15), converted_on=D(2004, 6, 15)), on=ON) == {}


def test_an_applicant_needs_no_dates_and_a_base_with_two_decimals_is_fine() -> None:
    data = record(category="applicant", joined_on=None, converted_on=None, dues_base=Decimal("3000.50"))
    assert member_problems(data, on=ON) == {}


def test_an_invalid_number_is_reported_once_and_not_compared() -> None:
    problems = member_problems(record(id_number="123", birth_date=D(1980, 1, 1)), on=ON)
    assert problems == {"id_number": "公民身份号码应为18位，实为3位"}


# ---------------------------------------------------------------- member_create


@pytest.mark.django_db
def test_create_fills_birth_date_and_gender_from_the_id_number(world: Any) -> None:
    number = idnumber.make("320102", D(1990, 2, 28), 7, gender=idnumber.FEMALE)
    member = create(
        world,
        id_number=number.lower(),
        gender="",
        birth_date=None,
        joined_on=D(2012, 7, 1),
        converted_on=D(2013, 7, 1),
        group=world.group_a1,
    )
    member.refresh_from_db()
    assert (member.id_number, member.birth_date, member.gender) == (number, D(1990, 2, 28), "female")
    [placement] = member.placements.all()
    assert (placement.branch, placement.group, placement.start_on, placement.end_on) == (
        world.branch_a,
        world.group_a1,
        D(2012, 7, 1),
        None,
    )
    [event] = AuditEvent.objects.filter(object_type="members.member", object_id=str(member.pk))
    assert (event.action, event.actor, event.organisation) == ("create", world.secretary_a, world.branch_a)
    assert event.after["id_number"] == idnumber.mask(number)  # the auditor reads the log: masked (MEM-6)
    assert number not in str(event.after)


@pytest.mark.django_db
def test_create_refuses_a_birth_date_that_disagrees(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        create(
            world,
            id_number=idnumber.make("110101", D(1980, 1, 1), 3, gender=idnumber.MALE),
            birth_date=D(1980, 1, 2),
        )
    assert messages_of(caught.value) == {"birth_date": ["出生日期与公民身份号码不一致（号码中为1980-01-01）"]}
    assert not Member.objects.filter(name="新党员").exists()


@pytest.mark.django_db
def test_create_refuses_a_gender_that_disagrees(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        create(
            world, id_number=idnumber.make("110101", D(1980, 1, 1), 3, gender=idnumber.MALE), gender="female"
        )
    assert messages_of(caught.value) == {"gender": ["性别与公民身份号码不一致（号码第17位表示男）"]}


@pytest.mark.django_db
def test_create_refuses_a_bad_id_number_and_a_duplicate(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        create(world, id_number="11010519491231002")
    assert messages_of(caught.value) == {"id_number": ["公民身份号码应为18位，实为17位"]}
    with pytest.raises(ValidationError) as caught:
        create(world, id_number=world.member_in_b.id_number)
    assert "公民身份号码" in messages_of(caught.value)["id_number"][0]
    assert Member.objects.count() == 2
    assert not Placement.objects.filter(member__name="新党员").exists()


@pytest.mark.django_db
def test_create_refuses_a_dissolved_branch(world: Any) -> None:
    from zhibu.orgs.services import organisation_dissolve

    empty = make_org("E", "branch", world.committee)
    organisation_dissolve(actor=None, organisation=empty, dissolved_on=D(2026, 1, 1), reason="撤并")
    with pytest.raises(ValidationError) as caught:
        create(world, branch=empty)
    assert "已撤销" in messages_of(caught.value)["branch"][0]


@pytest.mark.django_db
def test_create_records_the_category_history_of_a_full_member(world: Any) -> None:
    member = create(world)
    history = [(c.new_value, c.effective_on) for c in member.status_changes.filter(field="category")]
    assert history == [("probationary", D(2010, 7, 1)), ("full", D(2011, 7, 1))]


@pytest.mark.django_db
def test_create_of_an_activist_starts_today_unless_told(world: Any) -> None:
    activist = create(world, category="activist", joined_on=None, converted_on=None)
    [placement] = activist.placements.all()
    assert placement.start_on == today()
    [change] = activist.status_changes.all()
    assert (change.new_value, change.effective_on) == ("activist", today())
    dated = create(
        world, name="另一人", category="activist", joined_on=None, converted_on=None, start_on=D(2024, 3, 1)
    )
    assert dated.placements.get().start_on == D(2024, 3, 1)


# ---------------------------------------------------------------- member_update


@pytest.mark.django_db
def test_update_audits_only_what_changed(world: Any) -> None:
    member = world.member_in_a
    services.member_update(actor=world.secretary_a, member=member, phone="13800000000", reason="信息维护")
    [event] = AuditEvent.objects.filter(
        object_id=str(member.pk), object_type="members.member", action="update"
    )
    assert (event.before, event.after) == ({"phone": ""}, {"phone": "13800000000"})


@pytest.mark.django_db
def test_a_corrected_id_number_is_audited_masked(world: Any) -> None:
    member = world.member_in_a
    old = member.id_number
    # Only the region code differs: the masked forms could look alike, the change is still logged.
    corrected = idnumber.make("110102", BIRTH, int(old[14:16]), gender=idnumber.MALE)
    services.member_update(actor=world.secretary_a, member=member, id_number=corrected, reason="更正")
    event = AuditEvent.objects.get(object_id=str(member.pk), object_type="members.member", action="update")
    assert event.before == {"id_number": idnumber.mask(old)}
    assert event.after == {"id_number": idnumber.mask(corrected)}
    assert old not in str(event.before) and corrected not in str(event.after)


@pytest.mark.django_db
def test_update_without_a_change_writes_no_event(world: Any) -> None:
    member = world.member_in_a
    services.member_update(actor=world.secretary_a, member=member, phone="")
    assert not AuditEvent.objects.filter(
        object_id=str(member.pk), object_type="members.member", action="update"
    ).exists()


@pytest.mark.django_db
def test_update_refuses_what_member_problems_refuses(world: Any) -> None:
    member = world.member_in_a
    with pytest.raises(ValidationError) as caught:
        services.member_update(actor=world.secretary_a, member=member, converted_on=D(2009, 1, 1))
    assert messages_of(caught.value) == {"converted_on": ["转正日期不能早于入党日期"]}
    member.refresh_from_db()
    assert member.converted_on == D(2011, 7, 1)


@pytest.mark.django_db
def test_a_branch_change_closes_the_placement_and_opens_a_new_one(world: Any) -> None:
    member = world.member_in_a
    services.member_update(
        actor=world.officer,
        member=member,
        branch=world.branch_b,
        group=None,
        effective_on=D(2026, 3, 1),
        reason="工作调动",
    )
    old, new = member.placements.order_by("start_on")
    assert (old.branch, old.group, old.start_on, old.end_on) == (
        world.branch_a,
        world.group_a1,
        D(2010, 7, 1),
        D(2026, 3, 1),
    )
    assert (new.branch, new.group, new.start_on, new.end_on, new.reason) == (
        world.branch_b,
        None,
        D(2026, 3, 1),
        None,
        "工作调动",
    )


@pytest.mark.django_db
def test_a_group_change_is_a_move_too(world: Any) -> None:
    member = world.member_in_a
    services.member_update(actor=world.officer, member=member, group=None, effective_on=D(2026, 3, 1))
    assert [(p.group, p.end_on) for p in member.placements.order_by("start_on")] == [
        (world.group_a1, D(2026, 3, 1)),
        (None, None),
    ]


@pytest.mark.django_db
def test_a_move_dated_before_the_current_placement_is_refused(world: Any) -> None:
    member = world.member_in_a
    with pytest.raises(ValidationError) as caught:
        services.member_update(
            actor=world.officer, member=member, branch=world.branch_b, group=None, effective_on=D(2010, 6, 30)
        )
    assert "effective_on" in messages_of(caught.value)
    member.refresh_from_db()
    assert member.branch == world.branch_a
    assert member.placements.count() == 1


# ---------------------------------------------------------------- status changes


@pytest.mark.django_db
def test_conversion_writes_a_dated_status_change(world: Any) -> None:
    member = create(world, category="probationary", joined_on=D(2025, 5, 1), converted_on=None)
    services.member_change_status(
        actor=world.secretary_a,
        member=member,
        field="category",
        new_value="full",
        effective_on=D(2026, 5, 1),
        reason="支部大会决议",
    )
    member.refresh_from_db()
    assert (member.category, member.converted_on) == ("full", D(2026, 5, 1))
    change = member.status_changes.filter(field="category").order_by("-id").first()
    assert (change.old_value, change.new_value, change.effective_on, change.reason, change.actor) == (
        "probationary",
        "full",
        D(2026, 5, 1),
        "支部大会决议",
        world.secretary_a,
    )
    event = AuditEvent.objects.filter(
        object_type="members.member", object_id=str(member.pk), action="update"
    ).get()
    assert event.before == {"category": "probationary", "converted_on": None}
    assert event.after == {"category": "full", "converted_on": "2026-05-01"}


@pytest.mark.django_db
def test_admission_of_an_activist_dates_the_joined_date(world: Any) -> None:
    member = create(world, category="activist", joined_on=None, converted_on=None, start_on=D(2024, 1, 1))
    services.member_change_status(
        actor=world.secretary_a,
        member=member,
        field="category",
        new_value="probationary",
        effective_on=D(2025, 7, 1),
        reason="支部大会决议",
    )
    member.refresh_from_db()
    assert (member.category, member.joined_on) == ("probationary", D(2025, 7, 1))
    assert member.status_changes.order_by("-id").first().effective_on == D(2025, 7, 1)


@pytest.mark.django_db
def test_a_status_change_needs_a_reason_a_past_date_and_a_real_change(world: Any) -> None:
    member = world.member_in_a
    with pytest.raises(ValidationError) as caught:
        services.member_change_status(
            actor=None,
            member=member,
            field="standing",
            new_value="suspended",
            effective_on=D(2026, 1, 1),
            reason=" ",
        )
    assert messages_of(caught.value) == {"reason": ["请填写变更原因或依据"]}
    with pytest.raises(ValidationError) as caught:
        services.member_change_status(
            actor=None,
            member=member,
            field="standing",
            new_value="suspended",
            effective_on=today() + dt.timedelta(days=1),
            reason="决定",
        )
    assert messages_of(caught.value) == {"effective_on": ["生效日期不能晚于今天"]}
    with pytest.raises(ValidationError) as caught:
        services.member_change_status(
            actor=None,
            member=member,
            field="category",
            new_value="full",
            effective_on=D(2026, 1, 1),
            reason="决定",
        )
    assert "new_value" in messages_of(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.member_change_status(
            actor=None, member=member, field="name", new_value="x", effective_on=D(2026, 1, 1), reason="决定"
        )
    assert messages_of(caught.value) == {"field": ["未知的变更项目"]}
    assert member.status_changes.count() == 2  # the two rows of registration


@pytest.mark.django_db
def test_an_unknown_standing_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.member_change_status(
            actor=None,
            member=world.member_in_a,
            field="standing",
            new_value="gone",
            effective_on=D(2026, 1, 1),
            reason="决定",
        )
    assert "standing" in messages_of(caught.value)


@pytest.mark.parametrize("standing", ["deceased", "left"])
@pytest.mark.django_db
def test_death_or_leaving_takes_the_member_out_of_the_registry_but_keeps_the_row(
    world: Any, standing: str
) -> None:
    member = world.member_in_a
    services.member_change_status(
        actor=world.secretary_a,
        member=member,
        field="standing",
        new_value=standing,
        effective_on=D(2026, 2, 3),
        reason="登记",
    )
    member.refresh_from_db()
    assert (member.standing, member.is_active) == (standing, False)
    [placement] = member.placements.all()
    assert placement.end_on == D(2026, 2, 3)
    change = member.status_changes.get(field="standing")
    assert (change.old_value, change.new_value, change.effective_on) == ("normal", standing, D(2026, 2, 3))
    assert Member.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(object_type="members.member", object_id=str(member.pk), action="update")
    assert event.after == {"standing": standing, "is_active": False}


@pytest.mark.django_db
def test_suspension_keeps_the_member_in_the_registry(world: Any) -> None:
    member = world.member_in_a
    services.member_change_status(
        actor=None,
        member=member,
        field="standing",
        new_value="suspended",
        effective_on=D(2026, 2, 3),
        reason="失联满6个月",
    )
    member.refresh_from_db()
    assert (member.standing, member.is_active) == ("suspended", True)
    assert member.placements.get().end_on is None


# ---------------------------------------------------------------- transfers


@pytest.mark.django_db
def test_an_internal_transfer_moves_the_member_with_history(world: Any) -> None:
    member = world.member_in_a
    transfer = services.member_transfer(
        actor=world.secretary_a,
        member=member,
        kind="internal",
        transferred_on=D(2026, 4, 1),
        to_branch=world.branch_b,
        letter_number="转字001",
        reason="工作调动",
    )
    member.refresh_from_db()
    assert (member.branch, member.group, member.is_active) == (world.branch_b, None, True)
    assert (transfer.from_branch, transfer.to_branch, transfer.kind, transfer.actor) == (
        world.branch_a,
        world.branch_b,
        "internal",
        world.secretary_a,
    )
    assert [(p.branch, p.end_on) for p in member.placements.order_by("start_on")] == [
        (world.branch_a, D(2026, 4, 1)),
        (world.branch_b, None),
    ]
    event = AuditEvent.objects.get(object_type="members.member", object_id=str(member.pk), action="transfer")
    assert event.before == {"branch": world.branch_a.pk}
    assert event.after["to_branch"] == world.branch_b.pk
    assert event.organisation == world.branch_a


@pytest.mark.django_db
def test_an_internal_transfer_into_a_group(world: Any) -> None:
    group_b1 = make_org("B1", "group", world.branch_b)
    member = make_member(world.branch_a, "戊党员")
    services.member_transfer(
        actor=None,
        member=member,
        kind="internal",
        transferred_on=D(2026, 4, 1),
        to_branch=world.branch_b,
        to_group=group_b1,
    )
    member.refresh_from_db()
    assert (member.branch, member.group) == (world.branch_b, group_b1)


@pytest.mark.django_db
def test_a_transfer_out_leaves_the_registry_and_keeps_history(world: Any) -> None:
    member = world.member_in_a
    transfer = services.member_transfer(
        actor=world.secretary_a,
        member=member,
        kind="out",
        transferred_on=D(2026, 4, 1),
        outside_organisation="某市委组织部",
    )
    member.refresh_from_db()
    assert (member.is_active, member.branch) == (False, world.branch_a)
    assert (transfer.to_branch, transfer.outside_organisation) == (None, "某市委组织部")
    assert member.placements.get().end_on == D(2026, 4, 1)
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "internal", "to_branch": "branch_a"}, "to_branch", "转入党支部与当前党支部相同"),
        ({"kind": "internal", "to_branch": None}, "to_branch", "请选择转入的党支部"),
        ({"kind": "internal", "to_branch": "group_a1"}, "to_branch", "请选择转入的党支部"),
        (
            {"kind": "internal", "to_branch": "branch_b", "to_group": "group_a1"},
            "to_group",
            "党小组第一党小组不属于第二党支部",
        ),
        ({"kind": "out", "outside_organisation": " "}, "outside_organisation", "请填写转往的党组织"),
        ({"kind": "in"}, "kind", "转入请使用“新增党员”登记"),
        (
            {"kind": "internal", "to_branch": "branch_b", "transferred_on": "tomorrow"},
            "transferred_on",
            "转接日期不能晚于今天",
        ),
        (
            {"kind": "internal", "to_branch": "branch_b", "transferred_on": D(2010, 6, 30)},
            "transferred_on",
            "转接日期不能早于",
        ),
        (
            {"kind": "out", "outside_organisation": "外单位", "transferred_on": D(2010, 6, 30)},
            "transferred_on",
            "转接日期不能早于",
        ),
    ],
)
@pytest.mark.django_db
def test_a_bad_transfer_is_refused_and_nothing_changes(
    world: Any, kwargs: dict[str, Any], field: str, message: str
) -> None:
    args = {"transferred_on": D(2026, 4, 1)} | kwargs
    for name in ("to_branch", "to_group"):
        if isinstance(args.get(name), str):
            args[name] = getattr(world, args[name])
    if args["transferred_on"] == "tomorrow":
        args["transferred_on"] = today() + dt.timedelta(days=1)
    member = world.member_in_a
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(actor=None, member=member, **args)
    errors = messages_of(caught.value)
    assert field in errors, errors
    assert message in errors[field][0]
    member.refresh_from_db()
    assert (member.branch, member.is_active) == (world.branch_a, True)
    assert member.placements.get().end_on is None
    assert not Transfer.objects.exists()


@pytest.mark.django_db
def test_a_transfer_of_someone_out_of_the_registry_is_refused(world: Any) -> None:
    member = world.member_in_a
    services.member_transfer(
        actor=None, member=member, kind="out", transferred_on=D(2026, 4, 1), outside_organisation="外单位"
    )
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(
            actor=None, member=member, kind="internal", transferred_on=D(2026, 5, 1), to_branch=world.branch_b
        )
    assert messages_of(caught.value) == {"member": ["甲党员已不在册，不能转接"]}
    assert Transfer.objects.count() == 1


@pytest.mark.django_db
def test_a_transfer_into_a_dissolved_branch_is_refused(world: Any) -> None:
    from zhibu.orgs.services import organisation_dissolve

    empty = make_org("E", "branch", world.committee)
    organisation_dissolve(actor=None, organisation=empty, dissolved_on=D(2026, 1, 1), reason="撤并")
    empty.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.member_transfer(
            actor=None,
            member=world.member_in_a,
            kind="internal",
            transferred_on=D(2026, 4, 1),
            to_branch=empty,
        )
    assert "已撤销" in messages_of(caught.value)["to_branch"][0]


# ---------------------------------------------------------------- MEM-6 reveal


@pytest.mark.django_db
def test_revealing_an_id_number_is_logged(world: Any) -> None:
    value = services.member_reveal_id_number(
        actor=world.secretary_a, member=world.member_in_a, ip_address="10.0.0.8"
    )
    assert value == world.member_in_a.id_number
    event = AuditEvent.objects.get(action="view_sensitive")
    assert (event.actor, event.object_id, event.ip_address, event.organisation) == (
        world.secretary_a,
        str(world.member_in_a.pk),
        "10.0.0.8",
        world.branch_a,
    )
    assert value not in str(event.after) + str(event.note)


def test_a_person_registered_as_deceased_is_kept_but_out_of_the_registry(world: Any) -> None:
    member = make_member(
        world.branch_a,
        "已故党员",
        standing="deceased",
        joined_on=dt.date(1980, 7, 1),
        converted_on=dt.date(1981, 7, 1),
        birth=dt.date(1950, 3, 3),
    )
    member.refresh_from_db()
    assert member.is_active is False
    assert member.placements.get().end_on == member.placements.get().start_on
    change = member.status_changes.get(field="standing")
    assert (change.old_value, change.new_value) == ("normal", "deceased")
