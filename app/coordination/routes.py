"""The pipeline dashboard and its lists, for coordinators."""

from flask import Blueprint, abort, render_template
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import requires
from app.lists.worklist import WorkList, csv_response, page_context
from app.lists.workspace import LISTS

from . import summary

bp = Blueprint("coordination", __name__, url_prefix="/coordination")


def _list_or_404(key: str) -> WorkList:
    worklist = LISTS.get(key)
    if worklist is None:
        abort(404)
    return worklist


@bp.get("")
@requires(Action.VIEW_PIPELINE)
def dashboard() -> str:
    """Counts by scheme and stage, then each list's size and its first rows."""
    return render_template("coordination/dashboard.html", dashboard=summary.dashboard())


@bp.get("/<key>")
@requires(Action.VIEW_PIPELINE)
def worklist(key: str) -> str:
    """One list in full: search, filters, sorting and pages."""
    return render_template("coordination/list.html", **page_context(_list_or_404(key)))


@bp.get("/<key>/export.csv")
@requires(Action.EXPORT_LISTS)
def export(key: str) -> Response:
    """The list as it is searched, filtered and sorted, every page, as a CSV file."""
    return csv_response(_list_or_404(key), key)
