"""Progress marks: each enrolment's change counter, moved by every transaction that changes a
fact its progress is computed from (see `snapshots`), so computed progress can be kept until then.

Session events do it, whatever service made the change:
- each flush notes what it writes (rows to delete before, new and changed rows after it):
  enrolments directly, or what leads to them (a cycle's case, a meeting's or rating's stage, the
  supervisor of a session or assignment, whose own enrolments count the supervision they give);
- a bulk UPDATE or DELETE on one of those tables notes every enrolment (`EVERY_ENROLMENT`);
- just before commit the notes are resolved to enrolment ids and their marks set to new random
  values in one statement, in the order of the ids, so that two transactions never wait on each
  other in a cycle. Random, not counted: a transaction rolled back and redone (the tests do) can
  never bring back a mark under which something was kept. No foreign key, no lock on the
  enrolment row: the marks are the last thing a transaction writes.

Readers read the marks *before* the facts: what they then compute is at least as new as the
marks they keep it under.
"""

import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, event, select
from sqlalchemy import inspect as inspect_state
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    EnrolmentStage,
    Milestone,
    Pause,
    Rating,
    Requirement,
    Scheme,
    Stage,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
)
from app.models.progress_mark import EVERY_ENROLMENT, ProgressMark
from app.services.progress import supervision_dates

_NOTES_KEY = "progress_marks"
# Columns of an enrolment that progress reads (expected dates are written from progress).
_ENROLMENT_FACTS = ("trainee_id", "scheme_id", "started_on", "status")
_BY_ENROLMENT = (EnrolmentStage, Pause, Case, Milestone)
_BY_STAGE = (StageMeeting, Rating)
_BY_SUPERVISOR = (SupervisionSession, SupervisorAssignment)
_SCHEME_PARTS = (Scheme, Stage, Requirement)
_FACT_TABLES = frozenset(
    model.__tablename__
    for model in (*_BY_ENROLMENT, *_BY_STAGE, *_BY_SUPERVISOR, *_SCHEME_PARTS, Cycle)
)
_with_marks: "WeakKeyDictionary[Any, bool]" = WeakKeyDictionary()


@dataclass
class _Notes:
    """What a transaction changed, until it commits."""

    enrolments: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    stages: set[int] = field(default_factory=set)
    supervisors: set[int] = field(default_factory=set)
    # Enrolments whose sessions changed: their supervision dates are recomputed too; and the
    # supervisors those sessions name (or named): their sessions to confirm are recounted.
    supervised: set[int] = field(default_factory=set)
    confirming: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.enrolments
            or self.cases
            or self.stages
            or self.supervisors
            or self.supervised
            or self.confirming
        )


def _notes(session: Session) -> _Notes:
    notes = session.info.get(_NOTES_KEY)
    if notes is None:
        notes = session.info[_NOTES_KEY] = _Notes()
    return notes


def _values(obj: object, attribute: str, dirty: bool) -> Iterable[int]:
    """The attribute's value; for a changed row also the value it replaced (a row moved
    elsewhere), or every enrolment when that was never loaded and so is unknown."""
    if not dirty:
        value = getattr(obj, attribute)
        return () if value is None else (int(value),)
    history = inspect_state(obj).attrs[attribute].history
    if history.added and not history.deleted:
        return (EVERY_ENROLMENT,)
    return (int(v) for v in (*history.unchanged, *history.added, *history.deleted) if v is not None)


def _changed(obj: object, attributes: Collection[str]) -> bool:
    state = inspect_state(obj).attrs
    return any(state[name].history.has_changes() for name in attributes)


def _note(notes: _Notes, obj: object, dirty: bool) -> None:
    if isinstance(obj, Enrolment):
        if obj.id is not None and (not dirty or _changed(obj, _ENROLMENT_FACTS)):
            notes.enrolments.add(obj.id)
    elif isinstance(obj, _BY_ENROLMENT):
        notes.enrolments.update(_values(obj, "enrolment_id", dirty))
    elif isinstance(obj, Cycle):
        notes.cases.update(_values(obj, "case_id", dirty))
    elif isinstance(obj, _BY_STAGE):
        notes.stages.update(_values(obj, "enrolment_stage_id", dirty))
    elif isinstance(obj, _BY_SUPERVISOR):
        enrolments = set(_values(obj, "enrolment_id", dirty))
        supervisors = set(_values(obj, "supervisor_id", dirty))
        notes.enrolments.update(enrolments)
        notes.supervisors.update(supervisors)
        if isinstance(obj, SupervisionSession):
            notes.supervised.update(enrolments)
            notes.confirming.update(supervisors)
    elif isinstance(obj, _SCHEME_PARTS):
        notes.enrolments.add(EVERY_ENROLMENT)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Rows to delete are read now, while they exist (their columns may need loading).
    notes = _notes(session)
    for obj in session.deleted:
        _note(notes, obj, dirty=False)


