"""Progress marks: a change counter per enrolment, bumped with every change to the facts its
progress is computed from, so that pages can keep computed progress until it changes.

Revision ID: 0016_progress_marks
Revises: 0015_at_risk_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_progress_marks"
down_revision = "0015_at_risk_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "progress_marks",
        sa.Column("enrolment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mark", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("enrolment_id", name=op.f("pk_progress_marks")),
    )


def downgrade():
    op.drop_table("progress_marks")
