"""The pipeline dashboard and its lists, for coordinators."""

from flask import Blueprint, abort, render_template
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import requires
from app.extensions import db
from app.lists.worklist import WorkList, args_from_request, csv_response, page_context
from app.lists.workspace import LISTS
from app.services.coordination import pipeline
from app.web.progress_charts import pipeline_funnels

bp = Blueprint("coordination", __name__, url_prefix="/coordination")

PREVIEW_ROWS = 5


def _list_or_404(key: str) -> WorkList:
    worklist = LISTS.get(key)
    if worklist is None:
        abort(404)
    return worklist


@bp.get("")
@requires(Action.VIEW_PIPELINE)
def dashboard() -> str:
    """Counts by scheme and stage, then each list's size and its first rows."""
    previews = []
    for worklist in LISTS.values():
        args = args_from_request(worklist)
        query = worklist.query(args)
        rows = db.session.execute(query.limit(PREVIEW_ROWS))
        items = rows.all() if worklist.tuple_rows else rows.scalars().all()
        total = pipeline.count_of(query)
        previews.append((worklist, worklist.columns(args), items, total))
    counts = pipeline.counts_by_scheme_and_stage()
    return render_template(
        "coordination/dashboard.html",
        counts=counts,
        funnels=dict((scheme.scheme_id, chart) for scheme, chart in pipeline_funnels(counts)),
        previews=previews,
    )


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
