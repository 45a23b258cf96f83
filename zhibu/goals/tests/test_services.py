"""Goal services: each refusal of goal_problems, adoption, copy to next year, progress reports with
their evidence rules, year-end records and 创先争优 (GOAL-1…7)."""

import datetime as dt
import hashlib
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.goals import services
from zhibu.goals.models import Aspect, Goal, GoalPlan, Level, Measure
from zhibu.goals.selectors import plan_tree
from zhibu.goals.tests.factories import YEAR, make_goal, make_plan, past
from zhibu.lib.dates import today
from zhibu.members.tests.factories import make_member


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plan(world: World) -> GoalPlan:
    return make_plan(world.branch_a)


def _refused(plan: GoalPlan, field: str, fragment: str, **data: Any) -> None:
    values: dict[str, Any] = {
        "level": Level.ANNUAL,
        "title": "目标",
        "measure": Measure.NUMBER,
        "unit": "次",
        "target_value": D(10),
        "due_on": dt.date(plan.year, 12, 31),
    } | data
    with pytest.raises(ValidationError) as caught:
        services.goal_create(actor=None, plan=plan, **values)
    messages = caught.value.message_dict
    assert field in messages, messages
    assert fragment in messages[field][0]


class TestGoalValidation:
    def test_a_valid_goal_is_saved_and_audited(self, plan: GoalPlan) -> None:
        goal = make_goal(plan, "三会一课")
        assert goal.pk and goal.plan == plan
        assert AuditEvent.objects.filter(object_type="goals.goal", object_id=str(goal.pk)).exists()

    def test_missing_measure(self, plan: GoalPlan) -> None:
        _refused(plan, "measure", "衡量方式", measure="")

    def test_number_without_unit(self, plan: GoalPlan) -> None:
        _refused(plan, "unit", "单位", unit="")

    def test_number_without_target(self, plan: GoalPlan) -> None:
        _refused(plan, "target_value", "大于0", target_value=None)

    def test_number_with_zero_target(self, plan: GoalPlan) -> None:
        _refused(plan, "target_value", "大于0", target_value=D(0))

    def test_deliverable_with_a_target(self, plan: GoalPlan) -> None:
        _refused(plan, "target_value", "不填目标值", measure=Measure.DELIVERABLE, unit="")

    def test_missing_due_date(self, plan: GoalPlan) -> None:
        _refused(plan, "due_on", "必须填写", due_on=None)

    def test_due_date_outside_the_year(self, plan: GoalPlan) -> None:
        _refused(plan, "due_on", f"{plan.year}年内", due_on=dt.date(plan.year + 1, 1, 1))

    def test_start_after_due(self, plan: GoalPlan) -> None:
        _refused(
            plan,
            "start_on",
            "不能晚于完成日期",
            start_on=dt.date(plan.year, 6, 2),
            due_on=dt.date(plan.year, 6, 1),
        )

    def test_child_due_after_its_parent(self, world: World, plan: GoalPlan) -> None:
        parent = make_goal(plan, due_on=dt.date(plan.year, 6, 30))
        _refused(
            plan,
            "due_on",
            "不能晚于上级目标",
            parent=parent,
            level=Level.TASK,
            owner=world.member_in_a,
            due_on=dt.date(plan.year, 7, 1),
        )

    def test_child_level_not_allowed(self, world: World, plan: GoalPlan) -> None:
        parent = make_goal(plan)
        monthly = make_goal(plan, parent=parent, level=Level.MONTHLY, owner=world.member_in_a)
        _refused(
            plan,
            "level",
            "不能分解出“季度目标”",
            parent=monthly,
            level=Level.QUARTERLY,
            owner=world.member_in_a,
        )
        _refused(plan, "level", "不能分解出“年度目标”", parent=parent, level=Level.ANNUAL)

    @pytest.mark.parametrize("level", [Level.QUARTERLY, Level.MONTHLY, Level.TASK])
    def test_decomposed_goals_need_an_owner(self, plan: GoalPlan, level: str) -> None:
        parent = make_goal(plan)
        _refused(plan, "owner", "必须指定责任人", parent=parent, level=level)

    def test_owner_outside_the_organisation(self, world: World, plan: GoalPlan) -> None:
        _refused(plan, "owner", "不是第一党支部的在册党员", owner=world.member_in_b)

    def test_owner_no_longer_active(self, world: World, plan: GoalPlan) -> None:
        gone = make_member(world.branch_a, "离开的人")
        gone.is_active = False
        gone.save()
        _refused(plan, "owner", "在册党员", owner=gone)

    def test_responsibility_goal_without_member(self, plan: GoalPlan) -> None:
        with pytest.raises(ValidationError) as caught:
            services.goal_create(
                actor=None,
                plan=plan,
                responsibility=True,
                level=Level.ANNUAL,
                title="x",
                measure=Measure.NUMBER,
                unit="次",
                target_value=D(1),
                due_on=dt.date(plan.year, 12, 31),
                aspect=Aspect.DUTY,
            )
        assert "必须选择党员" in caught.value.message_dict["member"][0]

    def test_responsibility_goal_without_aspect(self, world: World, plan: GoalPlan) -> None:
        _refused(plan, "aspect", "五个方面", member=world.member_in_a, owner=world.member_in_a)

    def test_aspect_without_member(self, plan: GoalPlan) -> None:
        _refused(plan, "member", "必须同时选择党员", aspect=Aspect.CONDUCT)

    def test_member_outside_the_branch(self, world: World, plan: GoalPlan) -> None:
        _refused(plan, "member", "不是第一党支部的在册党员", member=world.member_in_b, aspect=Aspect.DUTY)

    def test_aligned_to_must_be_an_ancestors_annual_goal_of_the_same_year(
        self, world: World, plan: GoalPlan
    ) -> None:
        top = make_plan(world.committee)
        top_goal = make_goal(top, "集团党建")
        goal = make_goal(plan, aligned_to=top_goal)
        assert goal.aligned_to == top_goal
        # not an ancestor: branch B
        other = make_goal(make_plan(world.branch_b), "B 的目标")
        _refused(plan, "aligned_to", "上级党组织", aligned_to=other)
        # another year
        old_goal = make_goal(make_plan(world.committee, year=YEAR - 1), "去年")
        _refused(plan, "aligned_to", f"{plan.year}年度", aligned_to=old_goal)
        # not annual
        quarterly = make_goal(top, "一季度", parent=top_goal, level=Level.QUARTERLY, owner=world.member_in_b)
        _refused(plan, "aligned_to", "年度目标", aligned_to=quarterly)

    def test_negative_weight(self, plan: GoalPlan) -> None:
        _refused(plan, "weight", "不能为负数", weight=D(-1))

    def test_update_is_validated_and_audited(self, world: World, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        services.goal_update(actor=None, goal=goal, target_value=D(20))
        event = AuditEvent.objects.filter(object_id=str(goal.pk), action="update").get()
        assert event.after == {"target_value": "20.00"} or event.after["target_value"] in ("20", "20.00")
        with pytest.raises(ValidationError):
            services.goal_update(actor=None, goal=goal, unit="")

    def test_update_refuses_a_due_date_before_a_childs(self, world: World, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        make_goal(plan, parent=goal, owner=world.member_in_a, due_on=dt.date(plan.year, 11, 30))
        with pytest.raises(ValidationError) as caught:
            services.goal_update(actor=None, goal=goal, due_on=dt.date(plan.year, 10, 31))
        assert "下级目标" in caught.value.message_dict["due_on"][0]

    def test_goals_of_an_adopted_plan_can_still_be_decomposed(self, world: World, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        services.plan_adopt(actor=None, plan=plan, adopted_on=past(1, 5))
        child = make_goal(plan, parent=goal, owner=world.member_in_a)
        assert child.parent == goal

    def test_cancel_takes_the_subtree_out_of_the_rollup(self, world: World, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        done = make_goal(plan, "done", parent=goal, owner=world.member_in_a)
        stuck = make_goal(plan, "stuck", parent=goal, owner=world.member_in_a)
        grandchild = make_goal(plan, "sub", parent=stuck, owner=world.member_in_a)
        services.progress_report(actor=None, goal=done, reported_on=past(1, 2), value=D(10), note="完成")
        services.goal_cancel(actor=None, goal=stuck, reason="情况变化")
        assert Goal.objects.get(pk=grandchild.pk).is_cancelled
        (root,) = plan_tree(plan).roots
        assert root.progress == D(1)
        with pytest.raises(ValidationError):
            services.goal_cancel(actor=None, goal=stuck, reason="again")


class TestAdoption:
    def test_it_records_the_meeting(self, plan: GoalPlan) -> None:
        make_goal(plan)
        services.plan_adopt(actor=None, plan=plan, adopted_on=past(1, 8), adopted_at="第一次党员大会")
        plan.refresh_from_db()
        assert plan.status == GoalPlan.Status.ADOPTED and plan.adopted_at == "第一次党员大会"

    def test_december_of_the_year_before_is_allowed(self, plan: GoalPlan) -> None:
        make_goal(plan)
        services.plan_adopt(actor=None, plan=plan, adopted_on=dt.date(plan.year - 1, 12, 28))
        plan.refresh_from_db()
        assert plan.adopted_on == dt.date(plan.year - 1, 12, 28)

    def test_a_future_date_is_refused(self, plan: GoalPlan) -> None:
        make_goal(plan)
        with pytest.raises(ValidationError) as caught:
            services.plan_adopt(actor=None, plan=plan, adopted_on=today() + dt.timedelta(days=400))
        assert "adopted_on" in caught.value.message_dict

    def test_a_date_outside_the_window_is_refused(self, plan: GoalPlan) -> None:
        make_goal(plan)
        with pytest.raises(ValidationError) as caught:
            services.plan_adopt(actor=None, plan=plan, adopted_on=dt.date(plan.year - 1, 11, 30))
        assert "12月" in caught.value.message_dict["adopted_on"][0]

    def test_a_plan_without_annual_goals_is_refused(self, plan: GoalPlan) -> None:
        with pytest.raises(ValidationError) as caught:
            services.plan_adopt(actor=None, plan=plan, adopted_on=past(1, 8))
        assert "还没有年度目标" in caught.value.messages[0]

    def test_decomposed_goals_without_owner_are_listed(self, world: World, plan: GoalPlan) -> None:
        annual = make_goal(plan)
        child = make_goal(plan, "月度学习", parent=annual, owner=world.member_in_a)
        Goal.objects.filter(pk=child.pk).update(owner=None)  # as after a copy
        with pytest.raises(ValidationError) as caught:
            services.plan_adopt(actor=None, plan=plan, adopted_on=past(1, 8))
        assert "月度学习" in caught.value.messages[0]


class TestCopy:
    def test_it_copies_the_tree_a_year_on(self, world: World) -> None:
        plan = make_plan(world.branch_a, year=YEAR - 1)
        leaving = make_member(world.branch_a, "将调走")
        annual = make_goal(plan, "年度", weight=D(2))
        quarter = make_goal(
            plan,
            "一季度",
            parent=annual,
            level=Level.QUARTERLY,
            owner=world.member_in_a,
            start_on=dt.date(YEAR - 1, 1, 1),
            due_on=dt.date(YEAR - 1, 3, 31),
        )
        task = make_goal(plan, "任务", parent=quarter, owner=leaving, due_on=dt.date(YEAR - 1, 2, 28))
        services.progress_report(
            actor=None, goal=task, reported_on=dt.date(YEAR - 1, 2, 1), value=D(10), note="完成"
        )
        leaving.is_active = False
        leaving.save()

        copy = services.plan_copy(actor=None, plan=plan, to_year=YEAR)

        assert copy.status == GoalPlan.Status.DRAFT and copy.copied_from == plan and copy.year == YEAR
        goals = {g.title: g for g in copy.goals.all()}
        assert set(goals) == {"年度", "一季度", "任务"}
        assert goals["一季度"].parent == goals["年度"] and goals["任务"].parent == goals["一季度"]
        assert goals["一季度"].due_on == dt.date(YEAR, 3, 31) and goals["一季度"].start_on == dt.date(
            YEAR, 1, 1
        )
        assert goals["任务"].current_value is None and goals["任务"].completed_on is None
        assert goals["任务"].owner is None  # no longer active: adoption will ask
        assert goals["一季度"].owner == world.member_in_a
        assert goals["年度"].weight == D(2)
        assert not copy.goals.filter(updates__isnull=False).exists()

    def test_29_february_becomes_28_february(self, world: World) -> None:
        plan = make_plan(world.branch_a, year=2028)
        make_goal(plan, due_on=dt.date(2028, 2, 29))
        copy = services.plan_copy(actor=None, plan=plan, to_year=2029)
        assert copy.goals.get().due_on == dt.date(2029, 2, 28)

    def test_it_refuses_when_next_years_plan_exists(self, world: World) -> None:
        plan = make_plan(world.branch_a, year=YEAR - 1)
        make_plan(world.branch_a, year=YEAR)
        with pytest.raises(ValidationError) as caught:
            services.plan_copy(actor=None, plan=plan, to_year=YEAR)
        assert "已存在" in caught.value.message_dict["year"][0]


class TestProgress:
    def test_a_value_updates_the_goal_and_completes_it_at_target(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 3), value=D(4), note="4次")
        goal.refresh_from_db()
        assert goal.current_value == D(4) and goal.completed_on is None
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 4), value=D(10), note="完成")
        goal.refresh_from_db()
        assert goal.completed_on == past(1, 4)

    def test_an_older_report_does_not_overwrite_a_newer_value(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 10), value=D(6), note="6")
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 2), value=D(2), note="补报")
        goal.refresh_from_db()
        assert goal.current_value == (D(6) if past(1, 10) > past(1, 2) else D(2))

    def test_a_deliverable_is_done(self, plan: GoalPlan) -> None:
        goal = make_goal(plan, measure=Measure.DELIVERABLE)
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 3), done=True, note="已完成")
        goal.refresh_from_db()
        assert goal.completed_on == past(1, 3)

    @pytest.mark.parametrize(
        ("value", "field", "fragment"),
        [(None, "value", "必须填写"), (D(-1), "value", "负数"), (D("1.234"), "value", "两位小数")],
    )
    def test_value_rules(self, plan: GoalPlan, value: Any, field: str, fragment: str) -> None:
        goal = make_goal(plan)
        with pytest.raises(ValidationError) as caught:
            services.progress_report(actor=None, goal=goal, reported_on=past(1, 3), value=value, note="x")
        assert fragment in caught.value.message_dict[field][0]

    def test_date_rules(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=None, goal=goal, reported_on=today() + dt.timedelta(days=1), value=D(1), note="x"
            )
        assert "不能晚于今天" in caught.value.message_dict["reported_on"][0]
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=None, goal=goal, reported_on=dt.date(YEAR - 1, 12, 31), value=D(1), note="x"
            )
        assert "不能早于" in caught.value.message_dict["reported_on"][0]

    def test_attachments_are_stored_with_their_hash(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        content = b"%PDF-1.4 evidence"
        update = services.progress_report(
            actor=None,
            goal=goal,
            reported_on=past(1, 3),
            value=D(1),
            note="x",
            files=[SimpleUploadedFile("签到表.pdf", content, content_type="application/pdf")],
        )
        (attachment,) = update.attachments.all()
        assert attachment.sha256 == hashlib.sha256(content).hexdigest()
        assert attachment.name == "签到表.pdf" and attachment.size == len(content)

    def test_too_many_files(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        files = [SimpleUploadedFile(f"{i}.png", b"x") for i in range(6)]
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=None, goal=goal, reported_on=past(1, 3), value=D(1), note="x", files=files
            )
        assert "最多上传5个" in caught.value.message_dict["files"][0]

    def test_a_file_of_a_forbidden_type(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=None,
                goal=goal,
                reported_on=past(1, 3),
                value=D(1),
                note="x",
                files=[SimpleUploadedFile("run.exe", b"MZ")],
            )
        assert "类型不允许" in caught.value.message_dict["files"][0]

    def test_a_file_over_10_mb(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
        with pytest.raises(ValidationError) as caught:
            services.progress_report(
                actor=None, goal=goal, reported_on=past(1, 3), value=D(1), note="x", files=[big]
            )
        assert "超过10MB" in caught.value.message_dict["files"][0]


class TestYearEnd:
    def test_evaluation_defaults_to_the_current_value(self, plan: GoalPlan) -> None:
        goal = make_goal(plan)
        services.progress_report(actor=None, goal=goal, reported_on=past(1, 3), value=D(7), note="7")
        evaluation = services.goal_evaluate(actor=None, goal=goal, achieved=False, difficulties="人手不足")
        assert evaluation.achieved_value == D(7)
        again = services.goal_evaluate(actor=None, goal=goal, achieved=True, achieved_value=D(9))
        assert again.pk == evaluation.pk and again.achieved_value == D(9)

    def test_annual_review_drafts_next_year(self, world: World) -> None:
        plan = make_plan(world.branch_a, year=YEAR - 1)
        make_goal(plan, "党员学习")
        review = services.annual_review_record(
            actor=None,
            plan=plan,
            held_on=past(1, 5) if today() >= dt.date(YEAR, 1, 5) else today(),
            summary="全年完成",
            create_next=True,
        )
        assert review.next_year_plan is not None
        assert review.next_year_plan.copied_from == plan
        assert review.next_year_plan.goals.get().title == "党员学习"
        with pytest.raises(ValidationError):
            services.annual_review_record(actor=None, plan=plan, held_on=today(), summary="again")

    def test_excellence_plan_and_review(self, world: World) -> None:
        plan = services.excellence_plan_create(
            actor=None,
            organisation=world.branch_a,
            year=YEAR,
            adopted_on=past(1, 10),
            branch_aim="创建先进党支部",
            member_aim="争当优秀党员",
            candidates=[world.member_in_a],
        )
        assert list(plan.candidates.all()) == [world.member_in_a]
        review = services.excellence_review_add(
            actor=None, plan=plan, reviewed_on=today(), findings="按计划推进"
        )
        assert review.plan == plan
        with pytest.raises(ValidationError) as caught:
            services.excellence_plan_create(
                actor=None,
                organisation=world.branch_b,
                year=YEAR,
                adopted_on=past(1, 10),
                branch_aim="a",
                member_aim="b",
                candidates=[world.member_in_a],
            )
        assert "不是本支部在册党员" in caught.value.message_dict["candidates"][0]
