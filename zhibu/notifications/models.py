"""Reminders (NOTIFY-1): in-app notifications, emailed when configured. The daily command creates
them from the records; `key` makes a reminder unique per user, so running it twice the same day
creates nothing new."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        related_name="notifications",
        on_delete=models.CASCADE,
    )
    kind = models.CharField("类别", max_length=50, db_index=True)
    # What the reminder is about and for which period, e.g. "committee_meeting_missing:12:2026-10":
    # the same key is never notified twice to the same user.
    key = models.CharField("去重键", max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="相关组织",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
    )
    due_on = models.DateField("截止日期", null=True, blank=True)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
