"""Authorization-matrix rows for the 党建经费 routes (DUES-3; collected by
zhibu/accounts/tests/test_authorization_matrix.py). Readers: officer, secretaries, inspector and
auditor (`funds.view`); writers: officer and secretaries (`funds.edit`) — the auditor reads every
page and gets 403 on every write; secretary_b gets 404 on branch A's objects."""

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.dues import funds
from zhibu.dues.models import FundExpense, FundReceipt
from zhibu.lib.dates import today

READERS = ("officer", "secretary_a", "secretary_b", "inspector", "auditor")
A_READERS = ("officer", "secretary_a", "inspector", "auditor")
A_WRITERS = ("officer", "secretary_a")
_RECEIPT = "funds/matrix/发票.pdf"


def _a(o: dict[str, Any]) -> int:
    return o["world"].branch_a.pk


ROWS: dict[str, Row] = {
    "funds:index": Row("get", lambda o: "/funds/", every(*READERS)),
    "funds:index_export": Row("get", lambda o: "/funds/export.xlsx", every(*READERS)),
    "funds:audit": Row("get", lambda o: "/funds/audit/", every(*READERS)),
    "funds:audit_export": Row("get", lambda o: "/funds/audit/export.xlsx", every(*READERS)),
    "funds:organisation": Row("get", lambda o: f"/funds/org/{_a(o)}/", in_a(200, *A_READERS)),
    "funds:organisation_export": Row(
        "get", lambda o: f"/funds/org/{_a(o)}/export.xlsx", in_a(200, *A_READERS)
    ),
    "funds:expense": Row("get", lambda o: f"/funds/expense/{o['fund_expense'].pk}/", in_a(200, *A_READERS)),
    "funds:receipt": Row("get", lambda o: f"/funds/receipt/{o['fund_receipt'].pk}/", in_a(200, *A_READERS)),
    # Writes: a real change for the writers (302 back to the page), 403 for readers who may not write.
    "funds:budget_set": Row(
        "post",
        lambda o: f"/funds/org/{_a(o)}/budget/",
        in_a(302, *A_WRITERS),
        data={"line": "activities", "amount": "3000.00", "note": "主题党日活动"},
    ),
    "funds:expense_add": Row("get", lambda o: f"/funds/org/{_a(o)}/expenses/new/", in_a(200, *A_WRITERS)),
    "funds:receipt_add": Row(
        "get", lambda o: f"/funds/expense/{o['fund_expense'].pk}/receipts/new/", in_a(200, *A_WRITERS)
    ),
    # API: read-only
    "api:funds_summary": api(
        "get", lambda o: f"/api/funds/summary?org={_a(o)}&year={today().year}", in_a(200, *A_READERS)
    ),
    "api:funds_expense_list": api("get", lambda o: f"/api/funds/expenses?org={_a(o)}", in_a(200, *A_READERS)),
}


def extra_objects(world: Any) -> dict[str, Any]:
    """Branch A's education line of this year with one expense and its receipt. The receipt file
    is written once to the media storage and shared by every run (as goals' evidence is)."""
    budget = funds.budget_set(
        actor=None,
        organisation=world.branch_a,
        year=today().year,
        line="education",
        amount=Decimal("5000.00"),
    )
    expense = FundExpense.objects.create(
        budget=budget,
        spent_on=today(),
        amount=Decimal("1200.00"),
        purpose="购买党员学习读本",
        payee="新华书店",
        approver="甲党员",
    )
    if not default_storage.exists(_RECEIPT):
        default_storage.save(_RECEIPT, ContentFile(b"%PDF-1.4 matrix receipt"))
    receipt = FundReceipt.objects.create(
        expense=expense, file=_RECEIPT, name="发票.pdf", size=23, sha256="0" * 64
    )
    return {"fund_budget": budget, "fund_expense": expense, "fund_receipt": receipt}
