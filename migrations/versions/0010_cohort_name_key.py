"""Cohort names are unique by a normalised key (NFKC, case-folded in every script), not by
their exact spelling: "Ωμέγα" and "ωμέγα" are one name.

Revision ID: 0010_cohort_name_key
Revises: 0009_cohorts
Create Date: 2026-12-04 10:00:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_cohort_name_key'
down_revision = '0009_cohorts'
branch_labels = None
depends_on = None

KEY_LENGTH = 480
NAME_LENGTH = 120
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def comparison_key(text):
    """app.services.plain_text.comparison_key as it was at this revision."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # The service refuses a longer key; the old check allowed none long enough to matter.
    return " ".join(_BIDI_CONTROLS.sub("", folded).split())[:KEY_LENGTH]


def upgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=KEY_LENGTH), nullable=True))
    _backfill_keys()
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=KEY_LENGTH), nullable=False)
        batch_op.drop_constraint('uq_cohorts_name', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_cohorts_name_key'), ['name_key'])


def _backfill_keys():
    """Key every cohort. Names that were only told apart by letter case (the old check let
    them through) keep the oldest cohort's name; later ones get " (2)", " (3)" ... added."""
    bind = op.get_bind()
    taken = set()
    for row in bind.execute(sa.text("SELECT id, name FROM cohorts ORDER BY id")).all():
        name, key, n = row.name, comparison_key(row.name), 1
        while key in taken:
            n += 1
            suffix = f" ({n})"
            name = row.name[: NAME_LENGTH - len(suffix)] + suffix
            key = comparison_key(name)
        taken.add(key)
        bind.execute(
            sa.text("UPDATE cohorts SET name = :name, name_key = :key WHERE id = :id"),
            {"id": row.id, "name": name, "key": key},
        )


def downgrade():
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cohorts_name_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_cohorts_name'), ['name'])
        batch_op.drop_column('name_key')
