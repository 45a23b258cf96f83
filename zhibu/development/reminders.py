"""Member-development reminders (NOTIFY-1; DEV-3, DEV-4; RULES B-2, B-3, B-4, B-8, B-9) for the
daily reminder job.

`development_reminders(on)` reads the due list of every active branch (`selectors.due_items`, the
definitions there) and reminds the branch secretaries (role `branch_secretary` held at the
person's branch) of: a talk overdue, a half-yearly review overdue, an activist without a
培养联系人, an approval overdue, and a conversion due (from the warning days before the end of
probation) or overdue. The key is "<kind>:<file id, or m<member id> without a file>:<due date>":
the same item reminds once however many days the job runs, and a new due date (a new review
period, an extension of probation) reminds again.
"""

import datetime as dt
from typing import TYPE_CHECKING

from zhibu.development import selectors
from zhibu.orgs.models import Organisation

if TYPE_CHECKING:
    from zhibu.notifications.services import Reminder

KINDS: dict[str, str] = {
    "development_talk_overdue": "入党申请谈话逾期",
    "development_review_overdue": "入党积极分子考察逾期",
    "development_no_cultivator": "入党积极分子未指定培养联系人",
    "development_approval_overdue": "上级党委审批逾期",
    "development_conversion_due": "预备党员即将期满",
    "development_conversion_overdue": "预备党员转正逾期",
}


def _kind_of(item: selectors.DueItem) -> str | None:
    """The reminder kind of a due item, or None when it is not reminded (not yet overdue, or
    only an opportunity such as 可确定为发展对象)."""
    if item.kind == "no_cultivator":
        return "development_no_cultivator"
    if item.kind == "conversion":
        return "development_conversion_overdue" if item.overdue else "development_conversion_due"
    if item.overdue and item.kind in ("talk", "review", "approval"):
        return f"development_{item.kind}_overdue"
    return None


def development_reminders(on: dt.date) -> list["Reminder"]:
    """One reminder per branch secretary per due item that needs acting on (constant queries)."""
    from zhibu.accounts.models import Role
    from zhibu.notifications.services import Reminder, _holders, _url

    branches = Organisation.objects.filter(kind=Organisation.Kind.BRANCH, is_active=True)
    due = [(item, kind) for item in selectors.due_items(branches, on) if (kind := _kind_of(item))]
    if not due:
        return []
    secretaries = _holders({item.member.branch_id for item, _ in due}, (Role.BRANCH_SECRETARY,))
    found = []
    for item, kind in due:
        member = item.member
        ref = str(item.file.pk) if item.file is not None else f"m{member.pk}"
        due_key = item.due_on.isoformat() if item.due_on else "-"
        if item.file is not None:
            url = _url("development:file", item.file.pk) or f"/development/{item.file.pk}/"
        else:
            url = _url("development:branch", member.branch_id) or f"/development/branch/{member.branch_id}/"
        title = f"{member.name}：{KINDS[kind]}"
        for user_id in secretaries[member.branch_id]:
            found.append(
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    key=f"{kind}:{ref}:{due_key}"[:200],
                    title=title[:200],
                    body=item.text,
                    url=url,
                    organisation_id=member.branch_id,
                    due_on=item.due_on,
                )
            )
    return found
