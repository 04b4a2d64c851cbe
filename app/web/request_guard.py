"""Addresses no link of Attune's could hold are refused before any view reads them: a NUL
reaching a query is an error on PostgreSQL, and so is a number beyond its integer."""

from flask import Flask, abort, request

from app.services.plain_text import has_control_characters

# PostgreSQL's integer: no id is larger, and a larger page number overflows the OFFSET.
LARGEST_NUMBER = 2**31 - 1


def refuse_unreadable_addresses() -> None:
    """404 for a control character or an impossible id in the path (no such page), or an
    impossible page number; 400 for a control character in the query arguments."""
    if has_control_characters(request.path):
        abort(404)
    for name, values in request.args.lists():
        if any(has_control_characters(text) for text in (name, *values)):
            abort(400)
    numbers = [v for v in (request.view_args or {}).values() if isinstance(v, int)]
    page = request.args.get("page", type=int)
    if any(n > LARGEST_NUMBER for n in numbers) or (page or 0) > LARGEST_NUMBER:
        abort(404)


def init_app(app: Flask) -> None:
    """Check every request before its view."""
    app.before_request(refuse_unreadable_addresses)
