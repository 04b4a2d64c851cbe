"""Sessions to confirm: each person keeps how many supervision sessions naming them as supervisor
wait for their confirmation and when the oldest of those was logged, kept in step as sessions
change (app/services/progress/supervision_dates.py), so that the supervisors' list, sorted by
what waits on each, reads one row per supervisor instead of counting every waiting session of
the association (at 50,000 enrolments ~26,000 of them, ~15 ms a page) and its first page is the
start of an index. Filled from the sessions here.

Revision ID: 0026_sessions_to_confirm
Revises: 0025_meetings_by_status_and_time
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_sessions_to_confirm"
down_revision = "0025_meetings_by_status_and_time"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users",
        sa.Column("sessions_to_confirm", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "users", sa.Column("oldest_to_confirm_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE users SET "
        "sessions_to_confirm = (SELECT count(*) FROM supervision_sessions s "
        "WHERE s.supervisor_id = users.id AND s.status = 'logged'), "
        "oldest_to_confirm_at = (SELECT min(s.created_at) FROM supervision_sessions s "
        "WHERE s.supervisor_id = users.id AND s.status = 'logged') "
        "WHERE EXISTS (SELECT 1 FROM supervision_sessions s "
        "WHERE s.supervisor_id = users.id AND s.status = 'logged')"
    )
    op.create_index("ix_users_sessions_to_confirm", "users", ["sessions_to_confirm", "id"])


def downgrade():
    # Plain DROP COLUMN (SQLite has it since 3.35), as in 0024: a batch would copy the table by
    # reflecting it, and reflection cannot read the expression index on the folded names.
    op.drop_index("ix_users_sessions_to_confirm", table_name="users")
    for column in ("oldest_to_confirm_at", "sessions_to_confirm"):
        op.drop_column("users", column)
