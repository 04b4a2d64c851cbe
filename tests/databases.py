"""A database of its own for each pytest-xdist worker and each served app: a SQLite file, or a
PostgreSQL database created next to the one the run was given."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def worker_id() -> str:
    """'gw0', 'gw1'... under pytest-xdist; 'main' without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_database(base_url: str | None, name: str, folder: Path) -> str:
    """An empty database called `name`: a file in `folder` for SQLite (no base URL), else a
    PostgreSQL database on the base URL's server, dropped and created anew."""
    if not base_url:
        path = folder / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(base_url)
    database = f"{url.database}_{name}".lower()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)
