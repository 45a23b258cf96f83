from typing import Any

from zhibu.notifications.selectors import unread_count


def notifications(request: Any) -> dict[str, Any]:
    """The unread count of the navbar's bell: one query per page, for logged-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
