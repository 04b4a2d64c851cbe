"""A list of the coordinators' workspace as one definition: its columns, search, drop-down
filters and sort orders. The page, its pagination and its CSV download all read the same
definition, so the CSV file is exactly what the page shows."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response, current_app, request, url_for
from sqlalchemy import Select, SQLColumnExpression, func

from app.authz.web import current_actor
from app.extensions import db
from app.i18n import cell_text, local_day_of, local_today
from app.i18n import lazy_gettext as _l
from app.lists.csv_export import Column, csv_download
from app.lists.queries import SortOrder
from app.lists.urls import paginate
from app.models import Enrolment, User
from app.models.scheme_text import LocalText
from app.services import audit
from app.services.coordination.risk import Thresholds
from app.web.request_guard import LARGEST_NUMBER

# Query arguments a list's drop-downs may use.
CHOICE_NAMES = ("scheme", "cohort", "reason", "stage", "status", "kind")
# Query arguments of names typed where a drop-down would be too long, and their longest text.
TYPED_NAMES = ("cohort_name",)
TYPED_LENGTH = 120


def local_day(moment: datetime | date | None) -> date | None:
    """A date, or a stored (UTC) time's date in the viewer's time zone: the page shows it as
    people read dates (the `cell` filter), the CSV as YYYY-MM-DD (`csv_export.cell`)."""
    if isinstance(moment, datetime):
        return local_day_of(moment)
    return moment


def days_since(moment: datetime | None, today: date) -> str:
    return "" if moment is None else str((today - local_day_of(moment)).days)


@dataclass(frozen=True)
class Choice:
    """A drop-down filter: its query argument, label and options (value, label)."""

    name: str
    label: Any
    options: Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class TypedChoice:
    """A filter among too many options for a drop-down: a name typed, with names suggested as
    one types (static/suggest.js asks `suggest_url`), and what the text matched: an error when
    nothing, a hint when several."""

    name: str
    label: Any
    text: str
    suggest_url: str
    error: Any = None
    hint: Any = None


@dataclass(frozen=True)
class ShownRow:
    """A row as a list's page shows it: where its first cell links, and each cell's text."""

    url: str
    cells: tuple[str, ...]


def shown_rows(
    link: Callable[[Any], tuple[str, dict[str, Any]]],
    columns: Sequence[Column[Any]],
    items: Sequence[Any],
) -> list[ShownRow]:
    """The cells of `items` as text, and where each row's `link` points, in Python rather than
    in the template (a call there costs several times a call here; a page has hundreds)."""
    shown = []
    for item in items:
        endpoint, params = link(item)
        cells = tuple(_cell(column.value(item)) for column in columns)
        shown.append(ShownRow(url_for(endpoint, **params), cells))
    return shown


def _cell(value: object) -> str:
    # Scheme wording stays itself: the page prints it in the reader's language (str() is English).
    return value if isinstance(value, LocalText) else cell_text(value)


@dataclass(frozen=True)
class ListArgs:
    """What a list was asked for, read from the query string."""

    search: str
    choices: Mapping[str, str]
    order: SortOrder
    today: date
    thresholds: Thresholds
    typed: Mapping[str, str] = field(default_factory=dict)


def id_arg(args: ListArgs, name: str) -> int | None:
    """A drop-down's id from the query string, or None (no filter) for anything no option
    holds: not ASCII digits ("²" is a digit int() cannot read), or beyond the database's
    integer (an overflow on SQLite, out of range on PostgreSQL)."""
    value = args.choices.get(name, "")
    if not (value.isascii() and value.isdigit()) or int(value) > LARGEST_NUMBER:
        return None
    return int(value)


@dataclass(frozen=True)
class WorkList:
    """One list of the coordinators' workspace."""

    key: str
    title: Any
    intro: Any
    columns: Callable[[ListArgs], tuple[Column[Any], ...]]
    sorts: Mapping[str, tuple[SQLColumnExpression[Any], ...]]
    default_sort: str
    base: Callable[[ListArgs], Select[Any]]
    link: Callable[[Any], tuple[str, dict[str, Any]]]
    choices: Callable[[ListArgs], tuple[Choice | TypedChoice, ...]] = lambda _a: ()
    narrow: Callable[[Select[Any], ListArgs], Select[Any]] = lambda q, _a: q
    search_label: Any = field(default_factory=lambda: _l("Trainee"))
    tuple_rows: bool = False
    # Whether the search box matches the person (User) the rows are about; when False, `base`
    # applies the search itself.
    searches_people: bool = True
    tiebreak: SQLColumnExpression[Any] = field(default_factory=lambda: Enrolment.id)
    # A list that reads rows of values instead of objects (its page, preview and CSV alike): the
    # list's query turned into the listed columns only. Its `columns` and `link` read such rows.
    rows: Callable[[Select[Any], ListArgs], Select[Any]] | None = None
    # The same rows as `base` without what they join only to be shown or searched (their
    # people, schemes), for counting them while nobody searches.
    count_base: Callable[[ListArgs], Select[Any]] | None = None

    def query(self, args: ListArgs) -> Select[Any]:
        """Every matching row, in order."""
        query = self.narrow(self.base(args), args)
        if args.search and self.searches_people:
            query = query.where(func.lower(User.display_name).contains(args.search.lower()))
        chosen = [*self.sorts[args.order.key], self.tiebreak]
        return query.order_by(*(c.desc() if args.order.descending else c for c in chosen))

    def counted(self, args: ListArgs, query: Select[Any]) -> Select[Any]:
        """A statement with the rows of the list's `query` (as built), cheapest to count."""
        if self.count_base is None or (args.search and self.searches_people):
            return query
        return self.narrow(self.count_base(args), args)

    def shown(self, args: ListArgs) -> tuple[Select[Any], bool]:
        """What the page, preview and CSV read: the statement, and whether it yields whole rows
        (else its first entity)."""
        return self.shown_from(self.query(args), args)

    def shown_from(self, query: Select[Any], args: ListArgs) -> tuple[Select[Any], bool]:
        """`shown` of the list's `query` as already built."""
        if self.rows is not None:
            return self.rows(query, args), True
        return query, self.tuple_rows


