"""Hardship reductions of dues (减免, RULES C-7): agreed by the branch (the reason), approved by the
superior organisation (the approval), below the computed amount, not carried into the next year."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zhibu.audit.models import AuditEvent
from zhibu.dues import services
from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.lib.dates import today
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member

D = Decimal
YEAR = today().year


def payer(world: Any, name: str = "困难党员", base: str = "4000.00") -> Member:
    return make_member(world.branch_a, name, dues_base=D(base))


def reduce(member: Member, **overrides: Any) -> DuesSetting:
    values: dict[str, Any] = {
        "actor": None,
        "member": member,
        "year": YEAR,
        "from_month": 1,
        "dues_category": member.dues_category,
        "dues_base": member.dues_base,
        "reason": "家属重病，经济困难，党支部委员会研究同意减免",
        "reduced_amount": D("10.00"),
        "reduction_approval": "东江党委组〔2026〕12号",
    }
    return services.dues_setting_change(**(values | overrides))


def refusal(member: Member, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        reduce(member, **overrides)
    return dict(info.value.message_dict)


def test_c7_a_reduction_with_the_branch_s_reason_and_the_superior_approval_sets_the_lower_amount(
    world: Any,
) -> None:
    member = payer(world)
    setting = reduce(member)
    assert setting.amount == D("10.00") and setting.reduced_from == D("40.00")  # 4000.00 × 1%
    assert setting.reduction_approval == "东江党委组〔2026〕12号"
    event = AuditEvent.objects.filter(object_type="dues.duessetting").latest("pk")
    assert event.after["amount"] == "10.00" and event.after["reduced_from"] == "40.00"
    services.payment_record(
        actor=None, member=member, month=today().replace(day=1), paid=D("10.00"), paid_on=today()
    )
    assert DuesPayment.objects.get(member=member).due == D("10.00")


def test_c7_a_reduction_needs_the_reason_and_the_approval(world: Any) -> None:
    member = payer(world)
    assert "党支部同意" in refusal(member, reason="")["reason"][0]
    assert "上级党组织批准" in refusal(member, reduction_approval="")["reduction_approval"][0]
    assert "减免后每月交纳金额" in refusal(member, reduced_amount=None)["reduced_amount"][0]
    assert not DuesSetting.objects.filter(member=member).exists()


def test_c7_the_reduced_amount_is_below_the_computed_one_and_a_valid_amount(world: Any) -> None:
    member = payer(world)
    message = refusal(member, reduced_amount=D("40.00"))["reduced_amount"][0]
    assert "应低于按规定计算的40.00元" in message and "1%" in message
    assert "两位小数" in refusal(member, reduced_amount=D("9.999"))["reduced_amount"][0]
    assert "负数" in refusal(member, reduced_amount=D("-1"))["reduced_amount"][0]
    assert reduce(member, reduced_amount=D("39.99")).amount == D("39.99")
    assert reduce(member, reduced_amount=D("0")).amount == D("0.00")  # 免交


def test_c7_the_yearly_reset_computes_the_full_amount_again(world: Any) -> None:
    member = payer(world)
    Member.objects.filter(pk=world.member_in_a.pk).update(dues_base=D("2000.00"))
    reduce(member, year=YEAR - 1)
    settings = services.dues_set_year(actor=None, branch=world.branch_a, year=YEAR)
    [setting] = [s for s in settings if s.member == member]
    assert setting.amount == D("40.00") and setting.reduced_from is None


def test_c7_the_member_page_form_records_a_reduction_and_shows_it(world: Any) -> None:
    member = payer(world)
    client = Client()
    client.force_login(world.secretary_a)
    data = {
        "year": YEAR,
        "from_month": 1,
        "dues_category": "employed",
        "dues_base": "4000.00",
        "reason": "因病长期休养，支部同意减免",
        "reduced_amount": "5.00",
        "reduction_approval": "",
    }
    response = client.post(f"/dues/member/{member.pk}/setting/", data)
    assert response.status_code == 200 and not DuesSetting.objects.filter(member=member).exists()
    assert "上级党组织批准" in response.content.decode()
    response = client.post(
        f"/dues/member/{member.pk}/setting/", data | {"reduction_approval": "2026年3月2日党委批复"}
    )
    assert response.status_code == 302
    page = client.get(f"/dues/member/{member.pk}/?year={YEAR}").content.decode()
    assert "减免为每月5.00元（党费规定 C-7）" in page and "2026年3月2日党委批复" in page
    assert DuesSetting.objects.get(member=member).reduced_from == D("40.00")


def test_c7_the_computed_amount_kept_beside_the_reduction_is_rounded_half_up(world: Any) -> None:
    member = payer(world, base="3333.33")
    setting = reduce(member, reduced_amount=D("3.30"))
    assert setting.reduced_from == D("33.33") and setting.amount == D("3.30")
