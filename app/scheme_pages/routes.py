"""Read-only pages for the loaded schemes and competency frameworks."""

from flask import Blueprint, abort, render_template

from app.authz.actions import Action
from app.authz.web import requires
from app.services.schemes import catalogue
from app.services.schemes.loader import latest_schemes

bp = Blueprint("scheme_pages", __name__, url_prefix="/schemes")


@bp.get("")
@requires(Action.VIEW_SCHEMES)
def index() -> str:
    """The latest revision of every scheme version."""
    return render_template("scheme_pages/index.html", schemes=latest_schemes())


@bp.get("/<int:scheme_id>")
@requires(Action.VIEW_SCHEMES)
def show(scheme_id: int) -> str:
    """A scheme revision: stages and the requirements of each."""
    scheme = catalogue.scheme_details(scheme_id) or abort(404)
    return render_template(
        "scheme_pages/show.html", scheme=scheme, revisions=catalogue.revisions_of(scheme)
    )


@bp.get("/frameworks/<int:framework_id>")
@requires(Action.VIEW_SCHEMES)
def framework(framework_id: int) -> str:
    """A framework revision: the principles and their elements."""
    found = catalogue.framework_details(framework_id) or abort(404)
    return render_template("scheme_pages/framework.html", framework=found)
