"""The database's own guards on the ledger: balanced entries (≥ 2 legs summing to zero),
insert-only entries and legs, sealed-only-once. PostgreSQL checks balance with deferred
constraint triggers at commit; SQLite, which has no deferred triggers, checks it when the
entry is sealed (entries are written unsealed, their legs added, then sealed)."""

from django.db import migrations

SAME = " AND ".join(
    f"NEW.{c} IS OLD.{c}"
    for c in ["kind", "memo", "case_id", "reverses_id", "created_at", "actor_label",
              "prev_hash", "hash"]
)

SQLITE = [
    """CREATE TRIGGER enforcement_leg_only_unsealed BEFORE INSERT ON enforcement_leg
       WHEN (SELECT sealed FROM enforcement_journalentry WHERE id = NEW.entry_id) = 1
       BEGIN SELECT RAISE(ABORT, 'ledger: legs go only into an unsealed entry'); END""",
    """CREATE TRIGGER enforcement_leg_no_update BEFORE UPDATE ON enforcement_leg
       BEGIN SELECT RAISE(ABORT, 'ledger: legs are insert-only'); END""",
    """CREATE TRIGGER enforcement_leg_no_delete BEFORE DELETE ON enforcement_leg
       BEGIN SELECT RAISE(ABORT, 'ledger: legs are insert-only'); END""",
    """CREATE TRIGGER enforcement_entry_born_unsealed BEFORE INSERT ON enforcement_journalentry
       WHEN NEW.sealed = 1
       BEGIN SELECT RAISE(ABORT, 'ledger: an entry is sealed after its legs'); END""",
    f"""CREATE TRIGGER enforcement_entry_only_seal BEFORE UPDATE ON enforcement_journalentry
       WHEN NOT (OLD.sealed = 0 AND NEW.sealed = 1 AND {SAME})
       BEGIN SELECT RAISE(ABORT, 'ledger: entries are insert-only'); END""",
    """CREATE TRIGGER enforcement_entry_seal_balanced BEFORE UPDATE ON enforcement_journalentry
       WHEN OLD.sealed = 0 AND NEW.sealed = 1 AND (
         (SELECT count(*) FROM enforcement_leg WHERE entry_id = NEW.id) < 2
         OR (SELECT coalesce(sum(amount_fen), 1) FROM enforcement_leg
             WHERE entry_id = NEW.id) != 0)
       BEGIN SELECT RAISE(ABORT, 'ledger: unbalanced entry'); END""",
    """CREATE TRIGGER enforcement_entry_no_delete BEFORE DELETE ON enforcement_journalentry
       BEGIN SELECT RAISE(ABORT, 'ledger: entries are insert-only'); END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ["enforcement_leg_only_unsealed", "enforcement_leg_no_update",
                 "enforcement_leg_no_delete", "enforcement_entry_born_unsealed",
                 "enforcement_entry_only_seal", "enforcement_entry_seal_balanced",
                 "enforcement_entry_no_delete"]
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION enforcement_check_balanced() RETURNS trigger AS $$
       DECLARE eid bigint; n integer; total bigint;
       BEGIN
         IF TG_TABLE_NAME = 'enforcement_leg' THEN eid := NEW.entry_id; ELSE eid := NEW.id; END IF;
         SELECT count(*), coalesce(sum(amount_fen), 1) INTO n, total
           FROM enforcement_leg WHERE entry_id = eid;
         IF n < 2 OR total <> 0 THEN
           RAISE EXCEPTION 'ledger: unbalanced entry %', eid;
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    """CREATE CONSTRAINT TRIGGER enforcement_leg_balanced AFTER INSERT ON enforcement_leg
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION enforcement_check_balanced()""",
    """CREATE CONSTRAINT TRIGGER enforcement_entry_balanced
       AFTER INSERT ON enforcement_journalentry
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION enforcement_check_balanced()""",
    """CREATE OR REPLACE FUNCTION enforcement_insert_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'ledger: % is insert-only', TG_TABLE_NAME; END; $$
       LANGUAGE plpgsql""",
    """CREATE TRIGGER enforcement_leg_insert_only BEFORE UPDATE OR DELETE ON enforcement_leg
       FOR EACH ROW EXECUTE FUNCTION enforcement_insert_only()""",
    """CREATE TRIGGER enforcement_entry_no_delete BEFORE DELETE ON enforcement_journalentry
       FOR EACH ROW EXECUTE FUNCTION enforcement_insert_only()""",
    f"""CREATE OR REPLACE FUNCTION enforcement_entry_only_seal() RETURNS trigger AS $$
       BEGIN
         IF NOT (OLD.sealed = false AND NEW.sealed = true AND
                 {SAME.replace(" IS ", " IS NOT DISTINCT FROM ")}) THEN
           RAISE EXCEPTION 'ledger: entries are insert-only';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER enforcement_entry_only_seal BEFORE UPDATE ON enforcement_journalentry
       FOR EACH ROW EXECUTE FUNCTION enforcement_entry_only_seal()""",
    """CREATE OR REPLACE FUNCTION enforcement_entry_born_unsealed() RETURNS trigger AS $$
       BEGIN
         IF NEW.sealed THEN RAISE EXCEPTION 'ledger: an entry is sealed after its legs'; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER enforcement_entry_born_unsealed BEFORE INSERT ON enforcement_journalentry
       FOR EACH ROW EXECUTE FUNCTION enforcement_entry_born_unsealed()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS enforcement_leg_balanced ON enforcement_leg",
    "DROP TRIGGER IF EXISTS enforcement_entry_balanced ON enforcement_journalentry",
    "DROP TRIGGER IF EXISTS enforcement_leg_insert_only ON enforcement_leg",
    "DROP TRIGGER IF EXISTS enforcement_entry_no_delete ON enforcement_journalentry",
    "DROP TRIGGER IF EXISTS enforcement_entry_only_seal ON enforcement_journalentry",
    "DROP TRIGGER IF EXISTS enforcement_entry_born_unsealed ON enforcement_journalentry",
    "DROP FUNCTION IF EXISTS enforcement_check_balanced()",
    "DROP FUNCTION IF EXISTS enforcement_insert_only()",
    "DROP FUNCTION IF EXISTS enforcement_entry_only_seal()",
    "DROP FUNCTION IF EXISTS enforcement_entry_born_unsealed()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
