"""The enrolment list's search, order and columns, shared by the page and its CSV download:
both read rows of the listed columns only."""

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select

from app.authz.scopes import visible_enrolments
from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column
from app.lists.queries import (
    ENROLMENT_DEFAULT_SORT,
    ENROLMENT_SORTS,
    SortOrder,
    enrolment_list_rows,
)
from app.lists.rows import scheme_cell
from app.models import User
from app.web.labels import STATUS_NAMES


def _stage_cell(row: Any) -> str:
    return "—" if row.stage_number is None else str(row.stage_number)


# The columns over the rows of `EnrolmentFilters.rows` (what the page and the CSV read).
ROW_COLUMNS: tuple[Column[Any], ...] = (
    Column(_l("Trainee"), "trainee", lambda r: r.trainee),
    Column(_l("Scheme"), "scheme", scheme_cell),
    Column(_l("Stage"), None, _stage_cell),
    Column(_l("Own supervisor"), None, lambda r: r.supervisor or "—"),
    Column(_l("Started"), "started", lambda r: r.started_on),
    Column(_l("Status"), "status", lambda r: STATUS_NAMES[r.status.value]),
)


@dataclass(frozen=True)
class EnrolmentFilters:
    """What the list was asked for, read from the query string."""

    search: str
    order: SortOrder

    def rows(self, viewer: User) -> Select[Any]:
        """The same enrolments in the same order, as the listed columns only."""
        return enrolment_list_rows(visible_enrolments(viewer), self.search, self.order)

    def counted(self, viewer: User) -> Select[Any] | None:
        """The same enrolments without their trainees and schemes, which the rows join only to
        search and show (every enrolment has both), to count while nobody searches: at 50,000
        enrolments joining them cost the count ~25 ms. None when searching: count the rows."""
        return None if self.search.strip() else visible_enrolments(viewer)


def filters_from_request() -> EnrolmentFilters:
    """The list's search and order from the query string; unknown values are ignored."""
    return EnrolmentFilters(
        search=request.args.get("q", "")[:100],
        order=SortOrder.parse(
            request.args.get("sort"), list(ENROLMENT_SORTS), ENROLMENT_DEFAULT_SORT
        ),
    )
