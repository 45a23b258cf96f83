"""The audit log (SPEC §12): append-only in the database itself, read-only pages for the auditor."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_permit(db: Any) -> None:
    """A transactional test elsewhere may have left a purge permit for its flush: withdraw it (inside
    this test's transaction, so it comes back afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_purge_permit")
        cursor.execute("SELECT COUNT(*) FROM audit_purge_permit")
        assert cursor.fetchone()[0] == 0


def an_event(world: Any, **extra: Any) -> AuditEvent:
    return audit_record(
        actor=world.secretary_a,
        action=AuditEvent.Action.UPDATE,
        obj=world.member_in_a,
        organisation=world.branch_a,
        before={"phone": ""},
        after={"phone": "138"},
        **extra,
    )


# ---------------------------------------------------------------- append-only (migration 0003)


def test_an_event_cannot_be_updated(world: Any, no_permit: None) -> None:
    event = an_event(world)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="篡改")
    event.note = "篡改"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET actor_label = %s", ["他人"])
    event.refresh_from_db()
    assert (event.note, event.actor_label, event.after) == ("", "secretary_a", {"phone": "138"})


def test_an_event_cannot_be_deleted(world: Any, no_permit: None) -> None:
    event = an_event(world)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_table_cannot_be_emptied_in_one_statement(world: Any, no_permit: None) -> None:
    event = an_event(world)
    # PostgreSQL has TRUNCATE (a statement trigger guards it); SQLite empties a table with DELETE.
    statement = (
        "TRUNCATE audit_auditevent" if connection.vendor == "postgresql" else "DELETE FROM audit_auditevent"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred FK checks
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_purge_permit_allows_deletion_but_never_an_update(world: Any, no_permit: None) -> None:
    event = an_event(world)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_purge_permit (reason) VALUES ('归档：保存期满')")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="篡改")
    AuditEvent.objects.filter(pk=event.pk).delete()
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_refused_service_write_leaves_no_event(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from zhibu.orgs.services import organisation_move

    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        organisation_move(
            actor=world.officer,
            organisation=world.branch_b,
            new_parent=world.branch_a,
            moved_on=dt.date(2026, 1, 1),
            reason="错误",
        )
    assert AuditEvent.objects.count() == count


# ---------------------------------------------------------------- audit_record and its helpers


def test_audit_record_makes_values_json_and_labels_the_actor(world: Any) -> None:
    event = audit_record(
        actor=None,
        action=AuditEvent.Action.IMPORT,
        object_type="members.member",
        after={
            "base": Decimal("3000.50"),
            "on": dt.date(2026, 1, 2),
            "org": world.branch_a,
            "list": [dt.date(2026, 1, 3)],
        },
        note="导" * 600,
    )
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "系统"
    assert event.after == {
        "base": "3000.50",
        "on": "2026-01-02",
        "org": world.branch_a.pk,
        "list": ["2026-01-03"],
    }
    assert len(event.note) == 500
    labelled = audit_record(actor="（未登录）张三", action=AuditEvent.Action.LOGIN_FAILED)
    assert (labelled.actor, labelled.actor_label) == (None, "（未登录）张三")


def test_snapshot_and_diff(world: Any) -> None:
    data = snapshot(world.member_in_a, ["name", "branch", "birth_date"])
    assert data == {"name": "甲党员", "branch": world.branch_a.pk, "birth_date": "1985-06-15"}
    assert "password" not in snapshot(world.secretary_a)
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == ({"b": 2}, {"b": 3})


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize(
    "persona", ["admin", "officer", "secretary_a", "inspector", "rater", "member_a", "outsider"]
)
def test_only_the_auditor_reads_the_log(client: Client, world: Any, persona: str) -> None:
    event = an_event(world)
    client.force_login(getattr(world, persona))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:detail", args=[event.pk])).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_anonymous_users_are_sent_to_login(client: Client, world: Any) -> None:
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_auditor_sees_events_and_their_detail(client: Client, world: Any) -> None:
    event = an_event(world, note="信息维护")
    client.force_login(world.auditor)
    page = client.get(reverse("audit:list")).content.decode()
    assert "甲党员" in page
    assert "信息维护" in page
    assert "登录" in page  # the auditor's own login (no organisation) is visible too
    detail = client.get(reverse("audit:detail", args=[event.pk])).content.decode()
    assert "phone" in detail
    assert "138" in detail
    assert "第一党支部" in detail


def test_the_audit_urls_are_read_only(client: Client, world: Any) -> None:
    event = an_event(world)
    patterns = get_resolver().url_patterns
    audit = next(p for p in patterns if getattr(p, "app_name", None) == "audit")
    assert sorted(p.name for p in audit.url_patterns) == ["detail", "export", "list"]
    client.force_login(world.auditor)
    count = AuditEvent.objects.count()
    for url in (reverse("audit:list"), reverse("audit:detail", args=[event.pk]), reverse("audit:export")):
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405
    assert AuditEvent.objects.count() == count
    event.refresh_from_db()
    assert event.note == ""


def test_the_filters(client: Client, world: Any) -> None:
    an_event(world, note="甲")
    audit_record(
        actor=world.officer, action=AuditEvent.Action.MOVE, obj=world.branch_b, organisation=world.branch_b
    )
    client.force_login(world.auditor)

    def listed(**params: str) -> list[tuple[str, str]]:
        response = client.get(reverse("audit:list"), params)
        return [(e.action, e.actor_label) for e in response.context["page_obj"]]

    assert listed(action="move") == [("move", "officer")]
    assert listed(actor="secretary") == [("update", "secretary_a")]
    assert listed(object="第二党支部") == [("move", "officer"), ("create", "系统")]  # newest first
    assert ("update", "secretary_a") in listed(object="members.member")
    today = AuditEvent.objects.latest("id").at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert len(listed(start=today.isoformat(), end=today.isoformat())) == AuditEvent.objects.count()
    assert listed(start=(today + dt.timedelta(days=1)).isoformat()) == []
    assert listed(end=(today - dt.timedelta(days=1)).isoformat()) == []
    # A malformed date is ignored rather than a server error.
    assert len(listed(start="2026-13-45")) == AuditEvent.objects.count()


def test_the_auditor_of_a_sub_committee_sees_its_subtree_only(client: Client, world: Any) -> None:
    from zhibu.accounts.models import RoleAssignment, User
    from zhibu.orgs.tests.factories import make_org

    sub = make_org("S", "party_committee", world.committee, name="子公司党委")
    inner = make_org("SB", "branch", sub, name="子公司党支部")
    auditor_s = User.objects.create_user(username="auditor_s", password="x-Zhibu-2026")
    RoleAssignment.objects.create(user=auditor_s, role="auditor", organisation=sub)
    an_event(world)
    audit_record(actor=world.officer, action=AuditEvent.Action.UPDATE, obj=inner, organisation=inner)
    client.force_login(auditor_s)
    shown = {e.organisation_id for e in client.get(reverse("audit:list")).context["page_obj"]}
    assert inner.pk in shown
    assert world.branch_a.pk not in shown
    outside = AuditEvent.objects.filter(organisation=world.branch_a).first()
    assert client.get(reverse("audit:detail", args=[outside.pk])).status_code == 404


def test_the_export_opens_in_openpyxl(client: Client, world: Any) -> None:
    an_event(world, note="信息维护")
    client.force_login(world.auditor)
    response = client.get(reverse("audit:export"), {"action": "update"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "所属组织",
        "变更前",
        "变更后",
        "说明",
        "IP地址",
    )
    assert [r[1:6] for r in rows[1:]] == [("secretary_a", "修改", "members.member", "甲党员", "第一党支部")]
    assert rows[1][8] == "信息维护"


def test_the_list_query_count_does_not_grow(client: Client, world: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.auditor)
    client.get(reverse("audit:list"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("audit:list"))
        return len(queries)

    before = count()
    for _ in range(10):
        an_event(world)
    assert count() == before


def test_the_log_never_holds_a_full_id_number(client: Client, world: Any) -> None:
    from zhibu.members.services import member_update

    member_update(actor=world.secretary_a, member=world.member_in_a, phone="13800000000")
    numbers = [world.member_in_a.id_number, world.member_in_b.id_number]
    client.force_login(world.auditor)
    for event in AuditEvent.objects.filter(object_type="members.member"):
        page = client.get(reverse("audit:detail", args=[event.pk])).content.decode()
        for number in numbers:
            assert number not in f"{event.before}{event.after}{event.note}"
            assert number not in page
    export = client.get(reverse("audit:export")).content
    sheet = load_workbook(io.BytesIO(export)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert world.member_in_a.masked_id_number in cells
    assert all(number not in cells for number in numbers)
