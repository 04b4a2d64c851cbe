"""Certificate language: each certificate records the language it was issued in (its holder's
then), and is always drawn in it. Certificates issued before take their holder's language now.

Revision ID: 0020_certificate_language
Revises: 0019_second_factors
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_certificate_language"
down_revision = "0019_second_factors"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "certificates",
        sa.Column("language", sa.String(length=16), nullable=False, server_default="en"),
    )
    op.execute(
        "UPDATE certificates SET language = (SELECT users.locale FROM enrolments JOIN users"
        " ON users.id = enrolments.trainee_id WHERE enrolments.id = certificates.enrolment_id)"
    )


def downgrade():
    op.execute("ALTER TABLE certificates DROP COLUMN language")
