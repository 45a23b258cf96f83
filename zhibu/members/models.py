"""The member registry (MEM-1, RULES F-2): one row per person, never deleted (MEM-4). Where a
person was, and in which category, on any date is kept as history (`Placement`, `StatusChange`)
so that the rules of SPEC §8 ("members of the branch on the meeting date") are a query away."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from zhibu.lib import idnumber
from zhibu.lib.dates import full_years_between, today


class Gender(models.TextChoices):
    MALE = idnumber.MALE, "男"
    FEMALE = idnumber.FEMALE, "女"


class Category(models.TextChoices):
    """人员类别 (MEM-1, DEV-1)."""

    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    CANDIDATE = "candidate", "发展对象"
    ACTIVIST = "activist", "入党积极分子"
    APPLICANT = "applicant", "入党申请人"


PARTY_MEMBER_CATEGORIES = (Category.FULL, Category.PROBATIONARY)


class Standing(models.TextChoices):
    """党籍状态 (RULES F-2; MEM-4)."""

    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "去世"


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", "在职"
    RETIRED = "retired", "离退休"
    STUDENT = "student", "学生"
    FARMER = "farmer", "农民"
    NO_INCOME = "no_income", "无固定收入"


class Member(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, blank=True, default="汉族")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=30, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices, db_index=True)
    branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在党支部",
        related_name="members",
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "branch"},
    )
    group = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="党小组",
        related_name="group_members",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "group"},
    )
    joined_on = models.DateField("入党日期", null=True, blank=True)
    converted_on = models.DateField("转正日期", null=True, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("工作岗位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    standing = models.CharField(
        "党籍状态", max_length=20, choices=Standing.choices, default=Standing.NORMAL, db_index=True
    )
    is_lost_contact = models.BooleanField("失联党员", default=False)
    lost_contact_on = models.DateField("失联日期", null=True, blank=True)
    is_mobile = models.BooleanField("流动党员", default=False)
    mobile_destination = models.CharField("外出流向", max_length=200, blank=True)
    dues_category = models.CharField(
        "党费类别", max_length=20, choices=DuesCategory.choices, default=DuesCategory.EMPLOYED
    )
    dues_base = models.DecimalField(
        "党费基数（元/月）",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # False once the person has left the enterprise's registry (transferred out, 出党, 去世): the row
    # stays for history and is hidden from the default lists.
    is_active = models.BooleanField("在册", default=True, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["branch_id", "name", "id"]
        indexes = [models.Index(fields=["branch", "is_active", "category"])]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    def party_standing(self, on: dt.date | None = None) -> int | None:
        """党龄 in completed years, counted from conversion (RULES B-9)."""
        if self.converted_on is None:
            return None
        return full_years_between(self.converted_on, on or today())

    def age(self, on: dt.date | None = None) -> int:
        return full_years_between(self.birth_date, on or today())

    @property
    def is_party_member(self) -> bool:
        return self.category in PARTY_MEMBER_CATEGORIES


class Placement(models.Model):
    """Where a member belonged (branch and group) from `start_on` to `end_on` (exclusive; open when
    null). One open row per member; services close and open rows on every move."""

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="placements", on_delete=models.PROTECT
    )
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", related_name="placements", on_delete=models.PROTECT
    )
    group = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="党小组",
        related_name="group_placements",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "组织隶属记录"
        verbose_name_plural = "组织隶属记录"
        ordering = ["member", "start_on", "id"]
        indexes = [models.Index(fields=["branch", "start_on", "end_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(end_on__isnull=True), name="one_open_placement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.branch_id} {self.start_on}—{self.end_on or '至今'}"


class StatusChange(models.Model):
    """History of 人员类别 and 党籍状态: the category on a date is the last change on or before it."""

    class Field(models.TextChoices):
        CATEGORY = "category", "人员类别"
        STANDING = "standing", "党籍状态"

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="status_changes", on_delete=models.PROTECT
    )
    field = models.CharField("项目", max_length=20, choices=Field.choices)
    old_value = models.CharField("原值", max_length=20, blank=True)
    new_value = models.CharField("新值", max_length=20)
    effective_on = models.DateField("生效日期")
    reason = models.CharField("原因或依据", max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "状态变更"
        verbose_name_plural = "状态变更"
        ordering = ["member", "effective_on", "id"]
        indexes = [models.Index(fields=["member", "field", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.old_label}→{self.new_label} {self.effective_on}"

    def label(self, value: str) -> str:
        choices = Category if self.field == self.Field.CATEGORY else Standing
        return str(dict(choices.choices).get(value, value))

    @property
    def old_label(self) -> str:
        return self.label(self.old_value)

    @property
    def new_label(self) -> str:
        return self.label(self.new_value)


class Transfer(models.Model):
    """组织关系转接 (MEM-4; RULES F-1)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "系统内转接"
        IN = "in", "从系统外转入"
        OUT = "out", "转出到系统外"

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="transfers", on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    from_branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="转出党支部",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    to_branch = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="转入党支部",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    outside_organisation = models.CharField("系统外党组织", max_length=200, blank=True)
    transferred_on = models.DateField("转接日期")
    letter_number = models.CharField("介绍信编号", max_length=50, blank=True)
    receipt_returned_on = models.DateField("回执退回日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.transferred_on}"


class TrainingRecord(models.Model):
    """培训记录 (MEM-5; RULES A-10; seed §二.1 书记岗前培训、年培训不少于7天、培训档案)."""

    class Kind(models.TextChoices):
        PRE_APPOINTMENT = "pre_appointment", "岗前培训"
        ANNUAL = "annual", "年度培训"
        ACTIVIST = "activist", "入党积极分子集中培训"
        OTHER = "other", "其他培训"

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="trainings", on_delete=models.PROTECT
    )
    kind = models.CharField("培训类别", max_length=30, choices=Kind.choices, default=Kind.ANNUAL)
    course = models.CharField("培训名称", max_length=200)
    organiser = models.CharField("主办单位", max_length=100)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期")
    days = models.DecimalField(
        "培训天数", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    hours = models.DecimalField(
        "学时", max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    certificate = models.CharField("结业证书编号", max_length=100, blank=True)
    notes = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["member", "-start_on"]
        indexes = [models.Index(fields=["member", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="training_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.course}"


class MobileRecord(models.Model):
    """流动党员 (MEM-3; RULES §D; seed §二.17 外出请假登记审批、专人联系、定期汇报)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        RETURNED = "returned", "已返回"

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="mobile_records", on_delete=models.PROTECT
    )
    left_on = models.DateField("外出日期")
    destination = models.CharField("外出流向", max_length=200)
    reason = models.CharField("外出原因", max_length=200)
    expected_return_on = models.DateField("预计返回日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    approved_on = models.DateField("审批日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_person = models.ForeignKey(
        Member,
        verbose_name="支部联系人",
        null=True,
        blank=True,
        related_name="mobile_contacts",
        on_delete=models.PROTECT,
    )
    certificate_number = models.CharField("流动党员活动证编号", max_length=50, blank=True)
    returned_on = models.DateField("返回日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "流动党员登记"
        verbose_name_plural = "流动党员登记"
        ordering = ["-left_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} → {self.destination}"


class MobileReport(models.Model):
    """A mobile member's periodic report to the home branch (at least quarterly)."""

    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        ONLINE = "online", "网络"
        WRITTEN = "written", "书面"
        IN_PERSON = "in_person", "当面"

    record = models.ForeignKey(
        MobileRecord, verbose_name="流动登记", related_name="reports", on_delete=models.PROTECT
    )
    reported_on = models.DateField("汇报日期")
    channel = models.CharField("方式", max_length=20, choices=Channel.choices)
    content = models.TextField("汇报内容")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "流动党员汇报"
        verbose_name_plural = "流动党员汇报"
        ordering = ["record", "-reported_on"]

    def __str__(self) -> str:
        return f"{self.record} {self.reported_on}"


class Discipline(models.Model):
    """党纪处分 on a member's record. 留党察看 matters beyond the record: a member under it whose
    rights are not restored cannot be a 培养联系人 or 入党介绍人 (RULES B-6) and does not vote."""

    class Kind(models.TextChoices):
        WARNING = "warning", "警告"
        SERIOUS_WARNING = "serious_warning", "严重警告"
        REMOVAL_FROM_POST = "removal_from_post", "撤销党内职务"
        PROBATION = "probation", "留党察看"
        EXPULSION = "expulsion", "开除党籍"

    member = models.ForeignKey(
        Member, verbose_name="党员", related_name="disciplines", on_delete=models.PROTECT
    )
    kind = models.CharField("处分类别", max_length=30, choices=Kind.choices)
    decided_on = models.DateField("处分决定日期")
    decided_by = models.CharField("决定机关", max_length=100)
    reason = models.CharField("处分事由", max_length=300)
    probation_months = models.PositiveSmallIntegerField("留党察看期限（月）", null=True, blank=True)
    # 留党察看 ends with rights restored (恢复党员权利) on a date; until then the member is under it.
    rights_restored_on = models.DateField("恢复党员权利日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党纪处分"
        verbose_name_plural = "党纪处分"
        ordering = ["member", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.decided_on}"

    def is_probation_on(self, on: dt.date) -> bool:
        """Under 留党察看 on `on`: decided on or before it, rights not restored by then."""
        return (
            self.kind == self.Kind.PROBATION
            and self.decided_on <= on
            and (self.rights_restored_on is None or self.rights_restored_on > on)
        )
