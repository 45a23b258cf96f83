"""GET /api/orgs and /api/orgs/{id}: the visible tree as a paged list with member counts, one
organisation with its committee and the rule warnings; scoped like the pages; query counts that
do not grow with the rows."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhibu.lib.dates import add_months, add_years, today
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services
from zhibu.orgs.models import BranchCommittee, Organisation
from zhibu.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# -- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer", ["C", "G", "A", "A1", "B"]),
        ("admin", ["C", "G", "A", "A1", "B"]),
        ("inspector", ["C", "G", "A", "A1", "B"]),
        ("rater", ["C", "G", "A", "A1", "B"]),
        ("secretary_a", ["A", "A1"]),
        ("secretary_b", ["B"]),
    ],
)
def test_the_list_is_scoped_like_the_tree(
    client: Client, world: Any, persona: str, expected: list[str]
) -> None:
    response = login(client, getattr(world, persona)).get("/api/orgs")

    assert sorted(codes(response)) == sorted(expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("persona", ["member_a", "auditor", "outsider"])
def test_without_orgs_view_anywhere_it_is_403(client: Client, world: Any, persona: str) -> None:
    login(client, getattr(world, persona))

    for url in ("/api/orgs", f"/api/orgs/{world.branch_a.pk}"):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": "您没有使用此接口的权限"}


def test_anonymous_is_401(client: Client, world: Any) -> None:
    assert client.get("/api/orgs").status_code == 401
    assert client.get(f"/api/orgs/{world.branch_a.pk}").status_code == 401


def test_an_organisation_outside_the_scope_is_404(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = client.get(f"/api/orgs/{world.branch_b.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该党组织"}
    assert client.get(f"/api/orgs/{world.committee.pk}").status_code == 404  # above the scope, too
    assert client.get(f"/api/orgs/{world.group_a1.pk}").status_code == 200


# -- the list --------------------------------------------------------------------------------------


def test_the_items(client: Client, world: Any) -> None:
    Organisation.objects.filter(pk=world.branch_a.pk).update(
        short_name="一支部", founded_on=dt.date(2001, 7, 1)
    )

    items = {i["code"]: i for i in login(client, world.officer).get("/api/orgs").json()["items"]}

    assert items["A"] == {
        "id": world.branch_a.pk,
        "code": "A",
        "name": "第一党支部",
        "short_name": "一支部",
        "kind": "branch",
        "kind_label": "党支部",
        "parent_id": world.general_branch.pk,
        "parent_code": "G",
        "depth": 2,
        "founded_on": "2001-07-01",
        "is_active": True,
        "member_count": 1,
    }
    assert (items["C"]["parent_id"], items["C"]["parent_code"], items["C"]["depth"]) == (None, None, 0)
    assert items["A1"]["kind_label"] == "党小组"


def test_member_count_is_the_active_party_members_of_the_subtree(client: Client, world: Any) -> None:
    make_member(world.branch_a, "预备甲", category="probationary", joined_on=dt.date(2025, 7, 1))
    make_member(world.branch_a, "积极分子甲", category="activist")  # not yet a party member
    gone = make_member(world.branch_b, "转出乙")
    Member.objects.filter(pk=gone.pk).update(is_active=False)

    items = {
        i["code"]: i["member_count"] for i in login(client, world.officer).get("/api/orgs").json()["items"]
    }

    assert items == {"C": 3, "G": 2, "A": 2, "A1": 1, "B": 1}


def test_the_filters(client: Client, world: Any) -> None:
    old = make_org("E", "branch", world.committee, name="已撤销党支部")
    services.organisation_dissolve(
        actor=None, organisation=old, dissolved_on=dt.date(2024, 1, 1), reason="合并"
    )
    login(client, world.officer)

    assert codes(client.get("/api/orgs?kind=branch")) == ["A", "B"]
    assert sorted(codes(client.get(f"/api/orgs?parent={world.committee.pk}"))) == ["B", "G"]
    assert codes(client.get("/api/orgs?q=第一")) == ["A", "A1"]
    assert codes(client.get("/api/orgs?q=a1")) == ["A1"]
    assert "E" not in codes(client.get("/api/orgs"))
    everything = {i["code"]: i for i in client.get("/api/orgs?include_inactive=true").json()["items"]}
    assert everything["E"]["is_active"] is False


def test_input_the_database_cannot_take_is_422_not_500(client: Client, world: Any) -> None:
    login(client, world.officer)

    for url, field in (
        ("/api/orgs?q=%00", "q"),
        ("/api/orgs?parent=99999999999999999999", "parent"),
        ("/api/orgs?page=99999999999999999999", "page"),
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert [item["field"] for item in response.json()["detail"]] == [field]
    assert client.get("/api/orgs/99999999999999999999").status_code == 404


def test_the_list_is_paged(client: Client, world: Any) -> None:
    login(client, world.officer)

    first = client.get("/api/orgs?page_size=2").json()
    last = client.get("/api/orgs?page_size=2&page=3").json()

    assert first["count"] == last["count"] == 5
    assert len(first["items"]) == 2 and len(last["items"]) == 1
    assert {i["code"] for i in first["items"]}.isdisjoint(i["code"] for i in last["items"])


# -- the detail ------------------------------------------------------------------------------------


def elect(branch: Organisation, *, term_end: dt.date) -> BranchCommittee:
    start = add_years(term_end, -3)
    return services.committee_elect(
        actor=None,
        organisation=branch,
        elected_on=start,
        term_start=start,
        term_end=term_end,
        approval_ref="集团党委〔2023〕5号",
    )


def test_the_detail_has_the_committee_and_its_warnings(client: Client, world: Any) -> None:
    committee = elect(world.branch_a, term_end=add_months(today(), 3))
    services.committee_seat_add(
        actor=None,
        committee=committee,
        member=world.member_in_a,
        post="secretary",
        start_on=committee.term_start,
    )

    body = login(client, world.secretary_a).get(f"/api/orgs/{world.branch_a.pk}").json()

    assert (body["code"], body["kind"], body["parent_code"]) == ("A", "branch", "G")
    assert (body["full_count"], body["member_count"]) == (1, 1)
    assert body["category_counts"]["正式党员"] == 1
    assert body["committee"] == {
        "id": committee.pk,
        "elected_on": committee.elected_on.isoformat(),
        "term_start": committee.term_start.isoformat(),
        "term_end": committee.term_end.isoformat(),
        "approval_ref": "集团党委〔2023〕5号",
        "seats": [
            {
                "post": "secretary",
                "post_label": "书记",
                "member_id": world.member_in_a.pk,
                "member_name": "甲党员",
                "start_on": committee.term_start.isoformat(),
                "end_on": None,
            }
        ],
    }
    warnings = {w["rule"]: w for w in body["warnings"]}
    assert set(warnings) == {"A-1", "A-3"}
    assert warnings["A-1"] == {
        "level": "danger",
        "message": "正式党员1人，少于3人，不符合成立党支部的条件",
        "rule": "A-1",
    }
    assert warnings["A-3"]["level"] == "warning"
    assert "请做好换届准备" in warnings["A-3"]["message"]


def test_a_branch_without_a_committee(client: Client, world: Any) -> None:
    body = login(client, world.officer).get(f"/api/orgs/{world.branch_b.pk}").json()

    assert body["committee"] is None
    assert [w["rule"] for w in body["warnings"]] == ["A-1"]


def test_a_group_counts_its_own_people(client: Client, world: Any) -> None:
    make_member(world.branch_a, "不在小组")

    body = login(client, world.secretary_a).get(f"/api/orgs/{world.group_a1.pk}").json()

    assert (body["kind"], body["member_count"], body["full_count"]) == ("group", 1, 1)
    assert body["warnings"] == [] and body["committee"] is None


# -- query counts: constant in the number of rows --------------------------------------------------


@pytest.fixture
def crowd(world: Any) -> list[Organisation]:
    """Three branches of 40 members in two groups each, every branch with a full committee."""
    branch_d = make_org("D", "branch", world.general_branch, name="第四党支部")
    branches = [world.branch_a, world.branch_b, branch_d]
    for branch in branches:
        groups = [make_org(f"{branch.code}G{n}", "group", branch) for n in (1, 2)]
        people = [make_member(branch, f"{branch.code}党员{n:02d}", group=groups[n % 2]) for n in range(40)]
        committee = elect(branch, term_end=add_years(today(), 2))
        posts = [
            "secretary",
            "deputy_secretary",
            "organisation_officer",
            "publicity_officer",
            "discipline_officer",
        ]
        for person, post in zip(people, posts, strict=False):
            services.committee_seat_add(
                actor=None, committee=committee, member=person, post=post, start_on=committee.term_start
            )
    return branches


def test_the_list_takes_five_queries_whatever_the_rows(
    client: Client, world: Any, crowd: list[Organisation], django_assert_num_queries: Any
) -> None:
    login(client, world.officer)
    client.get("/api/me")  # the idle-timeout stamp is written at most once a minute: write it now

    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the user's roles (scoping), 4 COUNT of the list, 5 the page's
        # organisations with their parent (select_related) and member counts (subqueries)
        body = client.get("/api/orgs?page_size=500").json()
    assert body["count"] == 12
    counts = {i["code"]: i["member_count"] for i in body["items"]}
    assert (counts["C"], counts["G"], counts["A"], counts["AG1"], counts["D"]) == (122, 81, 41, 20, 40)

    login(client, world.secretary_b)
    client.get("/api/me")
    with django_assert_num_queries(5):
        assert client.get("/api/orgs").json()["count"] == 3


def test_the_detail_takes_ten_queries_whatever_the_size(
    client: Client, world: Any, crowd: list[Organisation], django_assert_num_queries: Any
) -> None:
    login(client, world.officer)
    client.get("/api/me")

    with django_assert_num_queries(10):
        # 1 session, 2 user, 3 roles, 4 the organisation with its parent, 5 its committees,
        # 6 the current committee's seats with their members, 7 member counts by category,
        # 8 its groups, 9 member counts by group, 10 the rules in force (zhibu.rulebook)
        body = client.get(f"/api/orgs/{world.branch_b.pk}").json()
    assert len(body["committee"]["seats"]) == 5
    assert body["member_count"] == 41
    assert [w["rule"] for w in body["warnings"]] == []
