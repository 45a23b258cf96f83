"""Reads of a user's own notifications: every query is filtered by the user, so someone else's
notification is "not found"."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from zhibu.notifications.models import Notification


def notifications_of(user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def get_notification_or_404(user: Any, pk: Any) -> Notification:
    try:
        return notifications_of(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该提醒") from None
