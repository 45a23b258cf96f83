"""Reads of the tree and the ORG-2 warnings (RULES A-1…A-4). `committee_warnings` is pure: the
boundary cases are tested on unsaved objects, then `branch_overview` and the summary on the database."""

import datetime as dt
from typing import Any

import pytest

from zhibu.lib.rules import RuleSet
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services
from zhibu.orgs.models import BranchCommittee, CommitteeMember, Organisation
from zhibu.orgs.selectors import branch_overview, branch_warnings_summary, committee_warnings, visible_tree
from zhibu.orgs.tests.factories import make_org

# The defaults of the catalogue, without the database: committee_warnings stays a pure function.
DEFAULT_RULES = RuleSet(2026, {})

D = dt.date
ON = D(2026, 3, 15)
CONVERTED = D(2010, 1, 1)
TERM_END = D(2028, 1, 1)
BRANCH = Organisation(kind="branch", name="测试党支部", path="/1/")


def seat(
    post: str, converted_on: dt.date | None = CONVERTED, *, ended: bool = False, name: str = "张三"
) -> CommitteeMember:
    member = Member(name=name, converted_on=converted_on)
    return CommitteeMember(
        post=post, member=member, start_on=D(2024, 1, 1), end_on=D(2025, 1, 1) if ended else None
    )


FULL_SEATS = [
    seat("secretary"),
    seat("organisation_officer"),
    seat("publicity_officer"),
    seat("discipline_officer"),
]


def committee(term_end: dt.date = TERM_END) -> BranchCommittee:
    return BranchCommittee(term_start=D(2025, 1, 1), term_end=term_end, elected_on=D(2025, 1, 1))


def rules(warnings: list[Any]) -> list[str]:
    return [w.rule for w in warnings]


def messages(warnings: list[Any]) -> list[str]:
    return [w.message for w in warnings]


def test_a_healthy_branch_has_no_warning() -> None:
    assert committee_warnings(BRANCH, committee(), FULL_SEATS, 7, 9, on=ON, rules=DEFAULT_RULES) == []


def test_an_expired_term_is_a_danger() -> None:
    [warning] = committee_warnings(
        BRANCH, committee(D(2026, 3, 14)), FULL_SEATS, 7, 9, on=ON, rules=DEFAULT_RULES
    )
    assert (warning.level, warning.rule) == ("danger", "A-3")
    assert warning.message == "委员会任期已于2026年3月14日届满，应按期换届"


def test_the_last_day_of_the_term_is_not_yet_expired_but_warned() -> None:
    [warning] = committee_warnings(BRANCH, committee(ON), FULL_SEATS, 7, 9, on=ON, rules=DEFAULT_RULES)
    assert (warning.level, warning.rule) == ("warning", "A-3")
    assert "将于2026年3月15日届满" in warning.message


@pytest.mark.parametrize(
    ("term_end", "on", "warned"),
    [
        (D(2026, 9, 15), D(2026, 3, 15), True),  # exactly 6 months before the term end
        (D(2026, 9, 15), D(2026, 3, 14), False),  # one day earlier
        (D(2026, 8, 31), D(2026, 2, 28), True),  # 6 months before 31 August is 28 February
        (D(2026, 8, 31), D(2026, 2, 27), False),
        (D(2028, 8, 31), D(2028, 2, 29), True),  # leap year
        (D(2028, 8, 31), D(2028, 2, 28), False),
    ],
)
def test_the_six_month_reminder_boundary(term_end: dt.date, on: dt.date, warned: bool) -> None:
    warnings = committee_warnings(BRANCH, committee(term_end), FULL_SEATS, 7, 9, on=on, rules=DEFAULT_RULES)
    assert rules(warnings) == (["A-3"] if warned else [])


def test_seven_full_members_need_a_committee_six_do_not() -> None:
    [warning] = committee_warnings(BRANCH, None, [], 7, 7, on=ON, rules=DEFAULT_RULES)
    assert (warning.level, warning.rule) == ("danger", "A-2")
    assert warning.message == "正式党员7人（≥7），应选举产生支部委员会"
    assert committee_warnings(BRANCH, None, [], 6, 6, on=ON, rules=DEFAULT_RULES) == []


