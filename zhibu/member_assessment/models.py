"""Member assessment (SPEC MASSESS-1…4; seed 支部目标管理制度模板 §三, RULES §E).

Per period (quarter, or month where a branch rates monthly) each member's goals are rated from
quantitative achievement plus a qualitative judgement (`MemberRating`). The year's points are the
mean of the period points plus capped bonuses (`MemberYearResult`), published to the branch for a
set period with an objection channel (`Objection`), then final; they feed 创先争优 and the choice of
优秀党员. 民主评议党员 is a yearly round per branch (`MemberReview`) with one entry per member:
self-evaluation, mutual evaluation, the 民主测评 tallies and the committee's rating."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class MemberRating(models.Model):
    """One member's rating for one period (MASSESS-1). `period` is "Q1"…"Q4" or "M01"…"M12"."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="ratings", on_delete=models.PROTECT
    )
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", related_name="member_ratings", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("考核期", max_length=3)
    achievement = models.DecimalField(
        "目标完成率（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="评定时按该期责任目标的完成情况计算",
    )
    judgement = models.TextField("定性评价", blank=True)
    rating = models.CharField("评定等次", max_length=20, choices=Rating.choices)
    rated_on = models.DateField("评定日期")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评定人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "党员目标考核"
        verbose_name_plural = "党员目标考核"
        ordering = ["year", "period", "member"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "period"], name="one_rating_per_member_period")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}{self.period} {self.get_rating_display()}"


class MemberYearResult(models.Model):
    """The year's points (MASSESS-2) and their publication (MASSESS-3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "公示中"
        FINAL = "final", "已确定"

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="year_results", on_delete=models.PROTECT
    )
    branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="党支部",
        related_name="member_year_results",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField("年度")
    mean_points = models.DecimalField("期评平均分", max_digits=6, decimal_places=2)
    bonus_quality = models.DecimalField("完成质量加分", max_digits=4, decimal_places=2, default=Decimal("0"))
    bonus_teamwork = models.DecimalField("团队合作加分", max_digits=4, decimal_places=2, default=Decimal("0"))
    bonus_integrity = models.DecimalField(
        "党性修养和廉洁自律加分", max_digits=4, decimal_places=2, default=Decimal("0")
    )
    total = models.DecimalField("年度积分", max_digits=6, decimal_places=2)
    # The points and caps in force when computed (P-3: every number is explainable).
    basis = models.JSONField("计算依据", default=dict)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField("公示开始", null=True, blank=True)
    objection_until = models.DateField("公示截止", null=True, blank=True)
    finalised_on = models.DateField("确定日期", null=True, blank=True)
    recommended_outstanding = models.BooleanField("推荐为优秀党员人选", default=False)

    class Meta:
        verbose_name = "党员年度考核结果"
        verbose_name_plural = "党员年度考核结果"
        ordering = ["year", "branch", "-total"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="one_year_result_per_member")]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年 {self.total}"


class Objection(models.Model):
    """An objection raised during publication (MASSESS-3), and the branch's answer."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "异议成立，已更正"
        REJECTED = "rejected", "异议不成立"

    result = models.ForeignKey(
        MemberYearResult, verbose_name="考核结果", related_name="objections", on_delete=models.PROTECT
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField("提出日期")
    text = models.TextField("异议内容")
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    response = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "考核结果异议"
        verbose_name_plural = "考核结果异议"
        ordering = ["raised_on", "id"]

    def __str__(self) -> str:
        return f"{self.result} 异议 {self.raised_on}"


class ReviewGrade(models.TextChoices):
    """民主评议 categories (RULES E-2)."""

    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    BASIC_PASS = "basic_pass", "基本合格"
    FAIL = "fail", "不合格"


class MemberReview(models.Model):
    """One branch's 民主评议党员 of one year (MASSESS-4; RULES E-1: 个人自评 → 党员互评 → 民主测评 →
    评定意见). The 民主测评 is held at a meeting; the meetings app (issue 4) will link it."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已完成"

    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", related_name="member_reviews", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("民主测评日期")
    voters = models.PositiveIntegerField("参加测评人数", default=0)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("评定日期", null=True, blank=True)
    notes = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="one_member_review_per_year")]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.year}年民主评议党员"


class MemberReviewEntry(models.Model):
    review = models.ForeignKey(
        MemberReview, verbose_name="民主评议", related_name="entries", on_delete=models.PROTECT
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="review_entries", on_delete=models.PROTECT
    )
    # Probationary members take part but are not rated (RULES E-4); kept as of the review date.
    is_probationary = models.BooleanField("预备党员", default=False)
    participated = models.BooleanField("参加评议", default=False)
    self_evaluation = models.TextField("个人自评", blank=True)
    mutual_evaluation = models.TextField("党员互评意见", blank=True)
    votes_excellent = models.PositiveIntegerField("测评票：优秀", default=0)
    votes_pass = models.PositiveIntegerField("测评票：合格", default=0)
    votes_basic_pass = models.PositiveIntegerField("测评票：基本合格", default=0)
    votes_fail = models.PositiveIntegerField("测评票：不合格", default=0)
    grade = models.CharField("评定等次", max_length=20, choices=ReviewGrade.choices, blank=True)
    opinion = models.TextField("评定意见", blank=True)
    # 不合格: education first, a correction deadline of at most a year (RULES E-3).
    correction_deadline = models.DateField("限期改正截止", null=True, blank=True)
    correction_measures = models.TextField("帮教和改正措施", blank=True)

    class Meta:
        verbose_name = "民主评议明细"
        verbose_name_plural = "民主评议明细"
        ordering = ["review", "member__name"]
        constraints = [models.UniqueConstraint(fields=["review", "member"], name="one_entry_per_member")]

    def __str__(self) -> str:
        return f"{self.review} {self.member}"
