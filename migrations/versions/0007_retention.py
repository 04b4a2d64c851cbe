"""Retention: the trainee confirms the footage kept outside Attune is deleted.

Revision ID: 0007_retention
Revises: 0006_portfolios
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_retention'
down_revision = '0006_portfolios'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('footage_deleted_confirmed_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.drop_column('footage_deleted_confirmed_at')
