"""Clips sealed at rest and kept in a local folder or an S3-compatible bucket: each film's clip
records the store holding it and its own data key, wrapped by a key-encryption key named by id.
Clips uploaded before stay readable as they are (no key: stored plain, in the folder) until
`flask clips migrate` seals them.

Revision ID: 0018_sealed_clips
Revises: 0017_name_order_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_sealed_clips"
down_revision = "0017_name_order_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("films") as batch:
        batch.add_column(sa.Column("clip_store", sa.String(10), nullable=True))
        batch.add_column(sa.Column("clip_key_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("clip_wrapped_key", sa.LargeBinary(80), nullable=True))
    op.execute("UPDATE films SET clip_store = 'local' WHERE clip_key IS NOT NULL")


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite has it since 3.35): a batch would copy the table
    # by reflecting it, and reflection cannot read the expression index of 0017 on users.
    for column in ("clip_wrapped_key", "clip_key_id", "clip_store"):
        op.drop_column("films", column)
