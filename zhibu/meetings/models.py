"""Organisational life (SPEC ACT-1…4; seed §二.11–15): meetings and activities with attendance and
make-ups, decisions with votes, and public notices (公示). Recorded once here; the compliance
calendar, the assessment proposal (SPEC §8) and the 工作手册 read them."""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """Meeting kinds; the labels are the 会议类型 enumeration of SPEC §13 `import_meetings`."""

    GENERAL_MEETING = "general_meeting", "党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LESSON = "party_lesson", "党课"
    THEME_DAY = "theme_day", "主题党日"
    ORGANISATIONAL_LIFE_MEETING = "organisational_life_meeting", "组织生活会"
    DEMOCRATIC_LIFE_MEETING = "democratic_life_meeting", "民主生活会"
    MEMBER_REVIEW = "member_review", "民主评议党员"
    WARNING_EDUCATION = "warning_education", "警示教育"
    FEATURED_ACTIVITY = "featured_activity", "特色活动"
    HEART_TO_HEART_TALK = "heart_to_heart_talk", "谈心谈话"
    OTHER = "other", "其他"


# Kinds whose attendance counts for the attendance rate of SPEC §8 (item 12).
ATTENDANCE_RATE_KINDS = (Kind.GENERAL_MEETING, Kind.GROUP_MEETING, Kind.PARTY_LESSON)


class Meeting(models.Model):
    """A meeting or activity of a branch (or of a 党小组, for 党小组会). `organisation` is the branch,
    or the group for a 党小组会; a 支委会 belongs to the branch and expects its committee."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="meetings", on_delete=models.PROTECT
    )
    kind = models.CharField("会议类型", max_length=40, choices=Kind.choices, db_index=True)
    held_on = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    topic = models.CharField("主题", max_length=300)
    host = models.CharField("主持人", max_length=50, blank=True)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    # GOAL-5: the goals whose progress the meeting reviewed.
    reviewed_goals = models.ManyToManyField(
        "goals.Goal", verbose_name="检查的目标", blank=True, related_name="reviewing_meetings"
    )
    # The ledger row it came from (SPEC §13 import_meetings 序号), for messages and re-imports.
    import_serial = models.CharField("导入序号", max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "会议活动"
        verbose_name_plural = "会议活动"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "held_on"])]
        constraints = [
            # SPEC §13: a meeting is identified by 组织代码 + 会议类型 + 日期 + 主题.
            models.UniqueConstraint(
                fields=["organisation", "kind", "held_on", "topic"], name="unique_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}：{self.topic}"


class Attendance(models.Model):
    """One expected person at one meeting (ACT-2). A row exists for every person expected on the
    meeting date (all 正式/预备 members of the branch, the committee for a 支委会, the group's members
    for a 党小组会), present by default; leave and absence carry a reason and later a 补课."""

    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        ON_LEAVE = "on_leave", "请假"
        ABSENT = "absent", "缺席"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", related_name="attendances", on_delete=models.CASCADE
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="attendances", on_delete=models.PROTECT
    )
    status = models.CharField("出勤情况", max_length=20, choices=Status.choices, default=Status.PRESENT)
    reason = models.CharField("请假或缺席原因", max_length=200, blank=True)
    makeup_on = models.DateField("补课日期", null=True, blank=True)
    makeup_note = models.CharField("补课方式和内容", max_length=300, blank=True)

    class Meta:
        verbose_name = "出勤"
        verbose_name_plural = "出勤"
        ordering = ["meeting", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.meeting} {self.member} {self.get_status_display()}"


class Decision(models.Model):
    """议事 (ACT-4): a decision on a major matter with its vote. Quorum and majority follow RULES A-5:
    more than half of the voting members present, and more "yes" votes than half of those entitled."""

    class Subject(models.TextChoices):
        MAJOR_MATTER = "major_matter", "重大事项"
        MEMBER_DEVELOPMENT = "member_development", "发展党员"
        COMMENDATION = "commendation", "推荐表彰先进"
        PERSONNEL = "personnel", "干部人事"
        OTHER = "other", "其他"

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", related_name="decisions", on_delete=models.PROTECT
    )
    subject = models.CharField("事项类别", max_length=30, choices=Subject.choices)
    title = models.CharField("议题", max_length=300)
    entitled = models.PositiveIntegerField("应到有表决权人数")
    present = models.PositiveIntegerField("实到有表决权人数")
    votes_for = models.PositiveIntegerField("赞成")
    votes_against = models.PositiveIntegerField("反对", default=0)
    votes_abstain = models.PositiveIntegerField("弃权", default=0)
    resolution = models.TextField("决议内容", blank=True)

    class Meta:
        verbose_name = "议事决定"
        verbose_name_plural = "议事决定"
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """党务公开 and 公示 (ACT-4): published for a period, e.g. a commendation or a member development step."""

    class Subject(models.TextChoices):
        COMMENDATION = "commendation", "表彰先进"
        MEMBER_DEVELOPMENT = "member_development", "发展党员"
        PARTY_AFFAIRS = "party_affairs", "党务公开"
        DUES = "dues", "党费收缴"
        OTHER = "other", "其他"

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="notices", on_delete=models.PROTECT
    )
    subject = models.CharField("类别", max_length=30, choices=Subject.choices)
    title = models.CharField("标题", max_length=300)
    content = models.TextField("内容")
    start_on = models.DateField("公示开始")
    end_on = models.DateField("公示结束")
    decision = models.ForeignKey(
        Decision,
        verbose_name="对应的议事决定",
        null=True,
        blank=True,
        related_name="notices",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="notice_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", related_name="attachments", on_delete=models.CASCADE
    )
    file = models.FileField("文件", upload_to="meetings/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议附件"
        verbose_name_plural = "会议附件"

    def __str__(self) -> str:
        return self.name


class ActivityPlan(models.Model):
    """The yearly plan of 党日活动 (seed §二.13 ①支部活动有计划; SPEC §8 item 13)."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="activity_plans", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    adopted_on = models.DateField("制定日期")
    content = models.TextField("活动计划")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年度活动计划"
        verbose_name_plural = "年度活动计划"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_activity_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}年活动计划"
