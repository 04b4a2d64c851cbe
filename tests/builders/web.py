"""Web helpers for view tests: signed-in clients (through the real login form) and a short
committed application context for their data and checks."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from tests.builders.people import DEFAULT_PASSWORD


@contextmanager
def committed(app: Flask) -> Iterator[None]:
    """A short application context whose work is committed (for view tests' data and checks)."""
    with app.app_context():
        yield
        db.session.commit()


def sign_in(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign a client in through the real login form."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def client_as(app: Flask, email: str) -> FlaskClient:
    """A new client, signed in as `email` through the real login form."""
    client = app.test_client()
    sign_in(client, email)
    return client
