"""Writing to the audit log. Services call `record()` inside their transaction, so the change and its
audit entry are stored together or not at all."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from rasd.audit.models import AuditEntry
from rasd.lib import request_context

JsonValue = Any
Snapshot = dict[str, JsonValue]


def _json_safe(value: Any) -> JsonValue:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> Snapshot:
    """The named fields of `instance` as JSON values; many-to-many fields become sorted id lists."""
    values: Snapshot = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise ValueError(f"{name} is not a stored field of {instance._meta.label}")
        if field.many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
        elif field.is_relation:
            values[name] = getattr(instance, field.attname)
        else:
            values[name] = _json_safe(getattr(instance, name))
    return values


def diff(before: Mapping[str, JsonValue], after: Mapping[str, JsonValue]) -> dict[str, list[JsonValue]]:
    """{field: [before, after]} for every field whose value differs (absent counts as None)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    action: str,
    instance: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    before: Mapping[str, JsonValue] | None = None,
    after: Mapping[str, JsonValue] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry. The actor, request id and address come from the current request context."""
    context = request_context.current()
    actor = context.actor if getattr(context.actor, "pk", None) else None
    written = entry(
        action,
        instance,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        changes=diff(before or {}, after or {}),
        reason=reason,
    )
    written.save()
    return written


def entry(
    action: str,
    instance: models.Model | None,
    *,
    actor: Any,
    changes: Mapping[str, JsonValue],
    reason: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEntry:
    """An entry as `record()` writes it, not yet saved: for services that insert many at once (`bulk_create`).
    The request id and address come from the current request context."""
    context = request_context.current()
    return AuditEntry(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        action=action,
        object_type=object_type or (instance._meta.label_lower if instance is not None else ""),
        object_id=object_id if object_id is not None else str(instance.pk if instance is not None else ""),
        object_repr=str(instance)[:300] if instance is not None else "",
        changes=dict(changes),
        reason=reason,
        request_id=context.request_id[:64],
        remote_addr=context.remote_addr,
    )
