"""Who reaches which development files (ARCHITECTURE: access through the scoping helpers): a file
belongs to the branch of its person, and an id outside the user's subtree is "not found"."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from zhibu.accounts.scoping import orgs_for, scope_q
from zhibu.development.models import DevelopmentFile
from zhibu.orgs.models import Organisation


def branches_for(user: Any, perm: str = "development.view") -> QuerySet:
    return orgs_for(user, perm).filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("path")


def files_for(user: Any, perm: str = "development.view") -> QuerySet:
    """Files of the people whose branch is in the user's subtree."""
    return DevelopmentFile.objects.filter(scope_q(user, perm, "member__branch"))


def get_file_or_404(user: Any, perm: str, pk: Any) -> DevelopmentFile:
    try:
        return files_for(user, perm).select_related("member__branch", "member__group").get(pk=pk)
    except (DevelopmentFile.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该入党档案") from None
