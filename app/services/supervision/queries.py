"""Read-side queries for supervision, reflection and milestone pages; a fixed number per page."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    Film,
    Moment,
    Reflection,
    Requirement,
    SessionStatus,
    SupervisionSession,
    User,
)

# Requirement kinds whose params name a milestone subtype: kind -> param.
SUBTYPE_PARAMS = {"document": "document", "meeting": "meeting"}


# An enrolment's sessions as its supervision list shows them, newest first: rows of the shown
# columns with the supervisor's name, built once (the enrolment bound).
_SESSION_ROWS = (
    select(
        SupervisionSession.id,
        SupervisionSession.held_on,
        SupervisionSession.minutes,
        SupervisionSession.group,
        SupervisionSession.online,
        SupervisionSession.status,
        User.display_name.label("supervisor_name"),
    )
    .join(User, User.id == SupervisionSession.supervisor_id)
    .where(SupervisionSession.enrolment_id == bindparam("enrolment_id"))
    .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc())
)
_SESSION_IDS = select(SupervisionSession.id).where(
    SupervisionSession.enrolment_id == bindparam("enrolment_id")
)


def session_rows(enrolment: Enrolment) -> tuple[Select[*tuple[Any, ...]], Select[int]]:
    """An enrolment's sessions, newest first, as rows (id, held_on, minutes, group, online,
    status, supervisor_name), and their ids to count them: no session or person built."""
    bound = {"enrolment_id": enrolment.id}
    return _SESSION_ROWS.params(bound), _SESSION_IDS.params(bound)


def confirmed_minutes(enrolment: Enrolment) -> int:
    """The minutes of all the enrolment's confirmed sessions."""
    total = db.session.scalar(
        select(func.sum(SupervisionSession.minutes)).where(
            SupervisionSession.enrolment_id == enrolment.id,
            SupervisionSession.status == SessionStatus.CONFIRMED,
        )
    )
    return int(total or 0)


def session_for_page(session_id: int) -> SupervisionSession | None:
    """A session with what it reviewed (and where that belongs) loaded."""
    return db.session.scalar(
        select(SupervisionSession)
        .where(SupervisionSession.id == session_id)
        .options(
            selectinload(SupervisionSession.supervisor),
            selectinload(SupervisionSession.cycles).selectinload(Cycle.case),
            selectinload(SupervisionSession.films)
            .selectinload(Film.cycle)
            .selectinload(Cycle.case),
            selectinload(SupervisionSession.moments).selectinload(Moment.principle),
        )
    )


def reviewable_cycles(enrolment: Enrolment) -> list[Cycle]:
    """The enrolment's cycles, newest first, with their case and films loaded."""
    return list(
        db.session.scalars(
            select(Cycle)
            .join(Case)
            .where(Case.enrolment_id == enrolment.id)
            .options(selectinload(Cycle.case), selectinload(Cycle.films))
            .order_by(Cycle.filmed_on.desc(), Cycle.id.desc())
        )
    )


def reflections_page_query(base: Select[Reflection]) -> Select[Reflection]:
    """Visible reflections, newest first, with their authors loaded."""
    return base.options(joinedload(Reflection.author, innerjoin=True)).order_by(
        Reflection.written_on.desc(), Reflection.id.desc()
    )


def reflection_rows(visible: Select[Reflection]) -> tuple[Select[*tuple[Any, ...]], Select[int]]:
    """Visible reflections, newest first, as rows of what their list shows (id, written_on,
    title, body, private, author_id, author_name, session_id, case_title, session_held_on: the
    case and session each is about joined), and their ids to count them; no object built."""
    rows = (
        visible.with_only_columns(
            Reflection.id,
            Reflection.written_on,
            Reflection.title,
            Reflection.body,
            Reflection.private,
            Reflection.author_id,
            User.display_name.label("author_name"),
            Reflection.session_id,
            Case.title.label("case_title"),
            SupervisionSession.held_on.label("session_held_on"),
        )
        .select_from(Reflection)
        .join(User, User.id == Reflection.author_id)
        .outerjoin(Case, Case.id == Reflection.case_id)
        .outerjoin(SupervisionSession, SupervisionSession.id == Reflection.session_id)
        .order_by(Reflection.written_on.desc(), Reflection.id.desc())
    )
    return rows, visible.with_only_columns(Reflection.id)


