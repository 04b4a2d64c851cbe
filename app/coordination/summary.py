"""What the pipeline dashboard shows, gathered once per change and kept in the app.

Gathering it (counts by scheme and stage, every list's size and first rows) takes many
statements over the whole association; the page is opened far more often than anything on it
changes. So the gathered values are kept until anything changes (`app.web.kept`), keyed also by
everything else they depend on: the day, the viewer's language and time zone, the query string.
"""

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import get_locale, get_timezone

from app.extensions import db
from app.i18n import local_today
from app.lists.csv_export import Column
from app.lists.worklist import ShownRow, WorkList, args_from_request, shown_rows
from app.lists.workspace import LISTS
from app.services.coordination import pipeline
from app.services.coordination.pipeline import SchemeCounts
from app.web.charts import Chart
from app.web.kept import kept_until_change
from app.web.progress_charts import pipeline_funnels

PREVIEW_ROWS = 5
KEPT = 32  # gathered dashboards kept per app (a few languages, zones and days at once)


@dataclass(frozen=True)
class Preview:
    worklist: WorkList
    columns: tuple[Column[Any], ...]
    rows: tuple[ShownRow, ...]
    total: int


@dataclass(frozen=True)
class Dashboard:
    counts: list[SchemeCounts]
    funnels: dict[int, Chart]
    previews: list[Preview]


def _gather() -> Dashboard:
    previews = []
    for worklist in LISTS.values():
        args = args_from_request(worklist)
        shown, tuple_rows = worklist.shown(args)
        found = db.session.execute(shown.limit(PREVIEW_ROWS))
        items = found.all() if tuple_rows else found.scalars().all()
        columns = worklist.columns(args)
        rows = tuple(shown_rows(worklist.link, columns, items))
        previews.append(Preview(worklist, columns, rows, pipeline.count_of(worklist.query(args))))
    counts = pipeline.counts_by_scheme_and_stage()
    funnels = {scheme.scheme_id: chart for scheme, chart in pipeline_funnels(counts)}
    return Dashboard(counts, funnels, previews)


def dashboard() -> Dashboard:
    """The dashboard as it stands now: gathered, or kept from a request since the last change."""
    key = (
        local_today(),
        str(get_locale()),
        str(get_timezone()),
        tuple(sorted(request.args.items(multi=True))),
    )
    return kept_until_change("pipeline_dashboards", key, _gather, KEPT)
