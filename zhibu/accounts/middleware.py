import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

_KEY = "zhibu_last_seen"
_RESOLUTION = 60


class IdleTimeoutMiddleware:
    """Log a user out after IDLE_TIMEOUT_SECONDS without a request (30 minutes by default)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(_KEY)
            if last is not None and now - int(last) > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "您已长时间未操作，为保护数据安全已自动退出，请重新登录。")
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"detail": "会话已超时，请重新登录"}, status=401)
                return redirect_to_login(request.get_full_path())  # `next` keeps the query, encoded
            # Refresh at most once a minute: a session write on every request would cost a query.
            if last is None or now - int(last) >= _RESOLUTION:
                request.session[_KEY] = now
        return self.get_response(request)
