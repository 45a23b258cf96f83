"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py).

member_a reaches their own responsibility goal (`own_goal`) — detail, progress, evidence — and gets
404 on a task owned by someone else (`other_goal`), as does everyone outside branch A."""

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.goals import services
from zhibu.goals.models import Aspect, Level, Measure, ProgressAttachment, ProgressUpdate
from zhibu.goals.tests.factories import YEAR, make_goal, make_plan, past
from zhibu.members.tests.factories import make_member

VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector", "rater")
EDITORS = ("officer", "secretary_a", "secretary_b")
A_VIEWERS = ("officer", "secretary_a", "inspector", "rater")
A_EDITORS = ("officer", "secretary_a")


def _mine(status: int = 200) -> dict[str, int]:
    return every("member_a", status=status)


ROWS: dict[str, Row] = {
    "goals:plan_list": Row("get", lambda o: "/goals/", every(*VIEWERS)),
    "goals:plan_create": Row("get", lambda o: "/goals/plans/new/", every(*EDITORS)),
    "goals:plan_detail": Row("get", lambda o: f"/goals/plans/{o['plan_a'].pk}/", in_a(200, *A_VIEWERS)),
    "goals:plan_adopt": Row("get", lambda o: f"/goals/plans/{o['plan_a'].pk}/adopt/", in_a(200, *A_EDITORS)),
    "goals:plan_copy": Row("get", lambda o: f"/goals/plans/{o['plan_a'].pk}/copy/", in_a(200, *A_EDITORS)),
    "goals:plan_review": Row(
        "get", lambda o: f"/goals/plans/{o['plan_a'].pk}/review/", in_a(200, *A_EDITORS)
    ),
    "goals:plan_export": Row(
        "get", lambda o: f"/goals/plans/{o['plan_a'].pk}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    "goals:goal_create": Row(
        "get", lambda o: f"/goals/plans/{o['plan_a'].pk}/goals/new/", in_a(200, *A_EDITORS)
    ),
    "goals:responsibility": Row(
        "get",
        lambda o: f"/goals/plans/{o['plan_a'].pk}/members/{o['world'].member_in_a.pk}/",
        in_a(200, *A_EDITORS),
    ),
    # someone else's goal: member_a and everyone outside A's scope get 404
    "goals:goal_detail": Row(
        "get", lambda o: f"/goals/{o['other_goal'].pk}/", every(*A_VIEWERS), default=404
    ),
    "goals:goal_edit": Row("get", lambda o: f"/goals/{o['other_goal'].pk}/edit/", in_a(200, *A_EDITORS)),
    "goals:goal_cancel": Row("get", lambda o: f"/goals/{o['other_goal'].pk}/cancel/", in_a(200, *A_EDITORS)),
    "goals:goal_evaluate": Row(
        "get", lambda o: f"/goals/{o['other_goal'].pk}/evaluate/", in_a(200, *A_EDITORS)
    ),
    # member_a's own goal: they may report on it; viewers without goals.edit may not (404)
    "goals:progress_report": Row(
        "get", lambda o: f"/goals/{o['own_goal'].pk}/progress/", every(*A_EDITORS, "member_a"), default=404
    ),
    "goals:attachment": Row(
        "get",
        lambda o: f"/goals/attachments/{o['attachment'].pk}/",
        every(*A_VIEWERS, "member_a"),
        default=404,
    ),
    "goals:mine": Row("get", lambda o: "/goals/mine/", _mine(), default=404),
    "goals:mine_export": Row("get", lambda o: "/goals/mine/export.xlsx", _mine(), default=404),
    "goals:excellence_list": Row("get", lambda o: "/goals/excellence/", every(*VIEWERS)),
    "goals:excellence_create": Row("get", lambda o: "/goals/excellence/new/", every(*EDITORS)),
    "goals:excellence_detail": Row(
        "get", lambda o: f"/goals/excellence/{o['excellence'].pk}/", in_a(200, *A_VIEWERS)
    ),
    "goals:excellence_review": Row(
        "get", lambda o: f"/goals/excellence/{o['excellence'].pk}/reviews/new/", in_a(200, *A_EDITORS)
    ),
    "goals:excellence_export": Row(
        "get", lambda o: f"/goals/excellence/{o['excellence'].pk}/export.xlsx", in_a(200, *A_VIEWERS)
    ),
    # --- API
    "api:goal_plan_list": api("get", lambda o: "/api/goals/plans", every(*VIEWERS)),
    "api:goal_plan_detail": api("get", lambda o: f"/api/goals/plans/{o['plan_a'].pk}", in_a(200, *A_VIEWERS)),
    "api:goal_list": api("get", lambda o: "/api/goals", every(*VIEWERS, "member_a")),
    "api:goal_detail": api(
        "get", lambda o: f"/api/goals/{o['other_goal'].pk}", every(*A_VIEWERS), default=404
    ),
    "api:goal_progress": api(
        "post",
        lambda o: f"/api/goals/{o['own_goal'].pk}/progress",
        every(*A_EDITORS, "member_a", status=201),
        default=404,
        json=True,
        data=lambda o: {"reported_on": past(1, 20).isoformat(), "value": "1", "note": "学习1次"},
    ),
}

_EVIDENCE = "goals/evidence/matrix-test.pdf"


def extra_objects(world: Any) -> dict[str, Any]:
    """Objects the rows' URLs need, created for each matrix test."""
    from zhibu.goals.models import ExcellencePlan

    plan = make_plan(world.branch_a)
    colleague = make_member(world.branch_a, "丙党员")
    annual = make_goal(plan, "组织生活", target_value=Decimal(12))
    other = make_goal(
        plan, "第一季度组织生活", parent=annual, level=Level.QUARTERLY, owner=colleague, due_on=annual.due_on
    )
    own = services.goal_create(
        actor=None,
        plan=plan,
        responsibility=True,
        member=world.member_in_a,
        aspect=Aspect.POLITICAL_LIFE,
        level=Level.ANNUAL,
        title="参加组织生活",
        measure=Measure.NUMBER,
        unit="次",
        target_value=Decimal(12),
        due_on=annual.due_on,
    )
    update = ProgressUpdate.objects.create(
        goal=own, reported_on=past(1, 15), value=Decimal(1), note="参加1次"
    )
    if not default_storage.exists(_EVIDENCE):
        default_storage.save(_EVIDENCE, ContentFile(b"%PDF-1.4 matrix"))
    attachment = ProgressAttachment.objects.create(
        update=update, file=_EVIDENCE, name="签到表.pdf", size=15, sha256="0" * 64
    )
    excellence = ExcellencePlan.objects.create(
        organisation=world.branch_a,
        year=YEAR,
        adopted_on=past(1, 10),
        branch_aim="创先进",
        member_aim="争优秀",
    )
    return {
        "plan_a": plan,
        "own_goal": own,
        "other_goal": other,
        "attachment": attachment,
        "excellence": excellence,
    }
