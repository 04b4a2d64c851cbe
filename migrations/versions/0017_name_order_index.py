"""People by name, case folded: the index the people and enrolment lists' default order reads, so
a page of 25 need not sort every person (or every enrolment) first.

Revision ID: 0017_name_order_index
Revises: 0016_progress_marks
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_name_order_index"
down_revision = "0016_progress_marks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_users_display_name_folded", "users", [sa.text("lower(display_name)")])


def downgrade():
    op.drop_index("ix_users_display_name_folded", table_name="users")
