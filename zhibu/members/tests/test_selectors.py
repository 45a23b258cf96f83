"""Reads of the registry: the list filter `member_search` and `members_of_branch_on`, the "expected
members on a date" of SPEC §8."""

import datetime as dt
from typing import Any

import pytest

from zhibu.members import services
from zhibu.members.selectors import member_search, members_of_branch_on
from zhibu.members.tests.factories import make_member
from zhibu.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db

D = dt.date


def names(qs: Any) -> list[str]:
    return sorted(m.name for m in qs)


# ---------------------------------------------------------------- member_search


@pytest.fixture
def registry(world: Any) -> Any:
    """A: 甲党员 (group A1), 张伟 (A1, mobile), 李娜 (probationary), 王强 (activist, lost contact);
    B: 乙党员, 张敏 (transferred out)."""
    make_member(
        world.branch_a,
        "张伟",
        group=world.group_a1,
        is_mobile=True,
        mobile_destination="深圳",
        phone="13912345678",
        post="加油站站长",
    )
    make_member(world.branch_a, "李娜", category="probationary")
    make_member(
        world.branch_a, "王强", category="activist", is_lost_contact=True, lost_contact_on=D(2025, 1, 1)
    )
    gone = make_member(world.branch_b, "张敏")
    services.member_transfer(
        actor=None, member=gone, kind="out", transferred_on=D(2026, 1, 1), outside_organisation="外单位"
    )
    return world


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["乙党员", "张伟", "李娜", "王强", "甲党员"]),
        ({"q": "张"}, ["张伟"]),
        ({"q": " 13912345678 "}, ["张伟"]),
        ({"q": "站长"}, ["张伟"]),
        ({"category": "probationary"}, ["李娜"]),
        ({"category": "nonsense"}, ["乙党员", "张伟", "李娜", "王强", "甲党员"]),
        ({"mobile": "1"}, ["张伟"]),
        ({"lost": "1"}, ["王强"]),
        ({"inactive": "1"}, ["乙党员", "张伟", "张敏", "李娜", "王强", "甲党员"]),
        ({"inactive": "1", "q": "张"}, ["张伟", "张敏"]),
        ({"standing": "normal", "category": "full"}, ["乙党员", "张伟", "甲党员"]),
    ],
)
def test_member_search_filters(registry: Any, params: dict[str, str], expected: list[str]) -> None:
    assert names(member_search(registry.officer, params)) == sorted(expected)


def test_search_by_the_full_id_number(registry: Any) -> None:
    number = registry.member_in_b.id_number
    assert names(member_search(registry.officer, {"q": number.lower()})) == ["乙党员"]
    # A part of the number finds nobody: the number is not a search field, only an exact key.
    assert names(member_search(registry.officer, {"q": number[:10]})) == []


def test_branch_filter_includes_the_branchs_groups_and_the_subtree(registry: Any) -> None:
    world = registry
    in_a = ["张伟", "李娜", "王强", "甲党员"]
    assert names(member_search(world.officer, {"branch": str(world.branch_a.pk)})) == sorted(in_a)
    assert names(member_search(world.officer, {"branch": str(world.group_a1.pk)})) == ["张伟", "甲党员"]
    assert names(member_search(world.officer, {"branch": str(world.general_branch.pk)})) == sorted(in_a)
    everyone = ["乙党员", *in_a]
    assert names(member_search(world.officer, {"branch": str(world.committee.pk)})) == sorted(everyone)
    assert names(member_search(world.officer, {"branch": str(world.branch_b.pk)})) == ["乙党员"]


def test_branch_filter_reaches_any_depth(registry: Any) -> None:
    world = registry
    sub = make_org("S", "party_committee", world.committee)
    general = make_org("SG", "general_branch", sub)
    deep = make_org("SGB", "branch", general)
    make_member(deep, "赵深")
    assert names(member_search(world.officer, {"branch": str(sub.pk)})) == ["赵深"]


def test_branch_filter_with_a_bad_value(registry: Any) -> None:
    world = registry
    assert names(member_search(world.officer, {"branch": "999999"})) == []
    assert len(member_search(world.officer, {"branch": "abc"})) == 5


def test_search_never_leaves_the_scope(registry: Any) -> None:
    world = registry
    assert names(member_search(world.secretary_a, {})) == ["张伟", "李娜", "王强", "甲党员"]
    assert names(member_search(world.secretary_a, {"branch": str(world.branch_b.pk)})) == []
    assert names(member_search(world.secretary_a, {"q": world.member_in_b.id_number})) == []
    assert names(member_search(world.outsider, {})) == []
    assert names(member_search(world.admin, {})) == []  # the system admin does not read the registry


def test_search_is_ordered_by_branch_then_name(registry: Any) -> None:
    world = registry
    assert [m.branch for m in member_search(world.officer, {})][-1] == world.branch_b  # A's path sorts first


# ---------------------------------------------------------------- members_of_branch_on


def test_members_of_branch_on_counts_full_and_probationary_only(world: Any) -> None:
    make_member(world.branch_a, "预备", category="probationary", joined_on=D(2025, 7, 1))
    make_member(world.branch_a, "积极分子", category="activist", start_on=D(2020, 1, 1))
    make_member(world.branch_a, "申请人", category="applicant", start_on=D(2020, 1, 1))
    assert names(members_of_branch_on(world.branch_a.pk, D(2026, 1, 1))) == ["甲党员", "预备"]
    assert names(members_of_branch_on(world.branch_b.pk, D(2026, 1, 1))) == ["乙党员"]


