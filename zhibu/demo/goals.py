"""A year of goal management (GOAL-1…7) for the demo enterprise, through the goal services.

For the 党委 and every branch: this year's plan, adopted at a 党员大会 in January, with annual goals
of a fuel-sales company (some aligned to the 党委's goals), decomposed into quarterly goals and
monthly tasks with 责任人 from the branch, and progress reported through the year so that, on the
demo date, most goals are on track or done, a few are overdue and a few at risk. Two branches (the
demo secretaries' own) also carry every member's responsibility goals in the five aspects. Every
branch has last year's plan with its evaluations and 总结讲评, and this year's 创先争优 plan with two
对照检查. Plans are found by (组织代码, 年度): a second run creates nothing."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhibu.demo.base import Demo, Section
from zhibu.demo.orgs import TOP, TREE
from zhibu.goals import services
from zhibu.goals.models import Aspect, ExcellencePlan, Goal, GoalPlan, Level, Measure
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation


@dataclass(frozen=True)
class GoalPlanItem:
    key: str
    title: str
    action: str  # what the quarterly goals and monthly tasks do
    measure: str
    unit: str = ""
    target: int = 0
    monthly: bool = False  # decomposed down to monthly tasks
    weight: int = 1


TOP_GOALS = [
    GoalPlanItem(
        "study", "党员学习教育全覆盖，各党支部集中学习不少于12次", "集中学习", Measure.NUMBER, "次", 12
    ),
    GoalPlanItem("safety", "全系统安全生产零事故", "安全检查", Measure.DELIVERABLE),
    GoalPlanItem(
        "service", "加油站服务质量提升，神秘顾客检查满意度不低于95分", "明察暗访", Measure.NUMBER, "分", 95
    ),
    GoalPlanItem("recruit", "全年发展党员15名", "培养考察", Measure.NUMBER, "人", 15),
]

BRANCH_GOALS = [
    GoalPlanItem("study", "党员学习教育：每月集中学习1次", "集中学习", Measure.NUMBER, "次", 12, True, 3),
    GoalPlanItem(
        "safety", "安全生产零事故：每月开展安全隐患排查", "安全隐患排查", Measure.NUMBER, "次", 12, True, 3
    ),
    GoalPlanItem(
        "service", "加油站服务质量：开展服务明察暗访", "服务明察暗访", Measure.NUMBER, "次", 8, weight=2
    ),
    GoalPlanItem(
        "recruit", "发展党员：培养入党积极分子", "培养考察入党积极分子", Measure.NUMBER, "人", 4, weight=1
    ),
    GoalPlanItem(
        "youth", "党建带团建：开展青年志愿服务活动", "青年志愿服务", Measure.NUMBER, "次", 4, weight=1
    ),
    GoalPlanItem("cost", "降本增效：节约运营费用", "节约运营费用", Measure.NUMBER, "万元", 20, weight=2),
]

RESPONSIBILITY = {
    Aspect.POLITICAL_LIFE: ("参加“三会一课”和主题党日", Measure.NUMBER, "次", 12),
    Aspect.DISCIPLINE: ("参加廉洁教育和警示教育", Measure.NUMBER, "次", 4),
    Aspect.CONDUCT: ("开展岗位作风自查自纠", Measure.NUMBER, "次", 4),
    Aspect.CIVILITY: ("参加志愿服务、联系群众", Measure.NUMBER, "次", 6),
    Aspect.DUTY: ("参加岗位技能培训并考核合格", Measure.NUMBER, "次", 4),
}
RESPONSIBILITY_BRANCHES = ("DJ-LS-CQ", "DJ-CY-YK")
BRANCH_CODES = [plan.code for plan in TREE if plan.kind == Organisation.Kind.BRANCH]
TWO = Decimal("0.01")


def _split(total: int, parts: int) -> list[Decimal]:
    """`total` in `parts` shares of two decimals that add up exactly."""
    share = (Decimal(total) / parts).quantize(TWO, rounding=ROUND_HALF_UP)
    shares = [share] * (parts - 1)
    return [*shares, Decimal(total) - sum(shares)]


def _quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter, 31 if quarter in (1, 4) else 30)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


class _Loader:
    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.on = demo.on
        self.year = demo.on.year
        self.rng: random.Random = demo.rng("goals")
        self.created = 0

    def members(self, org: Organisation) -> list[Member]:
        return list(
            Member.objects.filter(branch=org, is_active=True, category__in=("full", "probationary"))
            .select_related("branch")
            .order_by("id_number")
        )

    # -- progress -------------------------------------------------------------------------

    def report(self, goal: Goal, day: dt.date, *, fraction: Decimal, note: str) -> None:
        """A report dated `day` (never after the demo date) bringing the goal to `fraction`."""
        day = max(min(day, self.on), dt.date(goal.plan.year, 1, 1))
        if goal.measure == Measure.NUMBER:
            assert goal.target_value is not None
            value = (goal.target_value * fraction).quantize(TWO, rounding=ROUND_HALF_UP)
            services.progress_report(
                actor=self.demo.actor, goal=goal, reported_on=day, value=value, note=note
            )
        else:
            services.progress_report(
                actor=self.demo.actor, goal=goal, reported_on=day, done=fraction >= 1, note=note
            )
        self.created += 1

    def track(self, goal: Goal, start: dt.date) -> None:
        """Progress of a leaf as of the demo date: done when past (a few overdue), partial when
        current (a few at risk), nothing when it has not begun."""
        due = goal.due_on
        if start > self.on:
            return
        roll = self.rng.random()
        if due < self.on:
            if roll < 0.07:  # overdue: stuck half-way
                self.report(goal, start + (due - start) / 2, fraction=Decimal("0.5"), note="推进中，尚未完成")
            else:
                self.report(
                    goal,
                    due - dt.timedelta(days=self.rng.randint(0, 4)),
                    fraction=Decimal(1),
                    note="已按期完成",
                )
            return
        elapsed = Decimal((self.on - start).days) / Decimal(max((due - start).days, 1))
        if roll < 0.15:  # at risk: well behind the time elapsed
            fraction = max(elapsed - Decimal("0.35"), Decimal(0))
        else:
            fraction = min(elapsed + Decimal("0.1"), Decimal("0.9"))
        if fraction > 0 and goal.measure == Measure.NUMBER:
            self.report(goal, self.on, fraction=fraction.quantize(TWO), note="按计划推进")

    def track_quarterly(self, goal: Goal, pace: Decimal) -> None:
        """A year-long goal reported at each quarter's end up to the demo date: the share of the
        year elapsed times the member's pace (capped at the target)."""
        quarter_ends = [dt.date(self.year, month, 30 if month in (6, 9) else 31) for month in (3, 6, 9)]
        days = [d for d in quarter_ends if d < self.on] + [self.on]  # and the latest report, today
        for day in days:
            elapsed = Decimal((day - dt.date(self.year, 1, 1)).days + 1) / Decimal(365)
            fraction = min(elapsed * pace, Decimal(1)).quantize(TWO)
            if fraction > 0:
                self.report(goal, day, fraction=fraction, note=f"截至{day.month}月{day.day}日的完成情况")

    # -- plans --------------------------------------------------------------------------------

    def plan(self, org: Organisation, year: int) -> GoalPlan | None:
        if GoalPlan.objects.filter(organisation=org, year=year).exists():
            return None
        plan = services.plan_create(actor=self.demo.actor, organisation=org, year=year)
        self.created += 1
        return plan

    def adopt(self, plan: GoalPlan, day: int) -> None:
        adopted_on = min(dt.date(plan.year, 1, day), self.on)
        services.plan_adopt(
            actor=self.demo.actor, plan=plan, adopted_on=adopted_on, adopted_at=f"{plan.year}年第一次党员大会"
        )

    def goal(self, plan: GoalPlan, **data: object) -> Goal:
        goal = services.goal_create(actor=self.demo.actor, plan=plan, **data)  # type: ignore[arg-type]
        self.created += 1
        return goal

    def top_plan(self) -> dict[str, Goal]:
        org = self.demo.org(TOP)
        plan = self.plan(org, self.year)
        if plan is None:
            existing = Goal.objects.filter(plan__organisation=org, plan__year=self.year, level=Level.ANNUAL)
            keys = {item.title: item.key for item in TOP_GOALS}
            return {keys[g.title]: g for g in existing if g.title in keys}
        goals = {}
        for index, item in enumerate(TOP_GOALS):
            goals[item.key] = self.goal(
                plan,
                level=Level.ANNUAL,
                title=item.title,
                measure=item.measure,
                unit=item.unit,
                target_value=Decimal(item.target) if item.measure == Measure.NUMBER else None,
                due_on=dt.date(self.year, 12, 31),
                sort_order=index,
            )
        self.adopt(plan, 8)
        return goals

    def branch_plan(self, org: Organisation, aligned: dict[str, Goal]) -> None:
        plan = self.plan(org, self.year)
        if plan is None:
            return
        people = self.members(org)
        items = BRANCH_GOALS[: 4 + BRANCH_CODES.index(org.code) % 3]  # 4–6 goals
        for index, item in enumerate(items):
            owner = people[index % len(people)]
            annual = self.goal(
                plan,
                level=Level.ANNUAL,
                title=item.title,
                measure=item.measure,
                unit=item.unit,
                target_value=Decimal(item.target),
                due_on=dt.date(self.year, 12, 31),
                owner=owner,
                weight=Decimal(item.weight),
                aligned_to=aligned.get(item.key),
                sort_order=index,
            )
            for quarter, share in enumerate(_split(item.target, 4), start=1):
                start = dt.date(self.year, 3 * quarter - 2, 1)
                q_owner = people[(index + quarter) % len(people)]
                quarterly = self.goal(
                    plan,
                    parent=annual,
                    level=Level.QUARTERLY,
                    title=f"第{quarter}季度：{item.action}",
                    measure=Measure.NUMBER,
                    unit=item.unit,
                    target_value=share,
                    start_on=start,
                    due_on=_quarter_end(self.year, quarter),
                    owner=q_owner,
                    sort_order=quarter,
                )
                if not item.monthly:
                    self.track(quarterly, start)
                    continue
                for month, month_share in zip(
                    range(3 * quarter - 2, 3 * quarter + 1), _split(int(share), 3), strict=True
                ):
                    task = self.goal(
                        plan,
                        parent=quarterly,
                        level=Level.MONTHLY,
                        title=f"{month}月：{item.action}",
                        measure=Measure.NUMBER,
                        unit=item.unit,
                        target_value=month_share,
                        start_on=dt.date(self.year, month, 1),
                        due_on=_month_end(self.year, month),
                        owner=people[(index + month) % len(people)],
                        sort_order=month,
                    )
                    self.track(task, dt.date(self.year, month, 1))
        self.adopt(plan, 10 + BRANCH_CODES.index(org.code))
        if org.code in RESPONSIBILITY_BRANCHES:
            self.responsibility(plan, people)

    def responsibility(self, plan: GoalPlan, people: list[Member]) -> None:
        for member in people:
            # Each member keeps their own pace through the year (most on track, a few behind), so
            # the quarterly ratings' achievement varies like a real branch's.
            pace = Decimal(self.rng.choice(["1.05", "1", "1", "0.95", "0.9", "0.85", "0.75", "0.6"]))
            for aspect, (title, measure, unit, target) in RESPONSIBILITY.items():
                goal = self.goal(
                    plan,
                    responsibility=True,
                    member=member,
                    aspect=aspect,
                    level=Level.ANNUAL,
                    title=title,
                    measure=measure,
                    unit=unit,
                    target_value=Decimal(target) if measure == Measure.NUMBER else None,
                    due_on=dt.date(self.year, 12, 31),
                )
                if measure == Measure.NUMBER:
                    self.track_quarterly(goal, pace)

    def last_year(self, org: Organisation) -> None:
        year = self.year - 1
        plan = self.plan(org, year)
        if plan is None:
            return
        people = self.members(org)
        for index, item in enumerate(BRANCH_GOALS[:4]):
            goal = self.goal(
                plan,
                level=Level.ANNUAL,
                title=item.title,
                measure=item.measure,
                unit=item.unit,
                target_value=Decimal(item.target),
                due_on=dt.date(year, 12, 31),
                owner=people[index % len(people)],
                sort_order=index,
            )
            achieved = self.rng.random() < 0.8
            fraction = Decimal(1) if achieved else Decimal("0.75")
            self.report(goal, dt.date(year, 12, 20), fraction=fraction, note="全年完成情况")
            services.goal_evaluate(
                actor=self.demo.actor,
                goal=goal,
                achieved=achieved,
                difficulties="" if achieved else "一线员工倒班，集中时间难以保证",
                contribution="促进了安全生产和服务提升，助力完成年度经营指标",
                evaluated_on=dt.date(year, 12, 28),
            )
        self.adopt(plan, 12)
        held_on = min(dt.date(self.year, 1, 9), self.on)
        if held_on.year == self.year or held_on.year == year:
            services.annual_review_record(
                actor=self.demo.actor,
                plan=plan,
                held_on=held_on,
                summary=f"{year}年支部围绕安全生产、服务质量和党员教育，年度目标总体完成。",
                strengths="“党员示范岗”带动班组安全生产；三会一课坚持按月开展。",
                problems="倒班员工参加集中学习难，个别目标进度前松后紧。",
            )

    def excellence(self, org: Organisation) -> None:
        if ExcellencePlan.objects.filter(organisation=org, year=self.year).exists():
            return
        adopted_on = min(dt.date(self.year, 1, 15), self.on)
        people = self.members(org)
        plan = services.excellence_plan_create(
            actor=self.demo.actor,
            organisation=org,
            year=self.year,
            adopted_on=adopted_on,
            branch_aim="争创“五星级”党支部：组织生活规范、安全生产零事故、服务满意度95分以上。",
            member_aim="每名党员争当“党员示范岗”，亮身份、作表率，优秀党员比例不超过三分之一。",
            candidates=people[:3],
        )
        span = (self.on - adopted_on).days
        for step, findings in (
            (1, "对照规划检查：组织生活按月开展，安全检查覆盖所有站点。"),
            (2, "对照规划检查：服务明察暗访得分提升，个别站点需整改。"),
        ):
            services.excellence_review_add(
                actor=self.demo.actor,
                plan=plan,
                reviewed_on=adopted_on + dt.timedelta(days=span * step // 3),
                findings=findings,
                next_steps="对落后站点开展帮扶，下季度复查。",
            )
        self.created += 3


def load(demo: Demo) -> int:
    loader = _Loader(demo)
    aligned = loader.top_plan()
    for code in BRANCH_CODES:
        org = demo.org(code)
        loader.branch_plan(org, aligned)
        loader.last_year(org)
        loader.excellence(org)
    return loader.created


SECTION = Section("目标管理", load)
