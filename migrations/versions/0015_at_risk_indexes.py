"""At-risk indexes: supervision sessions by status and date (held, logged), then enrolment, so
the pipeline's at-risk tests read a range of one index instead of scanning all sessions.

Revision ID: 0015_at_risk_indexes
Revises: 0014_moment_replies
"""

from alembic import op

revision = "0015_at_risk_indexes"
down_revision = "0014_moment_replies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supervision_sessions_status_held", ["status", "held_on", "enrolment_id"]
        )
        batch_op.create_index(
            "ix_supervision_sessions_status_created", ["status", "created_at", "enrolment_id"]
        )


def downgrade():
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_sessions_status_created")
        batch_op.drop_index("ix_supervision_sessions_status_held")
