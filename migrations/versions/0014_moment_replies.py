"""Moment replies: a short thread on a moment between the trainee and their supervisor.

Revision ID: 0014_moment_replies
Revises: 0013_decisions_once
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_moment_replies"
down_revision = "0013_decisions_once"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "moment_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("moment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moment_id"], ["moments.id"], name=op.f("fk_moment_replies_moment_id_moments")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_moment_replies_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moment_replies")),
    )
    with op.batch_alter_table("moment_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moment_replies_moment_id"), ["moment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moment_replies_author_id"), ["author_id"], unique=False)


def downgrade():
    with op.batch_alter_table("moment_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moment_replies_author_id"))
        batch_op.drop_index(batch_op.f("ix_moment_replies_moment_id"))
    op.drop_table("moment_replies")
