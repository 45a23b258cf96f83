"""Goal management (SPEC GOAL-1…7; seed: 党支部目标管理制度, 支部目标管理制度模板 §二).

A `GoalPlan` is one organisation's goals for one year, adopted at a 党员大会. Its `Goal`s form a
tree: annual goals (each may align to a goal of the superior organisation) broken down into
quarterly and monthly goals and tasks, each with a 责任人 and a completion date. A member's
responsibility goals (党员责任目标, GOAL-4) are goals of the branch's plan with `member` set and one
of the seed's five aspects. Progress is reported as `ProgressUpdate`s with evidence; the status
(未开始/进行中/已完成/逾期/有风险) is derived, never typed. Year end: `GoalEvaluation` per goal, the
`AnnualReview` (总结讲评) per plan, and the 创先争优 plan with its reviews (GOAL-7)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse


class GoalPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ADOPTED = "adopted", "已通过"

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="goal_plans", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    # GOAL-1: set at the start of the year by a 党员大会. The meeting record itself arrives with the
    # meetings app (issue 4); until then the date and the meeting's name are kept here.
    adopted_on = models.DateField("党员大会通过日期", null=True, blank=True)
    adopted_at = models.CharField("通过的会议", max_length=200, blank=True)
    # The 党员大会 itself when it is recorded in 组织生活 (enter once: its date and topic come from it).
    adopted_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="通过的党员大会",
        null=True,
        blank=True,
        related_name="adopted_goal_plans",
        on_delete=models.PROTECT,
    )
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    notes = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "年度目标计划"
        verbose_name_plural = "年度目标计划"
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_goal_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}年度目标"

    def get_absolute_url(self) -> str:
        return reverse("goals:plan_detail", args=[self.pk])


class Level(models.TextChoices):
    ANNUAL = "annual", "年度目标"
    QUARTERLY = "quarterly", "季度目标"
    MONTHLY = "monthly", "月度目标"
    TASK = "task", "具体任务"


# Which level may sit under which (GOAL-3): annual → quarterly → monthly → task; tasks may also
# hang directly under any goal.
ALLOWED_CHILD_LEVELS: dict[str, tuple[str, ...]] = {
    Level.ANNUAL: (Level.QUARTERLY, Level.MONTHLY, Level.TASK),
    Level.QUARTERLY: (Level.MONTHLY, Level.TASK),
    Level.MONTHLY: (Level.TASK,),
    Level.TASK: (Level.TASK,),
}


class Measure(models.TextChoices):
    NUMBER = "number", "数量指标"
    DELIVERABLE = "deliverable", "完成与否"


class Aspect(models.IntegerChoices):
    """The five aspects of a member's responsibility goals (seed 党支部目标管理制度; GOAL-4)."""

    POLITICAL_LIFE = 1, "积极参加党内政治生活，提高政治素质"
    DISCIPLINE = 2, "遵纪守法，以身作则"
    CONDUCT = 3, "作风建设"
    CIVILITY = 4, "精神文明建设、密切联系群众、发挥先锋模范作用"
    DUTY = 5, "完成岗位职责，争先创优"