def cases_of(enrolment: Enrolment) -> list[Case]:
    """The enrolment's cases, newest first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.enrolment_id == enrolment.id)
            .order_by(Case.started_on.desc(), Case.id.desc())
        )
    )


def sessions_of(enrolment: Enrolment) -> list[SupervisionSession]:
    """The enrolment's sessions, newest first (without their details)."""
    return list(
        db.session.scalars(
            select(SupervisionSession)
            .where(SupervisionSession.enrolment_id == enrolment.id)
            .order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc())
        )
    )


def milestone_subtypes(enrolment: Enrolment) -> list[tuple[str, str, str]]:
    """(requirement kind, subtype, label) for documents and meetings the scheme asks for."""
    rows = db.session.scalars(
        select(Requirement)
        .where(
            Requirement.scheme_id == enrolment.scheme_id,
            Requirement.kind.in_(SUBTYPE_PARAMS),
        )
        .order_by(Requirement.position)
    )
    found: dict[tuple[str, str], str] = {}
    for requirement in rows:
        subtype = requirement.params.get(SUBTYPE_PARAMS[requirement.kind])
        if subtype:
            found.setdefault((requirement.kind, str(subtype)), requirement.label)
    return [(kind, subtype, label) for (kind, subtype), label in found.items()]


_TO_CONFIRM = (  # built once: a supervisor's every home
    select(
        SupervisionSession.id,
        SupervisionSession.held_on,
        SupervisionSession.minutes,
        User.display_name.label("trainee"),
    )
    .join(Enrolment, Enrolment.id == SupervisionSession.enrolment_id)
    .join(User, User.id == Enrolment.trainee_id)
    .where(
        SupervisionSession.supervisor_id == bindparam("supervisor_id"),
        SupervisionSession.status == SessionStatus.LOGGED,
    )
    .order_by(SupervisionSession.held_on, SupervisionSession.id)
)


def waiting_for_confirmation(supervisor: User) -> list[Any]:
    """Sessions waiting for this supervisor's confirmation, oldest first: rows of what a list
    of them shows (id, held_on, minutes, trainee's name)."""
    return list(db.session.execute(_TO_CONFIRM, {"supervisor_id": supervisor.id}))


def supervised_sessions(supervisor: User, ids: Sequence[int]) -> list[SupervisionSession]:
    """Those of these sessions the supervisor is the supervisor of, whatever their status."""
    query = select(SupervisionSession).where(
        SupervisionSession.supervisor_id == supervisor.id, SupervisionSession.id.in_(ids)
    )
    return list(db.session.scalars(query.options(selectinload(SupervisionSession.enrolment))))


_CONFIRMED_SINCE = select(SupervisionSession.held_on, SupervisionSession.minutes).where(
    SupervisionSession.enrolment_id == bindparam("enrolment_id"),
    SupervisionSession.status == SessionStatus.CONFIRMED,
    SupervisionSession.held_on >= bindparam("since"),
)


def confirmed_minutes_by_month(enrolment: Enrolment, since: date) -> dict[tuple[int, int], int]:
    """Minutes of the enrolment's confirmed sessions held since `since`, by (year, month)."""
    rows = db.session.execute(_CONFIRMED_SINCE, {"enrolment_id": enrolment.id, "since": since})
    totals: dict[tuple[int, int], int] = {}
    for held_on, minutes in rows:
        key = (held_on.year, held_on.month)
        totals[key] = totals.get(key, 0) + minutes
    return totals
