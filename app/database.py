"""Engine-level settings: SQLite enforces foreign keys and honours savepoints like PostgreSQL."""

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

_registered = False


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        # SQLAlchemy emits BEGIN itself so SAVEPOINTs behave (pysqlite's own handling breaks them).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _on_begin(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def register_engine_settings() -> None:
    """Install the listeners once per process."""
    global _registered
    if _registered:
        return
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
    _registered = True
