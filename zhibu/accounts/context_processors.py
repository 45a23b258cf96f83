from typing import Any

from zhibu.accounts.scoping import has_perm, roles_of


def navigation(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "orgs": has_perm(user, "orgs.view"),
            "members": has_perm(user, "members.view"),
            "accounts": has_perm(user, "accounts.manage"),
            "audit": has_perm(user, "audit.view"),
            "rules": has_perm(user, "rules.manage"),
            "me": user.member_id is not None,
            "goals": has_perm(user, "goals.view"),
            "my_goals": user.member_id is not None,
            "massess": has_perm(user, "massess.view"),
            "meetings": has_perm(user, "meetings.view"),
            "development": has_perm(user, "development.view"),
            "dues": has_perm(user, "dues.view"),
            "funds": has_perm(user, "funds.view"),
        },
        "user_roles": sorted(roles_of(user)),
    }
