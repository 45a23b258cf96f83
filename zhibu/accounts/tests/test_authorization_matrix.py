"""The authorization matrix (SPEC §0, ARCHITECTURE "Scoping"): every route × every persona.

`test_every_route_has_a_row` walks the URL resolver and fails when a route has no row here, so a new
page or endpoint cannot ship without someone deciding who may use it. Each row names the request
and the status each persona gets; personas not named get the row's default (403 for pages and
API routes that need a permission the persona lacks). Out-of-scope ids give 404, never 403.
Each persona's request runs in a savepoint that is rolled back, so rows that write stay independent.
"""

import datetime as dt
import importlib
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhibu.accounts import services as account_services
from zhibu.accounts.tests.matrix import (
    LOGGED_IN,
    MEMBER_EDITORS,
    MEMBER_VIEWERS,
    ORG_VIEWERS,
    PERSONAS,
    Row,
    api,
    every,
    in_a,
)
from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.members.tests.factories import make_id_number
from zhibu.orgs import services as org_services

MATRIX: dict[str, Row] = {
    # --- accounts
    "accounts:home": Row("get", lambda o: "/", every(*LOGGED_IN)),
    "accounts:login": Row("get", lambda o: "/accounts/login/", every(*LOGGED_IN, status=302), anonymous=200),
    "accounts:logout": Row("post", lambda o: "/accounts/logout/", every(*LOGGED_IN, status=302)),
    "accounts:password_change": Row("get", lambda o: "/accounts/password/", every(*LOGGED_IN)),
    "accounts:tokens": Row("get", lambda o: "/accounts/tokens/", every(*LOGGED_IN)),
    "accounts:token_revoke": Row(
        "post", lambda o: f"/accounts/tokens/{o['token'].pk}/revoke/", {"officer": 302}, default=404
    ),
    "accounts:user_list": Row("get", lambda o: "/accounts/users/", every("admin")),
    "accounts:user_export": Row("get", lambda o: "/accounts/users/export.xlsx", every("admin")),
    "accounts:user_create": Row("get", lambda o: "/accounts/users/new/", every("admin")),
    "accounts:user_detail": Row(
        "get", lambda o: f"/accounts/users/{o['users']['secretary_a'].pk}/", every("admin")
    ),
    "accounts:role_grant": Row(
        "post",
        lambda o: f"/accounts/users/{o['users']['outsider'].pk}/roles/",
        every("admin", status=302),
        data=lambda o: {"role": "inspector", "organisation": o["world"].committee.pk},
    ),
    "accounts:role_revoke": Row(
        "post",
        lambda o: f"/accounts/users/{o['users']['secretary_a'].pk}/roles/{o['assignment'].pk}/revoke/",
        every("admin", status=302),
    ),
    "accounts:user_password_reset": Row(
        "post",
        lambda o: f"/accounts/users/{o['users']['secretary_a'].pk}/password/",
        every("admin", status=302),
        data={"password": "Another-pass-2026"},
    ),
    "accounts:user_unlock": Row(
        "post",
        lambda o: f"/accounts/users/{o['users']['secretary_a'].pk}/unlock/",
        every("admin", status=302),
    ),
    # --- organisations
    "orgs:tree": Row("get", lambda o: "/orgs/", every(*ORG_VIEWERS)),
    "orgs:create": Row("get", lambda o: "/orgs/new/", every("admin", "officer")),
    "orgs:export": Row("get", lambda o: "/orgs/export.xlsx", every(*ORG_VIEWERS)),
    "orgs:import": Row("get", lambda o: "/orgs/import/", every("admin", "officer")),
    "orgs:import_template": Row("get", lambda o: "/orgs/import/template.xlsx", every("admin", "officer")),
    "orgs:detail": Row(
        "get", lambda o: f"/orgs/{o['world'].branch_a.pk}/", every(*ORG_VIEWERS) | {"secretary_b": 404}
    ),
    "orgs:edit": Row("get", lambda o: f"/orgs/{o['world'].branch_a.pk}/edit/", every("admin", "officer")),
    "orgs:move": Row("get", lambda o: f"/orgs/{o['world'].branch_a.pk}/move/", every("admin", "officer")),
    "orgs:dissolve": Row(
        "get", lambda o: f"/orgs/{o['world'].branch_a.pk}/dissolve/", every("admin", "officer")
    ),
    "orgs:committee_elect": Row(
        "get",
        lambda o: f"/orgs/{o['world'].branch_a.pk}/committee/elect/",
        in_a(200, "officer", "secretary_a"),
    ),
    "orgs:contact_point_add": Row(
        "get", lambda o: f"/orgs/{o['world'].branch_a.pk}/contact-points/new/", every("officer")
    ),
    "orgs:four_sync": Row("get", lambda o: f"/orgs/{o['world'].branch_a.pk}/four-sync/", every("officer")),
    "orgs:committee_edit": Row(
        "get", lambda o: f"/orgs/committees/{o['committee'].pk}/edit/", in_a(200, "officer", "secretary_a")
    ),
    "orgs:seat_add": Row(
        "get",
        lambda o: f"/orgs/committees/{o['committee'].pk}/seats/new/",
        in_a(200, "officer", "secretary_a"),
    ),
    "orgs:seat_end": Row(
        "get", lambda o: f"/orgs/seats/{o['seat'].pk}/end/", in_a(200, "officer", "secretary_a")
    ),
    "orgs:visit_add": Row(
        "get", lambda o: f"/orgs/contact-points/{o['contact_point'].pk}/visits/new/", every("officer")
    ),
    # --- members
    "members:list": Row("get", lambda o: "/members/", every(*MEMBER_VIEWERS)),
    "members:create": Row("get", lambda o: "/members/new/", every(*MEMBER_EDITORS)),
    "members:me": Row("get", lambda o: "/members/me/", every("member_a"), default=404),
    "members:export": Row("get", lambda o: "/members/export.xlsx", every(*MEMBER_VIEWERS)),
    "members:import": Row("get", lambda o: "/members/import/", every(*MEMBER_EDITORS)),
    "members:import_template": Row("get", lambda o: "/members/import/template.xlsx", every(*MEMBER_EDITORS)),
    "members:detail": Row(
        "get",
        lambda o: f"/members/{o['world'].member_in_a.pk}/",
        in_a(200, "officer", "secretary_a", "inspector"),
    ),
    "members:edit": Row(
        "get", lambda o: f"/members/{o['world'].member_in_a.pk}/edit/", in_a(200, "officer", "secretary_a")
    ),
    "members:status": Row(
        "get", lambda o: f"/members/{o['world'].member_in_a.pk}/status/", in_a(200, "officer", "secretary_a")
    ),
    "members:transfer": Row(
        "get",
        lambda o: f"/members/{o['world'].member_in_a.pk}/transfer/",
        in_a(200, "officer", "secretary_a"),
    ),
    "members:reveal_id": Row(
        "post",
        lambda o: f"/members/{o['world'].member_in_a.pk}/id-number/",
        in_a(200, "officer", "secretary_a"),
    ),
    # --- API: scoped exactly like the pages; anonymous callers get 401
    "api:api-root": Row("get", lambda o: "/api/", {}, default=404, anonymous=404),
    "api:me": api("get", lambda o: "/api/me", every(*LOGGED_IN)),
    "api:openapi-json": api("get", lambda o: "/api/openapi.json", every(*LOGGED_IN)),
    "api:openapi-view": Row("get", lambda o: "/api/docs", every(*LOGGED_IN)),
    "api:organisation_list": api("get", lambda o: "/api/orgs", every(*ORG_VIEWERS)),
    "api:organisation_detail": api(
        "get", lambda o: f"/api/orgs/{o['world'].branch_a.pk}", every(*ORG_VIEWERS) | {"secretary_b": 404}
    ),
    "api:member_list": api("get", lambda o: "/api/members", every(*MEMBER_VIEWERS)),
    "api:member_detail": api(
        "get",
        lambda o: f"/api/members/{o['world'].member_in_a.pk}",
        in_a(200, "officer", "secretary_a", "inspector"),
    ),
    "api:member_create": api(
        "post",
        lambda o: "/api/members",
        every("officer", "secretary_a", status=201) | {"secretary_b": 422},
        json=True,
        data=lambda o: {
            "name": "新党员",
            "id_number": o["new_id_number"],
            "category": "applicant",
            "branch_id": o["world"].branch_a.pk,
        },
    ),
    "api:member_update": api(
        "patch",
        lambda o: f"/api/members/{o['world'].member_in_a.pk}",
        in_a(200, "officer", "secretary_a"),
        json=True,
        data={"phone": "13800000000"},
    ),
    # --- rules (P-4)
    "rulebook:list": Row("get", lambda o: "/rules/", every("officer")),
    "rulebook:edit": Row("get", lambda o: "/rules/massess.points_good/", every("officer")),
    # --- audit
    "audit:list": Row("get", lambda o: "/audit/", every("auditor")),
    "audit:export": Row("get", lambda o: "/audit/export.xlsx", every("auditor")),
    "audit:detail": Row("get", lambda o: f"/audit/{o['event'].pk}/", every("auditor")),
}


