"""The inbox (NOTIFY-1): a user's own reminders, newest first; open one (marks it read) or mark
all read. Only logged-in users; nobody sees anyone else's."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhibu.notifications import services
from zhibu.notifications.selectors import get_notification_or_404, notifications_of

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    qs = notifications_of(request.user)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page, "show": show})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go where it points (its own link, or back to the inbox)."""
    notification = get_notification_or_404(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if request.POST.get("stay") or not target:
        return redirect("notifications:inbox")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
