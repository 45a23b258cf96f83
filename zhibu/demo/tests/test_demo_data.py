"""The demo data: loaded once per class (setUpTestData), checked for believability and idempotency."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.audit.models import AuditEvent
from zhibu.demo import funds as demo_funds
from zhibu.demo.accounts import LOGINS
from zhibu.demo.base import PASSWORD, Demo
from zhibu.demo.people import people_plan
from zhibu.development.models import OPEN_STAGES, DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.selectors import due_items
from zhibu.dues import selectors as dues_selectors
from zhibu.dues.models import DuesPayment, DuesSetting, FundBudget, FundExpense, FundReceipt
from zhibu.dues.rules import month_index
from zhibu.lib import idnumber
from zhibu.lib.dates import full_years_between, today
from zhibu.members.models import Category, Member, Placement, Standing, StatusChange, Transfer
from zhibu.members.services import member_problems
from zhibu.notifications.models import Notification
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
    DevelopmentFile,
    DevelopmentStep,
    Review,
    Sponsor,
    DuesSetting,
    DuesPayment,
    FundBudget,
    FundExpense,
    FundReceipt,
    Notification,
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

    # -- issue 5: member development (DEV-1…6), dues (DUES-1, DUES-2), funds (DUES-3) --------------

    def test_dev1_it_has_development_files_at_every_open_stage_agreeing_with_the_registry(self) -> None:
        files = list(DevelopmentFile.objects.select_related("member__branch"))
        stages = {file.stage for file in files}
        assert set(OPEN_STAGES) <= stages, stages
        for file in files:
            assert file.member.category == file.stage, (file.member.name, file.member.category, file.stage)
        # Everyone of the registry on the way in has a file.
        without = Member.objects.filter(
            is_active=True,
            branch__code__startswith="DJ-",
            category__in=OPEN_STAGES,
            development_file__isnull=True,
        )
        assert not without.exists(), list(without.values_list("name", flat=True))

    def test_b11_every_file_has_its_steps_in_order_dated_no_later_than_today(self) -> None:
        on = today()
        steps: dict[int, list[DevelopmentStep]] = defaultdict(list)
        for step in DevelopmentStep.objects.order_by("file_id", "number"):
            steps[step.file_id].append(step)
        files = list(DevelopmentFile.objects.all())
        assert files
        for file in files:
            recorded = steps[file.pk]
            numbers = [s.number for s in recorded]
            assert numbers == list(range(1, len(numbers) + 1)), (file.pk, numbers)
            dates = [s.done_on for s in recorded]
            assert dates == sorted(dates) and dates[-1] <= on, (file.pk, dates)
            by_number = {s.number: s.done_on for s in recorded}
            assert file.applied_on == by_number[1]
            assert file.activist_on == by_number.get(3)
            assert file.candidate_on == by_number.get(7)
            assert file.admitted_on == by_number.get(15)
            if file.stage == Stage.PROBATIONARY:
                assert 17 in by_number and file.admitted_on == file.member.joined_on, file.pk
        # The reviews and the sponsors are dated no later than today too.
        assert not Review.objects.filter(reviewed_on__gt=on).exists()
        assert not Sponsor.objects.filter(start_on__gt=on).exists()

    def test_dev3_the_due_lists_have_the_exceptions_the_demo_is_made_for(self) -> None:
        cq = Organisation.objects.get(code="DJ-LS-CQ")
        yk = Organisation.objects.get(code="DJ-CY-YK")
        items = due_items([cq])
        overdue = {item.kind for item in items if item.overdue}
        assert {"talk", "review"} <= overdue, [(i.kind, i.overdue) for i in items]
        talk = next(i for i in items if i.kind == "talk" and i.overdue)
        assert talk.file is not None and "B-2" in talk.text
        eligible = [i for i in items if i.kind == "candidate_eligible"]
        assert eligible and all(i.file and i.file.stage == Stage.ACTIVIST for i in eligible)
        assert not any(i.kind == "no_cultivator" for i in items)
        missing = [i for i in due_items([yk]) if i.kind == "no_cultivator"]
        assert len(missing) == 1 and missing[0].member.category == Category.ACTIVIST
        assert "B-3" in missing[0].text

    def test_dues1_every_member_paying_dues_has_a_setting_for_this_year(self) -> None:
        year = today().year
        paying = Member.objects.filter(dues_selectors.PAYING)
        assert paying.count() > 150
        unset = paying.exclude(dues_settings__year=year)
        assert not unset.exists(), list(unset.values_list("name", flat=True))
        # Last year's too (the ledger of a year back), and every amount is positive.
        assert not paying.exclude(dues_settings__year=year - 1).filter(joined_on__year__lt=year).exists()
        assert not DuesSetting.objects.filter(amount__lte=0).exists()

    def test_dues2_the_arrears_have_a_warning_in_chengqu_and_a_flag_in_the_depot(self) -> None:
        branches = Organisation.objects.filter(kind="branch", is_active=True)
        rows = dues_selectors.arrears(branches)
        by_branch: dict[str, list[dues_selectors.ArrearsRow]] = defaultdict(list)
        for row in rows:
            by_branch[row.member.branch.code].append(row)
        warnings = [r for r in by_branch["DJ-LS-CQ"] if r.level == dues_selectors.WARNING]
        assert [r.consecutive for r in warnings] == [3]
        flags = [r for r in by_branch["DJ-CY-YK"] if r.level == dues_selectors.FLAG]
        assert [r.consecutive for r in flags] == [6]
        assert "C-8" in flags[0].message
        # No other branch has a warning or a flag.
        levels = {(code, r.level) for code, found in by_branch.items() for r in found if r.level}
        assert levels == {("DJ-LS-CQ", "warning"), ("DJ-CY-YK", "flag")}

    def test_dues1_every_payment_is_the_amount_set_except_the_one_short_payment(self) -> None:
        settings: dict[int, list[DuesSetting]] = defaultdict(list)
        for setting in DuesSetting.objects.all():
            settings[setting.member_id].append(setting)
        members = {m.pk: m for m in Member.objects.filter(pk__in=settings)}
        schedules = {pk: dues_selectors.Schedule(members[pk], found) for pk, found in settings.items()}
        payments = list(DuesPayment.objects.select_related("member__branch"))
        assert len(payments) > 2000
        short = []
        for payment in payments:
            assert payment.paid_on <= today() and payment.month <= today()
            expected = schedules[payment.member_id].due_at(month_index(payment.month))
            assert payment.due == expected, (payment.member.name, payment.month, payment.due, expected)
            if payment.paid != payment.due:
                short.append(payment)
        assert len(short) == 1
        assert short[0].member.branch.code == "DJ-LS-CQ"
        assert short[0].paid == Decimal("10.00") < short[0].due
        # Each branch's ledger of this year agrees: paid = due on every settled cell.
        for branch in Organisation.objects.filter(kind="branch", code__startswith="DJ-"):
            ledger = dues_selectors.branch_ledger(branch, today().year)
            for row in ledger.rows:
                for cell in row.cells:
                    if cell.payment is not None and cell.payment.pk != short[0].pk:
                        assert cell.paid == cell.due, (row.member.name, cell.month)

    def test_dues3_the_funds_have_expenses_each_with_a_receipt_and_none_over_budget(self) -> None:
        on, year = today(), today().year
        planned = sum(
            1
            for lines in demo_funds.PLANS.values()
            for _, _, expenses in lines
            for month, *_ in expenses
            if dt.date(year, month, 15) < on
        )
        assert FundBudget.objects.filter(year=year).count() == sum(len(v) for v in demo_funds.PLANS.values())
        expenses = list(FundExpense.objects.select_related("budget"))
        assert len(expenses) == planned
        for expense in expenses:
            assert expense.receipts.count() >= 1, expense.purpose
            receipt = FundReceipt.objects.filter(expense=expense).first()
            assert receipt is not None and receipt.file.read(5) == b"%PDF-"
        for budget in FundBudget.objects.all():
            spent = sum((e.amount for e in budget.expenses.all()), Decimal(0))
            assert spent <= budget.amount, (budget, spent)

    def test_notify1_there_are_development_and_dues_reminders_for_the_secretaries(self) -> None:
        kinds = set(Notification.objects.values_list("kind", flat=True))
        assert any(kind.startswith("development_") for kind in kinds), kinds
        assert {"dues_arrears_warning", "dues_arrears_flag"} <= kinds, kinds
        assert {
            "development_talk_overdue",
            "development_review_overdue",
            "development_no_cultivator",
        } <= kinds
        cq = set(Notification.objects.filter(user__username="shuji_cq").values_list("kind", flat=True))
        assert {"development_talk_overdue", "dues_arrears_warning"} <= cq, cq
        yk = set(Notification.objects.filter(user__username="shuji_yk").values_list("kind", flat=True))
        assert {"development_no_cultivator", "dues_arrears_flag"} <= yk, yk
