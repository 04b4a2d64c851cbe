"""Migration 0010 keys the cohorts that exist; names the old check let through as different
("Ωμέγα" and "ωμέγα") are told apart by a number, and going down and up again works."""

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from uuid import uuid4

import pytest
from alembic import command
from flask import Flask, current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

VERSIONS = Path(__file__).parent.parent / "migrations" / "versions"
TARGET = "0010_cohort_name_key"


def _revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cohort_0010", VERSIONS / f"{TARGET}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BEFORE = _revision().down_revision


def _migrate(to: str, down: bool = False) -> None:
    """Alembic itself, so that errors are raised (Flask-Migrate turns them into an exit)."""
    db.session.remove()
    settings = current_app.extensions["migrate"]
    config = settings.migrate.get_config(settings.directory)
    (command.downgrade if down else command.upgrade)(config, to)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own: a SQLite file, or a fresh schema of the PostgreSQL
    test database (the shared schema is already at head)."""
    shared = os.environ.get("TEST_DATABASE_URL")
    schema = f"migration_{uuid4().hex[:8]}"
    if shared:
        admin = create_engine(shared)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = make_url(shared).update_query_dict({"options": f"-csearch_path={schema}"})
        database_url = url.render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{tmp_path}/m.db"
    application = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url})
    try:
        with application.app_context():
            _migrate(BEFORE)
            yield application
            db.session.remove()
            db.engine.dispose()
    finally:
        if shared:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def _add(names: list[str]) -> None:
    for n, name in enumerate(names, start=1):
        db.session.execute(
            text(
                "INSERT INTO cohorts (id, name, kind, description, created_at) "
                "VALUES (:id, :name, 'course', '', :at)"
            ),
            {"id": n, "name": name, "at": f"2026-11-2{n} 09:00:00+00:00"},
        )
    db.session.commit()


def _rows() -> list[tuple[int, str, str]]:
    return [
        tuple(row)
        for row in db.session.execute(text("SELECT id, name, name_key FROM cohorts ORDER BY id"))
    ]


def test_existing_cohorts_get_their_key_and_case_twins_a_number(app):
    _add(["Ωμέγα", "Leeds", "ωμέγα", "ΩΜΈΓΑ", "Ωμέγα (2)x"])
    _migrate(TARGET)
    assert _rows() == [
        (1, "Ωμέγα", "ωμέγα"),
        (2, "Leeds", "leeds"),
        (3, "ωμέγα (2)", "ωμέγα (2)"),
        (4, "ΩΜΈΓΑ (3)", "ωμέγα (3)"),
        (5, "Ωμέγα (2)x", "ωμέγα (2)x"),
    ]


def test_the_key_is_unique_after_the_upgrade_and_names_are_before_it(app):
    _add(["Leeds"])
    _migrate(TARGET)
    with pytest.raises(Exception, match=r"(?i)unique"):
        db.session.execute(
            text(
                "INSERT INTO cohorts (id, name, name_key, kind, description, created_at) "
                "VALUES (2, 'LEEDS', 'leeds', 'course', '', '2026-11-30 09:00:00+00:00')"
            )
        )
    db.session.rollback()
    _migrate(BEFORE, down=True)
    assert [row.name for row in db.session.execute(text("SELECT name FROM cohorts"))] == ["Leeds"]
    _migrate(TARGET)
    assert _rows() == [(1, "Leeds", "leeds")]
