from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib.dates import today
from zhibu.lib.rules import CATALOGUE_BY_KEY, rules_for
from zhibu.rulebook.models import RuleValue


@transaction.atomic
def rule_change(*, actor: Any, key: str, value: str, from_year: int, reason: str) -> RuleValue:
    """Change one rule from `from_year` on (P-4). Earlier years keep their numbers; a year whose
    assessment is already locked is refused once the assessment engine pins rules per cycle."""
    rule = CATALOGUE_BY_KEY.get(key)
    if rule is None:
        raise ValidationError({"key": ["未知规则"]})
    if not reason.strip():
        raise ValidationError({"reason": ["调整规则必须填写原因或依据"]})
    if from_year < today().year - 1:
        raise ValidationError({"from_year": ["只能调整上一年度及以后的规则"]})
    try:
        parsed = rule.parse(value)
    except ValueError as error:
        raise ValidationError({"value": [f"{rule.label}：{error}"]}) from None
    before = rules_for(from_year).value(key)
    change = RuleValue.objects.create(
        key=key, value=str(parsed), from_year=from_year, reason=reason, changed_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=change,
        object_repr=f"规则：{rule.label}",
        before={"value": str(before), "from_year": from_year},
        after={"value": str(parsed), "from_year": from_year},
        note=reason,
    )
    return change


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
