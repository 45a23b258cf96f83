"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py). The registry's original routes have their rows
in that file; new routes of this app add theirs here."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.accounts.tests.matrix import MEMBER_VIEWERS, Row, api, every, in_a
from zhibu.members import discipline, mobile, training
from zhibu.members.tests.factories import make_member

A_VIEWERS = ("officer", "secretary_a", "inspector")
A_EDITORS = ("officer", "secretary_a")


def _member(o: dict[str, Any]) -> int:
    return o["world"].member_in_a.pk


def _branch(o: dict[str, Any]) -> int:
    return o["world"].branch_a.pk


ROWS: dict[str, Row] = {
    # 培训档案 (MEM-5)
    "members:training_index": Row("get", lambda o: "/members/training/", every(*MEMBER_VIEWERS)),
    "members:training_branch": Row(
        "get", lambda o: f"/members/training/branch/{_branch(o)}/", in_a(200, *A_VIEWERS)
    ),
    "members:training_export": Row(
        "get", lambda o: f"/members/training/branch/{_branch(o)}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "members:training_add": Row(
        "get", lambda o: f"/members/{_member(o)}/training/new/", in_a(200, *A_EDITORS)
    ),
    # 流动党员 (MEM-3)
    "members:mobile_index": Row("get", lambda o: "/members/mobile/", every(*MEMBER_VIEWERS)),
    "members:mobile_branch": Row(
        "get", lambda o: f"/members/mobile/branch/{_branch(o)}/", in_a(200, *A_VIEWERS)
    ),
    "members:mobile_export": Row(
        "get", lambda o: f"/members/mobile/branch/{_branch(o)}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "members:mobile_register": Row(
        "get", lambda o: f"/members/{_member(o)}/mobile/new/", in_a(200, *A_EDITORS)
    ),
    "members:mobile_detail": Row(
        "get", lambda o: f"/members/mobile/{o['mobile_requested'].pk}/", in_a(200, *A_VIEWERS)
    ),
    "members:mobile_decide": Row(
        "post",
        lambda o: f"/members/mobile/{o['mobile_requested'].pk}/decide/",
        in_a(302, *A_EDITORS),
        data={"decision": "approve"},
    ),
    "members:mobile_edit": Row(
        "get", lambda o: f"/members/mobile/{o['mobile_approved'].pk}/edit/", in_a(200, *A_EDITORS)
    ),
    "members:mobile_report": Row(
        "get", lambda o: f"/members/mobile/{o['mobile_approved'].pk}/report/", in_a(200, *A_EDITORS)
    ),
    "members:mobile_return": Row(
        "get", lambda o: f"/members/mobile/{o['mobile_approved'].pk}/return/", in_a(200, *A_EDITORS)
    ),
    # 党纪处分 (RULES B-6)
    "members:discipline_add": Row(
        "get", lambda o: f"/members/{_member(o)}/discipline/new/", in_a(200, *A_EDITORS)
    ),
    "members:discipline_restore": Row(
        "get", lambda o: f"/members/discipline/{o['discipline_probation'].pk}/restore/", in_a(200, *A_EDITORS)
    ),
    # API: the lists answer everyone who sees members, and a member (their own records)
    "api:training_list": api(
        "get", lambda o: "/api/members-records/trainings", every(*MEMBER_VIEWERS, "member_a")
    ),
    "api:training_create": api(
        "post",
        lambda o: "/api/members-records/trainings",
        every(*A_EDITORS, status=201) | {"secretary_b": 422},
        json=True,
        data=lambda o: {
            "member_id": _member(o),
            "course": "党的二十届四中全会精神专题培训",
            "organiser": "集团党委党校",
            "start_on": "2026-03-02",
            "end_on": "2026-03-03",
            "days": "2",
            "hours": "16",
        },
    ),
    "api:mobile_list": api(
        "get", lambda o: "/api/members-records/mobile", every(*MEMBER_VIEWERS, "member_a")
    ),
    # A member reports on their own leave; editors on their branch's.
    "api:mobile_report": api(
        "post",
        lambda o: f"/api/members-records/mobile/{o['mobile_approved'].pk}/reports",
        every(*A_EDITORS, "member_a", status=201) | {"secretary_b": 404},
        json=True,
        data={
            "reported_on": "2026-04-01",
            "channel": "phone",
            "content": "在外工作正常，按时参加当地组织生活。",
        },
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    """member_in_a (member_a's own record) is away on an approved leave; 丙党员 of branch A has
    asked for one; 丁党员 of branch A is under 留党察看."""
    training.training_record(
        actor=None,
        member=world.member_in_a,
        kind="annual",
        course="支部书记示范培训班",
        organiser="集团党委组织部",
        start_on=dt.date(2026, 1, 12),
        end_on=dt.date(2026, 1, 16),
        days=Decimal(5),
        hours=Decimal(40),
    )
    approved = mobile.mobile_register(
        actor=None,
        member=world.member_in_a,
        left_on=dt.date(2026, 2, 1),
        destination="广东省深圳市",
        reason="借调",
    )
    mobile.mobile_decide(actor=None, record=approved, approve=True, decided_on=dt.date(2026, 2, 1))
    other = make_member(world.branch_a, "丙党员")
    requested = mobile.mobile_register(
        actor=None,
        member=other,
        left_on=dt.date(2026, 3, 1),
        destination="海南省海口市",
        reason="支援新站建设",
    )
    probation = discipline.discipline_record(
        actor=None,
        member=make_member(world.branch_a, "丁党员"),
        kind="probation",
        decided_on=dt.date(2025, 3, 1),
        decided_by="中共测试集团纪律检查委员会",
        reason="违反工作纪律",
        probation_months=12,
    )
    return {"mobile_approved": approved, "mobile_requested": requested, "discipline_probation": probation}
