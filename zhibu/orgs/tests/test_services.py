"""Writes to the organisation tree, committees, contact points and 四个同步 (ORG-1…ORG-4).

Every write is checked for the audit event it leaves (before/after), every refusal for the Chinese
message naming the field and for nothing written."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.lib.dates import today
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services
from zhibu.orgs.models import (
    BranchCommittee,
    CommitteeMember,
    ContactPoint,
    ContactVisit,
    FourSyncRecord,
    Organisation,
    OrganisationMove,
)
from zhibu.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db

D = dt.date


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def events_for(obj: Any, action: str | None = None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))


# ---------------------------------------------------------------- ORG-1: create


def test_it_creates_an_organisation_with_path_depth_and_an_audit_event(world: Any) -> None:
    org = services.organisation_create(
        actor=world.admin,
        code="B2",
        name="第三党支部",
        kind="branch",
        parent=world.committee,
        founded_on=D(2020, 3, 1),
    )
    org.refresh_from_db()
    assert org.path == f"{world.committee.path}{org.pk}/"
    assert org.depth == 1
    [event] = events_for(org, AuditEvent.Action.CREATE)
    assert event.actor == world.admin
    assert event.organisation == org
    assert event.before is None
    assert event.after["code"] == "B2"
    assert event.after["founded_on"] == "2020-03-01"
    assert event.after["path"] == org.path


def test_a_group_sits_under_a_branch_and_one_level_deeper(world: Any) -> None:
    group = services.organisation_create(
        actor=world.admin, code="A2", name="第二党小组", kind="group", parent=world.branch_a
    )
    assert group.depth == world.branch_a.depth + 1
    assert group.path.startswith(world.branch_a.path)


@pytest.mark.parametrize(
    ("kind", "parent_name", "message"),
    [
        ("group", "committee", "党小组的上级只能是党支部，不能是党委"),
        ("group", "general_branch", "党小组的上级只能是党支部，不能是党总支"),
        ("group", "group_a1", "党小组的上级只能是党支部，不能是党小组"),
        ("branch", "branch_a", "党支部的上级只能是党委、党总支，不能是党支部"),
        ("branch", "group_a1", "党支部的上级只能是党委、党总支，不能是党小组"),
        ("general_branch", "general_branch", "党总支的上级只能是党委，不能是党总支"),
        ("general_branch", "branch_b", "党总支的上级只能是党委，不能是党支部"),
        ("party_committee", "branch_a", "党委的上级只能是（无上级）、党委，不能是党支部"),
    ],
)
def test_it_refuses_a_parent_of_the_wrong_kind(world: Any, kind: str, parent_name: str, message: str) -> None:
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=world.admin, code="NEW", name="新组织", kind=kind, parent=getattr(world, parent_name)
        )
    assert messages_of(caught.value) == {"parent": [message]}
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.filter(object_repr="新组织").exists()


@pytest.mark.parametrize("kind", ["branch", "general_branch", "group"])
def test_anything_but_a_committee_needs_a_parent(world: Any, kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=world.admin, code="NEW", name="新组织", kind=kind, parent=None)
    assert "必须有上级组织" in messages_of(caught.value)["parent"][0]
    assert not Organisation.objects.filter(code="NEW").exists()


def test_a_second_top_level_organisation_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=world.admin, code="C2", name="另一个党委", kind="party_committee", parent=None
        )
    assert "最高一级党组织" in messages_of(caught.value)["parent"][0]
    assert not Organisation.objects.filter(code="C2").exists()


def test_a_committee_under_the_committee_is_allowed(world: Any) -> None:
    sub = services.organisation_create(
        actor=world.admin, code="C2", name="子公司党委", kind="party_committee", parent=world.committee
    )
    assert sub.depth == 1


def test_the_code_is_unique(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=world.admin, code="A", name="重复代码", kind="branch", parent=world.committee
        )
    assert "组织代码" in messages_of(caught.value)["code"][0]
    assert Organisation.objects.filter(code="A").count() == 1


def test_it_refuses_a_dissolved_parent(world: Any) -> None:
    empty = make_org("E", "branch", world.committee)
    services.organisation_dissolve(
        actor=world.admin, organisation=empty, dissolved_on=D(2025, 1, 1), reason="合并"
    )
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=world.admin, code="E1", name="小组", kind="group", parent=empty)
    assert "已撤销" in messages_of(caught.value)["parent"][0]


# ---------------------------------------------------------------- ORG-1: update


def test_update_audits_only_the_changed_fields(world: Any) -> None:
    services.organisation_update(
        actor=world.admin, organisation=world.branch_b, name="第二党支部（机关）", phone="010-1234"
    )
    world.branch_b.refresh_from_db()
    assert world.branch_b.name == "第二党支部（机关）"
    [event] = events_for(world.branch_b, AuditEvent.Action.UPDATE)
    assert event.before == {"name": "第二党支部", "phone": ""}
    assert event.after["name"] == "第二党支部（机关）"
    assert event.after["phone"] == "010-1234"
    assert "path" not in event.after


def test_update_without_a_change_writes_nothing(world: Any) -> None:
    services.organisation_update(actor=world.admin, organisation=world.branch_b, name="第二党支部")
    assert events_for(world.branch_b, AuditEvent.Action.UPDATE) == []


def test_update_never_moves_the_node(world: Any) -> None:
    services.organisation_update(actor=world.admin, organisation=world.branch_a, parent=world.committee)
    world.branch_a.refresh_from_db()
    assert world.branch_a.parent == world.general_branch


def test_update_refuses_a_duplicate_code(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=world.admin, organisation=world.branch_b, code="A")
    assert "code" in messages_of(caught.value)
    world.branch_b.refresh_from_db()
    assert world.branch_b.code == "B"


def test_update_refuses_a_kind_its_place_does_not_allow(world: Any) -> None:
    # A 党支部 under a 党总支 cannot become a 党总支 (a 党总支 sits only under a 党委).
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=world.admin, organisation=world.branch_a, kind="general_branch")
    assert "党总支的上级只能是党委" in messages_of(caught.value)["kind"][0]
    world.branch_a.refresh_from_db()
    assert world.branch_a.kind == "branch"


def test_update_refuses_a_kind_its_children_do_not_allow(world: Any) -> None:
    empty_branch = make_org("E", "branch", world.committee)
    make_org("E1", "group", empty_branch)
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=world.admin, organisation=empty_branch, kind="general_branch")
    assert "党小组的上级只能是党支部" in messages_of(caught.value)["kind"][0]


def test_a_branch_with_members_cannot_change_kind(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(actor=world.admin, organisation=world.branch_b, kind="general_branch")
    assert "党员" in messages_of(caught.value)["kind"][0]
    world.branch_b.refresh_from_db()
    assert world.branch_b.kind == "branch"


# ---------------------------------------------------------------- ORG-1: move


def test_move_re_roots_the_whole_subtree_and_keeps_history(world: Any) -> None:
    new_general = make_org("G2", "general_branch", world.committee)
    grandchild = make_org("A1X", "group", world.branch_a)  # a second node below A, to check every descendant
    old_path = world.branch_a.path
    services.organisation_move(
        actor=world.officer,
        organisation=world.branch_a,
        new_parent=new_general,
        moved_on=D(2026, 3, 1),
        reason="机构调整",
    )
    branch, group, extra = (
        Organisation.objects.get(pk=o.pk) for o in (world.branch_a, world.group_a1, grandchild)
    )
    assert branch.parent == new_general
    assert branch.path == f"{new_general.path}{branch.pk}/"
    assert branch.depth == 2
    assert group.path == f"{branch.path}{group.pk}/"
    assert group.depth == 3
    assert extra.path == f"{branch.path}{extra.pk}/"
    assert not Organisation.objects.filter(path__startswith=old_path).exists()
    # The subtree query follows the node.
    assert set(Organisation.objects.filter(path__startswith=new_general.path)) == {
        new_general,
        branch,
        group,
        extra,
    }
    [move] = OrganisationMove.objects.filter(organisation=branch)
    assert (move.from_parent, move.to_parent, move.moved_on, move.reason, move.actor) == (
        world.general_branch,
        new_general,
        D(2026, 3, 1),
        "机构调整",
        world.officer,
    )
    [event] = events_for(branch, AuditEvent.Action.MOVE)
    assert event.before == {"parent": world.general_branch.pk, "path": old_path}
    assert event.after == {"parent": new_general.pk, "path": branch.path}
    assert event.note == "机构调整"


def test_a_move_re_roots_the_grandchildren_too(world: Any) -> None:
    sub = make_org("S", "party_committee", world.committee, name="子公司党委")
    services.organisation_move(
        actor=world.officer,
        organisation=world.general_branch,
        new_parent=sub,
        moved_on=D(2026, 3, 1),
        reason="划转",
    )
    general, branch, group = (
        Organisation.objects.get(pk=o.pk) for o in (world.general_branch, world.branch_a, world.group_a1)
    )
    assert (general.path, general.depth) == (f"{sub.path}{general.pk}/", 2)
    assert (branch.path, branch.depth) == (f"{general.path}{branch.pk}/", 3)
    assert (group.path, group.depth) == (f"{branch.path}{group.pk}/", 4)
    assert group.ancestor_ids() == [world.committee.pk, sub.pk, general.pk, branch.pk, group.pk]
    # Scoping follows: the sub-committee's subtree now holds A's member.
    from zhibu.members.models import Member

    assert list(Member.objects.filter(branch__path__startswith=sub.path)) == [world.member_in_a]


def test_two_moves_keep_two_history_rows(world: Any) -> None:
    services.organisation_move(
        actor=world.officer,
        organisation=world.branch_b,
        new_parent=world.general_branch,
        moved_on=D(2025, 1, 1),
        reason="第一次",
    )
    services.organisation_move(
        actor=world.officer,
        organisation=world.branch_b,
        new_parent=world.committee,
        moved_on=D(2026, 1, 1),
        reason="第二次",
    )
    moves = list(OrganisationMove.objects.filter(organisation=world.branch_b).order_by("moved_on"))
    assert [(m.from_parent, m.to_parent) for m in moves] == [
        (world.committee, world.general_branch),
        (world.general_branch, world.committee),
    ]
    world.branch_b.refresh_from_db()
    assert world.branch_b.path == f"{world.committee.path}{world.branch_b.pk}/"


@pytest.mark.parametrize("target", ["general_branch", "branch_a", "group_a1"])
def test_a_move_under_itself_or_a_descendant_is_refused(world: Any, target: str) -> None:
    # G → under G itself, or under A / A1 (its descendants).
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.general_branch,
            new_parent=getattr(world, target),
            moved_on=D(2026, 1, 1),
            reason="错误",
        )
    assert messages_of(caught.value) == {"new_parent": ["不能把组织调整到它自己或它的下级组织之下"]}
    world.general_branch.refresh_from_db()
    assert world.general_branch.parent == world.committee
    assert not OrganisationMove.objects.exists()


def test_a_move_to_a_parent_of_the_wrong_kind_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.group_a1,
            new_parent=world.committee,
            moved_on=D(2026, 1, 1),
            reason="调整",
        )
    assert "党小组的上级只能是党支部" in messages_of(caught.value)["new_parent"][0]
    assert not OrganisationMove.objects.exists()


def test_a_move_needs_a_reason(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.branch_b,
            new_parent=world.general_branch,
            moved_on=D(2026, 1, 1),
            reason="  ",
        )
    assert messages_of(caught.value) == {"reason": ["调整隶属关系必须填写原因"]}


def test_a_move_to_the_same_parent_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.branch_b,
            new_parent=world.committee,
            moved_on=D(2026, 1, 1),
            reason="无变化",
        )
    assert "已是" in messages_of(caught.value)["new_parent"][0]
    assert not OrganisationMove.objects.exists()


def test_a_move_under_a_dissolved_parent_is_refused(world: Any) -> None:
    old = make_org("G2", "general_branch", world.committee)
    services.organisation_dissolve(
        actor=world.admin, organisation=old, dissolved_on=D(2025, 1, 1), reason="撤并"
    )
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.branch_b,
            new_parent=old,
            moved_on=D(2026, 1, 1),
            reason="调整",
        )
    assert "已撤销" in messages_of(caught.value)["new_parent"][0]


def test_a_move_dated_in_the_future_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_move(
            actor=world.officer,
            organisation=world.branch_b,
            new_parent=world.general_branch,
            moved_on=today() + dt.timedelta(days=1),
            reason="提前",
        )
    assert "moved_on" in messages_of(caught.value)


# ---------------------------------------------------------------- ORG-1: dissolve


def test_dissolve_marks_the_node_and_audits_before_and_after(world: Any) -> None:
    empty = make_org("E", "branch", world.committee)
    services.organisation_dissolve(
        actor=world.admin, organisation=empty, dissolved_on=D(2026, 6, 30), reason="撤并"
    )
    empty.refresh_from_db()
    assert (empty.is_active, empty.dissolved_on) == (False, D(2026, 6, 30))
    [event] = events_for(empty, AuditEvent.Action.UPDATE)
    assert event.before == {"is_active": True, "dissolved_on": None}
    assert event.after == {"is_active": False, "dissolved_on": "2026-06-30"}
    assert event.note == "撤销：撤并"


def test_dissolve_is_refused_while_active_members_remain(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=world.admin, organisation=world.branch_b, dissolved_on=D(2026, 1, 1), reason="撤并"
        )
    assert "在册党员" in caught.value.messages[0]
    world.branch_b.refresh_from_db()
    assert world.branch_b.is_active


def test_dissolve_of_a_group_is_refused_while_it_has_members(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=world.admin, organisation=world.group_a1, dissolved_on=D(2026, 1, 1), reason="撤并"
        )
    assert "在册党员" in caught.value.messages[0]


def test_dissolve_is_refused_while_active_children_remain(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=world.admin, organisation=world.general_branch, dissolved_on=D(2026, 1, 1), reason="撤并"
        )
    assert "下级组织" in caught.value.messages[0]
    assert not events_for(world.general_branch, AuditEvent.Action.UPDATE)


def test_dissolve_is_allowed_when_only_former_members_remain(world: Any) -> None:
    from zhibu.members.services import member_transfer

    member_transfer(
        actor=world.admin,
        member=world.member_in_b,
        kind="out",
        transferred_on=D(2026, 1, 1),
        outside_organisation="外单位党委",
    )
    services.organisation_dissolve(
        actor=world.admin, organisation=world.branch_b, dissolved_on=D(2026, 2, 1), reason="撤并"
    )
    world.branch_b.refresh_from_db()
    assert not world.branch_b.is_active


def test_dissolve_twice_or_without_reason_is_refused(world: Any) -> None:
    empty = make_org("E", "branch", world.committee)
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=world.admin, organisation=empty, dissolved_on=D(2026, 1, 1), reason=" "
        )
    assert messages_of(caught.value) == {"reason": ["撤销党组织必须填写原因或依据"]}
    services.organisation_dissolve(
        actor=world.admin, organisation=empty, dissolved_on=D(2026, 1, 1), reason="撤并"
    )
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=world.admin, organisation=empty, dissolved_on=D(2026, 2, 1), reason="再撤"
        )
    assert "已撤销" in caught.value.messages[0]
    assert len(events_for(empty, AuditEvent.Action.UPDATE)) == 1


def test_the_top_organisation_cannot_be_dissolved(db: Any) -> None:
    top = make_org("T", "party_committee")
    with pytest.raises(ValidationError) as caught:
        services.organisation_dissolve(
            actor=None, organisation=top, dissolved_on=D(2026, 1, 1), reason="撤销"
        )
    assert "最高一级" in caught.value.messages[0]
    top.refresh_from_db()
    assert top.is_active


# ---------------------------------------------------------------- ORG-2: elections and seats


def big_branch(world: Any, full: int = 7) -> tuple[Organisation, list[Any]]:
    branch = make_org("BIG", "branch", world.committee, name="大党支部")
    return branch, [make_member(branch, f"委员{i}") for i in range(full)]


def test_election_defaults_the_term_to_three_years_and_audits(world: Any) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 4, 1)
    )
    assert (committee.term_start, committee.term_end, committee.is_current) == (
        D(2025, 4, 1),
        D(2028, 4, 1),
        True,
    )
    [event] = events_for(committee, AuditEvent.Action.CREATE)
    assert event.after["term_end"] == "2028-04-01"
    assert event.organisation == world.branch_a


def test_a_village_branch_has_a_five_year_term(world: Any) -> None:
    village = make_org("V", "branch", world.committee, is_village_or_community=True)
    committee = services.committee_elect(actor=world.officer, organisation=village, elected_on=D(2024, 2, 29))
    assert committee.term_end == D(2029, 2, 28)


def test_election_closes_the_previous_committee_and_its_open_seats(world: Any) -> None:
    branch, people = big_branch(world)
    first = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2023, 1, 1))
    open_seat = services.committee_seat_add(
        actor=world.officer, committee=first, member=people[0], post="secretary", start_on=D(2023, 1, 1)
    )
    closed_seat = services.committee_seat_add(
        actor=world.officer,
        committee=first,
        member=people[1],
        post="publicity_officer",
        start_on=D(2023, 1, 1),
    )
    services.committee_seat_end(actor=world.officer, seat=closed_seat, end_on=D(2024, 5, 1), reason="调离")
    second = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2026, 1, 5))
    first.refresh_from_db()
    open_seat.refresh_from_db()
    closed_seat.refresh_from_db()
    assert not first.is_current
    assert second.is_current
    assert (open_seat.end_on, open_seat.end_reason) == (D(2026, 1, 5), "换届")
    assert (closed_seat.end_on, closed_seat.end_reason) == (D(2024, 5, 1), "调离")
    assert list(BranchCommittee.objects.filter(organisation=branch, is_current=True)) == [second]


def test_election_refuses_a_term_that_ends_before_it_starts(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.committee_elect(
            actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1), term_end=D(2025, 1, 1)
        )
    assert messages_of(caught.value) == {"term_end": ["任期届满日期必须晚于任期开始日期"]}
    assert not BranchCommittee.objects.exists()


def test_election_refuses_a_term_earlier_than_the_current_one(world: Any) -> None:
    first = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_elect(actor=world.officer, organisation=world.branch_a, elected_on=D(2024, 1, 1))
    assert "term_start" in messages_of(caught.value)
    first.refresh_from_db()
    assert first.is_current


def test_a_group_has_no_committee(world: Any) -> None:
    with pytest.raises(ValidationError, match="党小组不设委员会"):
        services.committee_elect(actor=world.officer, organisation=world.group_a1, elected_on=D(2025, 1, 1))


def test_committee_update_refuses_end_before_start(world: Any) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_update(actor=world.officer, committee=committee, term_end=D(2024, 12, 31))
    assert messages_of(caught.value) == {"term_end": ["任期届满日期必须晚于任期开始日期"]}
    committee.refresh_from_db()
    assert committee.term_end == D(2028, 1, 1)


def test_committee_update_audits_the_change(world: Any) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    services.committee_update(actor=world.officer, committee=committee, approval_ref="党委〔2025〕3号")
    [event] = events_for(committee, AuditEvent.Action.UPDATE)
    assert (event.before, event.after) == ({"approval_ref": ""}, {"approval_ref": "党委〔2025〕3号"})


def test_seat_add_records_and_audits(world: Any) -> None:
    branch, people = big_branch(world)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    seat = services.committee_seat_add(
        actor=world.officer, committee=committee, member=people[0], post="secretary", start_on=D(2025, 1, 1)
    )
    [event] = events_for(seat, AuditEvent.Action.CREATE)
    assert event.after["member"] == people[0].pk
    assert event.after["post"] == "secretary"


def test_a_committee_of_a_committee_takes_members_from_its_subtree(world: Any) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.committee, elected_on=D(2025, 1, 1)
    )
    seat = services.committee_seat_add(
        actor=world.officer,
        committee=committee,
        member=world.member_in_a,
        post="secretary",
        start_on=D(2025, 1, 1),
    )
    assert seat.member == world.member_in_a


@pytest.mark.parametrize("category", ["probationary", "candidate", "activist", "applicant"])
def test_a_seat_needs_a_full_member(world: Any, category: str) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    person = make_member(world.branch_a, "候选人", category=category)
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=person, post="other", start_on=D(2025, 1, 1)
        )
    assert messages_of(caught.value) == {"member": ["候选人不是正式党员，不能担任委员"]}
    assert not CommitteeMember.objects.exists()


def test_a_seat_refuses_a_member_of_another_branch(world: Any) -> None:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer,
            committee=committee,
            member=world.member_in_b,
            post="secretary",
            start_on=D(2025, 1, 1),
        )
    assert messages_of(caught.value) == {"member": ["乙党员不是第一党支部的党员"]}


def test_a_seat_refuses_a_member_out_of_the_registry(world: Any) -> None:
    from zhibu.members.services import member_transfer

    committee = services.committee_elect(
        actor=world.officer, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    person = make_member(world.branch_a, "已转出")
    member_transfer(
        actor=world.officer,
        member=person,
        kind="out",
        transferred_on=D(2025, 6, 1),
        outside_organisation="外单位",
    )
    person.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=person, post="other", start_on=D(2025, 7, 1)
        )
    assert "不在册" in messages_of(caught.value)["member"][0]


def test_a_second_secretary_is_refused_until_the_first_leaves(world: Any) -> None:
    branch, people = big_branch(world)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    first = services.committee_seat_add(
        actor=world.officer, committee=committee, member=people[0], post="secretary", start_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer,
            committee=committee,
            member=people[1],
            post="secretary",
            start_on=D(2025, 2, 1),
        )
    assert messages_of(caught.value) == {"post": ["书记已有人担任，请先办理离任"]}
    services.committee_seat_end(actor=world.officer, seat=first, end_on=D(2025, 3, 1), reason="调离")
    second = services.committee_seat_add(
        actor=world.officer, committee=committee, member=people[1], post="secretary", start_on=D(2025, 3, 1)
    )
    assert second.post == "secretary"


def test_the_same_person_twice_is_refused(world: Any) -> None:
    branch, people = big_branch(world)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    services.committee_seat_add(
        actor=world.officer, committee=committee, member=people[0], post="secretary", start_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=people[0], post="other", start_on=D(2025, 1, 1)
        )
    assert messages_of(caught.value) == {"member": ["委员0已是本届委员"]}


def test_more_than_seven_seats_are_refused(world: Any) -> None:
    branch, people = big_branch(world, full=8)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    for person in people[:7]:
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=person, post="other", start_on=D(2025, 1, 1)
        )
    with pytest.raises(ValidationError, match="委员会不能超过7人（规则 A-2）"):
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=people[7], post="other", start_on=D(2025, 1, 1)
        )
    assert committee.seats.count() == 7


def test_a_seat_on_a_past_committee_is_refused(world: Any) -> None:
    branch, people = big_branch(world)
    old = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2022, 1, 1))
    services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="只能在本届委员会中增补委员"):
        services.committee_seat_add(
            actor=world.officer, committee=old, member=people[0], post="other", start_on=D(2022, 1, 1)
        )


def test_a_seat_cannot_start_before_the_term(world: Any) -> None:
    branch, people = big_branch(world)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_add(
            actor=world.officer, committee=committee, member=people[0], post="other", start_on=D(2024, 12, 31)
        )
    assert "start_on" in messages_of(caught.value)


def test_seat_end_refuses_an_end_before_the_start_and_a_second_end(world: Any) -> None:
    branch, people = big_branch(world)
    committee = services.committee_elect(actor=world.officer, organisation=branch, elected_on=D(2025, 1, 1))
    seat = services.committee_seat_add(
        actor=world.officer, committee=committee, member=people[0], post="other", start_on=D(2025, 3, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_end(actor=world.officer, seat=seat, end_on=D(2025, 2, 28), reason="调离")
    assert messages_of(caught.value) == {"end_on": ["离任日期不能早于任职日期"]}
    with pytest.raises(ValidationError) as caught:
        services.committee_seat_end(actor=world.officer, seat=seat, end_on=D(2025, 4, 1), reason="")
    assert messages_of(caught.value) == {"reason": ["请填写离任原因"]}
    seat.refresh_from_db()
    assert seat.end_on is None
    services.committee_seat_end(actor=world.officer, seat=seat, end_on=D(2025, 3, 1), reason="调离")
    [event] = events_for(seat, AuditEvent.Action.UPDATE)
    assert (event.before, event.after) == ({"end_on": None}, {"end_on": "2025-03-01", "end_reason": "调离"})
    with pytest.raises(ValidationError, match="该委员已离任"):
        services.committee_seat_end(actor=world.officer, seat=seat, end_on=D(2025, 5, 1), reason="再次")


# ---------------------------------------------------------------- ORG-3 contact points and visits


def leader_of(world: Any) -> Any:
    committee = services.committee_elect(
        actor=world.officer, organisation=world.committee, elected_on=D(2024, 1, 1)
    )
    leader = make_member(world.branch_b, "党委书记")
    services.committee_seat_add(
        actor=world.officer, committee=committee, member=leader, post="secretary", start_on=D(2024, 1, 1)
    )
    return leader


def test_contact_point_and_visit_are_recorded_and_audited(world: Any) -> None:
    leader = leader_of(world)
    point = services.contact_point_create(
        actor=world.officer,
        leader=leader,
        organisation=world.branch_a,
        start_on=D(2025, 1, 1),
        focus="安全生产",
    )
    visit = services.contact_visit_record(
        actor=world.officer,
        contact_point=point,
        visited_on=D(2025, 3, 1),
        kind="讲党课",
        summary="讲授专题党课",
    )
    assert list(world.branch_a.contact_points.all()) == [point]
    assert list(point.visits.all()) == [visit]
    [created] = events_for(point, AuditEvent.Action.CREATE)
    assert created.after["focus"] == "安全生产"
    assert created.organisation == world.branch_a
    [visited] = events_for(visit, AuditEvent.Action.CREATE)
    assert visited.after["summary"] == "讲授专题党课"


def test_a_contact_point_is_a_branch_or_general_branch(world: Any) -> None:
    leader = leader_of(world)
    for org in (world.committee, world.group_a1):
        with pytest.raises(ValidationError) as caught:
            services.contact_point_create(
                actor=world.officer, leader=leader, organisation=org, start_on=D(2025, 1, 1)
            )
        assert messages_of(caught.value) == {"organisation": ["联系点应为党支部或党总支"]}
    point = services.contact_point_create(
        actor=world.officer, leader=leader, organisation=world.general_branch, start_on=D(2025, 1, 1)
    )
    assert point.organisation == world.general_branch


def test_a_leader_links_a_branch_only_once_while_open(world: Any) -> None:
    leader = leader_of(world)
    services.contact_point_create(
        actor=world.officer, leader=leader, organisation=world.branch_a, start_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.contact_point_create(
            actor=world.officer, leader=leader, organisation=world.branch_a, start_on=D(2025, 2, 1)
        )
    assert messages_of(caught.value) == {"organisation": ["党委书记已联系第一党支部"]}
    assert ContactPoint.objects.count() == 1


def test_a_contact_leader_sits_on_a_superior_committee(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.contact_point_create(
            actor=world.officer, leader=world.member_in_b, organisation=world.branch_a, start_on=D(2025, 1, 1)
        )
    assert "班子成员" in messages_of(caught.value)["leader"][0]
    assert not ContactPoint.objects.exists()


def test_a_visit_before_the_contact_point_or_in_the_future_is_refused(world: Any) -> None:
    leader = leader_of(world)
    point = services.contact_point_create(
        actor=world.officer, leader=leader, organisation=world.branch_a, start_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.contact_visit_record(
            actor=world.officer,
            contact_point=point,
            visited_on=D(2024, 12, 31),
            kind="调研指导",
            summary="调研",
        )
    assert messages_of(caught.value) == {"visited_on": ["活动日期早于联系点开始日期"]}
    with pytest.raises(ValidationError) as caught:
        services.contact_visit_record(
            actor=world.officer,
            contact_point=point,
            visited_on=today() + dt.timedelta(days=1),
            kind="调研指导",
            summary="调研",
        )
    assert "visited_on" in messages_of(caught.value)
    with pytest.raises(ValidationError) as caught:
        services.contact_visit_record(
            actor=world.officer, contact_point=point, visited_on=D(2025, 2, 1), kind="调研指导", summary=""
        )
    assert "summary" in messages_of(caught.value)
    assert not ContactVisit.objects.exists()


# ---------------------------------------------------------------- ORG-4 四个同步


def test_four_sync_creates_then_updates_with_audit(world: Any) -> None:
    record = services.four_sync_update(
        actor=world.officer,
        organisation=world.branch_a,
        org_set_up=True,
        cadres_assigned=True,
        checked_on=D(2026, 1, 10),
    )
    assert not record.complete
    assert [done for _, done in record.items] == [True, True, False, False]
    record = services.four_sync_update(
        actor=world.officer, organisation=world.branch_a, rules_made=True, work_assessed=True, notes="已核查"
    )
    assert record.complete
    assert FourSyncRecord.objects.filter(organisation=world.branch_a).count() == 1
    first, second = events_for(record, AuditEvent.Action.UPDATE)
    assert first.after["org_set_up"] is True
    assert first.after["checked_on"] == "2026-01-10"
    assert second.before == {"rules_made": False, "work_assessed": False, "notes": ""}
    assert second.after == {"rules_made": True, "work_assessed": True, "notes": "已核查"}


def test_four_sync_without_a_change_writes_no_event(world: Any) -> None:
    record = services.four_sync_update(actor=world.officer, organisation=world.branch_a, org_set_up=True)
    services.four_sync_update(actor=world.officer, organisation=world.branch_a, org_set_up=True)
    assert len(events_for(record)) == 1
