"""Each person's home page: what matters for the roles they hold."""

from flask import Blueprint, render_template

from app.authz.actions import Action
from app.authz.rules import may_coordinate, may_supervise, may_train
from app.authz.web import current_actor, requires
from app.i18n import local_today
from app.models.base import utcnow
from app.services.coordination import dashboards
from app.services.people import enrolment_queries
from app.services.progress.enrolment_head import EnrolmentHead
from app.services.progress.kept import progress_of_many
from app.services.supervision import queries
from app.services.supervision.waiting import waiting_by_enrolment
from app.web.kept import kept_until_change

bp = Blueprint("home", __name__)


@bp.get("/")
@requires(Action.VIEW_HOME)
def index() -> str:
    """The home page, with one section per role the person holds."""
    user = current_actor()
    own = enrolment_queries.own_enrolments(user) if may_train(user) else None
    supervisees = enrolment_queries.supervisee_rows(user) if may_supervise(user) else None
    shown: list[EnrolmentHead] = [*(own or []), *(supervisees or [])]
    return render_template(
        "home/index.html",
        own_enrolments=own,
        supervisees=supervisees,
        progress=progress_of_many(shown, local_today()),
        waiting=waiting_by_enrolment([e.id for e in shown]),
        summary=_coordinator_summary() if may_coordinate(user) else None,
        assessing=dashboards.meetings_assessed_by(user) if may_supervise(user) else None,
        to_confirm=queries.waiting_for_confirmation(user) if may_supervise(user) else [],
    )


def _coordinator_summary() -> dashboards.CoordinatorSummary:
    """The coordinators' headline counts, counted over the whole association once per change
    (at 50,000 enrolments ~12 ms of PostgreSQL's time) and per minute: an invitation that
    expires changes no record, so its count may lag by up to a minute."""
    minute = utcnow().replace(second=0, microsecond=0)
    return kept_until_change("coordinator_summaries", minute, dashboards.coordinator_summary, 4)
