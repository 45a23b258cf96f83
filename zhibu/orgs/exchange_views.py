"""Organisation import and export pages (SPEC §13, DOC-4)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from zhibu.accounts.scoping import require_perm
from zhibu.lib.dates import today
from zhibu.lib.importing import import_page, template_bytes
from zhibu.lib.xlsx import xlsx_response
from zhibu.orgs import exchange


@require_perm("orgs.view")
def export(request: HttpRequest) -> HttpResponse:
    """The organisations the user may see, in the import's columns."""
    content = exchange.export_bytes(request.user, include_inactive=request.GET.get("inactive") == "1")
    return xlsx_response(content, f"党组织_{today():%Y%m%d}.xlsx")


@require_perm("orgs.structure")
def import_upload(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        importer=exchange.import_orgs,
        title="导入党组织",
        template_url=reverse("orgs:import_template"),
        back_url=reverse("orgs:tree"),
        columns=exchange.COLUMNS,
    )


@require_perm("orgs.structure")
def import_template(request: HttpRequest) -> HttpResponse:
    content = template_bytes("党组织", exchange.COLUMNS, notes=exchange.TEMPLATE_NOTES)
    return xlsx_response(content, "党组织导入模板.xlsx")
