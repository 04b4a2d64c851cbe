"""Document languages: each certificate records the language it was issued in (its holder's
then) and is always drawn in it; each portfolio document the language its requester chose.
Certificates issued before take their holder's language now; portfolios made before were English.

Revision ID: 0020_document_languages
Revises: 0019_second_factors
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_document_languages"
down_revision = "0019_second_factors"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("certificates", "portfolio_documents"):
        op.add_column(
            table, sa.Column("language", sa.String(length=16), nullable=False, server_default="en")
        )
    op.execute(
        "UPDATE certificates SET language = (SELECT users.locale FROM enrolments JOIN users"
        " ON users.id = enrolments.trainee_id WHERE enrolments.id = certificates.enrolment_id)"
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy would lose certificates' partial index.
    op.execute("ALTER TABLE portfolio_documents DROP COLUMN language")
    op.execute("ALTER TABLE certificates DROP COLUMN language")
