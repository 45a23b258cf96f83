from django.http import HttpRequest

from zhibu.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind login: `user` is a real User (for type checking)."""

    user: User