@pytest.mark.parametrize(("size", "warned"), [(2, True), (3, False), (5, False), (7, False), (8, True)])
def test_the_committee_size_is_three_to_seven(size: int, warned: bool) -> None:
    seats = [*FULL_SEATS, *(seat("other") for _ in range(4))][:size]
    warnings = [
        w
        for w in committee_warnings(BRANCH, committee(), seats, 9, 9, on=ON, rules=DEFAULT_RULES)
        if w.rule == "A-2"
    ]
    if warned:
        assert messages(warnings) == [f"委员会现有委员{size}人，一般应为3至5人，最多7人"]
    else:
        assert warnings == []


def test_ended_seats_do_not_count() -> None:
    seats = [*FULL_SEATS[:2], seat("publicity_officer", ended=True), seat("discipline_officer", ended=True)]
    warnings = committee_warnings(BRANCH, committee(), seats, 7, 9, on=ON, rules=DEFAULT_RULES)
    assert "委员会现有委员2人，一般应为3至5人，最多7人" in messages(warnings)
    assert "委员会缺少：宣传委员、纪检委员" in messages(warnings)


def test_missing_core_posts_are_named() -> None:
    seats = [seat("secretary"), seat("deputy_secretary"), seat("other")]
    [warning] = committee_warnings(BRANCH, committee(), seats, 7, 9, on=ON, rules=DEFAULT_RULES)
    assert (warning.rule, warning.message) == ("ORG-2", "委员会缺少：组织委员、宣传委员、纪检委员")


def test_below_seven_full_members_size_and_posts_are_not_checked() -> None:
    # A small branch has a secretary instead of a committee (RULES A-2).
    assert (
        committee_warnings(BRANCH, committee(), [seat("secretary")], 6, 6, on=ON, rules=DEFAULT_RULES) == []
    )


def test_a_vacant_secretary_is_a_danger() -> None:
    seats = [seat("secretary", ended=True), *FULL_SEATS[1:]]
    warnings = committee_warnings(BRANCH, committee(), seats, 7, 9, on=ON, rules=DEFAULT_RULES)
    assert ("danger", "书记空缺") in [(w.level, w.message) for w in warnings]


@pytest.mark.parametrize(
    ("converted_on", "warned"),
    [(D(2025, 3, 15), False), (D(2025, 3, 16), True), (None, True)],
)
def test_the_secretary_needs_one_year_of_party_standing(converted_on: dt.date | None, warned: bool) -> None:
    seats = [seat("secretary", converted_on, name="李四")]
    warnings = committee_warnings(BRANCH, committee(), seats, 5, 5, on=ON, rules=DEFAULT_RULES)
    assert messages(warnings) == (["书记李四党龄不足1年"] if warned else [])
    assert rules(warnings) == (["A-4"] if warned else [])


@pytest.mark.parametrize(("full", "warned"), [(2, True), (3, False)])
def test_a_branch_needs_three_full_members(full: int, warned: bool) -> None:
    warnings = [
        w
        for w in committee_warnings(BRANCH, None, [], full, full, on=ON, rules=DEFAULT_RULES)
        if w.rule == "A-1"
    ]
    assert messages(warnings) == ([f"正式党员{full}人，少于3人，不符合成立党支部的条件"] if warned else [])
    assert all(w.level == "danger" for w in warnings)


@pytest.mark.parametrize(("members", "warned"), [(50, False), (51, True)])
def test_a_branch_over_fifty_members_should_split(members: int, warned: bool) -> None:
    warnings = [
        w
        for w in committee_warnings(BRANCH, committee(), FULL_SEATS, 40, members, on=ON, rules=DEFAULT_RULES)
        if w.rule == "A-1"
    ]
    assert messages(warnings) == (["党员51人，超过50人，一般应分设党支部"] if warned else [])


def test_size_rules_apply_to_branches_only() -> None:
    general = Organisation(kind="general_branch", name="党总支", path="/1/")
    assert committee_warnings(general, committee(), FULL_SEATS, 2, 60, on=ON, rules=DEFAULT_RULES) == []
    group = Organisation(kind="group", name="党小组", path="/1/2/")
    assert committee_warnings(group, None, [], 9, 9, on=ON, rules=DEFAULT_RULES) == []


# ---------------------------------------------------------------- on the database


