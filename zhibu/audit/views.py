import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhibu.accounts.scoping import require_perm, scope_q
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.dates import cn_date
from zhibu.lib.xlsx import workbook_bytes, xlsx_response


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _events(request: HttpRequest):  # type: ignore[no-untyped-def]
    # The auditor sees events of organisations in their subtree, and those with no organisation
    # (logins, accounts) — auditors are granted at the top organisation.
    events = AuditEvent.objects.filter(
        scope_q(request.user, "audit.view", "organisation") | Q(organisation__isnull=True)
    ).select_related("organisation")
    params = request.GET
    if params.get("action"):
        events = events.filter(action=params["action"])
    if params.get("actor"):
        events = events.filter(actor_label__icontains=params["actor"])
    if params.get("object"):
        events = events.filter(Q(object_repr__icontains=params["object"]) | Q(object_type=params["object"]))
    # A date that is not a date (a hand-edited URL) filters nothing rather than failing.
    start, end = _date(params.get("start")), _date(params.get("end"))
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        events = events.filter(at__date__lte=end)
    return events.order_by("-at", "-id")


@require_safe  # read-only pages: no POST route (SPEC §12)
@require_perm("audit.view")
def event_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_events(request), 50).get_page(request.GET.get("page"))
    context = {"page_obj": page, "actions": AuditEvent.Action.choices, "params": request.GET}
    return render(request, "audit/list.html", context)


@require_safe
@require_perm("audit.view")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    event = get_object_or_404(_events(request), pk=pk)
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    rows = [(k, (event.before or {}).get(k), (event.after or {}).get(k)) for k in keys]
    return render(request, "audit/detail.html", {"event": event, "rows": rows})


@require_safe
@require_perm("audit.view")
def export(request: HttpRequest) -> HttpResponse:
    headers = ["时间", "操作人", "操作", "对象类型", "对象", "所属组织", "变更前", "变更后", "说明", "IP地址"]
    rows = (
        [
            cn_date(e.at),
            e.actor_label,
            e.get_action_display(),
            e.object_type,
            e.object_repr,
            e.organisation.name if e.organisation else "",
            str(e.before or ""),
            str(e.after or ""),
            e.note,
            e.ip_address or "",
        ]
        for e in _events(request)[:50000]
    )
    content = workbook_bytes("审计日志", headers, rows)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="audit.auditevent",
        object_repr="审计日志导出",
        after={"filters": {k: v for k, v in request.GET.items() if v}},
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    return xlsx_response(content, "审计日志.xlsx")
