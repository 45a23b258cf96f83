"""GOAL-1 with "enter once": a plan adopted at a 党员大会 recorded in 组织生活 takes its date and
topic from that meeting."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.conftest import World
from zhibu.goals import services
from zhibu.goals.models import GoalPlan
from zhibu.goals.tests.factories import YEAR, make_goal, make_plan, past
from zhibu.meetings.services import meeting_record


def test_the_plan_takes_date_and_topic_from_the_recorded_meeting(world: World) -> None:
    plan = make_plan(world.branch_a)
    make_goal(plan)
    meeting = meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=past(1, 15),
        topic=f"{YEAR}年第一次党员大会：审议年度目标",
    )
    services.plan_adopt(actor=world.secretary_a, plan=plan, meeting=meeting)
    plan.refresh_from_db()
    assert (plan.status, plan.adopted_on, plan.adopted_at) == ("adopted", meeting.held_on, meeting.topic)
    assert plan.adopted_meeting == meeting


@pytest.mark.parametrize("kind", ["party_lesson", "general_meeting@B"])
def test_only_a_general_meeting_of_the_same_branch_adopts(world: World, kind: str) -> None:
    plan = make_plan(world.branch_a)
    make_goal(plan)
    organisation = world.branch_b if kind.endswith("@B") else world.branch_a
    meeting = meeting_record(
        actor=None, organisation=organisation, kind=kind.split("@")[0], held_on=past(1, 15), topic="会议"
    )
    with pytest.raises(ValidationError, match="应为第一党支部的党员大会"):
        services.plan_adopt(actor=None, plan=plan, meeting=meeting)
    assert GoalPlan.objects.get(pk=plan.pk).status == "draft"


def test_the_adopt_page_offers_the_branch_general_meetings(client: Any, world: World) -> None:
    plan = make_plan(world.branch_a)
    make_goal(plan)
    meeting = meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=past(1, 15),
        topic="年初党员大会",
    )
    client.force_login(world.secretary_a)
    page = client.get(f"/goals/plans/{plan.pk}/adopt/").content.decode()
    assert "年初党员大会" in page
    response = client.post(f"/goals/plans/{plan.pk}/adopt/", {"meeting": meeting.pk})
    assert response.status_code == 302
    assert GoalPlan.objects.get(pk=plan.pk).adopted_meeting == meeting
    empty = make_plan(world.branch_b)
    make_goal(empty)
    client.force_login(world.secretary_b)
    refused = client.post(f"/goals/plans/{empty.pk}/adopt/", {"adopted_at": ""})
    assert "请选择已记录的党员大会，或填写会议日期" in refused.content.decode()
