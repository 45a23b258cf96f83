"""Goal pages, the API and the exports: good and bad input, scope, query counts."""

import datetime as dt
import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhibu.conftest import World
from zhibu.goals import services
from zhibu.goals.models import Aspect, Goal, GoalPlan, Level, Measure, ProgressUpdate
from zhibu.goals.tests.factories import YEAR, make_goal, make_plan, past
from zhibu.members.tests.factories import make_member


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def plan(world: World) -> GoalPlan:
    return make_plan(world.branch_a)


@pytest.fixture
def own_goal(world: World, plan: GoalPlan) -> Goal:
    return services.goal_create(
        actor=None,
        plan=plan,
        responsibility=True,
        member=world.member_in_a,
        aspect=Aspect.POLITICAL_LIFE,
        level=Level.ANNUAL,
        title="参加组织生活",
        measure=Measure.NUMBER,
        unit="次",
        target_value=D(12),
        due_on=dt.date(plan.year, 12, 31),
    )


@pytest.fixture
def other_goal(world: World, plan: GoalPlan) -> Goal:
    colleague = make_member(world.branch_a, "丙党员")
    annual = make_goal(plan, "安全生产")
    return make_goal(plan, "一季度检查", parent=annual, level=Level.QUARTERLY, owner=colleague)


def _grow(plan: GoalPlan, world: World, annuals: int, children: int) -> None:
    for a in range(annuals):
        annual = make_goal(plan, f"年度{a}", weight=D(1))
        for c in range(children):
            child = make_goal(plan, f"任务{a}-{c}", parent=annual, owner=world.member_in_a)
            ProgressUpdate.objects.create(goal=child, reported_on=past(1, 2), value=D(1), note="x")


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries)


class TestQueryCounts:
    def test_the_plan_tree_page_is_constant_in_the_number_of_goals(
        self, world: World, plan: GoalPlan, django_assert_num_queries: Any
    ) -> None:
        client = _client(world, "secretary_a")
        _grow(plan, world, 1, 1)
        client.get(f"/goals/plans/{plan.pk}/")  # warm up: the session's first request costs more
        small = _count(client, f"/goals/plans/{plan.pk}/")
        _grow(plan, world, 4, 6)
        # session, user, roles; plan; goals (with owner, member); updated ids; rules; review; next
        # plan; branch members (responsibility links) — whatever the number of goals
        with django_assert_num_queries(small):
            client.get(f"/goals/plans/{plan.pk}/")

    def test_the_goals_api_list_is_constant_in_the_number_of_goals(
        self, world: World, plan: GoalPlan, django_assert_num_queries: Any
    ) -> None:
        client = _client(world, "officer")
        _grow(plan, world, 1, 1)
        client.get("/api/goals")
        small = _count(client, "/api/goals")
        _grow(plan, world, 4, 6)
        with django_assert_num_queries(small):
            client.get("/api/goals")


