"""Reads of the member registry. `member_search` is the one filter behind the list page, its
export and the API list, so the three always agree."""

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from zhibu.accounts.scoping import members_for
from zhibu.members.models import Category, Member, Placement, StatusChange
from zhibu.orgs.models import Organisation

FILTERS = ("q", "branch", "category", "standing", "mobile", "lost", "inactive")


def member_search(user: Any, params: Any, perm: str = "members.view") -> QuerySet:
    qs = members_for(user, perm).select_related("branch", "group")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(phone__icontains=q) | Q(post__icontains=q) | Q(id_number=q.upper())
        )
    branch = params.get("branch")
    if branch and str(branch).isdigit():
        # Any organisation: its subtree's branches (a 党委 or 党总支 at any depth), or a 党小组's members.
        path = Organisation.objects.filter(pk=branch).values("path")[:1]
        qs = qs.filter(Q(branch__path__startswith=Subquery(path)) | Q(group_id=branch))
    category = params.get("category")
    if category in Category.values:
        qs = qs.filter(category=category)
    standing = params.get("standing")
    if standing:
        qs = qs.filter(standing=standing)
    if params.get("mobile") == "1":
        qs = qs.filter(is_mobile=True)
    if params.get("lost") == "1":
        qs = qs.filter(is_lost_contact=True)
    if params.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    return qs.order_by("branch__path", "name", "id")


def members_of_branch_on(branch_id: int, on: dt.date, *, group_id: int | None = None) -> QuerySet:
    """Members (正式 or 预备, 党籍 not stopped) placed in the branch (or group) on `on` — the
    "expected" of SPEC §8. One query: the placements on the date, then each person's latest 人员类别
    and 党籍状态 on or before it (StatusChange history)."""
    placements = Placement.objects.filter(branch_id=branch_id, start_on__lte=on).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=on)
    )
    if group_id is not None:
        placements = placements.filter(group_id=group_id)
    return (
        Member.objects.filter(pk__in=placements.values("member_id"))
        .annotate(category_on=_latest_on("category", on), standing_on=_latest_on("standing", on))
        .filter(category_on__in=["full", "probationary"])
        .filter(Q(standing_on__isnull=True) | Q(standing_on="normal"))
    )


def _latest_on(field: str, on: dt.date) -> Subquery:
    return Subquery(
        StatusChange.objects.filter(member_id=OuterRef("pk"), field=field, effective_on__lte=on)
        .order_by("-effective_on", "-id")
        .values("new_value")[:1]
    )
