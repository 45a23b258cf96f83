"""Authorization-matrix rows for the dues routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py).

`dues.view`: org officer, branch secretaries, inspector, auditor; `dues.edit`: org officer and
branch secretaries. The auditor (审计员) and the inspector read ledgers and arrears and get 403 on
every write page; secretary_b gets 404 on branch A's objects. A member reads their own dues at
/dues/mine/ (404 for an account without a linked member) and their own payments through the API.
The rows of the import pages (`matrix_import`) are merged here too."""

import datetime as dt
from typing import Any

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.dues.tests import matrix_import
from zhibu.dues.tests.factories import make_setting, pay
from zhibu.lib.dates import today

DUES_VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector", "auditor")
A_VIEWERS = ("officer", "secretary_a", "inspector", "auditor")
A_EDITORS = ("officer", "secretary_a")


def _branch(o: dict[str, Any]) -> int:
    return o["world"].branch_a.pk


def _member(o: dict[str, Any]) -> int:
    return o["world"].member_in_a.pk


def _this_month() -> str:
    return f"{today():%Y-%m}"


ROWS: dict[str, Row] = {
    "dues:index": Row("get", lambda o: "/dues/", every(*DUES_VIEWERS)),
    "dues:index_export": Row("get", lambda o: "/dues/export.xlsx", every(*DUES_VIEWERS)),
    "dues:branch": Row("get", lambda o: f"/dues/branch/{_branch(o)}/", in_a(200, *A_VIEWERS)),
    "dues:branch_export": Row(
        "get", lambda o: f"/dues/branch/{_branch(o)}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "dues:set_year": Row(
        "post",
        lambda o: f"/dues/branch/{_branch(o)}/set-year/",
        in_a(302, *A_EDITORS),
        data=lambda o: {"year": today().year + 1},
    ),
    "dues:collect": Row("get", lambda o: f"/dues/branch/{_branch(o)}/collect/", in_a(200, *A_EDITORS)),
    "dues:publication": Row(
        "get", lambda o: f"/dues/branch/{_branch(o)}/publication/", in_a(200, *A_EDITORS)
    ),
    "dues:member": Row("get", lambda o: f"/dues/member/{_member(o)}/", in_a(200, *A_VIEWERS)),
    "dues:member_export": Row(
        "get", lambda o: f"/dues/member/{_member(o)}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "dues:setting": Row("get", lambda o: f"/dues/member/{_member(o)}/setting/", in_a(200, *A_EDITORS)),
    "dues:pay": Row("get", lambda o: f"/dues/member/{_member(o)}/pay/", in_a(200, *A_EDITORS)),
    "dues:arrears": Row("get", lambda o: "/dues/arrears/", every(*DUES_VIEWERS)),
    "dues:arrears_export": Row("get", lambda o: "/dues/arrears/export.xlsx", every(*DUES_VIEWERS)),
    "dues:mine": Row("get", lambda o: "/dues/mine/", every("member_a"), default=404),
    # API: anonymous callers get 401
    "api:dues_ledger": api("get", lambda o: f"/api/dues/ledger?branch={_branch(o)}", in_a(200, *A_VIEWERS)),
    "api:dues_arrears": api("get", lambda o: "/api/dues/arrears", every(*DUES_VIEWERS)),
    # A member without dues.view reads their own payments.
    "api:dues_payment_list": api("get", lambda o: "/api/dues/payments", every(*DUES_VIEWERS, "member_a")),
    # secretary_b may record payments, but not for a member of branch A: 422 naming member_id.
    "api:dues_payment_create": api(
        "post",
        lambda o: "/api/dues/payments",
        every(*A_EDITORS, status=201) | {"secretary_b": 422},
        json=True,
        data=lambda o: {
            "member_id": _member(o),
            "month": _this_month(),
            "paid": "20.00",
            "paid_on": today().isoformat(),
            "method": "cash",
        },
    ),
    **matrix_import.ROWS,
}


def extra_objects(world: Any) -> dict[str, Any]:
    """member_in_a has this year's amount (20.00 a month from January) and paid January."""
    setting = make_setting(
        world.member_in_a, today().year, "20.00", dues_category="employed", dues_base="2000"
    )
    pay(world.member_in_a, dt.date(today().year, 1, 1))
    return {"dues_setting_a": setting} | matrix_import.extra_objects(world)
