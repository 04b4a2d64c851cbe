"""The schema comes from the reviewed migrations and matches the models exactly."""

import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.models import Base


def test_migrated_database_has_no_drift_from_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection cannot read an index on an expression (the people's folded
        # names); it says so and leaves it out of the comparison. PostgreSQL's compares it.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_folded_name_index_is_in_the_database(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            found = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_users_display_name_folded'")
            ).scalar()
        else:
            found = connection.execute(
                text(
                    "SELECT indexdef FROM pg_indexes"
                    " WHERE indexname = 'ix_users_display_name_folded'"
                )
            ).scalar()
    engine.dispose()
    assert found is not None and "lower(" in found.lower() and "display_name" in found


def test_migrations_reach_head(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    head = ScriptDirectory(str(Path(__file__).parent.parent / "migrations")).get_current_head()
    assert head is not None and version == head


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"]
)
def test_audit_table_refuses_updates_and_deletes_in_the_database(ctx, statement):
    from app.extensions import db
    from app.services import audit

    audit.record(None, "test.event", "test", 1, after={"n": 1})
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))
