"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py).

Who: `massess.view` — org officer, branch secretary, inspector; `massess.rate` — org officer and
branch secretary. Members reach `/mine/` and their own rows; secretary_b holds the permissions at
branch B, so branch A's objects are "not found" (404) to them."""

import datetime as dt
from typing import Any

from zhibu.accounts.tests.matrix import Row, api, every, in_a
from zhibu.lib.dates import today
from zhibu.member_assessment import services
from zhibu.member_assessment.models import MemberReviewEntry

VIEWERS = ("officer", "secretary_a", "secretary_b", "inspector")
YEAR = 2025


def _branch(o: dict[str, Any]) -> str:
    return f"/assessment/members/branches/{o['world'].branch_a.pk}/{YEAR}"


ROWS: dict[str, Row] = {
    "member_assessment:index": Row("get", lambda o: "/assessment/members/", every(*VIEWERS)),
    "member_assessment:mine": Row(
        "get", lambda o: "/assessment/members/mine/", every("member_a"), default=404
    ),
    "member_assessment:mine_objection": Row(
        "post",
        lambda o: f"/assessment/members/mine/results/{o['massess_result'].pk}/objection/",
        every("member_a", status=302),
        default=404,
        data={"text": "第四季度评定偏低"},
    ),
    "member_assessment:mine_self_evaluation": Row(
        "post",
        lambda o: f"/assessment/members/mine/reviews/{o['massess_entry'].pk}/self-evaluation/",
        every("member_a", status=302),
        default=404,
        data={"text": "认真学习，履职尽责"},
    ),
    "member_assessment:branch_year": Row(
        "get", lambda o: f"{_branch(o)}/", in_a(200, "officer", "secretary_a", "inspector")
    ),
    "member_assessment:rating_sheet": Row(
        "get", lambda o: f"{_branch(o)}/ratings/Q1/", in_a(200, "officer", "secretary_a", "inspector")
    ),
    "member_assessment:ratings_export": Row(
        "get", lambda o: f"{_branch(o)}/ratings.xlsx", in_a(200, "officer", "secretary_a", "inspector")
    ),
    "member_assessment:results": Row(
        "get", lambda o: f"{_branch(o)}/results/", in_a(200, "officer", "secretary_a", "inspector")
    ),
    "member_assessment:results_export": Row(
        "get", lambda o: f"{_branch(o)}/results.xlsx", in_a(200, "officer", "secretary_a", "inspector")
    ),
    "member_assessment:results_refresh": Row(
        "post", lambda o: f"{_branch(o)}/results/refresh/", in_a(302, "officer", "secretary_a")
    ),
    "member_assessment:results_publish": Row(
        "post", lambda o: f"{_branch(o)}/results/publish/", in_a(302, "officer", "secretary_a")
    ),
    "member_assessment:results_finalise": Row(
        "post", lambda o: f"{_branch(o)}/results/finalise/", in_a(302, "officer", "secretary_a")
    ),
    "member_assessment:review_open": Row(
        "post",
        lambda o: f"/assessment/members/branches/{o['world'].branch_a.pk}/{YEAR + 1}/review/open/",
        in_a(302, "officer", "secretary_a"),
        data={"held_on": "2026-11-20"},
    ),
    "member_assessment:result_recommend": Row(
        "post",
        lambda o: f"/assessment/members/results/{o['massess_result'].pk}/recommend/",
        in_a(302, "officer", "secretary_a"),
        data={"recommended": "1"},
    ),
    "member_assessment:objection_answer": Row(
        "get",
        lambda o: f"/assessment/members/objections/{o['massess_objection'].pk}/answer/",
        in_a(200, "officer", "secretary_a"),
    ),
    "member_assessment:review": Row(
        "get",
        lambda o: f"/assessment/members/reviews/{o['massess_review'].pk}/",
        in_a(200, "officer", "secretary_a", "inspector"),
    ),
    "member_assessment:review_close": Row(
        "post",
        lambda o: f"/assessment/members/reviews/{o['massess_review'].pk}/close/",
        in_a(302, "officer", "secretary_a"),
    ),
    "member_assessment:review_summary": Row(
        "get",
        lambda o: f"/assessment/members/reviews/{o['massess_review'].pk}/summary/",
        in_a(200, "officer", "secretary_a", "inspector"),
    ),
    "member_assessment:review_export": Row(
        "get",
        lambda o: f"/assessment/members/reviews/{o['massess_review'].pk}/export.xlsx",
        in_a(200, "officer", "secretary_a", "inspector"),
    ),
    # --- API: members reach their own rows; everyone else without the permission: 403
    "api:rating_list": api("get", lambda o: "/api/member-assessment/ratings", every(*VIEWERS, "member_a")),
    "api:result_list": api("get", lambda o: "/api/member-assessment/results", every(*VIEWERS, "member_a")),
    "api:review_list": api("get", lambda o: "/api/member-assessment/reviews", every(*VIEWERS, "member_a")),
    "api:review_detail": api(
        "get",
        lambda o: f"/api/member-assessment/reviews/{o['massess_review'].pk}",
        in_a(200, "officer", "secretary_a", "inspector", "member_a"),
    ),
    "api:objection_create": api(
        "post",
        lambda o: f"/api/member-assessment/results/{o['massess_result'].pk}/objections",
        every("member_a", status=201),
        json=True,
        data={"text": "第四季度评定偏低"},
    ),
}


def extra_objects(world: Any) -> dict[str, Any]:
    """Branch A's 2025: rated, published today (the objection window open), one objection pending,
    and a 民主评议 round open with member_a's entry."""
    secretary = world.users["secretary_a"]
    after = dt.date(YEAR + 1, 1, 5)
    services.ratings_save(
        actor=secretary,
        branch=world.branch_a,
        year=YEAR,
        period="Q1",
        rows=[{"member_id": world.member_in_a.pk, "rating": "good"}],
        on=after,
    )
    services.results_publish(actor=secretary, branch=world.branch_a, year=YEAR, on=today())
    result = world.member_in_a.year_results.get(year=YEAR)
    objection = services.objection_raise(
        actor=world.users["member_a"], result=result, text="异议", on=today()
    )
    review = services.review_open(actor=secretary, branch=world.branch_a, year=YEAR, held_on=after)
    entry = MemberReviewEntry.objects.get(review=review, member=world.member_in_a)
    return {
        "massess_result": result,
        "massess_objection": objection,
        "massess_review": review,
        "massess_entry": entry,
    }
