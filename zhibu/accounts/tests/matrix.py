"""Shared pieces of the authorization matrix (see test_authorization_matrix.py): the personas, the
row type and helpers. Apps add their routes' rows in `zhibu/<app>/tests/matrix.py` as `ROWS` (and
the objects those rows need as `extra_objects(world)`); the matrix test collects them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "outsider",
    "member_a",
    "secretary_a",
    "secretary_b",
    "officer",
    "admin",
    "inspector",
    "rater",
    "auditor",
)
LOGGED_IN = PERSONAS[1:]
ORG_VIEWERS = ("admin", "officer", "secretary_a", "secretary_b", "inspector", "rater")
MEMBER_VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector")
MEMBER_EDITORS = ("officer", "secretary_a", "secretary_b")


@dataclass
class Row:
    method: str
    url: Callable[[dict[str, Any]], str]
    expect: dict[str, int]
    default: int = 403
    anonymous: int = 302  # pages redirect to the login page; API rows say 401
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)
    json: bool = False  # send `data` as a JSON body (API writes)

    def expected(self, persona: str) -> int:
        if persona == "anonymous":
            return self.expect.get("anonymous", self.anonymous)
        return self.expect.get(persona, self.default)


def every(*personas: str, status: int = 200) -> dict[str, int]:
    return dict.fromkeys(personas, status)


def api(method: str, url: Callable[[dict[str, Any]], str], expect: dict[str, int], **kwargs: Any) -> Row:
    return Row(method, url, expect, anonymous=401, **kwargs)


def in_a(status: int, *personas: str) -> dict[str, int]:
    """Personas who may act on branch A; secretary_b holds the permission elsewhere: 404."""
    expect = every(*personas, status=status)
    if "secretary_b" not in personas:
        expect["secretary_b"] = 404
    return expect
