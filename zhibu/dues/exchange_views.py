"""党费台账导入 pages (SPEC §13 import_dues). STUB: to be written."""

from django.http import HttpRequest, HttpResponse

from zhibu.accounts.scoping import require_perm


@require_perm("dues.edit")
def import_upload(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@require_perm("dues.edit")
def import_template(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
