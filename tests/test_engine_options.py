"""Engine settings per database: SQLite waits a bounded time for the writer's lock; PostgreSQL
compiles no statement just in time (the compilation cost more than the CSV of 5,000 enrolments
spent running its statement: bench/scale.py)."""

import pytest
from sqlalchemy import text

from app.database import engine_options
from app.extensions import db


def test_sqlite_waits_for_the_writer_and_postgresql_does_not_compile():
    base = {"pool_pre_ping": True}
    assert engine_options("sqlite:///x.db", base, 2500) == {
        "pool_pre_ping": True,
        "connect_args": {"timeout": 2.5},
    }
    assert engine_options("postgresql+psycopg://h/db", base, 2500) == {
        "pool_pre_ping": True,
        "connect_args": {"options": "-c jit=off"},
    }
    # Options of one's own are kept beside it.
    mine = {"connect_args": {"options": "-c statement_timeout=5000"}}
    assert engine_options("postgresql+psycopg://h/db", mine, 0)["connect_args"] == {
        "options": "-c statement_timeout=5000 -c jit=off"
    }
    # And the URL's own (a test's schema), which the driver's connect_args would replace.
    url = "postgresql+psycopg://h/db?options=-csearch_path%3Dmine"
    assert engine_options(url, base, 0)["connect_args"] == {
        "options": "-csearch_path=mine -c jit=off"
    }
    assert engine_options("mysql://h/db", base, 2500) == base


def test_the_application_s_postgresql_connections_have_jit_off(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("JIT is PostgreSQL's")
        assert db.session.execute(text("SHOW jit")).scalar() == "off"