class TestPlanPages:
    def test_the_tree_shows_progress_status_and_owner(self, world: World, plan: GoalPlan) -> None:
        annual = make_goal(plan, "党员学习教育", target_value=D(12))
        task = make_goal(plan, "一月集中学习", parent=annual, owner=world.member_in_a, target_value=D(4))
        services.progress_report(actor=None, goal=task, reported_on=past(1, 20), value=D(2), note="2次")
        page = _client(world, "secretary_a").get(f"/goals/plans/{plan.pk}/").content.decode()
        assert "党员学习教育" in page and "一月集中学习" in page
        assert "50.0%" in page and "甲党员" in page

    def test_it_says_when_weights_are_partial(self, world: World, plan: GoalPlan) -> None:
        annual = make_goal(plan)
        make_goal(plan, "a", parent=annual, owner=world.member_in_a, weight=D(2))
        make_goal(plan, "b", parent=annual, owner=world.member_in_a)
        page = _client(world, "secretary_a").get(f"/goals/plans/{plan.pk}/").content.decode()
        assert "部分子目标未设权重，按平均计算" in page

    def test_create_plan_and_goal_with_good_and_bad_input(self, world: World) -> None:
        client = _client(world, "secretary_a")
        response = client.post("/goals/plans/new/", {"organisation": world.branch_a.pk, "year": YEAR})
        plan = GoalPlan.objects.get(organisation=world.branch_a, year=YEAR)
        assert response.status_code == 302
        bad = client.post(
            f"/goals/plans/{plan.pk}/goals/new/",
            {
                "level": "annual",
                "title": "发展党员",
                "measure": "number",
                "unit": "",
                "due_on": f"{YEAR}-12-31",
            },
        )
        assert bad.status_code == 200
        assert "数量指标必须填写单位" in bad.content.decode()
        good = client.post(
            f"/goals/plans/{plan.pk}/goals/new/",
            {
                "level": "annual",
                "title": "发展党员",
                "measure": "number",
                "unit": "人",
                "target_value": "2",
                "due_on": f"{YEAR}-12-31",
                "sort_order": "0",
            },
        )
        assert good.status_code == 302
        assert plan.goals.get().title == "发展党员"

    def test_secretary_b_cannot_create_in_branch_a(self, world: World) -> None:
        response = _client(world, "secretary_b").post(
            "/goals/plans/new/", {"organisation": world.branch_a.pk, "year": YEAR}
        )
        assert response.status_code == 200
        assert not GoalPlan.objects.exists()

    def test_adopt_page_refuses_an_empty_plan(self, world: World, plan: GoalPlan) -> None:
        response = _client(world, "secretary_a").post(
            f"/goals/plans/{plan.pk}/adopt/", {"adopted_on": past(1, 5).isoformat(), "adopted_at": "党员大会"}
        )
        assert "还没有年度目标" in response.content.decode()

    def test_copy_page(self, world: World) -> None:
        old = make_plan(world.branch_a, year=YEAR - 1)
        make_goal(old, "老目标")
        response = _client(world, "secretary_a").post(f"/goals/plans/{old.pk}/copy/")
        new = GoalPlan.objects.get(organisation=world.branch_a, year=YEAR)
        assert response.status_code == 302 and new.goals.get().title == "老目标"

    def test_responsibility_page_sets_five_aspects(self, world: World, plan: GoalPlan) -> None:
        client = _client(world, "secretary_a")
        url = f"/goals/plans/{plan.pk}/members/{world.member_in_a.pk}/"
        data = {f"a{a}-measure": "number" for a in Aspect.values}
        data |= {
            "a1-title": "参加支部主题党日",
            "a1-unit": "次",
            "a1-target_value": "12",
            "a1-due_on": f"{YEAR}-12-31",
            "a5-title": "岗位安全无事故",
            "a5-measure": "deliverable",
            "a5-due_on": f"{YEAR}-12-31",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        goals = Goal.objects.filter(member=world.member_in_a).order_by("aspect")
        assert [g.aspect for g in goals] == [1, 5]
        assert all(g.owner == world.member_in_a for g in goals)
        bad = client.post(url, {**{f"a{a}-measure": "number" for a in Aspect.values}, "a2-title": "遵纪守法"})
        assert bad.status_code == 200 and "单位" in bad.content.decode()

    def test_responsibility_page_404_for_a_member_of_another_branch(
        self, world: World, plan: GoalPlan
    ) -> None:
        response = _client(world, "secretary_a").get(
            f"/goals/plans/{plan.pk}/members/{world.member_in_b.pk}/"
        )
        assert response.status_code == 404


class TestMemberPages:
    def test_mine_lists_own_goals_and_works_on_a_phone(
        self, world: World, own_goal: Goal, other_goal: Goal
    ) -> None:
        page = _client(world, "member_a").get("/goals/mine/").content.decode()
        assert "参加组织生活" in page and "一季度检查" not in page
        assert 'name="viewport"' in page and "填报进展" in page

    def test_member_reports_progress_on_own_goal_with_evidence(self, world: World, own_goal: Goal) -> None:
        client = _client(world, "member_a")
        response = client.post(
            f"/goals/{own_goal.pk}/progress/",
            {
                "reported_on": past(1, 10).isoformat(),
                "value": "3",
                "note": "参加3次",
                "next": "/goals/mine/",
                "files": [SimpleUploadedFile("照片.jpg", b"\xff\xd8jpg")],
            },
        )
        assert response.status_code == 302 and response["Location"] == "/goals/mine/"
        own_goal.refresh_from_db()
        assert own_goal.current_value == D(3)
        attachment = own_goal.updates.get().attachments.get()
        download = client.get(f"/goals/attachments/{attachment.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8jpg"
        assert _client(world, "secretary_b").get(f"/goals/attachments/{attachment.pk}/").status_code == 404
        assert _client(world, "outsider").get(f"/goals/attachments/{attachment.pk}/").status_code == 404

    def test_bad_progress_is_refused_with_the_rule(self, world: World, own_goal: Goal) -> None:
        response = _client(world, "member_a").post(
            f"/goals/{own_goal.pk}/progress/",
            {"reported_on": past(1, 10).isoformat(), "value": "-1", "note": "x"},
        )
        assert response.status_code == 422
        assert "不能为负数" in response.content.decode() or "大于或等于" in response.content.decode()
        bad_type = _client(world, "member_a").post(
            f"/goals/{own_goal.pk}/progress/",
            {
                "reported_on": past(1, 10).isoformat(),
                "value": "1",
                "note": "x",
                "files": [SimpleUploadedFile("a.exe", b"MZ")],
            },
        )
        assert "类型不允许" in bad_type.content.decode()

    def test_member_gets_404_on_someone_elses_goal(self, world: World, other_goal: Goal) -> None:
        client = _client(world, "member_a")
        assert client.get(f"/goals/{other_goal.pk}/").status_code == 404
        response = client.post(
            f"/goals/{other_goal.pk}/progress/",
            {"reported_on": past(1, 10).isoformat(), "value": "1", "note": "x"},
        )
        assert response.status_code == 404
        assert not other_goal.updates.exists()

    def test_home_page_shows_overdue_goals_to_the_secretary_and_due_goals_to_the_member(
        self, world: World, plan: GoalPlan, own_goal: Goal
    ) -> None:
        annual = make_goal(plan, "年度")
        Goal.objects.filter(pk=annual.pk).update(due_on=dt.date(YEAR, 1, 1))
        home = _client(world, "secretary_a").get("/").content.decode()
        assert "逾期和有风险的目标" in home and "年度" in home
        member_home = _client(world, "member_a").get("/").content.decode()
        assert "我的近期目标" in member_home


class TestExports:
    def test_plan_export_has_one_row_per_goal(self, world: World, plan: GoalPlan) -> None:
        annual = make_goal(plan, "年度目标A")
        make_goal(plan, "任务A1", parent=annual, owner=world.member_in_a)
        response = _client(world, "inspector").get(f"/goals/plans/{plan.pk}/export.xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("编号", "层级", "目标")
        assert [r[2] for r in rows[1:]] == ["年度目标A", "任务A1"]
        assert rows[2][9] == "甲党员" and rows[2][12] == "年度目标A"

    def test_member_export(self, world: World, own_goal: Goal) -> None:
        response = _client(world, "member_a").get("/goals/mine/export.xlsx")
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1][4] == "参加组织生活"

    def test_excellence_export(self, world: World) -> None:
        plan = services.excellence_plan_create(
            actor=None,
            organisation=world.branch_a,
            year=YEAR,
            adopted_on=past(1, 10),
            branch_aim="创先进",
            member_aim="争优秀",
            candidates=[world.member_in_a],
        )
        services.excellence_review_add(actor=None, plan=plan, reviewed_on=past(1, 11), findings="半年检查")
        response = _client(world, "officer").get(f"/goals/excellence/{plan.pk}/export.xlsx")
        book = load_workbook(io.BytesIO(response.content))
        assert book["创先争优规划"]["F2"].value == "甲党员"
        assert book["对照检查"]["B2"].value == "半年检查"


class TestApi:
    def test_plan_detail_has_the_tree(self, world: World, plan: GoalPlan) -> None:
        annual = make_goal(plan, "年度")
        child = make_goal(plan, "任务", parent=annual, owner=world.member_in_a)
        services.progress_report(actor=None, goal=child, reported_on=past(1, 3), value=D(5), note="5")
        data = _client(world, "rater").get(f"/api/goals/plans/{plan.pk}").json()
        assert data["goals"][0]["title"] == "年度"
        assert data["goals"][0]["children"][0]["progress_percent"] == "50.0"
        assert data["organisation_name"] == world.branch_a.name

    def test_list_filters(self, world: World, own_goal: Goal, other_goal: Goal) -> None:
        client = _client(world, "secretary_a")
        mine = _client(world, "member_a").get("/api/goals?mine=true").json()["items"]
        assert [g["id"] for g in mine] == [own_goal.pk]
        by_owner = client.get(f"/api/goals?owner={other_goal.owner_id}").json()["items"]
        assert [g["id"] for g in by_owner] == [other_goal.pk]
        every_goal = client.get("/api/goals").json()["items"]
        status = every_goal[0]["status"]
        filtered = client.get(f"/api/goals?status={status}").json()["items"]
        assert {g["id"] for g in filtered} == {g["id"] for g in every_goal if g["status"] == status}
        assert client.get("/api/goals?status=nonsense").json()["count"] == 0
        assert _client(world, "secretary_b").get("/api/goals").json()["count"] == 0

    def test_progress_post_and_422(self, world: World, own_goal: Goal) -> None:
        client = _client(world, "member_a")
        url = f"/api/goals/{own_goal.pk}/progress"
        bad = client.post(
            url, {"reported_on": past(1, 3).isoformat(), "note": "x"}, content_type="application/json"
        )
        assert bad.status_code == 422
        problem = bad.json()["detail"][0]
        assert (
            problem["field"] == "value" and problem["label"] == "完成值" and "必须填写" in problem["message"]
        )
        good = client.post(
            url,
            {"reported_on": past(1, 3).isoformat(), "value": "12", "note": "全年完成"},
            content_type="application/json",
        )
        assert good.status_code == 201
        assert good.json()["status"] == "done" and good.json()["updates"][0]["note"] == "全年完成"

    def test_member_posting_on_someone_elses_goal_gets_404(self, world: World, other_goal: Goal) -> None:
        response = _client(world, "member_a").post(
            f"/api/goals/{other_goal.pk}/progress",
            {"reported_on": past(1, 3).isoformat(), "value": "1", "note": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404
