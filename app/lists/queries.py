"""Coordinators' lists (people, enrolments): filters and a whitelisted, stable sort order."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, case, func, select

from app.models import Enrolment, EnrolmentStatus, Role, Scheme, User, UserRole
from app.services.people.directory import matching_people
from app.services.people.enrolment_queries import (
    enrolment_rows,
    narrowed_enrolments,
    search_enrolments,
)


@dataclass(frozen=True)
class SortOrder:
    """A column key from a list's whitelist and a direction; "-name" means by name, descending."""

    key: str
    descending: bool = False

    @classmethod
    def parse(cls, text: str | None, allowed: Sequence[str], default: str) -> "SortOrder":
        """The order a query argument asks for, or the default when it is absent or unknown."""
        text = (text or "").strip()
        descending = text.startswith("-")
        key = text.removeprefix("-")
        if key not in allowed:
            return cls(default)
        return cls(key, descending)

    @property
    def arg(self) -> str:
        """The query-argument form of this order."""
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> "SortOrder":
        """The order a click on `key`'s column header asks for: reversed if already by `key`."""
        return SortOrder(key, not self.descending if key == self.key else False)


def _ordered(
    query: Select[Any],
    columns: Mapping[str, Sequence[SQLColumnExpression[Any]]],
    order: SortOrder,
    tiebreak: SQLColumnExpression[Any],
) -> Select[Any]:
    # The id last keeps equal values in a stable order, so pages neither repeat nor skip rows.
    chosen = [*columns[order.key], tiebreak]
    return query.order_by(None).order_by(*(c.desc() if order.descending else c for c in chosen))


class AccountState(StrEnum):
    """Whether a person's account is active (they can sign in) or deactivated."""

    ACTIVE = "active"
    INACTIVE = "inactive"


PEOPLE_SORTS: dict[str, tuple[SQLColumnExpression[Any], ...]] = {
    "name": (func.lower(User.display_name),),
    "email": (User.email,),
    "created": (User.created_at,),
}
PEOPLE_DEFAULT_SORT = "name"


def people_list_rows(
    search: str = "",
    role: Role | None = None,
    account: AccountState | None = None,
    order: SortOrder = SortOrder(PEOPLE_DEFAULT_SORT),
) -> Select[Any]:
    """People matching a search, a role and an account state, in the chosen order, as the listed
    columns only (the page and its CSV: one statement, the roles joined by commas in a
    correlated subquery, no person built)."""
    roles = (
        select(func.aggregate_strings(UserRole.role, ","))
        .where(UserRole.user_id == User.id)
        .scalar_subquery()
    )
    query = select(
        User.id,
        User.display_name,
        User.email,
        roles.label("roles"),
        User.active,
        User.password_hash.is_not(None).label("has_password"),
        User.created_at,
    )
    return _ordered(
        _narrow_people(matching_people(query, search, role), account), PEOPLE_SORTS, order, User.id
    )


def _narrow_people(query: Select[Any], account: AccountState | None) -> Select[Any]:
    if account is AccountState.ACTIVE:
        return query.where(User.active.is_(True))
    if account is AccountState.INACTIVE:
        return query.where(User.active.is_(False))
    return query


def people_ids(
    search: str = "", role: Role | None = None, account: AccountState | None = None
) -> Select[Any]:
    """The ids of the people `people_list_rows` lists: what a count of them needs."""
    return _narrow_people(matching_people(select(User.id), search, role), account)


_STATUS_RANK = case(
    {EnrolmentStatus.ACTIVE: 0, EnrolmentStatus.ACCREDITED: 1, EnrolmentStatus.WITHDRAWN: 2},
    value=Enrolment.status,
    else_=3,
)
ENROLMENT_SORTS: dict[str, tuple[SQLColumnExpression[Any], ...]] = {
    "trainee": (func.lower(User.display_name),),
    "scheme": (func.lower(Scheme.title), Scheme.version, Scheme.revision),
    "started": (Enrolment.started_on,),
    "status": (_STATUS_RANK,),
}
ENROLMENT_DEFAULT_SORT = "trainee"


def enrolment_list(
    base: Select[Enrolment],
    search: str = "",
    order: SortOrder = SortOrder(ENROLMENT_DEFAULT_SORT),
) -> Select[Enrolment]:
    """A (permission-scoped) enrolment query narrowed by a search, in the chosen order."""
    return _ordered(search_enrolments(base, search), ENROLMENT_SORTS, order, Enrolment.id)


def enrolment_list_rows(
    base: Select[Enrolment],
    search: str = "",
    order: SortOrder = SortOrder(ENROLMENT_DEFAULT_SORT),
) -> Select[Any]:
    """The same enrolments as `enrolment_list`, in the same order, as the listed columns only
    (for the CSV: no objects built, one statement however many rows)."""
    rows = enrolment_rows(narrowed_enrolments(base, search))
    return _ordered(rows, ENROLMENT_SORTS, order, Enrolment.id)
