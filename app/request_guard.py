"""Addresses holding control characters are refused before any view reads them: a NUL reaching
a query is an error on PostgreSQL, and no link Attune writes contains one."""

from flask import Flask, abort, request

from app.services.plain_text import has_control_characters


def refuse_control_characters() -> None:
    """404 for a control character in the path (no such page), 400 in the query arguments."""
    if has_control_characters(request.path):
        abort(404)
    for name, values in request.args.lists():
        if any(has_control_characters(text) for text in (name, *values)):
            abort(400)


def init_app(app: Flask) -> None:
    """Check every request before its view."""
    app.before_request(refuse_control_characters)