class Goal(models.Model):
    plan = models.ForeignKey(
        GoalPlan, verbose_name="年度目标计划", related_name="goals", on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级目标（分解自）",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    aligned_to = models.ForeignKey(
        "self",
        verbose_name="对应上级党组织目标",
        null=True,
        blank=True,
        related_name="aligned_goals",
        on_delete=models.PROTECT,
    )
    level = models.CharField("层级", max_length=20, choices=Level.choices, db_index=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员（责任目标）",
        null=True,
        blank=True,
        related_name="responsibility_goals",
        on_delete=models.PROTECT,
    )
    aspect = models.PositiveSmallIntegerField("责任目标方面", choices=Aspect.choices, null=True, blank=True)
    title = models.CharField("目标", max_length=200)
    description = models.TextField("说明", blank=True)
    measure = models.CharField("衡量方式", max_length=20, choices=Measure.choices)
    unit = models.CharField("单位", max_length=20, blank=True)
    target_value = models.DecimalField(
        "目标值",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    start_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("完成日期")
    owner = models.ForeignKey(
        "members.Member",
        verbose_name="责任人",
        null=True,
        blank=True,
        related_name="owned_goals",
        on_delete=models.PROTECT,
    )
    weight = models.DecimalField(
        "权重",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    # The latest reported value and completion, kept by the progress service so that trees and
    # lists need no query per goal. The `ProgressUpdate` rows are the record.
    current_value = models.DecimalField("当前值", max_digits=14, decimal_places=2, null=True, blank=True)
    completed_on = models.DateField("完成日期（实际）", null=True, blank=True)
    is_cancelled = models.BooleanField("已取消", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["plan", "sort_order", "due_on", "id"]
        indexes = [
            models.Index(fields=["plan", "parent"]),
            models.Index(fields=["owner", "due_on"]),
            models.Index(fields=["member", "aspect"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:goal_detail", args=[self.pk])

    @property
    def is_responsibility(self) -> bool:
        return self.member_id is not None


class ProgressUpdate(models.Model):
    """A report of progress by the 责任人 (or the branch) with its evidence (GOAL-5)."""

    goal = models.ForeignKey(Goal, verbose_name="目标", related_name="updates", on_delete=models.PROTECT)
    reported_on = models.DateField("日期")
    value = models.DecimalField("完成值", max_digits=14, decimal_places=2, null=True, blank=True)
    done = models.BooleanField("已完成", default=False)
    note = models.TextField("进展说明")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "目标进展"
        verbose_name_plural = "目标进展"
        ordering = ["goal", "-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.goal} {self.reported_on}"


class ProgressAttachment(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, verbose_name="进展", related_name="attachments", on_delete=models.PROTECT
    )
    file = models.FileField("文件", upload_to="goals/evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.name


class GoalEvaluation(models.Model):
    """Year-end evaluation of one goal (GOAL-6; 模板 §二.4)."""

    goal = models.OneToOneField(
        Goal, verbose_name="目标", related_name="evaluation", on_delete=models.PROTECT
    )
    achieved_value = models.DecimalField("实际完成值", max_digits=14, decimal_places=2, null=True, blank=True)
    achieved = models.BooleanField("达成目标")
    difficulties = models.TextField("困难和问题", blank=True)
    contribution = models.TextField("对企业发展的贡献", blank=True)
    evaluated_on = models.DateField("评估日期")
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "目标评估"
        verbose_name_plural = "目标评估"

    def __str__(self) -> str:
        return f"{self.goal} 评估"


class AnnualReview(models.Model):
    """总结讲评 (GOAL-6; seed: 每年度党支部对当年目标管理进行总结讲评 … 讨论下年度目标的拟定)."""

    plan = models.OneToOneField(
        GoalPlan, verbose_name="年度目标计划", related_name="review", on_delete=models.PROTECT
    )
    held_on = models.DateField("党员大会日期")
    summary = models.TextField("总结讲评")
    strengths = models.TextField("先进经验", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_year_plan = models.ForeignKey(
        GoalPlan,
        verbose_name="下年度目标（草稿）",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年度总结讲评"
        verbose_name_plural = "年度总结讲评"

    def __str__(self) -> str:
        return f"{self.plan} 总结讲评"


class ExcellencePlan(models.Model):
    """创先争优 plan of a branch for a year (GOAL-7; seed §二.20 年初制定规划，定期对照检查)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="excellence_plans", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    adopted_on = models.DateField("制定日期")
    branch_aim = models.TextField("创建先进党支部的目标和措施")
    member_aim = models.TextField("争当优秀党员的目标和措施")
    candidates = models.ManyToManyField(
        "members.Member", verbose_name="争创优秀党员人选", blank=True, related_name="excellence_plans"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "创先争优规划"
        verbose_name_plural = "创先争优规划"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_excellence_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}年创先争优规划"

    def get_absolute_url(self) -> str:
        return reverse("goals:excellence_detail", args=[self.pk])


class ExcellenceReview(models.Model):
    plan = models.ForeignKey(
        ExcellencePlan, verbose_name="规划", related_name="reviews", on_delete=models.PROTECT
    )
    reviewed_on = models.DateField("对照检查日期")
    findings = models.TextField("对照检查情况")
    next_steps = models.TextField("下一步措施", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "创先争优对照检查"
        verbose_name_plural = "创先争优对照检查"
        ordering = ["plan", "reviewed_on"]

    def __str__(self) -> str:
        return f"{self.plan} {self.reviewed_on}"
