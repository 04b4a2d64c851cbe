"""Attune's administrative commands for `flask --app wsgi`."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the commands."""
