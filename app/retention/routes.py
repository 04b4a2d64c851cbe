"""Clips due for deletion, and the trainee's word that the footage kept elsewhere is gone."""

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, load_or_404, requires
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import local_today
from app.models import Film
from app.services.privacy import retention
from app.services.privacy.retention import DueFilm
from app.web.commit import apply_or_flash

bp = Blueprint("retention", __name__)

RULE_NAMES = {
    retention.RETENTION_DATE: _l("deletion date reached"),
    retention.CONSENT_WITHDRAWN: _l("consent withdrawn"),
}


@bp.app_template_global("footage_awaiting_confirmation")
def footage_awaiting_confirmation(film: Film) -> DueFilm | None:
    """For the film page: the film's due deletion while its trainee has not confirmed it."""
    return retention.awaits_confirmation(film, local_today())


@bp.app_template_global("retention_rule_names")
def retention_rule_names() -> dict[str, str]:
    """The retention rules' names for pages."""
    return {rule: str(name) for rule, name in RULE_NAMES.items()}


@bp.get("/retention")
@requires(Action.MANAGE_RETENTION)
def index() -> str:
    """Clips due for deletion, and deleted clips whose footage awaits the trainee's word."""
    today = local_today()
    return render_template(
        "retention/index.html",
        due=retention.films_due(today),
        awaiting=retention.awaiting_confirmation(today),
    )


@bp.post("/films/<int:film_id>/footage-deleted")
@requires(Action.CONFIRM_FOOTAGE_DELETED)
def confirm_footage_deleted(film_id: int) -> Response:
    """The trainee confirms they deleted the footage they keep outside Attune."""
    film = load_or_404(Film, film_id, Action.CONFIRM_FOOTAGE_DELETED)
    actor = current_actor()
    if apply_or_flash(lambda: retention.confirm_footage_deleted(actor, film, local_today())):
        flash(_("Thank you: your confirmation is recorded."), "success")
    return redirect(url_for("films.show", film_id=film.id))
