"""Migration 0020 records each certificate's language: one issued before takes its holder's
language of the moment (so it is drawn as it was), and going down and up again works."""

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.renewal import NO_RENEWAL, accredited
from tests.test_decisions_once_migration import _migrate

TARGET, BEFORE = "0020_document_languages", "0019_second_factors"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own (a SQLite file, or a fresh PostgreSQL schema) at head."""
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
            _migrate("head")
            yield application
            db.session.remove()
            db.engine.dispose()
    finally:
        if shared:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def _languages() -> dict[str, str]:
    rows = db.session.execute(text("SELECT number, language FROM certificates"))
    return {row.number: row.language for row in rows}


def test_certificates_issued_before_take_their_holders_language(app):
    load_definitions(None, default_schemes_dir())
    dutch, english = (accredited(NO_RENEWAL).certificate for _ in range(2))
    numbers = {"nl": dutch.number, "en": english.number}
    dutch_holder = dutch.enrolment.trainee_id
    db.session.commit()
    _migrate(BEFORE, down=True)
    db.session.execute(text("UPDATE users SET locale = 'nl' WHERE id = :id"), {"id": dutch_holder})
    db.session.commit()
    _migrate(TARGET)
    assert _languages() == {numbers["nl"]: "nl", numbers["en"]: "en"}
    _migrate(BEFORE, down=True)
    _migrate(TARGET)
    assert _languages() == {numbers["nl"]: "nl", numbers["en"]: "en"}
