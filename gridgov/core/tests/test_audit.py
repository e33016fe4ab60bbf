import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from gridgov.core import audit
from gridgov.core.models import AuditAction, AuditEntry
from gridgov.people.models import Resident


def test_every_action_in_the_world_left_a_chained_entry(world):
    result = audit.verify_chain()
    assert result.ok, result
    assert result.checked == AuditEntry.objects.count() > 30
    tashi = world.residents["tashi"]
    entries = list(audit.history_for(tashi))
    assert [e.action for e in entries] == [AuditAction.RESIDENT_CREATED]
    # secrets never reach the audit trail; the masked copy does
    assert "id_number_enc" not in entries[0].after
    assert entries[0].after["id_number_masked"].startswith("540402")


def test_audit_rows_refuse_update_and_delete(world):
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE core_auditentry SET object_repr = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


def _drop_append_only_triggers():
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER core_auditentry_no_update")
            cur.execute("DROP TRIGGER core_auditentry_no_delete")
        else:
            cur.execute("DROP TRIGGER core_auditentry_append_only ON core_auditentry")


def test_verify_names_the_first_tampered_entry(world, capsys):
    # DDL is transactional on SQLite and PostgreSQL: the dropped triggers come back with
    # the test's rollback.
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    victim = ids[len(ids) // 2]
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out

    _drop_append_only_triggers()  # an attacker with database rights
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET object_repr = 'forged' WHERE id = %s", [victim])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    out = capsys.readouterr()
    assert f"#{victim}" in out.err
    result = audit.verify_chain()
    assert not result.ok and result.broken_id == victim


def test_verify_notices_deleted_newest_entries(world):
    _drop_append_only_triggers()
    last = AuditEntry.objects.order_by("-id").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    result = audit.verify_chain()
    assert not result.ok
    assert "missing" in result.reason


def test_audit_needs_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        audit.record(AuditAction.UNIT_CREATED, actor=None, object_type="x", object_id="1")


def test_failed_action_leaves_no_entry(world):
    from gridgov.core.errors import Invalid
    from gridgov.people import actions
    from gridgov.testing.world import make_id_number

    before = AuditEntry.objects.count()
    resident_count = Resident.objects.count()
    import datetime

    good = actions.ResidentInput(
        world.regions["grid_a1"], "新人", make_id_number("540402", datetime.date(1990, 1, 1), 5)
    )
    bad = actions.ResidentInput(world.regions["grid_a1"], "坏人", "540402199001010000")
    with pytest.raises(Invalid):
        actions.create_residents([good, bad], actor=world.user("worker_a1"))
    assert AuditEntry.objects.count() == before
    assert Resident.objects.count() == resident_count
