"""The organisation pages: who may open them (403 without the permission anywhere, 404 outside the
subtree), and that bad input shows the Chinese message and saves nothing."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhibu.audit.models import AuditEvent
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


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- who may see what


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("admin", 200),
        ("secretary_a", 200),
        ("inspector", 200),
        ("rater", 200),
        ("member_a", 403),
        ("auditor", 403),
        ("outsider", 403),
    ],
)
def test_the_tree_page_needs_orgs_view(client: Client, world: Any, persona: str, status: int) -> None:
    response = as_user(client, getattr(world, persona)).get(reverse("orgs:tree"))
    assert response.status_code == status


def test_the_tree_redirects_anonymous_users_to_login(client: Client, world: Any) -> None:
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_secretary_sees_only_their_branch_in_the_tree(client: Client, world: Any) -> None:
    page = text(as_user(client, world.secretary_a).get(reverse("orgs:tree")))
    assert "第一党支部" in page
    assert "第一党小组" in page
    assert "第二党支部" not in page
    assert "新建党组织" not in page


def test_detail_is_404_outside_the_subtree(client: Client, world: Any) -> None:
    as_user(client, world.secretary_a)
    assert client.get(reverse("orgs:detail", args=[world.branch_a.pk])).status_code == 200
    assert client.get(reverse("orgs:detail", args=[world.branch_b.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[world.committee.pk])).status_code == 404
    assert client.get(reverse("orgs:detail", args=[999999])).status_code == 404


def test_detail_shows_the_warnings_with_their_rule(client: Client, world: Any) -> None:
    page = text(as_user(client, world.officer).get(reverse("orgs:detail", args=[world.branch_a.pk])))
    assert "正式党员1人，少于3人，不符合成立党支部的条件" in page
    assert "依据 A-1" in page


def test_detail_queries_do_not_grow_with_the_records(client: Client, world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("orgs:detail", args=[world.general_branch.pk])
    as_user(client, world.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    leader = make_leader(world)
    committee = services.committee_elect(
        actor=None, organisation=world.general_branch, elected_on=D(2025, 1, 1)
    )
    services.committee_seat_add(
        actor=None, committee=committee, member=world.member_in_a, post="secretary", start_on=D(2025, 1, 1)
    )
    point = services.contact_point_create(
        actor=None, leader=leader, organisation=world.general_branch, start_on=D(2025, 1, 1)
    )
    services.contact_visit_record(
        actor=None, contact_point=point, visited_on=D(2025, 2, 1), kind="调研指导", summary="调研"
    )
    count()  # the first request after login also refreshes the session
    before = count()
    for code in ("A2", "A3", "A4"):
        make_member(make_org(code, "branch", world.general_branch), f"党员{code}")
    for day in (2, 3, 4):
        services.contact_visit_record(
            actor=None, contact_point=point, visited_on=D(2025, 2, day), kind="调研指导", summary=f"调研{day}"
        )
    second = make_member(world.branch_a, "丁党员")
    services.committee_seat_add(
        actor=None, committee=committee, member=second, post="other", start_on=D(2025, 1, 1)
    )
    assert count() == before  # children, seats, contact points, visits: a query each, not one per row


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("orgs:create", []),
        ("orgs:edit", ["branch_a"]),
        ("orgs:move", ["branch_a"]),
        ("orgs:dissolve", ["branch_a"]),
    ],
)
def test_structure_pages_need_orgs_structure(client: Client, world: Any, name: str, args: list[str]) -> None:
    url = reverse(name, args=[getattr(world, a).pk for a in args])
    for persona in ("secretary_a", "inspector", "auditor", "outsider"):
        assert as_user(client, getattr(world, persona)).get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    assert as_user(client, world.officer).get(url).status_code == 200


# ---------------------------------------------------------------- create / edit


def test_create_a_branch(client: Client, world: Any) -> None:
    response = as_user(client, world.officer).post(
        reverse("orgs:create"),
        {
            "code": "B3",
            "name": "第三党支部",
            "kind": "branch",
            "parent": world.committee.pk,
            "sort_order": 0,
            "founded_on": "2024-05-04",
        },
    )
    org = Organisation.objects.get(code="B3")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:detail", args=[org.pk])
    assert (org.parent, org.founded_on) == (world.committee, D(2024, 5, 4))
    assert AuditEvent.objects.filter(
        object_type="orgs.organisation", object_id=str(org.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "group", "parent": "committee"}, "党小组的上级只能是党支部，不能是党委"),
        ({"kind": "branch", "parent": ""}, "请选择上级组织"),
        ({"kind": "branch", "parent": "committee", "code": "A"}, "组织代码"),
        ({"kind": "branch", "parent": "committee", "name": ""}, "这个字段是必填项"),
        ({"kind": "branch", "parent": "committee", "founded_on": "2024-02-30"}, "输入一个有效的日期"),
    ],
)
def test_create_with_bad_input_shows_the_message_and_saves_nothing(
    client: Client, world: Any, data: dict[str, str], message: str
) -> None:
    form = {"code": "NEW", "name": "新组织", "sort_order": 0} | data
    if form.get("parent"):
        form["parent"] = getattr(world, form["parent"]).pk
    as_user(client, world.officer)
    count, events = Organisation.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("orgs:create"), form)
    assert response.status_code == 200
    assert message in text(response)
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_create_offers_only_parents_in_scope(client: Client, world: Any) -> None:
    sub = make_org("S", "party_committee", world.committee, name="子公司党委")
    officer_s = world.users["officer"].__class__.objects.create_user(
        username="officer_s", password="x-Zhibu-2026"
    )
    from zhibu.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=officer_s, role="org_officer", organisation=sub)
    response = as_user(client, officer_s).post(
        reverse("orgs:create"),
        {
            "code": "NEW",
            "name": "越权党支部",
            "kind": "branch",
            "parent": world.committee.pk,
            "sort_order": 0,
        },
    )
    assert "选择一个有效的选项" in text(response)
    assert not Organisation.objects.filter(code="NEW").exists()


def test_edit_renames(client: Client, world: Any) -> None:
    url = reverse("orgs:edit", args=[world.branch_b.pk])
    as_user(client, world.officer)
    assert "第二党支部" in text(client.get(url))
    response = client.post(url, {"code": "B", "name": "第二党支部（改）", "kind": "branch", "sort_order": 1})
    assert response.status_code == 302
    world.branch_b.refresh_from_db()
    assert (world.branch_b.name, world.branch_b.sort_order) == ("第二党支部（改）", 1)


def test_edit_refusing_a_kind_change_saves_nothing(client: Client, world: Any) -> None:
    response = as_user(client, world.officer).post(
        reverse("orgs:edit", args=[world.branch_b.pk]),
        {
            "code": "B",
            "name": "第二党支部（改）",
            "kind": "general_branch",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "党支部不能改为其他组织类型" in text(response)
    world.branch_b.refresh_from_db()
    assert (world.branch_b.name, world.branch_b.kind) == ("第二党支部", "branch")


def test_edit_outside_scope_is_404(client: Client, world: Any) -> None:
    sub = make_org("S", "party_committee", world.committee, name="子公司党委")
    from zhibu.accounts.models import RoleAssignment, User

    officer_s = User.objects.create_user(username="officer_s", password="x-Zhibu-2026")
    RoleAssignment.objects.create(user=officer_s, role="org_officer", organisation=sub)
    assert as_user(client, officer_s).get(reverse("orgs:edit", args=[world.branch_b.pk])).status_code == 404


# ---------------------------------------------------------------- move / dissolve


def test_move_page_records_history(client: Client, world: Any) -> None:
    url = reverse("orgs:move", args=[world.branch_b.pk])
    response = as_user(client, world.officer).post(
        url,
        {
            "new_parent": world.general_branch.pk,
            "moved_on": "2026-01-01",
            "reason": "归口管理",
        },
    )
    assert response.status_code == 302
    world.branch_b.refresh_from_db()
    assert world.branch_b.parent == world.general_branch
    assert OrganisationMove.objects.filter(organisation=world.branch_b, reason="归口管理").exists()
    assert "归口管理" in text(client.get(reverse("orgs:detail", args=[world.branch_b.pk])))


def test_move_page_does_not_offer_the_subtree_and_refuses_it(client: Client, world: Any) -> None:
    url = reverse("orgs:move", args=[world.general_branch.pk])
    as_user(client, world.officer)
    page = text(client.get(url))
    assert f'value="{world.branch_a.pk}"' not in page
    response = client.post(url, {"new_parent": world.branch_a.pk, "moved_on": "2026-01-01", "reason": "错误"})
    assert "选择一个有效的选项" in text(response)
    world.general_branch.refresh_from_db()
    assert world.general_branch.parent == world.committee
    assert not OrganisationMove.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "这个字段是必填项"),
        ({"new_parent": "committee"}, "已是"),
        ({"moved_on": "2099-01-01"}, "调整日期不能晚于今天"),
    ],
)
def test_move_page_bad_input(client: Client, world: Any, data: dict[str, str], message: str) -> None:
    form = {"new_parent": "general_branch", "moved_on": "2026-01-01", "reason": "调整"} | data
    form["new_parent"] = getattr(world, form["new_parent"]).pk
    response = as_user(client, world.officer).post(reverse("orgs:move", args=[world.branch_b.pk]), form)
    assert response.status_code == 200
    assert message in text(response)
    assert not OrganisationMove.objects.exists()


def test_dissolve_page_refuses_a_branch_with_members(client: Client, world: Any) -> None:
    response = as_user(client, world.officer).post(
        reverse("orgs:dissolve", args=[world.branch_b.pk]),
        {
            "dissolved_on": "2026-01-01",
            "reason": "撤并",
        },
    )
    assert response.status_code == 200
    assert "该组织还有在册党员，请先办理组织关系转接" in text(response)
    world.branch_b.refresh_from_db()
    assert world.branch_b.is_active


def test_dissolve_page_dissolves_an_empty_branch(client: Client, world: Any) -> None:
    empty = make_org("E", "branch", world.committee, name="空党支部")
    response = as_user(client, world.officer).post(
        reverse("orgs:dissolve", args=[empty.pk]),
        {
            "dissolved_on": "2026-01-01",
            "reason": "撤并",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:tree")
    empty.refresh_from_db()
    assert (empty.is_active, empty.dissolved_on) == (False, D(2026, 1, 1))
    # The page still opens (history is kept), marked as dissolved.
    assert "已撤销" in text(client.get(reverse("orgs:detail", args=[empty.pk])))


# ---------------------------------------------------------------- committees and seats


def test_a_secretary_records_an_election_for_their_branch_only(client: Client, world: Any) -> None:
    as_user(client, world.secretary_a)
    response = client.post(
        reverse("orgs:committee_elect", args=[world.branch_a.pk]), {"elected_on": "2025-06-01"}
    )
    assert response.status_code == 302
    committee = BranchCommittee.objects.get(organisation=world.branch_a)
    assert committee.term_end == D(2028, 6, 1)
    assert (
        client.post(
            reverse("orgs:committee_elect", args=[world.branch_b.pk]), {"elected_on": "2025-06-01"}
        ).status_code
        == 404
    )
    assert not BranchCommittee.objects.filter(organisation=world.branch_b).exists()


@pytest.mark.parametrize("persona", ["inspector", "admin", "member_a", "auditor"])
def test_committee_pages_need_orgs_committee(client: Client, world: Any, persona: str) -> None:
    response = as_user(client, getattr(world, persona)).get(
        reverse("orgs:committee_elect", args=[world.branch_a.pk])
    )
    assert response.status_code == 403


def test_election_page_bad_dates(client: Client, world: Any) -> None:
    response = as_user(client, world.secretary_a).post(
        reverse("orgs:committee_elect", args=[world.branch_a.pk]),
        {
            "elected_on": "2025-06-01",
            "term_end": "2025-05-01",
        },
    )
    assert response.status_code == 200
    assert "任期届满日期必须晚于任期开始日期" in text(response)
    assert not BranchCommittee.objects.exists()


def test_committee_edit_page(client: Client, world: Any) -> None:
    committee = services.committee_elect(actor=None, organisation=world.branch_a, elected_on=D(2025, 1, 1))
    url = reverse("orgs:committee_edit", args=[committee.pk])
    as_user(client, world.secretary_a)
    response = client.post(url, {"elected_on": "2025-01-01", "term_end": "2024-01-01"})
    assert "任期届满日期必须晚于任期开始日期" in text(response)
    committee.refresh_from_db()
    assert committee.term_end == D(2028, 1, 1)
    response = client.post(url, {"elected_on": "2025-01-01", "approval_ref": "党委〔2025〕1号"})
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.approval_ref == "党委〔2025〕1号"
    assert as_user(client, world.secretary_b).get(url).status_code == 404


def test_seat_pages(client: Client, world: Any) -> None:
    committee = services.committee_elect(actor=None, organisation=world.branch_a, elected_on=D(2025, 1, 1))
    other = make_member(world.branch_a, "丙党员")
    url = reverse("orgs:seat_add", args=[committee.pk])
    as_user(client, world.secretary_a)
    page = text(client.get(url))
    assert "甲党员" in page
    assert "乙党员" not in page  # B's member is not offered
    assert (
        client.post(
            url, {"member": world.member_in_a.pk, "post": "secretary", "start_on": "2025-01-01"}
        ).status_code
        == 302
    )
    response = client.post(url, {"member": other.pk, "post": "secretary", "start_on": "2025-01-01"})
    assert "书记已有人担任，请先办理离任" in text(response)
    response = client.post(url, {"member": world.member_in_b.pk, "post": "other", "start_on": "2025-01-01"})
    assert "选择一个有效的选项" in text(response)
    seat = CommitteeMember.objects.get()
    end_url = reverse("orgs:seat_end", args=[seat.pk])
    response = client.post(end_url, {"end_on": "2024-12-31", "reason": "调离"})
    assert "离任日期不能早于任职日期" in text(response)
    seat.refresh_from_db()
    assert seat.end_on is None
    assert client.post(end_url, {"end_on": "2025-06-30", "reason": "调离"}).status_code == 302
    seat.refresh_from_db()
    assert seat.end_on == D(2025, 6, 30)
    assert as_user(client, world.secretary_b).get(end_url).status_code == 404
    assert as_user(client, world.secretary_b).get(url).status_code == 404


# ---------------------------------------------------------------- ORG-3 / ORG-4


def make_leader(world: Any) -> Any:
    committee = services.committee_elect(actor=None, organisation=world.committee, elected_on=D(2024, 1, 1))
    leader = make_member(world.branch_b, "党委副书记")
    services.committee_seat_add(
        actor=None, committee=committee, member=leader, post="deputy_secretary", start_on=D(2024, 1, 1)
    )
    return leader


def test_contact_point_and_visit_pages(client: Client, world: Any) -> None:
    leader = make_leader(world)
    as_user(client, world.officer)
    url = reverse("orgs:contact_point_add", args=[world.branch_a.pk])
    page = text(client.get(url))
    assert "党委副书记" in page
    assert "甲党员" not in page  # not a committee-level leader
    response = client.post(url, {"leader": leader.pk, "start_on": "2025-01-01", "focus": "党建与业务融合"})
    assert response.status_code == 302
    point = ContactPoint.objects.get()
    visit_url = reverse("orgs:visit_add", args=[point.pk])
    response = client.post(visit_url, {"visited_on": "2024-12-01", "kind": "调研指导", "summary": "调研"})
    assert "活动日期早于联系点开始日期" in text(response)
    response = client.post(visit_url, {"visited_on": "2025-02-01", "kind": "调研指导", "summary": ""})
    assert "这个字段是必填项" in text(response)
    assert not ContactVisit.objects.exists()
    assert (
        client.post(
            visit_url, {"visited_on": "2025-02-01", "kind": "讲党课", "summary": "讲授党课"}
        ).status_code
        == 302
    )
    page = text(client.get(reverse("orgs:detail", args=[world.branch_a.pk])))
    assert "党委副书记" in page
    assert "讲授党课" in page


def test_contact_point_page_refuses_a_second_open_link(client: Client, world: Any) -> None:
    leader = make_leader(world)
    services.contact_point_create(
        actor=None, leader=leader, organisation=world.branch_a, start_on=D(2025, 1, 1)
    )
    response = as_user(client, world.officer).post(
        reverse("orgs:contact_point_add", args=[world.branch_a.pk]),
        {"leader": leader.pk, "start_on": "2025-03-01"},
    )
    assert "党委副书记已联系第一党支部" in text(response)
    assert ContactPoint.objects.count() == 1


@pytest.mark.parametrize("persona", ["secretary_a", "admin", "inspector"])
def test_oversight_pages_are_the_org_officers(client: Client, world: Any, persona: str) -> None:
    as_user(client, getattr(world, persona))
    assert client.get(reverse("orgs:contact_point_add", args=[world.branch_a.pk])).status_code == 403
    assert client.get(reverse("orgs:four_sync", args=[world.branch_a.pk])).status_code == 403


def test_four_sync_page(client: Client, world: Any) -> None:
    url = reverse("orgs:four_sync", args=[world.branch_a.pk])
    as_user(client, world.officer)
    response = client.post(
        url, {"org_set_up": "on", "cadres_assigned": "on", "checked_on": "2026-01-10", "notes": "制度待完善"}
    )
    assert response.status_code == 302
    record = FourSyncRecord.objects.get(organisation=world.branch_a)
    assert (record.org_set_up, record.cadres_assigned, record.rules_made, record.work_assessed) == (
        True,
        True,
        False,
        False,
    )
    page = text(client.get(reverse("orgs:detail", args=[world.branch_a.pk])))
    assert "制度待完善" in page
    assert "党建工作同步考核" in page
    response = client.post(url, {"checked_on": "2026-02-30"})
    assert "输入一个有效的日期" in text(response)
    record.refresh_from_db()
    assert record.org_set_up
