"""import_members (SPEC §13): cells Excel types as numbers or date-times (contract review R1)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.members.exchange import import_members
from zhibu.members.models import Member
from zhibu.members.tests.test_exchange import lines, new_id, person, refused, xlsx
from zhibu.orgs.tests.factories import make_org


def test_a_dues_base_typed_as_a_float_is_the_exact_decimal(world: Any) -> None:
    result = import_members(
        xlsx([person(党费基数=3000.1), person(姓名="李四", 党费基数=4999.99)]), actor=None
    )
    assert lines(result) == []
    bases = dict(Member.objects.values_list("name", "dues_base"))
    assert bases["张三"] == Decimal("3000.10") and str(bases["张三"]) == "3000.10"
    assert bases["李四"] == Decimal("4999.99")


def test_dates_with_a_time_of_day_are_their_date(world: Any) -> None:
    row = person(入党日期=dt.datetime(2015, 7, 1, 9, 30), 转正日期=dt.datetime(2016, 7, 1, 0, 0))  # noqa: DTZ001
    result = import_members(xlsx([row]), actor=None)
    assert lines(result) == []
    member = Member.objects.get(name="张三")
    assert (member.joined_on, member.converted_on) == (dt.date(2015, 7, 1), dt.date(2016, 7, 1))


def test_codes_typed_as_numbers_are_found(world: Any) -> None:
    branch = make_org("201", "branch", world.committee, name="数字党支部")
    make_org("2011", "group", branch, name="数字党小组")
    result = import_members(xlsx([person(所在党支部=201, 党小组=2011.0)]), actor=None)
    assert lines(result) == []
    member = Member.objects.get(name="张三")
    assert (member.branch.code, member.group.code) == ("201", "2011")


def test_an_id_number_typed_as_a_number_is_refused_not_mangled(world: Any) -> None:
    number = new_id()
    digits = number[:-1] if number.endswith("X") else number
    found = refused([person(公民身份号码=float(digits))])
    assert len(found) == 1 and found[0].startswith("第2行 [公民身份号码] ")
    assert "文本" in found[0]
    assert not Member.objects.filter(name="张三").exists()
