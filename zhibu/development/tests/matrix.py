"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py): `development.view` for the org officer, the
branch secretary and the inspector; `development.edit` for the officer and the secretary. The
objects live in branch A, so secretary_b (who holds the permissions in branch B) gets 404."""

import datetime as dt
from typing import Any

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.development.tests.factories import make_file
from zhibu.lib.dates import today
from zhibu.members.tests.factories import make_member

VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector")
A_VIEWERS = ("officer", "secretary_a", "inspector")
A_EDITORS = ("officer", "secretary_a")


def _applicant(o: dict[str, Any]) -> int:
    return o["development_applicant"].pk


def _sponsored(o: dict[str, Any]) -> int:
    return o["development_sponsored"].pk


def _talk(o: dict[str, Any]) -> dict[str, Any]:
    """Step ② of the applicant's file, valid today (B-2: within a month of the application)."""
    return {"number": 2, "done_on": today().isoformat(), "basis": "党支部书记谈话"}


ROWS: dict[str, Row] = {
    "development:index": Row("get", lambda o: "/development/", every(*VIEWERS)),
    "development:index_export": Row("get", lambda o: "/development/export.xlsx", every(*VIEWERS)),
    "development:branch": Row(
        "get", lambda o: f"/development/branch/{o['world'].branch_a.pk}/", in_a(200, *A_VIEWERS)
    ),
    "development:branch_export": Row(
        "get", lambda o: f"/development/branch/{o['world'].branch_a.pk}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "development:open": Row(
        "get", lambda o: f"/development/open/{o['development_registry'].pk}/", in_a(200, *A_EDITORS)
    ),
    "development:file": Row("get", lambda o: f"/development/{_applicant(o)}/", in_a(200, *A_VIEWERS)),
    "development:step": Row(
        "post", lambda o: f"/development/{_applicant(o)}/step/", in_a(302, *A_EDITORS), data=_talk
    ),
    "development:review_create": Row(
        "get", lambda o: f"/development/{_sponsored(o)}/review/new/", in_a(200, *A_EDITORS)
    ),
    # An applicant's file cannot be extended or cancelled: the page comes back with the reason.
    "development:extend": Row(
        "post", lambda o: f"/development/{_applicant(o)}/extend/", in_a(200, *A_EDITORS)
    ),
    "development:cancel": Row(
        "post", lambda o: f"/development/{_applicant(o)}/cancel/", in_a(200, *A_EDITORS)
    ),
    "development:close": Row(
        "post",
        lambda o: f"/development/{_applicant(o)}/close/",
        in_a(302, *A_EDITORS),
        data=lambda o: {"close-closed_on": today().isoformat(), "close-reason": "本人撤回入党申请"},
    ),
    "development:register": Row(
        "get", lambda o: f"/development/{_sponsored(o)}/register/activist.docx", in_a(200, *A_VIEWERS)
    ),
    "development:sponsor_replace": Row(
        "post",
        lambda o: f"/development/sponsor/{o['development_sponsor'].pk}/replace/",
        in_a(302, *A_EDITORS),
        data=lambda o: {
            f"sponsor{o['development_sponsor'].pk}-member": o["world"].member_in_a.pk,
            f"sponsor{o['development_sponsor'].pk}-on": today().isoformat(),
            f"sponsor{o['development_sponsor'].pk}-reason": "原培养联系人工作调动",
        },
    ),
    # API
    "api:development_files": api("get", lambda o: "/api/development/files", every(*VIEWERS)),
    "api:development_file": api(
        "get", lambda o: f"/api/development/files/{_sponsored(o)}", in_a(200, *A_VIEWERS)
    ),
    "api:development_due": api("get", lambda o: "/api/development/due", every(*VIEWERS)),
    "api:development_step_create": api(
        "post",
        lambda o: f"/api/development/files/{_applicant(o)}/steps",
        in_a(201, *A_EDITORS),
        json=True,
        data=_talk,
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    """In branch A: 丁申请人's file with only ① (applied ten days ago), 戊积极分子's file through ⑤
    (with a 培养联系人), and 己申请人 in the registry without a file."""
    registered = {"category": "applicant", "birth": dt.date(1996, 3, 8), "start_on": dt.date(2020, 1, 1)}
    applicant = make_file(
        make_member(world.branch_a, "丁申请人", **registered), start=today() - dt.timedelta(days=10)
    )
    sponsored = make_file(make_member(world.branch_a, "戊积极分子", **registered), through=5)
    return {
        "development_applicant": applicant,
        "development_sponsored": sponsored,
        "development_sponsor": sponsored.sponsors.get(),
        "development_registry": make_member(world.branch_a, "己申请人", **registered),
    }
