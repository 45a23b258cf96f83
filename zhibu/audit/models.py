from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write (or sensitive read) by one actor. Append-only: the application offers no edit or
    delete, and database triggers (migration 0002) refuse UPDATE and DELETE on the table."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        MOVE = "move", "调整隶属"
        TRANSFER = "transfer", "组织关系转接"
        STATUS = "status", "状态变更"
        IMPORT = "import", "批量导入"
        EXPORT = "export", "导出"
        VIEW_SENSITIVE = "view_sensitive", "查看敏感信息"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        GRANT = "grant", "授予角色"
        REVOKE = "revoke", "撤销角色"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField("操作人名称", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属组织", null=True, blank=True, on_delete=models.PROTECT
    )
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"
