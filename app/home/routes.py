"""Each person's home page: what matters for the roles they hold."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.authz import Action, requires
from app.models import Role
from app.services import dashboards

bp = Blueprint("home", __name__)


@bp.get("/")
@requires(Action.VIEW_HOME)
def index() -> str:
    """The home page, with one section per role the person holds."""
    user = current_user._get_current_object()
    return render_template(
        "home/index.html",
        own_enrolments=dashboards.own_enrolments(user) if user.has_role(Role.TRAINEE) else None,
        supervisees=dashboards.current_supervisees(user)
        if user.has_role(Role.SUPERVISOR)
        else None,
        summary=dashboards.coordinator_summary() if user.has_role(Role.COORDINATOR) else None,
    )
