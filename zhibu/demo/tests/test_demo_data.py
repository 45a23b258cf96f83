"""The demo data: loaded once per class (setUpTestData), checked for believability and idempotency."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.audit.models import AuditEvent
from zhibu.demo.accounts import LOGINS
from zhibu.demo.base import PASSWORD, Demo
from zhibu.demo.people import people_plan
from zhibu.lib import idnumber
from zhibu.lib.dates import full_years_between, today
from zhibu.members.models import Category, Member, Placement, Standing, StatusChange, Transfer
from zhibu.members.services import member_problems
from zhibu.orgs.models import (
    BranchCommittee,
    CommitteeMember,
    CommitteePost,
    ContactPoint,
    ContactVisit,
    FourSyncRecord,
    Organisation,
)
from zhibu.orgs.selectors import branch_overview, branch_warnings_summary

COUNTED = (
    Organisation,
    Member,
    Placement,
    StatusChange,
    Transfer,
    BranchCommittee,
    CommitteeMember,
    ContactPoint,
    ContactVisit,
    FourSyncRecord,
    User,
    RoleAssignment,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


class DemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.first_output = StringIO()
        call_command("demo_data", stdout=cls.first_output)

    def test_it_reports_what_it_created(self) -> None:
        output = self.first_output.getvalue()
        assert "党员：新建 201 条记录" in output
        assert PASSWORD in output

    def test_it_changes_nothing_the_second_time(self) -> None:
        before = counts()
        output = StringIO()
        call_command("demo_data", stdout=output)
        assert counts() == before
        assert "演示数据已存在，本次未做任何修改" in output.getvalue()

    def test_it_plans_the_same_people_whatever_the_run_date(self) -> None:
        now = [p.id_number for p in people_plan(Demo())]
        later = [p.id_number for p in people_plan(Demo(on=dt.date(2028, 3, 1)))]
        assert now == later
        assert len(set(now)) == len(now)

    def test_it_has_the_tree_of_one_committee_two_general_branches_and_nine_branches(self) -> None:
        kinds = {
            kind: Organisation.objects.filter(kind=kind).count() for kind, _ in Organisation.Kind.choices
        }
        assert kinds["party_committee"] == 1
        assert kinds["general_branch"] == 2
        assert kinds["branch"] == 9
        for branch in Organisation.objects.filter(kind="branch"):
            people = branch.members.filter(is_active=True).count()
            groups = branch.children.filter(kind="group").count()
            assert (2 <= groups <= 4) if people >= 10 else groups == 0, branch.name

    def test_it_has_about_200_people_with_valid_and_consistent_id_numbers(self) -> None:
        members = list(Member.objects.all())
        assert 190 <= len(members) <= 210
        for member in members:
            parsed = idnumber.parse(member.id_number, today=today())
            assert parsed.birth_date == member.birth_date, member.name
            assert parsed.gender == member.gender, member.name
            assert 1962 <= member.birth_date.year <= 2002
            data = {f.name: getattr(member, f.name) for f in Member._meta.concrete_fields}
            data["branch"], data["group"] = member.branch, member.group
            assert member_problems(data) == {}, (member.name, member_problems(data))
            if member.joined_on:
                assert full_years_between(member.birth_date, member.joined_on) >= 18

    def test_it_has_every_category_and_mostly_full_members(self) -> None:
        by_category = {value: Member.objects.filter(category=value).count() for value in Category.values}
        assert all(by_category.values()), by_category
        assert by_category[Category.FULL] > sum(by_category.values()) / 2
        assert Member.objects.exclude(ethnicity="汉族").exists()
        assert Member.objects.filter(ethnicity="汉族").count() > 150

    def test_it_has_dues_bases_in_every_bracket_and_a_few_retired(self) -> None:
        party = Member.objects.filter(category__in=["full", "probationary"])
        assert not party.filter(dues_base__isnull=True).exists()
        for low, high in ((2800, 3000), (3000.01, 5000), (5000.01, 10000), (10000.01, 15000)):
            assert party.filter(dues_base__gte=low, dues_base__lte=high).exists(), (low, high)
        assert 1 <= party.filter(dues_category="retired").count() <= 6

    def test_it_has_mobile_members_one_lost_contact_and_one_suspension(self) -> None:
        mobile = Member.objects.filter(is_mobile=True)
        assert mobile.count() >= 3
        assert all(m.mobile_destination for m in mobile)
        lost = Member.objects.get(is_lost_contact=True)
        assert lost.lost_contact_on is not None
        assert lost.standing == Standing.SUSPENDED
        change = lost.status_changes.get(field="standing")
        assert change.new_value == Standing.SUSPENDED and change.effective_on > lost.lost_contact_on

    def test_it_has_a_year_of_history_made_by_the_services(self) -> None:
        assert Transfer.objects.filter(kind="internal").count() == 3
        out = Transfer.objects.get(kind="out")
        assert not out.member.is_active
        for transfer in Transfer.objects.filter(kind="internal"):
            assert transfer.member.branch == transfer.to_branch
            assert transfer.member.placements.count() == 2
        member = Demo().member("to-convert")
        converted = member.status_changes.filter(field="category").last()
        assert (converted.old_value, converted.new_value) == (Category.PROBATIONARY, Category.FULL)
        assert member.converted_on == converted.effective_on
        assert converted.effective_on.year >= 2026
        assert AuditEvent.objects.filter(action=AuditEvent.Action.TRANSFER).count() == 4
        assert (
            AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="members.member").count()
            == 201
        )

    def test_it_gives_every_role_a_login_that_works(self) -> None:
        assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
        for login in LOGINS:
            response = self.client.post(
                "/accounts/login/", {"username": login.username, "password": PASSWORD}
            )
            assert response.status_code == 302, login.username
            assert self.client.session["_auth_user_id"] == str(User.objects.get(username=login.username).pk)
            self.client.post("/accounts/logout/")

    def test_it_links_secretaries_to_the_secretary_and_the_member_to_an_ordinary_member(self) -> None:
        for username in ("shuji_cq", "shuji_yk"):
            user = User.objects.get(username=username)
            branch = user.roles.get().organisation
            assert user.roles.get().role == Role.BRANCH_SECRETARY
            seat = CommitteeMember.objects.get(
                committee__organisation=branch, committee__is_current=True, post=CommitteePost.SECRETARY
            )
            assert user.member == seat.member
        member_user = User.objects.get(username="dangyuan")
        assert member_user.member.branch == User.objects.get(username="shuji_cq").member.branch
        assert not member_user.member.committee_seats.exists()

    def test_it_shows_the_warnings_the_demo_is_made_for(self) -> None:
        officer = User.objects.get(username="zuzhibu")
        summary = branch_warnings_summary(officer)
        assert summary["branch_count"] == 9
        messages = {
            row["branch"].code: [w.message for w in row["warnings"]] for row in summary["with_warnings"]
        }
        assert any("届满，应按期换届" in m for m in messages["DJ-CY-YK"])  # expired term
        assert any("请做好换届准备" in m for m in messages["DJ-CW"])  # within 6 months
        assert any("缺少：纪检委员" in m for m in messages["DJ-JG2"])
        assert any("超过50人" in m for m in messages["DJ-LS-CQ"])
        assert any("少于3人" in m for m in messages["DJ-LS-XQ"])  # the small branch
        assert "DJ-LS-BB" not in messages  # the others are in order

    def test_it_gives_the_small_branch_a_secretary_only(self) -> None:
        overview = branch_overview(Organisation.objects.get(code="DJ-LS-XQ"))
        assert overview.full_count < 7
        assert [seat.post for seat in overview.seats] == [CommitteePost.SECRETARY]
        assert not any("书记空缺" in w.message or "应选举" in w.message for w in overview.warnings)

    def test_it_has_the_party_committee_leaders_as_contact_points_with_visits(self) -> None:
        committee = BranchCommittee.objects.get(organisation__kind="party_committee", is_current=True)
        leaders = set(committee.seats.values_list("member", flat=True))
        points = ContactPoint.objects.all()
        assert points.count() >= 5
        assert all(point.leader_id in leaders for point in points)
        assert ContactVisit.objects.count() >= 5

    def test_it_fills_four_sync_for_most_branches_with_one_incomplete(self) -> None:
        records = list(FourSyncRecord.objects.select_related("organisation"))
        assert len(records) >= 9
        incomplete = [r.organisation.code for r in records if not r.complete]
        assert incomplete == ["DJ-LS-XQ"]

    def test_demo_logins_lists_every_username_with_its_role_and_password(self) -> None:
        output = StringIO()
        call_command("demo_logins", stdout=output)
        text = output.getvalue()
        for login in LOGINS:
            assert login.username in text
            assert Role(login.role).label in text
        assert PASSWORD in text
        assert "城区片区党支部" in text
        assert "尚未创建" not in text
