"""Placeholder: replaced by the import/export implementation."""

from django.http import HttpRequest, HttpResponse

from zhibu.accounts.scoping import require_perm


@require_perm("orgs.view")
def export(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


@require_perm("orgs.structure")
def import_upload(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


@require_perm("orgs.structure")
def import_template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
