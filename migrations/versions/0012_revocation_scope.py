"""Revocation scope: a revoked certificate says whether only the document or the accreditation
itself was withdrawn; notifications resolve themselves when their task is done.

Revision ID: 0012_revocation_scope
Revises: 0011_login_sessions
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_revocation_scope'
down_revision = '0011_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'revocation_scope',
                sa.Enum('document', 'accreditation', name='revocationscope',
                        native_enum=False, create_constraint=False, length=20),
                nullable=True,
            )
        )
    # Until now a revocation left the enrolment accredited and a new certificate due: that is
    # what revoking only the document means.
    op.execute(
        "UPDATE certificates SET revocation_scope = 'document' WHERE revoked_at IS NOT NULL"
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_link', ['link'], unique=False)
    # Sessions already decided no longer wait for their supervisor, nor returned sessions the
    # trainee has since changed (or had confirmed) for the trainee.
    for kind, waiting_status in (
        ('session_to_confirm', 'logged'),
        ('session_returned', 'returned'),
    ):
        op.execute(
            sa.text(
                "UPDATE notifications SET resolved_at = CURRENT_TIMESTAMP "
                "WHERE kind = :kind AND resolved_at IS NULL AND EXISTS ("
                "SELECT 1 FROM supervision_sessions s "
                "WHERE notifications.link = 'supervision.show?session_id=' || CAST(s.id AS VARCHAR(20)) "
                "AND s.status != :status)"
            ).bindparams(kind=kind, status=waiting_status)
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_link')
        batch_op.drop_column('resolved_at')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('revocation_scope')
