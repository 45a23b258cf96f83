"""Every list exports to .xlsx (DOC-4): the user list."""

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse

from zhibu.accounts.models import RoleAssignment, User
from zhibu.accounts.scoping import orgs_for, require_perm
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.dates import cn_date
from zhibu.lib.xlsx import workbook_bytes, xlsx_response


@require_perm("accounts.manage")
def user_export(request: HttpRequest) -> HttpResponse:
    scope = orgs_for(request.user, "accounts.manage")
    users = (
        User.objects.filter(Q(roles__organisation__in=scope) | Q(roles__isnull=True))
        .distinct()
        .prefetch_related(Prefetch("roles", queryset=RoleAssignment.objects.select_related("organisation")))
        .order_by("username")
    )
    headers = ["用户名", "姓名", "手机号", "电子邮箱", "角色", "状态", "最近登录", "创建时间"]
    rows = (
        [
            u.username,
            u.full_name,
            u.phone,
            u.email,
            "；".join(f"{a.get_role_display()}（{a.organisation.name}）" for a in u.roles.all()),
            "启用" if u.is_active else "停用",
            cn_date(u.last_login),
            cn_date(u.date_joined),
        ]
        for u in users
    )
    content = workbook_bytes("用户", headers, rows)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="accounts.user",
        object_repr="用户列表导出",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(content, "用户列表.xlsx")
