"""The audit log is append-only: nothing in rasd — model, queryset, raw SQL or a web page — can rewrite it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from rasd.audit import services as audit
from rasd.audit.models import AuditEntry, AuditLogIsAppendOnly
from rasd.lib.request_context import RequestContext, bound
from tests.conftest import Personas, client_for


@pytest.fixture
def entry(personas: Personas) -> AuditEntry:
    return AuditEntry.objects.filter(action="user.created").first()  # type: ignore[return-value]


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(entry: AuditEntry) -> None:
    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()


def test_the_database_itself_refuses_updates_and_deletes(entry: AuditEntry) -> None:
    table = AuditEntry._meta.db_table
    for statement in (f"UPDATE {table} SET reason = 'rewritten' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.reason != "rewritten"


def test_entries_carry_actor_request_and_address(personas: Personas) -> None:
    context = RequestContext(request_id="req-123", remote_addr="10.1.2.3", actor=personas.basra_manager)
    with bound(context):
        entry = audit.record("test.thing", personas.basra_s1_collector, before={"a": 1}, after={"a": 2}, reason="why")
    assert entry.actor == personas.basra_manager
    assert entry.actor_username == "basra-manager"
    assert entry.request_id == "req-123"
    assert entry.remote_addr == "10.1.2.3"
    assert entry.object_type == "accounts.user"
    assert entry.changes == {"a": [1, 2]}


def test_a_web_change_records_the_request_id_and_address(personas: Personas) -> None:
    target = personas.basra_s2_collector
    client_for(personas.basra_manager).post(
        reverse("accounts:user_set_active", kwargs={"pk": target.pk}),
        {"active": "0", "reason": "left"},
        headers={"X-Request-ID": "trace-42"},
        REMOTE_ADDR="192.0.2.7",
    )
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert (entry.request_id, entry.remote_addr, entry.actor) == ("trace-42", "192.0.2.7", personas.basra_manager)


def test_only_system_administrators_read_the_log_and_it_filters(personas: Personas) -> None:
    assert client_for(personas.national_fed).get(reverse("audit:entry_list")).status_code == 403
    client = client_for(personas.admin)
    page = client.get(reverse("audit:entry_list")).content.decode()
    assert "user.created" in page and "marker-erbil-viewer" in page
    filtered = client.get(reverse("audit:entry_list"), {"actor": "nobody-at-all"}).content.decode()
    assert "marker-erbil-viewer" not in filtered


def test_the_log_has_no_page_that_changes_it(personas: Personas) -> None:
    client = client_for(personas.admin)
    before = AuditEntry.objects.count()
    response = client.post(reverse("audit:entry_list"), {"action": "x"})
    assert response.status_code == 405
    assert AuditEntry.objects.count() == before


def test_a_bad_filter_value_is_reported_and_the_others_still_apply(personas: Personas) -> None:
    page = client_for(personas.admin).get(reverse("audit:entry_list"), {"since": "not-a-date", "actor": "nobody"})
    body = page.content.decode()
    assert "marker-erbil-viewer" not in body  # the actor filter still applies
    assert page.context["filters"].errors["since"]
