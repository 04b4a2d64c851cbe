"""Links for list pages that keep the current search, filters and sort order."""

from typing import Any
from urllib.parse import urlencode

from flask import g, request, url_for
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from app.extensions import db

# Characters Werkzeug leaves unescaped in a query string (as url_for would write it).
_QUERY_SAFE = "!$'()*,/:;?@"


def list_url(endpoint: str | None = None, **changes: object) -> str:
    """The current page's URL (or `endpoint`'s, for this page's view arguments) with its query
    arguments and `changes` applied; a change to None drops that argument.

    The query arguments are only ever the query string: never arguments of `url_for`, where a
    visitor's `?endpoint=` or `?_external=` would be taken for its own (a 500) or a view
    argument's name would point the link at another record."""
    args: dict[str, Any] = request.args.to_dict()
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    path = _path(endpoint or request.endpoint or "home.index")
    query = urlencode(list(args.items()), safe=_QUERY_SAFE)
    if not query:
        return path
    return f"{path}{'&' if '?' in path else '?'}{query}"


def page_url(number: int) -> str:
    """The current page's URL with its query string kept and `page` set to `number`."""
    return list_url(page=number)


def _path(endpoint: str) -> str:
    """`endpoint`'s URL for this request's view arguments, built once per request (a list page
    links to itself with other arguments dozens of times)."""
    paths: dict[str, str] = g.setdefault("list_paths", {})
    if endpoint not in paths:
        paths[endpoint] = url_for(endpoint, **(request.view_args or {}))
    return paths[endpoint]


class RowPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination of a select, keeping whole rows (an entity with computed
    columns) instead of the first entity only."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate(query: Select[Any], tuple_rows: bool = False, *, per_page: int) -> Pagination:
    """A page of `query` as asked by the `page` argument (past the end: an empty page)."""
    if tuple_rows:
        return RowPagination(select=query, session=db.session, per_page=per_page, error_out=False)
    return db.paginate(query, per_page=per_page, error_out=False)