def _order(worklist: WorkList) -> SortOrder:
    """The order asked for, else the list's default (which may be descending, "-key")."""
    allowed = list(worklist.sorts)
    asked = SortOrder.parse(request.args.get("sort"), allowed, "")
    return asked if asked.key else SortOrder.parse(worklist.default_sort, allowed, allowed[0])


def args_from_request(worklist: WorkList) -> ListArgs:
    """The list's search, choices and order from the query string; unknown values ignored."""
    config = current_app.config
    return ListArgs(
        search=request.args.get("q", "")[:100].strip(),
        choices={name: request.args.get(name, "")[:20] for name in CHOICE_NAMES},
        order=_order(worklist),
        typed={
            name: " ".join(request.args.get(name, "").split())[:TYPED_LENGTH]
            for name in TYPED_NAMES
        },
        today=local_today(),
        thresholds=Thresholds(
            supervision_weeks=config["AT_RISK_SUPERVISION_WEEKS"],
            unconfirmed_days=config["AT_RISK_UNCONFIRMED_DAYS"],
        ),
    )


def page_context(worklist: WorkList) -> dict[str, Any]:
    """What a template needs to show one page of the list as asked (templates/coordination/
    _table.html `whole_list`)."""
    args = args_from_request(worklist)
    query = worklist.query(args)
    # Counted on the list's query itself (or its rows without what they join only to show
    # them): the columns shown (subqueries of each row's stage, supervisor, risk) cost the count
    # to build and to run, and change no row's presence.
    page = paginate(
        *worklist.shown_from(query, args),
        per_page=current_app.config["PAGE_SIZE"],
        counted=worklist.counted(args, query),
    )
    columns = worklist.columns(args)
    return {
        "worklist": worklist,
        "args": args,
        "columns": columns,
        "rows": shown_rows(worklist.link, columns, page.items),
        "choices": worklist.choices(args),
        "page": page,
    }


def csv_response(
    worklist: WorkList, filename: str, subject_type: str = "list", subject_id: int | None = None
) -> Response:
    """The whole list as asked (every page) as CSV, its download audited."""
    args = args_from_request(worklist)
    audit.record(
        current_actor(),
        "list.exported",
        subject_type,
        subject_id,
        after={"list": worklist.key, **request.args.to_dict()},
    )
    db.session.commit()
    name = f"{filename}-{args.today.isoformat()}.csv"
    return csv_download(name, worklist.columns(args), *worklist.shown(args))
