"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py). The objects are branch A's: everyone outside
branch A's subtree who holds the permission elsewhere (secretary_b) gets 404."""

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.meetings import services
from zhibu.meetings.models import MeetingAttachment

VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector", "rater")
EDITORS = ("officer", "secretary_a", "secretary_b")
A_VIEWERS = ("officer", "secretary_a", "inspector", "rater")
A_EDITORS = ("officer", "secretary_a")
HELD_ON = dt.date(2026, 3, 10)
_FILE = "meetings/matrix/签到表.pdf"

ROWS: dict[str, Row] = {
    "meetings:list": Row("get", lambda o: "/meetings/", every(*VIEWERS)),
    "meetings:create": Row("get", lambda o: "/meetings/new/", every(*EDITORS)),
    "meetings:expected": Row(
        "get",
        lambda o: (
            f"/meetings/new/expected/?kind=general_meeting&held_on=2026-03-10"
            f"&organisation={o['world'].branch_a.pk}"
        ),
        every(*EDITORS),
    ),
    "meetings:export": Row("get", lambda o: "/meetings/export.xlsx", every(*VIEWERS)),
    "meetings:detail": Row("get", lambda o: f"/meetings/{o['meeting_a'].pk}/", in_a(200, *A_VIEWERS)),
    "meetings:edit": Row("get", lambda o: f"/meetings/{o['meeting_a'].pk}/edit/", in_a(200, *A_EDITORS)),
    "meetings:attendance_export": Row(
        "get", lambda o: f"/meetings/{o['meeting_a'].pk}/attendance.xlsx", in_a(200, *A_VIEWERS)
    ),
    "meetings:decision_create": Row(
        "get", lambda o: f"/meetings/{o['meeting_a'].pk}/decisions/new/", in_a(200, *A_EDITORS)
    ),
    "meetings:attachment_add": Row(
        "post", lambda o: f"/meetings/{o['meeting_a'].pk}/attachments/", in_a(302, *A_EDITORS)
    ),
    "meetings:reviewed_goals": Row(
        "get", lambda o: f"/meetings/{o['meeting_a'].pk}/goals/", in_a(200, *A_EDITORS)
    ),
    "meetings:attendance_edit": Row(
        "get", lambda o: f"/meetings/attendance/{o['attendance_a'].pk}/", in_a(200, *A_EDITORS)
    ),
    "meetings:attachment_download": Row(
        "get", lambda o: f"/meetings/attachments/{o['meeting_attachment'].pk}/", in_a(200, *A_VIEWERS)
    ),
    "meetings:notice_list": Row("get", lambda o: "/meetings/notices/", every(*VIEWERS)),
    "meetings:notice_create": Row("get", lambda o: "/meetings/notices/new/", every(*EDITORS)),
    "meetings:notice_export": Row("get", lambda o: "/meetings/notices/export.xlsx", every(*VIEWERS)),
    "meetings:plan_list": Row("get", lambda o: "/meetings/plans/", every(*VIEWERS)),
    "meetings:plan_edit": Row("get", lambda o: "/meetings/plans/edit/", every(*EDITORS)),
    # --- API
    "api:meeting_list": api("get", lambda o: "/api/meetings", every(*VIEWERS)),
    "api:meeting_detail": api("get", lambda o: f"/api/meetings/{o['meeting_a'].pk}", in_a(200, *A_VIEWERS)),
    "api:meeting_create": api(
        "post",
        lambda o: "/api/meetings",
        every(*A_EDITORS, status=201) | {"secretary_b": 422},
        json=True,
        data=lambda o: {
            "organisation_id": o["world"].branch_a.pk,
            "kind": "party_lesson",
            "held_on": "2026-03-20",
            "topic": "矩阵测试党课",
        },
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    """Objects the rows' URLs need, created for each matrix test."""
    meeting = services.meeting_record(
        actor=None,
        organisation=world.branch_a,
        kind="general_meeting",
        held_on=HELD_ON,
        topic="一季度党员大会",
        exceptions={world.member_in_a.pk: services.Absence(status="on_leave", reason="出差")},
    )
    if not default_storage.exists(_FILE):
        default_storage.save(_FILE, ContentFile(b"%PDF-1.4 matrix"))
    attachment = MeetingAttachment.objects.create(
        meeting=meeting, file=_FILE, name="签到表.pdf", size=15, sha256="0" * 64
    )
    return {
        "meeting_a": meeting,
        "attendance_a": meeting.attendances.get(member=world.member_in_a),
        "meeting_attachment": attachment,
    }
