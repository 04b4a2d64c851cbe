"""Erasure: audit entries can be redacted and the chain still verifies; erased people.

The audit chain moves to its second rule. Under the first (0003) an entry's hash covered its
before and after states; now each entry's states are digested with a random salt of its own and
the hash covers that digest, so an erasure can remove the states and the salt and the chain
still holds. Every existing entry is first verified under the first rule (the upgrade stops if
one fails: a broken chain must be looked into, not silently re-sealed), then salted, digested
and re-chained under the second rule.

The database keeps refusing DELETE, and UPDATE except one kind: a redaction, which removes the
states and the salt, stamps the time and names the later entry recording it, and changes
nothing else (and only once).

The hash rules are copied here (not imported) so this revision keeps meaning what it meant when
it was written.

Revision ID: 0008_erasure
Revises: 0007_retention
"""

import hashlib
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008_erasure"
down_revision = "0007_retention"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
MESSAGE = "audit_events is append-only"
REDACTION_MESSAGE = "audit_events is append-only (an entry can only be redacted, once)"
SEALED = (
    "id",
    "occurred_at",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "prev_hash",
    "hash",
    "payload_digest",
)


def _json(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _state(value):
    return json.loads(value) if isinstance(value, str) else value


def _time(row):
    occurred_at = row.occurred_at
    if isinstance(occurred_at, str):  # SQLite returns raw text to a plain SQL query
        occurred_at = datetime.fromisoformat(occurred_at)
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    return occurred_at.astimezone(UTC).isoformat()


def _hash_v1(prev, row):
    document = {
        "prev": prev,
        "at": _time(row),
        "actor": row.actor_id,
        "action": row.action,
        "subject": [row.subject_type, row.subject_id],
        "before": _state(row.before),
        "after": _state(row.after),
    }
    return hashlib.sha256(_json(document).encode()).hexdigest()


def _digest(salt, row):
    document = {"salt": salt, "before": _state(row.before), "after": _state(row.after)}
    return hashlib.sha256(_json(document).encode()).hexdigest()


def _hash_v2(prev, row, digest):
    document = {
        "prev": prev,
        "at": _time(row),
        "actor": row.actor_id,
        "action": row.action,
        "subject": [row.subject_type, row.subject_id],
        "payload": digest,
    }
    return hashlib.sha256(_json(document).encode()).hexdigest()


def _rows(bind):
    return bind.execute(
        sa.text(
            "SELECT id, occurred_at, actor_id, action, subject_type, subject_id, before, after, "
            "prev_hash, hash FROM audit_events ORDER BY id"
        )
    ).fetchall()


def _verify_v1(rows):
    previous = GENESIS
    for row in rows:
        if row.prev_hash != previous or _hash_v1(previous, row) != row.hash:
            raise RuntimeError(
                f"The audit chain is broken at entry #{row.id}: it is not re-sealed. Run "
                "'flask audit verify' on the previous release and look into it first."
            )
        previous = row.hash


def _rechain_v2(bind, rows):
    previous = GENESIS
    for row in rows:
        salt = secrets.token_hex(16)
        digest = _digest(salt, row)
        current = _hash_v2(previous, row, digest)
        bind.execute(
            sa.text(
                "UPDATE audit_events SET payload_salt = :s, payload_digest = :d, "
                "prev_hash = :p, hash = :h WHERE id = :i"
            ),
            {"s": salt, "d": digest, "p": previous, "h": current, "i": row.id},
        )
        previous = current


def _rechain_v1(bind, rows):
    previous = GENESIS
    for row in rows:
        current = _hash_v1(previous, row)
        bind.execute(
            sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": previous, "h": current, "i": row.id},
        )
        previous = current


def _drop_triggers(dialect):
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def _is_redaction(old, new, same):
    """The SQL condition under which an UPDATE is a permitted redaction."""
    unchanged = " AND ".join(same(f"{new}.{c}", f"{old}.{c}") for c in SEALED)
    return (
        f"{old}.redacted_at IS NULL AND {new}.redacted_at IS NOT NULL "
        f"AND {new}.redacted_by_id IS NOT NULL AND {new}.redacted_by_id > {old}.id "
        f"AND {new}.before IS NULL AND {new}.after IS NULL AND {new}.payload_salt IS NULL "
        f"AND {unchanged}"
    )


def _create_redaction_triggers(dialect):
    if dialect == "postgresql":
        allowed = _is_redaction("OLD", "NEW", lambda a, b: f"{a} IS NOT DISTINCT FROM {b}")
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND {allowed} THEN RETURN NEW; END IF; "
            f"RAISE EXCEPTION '{REDACTION_MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        # coalesce: a condition that comes out NULL counts as not allowed.
        allowed = _is_redaction("OLD", "NEW", lambda a, b: f"{a} IS {b}")
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"WHEN NOT coalesce(({allowed}), 0) "
            f"BEGIN SELECT RAISE(ABORT, '{REDACTION_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _create_v1_triggers(dialect):
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    rows = _rows(bind)
    _verify_v1(rows)  # before anything changes
    _drop_triggers(dialect)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("payload_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("redacted_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_events_redacted_by_id_audit_events"),
            "audit_events",
            ["redacted_by_id"],
            ["id"],
        )
    _rechain_v2(bind, rows)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column(
            "payload_digest", existing_type=sa.String(length=64), nullable=False
        )
    _create_redaction_triggers(dialect)


def downgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    redacted = bind.execute(
        sa.text("SELECT count(*) FROM audit_events WHERE redacted_at IS NOT NULL")
    ).scalar()
    if redacted:
        raise RuntimeError(
            f"{redacted} audit entries are redacted: the first hash rule covered the states "
            "they no longer hold, so the chain cannot go back to it."
        )
    _drop_triggers(dialect)
    _rechain_v1(bind, _rows(bind))
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_events_redacted_by_id_audit_events"), type_="foreignkey"
        )
        batch_op.drop_column("redacted_by_id")
        batch_op.drop_column("redacted_at")
        batch_op.drop_column("payload_digest")
        batch_op.drop_column("payload_salt")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    _create_v1_triggers(dialect)
