"""Engine-level settings. SQLite, the embedded default, is made fit for a server that serves
several requests at once: write-ahead logging (readers never block the writer, nor it them),
foreign keys enforced, savepoints honoured like PostgreSQL's, and a bounded wait for the one
writer's lock; a database still busy after that wait is answered "try again" (app/web).
PostgreSQL is asked not to compile statements just in time (see `engine_options`)."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

_registered = False
# What SQLite says when the writer's lock was not free within the wait (SQLITE_BUSY, and
# SQLITE_BUSY_SNAPSHOT: a transaction that read an older state may not write over a newer one).
_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # SQLAlchemy emits BEGIN itself so SAVEPOINTs behave (pysqlite's own handling breaks them).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Kept in the file: every later connection, and `flask` commands, use the log too.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _on_begin(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def _reads_only() -> bool:
    """Whether this transaction belongs to a GET or HEAD request, which reads. Anything else (a
    form, a job, a command) takes the writer's lock when it begins, waiting for it if need be:
    SQLite refuses at once, without waiting, a write from a transaction that began reading
    before another's commit. (The few GETs that record an audit entry may be told to retry.)"""
    if has_app_context() and g.get("database_reads_only"):
        return True
    return has_request_context() and request.method in ("GET", "HEAD")


@contextmanager
def reading_only() -> Iterator[None]:
    """Transactions begun inside only read, so they never wait for, nor take, the writer's
    lock (while a PDF renders, or while the "busy" page is shown)."""
    before = g.get("database_reads_only", False)
    g.database_reads_only = True
    try:
        yield
    finally:
        g.database_reads_only = before


def register_engine_settings() -> None:
    """Install the listeners once per process."""
    global _registered
    if _registered:
        return
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
    _registered = True


def engine_options(uri: str, options: dict[str, Any], busy_timeout_ms: int) -> dict[str, Any]:
    """The engine options for `uri`: on SQLite, how long a writer waits for the lock; on
    PostgreSQL, no JIT compilation. PostgreSQL compiles a statement to machine code when its
    estimated cost is high, which pays for analytics but not for a page's or an export's
    statement: compiling took 31 ms of the 183 ms the CSV of 5,000 enrolments spent in it."""
    connect_args = dict(options.get("connect_args", {}))
    if uri.startswith("sqlite"):
        connect_args["timeout"] = busy_timeout_ms / 1000
    elif uri.startswith("postgresql"):
        # Added to the options the URL or the settings already give (a search_path, say):
        # the driver takes `connect_args` over the URL's.
        given = connect_args.get("options", make_url(uri).query.get("options", ""))
        connect_args["options"] = f"{given} -c jit=off".strip()
    else:
        return options
    return {**options, "connect_args": connect_args}


def is_busy(error: OperationalError) -> bool:
    """Whether a database error means "busy, try again" rather than a fault."""
    return any(message in str(error.orig).lower() for message in _BUSY_MESSAGES)
