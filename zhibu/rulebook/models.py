from django.conf import settings
from django.db import models


class RuleValue(models.Model):
    """An org officer's change to one rule (P-4), in force from `from_year` on until a later change.
    Rows are never edited: a new value is a new row, so every year's numbers can be reconstructed."""

    key = models.CharField("规则", max_length=80, db_index=True)
    value = models.CharField("取值", max_length=50)
    from_year = models.PositiveSmallIntegerField("起始年度")
    reason = models.CharField("调整原因或依据", max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="调整人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("调整时间", auto_now_add=True)

    class Meta:
        verbose_name = "规则取值"
        verbose_name_plural = "规则取值"
        ordering = ["key", "from_year", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}（{self.from_year}年起）"
