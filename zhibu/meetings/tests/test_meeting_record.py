"""meeting_record: attendance rows for exactly the expected members (SPEC §8, §13)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.meetings.models import Attendance, Meeting
from zhibu.meetings.rules import vote_outcome
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members import services as member_services
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services as org_services

D = dt.date


def test_everyone_expected_is_present_unless_marked(world: Any) -> None:
    other = make_member(world.branch_a, "丙党员")
    make_member(world.branch_a, "积极分子", category="activist")  # not expected: not yet a member
    meeting = meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=D(2026, 3, 10),
        topic="一季度党员大会",
        exceptions={other.pk: Absence(status="on_leave", reason="出差")},
    )
    rows = {a.member.name: a for a in meeting.attendances.select_related("member")}
    assert set(rows) == {"甲党员", "丙党员"}
    assert rows["甲党员"].status == Attendance.Status.PRESENT
    assert (rows["丙党员"].status, rows["丙党员"].reason) == ("on_leave", "出差")


def test_expected_follows_the_meeting_date_not_today(world: Any) -> None:
    mover = make_member(world.branch_a, "调动党员")
    member_services.member_transfer(
        actor=None, member=mover, kind="internal", transferred_on=D(2026, 5, 1), to_branch=world.branch_b
    )
    before = meeting_record(
        actor=None, organisation=world.branch_a, kind="party_lesson", held_on=D(2026, 4, 30), topic="党课一"
    )
    after = meeting_record(
        actor=None, organisation=world.branch_a, kind="party_lesson", held_on=D(2026, 5, 1), topic="党课二"
    )
    assert "调动党员" in {a.member.name for a in before.attendances.all()}
    assert "调动党员" not in {a.member.name for a in after.attendances.all()}


def test_committee_and_group_meetings_expect_their_own_people(world: Any) -> None:
    seat_holder = make_member(world.branch_a, "支委")
    committee = org_services.committee_elect(
        actor=None, organisation=world.branch_a, elected_on=D(2025, 1, 1)
    )
    org_services.committee_seat_add(
        actor=None, committee=committee, member=seat_holder, post="secretary", start_on=D(2025, 1, 1)
    )
    committee_meeting = meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="committee_meeting",
        held_on=D(2026, 2, 2),
        topic="支委会",
    )
    assert [a.member.name for a in committee_meeting.attendances.all()] == ["支委"]
    group_meeting = meeting_record(
        actor=None, organisation=world.group_a1, kind="group_meeting", held_on=D(2026, 2, 3), topic="小组会"
    )
    assert [a.member.name for a in group_meeting.attendances.all()] == ["甲党员"]


def test_bad_meetings_are_refused_and_nothing_is_saved(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        meeting_record(
            actor=None,
            organisation=world.branch_a,
            kind="group_meeting",
            held_on=D(2026, 2, 3),
            topic="小组会",
        )
    assert "党小组会应记录在党小组下" in str(caught.value)
    with pytest.raises(ValidationError, match="不在应到人员之中"):
        meeting_record(
            actor=None,
            organisation=world.branch_a,
            kind="general_meeting",
            held_on=D(2026, 2, 3),
            topic="大会",
            exceptions={world.member_in_b.pk: Absence(status="absent")},
        )
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("entitled", "present", "votes_for", "quorate", "passed"),
    [
        (10, 5, 5, False, False),
        (10, 6, 5, True, False),
        (10, 6, 6, True, True),
        (9, 5, 5, True, True),
        (9, 5, 4, True, False),
        (1, 1, 1, True, True),
    ],
)
def test_quorum_and_majority_of_those_entitled(
    entitled: int, present: int, votes_for: int, quorate: bool, passed: bool
) -> None:
    outcome = vote_outcome(entitled=entitled, present=present, votes_for=votes_for)
    assert (outcome.quorate, outcome.passed) == (quorate, passed)
