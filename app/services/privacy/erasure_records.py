"""What an erasure deletes: the person's own record as a trainee, what is addressed to them, and
cached portfolios that may print their name.

Their enrolments go with all their evidence (cases, consents, cycles, films, moments, sessions,
reflections, ratings, stage meetings, milestones, pauses, portfolios, supervision periods),
whoever wrote it. An enrolment with an issued certificate keeps its row (scheme, dates, status)
because the certificate, which the association must keep, belongs to it. What the person did in
other people's records (sessions they supervised, ratings and moments they gave, meetings they
assessed or ratified, certificates they issued) stays: it is part of those people's records and
now points at the anonymised account.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, or_, select, union, update
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db
from app.models import (
    AuditEvent,
    AuthToken,
    Case,
    Certificate,
    Cohort,
    CohortMember,
    Consent,
    Cycle,
    DigestSent,
    Enrolment,
    EnrolmentStage,
    EvidenceLock,
    Film,
    LoginSession,
    Milestone,
    Moment,
    MomentReply,
    Notification,
    Pause,
    PortfolioDocument,
    Rating,
    Reflection,
    SecondFactorPolicy,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    UserRole,
    second_factor,
)
from app.models.signoff import meeting_films, rating_moments
from app.models.supervision import session_cycles, session_films, session_moments

# The audit log's subject type for each kind of record an erasure deletes.
SUBJECT_TYPES: dict[str, Any] = {
    "enrolment": Enrolment,
    "case": Case,
    "consent": Consent,
    "cycle": Cycle,
    "film": Film,
    "moment": Moment,
    "moment_reply": MomentReply,
    "session": SupervisionSession,
    "reflection": Reflection,
    "rating": Rating,
    "meeting": StageMeeting,
    "milestone": Milestone,
    "pause": Pause,
    "portfolio": PortfolioDocument,
}

# Every column that names a person, by what an erasure does with it (a test keeps this complete).
ADDRESSED_TO: tuple[InstrumentedAttribute[Any], ...] = (
    Notification.user_id,
    DigestSent.user_id,
    AuthToken.user_id,
    LoginSession.user_id,
    *second_factor.FACTORS_OF_A_PERSON,
    UserRole.user_id,
    CohortMember.user_id,
)
THEIR_RECORD: tuple[InstrumentedAttribute[Any], ...] = (Enrolment.trainee_id,)
KEPT_FOR_OTHERS: tuple[InstrumentedAttribute[Any], ...] = (
    AuditEvent.actor_id,
    SupervisorAssignment.supervisor_id,
    SupervisionSession.supervisor_id,
    Rating.rater_id,
    Moment.author_id,
    MomentReply.author_id,
    Reflection.author_id,
    StageMeeting.requested_by_id,
    StageMeeting.assessor_id,
    StageMeeting.ratified_by_id,
    Certificate.issued_by_id,
    Milestone.recorded_by_id,
    Pause.recorded_by_id,
    PortfolioDocument.requested_by_id,
    CohortMember.added_by_id,
    Cohort.created_by_id,
    SecondFactorPolicy.changed_by_id,  # who chose the policy; the row is not theirs
)


@dataclass
class OwnRecords:
    """Ids of everything in the person's own record, by audit subject type."""

    ids: dict[str, list[int]]
    stage_ids: list[int]
    clip_keys: list[str]  # of clips still stored
    certificate_ids: list[int]
    kept_enrolment_ids: list[int]

    def of(self, kind: str) -> list[int]:
        """The ids of one kind of record."""
        return self.ids.get(kind, [])


@dataclass
class Deleted:
    """How many rows of each table an erasure deleted."""

    counts: dict[str, int] = field(default_factory=dict)

    def run(self, name: str, statement: Any) -> None:
        """Execute a bulk DELETE and count its rows under `name`."""
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
        self.counts[name] = self.counts.get(name, 0) + (result.rowcount or 0)  # type: ignore[attr-defined]


def _ids(query: Select[Any]) -> list[int]:
    return list(db.session.scalars(query))


def own_records(user_ids: Collection[int]) -> OwnRecords:
    """Everything in the record of these people as trainees."""
    enrolments = _ids(select(Enrolment.id).where(Enrolment.trainee_id.in_(user_ids)))
    cases = _ids(select(Case.id).where(Case.enrolment_id.in_(enrolments)))
    cycles = _ids(select(Cycle.id).where(Cycle.case_id.in_(cases)))
    films = select(Film.id, Film.clip_key, Film.clip_deleted_at).where(Film.cycle_id.in_(cycles))
    film_rows = [(f, None if gone else key) for f, key, gone in db.session.execute(films)]
    stages = _ids(select(EnrolmentStage.id).where(EnrolmentStage.enrolment_id.in_(enrolments)))
    of_enrolments: dict[str, Any] = {
        "session": SupervisionSession,
        "reflection": Reflection,
        "milestone": Milestone,
        "pause": Pause,
        "portfolio": PortfolioDocument,
    }
    ids = {
        "enrolment": enrolments,
        "case": cases,
        "consent": _ids(select(Consent.id).where(Consent.case_id.in_(cases))),
        "cycle": cycles,
        "film": [film_id for film_id, _ in film_rows],
        "moment": _ids(select(Moment.id).where(Moment.film_id.in_([f for f, _ in film_rows]))),
        "moment_reply": _ids(
            select(MomentReply.id).join(Moment).where(Moment.film_id.in_([f for f, _ in film_rows]))
        ),
        "rating": _ids(select(Rating.id).where(Rating.enrolment_stage_id.in_(stages))),
        "meeting": _ids(select(StageMeeting.id).where(StageMeeting.enrolment_stage_id.in_(stages))),
    } | {
        kind: _ids(select(model.id).where(model.enrolment_id.in_(enrolments)))
        for kind, model in of_enrolments.items()
    }
    certificates = _ids(select(Certificate.id).where(Certificate.enrolment_id.in_(enrolments)))
    kept = _ids(
        select(Certificate.enrolment_id).where(Certificate.enrolment_id.in_(enrolments)).distinct()
    )
    return OwnRecords(
        ids=ids,
        stage_ids=stages,
        clip_keys=[key for _, key in film_rows if key],
        certificate_ids=certificates,
        kept_enrolment_ids=kept,
    )


