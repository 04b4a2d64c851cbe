"""A database of its own for a migration test, taken to any revision by Alembic itself: a
SQLite file, or a fresh schema of the PostgreSQL test database (the shared one is at head)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from alembic import command
from flask import Flask, current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


def migrate(to: str, down: bool = False) -> None:
    """Alembic itself, so that errors are raised (Flask-Migrate turns them into an exit)."""
    db.session.remove()
    settings = current_app.extensions["migrate"]
    config = settings.migrate.get_config(settings.directory)
    (command.downgrade if down else command.upgrade)(config, to)


@contextmanager
def database_at(revision: str, folder: Path) -> Iterator[Flask]:
    """An app, inside its context, on a database of its own at `revision`; dropped after."""
    shared = os.environ.get("TEST_DATABASE_URL")
    schema = f"migration_{uuid4().hex[:8]}"
    if shared:
        admin = create_engine(shared)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(shared).update_query_dict({"options": f"-csearch_path={schema}"})
        database_url = url.render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{folder}/m.db"
    application = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url})
    try:
        with application.app_context():
            migrate(revision)
            yield application
            db.session.remove()
            db.engine.dispose()
    finally:
        if shared:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
