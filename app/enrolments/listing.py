"""The enrolment list's search, order and columns, shared by the page and its CSV download."""

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
    enrolment_list,
    enrolment_list_rows,
)
from app.models import Enrolment, User
from app.models.scheme import scheme_label
from app.web.labels import STATUS_NAMES


def stage_number(enrolment: Enrolment) -> str:
    """The number of the open stage, or a dash when none is open."""
    current = enrolment.current_stage
    return str(current.stage.number) if current else "—"


def supervisor_name(enrolment: Enrolment) -> str:
    """The current own supervisor's name, or a dash."""
    current = enrolment.current_assignment
    return current.supervisor.display_name if current else "—"


COLUMNS: tuple[Column[Enrolment], ...] = (
    Column(_l("Trainee"), "trainee", lambda e: e.trainee.display_name),
    Column(_l("Scheme"), "scheme", lambda e: e.scheme.label),
    Column(_l("Stage"), None, stage_number),
    Column(_l("Own supervisor"), None, supervisor_name),
    Column(_l("Started"), "started", lambda e: e.started_on),
    Column(_l("Status"), "status", lambda e: STATUS_NAMES[e.status.value]),
)


def _stage_cell(row: Any) -> str:
    return "—" if row.stage_number is None else str(row.stage_number)


# The same columns over the rows of `EnrolmentFilters.rows` (what the CSV reads).
ROW_COLUMNS: tuple[Column[Any], ...] = (
    Column(_l("Trainee"), "trainee", lambda r: r.trainee),
    Column(
        _l("Scheme"),
        "scheme",
        lambda r: scheme_label(r.scheme_title, r.scheme_version, r.scheme_revision),
    ),
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

    def query(self, viewer: User) -> Select[Enrolment]:
        """The enrolments the viewer may see that match, in order (every page)."""
        return enrolment_list(visible_enrolments(viewer), self.search, self.order)

    def rows(self, viewer: User) -> Select[Any]:
        """The same enrolments in the same order, as the listed columns only."""
        return enrolment_list_rows(visible_enrolments(viewer), self.search, self.order)


def filters_from_request() -> EnrolmentFilters:
    """The list's search and order from the query string; unknown values are ignored."""
    return EnrolmentFilters(
        search=request.args.get("q", "")[:100],
        order=SortOrder.parse(
            request.args.get("sort"), list(ENROLMENT_SORTS), ENROLMENT_DEFAULT_SORT
        ),
    )
