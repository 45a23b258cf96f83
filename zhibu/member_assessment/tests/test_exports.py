"""Exports (.xlsx, DOC-4): the rows of the page, scoped, audited."""

import datetime as dt
import io
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.member_assessment import services
from zhibu.member_assessment.models import MemberReviewEntry
from zhibu.member_assessment.tests.factories import YEAR, rate_all
from zhibu.members.tests.factories import make_member


def _rows(client: Client, url: str) -> list[tuple[Any, ...]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ratings_and_results_export(world: World) -> None:
    rate_all(world.secretary_a, world.branch_a, {world.member_in_a: ["excellent", "good"]})
    services.results_refresh(actor=world.secretary_a, branch=world.branch_a, year=YEAR)
    client = _client(world.secretary_a)
    base = f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}"
    ratings = _rows(client, f"{base}/ratings.xlsx")
    assert ratings[0][:4] == ("党支部", "年度", "考核期", "姓名")
    assert [r[2:6] for r in ratings[1:]] == [
        ("第一季度", "甲党员", None, "优秀"),
        ("第二季度", "甲党员", None, "良好"),
    ]
    results = _rows(client, f"{base}/results.xlsx")
    assert results[1][2:4] == ("甲党员", 90)
    assert results[1][8] == "草稿"
    assert AuditEvent.objects.filter(action="export", organisation=world.branch_a).count() == 2


def test_review_export_marks_probationers(world: World) -> None:
    make_member(world.branch_a, "预备党员甲", category="probationary", joined_on=dt.date(2025, 7, 1))
    review = services.review_open(
        actor=world.secretary_a, branch=world.branch_a, year=YEAR, held_on=dt.date(2026, 1, 15)
    )
    entry = MemberReviewEntry.objects.get(member=world.member_in_a)
    services.review_entries_save(
        actor=world.secretary_a, review=review, rows={entry.pk: {"grade": "pass", "participated": True}}
    )
    rows = _rows(_client(world.officer), f"/assessment/members/reviews/{review.pk}/export.xlsx")
    by_name = {r[2]: r for r in rows[1:]}
    assert by_name["甲党员"][4] == "是" and by_name["甲党员"][11] == "合格"
    assert by_name["预备党员甲"][3] == "是" and by_name["预备党员甲"][11] == "不评定（预备党员）"


def test_an_export_of_another_branch_is_not_found(world: World) -> None:
    response = _client(world.secretary_b).get(
        f"/assessment/members/branches/{world.branch_a.pk}/{YEAR}/ratings.xlsx"
    )
    assert response.status_code == 404
