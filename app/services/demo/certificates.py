"""Accredited practitioners for the demo: one with a valid certificate, one whose certificate was
revoked with the accreditation itself withdrawn, and one whose certificate a coordinator has yet
to issue."""

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Enrolment, MeetingStatus, RevocationScope, Role, Scheme, User
from app.services.certificates import issuing, verification
from app.services.people import accounts, directory, enrolments
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification

# (e-mail, name, what happened to the certificate: "" valid, a revocation reason, None not issued)
PRACTITIONERS: tuple[tuple[str, str, str | None], ...] = (
    ("priya@attune.demo", "Priya Practitioner", ""),
    ("rob@attune.demo", "Rob Revoked", "Demo: accreditation withdrawn after a complaint review."),
    ("amara@attune.demo", "Amara Awaiting", None),
)


def _accredit(
    person: User, scheme: Scheme, supervisor: User, assessor: User, coordinator: User, today: date
) -> None:
    """A record kept before Attune: enrolled at the last stage, signed off by exception."""
    last = scheme.stages[-1]
    started = today - timedelta(days=200)
    enrolment = enrolments.enrol(coordinator, person, scheme, started, last, supervisor, today)
    held = today - timedelta(days=30)
    meeting = meetings.request_meeting(
        coordinator,
        enrolment,
        progress_for(enrolment, held),
        "Demo: evidence recorded before Attune was used.",
    )
    meetings.name_assessor(coordinator, meeting.id, assessor, held)
    decide.record_outcome(
        assessor,
        meeting.id,
        MeetingStatus.PASSED,
        held,
        60,
        [],
        "Reflective statement",
        "",
        None,
        held,
    )
    ratification.ratify(coordinator, meeting.id, held)


def seed_demo_certificates(
    scheme: Scheme, supervisor: User, assessor: User, coordinator: User, today: date
) -> list[tuple[str, str]]:
    """(number, status) of the demo certificates, creating them the first time."""
    for email, name, revoke_reason in PRACTITIONERS:
        if accounts.find_user_by_email(email) is not None:
            continue
        person = directory.create_person(
            coordinator, email, name, [Role.TRAINEE], None, "demo-practitioner-pass"
        )
        _accredit(person, scheme, supervisor, assessor, coordinator, today)
        if revoke_reason is None:
            continue
        issued = issuing.issue(coordinator, person_enrolment(person), name, listed=True)
        if revoke_reason:
            issuing.revoke(coordinator, issued, revoke_reason, RevocationScope.ACCREDITATION)
    found = []
    for email, _name, _reason in PRACTITIONERS:
        holder = accounts.find_user_by_email(email)
        assert holder is not None
        for certificate in issuing.certificate_list(person_enrolment(holder)):
            found.append((certificate.number, verification.status_of(certificate, today).code))
    return found


def person_enrolment(person: User) -> Enrolment:
    """The demo practitioner's one enrolment."""
    return db.session.scalars(select(Enrolment).where(Enrolment.trainee_id == person.id)).one()
