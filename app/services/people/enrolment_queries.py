"""Read-side queries for enrolment pages, with their relations loaded up front."""

from typing import Any, TypeVar

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.extensions import db
from app.models import Enrolment, EnrolmentStage, Scheme, Stage, SupervisorAssignment, User
from app.models.scheme import scheme_label_columns

# A select of enrolments or of their columns, kept as it is through the joins added to it.
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])

# What enrolment pages and lists show of each enrolment: the many-to-ones joined into the same
# statement, the stages and assignments in one more each.
DETAILS = (
    joinedload(Enrolment.trainee, innerjoin=True),
    joinedload(Enrolment.scheme, innerjoin=True),
    selectinload(Enrolment.stages).joinedload(EnrolmentStage.stage, innerjoin=True),
    selectinload(Enrolment.assignments).joinedload(SupervisorAssignment.supervisor, innerjoin=True),
)

# The same for one enrolment's own page, in one statement: its few stages and assignments
# joined too (rows multiply only by stages times assignments; two statements fewer cost a third
# of the CPU of the selectin loads).
ONE_ENROLMENT = (
    joinedload(Enrolment.trainee, innerjoin=True),
    joinedload(Enrolment.scheme, innerjoin=True),
    joinedload(Enrolment.stages).joinedload(EnrolmentStage.stage, innerjoin=True),
    joinedload(Enrolment.assignments).joinedload(SupervisorAssignment.supervisor, innerjoin=True),
)

# What every page under an enrolment's tabs shows of it (its trainee's name, its scheme's title),
# joined into the statement that loads it rather than each looked up afterwards.
TABS = (
    joinedload(Enrolment.trainee, innerjoin=True),
    joinedload(Enrolment.scheme, innerjoin=True),
)


def narrowed_enrolments(base: _Query, search: str = "") -> _Query:
    """A (permission-scoped) enrolment query joined to its trainee and scheme, narrowed by
    trainee name or scheme title; nothing loaded with it (lists add what they show)."""
    query = base.join(User, Enrolment.trainee_id == User.id).join(Scheme)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(User.display_name).like(pattern) | func.lower(Scheme.title).like(pattern)
        )
    return query


def search_enrolments(base: Select[Enrolment], search: str = "") -> Select[Enrolment]:
    """Narrow a (permission-scoped) enrolment query by trainee name or scheme title."""
    query = narrowed_enrolments(base, search)
    return query.options(*DETAILS).order_by(func.lower(User.display_name), Enrolment.id)


def _row_columns() -> tuple[Any, ...]:
    """The columns `enrolment_rows` lists: built once (with their correlated subqueries they
    cost a list page more to build than to run)."""
    open_stage = (
        select(Stage.number)
        .select_from(EnrolmentStage)
        .join(Stage, Stage.id == EnrolmentStage.stage_id)
        .where(EnrolmentStage.enrolment_id == Enrolment.id, EnrolmentStage.closed_on.is_(None))
        .order_by(EnrolmentStage.opened_on.desc(), EnrolmentStage.id.desc())
        .limit(1)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    current_supervisor_id = (
        select(SupervisorAssignment.supervisor_id)
        .where(
            SupervisorAssignment.enrolment_id == Enrolment.id,
            SupervisorAssignment.ends_on.is_(None),
        )
        .order_by(SupervisorAssignment.starts_on.desc(), SupervisorAssignment.id.desc())
        .limit(1)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    # The name looked up by the id found (a join inside the subquery let PostgreSQL merge-join
    # the whole users index for each enrolment: 100 ms of a 5,000-row export).
    supervisor = aliased(User)
    own_supervisor = (
        select(supervisor.display_name)
        .where(supervisor.id == current_supervisor_id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    return (
        Enrolment.id.label("enrolment_id"),
        User.display_name.label("trainee"),
        *scheme_label_columns(),
        open_stage.label("stage_number"),
        own_supervisor.label("supervisor"),
        Enrolment.started_on.label("started_on"),
        Enrolment.status.label("status"),
    )


_ROW_COLUMNS = _row_columns()


def enrolment_rows(query: Select[Any]) -> Select[Any]:
    """The columns an enrolment list shows, and nothing else, for the enrolments of `query` (a
    narrowed query): its id, trainee, scheme title, version and revision, the open stage's
    number, the current own supervisor's name, start and status. One statement, no objects
    built: what the CSV of thousands of enrolments reads."""
    return query.with_only_columns(*_ROW_COLUMNS, maintain_column_froms=False)


def own_enrolments(user: User) -> list[Enrolment]:
    """A trainee's enrolments, newest first."""
    query = (
        select(Enrolment)
        .where(Enrolment.trainee_id == user.id)
        .options(*DETAILS)
        .order_by(Enrolment.started_on.desc(), Enrolment.id.desc())
    )
    return list(db.session.scalars(query))


def current_supervisees(user: User) -> list[Enrolment]:
    """Enrolments whose own supervisor is `user` now, by trainee name."""
    query = (
        select(Enrolment)
        .join(SupervisorAssignment)
        .join(User, Enrolment.trainee_id == User.id)
        .where(
            SupervisorAssignment.supervisor_id == user.id, SupervisorAssignment.ends_on.is_(None)
        )
        .options(*DETAILS)
        .order_by(func.lower(User.display_name), Enrolment.id)
    )
    return list(db.session.scalars(query).unique())


# A supervisor's supervisees as their home lists them: rows of the shown columns and what
# progress reads (`EnrolmentHead`), built once with the supervisor bound.
_SUPERVISEE_ROWS = (
    narrowed_enrolments(
        select(
            Enrolment.id,
            Enrolment.trainee_id,
            Enrolment.scheme_id,
            Enrolment.started_on,
            Enrolment.status,
            User.display_name.label("trainee_name"),
            Scheme.title.label("scheme_title"),
        )
        .select_from(Enrolment)
        .join(SupervisorAssignment, SupervisorAssignment.enrolment_id == Enrolment.id)
    )
    .where(
        SupervisorAssignment.supervisor_id == bindparam("supervisor_id"),
        SupervisorAssignment.ends_on.is_(None),
    )
    .order_by(func.lower(User.display_name), Enrolment.id)
)


def supervisee_rows(user: User) -> list[Row[Any]]:
    """Enrolments whose own supervisor is `user` now, by trainee name, as rows (id, trainee_id,
    scheme_id, started_on, status, trainee_name, scheme_title): one statement of columns and no
    objects built, for a supervisor's home, which lists every supervisee."""
    return list(db.session.execute(_SUPERVISEE_ROWS, {"supervisor_id": user.id}))
