"""Authorization-matrix rows for the inbox (collected by
zhibu/accounts/tests/test_authorization_matrix.py): every logged-in user has an inbox of their own;
someone else's notification is "not found"."""

from typing import Any

from zhibu.accounts.tests.matrix import LOGGED_IN, Row, every
from zhibu.notifications.models import Notification

ROWS: dict[str, Row] = {
    "notifications:inbox": Row("get", lambda o: "/notifications/", every(*LOGGED_IN)),
    "notifications:read_all": Row(
        "post", lambda o: "/notifications/read-all/", every(*LOGGED_IN, status=302)
    ),
    "notifications:read": Row(
        "post",
        lambda o: f"/notifications/{o['notification'].pk}/read/",
        {"member_a": 302},
        default=404,
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    notification = Notification.objects.create(
        user=world.users["member_a"], kind="goal_due", key="goal_due:0:2026-12-31", title="目标即将到期"
    )
    return {"notification": notification}
