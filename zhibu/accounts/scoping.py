"""The one place that decides who sees what (SPEC §0, ARCHITECTURE "Scoping").

A permission is granted by roles; a role is held at an organisation and reaches that organisation's
subtree. Every queryset that reaches a user goes through `orgs_for` / `members_for` (or `scope_q`
for other models), and single objects through the `get_*_or_404` helpers, so an id outside the
user's subtree is "not found", never "forbidden" — ids cannot be probed.
"""

from collections.abc import Callable
from functools import reduce, wraps
from operator import or_
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from zhibu.accounts.models import Role, RoleAssignment

R = Role
PERMISSIONS: dict[str, frozenset[str]] = {
    # the organisation tree and branch pages
    "orgs.view": frozenset({R.SYSTEM_ADMIN, R.ORG_OFFICER, R.RATER, R.INSPECTOR, R.BRANCH_SECRETARY}),
    # create, rename, move, dissolve and import organisations
    "orgs.structure": frozenset({R.SYSTEM_ADMIN, R.ORG_OFFICER}),
    # committees and terms of a branch
    "orgs.committee": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # leadership contact points, the 四个同步 checklist: the superior committee's matters
    "orgs.oversight": frozenset({R.ORG_OFFICER}),
    "members.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR}),
    "members.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # the full 公民身份号码 (MEM-6); every full view is logged
    "members.id_number": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # goals and their progress (GOAL-1…7); members reach their own goals without these
    "goals.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR, R.RATER}),
    "goals.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # member ratings, year results and 民主评议 (MASSESS-1…4); members see their own
    "massess.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR}),
    "massess.rate": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # meetings, attendance, decisions, notices and the compliance calendar (ACT-1…4)
    "meetings.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR, R.RATER}),
    "meetings.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # member development: files, steps, reviews, due lists, registers (DEV-1…6)
    "development.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR}),
    "development.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # dues: yearly amounts, the monthly ledger, arrears, publication (DUES-1, DUES-2); members see their own
    "dues.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR, R.AUDITOR}),
    "dues.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    # party-building funds: budget, spending with receipts; the auditor reads them (DUES-3)
    "funds.view": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY, R.INSPECTOR, R.AUDITOR}),
    "funds.edit": frozenset({R.ORG_OFFICER, R.BRANCH_SECRETARY}),
    "accounts.manage": frozenset({R.SYSTEM_ADMIN}),
    # the numbers of the rules (P-4): frequencies, thresholds, points
    "rules.manage": frozenset({R.ORG_OFFICER}),
    "audit.view": frozenset({R.AUDITOR}),
}


def _assignments(user: Any) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_zhibu_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("organisation"))
        user._zhibu_assignments = cached
    return cached


def forget(user: Any) -> None:
    """Drop the per-request cache after a role change."""
    if hasattr(user, "_zhibu_assignments"):
        del user._zhibu_assignments


def roles_of(user: Any) -> set[str]:
    return {a.role for a in _assignments(user)}


def root_paths(user: Any, perm: str) -> list[str]:
    """Paths of the organisations where `user` holds a role granting `perm`, without nested ones."""
    roles = PERMISSIONS[perm]
    paths = sorted({a.organisation.path for a in _assignments(user) if a.role in roles})
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def has_perm(user: Any, perm: str) -> bool:
    return bool(root_paths(user, perm))


def scope_q(user: Any, perm: str, org_field: str = "") -> Q:
    """A filter on a model whose organisation is reached by `org_field` ("" for Organisation
    itself, "branch" for Member, …). Matches nothing when the user lacks the permission."""
    prefix = f"{org_field}__" if org_field else ""
    roots = root_paths(user, perm)
    if not roots:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": root}) for root in roots))


def in_scope(user: Any, perm: str, organisation: Any) -> bool:
    return any(organisation.path.startswith(root) for root in root_paths(user, perm))


def orgs_for(user: Any, perm: str = "orgs.view") -> QuerySet:
    from zhibu.orgs.models import Organisation

    return Organisation.objects.filter(scope_q(user, perm))


def members_for(user: Any, perm: str = "members.view") -> QuerySet:
    from zhibu.members.models import Member

    return Member.objects.filter(scope_q(user, perm, "branch"))


def get_org_or_404(user: Any, perm: str, pk: Any) -> Any:
    from zhibu.orgs.models import Organisation

    try:
        return Organisation.objects.select_related("parent").get(scope_q(user, perm), pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该党组织") from None


def get_member_or_404(user: Any, perm: str, pk: Any) -> Any:
    from zhibu.members.models import Member

    try:
        return Member.objects.select_related("branch", "group").get(scope_q(user, perm, "branch"), pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该党员") from None


def require_perm(perm: str) -> Callable:
    """View decorator: login required (redirect), then the permission somewhere (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied("您没有访问此页面的权限")
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def api_actor(request: Any, perm: str) -> Any:
    """The API's authenticated user, if they hold `perm` somewhere (else 403, as the pages do)."""
    user = request.auth
    if not has_perm(user, perm):
        raise PermissionDenied("您没有使用此接口的权限")
    return user
