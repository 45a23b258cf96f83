"""Party dues (SPEC DUES-1, DUES-2; RULES §C; seed §二.18) and party-building funds (DUES-3).

The monthly amount is computed, never typed (`zhibu.dues.rules`): a `DuesSetting` fixes it for a
member from a month of a year — one from January when the year's amounts are set (C-5), a later
one only with a reason. The ledger has one `DuesPayment` per member and month; arrears are the
months a member owed and did not pay (`zhibu.dues.selectors`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zhibu.members.models import DuesCategory

ZERO = Decimal("0")


class DuesSetting(models.Model):
    """The monthly amount of one member from `from_month` of `year` on (until a later setting)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="dues_settings", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    from_month = models.PositiveSmallIntegerField(
        "起始月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    dues_category = models.CharField("党费类别", max_length=20, choices=DuesCategory.choices)
    dues_base = models.DecimalField(
        "党费基数（元/月）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    # The rate in percent (0.5 = 0.5%) for the bracket categories; null for the fixed amounts.
    rate = models.DecimalField("交纳比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField("每月应交（元）", max_digits=10, decimal_places=2)
    # 减免 (RULES C-7): a hardship reduction agreed by the branch and approved by the superior
    # organisation; `amount` is then the reduced amount and `reduced_from` the computed one.
    reduced_from = models.DecimalField(
        "减免前应交（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    reduction_approval = models.CharField("上级党组织批准（文号或日期）", max_length=200, blank=True)
    reason = models.CharField("核定或调整原因", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("核定时间", auto_now_add=True)

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = "党费核定"
        ordering = ["member", "year", "from_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "from_month"], name="one_dues_setting_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="dues_setting_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年{self.from_month}月起 {self.amount}元"


class DuesPayment(models.Model):
    """One month of one member in the ledger: due, paid, date, method (DUES-2)."""

    class Method(models.TextChoices):
        CASH = "cash", "现金"
        TRANSFER = "transfer", "银行转账"
        ONLINE = "online", "网上交纳"
        PAYROLL = "payroll", "工资代扣"
        PROXY = "proxy", "委托代交"
        OTHER = "other", "其他"

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="dues_payments", on_delete=models.PROTECT
    )
    # The branch that collected it (the member's branch when recorded): the ledger stays with the
    # branch after a transfer.
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="收缴党支部", related_name="dues_payments", on_delete=models.PROTECT
    )
    month = models.DateField("所属月份")  # always the 1st of the month
    due = models.DecimalField("应交金额", max_digits=10, decimal_places=2)
    paid = models.DecimalField("实交金额", max_digits=10, decimal_places=2)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("交纳方式", max_length=20, choices=Method.choices, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        ordering = ["member", "month"]
        indexes = [models.Index(fields=["branch", "month"])]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="one_dues_payment_per_month"),
            models.CheckConstraint(
                condition=models.Q(due__gte=0, paid__gte=0), name="dues_payment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.paid}元"

    @property
    def is_settled(self) -> bool:
        return self.paid >= self.due


class DuesPublication(models.Model):
    """The yearly publication of dues collected (RULES C-7), published as a 公示."""

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", related_name="dues_publications", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    members = models.PositiveIntegerField("应交人数")
    due_total = models.DecimalField("应交合计", max_digits=12, decimal_places=2)
    paid_total = models.DecimalField("实交合计", max_digits=12, decimal_places=2)
    notice = models.OneToOneField(
        "meetings.Notice", verbose_name="公示", related_name="dues_publication", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党费收缴公示"
        verbose_name_plural = "党费收缴公示"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_dues_publication_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年党费收缴情况"


class FundLine(models.TextChoices):
    """党建经费 budget lines (DUES-3)."""

    EDUCATION = "education", "党员教育培训"
    ACTIVITIES = "activities", "组织活动"
    COMMENDATION = "commendation", "表彰奖励"
    CARE = "care", "走访慰问困难党员"
    FACILITIES = "facilities", "党建阵地建设"
    MATERIALS = "materials", "学习资料订阅"
    OTHER = "other", "其他"


class FundBudget(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="党组织", related_name="fund_budgets", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("年度")
    line = models.CharField("预算科目", max_length=20, choices=FundLine.choices)
    amount = models.DecimalField(
        "预算金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党建经费预算"
        verbose_name_plural = "党建经费预算"
        ordering = ["organisation", "year", "line"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "line"], name="one_budget_line_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年{self.get_line_display()}"


class FundExpense(models.Model):
    budget = models.ForeignKey(
        FundBudget, verbose_name="预算科目", related_name="expenses", on_delete=models.PROTECT
    )
    spent_on = models.DateField("支出日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    purpose = models.CharField("用途", max_length=300)
    payee = models.CharField("收款方", max_length=200)
    voucher_number = models.CharField("凭证号", max_length=50, blank=True)
    approver = models.CharField("审批人", max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党建经费支出"
        verbose_name_plural = "党建经费支出"
        ordering = ["-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_expense_positive")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.purpose} {self.amount}元"


class FundReceipt(models.Model):
    """A receipt or invoice (票据) of an expense."""

    expense = models.ForeignKey(
        FundExpense, verbose_name="支出", related_name="receipts", on_delete=models.PROTECT
    )
    file = models.FileField("文件", upload_to="funds/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "经费票据"
        verbose_name_plural = "经费票据"

    def __str__(self) -> str:
        return self.name
