"""What refuses a merge of two accounts (app/services/people/merges.py): a merge must leave
no one their own supervisor or assessor and no one twice on a scheme."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStage,
    Scheme,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
)
from app.services.people.account_status import merged_into, refuse_if_erased


def _check_conflicts(keep: User, duplicate: User) -> None:
    pair = (keep.id, duplicate.id)
    trainee = aliased(Enrolment)
    crossed = [
        select(SupervisorAssignment.id)
        .join(trainee, SupervisorAssignment.enrolment_id == trainee.id)
        .where(SupervisorAssignment.supervisor_id.in_(pair), trainee.trainee_id.in_(pair)),
        select(SupervisionSession.id)
        .join(trainee, SupervisionSession.enrolment_id == trainee.id)
        .where(SupervisionSession.supervisor_id.in_(pair), trainee.trainee_id.in_(pair)),
        select(StageMeeting.id)
        .join(EnrolmentStage)
        .join(trainee, EnrolmentStage.enrolment_id == trainee.id)
        .where(StageMeeting.assessor_id.in_(pair), trainee.trainee_id.in_(pair)),
    ]
    if any(db.session.scalar(query.limit(1)) is not None for query in crossed):
        raise RuleViolation(
            "One account supervised or assessed the other's training: merged, the person "
            "would be their own supervisor or assessor.",
            "duplicate",
        )
    own = aliased(SupervisorAssignment)
    four_eyes = (
        select(StageMeeting.id)
        .join(EnrolmentStage)
        .join(own, own.enrolment_id == EnrolmentStage.enrolment_id)
        .where(
            StageMeeting.assessor_id.in_(pair),
            own.supervisor_id.in_(pair),
            own.supervisor_id != StageMeeting.assessor_id,
        )
    )
    if db.session.scalar(four_eyes.limit(1)) is not None:
        raise RuleViolation(
            "One account assessed a stage of a trainee the other supervised: merged, the same "
            "person would have supervised and assessed it.",
            "duplicate",
        )


def _check_schemes(keep: User, duplicate: User) -> None:
    kept_codes = select(Scheme.code).join(Enrolment).where(Enrolment.trainee_id == keep.id)
    shared = db.session.scalars(
        select(Scheme.title)
        .join(Enrolment)
        .where(Enrolment.trainee_id == duplicate.id, Scheme.code.in_(kept_codes))
        .distinct()
    ).all()
    if shared:
        raise RuleViolation(
            "Both accounts are enrolled as trainees on %(schemes)s. A person holds one "
            "enrolment per scheme, so these accounts cannot be merged.",
            "duplicate",
            schemes=tuple(sorted(shared)),
        )


def check_merge(actor: User, keep: User, duplicate: User) -> None:
    """Refuse a merge that cannot be: an erased or the same account, one's own, a deactivated
    kept account, a duplicate merged already, a scheme both are enrolled on, or one account
    in the other's training (merged, the person would supervise or assess themselves)."""
    refuse_if_erased(keep)
    refuse_if_erased(duplicate)
    if keep.id == duplicate.id:
        raise RuleViolation("An account cannot be merged into itself.", "duplicate")
    ensure(
        actor,
        Action.MERGE_PERSON,
        duplicate,
        "You cannot merge away your own account; ask another coordinator.",
        "duplicate",
    )
    if not keep.active:
        raise RuleViolation("This account is deactivated: reactivate it before merging into it.")
    earlier = merged_into(duplicate)
    if earlier is not None:
        raise RuleViolation(
            "That account was already merged into %(email)s.", "duplicate", email=earlier.email
        )
    _check_schemes(keep, duplicate)
    _check_conflicts(keep, duplicate)
