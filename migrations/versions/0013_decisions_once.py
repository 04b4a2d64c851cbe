"""Decisions land once: one current certificate per enrolment, kept by a unique partial index.

Two coordinators issuing the same enrolment's certificate at the same instant could both land,
leaving two current certificates that both verified as valid. The services now lock the rows
they decide on; this index makes the database itself refuse a second current certificate.

A database may already hold such twins. Of each enrolment's current certificates the newest
(latest issued, then highest id) stays current; each older one is marked superseded by it, as a
re-issue would have, and an audit entry (actor: none, "certificate.superseded_at_upgrade")
records it in the hash chain. Going down drops the index only.

Revision ID: 0013_decisions_once
Revises: 0012_revocation_scope
Create Date: 2026-12-05 08:00:00.000000

"""
import hashlib
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013_decisions_once"
down_revision = "0012_revocation_scope"
branch_labels = None
depends_on = None

INDEX = "ux_certificates_one_current"
CURRENT = "revoked_at IS NULL AND superseded_by_id IS NULL"
ACTION = "certificate.superseded_at_upgrade"
GENESIS = "0" * 64
# The key every writer of the audit chain takes on PostgreSQL (app/services/audit_chain.py).
CHAIN_LOCK = 7_310_001

AUDIT = sa.table(
    "audit_events",
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("payload_salt", sa.String),
    sa.column("payload_digest", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _json(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha(document):
    return hashlib.sha256(_json(document).encode()).hexdigest()


def _append(bind, subject_id, before, after):
    """One audit entry, sealed into the chain as app/services/audit.py seals them."""
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    previous = bind.scalar(sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"))
    previous = previous or GENESIS
    salt = secrets.token_hex(16)
    digest = _sha({"salt": salt, "before": before, "after": after})
    occurred_at = datetime.now(UTC)
    sealed = _sha(
        {
            "prev": previous,
            "at": occurred_at.isoformat(),
            "actor": None,
            "action": ACTION,
            "subject": ["certificate", subject_id],
            "payload": digest,
        }
    )
    bind.execute(
        AUDIT.insert().values(
            occurred_at=occurred_at,
            actor_id=None,
            action=ACTION,
            subject_type="certificate",
            subject_id=subject_id,
            before=before,
            after=after,
            payload_salt=salt,
            payload_digest=digest,
            prev_hash=previous,
            hash=sealed,
        )
    )


def _supersede_older_twins(bind):
    rows = bind.execute(
        sa.text(
            f"SELECT id, enrolment_id, number FROM certificates WHERE {CURRENT} "
            "ORDER BY enrolment_id, issued_at DESC, id DESC"
        )
    ).fetchall()
    newest = {}
    for row in rows:
        kept = newest.setdefault(row.enrolment_id, row)
        if kept is row:
            continue
        bind.execute(
            sa.text("UPDATE certificates SET superseded_by_id = :kept WHERE id = :id"),
            {"kept": kept.id, "id": row.id},
        )
        _append(
            bind,
            row.id,
            {"number": row.number, "status": "current"},
            {
                "status": "superseded",
                "superseded_by": kept.number,
                "reason": "Two certificates of one enrolment were current; the newest stays.",
            },
        )


def upgrade():
    _supersede_older_twins(op.get_bind())
    op.create_index(
        INDEX,
        "certificates",
        ["enrolment_id"],
        unique=True,
        sqlite_where=sa.text(CURRENT),
        postgresql_where=sa.text(CURRENT),
    )


def downgrade():
    op.drop_index(INDEX, table_name="certificates")
