"""党费台账导入 pages (SPEC §13 import_dues): the upload (validated as a whole, written only when
every row is good, as the uploader and only for people inside their `dues.edit` scope) and the
template download."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zhibu.accounts.scoping import require_perm, root_paths
from zhibu.dues import exchange
from zhibu.lib.importing import ImportForm
from zhibu.lib.xlsx import xlsx_response

TEMPLATE_FILE_NAME = "党费台账导入模板.xlsx"


@require_perm("dues.edit")
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = exchange.import_dues(
            upload,
            actor=request.user,
            roots=root_paths(request.user, "dues.edit"),
            dry_run=form.cleaned_data["dry_run"],
            file_name=upload.name,
        )
    context = {
        "title": "导入党费台账",
        "form": form,
        "result": result,
        "template_url": reverse("dues:import_template"),
        "back_url": reverse("dues:index"),
        "columns": exchange.COLUMNS,
        "notes": exchange.TEMPLATE_NOTES,
    }
    return render(request, "includes/import_page.html", context)


@require_perm("dues.edit")
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(exchange.template_bytes(), TEMPLATE_FILE_NAME)
