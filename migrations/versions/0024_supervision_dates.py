"""Supervision dates: each enrolment keeps the day of its latest confirmed session and when its
oldest session still waiting for confirmation was logged, kept in step as sessions change
(app/services/progress/supervision_dates.py), so that the at-risk tests read one row per
enrolment instead of every recent session (at 50,000 enrolments the at-risk list's count hashed
~105,000 sessions: ~60 ms). Filled from the sessions here.

Revision ID: 0024_supervision_dates
Revises: 0023_waiting_by_supervisor
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_supervision_dates"
down_revision = "0023_waiting_by_supervisor"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("enrolments", sa.Column("last_supervised_on", sa.Date(), nullable=True))
    op.add_column(
        "enrolments", sa.Column("oldest_waiting_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE enrolments SET "
        "last_supervised_on = (SELECT max(s.held_on) FROM supervision_sessions s "
        "WHERE s.enrolment_id = enrolments.id AND s.status = 'confirmed'), "
        "oldest_waiting_at = (SELECT min(s.created_at) FROM supervision_sessions s "
        "WHERE s.enrolment_id = enrolments.id AND s.status = 'logged')"
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite has it since 3.35), as in 0018: a batch would
    # copy the table by reflecting it, and reflection cannot read the expression index of 0017.
    for column in ("oldest_waiting_at", "last_supervised_on"):
        op.drop_column("enrolments", column)
