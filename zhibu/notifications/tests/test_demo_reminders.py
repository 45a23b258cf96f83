"""On the demo data, `send_reminders` produces sensible reminders (the demo loads them last)."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from zhibu.accounts.models import Role
from zhibu.notifications.models import Notification


class DemoRemindersTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo_data", stdout=StringIO())

    def test_the_demo_leaves_reminders_for_its_secretaries(self) -> None:
        found = set(Notification.objects.values_list("kind", flat=True))
        # the demo's 油库党支部 committee term has expired (whenever the demo is loaded)
        assert "committee_term_expired" in found
        expired = Notification.objects.get(kind="committee_term_expired")
        assert expired.title.startswith("油库党支部委员会任期已于") and expired.user.username == "shuji_yk"
        recipients = Notification.objects.filter(kind__startswith="committee_term")
        assert all(
            n.user.roles.filter(organisation_id=n.organisation_id).exclude(role=Role.MEMBER).exists()
            for n in recipients.select_related("user")
        )

    def test_the_command_run_again_the_same_day_creates_nothing(self) -> None:
        before = Notification.objects.count()
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "没有新的提醒" in out.getvalue()
        assert Notification.objects.count() == before > 0
