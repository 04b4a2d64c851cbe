"""Count the SQL statements an application sends while a block runs (for N+1 tests)."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from app.extensions import db


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the statements sent on the app's engine while the block runs."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def collect(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", collect)
