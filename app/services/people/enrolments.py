"""Enrolling trainees on a scheme version and keeping the history of their own supervisor."""

from datetime import date, timedelta

from sqlalchemy import select

from app.authz.rules import may_supervise, may_train
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    Scheme,
    Stage,
    SupervisorAssignment,
    User,
)
from app.services import audit
from app.services.progress import expected_dates

EARLIEST_START = date(2000, 1, 1)
LATEST_START_AHEAD = timedelta(days=366)


def _check_supervisor(trainee: User, supervisor: User) -> None:
    if supervisor.id == trainee.id:
        raise RuleViolation("A trainee cannot be their own supervisor.", "supervisor")
    if not may_supervise(supervisor) or not supervisor.active:
        raise RuleViolation("Choose an active supervisor.", "supervisor")


def enrol(
    actor: User,
    trainee: User,
    scheme: Scheme,
    started_on: date,
    first_stage: Stage,
    supervisor: User,
    today: date,
) -> Enrolment:
    """Enrol a trainee on a scheme revision, open the first stage and assign an own supervisor."""
    if not may_train(trainee):
        raise RuleViolation("Only people with the trainee role can be enrolled.", "trainee")
    if first_stage.scheme_id != scheme.id:
        raise RuleViolation("Choose a stage of the chosen scheme.", "first_stage")
    if not EARLIEST_START <= started_on <= today + LATEST_START_AHEAD:
        raise RuleViolation("Give a start date no more than a year ahead.", "started_on")
    _check_supervisor(trainee, supervisor)
    duplicate = db.session.scalar(
        select(Enrolment.id)
        .join(Scheme)
        .where(
            Enrolment.trainee_id == trainee.id,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Scheme.code == scheme.code,
        )
    )
    if duplicate is not None:
        raise RuleViolation(
            "This trainee already has an active enrolment on this scheme.", "scheme"
        )
    enrolment = Enrolment(trainee=trainee, scheme=scheme, started_on=started_on)
    db.session.add(enrolment)
    db.session.add(EnrolmentStage(enrolment=enrolment, stage=first_stage, opened_on=started_on))
    db.session.add(
        SupervisorAssignment(enrolment=enrolment, supervisor=supervisor, starts_on=started_on)
    )
    db.session.flush()
    expected_dates.refresh([enrolment])
    audit.record(
        actor,
        "enrolment.created",
        "enrolment",
        enrolment.id,
        after={
            "trainee_id": trainee.id,
            "scheme": f"{scheme.code} {scheme.version} rev {scheme.revision}",
            "started_on": started_on,
            "first_stage": first_stage.number,
            "supervisor_id": supervisor.id,
        },
    )
    return enrolment


def change_supervisor(
    actor: User, enrolment: Enrolment, supervisor: User, from_date: date, today: date
) -> SupervisorAssignment:
    """Hand the trainee to another own supervisor from a date; the old period keeps its dates."""
    current = enrolment.current_assignment
    _check_supervisor(enrolment.trainee, supervisor)
    if current is not None and current.supervisor_id == supervisor.id:
        raise RuleViolation("This is already the trainee's supervisor.", "supervisor")
    if current is not None and from_date <= current.starts_on:
        raise RuleViolation(
            "The change must come after the current assignment began (%(day)s).",
            "from_date",
            day=current.starts_on,
        )
    if from_date > today + LATEST_START_AHEAD:
        raise RuleViolation("Give a date no more than a year ahead.", "from_date")
    before = None
    if current is not None:
        current.ends_on = from_date - timedelta(days=1)
        before = {"supervisor_id": current.supervisor_id, "starts_on": current.starts_on}
    assignment = SupervisorAssignment(
        enrolment=enrolment, supervisor=supervisor, starts_on=from_date
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "enrolment.supervisor_changed",
        "enrolment",
        enrolment.id,
        before,
        {"supervisor_id": supervisor.id, "starts_on": from_date},
    )
    return assignment


def supervisor_on(enrolment: Enrolment, day: date) -> User | None:
    """The trainee's own supervisor on a given day (periods include both end dates)."""
    for assignment in enrolment.assignments:
        ends_on = assignment.ends_on or date.max
        if assignment.starts_on <= day <= ends_on:
            return assignment.supervisor
    return None


def advance_stage(actor: User, enrolment: Enrolment, on: date) -> EnrolmentStage:
    """Close the open stage on `on` and open the next one by number the same day."""
    current = enrolment.current_stage
    if current is None:
        raise RuleViolation("No stage is open.")
    if on < current.opened_on:
        raise RuleViolation("A stage cannot close before it opened.", "on")
    following = [s for s in enrolment.scheme.stages if s.number > current.stage.number]
    if not following:
        raise RuleViolation("This is the last stage.")
    current.closed_on = on
    opened = EnrolmentStage(enrolment=enrolment, stage=following[0], opened_on=on)
    db.session.add(opened)
    db.session.flush()
    expected_dates.refresh([enrolment])
    audit.record(
        actor,
        "enrolment.stage_advanced",
        "enrolment",
        enrolment.id,
        {"stage": current.stage.number},
        {"stage": following[0].number, "on": on},
    )
    return opened


def withdraw_accreditation(actor: User, enrolment: Enrolment, certificate_number: str) -> None:
    """The accreditation itself is withdrawn (by revoking its certificate with that scope): the
    enrolment is no longer accredited, and no new certificate is due."""
    if enrolment.status is not EnrolmentStatus.ACCREDITED:
        raise RuleViolation("Only an accredited enrolment can have its accreditation withdrawn.")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    db.session.flush()
    audit.record(
        actor,
        "enrolment.accreditation_withdrawn",
        "enrolment",
        enrolment.id,
        {"status": EnrolmentStatus.ACCREDITED},
        {"status": EnrolmentStatus.WITHDRAWN, "certificate": certificate_number},
    )
