"""The API (django-ninja) at /api/: OpenAPI at /api/openapi.json, docs at /api/docs.

Session auth for the browser (CSRF-checked), bearer tokens (`ApiToken`) for integrations. Every
endpoint reaches data through the same scoping helpers as the pages."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from zhibu.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's Django session, with the CSRF check for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="党支部工作目标管理系统 API",
    version="1",
    description="组织、党员等数据接口。权限与账号在页面上的权限完全一致。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)

from zhibu.members.api import router as members_router  # noqa: E402
from zhibu.orgs.api import router as orgs_router  # noqa: E402

api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