def _any_in(*pairs: tuple[Any, Collection[int]]) -> ColumnElement[bool]:
    return or_(*(column.in_(ids) for column, ids in pairs))


# Link tables between pieces of evidence: which of their columns names which kind of record.
_LINKS: tuple[tuple[Table, dict[str, str]], ...] = (
    (session_cycles, {"session_id": "session", "cycle_id": "cycle"}),
    (session_films, {"session_id": "session", "film_id": "film"}),
    (session_moments, {"session_id": "session", "moment_id": "moment"}),
    (rating_moments, {"rating_id": "rating", "moment_id": "moment"}),
    (meeting_films, {"meeting_id": "meeting", "film_id": "film"}),
)


def _delete_links(own: OwnRecords, deleted: Deleted) -> None:
    for table, columns in _LINKS:
        condition = _any_in(*((table.c[name], own.of(kind)) for name, kind in columns.items()))
        deleted.run(table.name, delete(table).where(condition))


def delete_own_records(own: OwnRecords, deleted: Deleted) -> None:
    """Delete the person's record as a trainee, keeping enrolment rows that have certificates
    (and withdrawing those certificates from the public register)."""
    _delete_links(own, deleted)
    deleted.run(
        "evidence_locks", delete(EvidenceLock).where(EvidenceLock.meeting_id.in_(own.of("meeting")))
    )
    reflections = _any_in(
        (Reflection.id, own.of("reflection")),
        (Reflection.case_id, own.of("case")),
        (Reflection.cycle_id, own.of("cycle")),
        (Reflection.session_id, own.of("session")),
    )
    deleted.run("reflections", delete(Reflection).where(reflections))
    # Children before parents: meetings name milestones, films name consents.
    order = (
        "meeting",
        "rating",
        "moment_reply",
        "moment",
        "film",
        "cycle",
        "consent",
        "case",
        "session",
    )
    for kind in (*order, "milestone", "pause", "portfolio"):
        model = SUBJECT_TYPES[kind]
        deleted.run(model.__tablename__, delete(model).where(model.id.in_(own.of(kind))))
    enrolments = own.of("enrolment")
    deleted.run(
        "supervisor_assignments",
        delete(SupervisorAssignment).where(SupervisorAssignment.enrolment_id.in_(enrolments)),
    )
    deleted.run(
        "enrolment_stages", delete(EnrolmentStage).where(EnrolmentStage.id.in_(own.stage_ids))
    )
    gone = [e for e in enrolments if e not in set(own.kept_enrolment_ids)]
    deleted.run("enrolments", delete(Enrolment).where(Enrolment.id.in_(gone)))
    db.session.execute(
        update(Certificate).where(Certificate.id.in_(own.certificate_ids)).values(listed=False),
        execution_options={"synchronize_session": False},
    )


def _involved_enrolments(user_ids: Collection[int]) -> Select[Any]:
    """Other people's enrolments these people took a part in (their names may be printed)."""
    by_stage: list[InstrumentedAttribute[Any]] = [
        Rating.rater_id,
        StageMeeting.assessor_id,
        StageMeeting.requested_by_id,
        StageMeeting.ratified_by_id,
    ]
    parts: list[Select[Any]] = [
        select(SupervisorAssignment.enrolment_id).where(
            SupervisorAssignment.supervisor_id.in_(user_ids)
        ),
        select(SupervisionSession.enrolment_id).where(
            SupervisionSession.supervisor_id.in_(user_ids)
        ),
        select(Reflection.enrolment_id).where(Reflection.author_id.in_(user_ids)),
        select(Case.enrolment_id)
        .join(Cycle, Cycle.case_id == Case.id)
        .join(Film, Film.cycle_id == Cycle.id)
        .join(Moment, Moment.film_id == Film.id)
        .where(Moment.author_id.in_(user_ids)),
        *(
            select(EnrolmentStage.enrolment_id).join(column.class_).where(column.in_(user_ids))
            for column in by_stage
        ),
    ]
    return union(*parts)  # type: ignore[return-value]


def delete_cached_portfolios(user_ids: Collection[int], deleted: Deleted) -> None:
    """Portfolios are a cache that prints the names of the people in a record: those of
    enrolments these people took part in are deleted and made afresh when asked for."""
    involved = _involved_enrolments(user_ids).subquery()
    deleted.run(
        "portfolio_documents",
        delete(PortfolioDocument).where(PortfolioDocument.enrolment_id.in_(select(involved))),
    )


def delete_addressed_to(
    user_ids: Collection[int], naming_them: Collection[int], deleted: Deleted
) -> None:
    """Their links, roles, notifications and digests, and the notifications `naming_them`."""
    for column in ADDRESSED_TO:
        model = column.class_
        condition: ColumnElement[bool] = column.in_(user_ids)
        if model is Notification:
            condition = or_(condition, Notification.id.in_(naming_them))
        deleted.run(model.__tablename__, delete(model).where(condition))
