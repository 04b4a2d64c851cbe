"""Migration 0020 records each certificate's language: one issued before takes its holder's
language of the moment (so it is drawn as it was), and going down and up again works."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.migration_database import database_at, migrate
from tests.builders.renewal import NO_RENEWAL, accredited

TARGET, BEFORE = "0020_document_languages", "0019_second_factors"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at head."""
    with database_at("head", tmp_path) as application:
        yield application


def _languages() -> dict[str, str]:
    rows = db.session.execute(text("SELECT number, language FROM certificates"))
    return {row.number: row.language for row in rows}


def test_certificates_issued_before_take_their_holders_language(app):
    load_definitions(None, default_schemes_dir())
    dutch, english = (accredited(NO_RENEWAL).certificate for _ in range(2))
    numbers = {"nl": dutch.number, "en": english.number}
    dutch_holder = dutch.enrolment.trainee_id
    db.session.commit()
    migrate(BEFORE, down=True)
    db.session.execute(text("UPDATE users SET locale = 'nl' WHERE id = :id"), {"id": dutch_holder})
    db.session.commit()
    migrate(TARGET)
    assert _languages() == {numbers["nl"]: "nl", numbers["en"]: "en"}
    migrate(BEFORE, down=True)
    migrate(TARGET)
    assert _languages() == {numbers["nl"]: "nl", numbers["en"]: "en"}
