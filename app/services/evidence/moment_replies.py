"""Replies on a moment: a short thread between the trainee and their own supervisor about what
the film shows there. Each reply is audited and tells the other person; a sign-off that locks the
film closes its threads (signed is signed)."""

from app.authz.actions import Action
from app.authz.relations import enrolment_of, is_trainee_of
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Moment, MomentReply, User
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.evidence.locks import ensure_unlocked
from app.services.evidence.rules import check_text

MAX_REPLY = 2000


def reply_to_moment(actor: User, moment: Moment, text: str) -> MomentReply:
    """Add `actor`'s reply to the moment's thread and tell the other person."""
    ensure(
        actor,
        Action.REPLY_TO_MOMENT,
        moment,
        "Only the trainee and their own supervisor reply on a moment, while the pathway is active.",
    )
    ensure_unlocked(moment)
    text = text.strip()
    if not text:
        raise RuleViolation("Write your reply.", "text")
    check_text(text, "text", MAX_REPLY)
    reply = MomentReply(moment=moment, author=actor, text=text)
    db.session.add(reply)
    db.session.flush()
    audit.record(
        actor,
        "moment.replied",
        "moment_reply",
        reply.id,
        after={"moment_id": moment.id, "text": text},
    )
    enrolment = enrolment_of(moment)
    supervisor = enrolment.current_assignment.supervisor if enrolment.current_assignment else None
    told = [supervisor] if is_trainee_of(actor, enrolment) else [enrolment.trainee]
    notifications.notify(
        [person for person in told if person is not None],
        "moment_reply",
        Phrase(
            "%(name)s replied on a moment of case %(case)s.",
            name=actor.display_name,
            case=moment.film.cycle.case.code,
        ),
        notifications.link_to("films.show", film_id=moment.film_id),
    )
    return reply