def test_a_full_member_counts_from_the_joined_date(world: Any) -> None:
    # 甲党员 joined 2010-07-01 and converted 2011-07-01: a probationary member in between.
    assert names(members_of_branch_on(world.branch_a.pk, D(2010, 6, 30))) == []
    assert names(members_of_branch_on(world.branch_a.pk, D(2010, 7, 1))) == ["甲党员"]
    assert names(members_of_branch_on(world.branch_a.pk, D(2011, 1, 1))) == ["甲党员"]


@pytest.mark.parametrize(
    ("on", "in_a", "in_b"),
    [
        (D(2026, 3, 31), True, False),  # transferred the day after
        (D(2026, 4, 1), False, True),  # transferred that day: already in the new branch
        (D(2026, 4, 2), False, True),  # transferred the day before
    ],
)
def test_a_transferred_member_counts_in_one_branch_on_each_day(
    world: Any, on: dt.date, in_a: bool, in_b: bool
) -> None:
    services.member_transfer(
        actor=None,
        member=world.member_in_a,
        kind="internal",
        transferred_on=D(2026, 4, 1),
        to_branch=world.branch_b,
    )
    assert ("甲党员" in names(members_of_branch_on(world.branch_a.pk, on))) is in_a
    assert ("甲党员" in names(members_of_branch_on(world.branch_b.pk, on))) is in_b


@pytest.mark.parametrize(("on", "counted"), [(D(2026, 3, 31), True), (D(2026, 4, 1), False)])
def test_a_member_transferred_out_stops_counting(world: Any, on: dt.date, counted: bool) -> None:
    services.member_transfer(
        actor=None,
        member=world.member_in_a,
        kind="out",
        transferred_on=D(2026, 4, 1),
        outside_organisation="外单位",
    )
    assert ("甲党员" in names(members_of_branch_on(world.branch_a.pk, on))) is counted


def test_a_deceased_member_stops_counting_on_the_date(world: Any) -> None:
    services.member_change_status(
        actor=None,
        member=world.member_in_a,
        field="standing",
        new_value="deceased",
        effective_on=D(2026, 2, 1),
        reason="病故",
    )
    assert names(members_of_branch_on(world.branch_a.pk, D(2026, 1, 31))) == ["甲党员"]
    assert names(members_of_branch_on(world.branch_a.pk, D(2026, 2, 1))) == []


def test_an_activist_admitted_later_counts_from_the_joined_date_as_probationary(world: Any) -> None:
    person = make_member(world.branch_a, "丙", category="activist", start_on=D(2024, 1, 1))
    services.member_change_status(
        actor=None,
        member=person,
        field="category",
        new_value="probationary",
        effective_on=D(2025, 6, 1),
        reason="支部大会决议",
    )
    assert "丙" not in names(members_of_branch_on(world.branch_a.pk, D(2025, 5, 31)))
    assert "丙" in names(members_of_branch_on(world.branch_a.pk, D(2025, 6, 1)))
    services.member_change_status(
        actor=None,
        member=person,
        field="category",
        new_value="full",
        effective_on=D(2026, 6, 1),
        reason="按期转正",
    )
    assert "丙" in names(members_of_branch_on(world.branch_a.pk, D(2025, 12, 1)))
    assert "丙" in names(members_of_branch_on(world.branch_a.pk, D(2026, 7, 1)))


def test_members_of_a_group_on_a_date(world: Any) -> None:
    other = make_member(world.branch_a, "丁")
    services.member_update(actor=None, member=other, group=world.group_a1, effective_on=D(2026, 3, 1))
    on_group = members_of_branch_on(world.branch_a.pk, D(2026, 2, 1), group_id=world.group_a1.pk)
    assert names(on_group) == ["甲党员"]
    on_group = members_of_branch_on(world.branch_a.pk, D(2026, 3, 1), group_id=world.group_a1.pk)
    assert names(on_group) == ["丁", "甲党员"]


def test_members_of_branch_on_is_one_query(world: Any, django_assert_num_queries: Any) -> None:
    for i in range(5):
        make_member(world.branch_a, f"党员{i}")
    with django_assert_num_queries(1):
        assert len(list(members_of_branch_on(world.branch_a.pk, D(2026, 1, 1)))) == 6


def test_a_member_whose_standing_is_stopped_is_not_expected(world: Any) -> None:
    """SPEC §8 "expected": a member whose 党籍 was stopped (停止党籍) is no longer counted from that date."""
    lost = make_member(world.branch_a, "失联者")
    services.member_change_status(
        actor=None,
        member=lost,
        field="standing",
        new_value="suspended",
        effective_on=dt.date(2026, 6, 1),
        reason="失联超过6个月，支部大会决定停止党籍",
    )
    names = lambda on: {m.name for m in members_of_branch_on(world.branch_a.pk, on)}  # noqa: E731
    assert "失联者" in names(dt.date(2026, 5, 31))
    assert "失联者" not in names(dt.date(2026, 6, 1))
