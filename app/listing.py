"""Links for list pages that keep the current search, filters and sort order."""

from typing import Any

from flask import request, url_for


def list_url(endpoint: str | None = None, **changes: object) -> str:
    """The current page's URL (or `endpoint`'s) with its query arguments and `changes` applied;
    a change to None drops that argument."""
    args: dict[str, Any] = dict(request.args.to_dict())
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    target = endpoint or request.endpoint or "home.index"
    return url_for(target, **(request.view_args or {}), **args)
