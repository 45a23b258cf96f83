"""The home page: what each role needs first."""

from typing import Any

from zhibu.accounts.models import Role
from zhibu.accounts.scoping import has_perm, orgs_for, roles_of
from zhibu.orgs.selectors import branch_overview


def home_context(user: Any) -> dict[str, Any]:
    roles = roles_of(user)
    context: dict[str, Any] = {"roles": [Role(r).label for r in sorted(roles)]}
    if Role.BRANCH_SECRETARY in roles:
        branches = (
            orgs_for(user, "orgs.committee").filter(kind="branch", is_active=True).order_by("path")[:10]
        )
        context["branch_overviews"] = [branch_overview(branch) for branch in branches]
    if has_perm(user, "orgs.structure") or Role.ORG_OFFICER in roles:
        from zhibu.orgs.selectors import branch_warnings_summary

        context["org_summary"] = branch_warnings_summary(user)
    if user.member_id:
        context["member"] = user.member
    # Goals (GOAL-5): overdue and at-risk goals of the secretary's branches; the member's goals due soon.
    from zhibu.goals.selectors import attention_nodes, due_soon_nodes

    if Role.BRANCH_SECRETARY in roles:
        alerts = attention_nodes(user, limit=100_000)
        context["goal_alerts"] = alerts[:20]
        context["goal_alerts_total"] = len(alerts)
    if user.member_id:
        context["my_goals_due"] = due_soon_nodes(user.member_id)
    # Development (DEV-3, DEV-4) and dues (DUES-2): what the secretary's branches owe, overdue first.
    if Role.BRANCH_SECRETARY in roles:
        from zhibu.development.selectors import due_items
        from zhibu.dues.selectors import arrears

        items = due_items(list(orgs_for(user, "development.edit").filter(kind="branch", is_active=True)))
        context["development_due"] = items[:10]
        context["development_due_total"] = len(items)
        owing = list(arrears(orgs_for(user, "dues.edit").filter(kind="branch", is_active=True)))
        owing.sort(key=lambda row: (-row.consecutive, row.member.name))
        context["dues_arrears"] = owing[:10]
        context["dues_arrears_total"] = len(owing)
    return context
