"""P-4: the rules are settings, changed by the org officer from a year on, audited."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.lib.dates import today
from zhibu.lib.rules import CATALOGUE, CATALOGUE_BY_KEY, rule_decimal, rule_int, rules_for
from zhibu.rulebook import services
from zhibu.rulebook.models import RuleValue


def test_every_rule_has_a_label_a_source_and_a_default_it_accepts() -> None:
    for rule in CATALOGUE:
        assert rule.label and rule.source
        assert rule.parse(str(rule.default)) == rule.default


def test_defaults_apply_without_changes(db: Any) -> None:
    assert rule_int("branch.max_members") == 50
    assert rule_decimal("massess.points_good") == Decimal("85")


def test_a_change_applies_from_its_year_on_and_earlier_years_keep_theirs(world: Any) -> None:
    year = today().year
    services.rule_change(
        actor=world.officer, key="branch.max_members", value="60", from_year=year, reason="党委会议"
    )
    assert rules_for(year).integer("branch.max_members") == 60
    assert rules_for(year + 3).integer("branch.max_members") == 60
    assert rules_for(year - 1).integer("branch.max_members") == 50
    services.rule_change(
        actor=world.officer, key="branch.max_members", value="55", from_year=year + 1, reason="再调整"
    )
    assert [rules_for(y).integer("branch.max_members") for y in (year, year + 1)] == [60, 55]
    event = AuditEvent.objects.filter(object_type="rulebook.rulevalue").order_by("-pk").first()
    assert event is not None and event.before == {"value": "60", "from_year": year + 1}
    assert event.after == {"value": "55", "from_year": year + 1} and event.note == "再调整"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("branch.max_members", "五十", "不是数字"),
        ("branch.max_members", "50.5", "应为整数"),
        ("branch.max_members", "-1", "取值范围"),
        ("review.excellent_max_denominator", "21", "取值范围为0至20"),
    ],
)
def test_bad_values_are_refused_with_the_rule_named(world: Any, key: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.rule_change(actor=world.officer, key=key, value=value, from_year=today().year, reason="x")
    assert message in caught.value.message_dict["value"][0]
    assert CATALOGUE_BY_KEY[key].label in caught.value.message_dict["value"][0]
    assert not RuleValue.objects.exists()


def test_a_reason_is_required_and_old_years_are_closed(world: Any) -> None:
    with pytest.raises(ValidationError, match="原因"):
        services.rule_change(
            actor=world.officer, key="branch.max_members", value="40", from_year=today().year, reason=" "
        )
    with pytest.raises(ValidationError, match="上一年度及以后"):
        services.rule_change(
            actor=world.officer,
            key="branch.max_members",
            value="40",
            from_year=today().year - 2,
            reason="补录",
        )


def test_the_page_lists_rules_and_saves_a_change(client: Any, world: Any) -> None:
    client.force_login(world.officer)
    page = client.get("/rules/").content.decode()
    assert "党员考核“良好”折合分" in page and "SPEC MASSESS-2" in page
    response = client.post(
        "/rules/massess.points_good/", {"value": "88", "from_year": today().year, "reason": "党委决定"}
    )
    assert response.status_code == 302
    assert rule_decimal("massess.points_good") == Decimal("88")
    bad = client.post(
        "/rules/massess.points_good/", {"value": "abc", "from_year": today().year, "reason": "x"}
    )
    assert "不是数字" in bad.content.decode()
