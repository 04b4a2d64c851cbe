"""The people list's filters, order and columns, shared by the page and its CSV download."""

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from flask import request
from flask_babel.speaklater import LazyString
from sqlalchemy import Select

from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column
from app.lists.queries import (
    PEOPLE_DEFAULT_SORT,
    PEOPLE_SORTS,
    AccountState,
    SortOrder,
    people_ids,
    people_list_rows,
)
from app.lists.worklist import local_day
from app.models import Role
from app.web.labels import ROLE_NAMES

ACCOUNT_NAMES = {"deactivated": _l("deactivated"), "active": _l("active"), "invited": _l("invited")}


def _joined_role_names(roles: tuple[Role, ...]) -> str:
    return ", ".join(str(ROLE_NAMES[r.value]) for r in roles)


# Every set of roles a person can hold, named lazily: the CSV translates each set once per file.
ROLE_SETS = {
    roles: LazyString(_joined_role_names, roles)
    for n in range(len(Role) + 1)
    for roles in combinations(sorted(Role), n)
}


def _role_names(joined: str | None) -> LazyString:
    return ROLE_SETS[tuple(sorted(Role(value) for value in (joined or "").split(",") if value))]


def account_cell(row: Any) -> Any:
    """Whether the person of a row can sign in: deactivated, invited (no password yet) or
    active."""
    if not row.active:
        return ACCOUNT_NAMES["deactivated"]
    return ACCOUNT_NAMES["active" if row.has_password else "invited"]


# The list's columns over the rows of `PeopleFilters.rows` (what the page and the CSV read).
ROW_COLUMNS: tuple[Column[Any], ...] = (
    Column(_l("Name"), "name", lambda r: r.display_name),
    Column(_l("E-mail"), "email", lambda r: r.email),
    Column(_l("Roles"), None, lambda r: _role_names(r.roles)),
    Column(_l("Account"), None, account_cell),
    Column(_l("Since"), "created", lambda r: local_day(r.created_at)),
)


@dataclass(frozen=True)
class PeopleFilters:
    """What the coordinator asked the list for, read from the query string."""

    search: str
    role: Role | None
    account: AccountState | None
    order: SortOrder

    def rows(self) -> Select[Any]:
        """The matching people in order, as the listed columns only."""
        return people_list_rows(self.search, self.role, self.account, self.order)

    def ids(self) -> Select[Any]:
        """The matching people's ids, to count them."""
        return people_ids(self.search, self.role, self.account)


def filters_from_request() -> PeopleFilters:
    """The list's filters from the query string; unknown values are ignored."""
    role = request.args.get("role", "")
    account = request.args.get("account", "")
    return PeopleFilters(
        search=request.args.get("q", "")[:100],
        role=Role(role) if role in {r.value for r in Role} else None,
        account=AccountState(account) if account in {a.value for a in AccountState} else None,
        order=SortOrder.parse(request.args.get("sort"), list(PEOPLE_SORTS), PEOPLE_DEFAULT_SORT),
    )
