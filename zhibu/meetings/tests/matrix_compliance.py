"""Authorization-matrix rows for the compliance calendar and the meeting-ledger import
(zhibu/meetings/compliance_urls.py), collected by zhibu/accounts/tests/test_authorization_matrix.py."""

from typing import Any

from zhibu.accounts.tests.matrix import Row, every, in_a

MEETING_VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector", "rater")
MEETING_EDITORS = ("officer", "secretary_a", "secretary_b")

ROWS: dict[str, Row] = {
    "compliance:overview": Row("get", lambda o: "/compliance/?year=2026", every(*MEETING_VIEWERS)),
    "compliance:overview_export": Row("get", lambda o: "/compliance/export.xlsx", every(*MEETING_VIEWERS)),
    "compliance:branch": Row(
        "get",
        lambda o: f"/compliance/branch/{o['world'].branch_a.pk}/",
        in_a(200, "officer", "secretary_a", "inspector", "rater"),
    ),
    "compliance:branch_export": Row(
        "get",
        lambda o: f"/compliance/branch/{o['world'].branch_a.pk}/export.xlsx?year=2026",
        in_a(200, "officer", "secretary_a", "inspector", "rater"),
    ),
    "compliance:import": Row("get", lambda o: "/compliance/import/", every(*MEETING_EDITORS)),
    "compliance:import_template": Row(
        "get", lambda o: "/compliance/import/template.xlsx", every(*MEETING_EDITORS)
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    return {}
