"""Dues reminders (NOTIFY-1, DUES-2, C-8) for the daily reminder job.

`dues_reminders(on)` reads the arrears of every active branch (`selectors.arrears`, the definitions
there) and reminds the branch secretaries (role `branch_secretary` held at the member's branch) of
each member whose unpaid run has reached a level: 3 months (`dues.arrears_warning_months`) a
warning, 6 months (`dues.arrears_flag_months`) a flag for the branch to act on (C-8). A run reminds
once per level: the key is "<kind>:<member id>:<first unpaid month of the run YYYY-MM>", so the same
run stays one notification however many days the job runs, and a new run after a payment is new.
"""

import datetime as dt
from typing import TYPE_CHECKING

from zhibu.dues import selectors
from zhibu.dues.rules import month_label
from zhibu.orgs.models import Organisation

if TYPE_CHECKING:
    from zhibu.notifications.services import Reminder

WARNING_KIND, FLAG_KIND = "dues_arrears_warning", "dues_arrears_flag"
KINDS = {
    WARNING_KIND: "党费欠缴3个月",
    FLAG_KIND: "党费连续欠缴6个月",
}
_KIND_OF_LEVEL = {selectors.WARNING: WARNING_KIND, selectors.FLAG: FLAG_KIND}


def dues_reminders(on: dt.date) -> list["Reminder"]:
    """One reminder per branch secretary per member in arrears at a level (constant queries)."""
    from zhibu.accounts.models import Role
    from zhibu.notifications.services import Reminder, _holders, _url

    branches = Organisation.objects.filter(kind=Organisation.Kind.BRANCH, is_active=True)
    rows = [row for row in selectors.arrears(branches, on) if row.level in _KIND_OF_LEVEL]
    if not rows:
        return []
    secretaries = _holders({row.member.branch_id for row in rows}, (Role.BRANCH_SECRETARY,))
    found = []
    for row in rows:
        member, kind = row.member, _KIND_OF_LEVEL[row.level]
        start = row.run_start
        assert start is not None  # a level needs a run
        url = _url("dues:member", member.pk) or _url("dues:arrears")
        if row.level == selectors.FLAG:
            title = f"{member.name}已连续{row.consecutive}个月未交纳党费，请支部研究处理"
        else:
            title = f"{member.name}已连续{row.consecutive}个月未交纳党费"
        body = (
            f"{member.name}自{month_label(start)}起未交纳党费，累计欠缴{row.owed}元"
            f"（欠缴月份：{row.months_label}）。{row.message}。"
        )
        for user_id in secretaries[member.branch_id]:
            found.append(
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    key=f"{kind}:{member.pk}:{start:%Y-%m}",
                    title=title[:200],
                    body=body,
                    url=url,
                    organisation_id=member.branch_id,
                )
            )
    return found