def _after_flush(session: Session, _context: Any) -> None:
    # New rows have their keys now; changed rows still show what changed (attribute history).
    notes = _notes(session)
    for obj in session.new:
        _note(notes, obj, dirty=False)
    for obj in session.dirty:
        _note(notes, obj, dirty=True)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _FACT_TABLES or (name == "enrolments" and _bulk_touches_facts(state)):
        _notes(state.session).enrolments.add(EVERY_ENROLMENT)
    if name == SupervisionSession.__tablename__:
        _notes(state.session).supervised.add(EVERY_ENROLMENT)
        _notes(state.session).confirming.add(EVERY_ENROLMENT)


def _bulk_touches_facts(state: ORMExecuteState) -> bool:
    """Whether a bulk statement on enrolments may change what progress reads (writing expected
    dates by primary key does not)."""
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    if not state.is_update or not rows:
        return True
    written = {key for row in rows for key in row} - {"id"}
    return bool(written.intersection(_ENROLMENT_FACTS)) or bool(
        getattr(state.statement, "_values", None)
    )


def _before_commit(session: Session) -> None:
    notes = session.info.get(_NOTES_KEY)
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this hook: note the last changes first
        notes = session.info.get(_NOTES_KEY)
    if notes:
        if notes.supervised:
            supervision_dates.refresh(session.connection(), notes.supervised)
        if notes.confirming:
            supervision_dates.refresh_supervisors(session.connection(), notes.confirming)
        _bump(session, _resolve(session, notes))
    session.info.pop(_NOTES_KEY, None)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    # Only the whole transaction's end forgets: a savepoint rolled back leaves earlier changes.
    if previous.parent is None:
        session.info.pop(_NOTES_KEY, None)


def _resolve(session: Session, notes: _Notes) -> set[int]:
    ids = set(notes.enrolments)
    if notes.cases:
        ids.update(session.scalars(select(Case.enrolment_id).where(Case.id.in_(notes.cases))))
    if notes.stages:
        ids.update(
            session.scalars(
                select(EnrolmentStage.enrolment_id).where(EnrolmentStage.id.in_(notes.stages))
            )
        )
    if notes.supervisors:
        ids.update(
            session.scalars(select(Enrolment.id).where(Enrolment.trainee_id.in_(notes.supervisors)))
        )
    return ids


def _has_marks(session: Session) -> bool:
    """Whether the database has the marks' table: not before migration 0016 (a database being
    upgraded, written through the models on the way). Asked once per engine once it has it."""
    engine = session.get_bind()
    if not _with_marks.get(engine, False):
        _with_marks[engine] = inspect_state(session.connection()).has_table("progress_marks")
    return _with_marks[engine]


def _bump(session: Session, enrolment_ids: Collection[int]) -> None:
    """Give these enrolments' marks new values, in this transaction."""
    if not enrolment_ids or not _has_marks(session):
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"enrolment_id": key, "mark": secrets.randbits(62)} for key in sorted(enrolment_ids)]
    statement = dialect.insert(ProgressMark).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["enrolment_id"], set_={"mark": statement.excluded.mark}
        )
    )


def has_pending_changes() -> bool:
    """Whether this transaction changed facts it has not committed yet (its own reads must not
    come from what was kept before)."""
    session = db.session()
    notes = session.info.get(_NOTES_KEY)
    return bool(notes) or bool(session.new or session.dirty or session.deleted)


_MARKS = select(ProgressMark.enrolment_id, ProgressMark.mark).where(
    ProgressMark.enrolment_id.in_(bindparam("enrolment_ids", expanding=True))
)


def marks_of(enrolment_ids: Collection[int]) -> dict[int, tuple[int, int]]:
    """Each enrolment's mark beside the mark of every enrolment (0 where none was ever set)."""
    asked = {"enrolment_ids": [EVERY_ENROLMENT, *enrolment_ids]}
    found: dict[int, int] = {
        row.enrolment_id: row.mark for row in db.session.execute(_MARKS, asked)
    }
    every = found.get(EVERY_ENROLMENT, 0)
    return {key: (found.get(key, 0), every) for key in enrolment_ids}


def register() -> None:
    """Install the session listeners once per process (every app made in it shares them)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", _after_soft_rollback)
