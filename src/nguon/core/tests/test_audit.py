"""The audit trail: every write recorded, chained, append-only, and tampering detected by verify."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from nguon.accounts.choices import Role
from nguon.core import access, audit
from nguon.core.models import AuditEvent
from nguon.units import services as unit_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(make_user, commune):
    """A few real writes, each of which records an event."""
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    for local in ("A1", "A2", "A3"):
        unit_services.save_residential_unit(
            actor=editor, commune=commune, local_code=local, name=f"Thôn {local}", kind="thon"
        )
    return editor


def _tamper(sql: str, params: list[str | int]) -> None:
    """Change the table behind the application's back, as an intruder with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
        cursor.execute(sql, params)


def _verify_cli() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_writes_are_recorded_with_actor_unit_and_values(trail, commune):
    event = AuditEvent.objects.filter(action="units.residential.create").order_by("-seq").first()
    assert event is not None
    assert event.actor_id == trail.pk
    assert event.actor_label == trail.username
    assert event.unit_path == commune.path
    assert event.unit_label == "Xã Định Hóa"
    assert event.after["name"] == "Thôn A3"
    assert event.before is None
    assert event.target_type == "units.administrativeunit"


def test_update_records_before_and_after(trail, commune):
    unit_services.save_residential_unit(
        actor=trail, commune=commune, local_code="A1", name="Thôn Mới", kind="thon"
    )
    event = AuditEvent.objects.filter(action="units.residential.update").get()
    assert (event.before["name"], event.after["name"]) == ("Thôn A1", "Thôn Mới")


def test_chain_verifies(trail):
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count() > 3
    assert "Audit chain OK" in _verify_cli()


def test_model_refuses_update_and_delete(trail):
    event = AuditEvent.objects.order_by("seq").last()
    event.action = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_database_refuses_update(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(action="units.residential.create").update(action="forged")


@pytest.mark.postgres
def test_postgres_refuses_delete(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(action="units.residential.create").delete()


def test_verify_detects_an_edited_row(trail):
    target = AuditEvent.objects.filter(action="units.residential.create").order_by("seq")[1]
    _tamper("UPDATE core_auditevent SET target_label = %s WHERE seq = %s", ["Thôn giả mạo", target.seq])
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == target.seq
    assert "edited" in result.reason
    with pytest.raises(CommandError, match=f"BROKEN at seq {target.seq}"):
        _verify_cli()


def test_verify_detects_an_edited_and_rehashed_row_at_the_next_link(trail):
    rows = list(AuditEvent.objects.filter(action="units.residential.create").order_by("seq"))
    target = rows[0]
    target.target_label = "Thôn giả mạo"
    forged_hash = audit.compute_hash(target)
    _tamper(
        "UPDATE core_auditevent SET target_label = %s, hash = %s WHERE seq = %s",
        ["Thôn giả mạo", forged_hash, target.seq],
    )
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == target.seq + 1


def test_verify_detects_a_deleted_row(trail):
    target = AuditEvent.objects.filter(action="units.residential.create").order_by("seq")[1]
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [target.seq])
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == target.seq
    assert "missing" in result.reason


def test_verify_detects_the_last_row_deleted(trail):
    last = AuditEvent.objects.order_by("-seq").first()
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [last.seq])
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == last.seq
    assert "deleted at the end" in result.reason


def test_request_context_is_recorded(client, make_user, commune):
    editor = make_user(Role.COMMUNE_EDITOR, unit=commune)
    client.force_login(editor)
    response = client.post(
        f"/units/u/{commune.path}",
        {"add-code": "W1", "add-name": "Thôn Web", "add-kind": "thon"},
        HTTP_X_REQUEST_ID="req-12345678",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="units.residential.create").order_by("-seq").first()
    assert (event.ip_address, event.request_id) == ("203.0.113.9", "req-12345678")
    assert response["X-Request-ID"] == "req-12345678"


def test_audit_browser_is_scoped(client, make_user, commune, other_commune, province):
    a = make_user(Role.COMMUNE_EDITOR, unit=commune)
    b = make_user(Role.COMMUNE_EDITOR, unit=other_commune)
    unit_services.save_residential_unit(
        actor=a, commune=commune, local_code="S1", name="Thôn Sáng", kind="thon"
    )
    unit_services.save_residential_unit(
        actor=b, commune=other_commune, local_code="S2", name="Tổ Tối", kind="thon"
    )
    auditor = make_user(Role.AUDITOR, unit=commune)
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert "Thôn Sáng" in page
    assert "Tổ Tối" not in page
    client.force_login(a)
    assert client.get("/audit/").status_code == 404
    assert access.has_action(auditor, access.AUDIT_VIEW)


def test_record_many_chains_its_events_as_one_by_one_would(make_user, commune, other_commune):
    admin = make_user(Role.COMMUNE_EDITOR, unit=commune)
    first = audit.record(actor=admin, action="test.one", unit=commune)
    many = audit.record_many(
        actor=admin,
        entries=[
            audit.Entry(action="test.many", unit=commune, after={"n": 1}),
            audit.Entry(action="test.many", unit=other_commune, after={"n": 2}, target_label="hai"),
        ],
    )
    assert [e.seq for e in many] == [first.seq + 1, first.seq + 2]
    assert many[0].prev_hash == first.hash
    assert many[1].prev_hash == many[0].hash
    stored = list(AuditEvent.objects.filter(action="test.many").order_by("seq"))
    assert [(e.unit_path, e.after, e.target_label) for e in stored] == [
        (commune.path, {"n": 1}, ""),
        (other_commune.path, {"n": 2}, "hai"),
    ]
    assert [e.hash for e in stored] == [audit.compute_hash(e) for e in stored]
    assert audit.verify().ok
    assert audit.record_many(actor=admin, entries=[]) == []
    after = audit.record(actor=admin, action="test.after")
    assert after.prev_hash == many[1].hash
