"""The API (django-ninja) at /api/: OpenAPI at /api/openapi.json, docs at /api/docs.

Session auth for the browser (CSRF-checked), bearer tokens (`ApiToken`) for integrations. Every
endpoint reaches data through the same scoping helpers as the pages, so the answers mirror them:
anonymous → 401, a permission held nowhere → 403, an object outside the user's subtree → 404.
Every error body is Chinese: {"detail": "…"}, or for bad input (422)
{"detail": [{"field": …, "label": <中文字段名>, "message": <中文说明>}]}.

The routers (zhibu/orgs/api.py, zhibu/members/api.py) import nothing from this module, so either
can be imported on its own; this module mounts them at the bottom.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import BaseModel

from zhibu.accounts.models import ApiToken, RoleAssignment

# pydantic error types → Chinese, with the constraint from the error's context.
_MESSAGES: dict[str, str] = {
    "missing": "必须填写",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "最多{decimal_places}位小数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期（格式 YYYY-MM-DD）",
    "date_parsing": "应为日期（格式 YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（格式 YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（格式 YYYY-MM-DD），不含时间",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不能大于{le}",
    "string_too_long": "不能超过{max_length}个字符",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "model_type": "请求体应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "value_error": "{error}",
}


# Parameters whose schema is not ours (ninja's pagination).
_LABELS = {"page": "页码", "page_size": "每页条数", "organisation_id": "党组织编号", "member_id": "党员编号"}


def _chinese(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(error["type"])
    if template is None:
        return f"格式不正确（{error['type']}）"
    ctx = dict(error.get("ctx", {}))
    if "expected" in ctx:  # "'a', 'b' or 'c'" → "'a'、'b'、'c'"
        ctx["expected"] = str(ctx["expected"]).replace("' or '", "'、'").replace("', '", "'、'")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("，：")


def _label(model: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """The field name and its Chinese label (the schema field's `title`) along a pydantic loc.
    The first step is the view's parameter (`payload`, `filters`…), which the client never sees."""
    field, label, current = "", "", model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not isinstance(part, str) or not fields or part not in fields:
            break
        info = fields[part]
        annotation = info.annotation
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if not is_model:
            field, label = part, info.title or part
        current = annotation
    if not field and loc:
        field = str(loc[-1])
        label = "请求体" if field in ("payload", "body") else field
    if label == field:
        label = _LABELS.get(field, field)
    return field, label


class ZhibuAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        """Bad input in the shape the services' errors take, in Chinese, labelled by the schemas."""
        problems: list[dict[str, str]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                # The label is found along the model's own path; the field is named as the client
                # sent it (query parameters are flattened out of their schema).
                field, label = _label(model, tuple(error["loc"]))
                sent = model.__ninja_flatten_map_reverse__.get(error["loc"], ())
                field = str(sent[-1]) if sent else field
                problems.append({"field": field, "label": label, "message": _chinese(dict(error))})
        return ValidationError(problems)


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
        # At most one write a minute per token: enough to tell a live integration from a dead one.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's Django session, with the CSRF check for unsafe methods (X-CSRFToken header)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        # Without a session there is nothing to forge: answer 401, not a CSRF 403.
        if key and self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403, "CSRF 校验失败：使用登录会话调用接口时，修改数据的请求须带 X-CSRFToken 请求头"
            )
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def _docs_login_required(view: Callable) -> Callable:
    """Decision: the API's description (/api/openapi.json) and its docs page (/api/docs) are for
    any logged-in user, whatever their roles: they list what exists, never data. Anonymous
    visitors get the login page for the docs (a browser page) and a 401 for the JSON (a
    machine's request); an integration may read the JSON with its bearer token."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        allowed = request.user.is_authenticated
        if not allowed and request.headers.get("Authorization", "").startswith("Bearer "):
            allowed = TokenAuth()(request) is not None
        if allowed:
            return view(request, *args, **kwargs)
        if request.path.endswith("openapi.json"):
            return JsonResponse({"detail": "请先登录，或使用 API 令牌"}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


api = ZhibuAPI(
    title="党支部工作目标管理系统 API",
    version="1",
    description=(
        "组织、党员等数据接口。权限与页面完全一致：未登录为 401，在任何组织都没有相应权限为 403，"
        "超出本人管辖范围的对象为 404。集成系统使用“API令牌”（Authorization: Bearer <令牌>）；"
        "浏览器使用登录会话，修改数据的请求须带 X-CSRFToken 请求头。"
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_decorator=_docs_login_required,
)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(request, "未登录，或 API 令牌无效、已撤销", 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    defaults = {
        400: "请求体无法解析，应为有效的 JSON",
        401: "未登录",
        403: "没有权限",
        404: "未找到",
        429: "请求过于频繁，请稍后再试",
    }
    message = str(exc) if _has_chinese(str(exc)) else defaults.get(exc.status_code, "请求有误")
    return _detail(request, message, exc.status_code)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) if _has_chinese(str(exc)) else "您没有使用此接口的权限", 403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) if _has_chinese(str(exc)) else "未找到", 404)


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's refusal that no router translated: the field names are the service's."""
    if hasattr(exc, "error_dict"):
        items = [(field, message) for field, messages in exc.message_dict.items() for message in messages]
    else:
        items = [("", message) for message in exc.messages]
    detail = [{"field": "" if f == "__all__" else f, "label": "", "message": m} for f, m in items]
    return api.create_response(request, {"detail": detail}, status=422)


from zhibu.development.api import router as development_router  # noqa: E402
from zhibu.dues.api import router as dues_router  # noqa: E402
from zhibu.dues.funds_api import router as funds_router  # noqa: E402
from zhibu.goals.api import router as goals_router  # noqa: E402
from zhibu.meetings.api import router as meetings_router  # noqa: E402
from zhibu.member_assessment.api import router as member_assessment_router  # noqa: E402
from zhibu.members.api import MemberDetailOut, member_detail_data  # noqa: E402
from zhibu.members.api import router as members_router  # noqa: E402
from zhibu.members.api_records import router as members_records_router  # noqa: E402
from zhibu.members.models import Member  # noqa: E402
from zhibu.orgs.api import router as orgs_router  # noqa: E402

api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/members-records", members_records_router)
api.add_router("/member-assessment", member_assessment_router)
api.add_router("/goals", goals_router)
api.add_router("/meetings", meetings_router)
api.add_router("/development", development_router)
api.add_router("/dues", dues_router)
api.add_router("/funds", funds_router)


class RoleOut(Schema):
    role: str = Field(title="角色")
    label: str = Field(title="角色名称")
    organisation_id: int = Field(title="所在组织编号")
    organisation_code: str = Field(title="所在组织代码")
    organisation_name: str = Field(title="所在组织名称")


class MeOut(Schema):
    username: str = Field(title="用户名")
    display_name: str = Field(title="姓名")
    roles: list[RoleOut] = Field(title="角色", description="每个角色在一个组织担任，作用于该组织及其下级")
    member: MemberDetailOut | None = Field(
        title="本人党员信息", description="账号关联了党员时为本人的党员档案（公民身份号码脱敏）"
    )


@api.get(
    "/me", response=MeOut, tags=["账号"], summary="当前用户", description="当前用户、角色及本人的党员档案。"
)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    roles = (
        RoleAssignment.objects.filter(user=user)
        .select_related("organisation")
        .order_by("role", "organisation")
    )
    member = None
    if user.member_id is not None:
        # Everyone sees their own record (SPEC §0), with or without members.view.
        member = member_detail_data(Member.objects.select_related("branch", "group").get(pk=user.member_id))
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [
            {
                "role": a.role,
                "label": a.get_role_display(),
                "organisation_id": a.organisation_id,
                "organisation_code": a.organisation.code,
                "organisation_name": a.organisation.name,
            }
            for a in roles
        ],
        "member": member,
    }
