"""Links for list pages that keep the current search, filters and sort order."""

from typing import Any
from urllib.parse import urlencode

from flask import g, request, url_for
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func, select

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


class ListPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination of a select, keeping whole rows (an entity with computed
    columns) when asked instead of the first entity only, and counting the rows of another
    statement with the same rows when given one (`counted`)."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        found = self._query_args["session"].execute(select)
        return list(found.all() if self._query_args["whole_rows"] else found.unique().scalars())

    def _query_count(self) -> int:
        counted = self._query_args["counted"]
        if counted is None:
            return super()._query_count()
        query = select(func.count()).select_from(counted.order_by(None).subquery())
        return self._query_args["session"].scalar(query) or 0


def paginate(
    query: Select[Any],
    tuple_rows: bool = False,
    *,
    per_page: int,
    counted: Select[Any] | None = None,
) -> Pagination:
    """A page of `query` as asked by the `page` argument (past the end: an empty page);
    `counted`, a statement with the same rows as `query`, cheaper to count."""
    return ListPagination(
        select=query,
        session=db.session,
        per_page=per_page,
        error_out=False,
        whole_rows=tuple_rows,
        counted=counted,
    )
