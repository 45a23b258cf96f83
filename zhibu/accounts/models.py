import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=30, blank=True)
    member = models.OneToOneField(
        "members.Member",
        verbose_name="对应党员",
        null=True,
        blank=True,
        related_name="user",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    """SPEC §0. Each role is held at an organisation and reaches its subtree."""

    SYSTEM_ADMIN = "system_admin", "系统管理员"
    ORG_OFFICER = "org_officer", "党委组织部"
    RATER = "rater", "考评领导小组成员"
    INSPECTOR = "inspector", "考核小组成员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记/支委"
    MEMBER = "member", "党员"
    AUDITOR = "auditor", "审计员"


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", related_name="roles", on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在组织",
        related_name="role_assignments",
        on_delete=models.PROTECT,
    )
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)
    granted_by = models.ForeignKey(
        User, verbose_name="授予人", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="unique_role_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name}：{self.get_role_display()}（{self.organisation}）"


class ApiToken(models.Model):
    """A token for integrations (API). Only a hash is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, verbose_name="用户", related_name="api_tokens", on_delete=models.CASCADE)
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API令牌 {self.name}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "zb_" + secrets.token_urlsafe(32)
