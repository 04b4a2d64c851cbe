"""Audit chain: every audit entry carries its predecessor's hash and its own.

Existing entries are chained in id order. The append-only triggers are lifted for the backfill
and put back afterwards. The hash rule is copied here (not imported) so this revision keeps
meaning what it meant when it was written.

Revision ID: 0003_audit_chain
Revises: 0002_evidence
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_audit_chain"
down_revision = "0002_evidence"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
MESSAGE = "audit_events is append-only"


def _hash(prev, row):
    occurred_at = row.occurred_at
    if isinstance(occurred_at, str):  # SQLite returns raw text to a plain SQL query
        occurred_at = datetime.fromisoformat(occurred_at)
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    before = json.loads(row.before) if isinstance(row.before, str) else row.before
    after = json.loads(row.after) if isinstance(row.after, str) else row.after
    document = {
        "prev": prev,
        "at": occurred_at.astimezone(UTC).isoformat(),
        "actor": row.actor_id,
        "action": row.action,
        "subject": [row.subject_type, row.subject_id],
        "before": before,
        "after": after,
    }
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _drop_triggers(dialect):
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")


def _create_triggers(dialect):
    if dialect == "postgresql":
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
    _drop_triggers(dialect)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    rows = bind.execute(
        sa.text(
            "SELECT id, occurred_at, actor_id, action, subject_type, subject_id, before, after "
            "FROM audit_events ORDER BY id"
        )
    )
    previous = GENESIS
    for row in rows.fetchall():
        current = _hash(previous, row)
        bind.execute(
            sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": previous, "h": current, "i": row.id},
        )
        previous = current
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_hash"), ["hash"])
    _create_triggers(dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    _create_triggers(dialect)
