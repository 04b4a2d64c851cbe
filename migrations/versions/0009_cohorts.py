"""Cohorts of trainees, and each enrolment's expected dates kept for the coordinators' lists.

Revision ID: 0009_cohorts
Revises: 0008_erasure
Create Date: 2026-11-25 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_cohorts'
down_revision = '0008_erasure'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cohorts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column(
            'kind',
            sa.Enum('course', 'region', 'employer', 'other', name='cohortkind',
                    native_enum=False, create_constraint=False, length=20),
            nullable=False,
        ),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cohorts_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
        sa.UniqueConstraint('name', name=op.f('uq_cohorts_name')),
    )
    op.create_table(
        'cohort_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_cohort_members_added_by_id_users')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_members_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_members_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_members')),
        sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_members_cohort_id_user_id')),
    )
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_members_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohort_members_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_finish', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('stage_expected_end', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrolments_expected_finish'), ['expected_finish'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_stage_expected_end'), ['stage_expected_end'], unique=False)
    _backfill_expected_dates()
    # Sessions are looked up per enrolment by status and date on the coordinators' lists.
    with op.batch_alter_table('supervision_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_supervision_sessions_enrolment_status_held', ['enrolment_id', 'status', 'held_on'], unique=False)


def _backfill_expected_dates():
    """Store the expected dates of the enrolments that already exist (the service keeps them
    in step from now on)."""
    from app.services.progress.expected_dates import expected_finish, stage_expected_end
    from app.services.progress.facts import PauseFact

    bind = op.get_bind()
    pauses = {}
    for row in bind.execute(sa.text("SELECT enrolment_id, starts_on, ends_on FROM pauses")):
        pauses.setdefault(row.enrolment_id, []).append(PauseFact(_day(row.starts_on), _day(row.ends_on)))
    open_stages = {}
    for row in bind.execute(sa.text(
        "SELECT es.enrolment_id, es.opened_on, s.typical_months FROM enrolment_stages es "
        "JOIN stages s ON s.id = es.stage_id WHERE es.closed_on IS NULL ORDER BY es.opened_on, es.id"
    )):
        open_stages[row.enrolment_id] = (_day(row.opened_on), row.typical_months)
    for row in bind.execute(sa.text(
        "SELECT e.id, e.started_on, s.expected_months FROM enrolments e JOIN schemes s ON s.id = e.scheme_id"
    )).all():
        spans = pauses.get(row.id, [])
        opened_on, typical = open_stages.get(row.id, (None, None))
        bind.execute(
            sa.text("UPDATE enrolments SET expected_finish = :finish, stage_expected_end = :end WHERE id = :id"),
            {
                "id": row.id,
                "finish": expected_finish(_day(row.started_on), row.expected_months, spans),
                "end": stage_expected_end(opened_on, typical, spans),
            },
        )


def _day(value):
    # SQLite hands dates back as text in raw SQL.
    import datetime

    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def downgrade():
    with op.batch_alter_table('supervision_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_sessions_enrolment_status_held')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_stage_expected_end'))
        batch_op.drop_index(batch_op.f('ix_enrolments_expected_finish'))
        batch_op.drop_column('stage_expected_end')
        batch_op.drop_column('expected_finish')
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_cohort_members_cohort_id'))
    op.drop_table('cohort_members')
    op.drop_table('cohorts')
