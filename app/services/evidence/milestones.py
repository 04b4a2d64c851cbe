"""Dated evidence such as courses, intro sessions and documents; pauses that extend dates."""

from datetime import date

from app.errors import RuleViolation
from app.extensions import db
from app.models import Enrolment, Milestone, MilestoneKind, Pause, User
from app.services import audit
from app.services.evidence.rules import check_not_future, check_text
from app.services.progress import expected_dates


def record_milestone(
    actor: User,
    enrolment: Enrolment,
    kind: MilestoneKind,
    subtype: str,
    occurred_on: date,
    title: str,
    notes: str,
    today: date,
) -> Milestone:
    """Record a course completed, an intro session held, a document written and so on."""
    check_not_future(occurred_on, today, "occurred_on")
    if occurred_on < enrolment.started_on and kind is not MilestoneKind.COURSE:
        raise RuleViolation("This date is before the enrolment started.", "occurred_on")
    if kind in (MilestoneKind.DOCUMENT, MilestoneKind.MEETING) and not subtype.strip():
        raise RuleViolation("Say which document or meeting this is.", "subtype")
    check_text(title, "title", 200)
    check_text(notes, "notes")
    milestone = Milestone(
        enrolment_id=enrolment.id,
        kind=kind,
        subtype=subtype.strip(),
        occurred_on=occurred_on,
        title=title.strip(),
        notes=notes.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(milestone)
    db.session.flush()
    audit.record(
        actor,
        "milestone.recorded",
        "milestone",
        milestone.id,
        after={"kind": kind, "subtype": milestone.subtype, "occurred_on": occurred_on},
    )
    return milestone


def record_pause(
    actor: User, enrolment: Enrolment, starts_on: date, ends_on: date, reason: str
) -> Pause:
    """Record a break that extends expected dates (illness, leave)."""
    if ends_on < starts_on:
        raise RuleViolation("The pause cannot end before it starts.", "ends_on")
    if starts_on < enrolment.started_on:
        raise RuleViolation("The pause cannot start before the enrolment.", "starts_on")
    check_text(reason, "reason", 200)
    pause = Pause(
        enrolment_id=enrolment.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(pause)
    db.session.flush()
    expected_dates.refresh([enrolment])
    audit.record(
        actor,
        "pause.recorded",
        "pause",
        pause.id,
        after={"starts_on": starts_on, "ends_on": ends_on},
    )
    return pause
