"""Links for list pages that keep the current search, filters and sort order."""

from typing import Any

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from app.extensions import db


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
