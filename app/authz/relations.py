"""Who is whose: the enrolment a record belongs to, and whether a person is its trainee, one of
its own supervisors (now, on a day, or ever), or a named assessor of one of its meetings."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Case,
    Certificate,
    Consent,
    Cycle,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    Film,
    MeetingStatus,
    Moment,
    PortfolioDocument,
    Reflection,
    StageMeeting,
    SupervisionSession,
    User,
)


def enrolment_of(obj: object) -> Enrolment:
    """The enrolment a piece of evidence belongs to."""
    if isinstance(obj, Enrolment):
        return obj
    if isinstance(obj, Case):
        return obj.enrolment
    if isinstance(obj, Consent):
        return obj.case.enrolment
    if isinstance(obj, Cycle):
        return obj.case.enrolment
    if isinstance(obj, Film):
        return obj.cycle.case.enrolment
    if isinstance(obj, Moment):
        return obj.film.cycle.case.enrolment
    if isinstance(obj, SupervisionSession):
        return obj.enrolment
    if isinstance(obj, Certificate | PortfolioDocument):
        return obj.enrolment
    if isinstance(obj, StageMeeting):
        return obj.enrolment_stage.enrolment
    if isinstance(obj, Reflection):
        found = db.session.get(Enrolment, obj.enrolment_id)
        assert found is not None
        return found
    raise TypeError(f"{type(obj).__name__} is not evidence")


def is_self(user: User, person: User) -> bool:
    """Whether `person` is `user` themselves."""
    return user.id == person.id


def is_trainee_of(user: User, enrolment: Enrolment) -> bool:
    """Whether the enrolment is the user's own."""
    return enrolment.trainee_id == user.id


def is_supervisor_of(user: User, enrolment: Enrolment) -> bool:
    """Whether the user is, or has been, the trainee's own supervisor on this enrolment."""
    return any(a.supervisor_id == user.id for a in enrolment.assignments)


def is_own_supervisor_now(user: User, enrolment: Enrolment) -> bool:
    """Whether the user is the trainee's own supervisor today (the open assignment)."""
    current = enrolment.current_assignment
    return current is not None and current.supervisor_id == user.id


def is_own_supervisor_on(user: User, enrolment: Enrolment, day: date) -> bool:
    """Whether the user was the trainee's own supervisor on `day` (both end dates included)."""
    return any(
        a.supervisor_id == user.id and a.starts_on <= day <= (a.ends_on or date.max)
        for a in enrolment.assignments
    )


def is_assessor_of(user: User, enrolment: Enrolment) -> bool:
    """Named to assess one of the enrolment's stage meetings (and not since voided)."""
    return (
        db.session.scalar(
            select(StageMeeting.id)
            .join(EnrolmentStage)
            .where(
                EnrolmentStage.enrolment_id == enrolment.id,
                StageMeeting.assessor_id == user.id,
                StageMeeting.status != MeetingStatus.VOIDED,
            )
            .limit(1)
        )
        is not None
    )


def holds_current_certificate(enrolment: Enrolment) -> bool:
    """Whether a certificate of the enrolment is current (neither revoked nor superseded)."""
    found = db.session.scalar(
        select(Certificate.id)
        .where(Certificate.enrolment_id == enrolment.id, Certificate.is_current())
        .limit(1)
    )
    return found is not None


def renewing(enrolment: Enrolment) -> bool:
    """Accredited on a scheme whose certificates are renewed on new evidence, and holding a
    current certificate (not revoked): the practitioner gathers evidence for its renewal."""
    return (
        enrolment.status is EnrolmentStatus.ACCREDITED
        and bool(enrolment.scheme.renewal_requirements)
        and holds_current_certificate(enrolment)
    )
