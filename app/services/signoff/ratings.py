"""Self-assessment and supervisor ratings against the principles; history is kept, never
overwritten."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.authz.relations import is_own_supervisor_on, is_trainee_of
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Element,
    Enrolment,
    EnrolmentStage,
    Moment,
    Principle,
    Rating,
    RatingKind,
    User,
)
from app.services import audit
from app.services.evidence.rules import check_text

SCALE = (1, 2, 3, 4, 5)


def history(enrolment: Enrolment) -> list[Rating]:
    """Every rating of the enrolment, newest first, with what the pages show loaded."""
    return list(
        db.session.scalars(
            select(Rating)
            .join(EnrolmentStage)
            .where(EnrolmentStage.enrolment_id == enrolment.id)
            .options(
                selectinload(Rating.principle),
                selectinload(Rating.element),
                selectinload(Rating.rater).lazyload(User.role_links),
                selectinload(Rating.moments),
                selectinload(Rating.enrolment_stage).selectinload(EnrolmentStage.stage),
            )
            .order_by(Rating.rated_on.desc(), Rating.id.desc())
        )
    )


def rater_kind(actor: User, enrolment: Enrolment, today: date) -> RatingKind | None:
    """SELF for the trainee, SUPERVISOR for their own supervisor today, None otherwise."""
    if is_trainee_of(actor, enrolment):
        return RatingKind.SELF
    if is_own_supervisor_on(actor, enrolment, today):
        return RatingKind.SUPERVISOR
    return None


def rate(
    actor: User,
    enrolment: Enrolment,
    principle: Principle,
    element: Element | None,
    score: int,
    comment: str,
    moments: Sequence[Moment],
    today: date,
) -> Rating:
    """Add a rating for the current stage (the trainee's own, or their supervisor's)."""
    kind = rater_kind(actor, enrolment, today)
    if kind is None:
        raise RuleViolation("Only the trainee and their own supervisor rate.")
    stage = enrolment.current_stage
    if stage is None:
        raise RuleViolation("No stage is open to rate.")
    from app.services.signoff.meetings import open_meeting_locks_stage

    if open_meeting_locks_stage(stage):
        raise RuleViolation("This stage is signed off; its ratings are locked.")
    if principle.framework_id != enrolment.scheme.framework_id:
        raise RuleViolation("Choose a principle of this trainee's framework.", "principle")
    if element is not None and element.principle_id != principle.id:
        raise RuleViolation("Choose an element of the chosen principle.", "element")
    if score not in SCALE:
        raise RuleViolation(
            "Choose a rating from %(lowest)s to %(highest)s.",
            "score",
            lowest=SCALE[0],
            highest=SCALE[-1],
        )
    check_text(comment, "comment", 2000)
    if any(m.film.cycle.case.enrolment_id != enrolment.id for m in moments):
        raise RuleViolation("Only moments of this trainee's films can be evidence.", "moments")
    rating = Rating(
        enrolment_stage=stage,
        kind=kind,
        rater_id=actor.id,
        principle=principle,
        element=element,
        score=score,
        comment=comment.strip(),
        rated_on=today,
        moments=list(moments),
    )
    db.session.add(rating)
    db.session.flush()
    audit.record(
        actor,
        "rating.added",
        "rating",
        rating.id,
        after={
            "kind": kind,
            "principle": principle.code,
            "score": score,
            "element": element.code if element else None,
            "moments": [m.id for m in moments],
        },
    )
    return rating