# Apps with routes of their own contribute rows (and the objects they need) from their tests.
MATRIX_MODULES = (
    "zhibu.goals.tests.matrix",
    "zhibu.member_assessment.tests.matrix",
    "zhibu.meetings.tests.matrix",
    "zhibu.meetings.tests.matrix_compliance",
    "zhibu.notifications.tests.matrix",
    "zhibu.members.tests.matrix",
    "zhibu.development.tests.matrix",
    "zhibu.dues.tests.matrix",
    "zhibu.dues.tests.matrix_funds",
)
APP_MATRICES = [importlib.import_module(name) for name in MATRIX_MODULES]
for _module in APP_MATRICES:
    MATRIX.update(_module.ROWS)


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.append(
                f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"
            )
    return names


def route_names() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_every_route_has_a_row() -> None:
    missing = [name for name in route_names() if name not in MATRIX]
    assert not missing, f"routes without a row in the authorization matrix: {missing}"


def test_every_row_is_a_route() -> None:
    stale = sorted(set(MATRIX) - set(route_names()))
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


@pytest.fixture
def objects(world: World) -> dict[str, Any]:
    a = world.branch_a
    committee = org_services.committee_elect(actor=None, organisation=a, elected_on=dt.date(2025, 1, 10))
    seat = org_services.committee_seat_add(
        actor=None,
        committee=committee,
        member=world.member_in_a,
        post="secretary",
        start_on=dt.date(2025, 1, 10),
    )
    top_committee = org_services.committee_elect(
        actor=None, organisation=world.committee, elected_on=dt.date(2025, 1, 5)
    )
    org_services.committee_seat_add(
        actor=None,
        committee=top_committee,
        member=world.member_in_b,
        post="secretary",
        start_on=dt.date(2025, 1, 5),
    )
    point = org_services.contact_point_create(
        actor=None, leader=world.member_in_b, organisation=a, start_on=dt.date(2025, 2, 1)
    )
    token, _ = account_services.token_create(actor=None, user=world.users["officer"], name="测试")
    return {
        "world": world,
        "users": world.users,
        "committee": committee,
        "seat": seat,
        "contact_point": point,
        "token": token,
        "assignment": world.users["secretary_a"].roles.get(),
        "event": AuditEvent.objects.filter(organisation=a).first(),
        "new_id_number": make_id_number(),
    } | {key: value for module in APP_MATRICES for key, value in module.extra_objects(world).items()}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_answers_each_persona_as_the_matrix_says(route: str, objects: dict[str, Any]) -> None:
    row = MATRIX[route]
    url = row.url(objects)
    data = row.data(objects) if callable(row.data) else row.data
    wrong = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(objects["users"][persona])
        with transaction.atomic():
            if row.json:
                response = getattr(client, row.method)(url, data, content_type="application/json")
            else:
                response = getattr(client, row.method)(url, data)
            transaction.set_rollback(True)
        if response.status_code != row.expected(persona):
            wrong.append(f"{persona}: expected {row.expected(persona)}, got {response.status_code}")
    assert not wrong, f"{row.method.upper()} {url}\n" + "\n".join(wrong)
