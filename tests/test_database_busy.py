"""The embedded SQLite database under several requests at once: readers never block the writer,
and a database still busy after the wait is answered "try again" with nothing saved."""

import sqlite3

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Role
from tests.builders.people import make_user
from tests.builders.web import client_as


def test_a_long_reader_does_not_block_a_writer(tmp_path):
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}",
            "SQLITE_BUSY_TIMEOUT_MS": 300,
        },
    )
    with app.app_context():
        with db.engine.begin() as setup:
            setup.execute(text("CREATE TABLE notes (body TEXT)"))
            setup.execute(text("INSERT INTO notes VALUES ('before')"))
        # A page being read (GET) while a form is saved (POST).
        with (
            db.engine.connect() as reader,
            db.engine.connect() as writer,
            app.test_request_context("/", method="GET"),
        ):
            # The reader's transaction stays open (a portfolio rendering, a CSV streaming).
            reader.begin()
            assert reader.execute(text("SELECT count(*) FROM notes")).scalar() == 1
            with app.test_request_context("/", method="POST"), writer.begin():
                writer.execute(text("INSERT INTO notes VALUES ('while reading')"))
            # The reader keeps its snapshot; a new transaction sees the write.
            assert reader.execute(text("SELECT count(*) FROM notes")).scalar() == 1
            reader.rollback()
            assert reader.execute(text("SELECT count(*) FROM notes")).scalar() == 2
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


@pytest.fixture
def file_app(tmp_path):
    """The app on a SQLite file of its own whose sessions really commit, waiting 200 ms for
    the writer's lock."""
    path = tmp_path / "busy.db"
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SQLITE_BUSY_TIMEOUT_MS": 200,
            "WTF_CSRF_ENABLED": False,
        },
    )
    with app.app_context():
        upgrade()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def test_a_busy_database_answers_try_again_and_saves_nothing(file_app):
    app, path = file_app
    with app.app_context():
        email = make_user(Role.TRAINEE, name="Before Busy").email
        db.session.commit()
    client = client_as(app, email)
    assert "Before Busy" in client.get("/account").get_data(as_text=True)

    # Another process holds the one writer's lock for longer than the wait.
    holder = sqlite3.connect(path, isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(
            "/account",
            data={
                "display_name": "After Busy",
                "timezone": "Europe/London",
                "notify_by": "immediate",
            },
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    body = response.get_data(as_text=True)
    assert "Busy, please try again" in body and "Nothing was saved" in body
    assert "Traceback" not in body
    assert "Before Busy" in client.get("/account").get_data(as_text=True)
