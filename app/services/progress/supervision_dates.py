"""Each enrolment's supervision dates, stored on the enrolment so that the coordinators' at-risk
tests read one row per enrolment instead of every recent session of the association: the day of
its latest confirmed session (`last_supervised_on`) and when its oldest session still waiting for
confirmation was logged (`oldest_waiting_at`). And each supervisor's sessions to confirm, stored
on the person so that the supervisors' list reads one row per supervisor: how many wait for
their confirmation (`sessions_to_confirm`) and when the oldest was logged.

Kept in step by the same transaction that changes a session, whatever service changed it: the
progress marks note which enrolments' sessions, and which supervisors' (before and after a
change of supervisor), a transaction wrote (`marks`), and just before it commits `refresh` and
`refresh_supervisors` lock their rows and recompute from the sessions. A bulk statement on the
sessions recomputes everyone's.
"""

from collections.abc import Collection
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, func, inspect, select, update

from app.models import Enrolment, SessionStatus, SupervisionSession, User
from app.models.progress_mark import EVERY_ENROLMENT

_LAST_SUPERVISED = (
    select(func.max(SupervisionSession.held_on))
    .where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.CONFIRMED,
    )
    .scalar_subquery()
)
_OLDEST_WAITING = (
    select(func.min(SupervisionSession.created_at))
    .where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.LOGGED,
    )
    .scalar_subquery()
)
_RECOMPUTE = update(Enrolment).values(
    last_supervised_on=_LAST_SUPERVISED, oldest_waiting_at=_OLDEST_WAITING
)
_LOCK = select(Enrolment.id).order_by(Enrolment.id).with_for_update()

_TO_CONFIRM = (
    SupervisionSession.supervisor_id == User.id,
    SupervisionSession.status == SessionStatus.LOGGED,
)
_RECOUNT = update(User).values(
    sessions_to_confirm=select(func.count()).where(*_TO_CONFIRM).scalar_subquery(),
    oldest_to_confirm_at=select(func.min(SupervisionSession.created_at))
    .where(*_TO_CONFIRM)
    .scalar_subquery(),
)
_LOCK_PEOPLE = select(User.id).order_by(User.id).with_for_update()


_with_dates: "WeakKeyDictionary[Any, bool]" = WeakKeyDictionary()
_with_counts: "WeakKeyDictionary[Any, bool]" = WeakKeyDictionary()


def _has_column(
    connection: Connection, known: "WeakKeyDictionary[Any, bool]", table: str, column: str
) -> bool:
    """Whether the table has the column: not before the migration that adds it (a database
    being upgraded, written through the models on the way). Asked once per engine once it
    has."""
    engine = connection.engine
    if not known.get(engine, False):
        known[engine] = column in {c["name"] for c in inspect(connection).get_columns(table)}
    return known[engine]


def _has_dates(connection: Connection) -> bool:
    return _has_column(connection, _with_dates, "enrolments", "last_supervised_on")


def refresh(connection: Connection, enrolment_ids: Collection[int]) -> None:
    """Recompute the supervision dates of these enrolments (of every one, given
    EVERY_ENROLMENT) from their sessions. On the connection, not through the ORM session: this
    runs as a transaction commits, and writes nothing progress reads."""
    if enrolment_ids and _has_dates(connection):
        _recompute_rows(connection, Enrolment.id, enrolment_ids, _LOCK, _RECOMPUTE)


def _recompute_rows(
    connection: Connection, key: Any, ids: Collection[int], lock: Any, recompute: Any
) -> None:
    """Lock and recompute the rows of these ids (every row, given EVERY_ENROLMENT), in chunks
    of at most 500 ids."""
    if EVERY_ENROLMENT in ids:
        _recompute(connection, lock, recompute)
        return
    chosen = sorted(ids)
    for n in range(0, len(chosen), 500):
        some = key.in_(chosen[n : n + 500])
        _recompute(connection, lock.where(some), recompute.where(some))


def _recompute(connection: Connection, lock: Any, recompute: Any) -> None:
    # The rows are locked first, in id order (two commits never wait in a cycle), by a statement
    # of their own: a transaction recomputing the same enrolment waits there until the other
    # commits, and its UPDATE, a later statement, then reads the sessions the other one wrote.
    # In a single UPDATE it would wait for the row too, but recompute from the sessions as they
    # were when the statement began, undoing the other's change (a test shows it).
    connection.execute(lock).all()
    connection.execute(recompute)


def refresh_supervisors(connection: Connection, supervisor_ids: Collection[int]) -> None:
    """Recount the sessions waiting for these supervisors' confirmation (everyone's, given
    EVERY_ENROLMENT), as `refresh` does the enrolments' dates, and after it: the rows of both
    are locked in the same order by every transaction."""
    if supervisor_ids and _has_column(connection, _with_counts, "users", "sessions_to_confirm"):
        _recompute_rows(connection, User.id, supervisor_ids, _LOCK_PEOPLE, _RECOUNT)


def refresh_all(connection: Connection) -> None:
    """Every enrolment's supervision dates and every supervisor's sessions to confirm, from the
    sessions (after a bulk load)."""
    refresh(connection, {EVERY_ENROLMENT})
    refresh_supervisors(connection, {EVERY_ENROLMENT})
