"""Personas shared by every test (STYLE: named personas, like healthchecks' alice/bob/charlie).

The tree:   C 党委 ─┬─ G 党总支 ── A 党支部 ── A1 党小组
                    └─ B 党支部
Personas: admin (系统管理员 at C), officer (党委组织部 at C), secretary_a (支部书记 at A),
secretary_b (支部书记 at B), member_a (党员 in A, linked to a Member), inspector (考核小组 at C),
rater (考评领导小组 at C), auditor (审计员 at C), outsider (no role)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs.models import Organisation
from zhibu.orgs.tests.factories import make_org

PASSWORD = "Zhibu-test-2026"


@dataclass
class World:
    committee: Organisation
    general_branch: Organisation
    branch_a: Organisation
    branch_b: Organisation
    group_a1: Organisation
    member_in_a: Member
    member_in_b: Member
    users: dict[str, User]

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _user(username: str, role: str | None, org: Organisation | None, member: Member | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username, member=member)
    if role is not None and org is not None:
        RoleAssignment.objects.create(user=user, role=role, organisation=org)
    return user


@pytest.fixture
def world(db: Any) -> World:
    committee = make_org("C", "party_committee", name="中共测试集团委员会")
    general = make_org("G", "general_branch", committee, name="测试党总支")
    branch_a = make_org("A", "branch", general, name="第一党支部")
    branch_b = make_org("B", "branch", committee, name="第二党支部")
    group_a1 = make_org("A1", "group", branch_a, name="第一党小组")
    member_in_a = make_member(branch_a, "甲党员", group=group_a1)
    member_in_b = make_member(branch_b, "乙党员")
    users = {
        "admin": _user("admin", Role.SYSTEM_ADMIN, committee),
        "officer": _user("officer", Role.ORG_OFFICER, committee),
        "secretary_a": _user("secretary_a", Role.BRANCH_SECRETARY, branch_a),
        "secretary_b": _user("secretary_b", Role.BRANCH_SECRETARY, branch_b),
        "member_a": _user("member_a", Role.MEMBER, branch_a, member=member_in_a),
        "inspector": _user("inspector", Role.INSPECTOR, committee),
        "rater": _user("rater", Role.RATER, committee),
        "auditor": _user("auditor", Role.AUDITOR, committee),
        "outsider": _user("outsider", None, None),
    }
    return World(committee, general, branch_a, branch_b, group_a1, member_in_a, member_in_b, users)


@pytest.fixture
def audit_purge_permit(transactional_db: Any) -> Any:
    """Transactional tests end with a database flush; the audit table's triggers refuse deletes
    without a permit (audit migration 0003). Grant one for the flush, withdraw it at the start."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_purge_permit")
    yield
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_purge_permit (reason) VALUES ('test flush')")
