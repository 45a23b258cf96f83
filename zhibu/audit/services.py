"""Writing the audit log. Call `audit_record` inside the service's transaction, so the event and
the change commit or roll back together."""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from zhibu.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` (foreign keys as ids), for before/after."""
    names = (
        list(fields)
        if fields is not None
        else [f.name for f in obj._meta.concrete_fields if f.name not in ("password",)]
    )
    data: dict[str, Any] = {}
    for name in names:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(obj, attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    return AuditEvent.objects.create(
        actor=user,
        actor_label=(user.display_name if user else str(actor or "系统"))[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        organisation=organisation,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note[:500],
        ip_address=ip_address,
    )


def audit_created(
    *, actor: Any, objects: Iterable[models.Model], organisation: Any = None, note: str = ""
) -> int:
    """One CREATE event per object just bulk-created (a batch of ledger rows), in one insert."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.display_name if user else str(actor or "系统"))[:150]
    events = [
        AuditEvent(
            actor=user,
            actor_label=label,
            action=AuditEvent.Action.CREATE,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            organisation=organisation,
            after=snapshot(obj),
            note=note[:500],
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)
