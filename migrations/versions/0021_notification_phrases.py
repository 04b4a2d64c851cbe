"""Notification phrases: a notification keeps its wording and values apart (JSON), so each
reader sees it in their own language when they read it. Notifications made before keep only
their English text, shown as it is.

Revision ID: 0021_notification_phrases
Revises: 0020_document_languages
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_notification_phrases"
down_revision = "0020_document_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notifications", sa.Column("phrase", sa.JSON(), nullable=True))


def downgrade():
    op.execute("ALTER TABLE notifications DROP COLUMN phrase")