@pytest.mark.django_db
def test_branch_overview_counts_and_warns(world: Any) -> None:
    for i in range(6):
        make_member(world.branch_a, f"正式{i}", group=world.group_a1 if i % 2 else None)
    make_member(world.branch_a, "预备", category="probationary", group=world.group_a1)
    make_member(world.branch_a, "积极分子", category="activist")
    old = services.committee_elect(actor=None, organisation=world.branch_a, elected_on=D(2020, 1, 1))
    current = services.committee_elect(actor=None, organisation=world.branch_a, elected_on=D(2023, 1, 1))
    overview = branch_overview(world.branch_a, on=D(2026, 11, 1))
    assert (overview.full_count, overview.member_count) == (7, 8)  # 甲党员 + 6 full; + 1 probationary
    assert overview.category_counts["正式党员"] == 7
    assert overview.category_counts["入党积极分子"] == 1
    assert overview.committee == current
    assert overview.past_committees == [old]
    assert [(g, g.group_member_count) for g in overview.groups] == [(world.group_a1, 5)]
    assert rules(overview.warnings) == [
        "A-3",
        "A-2",
        "ORG-2",
        "ORG-2",
    ]  # term soon, size 0, no posts, no secretary


@pytest.mark.django_db
def test_branch_overview_leaves_out_members_no_longer_registered(world: Any) -> None:
    from zhibu.members.services import member_transfer

    gone = make_member(world.branch_a, "已转出")
    member_transfer(
        actor=None, member=gone, kind="out", transferred_on=D(2026, 1, 1), outside_organisation="外单位"
    )
    assert branch_overview(world.branch_a).full_count == 1


@pytest.mark.django_db
def test_a_group_overview_counts_the_group(world: Any) -> None:
    overview = branch_overview(world.group_a1)
    assert (overview.full_count, overview.member_count) == (1, 1)
    assert overview.warnings == []


@pytest.mark.django_db
def test_visible_tree_is_the_users_subtree_with_rolled_up_counts(world: Any) -> None:
    [root] = visible_tree(world.officer)
    assert root.org == world.committee
    assert [c.org for c in root.children] == [world.branch_b, world.general_branch]  # by code
    assert (root.member_count, root.children[1].member_count) == (2, 1)  # G rolls up A's member
    [mine] = visible_tree(world.secretary_a)
    assert mine.org == world.branch_a
    assert [c.org for c in mine.children] == [world.group_a1]
    assert visible_tree(world.outsider) == []
    assert visible_tree(world.auditor) == []


@pytest.mark.django_db
def test_visible_tree_hides_dissolved_organisations_unless_asked(world: Any) -> None:
    gone = make_org("E", "branch", world.committee)
    services.organisation_dissolve(actor=None, organisation=gone, dissolved_on=D(2026, 1, 1), reason="撤并")
    [root] = visible_tree(world.officer)
    assert gone not in [c.org for c in root.children]
    [root] = visible_tree(world.officer, include_inactive=True)
    assert gone in [c.org for c in root.children]


@pytest.mark.django_db
def test_visible_tree_is_one_query(world: Any, django_assert_num_queries: Any) -> None:
    make_org("B2", "branch", world.committee)
    user = world.officer
    visible_tree(user)  # loads the user's roles once (cached on the user for the request)
    with django_assert_num_queries(1):  # the organisations with their member counts
        visible_tree(user)


@pytest.mark.django_db
def test_branch_warnings_summary_in_four_queries(world: Any, django_assert_num_queries: Any) -> None:
    for i in range(3):
        branch = make_org(f"X{i}", "branch", world.committee)
        services.committee_elect(actor=None, organisation=branch, elected_on=D(2020, 1, 1))
    user = world.officer
    branch_warnings_summary(user)
    # 1 branches with counts, 2 current committees, 3 open seats with their members,
    # 4 the rules in force for the year (once, not per branch)
    with django_assert_num_queries(4):
        summary = branch_warnings_summary(user, on=D(2026, 11, 1))
    assert summary["branch_count"] == 5
    assert summary["member_count"] == 2
    rows = summary["with_warnings"]
    assert len(rows) == 5  # A and B have under 3 full members, the X branches too and an expired term
    assert rows[0]["branch"].code.startswith("X")
    assert "A-3" in rules(rows[0]["warnings"])


@pytest.mark.django_db
def test_branch_warnings_summary_is_scoped(world: Any) -> None:
    summary = branch_warnings_summary(world.secretary_b)
    assert [r["branch"] for r in summary["with_warnings"]] == [world.branch_b]
    assert summary["branch_count"] == 1
