"""Member import and export pages (SPEC §13, MEM-2, MEM-6, DOC-4)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from zhibu.accounts.scoping import has_perm, require_perm
from zhibu.lib.importing import import_page, template_bytes
from zhibu.lib.xlsx import xlsx_response
from zhibu.members import exchange


@require_perm("members.view")
def export(request: HttpRequest) -> HttpResponse:
    """The list page's filters from the query string; `?full_id=1` (logged) needs
    `members.id_number`, else 403."""
    full_id = request.GET.get("full_id") == "1"
    if full_id and not has_perm(request.user, "members.id_number"):
        raise PermissionDenied("您没有导出完整公民身份号码的权限")
    content = exchange.export_bytes(
        request.user, request.GET, full_id=full_id, ip_address=request.META.get("REMOTE_ADDR")
    )
    return xlsx_response(content, exchange.export_file_name(full_id=full_id))


@require_perm("members.edit")
def import_upload(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        importer=exchange.import_members,
        title="导入党员",
        template_url=reverse("members:import_template"),
        back_url=reverse("members:list"),
        columns=exchange.COLUMNS,
    )


@require_perm("members.edit")
def import_template(request: HttpRequest) -> HttpResponse:
    content = template_bytes("党员", exchange.COLUMNS, notes=exchange.TEMPLATE_NOTES)
    return xlsx_response(content, "党员导入模板.xlsx")
