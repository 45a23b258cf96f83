"""The secretary's home page (DEV-3, DEV-4, DUES-2): the card of development items due in the
secretary's branches (overdue first, each naming its rule and linking to the file) and the card of
dues arrears (the 3-month warning and the 6-month flag of C-8), in a number of queries that does not
grow with the number of items or members in arrears."""

import datetime as dt
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhibu.conftest import World
from zhibu.development.models import DevelopmentFile
from zhibu.development.selectors import due_items
from zhibu.development.tests.factories import make_file
from zhibu.dues.rules import month_start
from zhibu.dues.selectors import FLAG, WARNING, arrears
from zhibu.dues.tests.factories import make_setting, pay_months
from zhibu.lib.dates import add_months, today
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs.models import Organisation

D = dt.date


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def applicant(branch: Organisation, name: str) -> Member:
    """Registered (placement and category history) well before the file starts."""
    return make_member(branch, name, category="applicant", birth=D(1995, 6, 15), start_on=D(2020, 1, 1))


def overdue_talk(branch: Organisation, name: str, days: int = 60) -> DevelopmentFile:
    """A file with ① only, applied `days` ago: the talk was due a month after it (B-2)."""
    return make_file(applicant(branch, name), start=days_ago(days))


def in_arrears(branch: Organisation, name: str, unpaid_months: int) -> Member:
    """A full member with last year's and this year's settings who paid everything but the last
    `unpaid_months` ended months (none paid at all with a long run)."""
    member = make_member(branch, name)
    this_year = today().year
    make_setting(member, this_year - 1)
    make_setting(member, this_year)
    last_ended = add_months(month_start(today()), -1)
    last_paid = add_months(last_ended, -unpaid_months)
    first = D(this_year - 1, 1, 1)
    if last_paid >= first:
        pay_months(member, first, last_paid)
    return member


def home(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def card(html: str, title: str) -> str:
    """The HTML of the home page card whose header starts with `title`."""
    start = html.index(f"<span>{title}")
    end = html.find('<div class="card mb-3">', start)
    return html[start : end if end != -1 else len(html)]


def test_dev3_dues2_the_secretary_home_shows_the_due_items_and_the_arrears_of_the_branch(
    world: World,
) -> None:
    talk = overdue_talk(world.branch_a, "丙申请人")
    make_file(applicant(world.branch_a, "丁申请人"), start=days_ago(5))  # talk due, not yet overdue
    overdue_talk(world.branch_b, "戊申请人")  # secretary_b's branch
    warned = in_arrears(world.branch_a, "己党员", 3)
    flagged = in_arrears(world.branch_a, "庚党员", 7)
    in_arrears(world.branch_b, "辛党员", 4)  # secretary_b's branch
    paid_up = in_arrears(world.branch_a, "壬党员", 0)

    client = Client()
    client.force_login(world.secretary_a)
    html, _ = home(client)

    due = card(html, "发展党员到期事项")
    assert "共2项" in due
    names = re.findall(r"(丙|丁|戊)申请人于", due)
    assert names == ["丙", "丁"]  # overdue first, branch B's item absent
    first = due[: due.index("丁申请人")]
    assert "逾期" in first and "入党申请谈话" in first and "B-2" in first
    assert f'href="/development/{talk.pk}/"' in first
    assert "戊申请人" not in due

    owing = card(html, "党费欠缴")
    assert "共2人" in owing
    assert owing.index("庚党员") < owing.index("己党员")  # the longest run first
    assert re.search(rf'连续欠缴7个月</span>\s*<a href="/dues/member/{flagged.pk}/">庚党员', owing)
    assert re.search(rf'欠缴3个月</span>\s*<a href="/dues/member/{warned.pk}/">己党员', owing)
    assert "text-bg-danger" in owing and "text-bg-warning" in owing
    assert "辛党员" not in owing and paid_up.name not in owing

    # The card agrees with the selectors it shows.
    levels = {row.member.name: row.level for row in arrears([world.branch_a])}
    assert levels == {"庚党员": FLAG, "己党员": WARNING}
    assert [i.member.name for i in due_items([world.branch_a])] == ["丙申请人", "丁申请人"]


def test_dev3_dues2_the_member_home_has_neither_card(world: World) -> None:
    overdue_talk(world.branch_a, "丙申请人")
    in_arrears(world.branch_a, "己党员", 3)
    client = Client()
    client.force_login(world.member_a)
    html, _ = home(client)
    assert "发展党员到期事项" not in html and "党费欠缴" not in html
    assert "丙申请人" not in html and "己党员" not in html


def test_the_secretary_home_shows_that_nothing_is_due(world: World) -> None:
    client = Client()
    client.force_login(world.secretary_a)
    html, _ = home(client)
    assert "发展党员工作没有到期事项。" in card(html, "发展党员到期事项")
    assert "没有欠缴党费的党员。" in card(html, "党费欠缴")


def test_the_home_page_queries_do_not_grow_with_the_due_items_and_the_arrears(world: World) -> None:
    """Two due items and two members in arrears, then six of each (of several kinds): the same
    number of queries."""
    overdue_talk(world.branch_a, "申请人1")
    make_file(applicant(world.branch_a, "申请人2"), start=days_ago(400), through=6)  # activist
    in_arrears(world.branch_a, "欠缴1", 3)
    in_arrears(world.branch_a, "欠缴2", 8)
    client = Client()
    client.force_login(world.secretary_a)
    home(client)  # the first request of a session records its time (idle timeout)
    html, before = home(client)
    assert card(html, "发展党员到期事项").count("list-group-item small") >= 2
    assert card(html, "党费欠缴").count("list-group-item small") == 2

    overdue_talk(world.branch_a, "申请人3", days=45)
    make_file(applicant(world.branch_a, "申请人4"), start=days_ago(3))
    make_file(applicant(world.branch_a, "申请人5"), start=days_ago(420), through=6)
    in_arrears(world.branch_a, "欠缴3", 4)
    in_arrears(world.branch_a, "欠缴4", 6)
    in_arrears(world.branch_a, "欠缴5", 5)
    in_arrears(world.branch_a, "欠缴6", 3)
    html, after = home(client)
    shown = card(html, "发展党员到期事项").count("list-group-item small")
    assert shown >= 6 and shown == len(due_items([world.branch_a]))
    assert card(html, "党费欠缴").count("list-group-item small") == 6
    assert after == before, (before, after)
