"""Reflections: first-class entries, private to the trainee until they share them."""

from datetime import date

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Case, Cycle, Enrolment, Reflection, SupervisionSession, User
from app.models.base import utcnow
from app.services import audit
from app.services.evidence.rules import check_not_future, check_text


def write_reflection(
    actor: User,
    enrolment: Enrolment,
    written_on: date,
    title: str,
    body: str,
    private: bool,
    today: date,
    about: Case | Cycle | SupervisionSession | None = None,
) -> Reflection:
    """Write a reflection, optionally about one case, cycle or session of the same enrolment."""
    check_not_future(written_on, today, "written_on")
    if not body.strip():
        raise RuleViolation("Write something to keep.", "body")
    check_text(body, "body", 20000)
    if len(title) > 120:
        raise RuleViolation("Use at most 120 characters.", "title")
    reflection = Reflection(
        enrolment_id=enrolment.id,
        author_id=actor.id,
        written_on=written_on,
        title=title.strip(),
        body=body.strip(),
        private=private,
        shared_at=None if private else utcnow(),
    )
    if isinstance(about, Case):
        owner, reflection.case_id = about.enrolment_id, about.id
    elif isinstance(about, Cycle):
        owner, reflection.cycle_id = about.case.enrolment_id, about.id
    elif isinstance(about, SupervisionSession):
        owner, reflection.session_id = about.enrolment_id, about.id
    else:
        owner = enrolment.id
    if owner != enrolment.id:
        raise RuleViolation("A reflection can only be about your own records.", "about")
    db.session.add(reflection)
    db.session.flush()
    audit.record(
        actor,
        "reflection.written",
        "reflection",
        reflection.id,
        after={
            "private": private,
            "case_id": reflection.case_id,
            "cycle_id": reflection.cycle_id,
            "session_id": reflection.session_id,
        },
    )
    return reflection


def share_reflection(actor: User, reflection: Reflection) -> Reflection:
    """Make a private reflection visible to the trainee's supervisors."""
    ensure(actor, Action.SHARE_REFLECTION, reflection, "Only its author can share a reflection.")
    if not reflection.private:
        raise RuleViolation("This reflection is already shared.")
    reflection.private, reflection.shared_at = False, utcnow()
    db.session.flush()
    audit.record(
        actor,
        "reflection.shared",
        "reflection",
        reflection.id,
        {"private": True},
        {"private": False},
    )
    return reflection
