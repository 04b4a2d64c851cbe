"""Handing several of a supervisor's trainees to another own supervisor at once: all or none."""

from collections.abc import Sequence
from datetime import date

from app.errors import RuleViolation
from app.extensions import db
from app.models import Enrolment, SupervisorAssignment, User
from app.phrase import Phrase
from app.services import audit
from app.services.people import enrolments


def _combined(problems: list[tuple[Enrolment, RuleViolation]]) -> RuleViolation:
    """One refusal naming every trainee that could not be handed over, beside one field when
    they all concern the same one."""
    fields = {error.field for _, error in problems}
    details = tuple(
        Phrase(
            "%(name)s (%(scheme)s): %(problem)s",
            name=enrolment.trainee.display_name,
            scheme=enrolment.scheme.title,
            problem=error.phrase,
        )
        for enrolment, error in problems
    )
    return RuleViolation(
        "Nothing was changed. %(details)s",
        fields.pop() if len(fields) == 1 else None,
        details=details,
    )


def reassign_supervisees(
    actor: User,
    supervisor: User,
    chosen: Sequence[Enrolment],
    new_supervisor: User,
    from_date: date,
    today: date,
) -> list[SupervisorAssignment]:
    """Hand the chosen enrolments from `supervisor` to `new_supervisor` from a date: each current
    assignment ends the day before and a new one starts; if one cannot change, none does."""
    if not chosen:
        raise RuleViolation("Choose at least one trainee.", "enrolments")
    if new_supervisor.id == supervisor.id:
        raise RuleViolation("Choose a different supervisor.", "supervisor")
    problems: list[tuple[Enrolment, RuleViolation]] = []
    made: list[SupervisorAssignment] = []
    # A savepoint: raising inside it undoes the changes already made, whoever the caller is.
    with db.session.begin_nested():
        for enrolment in chosen:
            current = enrolment.current_assignment
            if current is None or current.supervisor_id != supervisor.id:
                refusal = RuleViolation(
                    "%(name)s is no longer the own supervisor.",
                    "enrolments",
                    name=supervisor.display_name,
                )
                problems.append((enrolment, refusal))
                continue
            try:
                made.append(
                    enrolments.change_supervisor(actor, enrolment, new_supervisor, from_date, today)
                )
            except RuleViolation as error:  # every check runs before change_supervisor changes
                problems.append((enrolment, error))
        if problems:
            raise _combined(problems)
        audit.record(
            actor,
            "person.supervisees_reassigned",
            "user",
            supervisor.id,
            {"supervisor_id": supervisor.id},
            {
                "supervisor_id": new_supervisor.id,
                "from_date": from_date,
                "enrolment_ids": [e.id for e in chosen],
            },
        )
    return made
