"""Member development (SPEC DEV-1…6; RULES §B; seed §二.3, §二.16): one file (入党档案) per person,
the 25 steps recorded with their dates and the decision that made each, the 培养联系人 and
入党介绍人, the half-yearly reviews (考察) and the end of probation.

The person is a `members.Member` from the application on (人员类别 入党申请人 …): the registry,
the attendance rules and the dues read the same row. Each step that changes the category does so
through the registry's services, so the category history (`StatusChange`) stays the one truth.
"""

from django.conf import settings
from django.db import models

from zhibu.development.steps import STEPS


class Stage(models.TextChoices):
    """Where a file stands (the five stages, then the outcomes)."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    CANCELLED = "cancelled", "已取消预备党员资格"
    CLOSED = "closed", "已终止培养"


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)


class DevelopmentFile(models.Model):
    """入党档案: one per person."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name="发展对象人员",
        related_name="development_file",
        on_delete=models.PROTECT,
    )
    stage = models.CharField(
        "当前阶段", max_length=20, choices=Stage.choices, default=Stage.APPLICANT, db_index=True
    )
    # Dates of the milestones, copied from the steps for the due lists (one query per list).
    applied_on = models.DateField("递交申请日期")
    activist_on = models.DateField("确定为积极分子日期", null=True, blank=True)
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    admitted_on = models.DateField("支部大会接收日期", null=True, blank=True)
    converted_on = models.DateField("转正日期", null=True, blank=True)
    # Extension of probation (RULES B-9: once, 6–12 months, by 支部大会 vote).
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    extension_decided_on = models.DateField("延长预备期决定日期", null=True, blank=True)
    extension_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="延长预备期的支部大会",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    closed_on = models.DateField("终止或取消日期", null=True, blank=True)
    closed_reason = models.CharField("终止或取消原因", max_length=300, blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "入党档案"
        verbose_name_plural = "入党档案"
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.member}的入党档案"


class DevelopmentStep(models.Model):
    """One of the 25 steps, done on a date, with the decision that made it (DEV-1)."""

    file = models.ForeignKey(
        DevelopmentFile, verbose_name="入党档案", related_name="steps", on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField("步骤", choices=[(s.number, s.label) for s in STEPS])
    done_on = models.DateField("日期")
    # The meeting that decided it (支委会 / 支部大会), when recorded in zhibu; else `basis` names it.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="决定会议",
        null=True,
        blank=True,
        related_name="development_steps",
        on_delete=models.PROTECT,
    )
    basis = models.CharField("依据（决定、批复或材料）", max_length=300, blank=True)
    notice = models.ForeignKey(
        "meetings.Notice",
        verbose_name="公示",
        null=True,
        blank=True,
        related_name="development_steps",
        on_delete=models.PROTECT,
    )
    # A step past its time limit that is still allowed (e.g. approval after 3 months in a special
    # case) names why.
    late_reason = models.CharField("逾期或特殊情况说明", max_length=300, blank=True)
    note = models.TextField("情况记录", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["file", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="one_record_per_step")]

    def __str__(self) -> str:
        return f"{self.file.member} {self.get_number_display()} {self.done_on}"


class Sponsor(models.Model):
    """培养联系人 (RULES B-3: 1–2) or 入党介绍人 (B-6: 2), full members not under 留党察看."""

    class Role(models.TextChoices):
        CULTIVATOR = "cultivator", "培养联系人"
        INTRODUCER = "introducer", "入党介绍人"

    file = models.ForeignKey(
        DevelopmentFile, verbose_name="入党档案", related_name="sponsors", on_delete=models.PROTECT
    )
    role = models.CharField("身份", max_length=20, choices=Role.choices)
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="sponsorships", on_delete=models.PROTECT
    )
    start_on = models.DateField("确定日期")
    end_on = models.DateField("更换日期", null=True, blank=True)
    end_reason = models.CharField("更换原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "培养联系人和入党介绍人"
        verbose_name_plural = "培养联系人和入党介绍人"
        ordering = ["file", "role", "start_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "role", "member"],
                condition=models.Q(end_on__isnull=True),
                name="one_open_sponsorship",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


class Review(models.Model):
    """考察 entries: the half-yearly review of an activist or 发展对象 (入党积极分子考察登记表,
    RULES B-4) and the review of a 预备党员 (预备党员考察登记表, DEV-4)."""

    class Kind(models.TextChoices):
        ACTIVIST = "activist", "入党积极分子考察"
        PROBATIONARY = "probationary", "预备党员考察"

    file = models.ForeignKey(
        DevelopmentFile, verbose_name="入党档案", related_name="reviews", on_delete=models.PROTECT
    )
    kind = models.CharField("考察类别", max_length=20, choices=Kind.choices)
    reviewed_on = models.DateField("考察日期")
    period_start = models.DateField("考察期起")
    period_end = models.DateField("考察期止")
    performance = models.TextField("现实表现（思想、工作、学习、履行义务）")
    cultivator_opinion = models.TextField("培养联系人意见", blank=True)
    branch_opinion = models.TextField("党支部意见", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "考察记录"
        verbose_name_plural = "考察记录"
        ordering = ["file", "reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="review_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file.member} {self.get_kind_display()} {self.reviewed_on}"
