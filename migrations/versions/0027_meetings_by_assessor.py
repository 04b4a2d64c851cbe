"""Meetings by assessor and status: the supervisors' list counts, for every supervisor, the
meetings they are named to assess and may be sorted by that count; with the assessor alone
indexed, each count read every meeting the supervisor ever assessed from the table (at 50,000
enrolments sorting by it took ~84 ms). Counted from this index alone, which also serves what the
assessor-only index did.

Revision ID: 0027_meetings_by_assessor
Revises: 0026_sessions_to_confirm
"""

from alembic import op

revision = "0027_meetings_by_assessor"
down_revision = "0026_sessions_to_confirm"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_stage_meetings_assessor_status", "stage_meetings", ["assessor_id", "status"]
    )
    op.drop_index("ix_stage_meetings_assessor_id", table_name="stage_meetings")


def downgrade():
    op.create_index("ix_stage_meetings_assessor_id", "stage_meetings", ["assessor_id"])
    op.drop_index("ix_stage_meetings_assessor_status", table_name="stage_meetings")
