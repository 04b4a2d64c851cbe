"""Scheme translations: each scheme and framework row keeps the other languages of its wording
({language: {English text: text}}), updated in place when a definition file adds or corrects
them; the rules and English wording stay append-only (a change is a new revision). Rows loaded
before have none.

Revision ID: 0022_scheme_translations
Revises: 0021_notification_phrases
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_scheme_translations"
down_revision = "0021_notification_phrases"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("frameworks", "schemes"):
        op.add_column(
            table, sa.Column("translations", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), as 0020 and 0021 do.
    op.execute("ALTER TABLE schemes DROP COLUMN translations")
    op.execute("ALTER TABLE frameworks DROP COLUMN translations")
